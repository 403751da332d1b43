"""Toxic-content filtering: a fastText toxicity model, block lists, and a URL/domain block list.

Signals, each kept as a column so a run can be re-thresholded later:

* ``toxicity_score``: P(toxic) from the shipped (or given) fastText model for the document's
  language (``language`` column from the language stage; ``en`` and ``zh`` models ship with
  corpuskit; other languages get no model score). The whole document is scored (its head: the
  model reads the first 512 tokens); a document of several lines that scores above the threshold is
  *confirmed* line by line, and its score becomes ``min(whole-document score, highest line score)``:
  it is rejected only if the whole document and at least one of its lines are above the threshold.
  Measured on held-out good text (``python benchmarks/bench_toxicity.py``): the confirmation removes
  the whole-document false positives of classical poems whose refrains add up (诗经 相鼠) and costs
  one in 2,474 toxic tweets; taking the highest line score alone instead would reject 9 % of law
  chapters and 3-5 % of novel chapters, articles and speeches (one odd line in 40 is enough). The score is exact
  for re-thresholding at or above the threshold of the run (below it, unconfirmed documents keep their
  whole-document score). Toxic text deep in a long document is what ``mode: lines`` is for;
* ``toxicity_blocklist_hits``: matches of the LDNOOBW block lists — whole words and phrases for
  English, substrings for Chinese (which has no spaces), after masking an allow-list of ordinary
  words that contain a listed string (``处女作``) and ignoring listed strings that are mostly
  innocent (``性``, ``成人``, ``刚度``); see ``corpuskit/data/blocklists/zh_allow.txt``;
  ``toxicity_blocklist_terms``: the distinct matched terms (normalised, in order of first match), so a
  reader can see why a document was rejected as ``toxicity:blocklist``;
* the URL's host against ``blocked_domains`` (suffix match: ``example.com`` blocks ``a.example.com``; the list
  format and matching are :mod:`corpuskit.stages._url_lists`, shared with the ``url_filter`` stage).

Two modes. ``drop`` rejects the document (``toxicity:blocked-domain``, ``toxicity:model>0.8``, or
``toxicity:blocklist``: at least ``blocklist_min_hits`` hits and at least ``blocklist_min_density``
hits per 1,000 words — measured on real text, Chinese porn-spam pages from Common Crawl have 7.5 and
20.5, chapters of the PRC criminal law at most 4.8 and of 红楼梦 at most 2.0 after the allow-list). ``lines`` removes only the offending lines
(model score above the threshold, or a block-list hit), as Dolma does, records the characters and
lines removed in the counters, and rejects the document only if nothing is left
(``toxicity:all-lines-removed``).
"""

from __future__ import annotations

import importlib.resources
import re
import unicodedata
from itertools import compress

import pyarrow as pa

from ..schema import with_columns
from ..stage import Stage, StageResult, register
from ..text import HAN, word_count
from ._models import LanguageModels
from ._url_lists import host_blocked, load_domains

_NON_WORD = re.compile(r"\W")  # the block-list terms and the text are split at each non-word character
_WORD_CHAR = re.compile(r"\w")
_MAX_CONFIRM_LINES = 2000  # lines scored to confirm a flagged document (bounds the cost of a huge one)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


BLOCKLIST_FILES = ("en.txt", "zh.txt", "zh_allow.txt")


def _list_path(name: str):
    return importlib.resources.files("corpuskit") / "data" / "blocklists" / name


def _read_list(name: str) -> list[str]:
    path = _list_path(name)
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


