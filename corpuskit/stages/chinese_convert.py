"""Convert Chinese documents between Traditional and Simplified characters with OpenCC.

For corpora that want one script: ``config`` is an OpenCC configuration — ``t2s`` (Traditional to Simplified, the
default), ``s2t``, ``s2tw`` / ``tw2s`` (Taiwan standard), ``s2twp`` / ``tw2sp`` (Taiwan, with Taiwanese
phrases: 软件 <-> 軟體), ``s2hk`` / ``hk2s`` (Hong Kong), ``t2tw``, ``t2hk``, ... (``opencc.CONFIGS``). OpenCC
converts by phrase, then by character, from the dictionaries bundled in the ``opencc`` wheel (nothing is
downloaded), so one-to-many characters get the form their word needs (``頭髮`` -> ``头发``, ``發現`` -> ``发现``).

Only Chinese documents are converted: by the ``language`` column when the language stage wrote one (``zh``, and
the Chinese varieties ``yue``, ``wuu``, ``lzh``...; a Japanese document keeps its kanji), otherwise by the text:
at least ``min_han_share`` of its non-space characters CJK and almost no kana or hangul. The ``zh_script`` column
of the language stage is left as it was, so it still says which script a document was written in.

Conversions to a character of the CJK extensions B-G (outside the Basic Multilingual Plane, missing from many
fonts and tokenizers) are left out unless ``rare_characters`` is set (:func:`make_converter`).

Every document is kept. Counters: ``docs_chinese`` (documents judged Chinese), ``docs_converted`` (whose text
changed), ``chars_changed`` (characters that differ) and ``chars_in`` (characters of the Chinese documents).
"""

from __future__ import annotations

import difflib
import inspect
import re

import numpy as np
import opencc
import pyarrow as pa

from ..schema import with_columns
from ..stage import Stage, StageResult, register
from ..text import DEFAULT_CJK_MIN_SHARE, cjk_chars, cjk_share, is_cjk_language

#: Language codes of Chinese (lid.176 writes ``zh``, ``yue`` and ``wuu``; the others are ISO 639-3 codes of
#: Chinese varieties and classical Chinese that other identifiers write).
CHINESE_LANGUAGES = ("zh", "yue", "wuu", "lzh", "cmn", "gan", "hak", "nan", "hsn", "cjy", "cdo")
_KANA_OR_HANGUL = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af]")
_MAX_KANA_SHARE = 0.05  # of the CJK characters: more, and the text is Japanese or Korean


def opencc_configs() -> list[str]:
    """The configurations the installed OpenCC offers (``t2s``, ``s2t``, ``s2tw``, ...)."""
    return sorted(name.removesuffix(".json") for name in opencc.CONFIGS)


def language_is_chinese(language: str | None) -> bool | None:
    """True/False for a known language code (``zh``, ``zh-Hant``, ``yue``, ``ja``, ``en``); None if unknown."""
    return is_cjk_language(language, CHINESE_LANGUAGES)


def looks_chinese(text: str, min_han_share: float = DEFAULT_CJK_MIN_SHARE) -> bool:
    """Whether a text of unknown language is Chinese: mostly CJK characters, and almost none of them kana or
    hangul."""
    if not text or cjk_share(text) < min_han_share:
        return False
    return len(_KANA_OR_HANGUL.findall(text)) <= _MAX_KANA_SHARE * cjk_chars(text)


def chars_changed(before: str, after: str) -> int:
    """How many characters differ between a text and its conversion (position by position when the lengths are
    equal, as they nearly always are; otherwise the characters in differing blocks)."""
    if len(before) == len(after):
        a = np.frombuffer(before.encode("utf-32-le", "surrogatepass"), np.uint32)
        b = np.frombuffer(after.encode("utf-32-le", "surrogatepass"), np.uint32)
        return int(np.count_nonzero(a != b))
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def make_converter(config: str, rare_characters: bool = False):
    """An OpenCC converter. Without ``rare_characters``, OpenCC (1.2 and later) leaves out the dictionaries of
    its "tofu risk" conversions, which map a character to one of the CJK extensions B-G that many fonts and
    tokenizers lack (熌 -> 𤇄, 殢 -> 𣨼): a rare character stays as it is instead."""
    if "include_tofu_risk_dictionaries" in inspect.signature(opencc.OpenCC.__init__).parameters:
        return opencc.OpenCC(config, include_tofu_risk_dictionaries=rare_characters)
    return opencc.OpenCC(config)


@register
class ChineseConvert(Stage):
    """Convert the Chinese documents' text with an OpenCC configuration (``t2s``: Traditional to Simplified)."""

    name = "chinese_convert"

    def __init__(self, config: str = "t2s", language_field: str = "language",
                 min_han_share: float = DEFAULT_CJK_MIN_SHARE, rare_characters: bool = False):
        config = config.removesuffix(".json")
        if config not in opencc_configs():
            raise ValueError(f"unknown OpenCC config {config!r}; one of: {', '.join(opencc_configs())}")
        if not 0.0 < min_han_share <= 1.0:
            raise ValueError(f"min_han_share must be within (0, 1], got {min_han_share}")
        self.config = config
        self.language_field = language_field
        self.min_han_share = min_han_share
        self.rare_characters = rare_characters
        self._converter = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_converter"] = None  # built again by setup() in each worker
        return state

    def setup(self):
        if self._converter is None:
            self._converter = make_converter(self.config, self.rare_characters)

    def is_chinese(self, text: str | None, language: str | None) -> bool:
        """The language column decides when it names a language, the text otherwise."""
        if not text:
            return False
        known = language_is_chinese(language)
        return known if known is not None else looks_chinese(text, self.min_han_share)

    def convert(self, text: str) -> str:
        self.setup()
        return self._converter.convert(text)

    def process(self, table: pa.Table) -> StageResult:
        self.setup()
        texts = table.column("text").to_pylist()
        languages = table.column(self.language_field).to_pylist() if self.language_field in table.column_names \
            else [None] * len(texts)
        counters = {"docs_chinese": 0, "docs_converted": 0, "chars_changed": 0, "chars_in": 0}
        converted = []
        for text, language in zip(texts, languages):
            if not self.is_chinese(text, language):
                converted.append(text)
                continue
            new_text = self._converter.convert(text)
            counters["docs_chinese"] += 1
            counters["chars_in"] += len(text)
            if new_text != text:
                counters["docs_converted"] += 1
                counters["chars_changed"] += chars_changed(text, new_text)
            converted.append(new_text)
        table = with_columns(table, {"text": pa.array(converted, pa.string())})
        return StageResult(table, None, counters)