class _WordTermMatcher:
    """Whole-word terms, found as ``(?<!\\w)(?:longest|...|shortest)(?!\\w)`` with ``findall`` would find them
    (leftmost, then longest, not overlapping), by tokenising the text once instead of trying every term at every
    character.

    The text is split at each non-word character (``re.split(r"\\W")``): its tokens are the maximal runs of word
    characters and the empty strings between two adjacent non-word characters. A term matches where its own
    tokens (split the same way) equal the text's tokens there and the non-word characters between them are equal:
    the look-behind and look-ahead are what make each end of the match a token boundary. So a match can start
    only at a token equal to the term's first token (``""`` for a term that starts with a non-word character,
    such as ``🖕``), which one set look-up per token finds."""

    def __init__(self, terms):
        by_first_token: dict[str, list[tuple[int, str, list[str], int]]] = {}
        for term in set(terms):
            if not term:
                raise ValueError("a block-list term must not be empty")
            tokens = _NON_WORD.split(term)
            consumed = len(tokens) if _WORD_CHAR.match(term[-1]) else len(tokens) - 1
            by_first_token.setdefault(tokens[0], []).append((len(term), term, tokens, consumed))
        for candidates in by_first_token.values():
            candidates.sort(key=lambda entry: entry[0], reverse=True)  # the regex tried the longest term first
        self._by_first_token = by_first_token
        self._word_starts = frozenset(first for first in by_first_token if first)
        self._non_word_starts = [entry[1] for entry in by_first_token.get("", [])]

    def findall(self, text: str) -> list[str]:
        tokens = _NON_WORD.split(text)
        starts = self._word_starts
        if self._non_word_starts and any(term in text for term in self._non_word_starts):
            starts = starts | {""}
        candidates = compress(range(len(tokens)), map(starts.__contains__, tokens))
        return self._scan(text, tokens, candidates)

    def _scan(self, text: str, tokens: list[str], candidates) -> list[str]:
        found: list[str] = []
        next_free = 0  # the first token a new match may start at (the previous match covers those before it)
        offset_index = offset = 0  # token offset_index starts at character offset
        for i in candidates:
            if i < next_free:
                continue
            for _, term, term_tokens, consumed in self._by_first_token[tokens[i]]:
                size = len(term_tokens)
                if size > 1:
                    if tokens[i:i + size] != term_tokens:
                        continue
                    # the tokens agree; the non-word characters between them must too
                    offset += sum(map(len, tokens[offset_index:i])) + (i - offset_index)
                    offset_index = i
                    if not text.startswith(term, offset):
                        continue
                found.append(term)
                next_free = i + consumed
                break
        return found


class _SubstringMatcher:
    """Terms found anywhere (Chinese has no spaces), as the alternation of the terms from longest to shortest
    finds them with ``findall``: leftmost, then longest, not overlapping.

    The terms are put in a character trie, compiled into one regular expression whose alternatives branch on
    one character at a time (``处女(?:作|座)?``-like, for all terms at once) instead of listing every term: at
    each place of the text the engine follows the one branch the text allows. The terms that match at one place
    are prefixes of each other, so they lie on that one branch; going deeper is tried before stopping at a
    shorter term, so the longest wins, as it did in the alternation."""

    def __init__(self, terms):
        trie: dict = {}
        for term in set(terms):
            if not term:
                raise ValueError("a block-list term must not be empty")
            node = trie
            for char in term:
                node = node.setdefault(char, {})
            node[_TERM_END] = True
        if not trie:
            raise ValueError("a block list needs at least one term")
        self._pattern = re.compile(_trie_regex(trie))

    def findall(self, text: str) -> list[str]:
        return self._pattern.findall(text)

    def mask(self, text: str) -> str:
        """text with every match replaced by as many NUL characters."""
        return self._pattern.sub(_nul_mask, text)


def _nul_mask(match: re.Match) -> str:
    return "\x00" * (match.end() - match.start())


_TERM_END = ""  # the key that marks a trie node where a term ends (no term character is the empty string)


def _trie_regex(node: dict) -> str:
    """The regular expression of the terms below node: a branch per next character, optional where a term ends."""
    branches = [re.escape(char) + _trie_regex(child) for char, child in sorted(node.items()) if char != _TERM_END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if _TERM_END in node else body  # greedy: the longer term first, then the one ending here


class BlockList:
    """Counts block-list hits: whole words for space-separated text, substrings for Chinese.

    ``hits`` returns what ``re.findall`` returned with one regular expression per list (the terms from longest
    to shortest; whole words: ``(?<!\\w)(?:...)(?!\\w)``), with the English matches first, then the Chinese ones
    found after masking the allow-list words with NUL characters; the matchers below find the same terms without
    trying every term at every character (``tests/test_blocklist_matcher.py`` keeps the regular expressions as
    the reference and compares them on random and real text)."""

    def __init__(self, en: list[str], zh: list[str], zh_ignore: set[str], zh_allow: list[str]):
        self._en = _WordTermMatcher(en) if en else None
        zh = {w for w in zh if w not in zh_ignore}
        self._zh = _SubstringMatcher(zh) if zh else None
        self._allow = _SubstringMatcher(zh_allow) if zh_allow else None

    @classmethod
    def default(cls) -> "BlockList":
        ignore, allow = set(), []
        for line in _read_list("zh_allow.txt"):
            kind, _, word = line.partition(" ")
            (ignore.add if kind == "ignore" else allow.append)(word.strip())
        return cls(_read_list("en.txt"), _read_list("zh.txt"), ignore, allow)

    def hits(self, text: str) -> list[str]:
        text = _normalise(text)
        found = self._en.findall(text) if self._en else []
        if self._zh is not None and HAN.search(text):
            found += self._zh.findall(self._mask_allowed(text))
        return found

    def _mask_allowed(self, text: str) -> str:
        """text with each allow-list word replaced by as many NUL characters (so no block-list term matches in it)."""
        return self._allow.mask(text) if self._allow is not None else text


@register
class ToxicityFilter(Stage):
    """Drop toxic documents, or remove their toxic lines (``mode: lines``)."""

    name = "toxicity"
    path_params = ("models", "blocked_domains_file")
    report_scores = {"toxicity_score": ("toxicity score (P(toxic))", 0.0, 1.0)}

    def __init__(self, mode: str = "drop", threshold: float | None = None, blocklist: bool = True,
                 blocklist_min_hits: int = 3, blocklist_min_density: float = 6.0, models: dict[str, str] | None = None,
                 blocked_domains: list[str] | None = None, blocked_domains_file: str | None = None,
                 min_line_chars: int = 0):
        if mode not in ("drop", "lines"):
            raise ValueError(f"mode must be 'drop' or 'lines', got {mode!r}")
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be within [0, 1], got {threshold}")
        if blocklist_min_hits < 1:
            raise ValueError("blocklist_min_hits must be at least 1")
        self.mode = mode
        self.threshold = threshold  # None: each model's own threshold from its model card
        self.use_blocklist = blocklist
        self.blocklist_min_hits = blocklist_min_hits
        self.blocklist_min_density = blocklist_min_density
        self.models = LanguageModels("toxicity", models)
        self.blocked_domains = load_domains(blocked_domains, blocked_domains_file)  # shared with url_filter
        self.min_line_chars = min_line_chars
        self._blocklist = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_blocklist"] = None  # the models drop theirs too; setup() loads both in each worker
        return state

    def output_fields(self):
        return [pa.field("toxicity_score", pa.float32()), pa.field("toxicity_blocklist_hits", pa.int32()),
                pa.field("toxicity_blocklist_terms", pa.list_(pa.string()))]

    def files_read(self) -> list[str]:
        files = set(super().files_read()) | set(self.models.files())
        if self.use_blocklist:
            files |= {str(_list_path(name)) for name in BLOCKLIST_FILES}
        return sorted(files)

    def setup(self):
        self.models.load()
        if self._blocklist is None and self.use_blocklist:
            self._blocklist = BlockList.default()

    def _threshold(self, lang: str) -> float:
        return self.threshold if self.threshold is not None else self.models.threshold(lang)

    def process(self, table: pa.Table) -> StageResult:
        self.setup()
        texts, langs = self.models.route(table)
        urls = table.column("url").to_pylist() if "url" in table.column_names else [None] * len(texts)
        scores = self.models.scores(texts, langs)
        if self.mode == "drop":
            scores = self._confirm_by_lines(texts, langs, scores)
        matched = [self._blocklist.hits(t) if self._blocklist else [] for t in texts]
        hits = [len(m) for m in matched]
        terms = [list(dict.fromkeys(m)) for m in matched]
        counters: dict[str, float] = {}
        reasons: list[str | None] = []
        new_texts = list(texts)
        for i, (text, lang, score, n_hits, url) in enumerate(zip(texts, langs, scores, hits, urls)):
            if host_blocked(url, self.blocked_domains):
                reasons.append("toxicity:blocked-domain")
                continue
            if self.mode == "drop":
                if score is not None and score > self._threshold(lang):
                    reasons.append(f"toxicity:model>{self._threshold(lang):.3g}")
                elif n_hits >= self.blocklist_min_hits and \
                        1000.0 * n_hits / max(word_count(text), 1) >= self.blocklist_min_density:
                    reasons.append("toxicity:blocklist")
                else:
                    reasons.append(None)
                continue
            kept_text = self._remove_lines(text, lang, counters)
            if kept_text.strip():
                new_texts[i] = kept_text
                reasons.append(None)
            else:
                reasons.append("toxicity:all-lines-removed")
        table = with_columns(table, {
            "text": pa.array(new_texts, pa.string()),
            "toxicity_score": pa.array(scores, pa.float32()),
            "toxicity_blocklist_hits": pa.array(hits, pa.int32()),
            "toxicity_blocklist_terms": pa.array(terms, pa.list_(pa.string())),
        })
        keep = pa.array([r is None for r in reasons])
        rejected = table.filter(pa.compute.invert(keep))
        rejected = with_columns(rejected, {"text": pa.array([texts[i] for i, r in enumerate(reasons) if r], pa.string())})
        rejected = rejected.append_column("reason", pa.array([r for r in reasons if r], pa.string()))
        return StageResult(table.filter(keep), rejected, counters)

    def _confirm_by_lines(self, texts: list[str], langs: list[str | None],
                          scores: list[float | None]) -> list[float | None]:
        """For each document above the threshold that has more than one line: min(its score, its highest
        line score) (see the module doc: a document is toxic when the whole and a part of it are)."""
        todo = [i for i, (lang, score) in enumerate(zip(langs, scores))
                if score is not None and score > self._threshold(lang) and "\n" in texts[i].strip()]
        if not todo:
            return scores
        scores = list(scores)
        lines, owner, owner_lang = [], [], []
        for i in todo:
            for line in texts[i].split("\n")[:_MAX_CONFIRM_LINES]:
                if line.strip():
                    lines.append(line)
                    owner.append(i)
                    owner_lang.append(langs[i])
        best: dict[int, float] = {}
        for i, p in zip(owner, self.models.scores(lines, owner_lang)):
            best[i] = max(best.get(i, 0.0), p)
        for i in todo:
            if i in best:
                scores[i] = min(scores[i], best[i])
        return scores

    def _remove_lines(self, text: str, lang: str | None, counters: dict) -> str:
        lines = text.split("\n")
        candidates = [i for i, line in enumerate(lines) if len(line.strip()) > self.min_line_chars]
        scores = self.models.scores([lines[i] for i in candidates], [lang] * len(candidates)) if lang else []
        drop = set()
        for i, score in zip(candidates, scores or [None] * len(candidates)):
            if score is not None and score > self._threshold(lang):
                drop.add(i)
                counters["lines_removed:model"] = counters.get("lines_removed:model", 0) + 1
        if self._blocklist:
            for i in candidates:
                if i not in drop and self._blocklist.hits(lines[i]):
                    drop.add(i)
                    counters["lines_removed:blocklist"] = counters.get("lines_removed:blocklist", 0) + 1
        if drop:
            counters["docs_modified"] = counters.get("docs_modified", 0) + 1
            counters["chars_removed"] = counters.get("chars_removed", 0) + sum(len(lines[i]) + 1 for i in drop)
        counters["chars_in"] = counters.get("chars_in", 0) + len(text)
        return "\n".join(line for i, line in enumerate(lines) if i not in drop)
