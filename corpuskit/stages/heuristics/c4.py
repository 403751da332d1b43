"""C4's cleaning rules (Raffel et al. 2020, "Exploring the Limits of Transfer Learning with a Unified
Text-to-Text Transformer", section 2.2; TFDS ``c4_utils``), as datatrove's ``C4QualityFilter``,
made CJK-aware. A line filter (a modifier) and a document filter in one stage."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from ...schema import with_columns
from ...stage import StageResult, register
from ...text import CJK_RANGES, word_count
from ._common import (CJK_COLUMN, CJK_FIELD, CJK_LANGUAGES, CJK_TERMINAL_PUNCT, DEFAULT_CJK_MIN_SHARE,
                      MeasuredFilter, TABLE_CELL_END as _TABLE_CELL_END, TERMINAL_PUNCT, cjk_flags, texts_of)

#: datatrove's POLICY_SUBSTRINGS (from TFDS c4_utils); in CJK documents also the same notices in
#: Chinese, Japanese and Korean (:data:`POLICY_SUBSTRINGS_CJK`).
POLICY_SUBSTRINGS = ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies",
                     "use cookies"]
POLICY_SUBSTRINGS_CJK = ["隐私政策", "隱私政策", "隐私权政策", "使用条款", "服务条款", "服務條款", "使用cookie",
                         "cookie政策", "プライバシーポリシー", "利用規約", "クッキーを使用", "개인정보처리방침", "이용약관",
                         "쿠키를 사용"]
_CITATION = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]|\[编辑\]|\[編輯\]|\[来源请求\]")
# Linear time on hostile text: a match may only start where a run of end marks starts (lookbehind), and the
# runs are taken possessively; otherwise a line of 20,000 dots costs 4 s (every start re-scans the run).
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+(?=\s|$)")
_SENTENCE_END_CJK = re.compile(r"(?:[。！？｡．…!?]+|\.(?=\s|$))[”’」』\"')）]*")


def _alternation(substrings: list[str]) -> re.Pattern | None:
    return re.compile("|".join(re.escape(s.lower()) for s in substrings)) if substrings else None


#: The line rules, in the order they are checked; ``lines_removed:<rule>`` counts each.
RULES = ("too_long_word", "no_terminal_punct", "too_few_words", "javascript", "policy")
TOO_LONG_WORD, NO_TERMINAL_PUNCT, TOO_FEW_WORDS, JAVASCRIPT, POLICY = range(len(RULES))


@dataclass(frozen=True)
class C4Thresholds:
    """One script's thresholds of :class:`C4Filter` (named as its parameters; None turns a rule off)."""

    min_words_per_line: int | None
    min_sentences: int | None
    min_words: int | None


class CleanedText(NamedTuple):
    """What C4's line filter made of one document."""

    text: str  # the kept lines, blank lines between them kept as paragraph breaks
    lines: int  # non-blank lines in
    lines_removed: list[int]  # per rule, in the order of RULES
    chars_removed: int  # characters of removed lines and citations
    sentences: int  # in the kept lines
    words: int  # in the kept lines
    lorem_ipsum: bool  # "lorem ipsum" in a line that reached that check
    curly_bracket: bool  # "{" in a line that reached that check


@dataclass(frozen=True, slots=True)
class _LineRules:
    """C4's line filter for one script, its patterns compiled: :meth:`judge` decides one line."""

    terminal_punct: tuple[str, ...] | None  # None: lines need not end in terminal punctuation
    min_words_per_line: int
    max_word_length: int | None  # None: long words are allowed
    long_word: re.Pattern | None
    remove_citations: bool
    lorem_ipsum: bool
    javascript: bool
    curly_bracket: bool
    policy: re.Pattern | None  # None: policy notices are allowed
    sentence_end: re.Pattern
    cjk: bool

    def judge(self, line: str) -> tuple[str, int | None, int, bool, bool]:
        """``(line without citations, index in RULES of the rule that removes it or None, words, "lorem
        ipsum" seen, "{" seen)`` of one stripped, non-blank line. The checks stop at the first rule that
        removes the line: what only later checks look at is not seen."""
        if self.long_word is not None and len(line) > self.max_word_length and self.long_word.search(line):
            return line, TOO_LONG_WORD, 0, False, False
        if self.remove_citations and "[" in line:
            line = _CITATION.sub("", line).strip()
            if not line:
                return line, NO_TERMINAL_PUNCT, 0, False, False
        # trafilatura writes table cells as "| cell |": the cell's text decides
        last = line.rstrip(_TABLE_CELL_END) if line.endswith("|") else line
        if self.terminal_punct is not None and (not last.endswith(self.terminal_punct) or last.endswith("...")):
            return line, NO_TERMINAL_PUNCT, 0, False, False
        n_words = word_count(line) if self.cjk else len(line.split())
        if n_words < self.min_words_per_line:
            return line, TOO_FEW_WORDS, n_words, False, False
        low = line.lower()
        lorem = self.lorem_ipsum and "lorem ipsum" in low
        if self.javascript and "javascript" in low:
            return line, JAVASCRIPT, n_words, lorem, False
        curly = self.curly_bracket and "{" in line
        if self.policy is not None and self.policy.search(low):
            return line, POLICY, n_words, lorem, curly
        return line, None, n_words, lorem, curly


@register
class C4Filter(MeasuredFilter):
    """C4's rules (defaults from C4 / datatrove; ``*_cjk`` values and ``min_words`` see docs/heuristics.md).
    Line removal (counted per rule in the stage's counters, over the documents it keeps):
    lines with a word longer than ``max_word_length`` (for CJK: a run of non-CJK characters), lines that
    do not end in terminal punctuation (``. ? ! " ' ” ’``, not ``...``; in CJK documents also
    ``。！？；：．…」』｡``), lines with fewer than ``min_words_per_line`` words (whitespace words; CJK:
    characters and letter/digit runs), lines containing "javascript", lines with a privacy/cookie/terms notice. Wikipedia-style
    citations (``[1]``, ``[edit]``) are removed from lines first. Blank lines are kept as paragraph breaks.

    Documents are rejected for ``c4:lorem_ipsum``, ``c4:curly_bracket`` (a ``{`` in a kept line; turn off
    with ``filter_curly_bracket: false``), ``c4:too_few_sentences`` (fewer than ``min_sentences`` in the
    kept lines) and ``c4:too_few_words`` (fewer than ``min_words`` left). Rejected documents keep their
    original text; kept ones get the cleaned text.

    Scores: ``c4_lines`` (non-blank lines in), ``c4_lines_removed``, ``c4_chars_removed`` (characters of
    removed lines and citations), ``c4_sentences``, ``c4_words`` (after removal), ``c4_lorem_ipsum``,
    ``c4_curly_bracket``, ``heuristics_cjk``. Counters: ``lines_in``, ``lines_removed:<rule>``,
    ``chars_in``, ``chars_removed``, ``docs_modified`` (kept documents only).
    """

    name = "c4"

    def __init__(self,
                 filter_no_terminal_punct: bool = True,
                 min_words_per_line: int | None = 3,
                 max_word_length: int | None = 1000,
                 min_sentences: int | None = 5,
                 min_words: int | None = 50,
                 filter_lorem_ipsum: bool = True,
                 filter_javascript: bool = True,
                 filter_curly_bracket: bool = True,
                 filter_policy: bool = True,
                 remove_citations: bool = True,
                 policy_substrings: list[str] | None = None,
                 policy_substrings_cjk: list[str] | None = None,
                 min_words_per_line_cjk: int | None = 5,
                 min_sentences_cjk: int | None = 5,
                 min_words_cjk: int | None = 75,
                 language_field: str = "language", cjk_languages: list[str] | None = None,
                 cjk_min_share: float = DEFAULT_CJK_MIN_SHARE):
        if max_word_length is not None and max_word_length < 1:
            raise ValueError(f"max_word_length must be >= 1, got {max_word_length}")
        self.filter_no_terminal_punct = filter_no_terminal_punct
        self.max_word_length = max_word_length
        self.filter_lorem_ipsum = filter_lorem_ipsum
        self.filter_javascript = filter_javascript
        self.filter_curly_bracket = filter_curly_bracket
        self.filter_policy = filter_policy
        self.remove_citations = remove_citations
        self.thresholds = C4Thresholds(min_words_per_line=min_words_per_line, min_sentences=min_sentences,
                                       min_words=min_words)
        self.thresholds_cjk = C4Thresholds(min_words_per_line=min_words_per_line_cjk,
                                           min_sentences=min_sentences_cjk, min_words=min_words_cjk)
        policy = POLICY_SUBSTRINGS if policy_substrings is None else policy_substrings
        policy_cjk = policy + (POLICY_SUBSTRINGS_CJK if policy_substrings_cjk is None else policy_substrings_cjk)
        self._line_rules = self._compile_line_rules(policy, cjk=False)
        self._line_rules_cjk = self._compile_line_rules(policy_cjk, cjk=True)
        self.language_field = language_field
        self.cjk_languages = list(CJK_LANGUAGES if cjk_languages is None else cjk_languages)
        self.cjk_min_share = cjk_min_share

    def _compile_line_rules(self, policy_substrings: list[str], cjk: bool) -> _LineRules:
        """The line filter of CJK (``cjk``) or other documents."""
        long_word = None
        if self.max_word_length is not None:
            word_char = f"[^\\s{CJK_RANGES}]" if cjk else "\\S"  # CJK: a run of non-CJK characters is a word
            long_word = re.compile(f"(?<!{word_char}){word_char}{{{self.max_word_length + 1},}}")  # from word starts
        return _LineRules(
            terminal_punct=(CJK_TERMINAL_PUNCT if cjk else TERMINAL_PUNCT) if self.filter_no_terminal_punct else None,
            min_words_per_line=self.thresholds_for(cjk).min_words_per_line or 0,
            max_word_length=self.max_word_length, long_word=long_word, remove_citations=self.remove_citations,
            lorem_ipsum=self.filter_lorem_ipsum, javascript=self.filter_javascript,
            curly_bracket=self.filter_curly_bracket,
            policy=_alternation(policy_substrings) if self.filter_policy else None,
            sentence_end=_SENTENCE_END_CJK if cjk else _SENTENCE_END, cjk=cjk)

    #: the score columns that ``reason`` and ``failures`` take, in order
    decision_columns = ("c4_sentences", "c4_words", "c4_lorem_ipsum", "c4_curly_bracket", CJK_COLUMN)

    def output_fields(self):
        i32, i64, b = pa.int32(), pa.int64(), pa.bool_()
        return [pa.field("c4_lines", i32), pa.field("c4_lines_removed", i32), pa.field("c4_chars_removed", i64),
                pa.field("c4_sentences", i32), pa.field("c4_words", i64),
                pa.field("c4_lorem_ipsum", b), pa.field("c4_curly_bracket", b), CJK_FIELD]

    # -- the line filter ------------------------------------------------------------------------
    def clean(self, text: str, cjk: bool) -> CleanedText:
        """C4's line filter on one document: the lines that no rule removes, and what was counted."""
        rules = self._line_rules_cjk if cjk else self._line_rules
        kept: list[str] = []
        removed = [0] * len(RULES)
        n_lines = chars_removed = sentences = n_words = 0
        lorem = curly = paragraph_break = False
        for line in text.split("\n"):
            line = line.strip()
            if not line:
                paragraph_break = bool(kept)
                continue
            n_lines += 1
            cleaned, rule, line_words, lorem_seen, curly_seen = rules.judge(line)
            if lorem_seen:
                lorem = True
            if curly_seen:
                curly = True
            if rule is not None:
                removed[rule] += 1
                chars_removed += len(line)
                continue
            chars_removed += len(line) - len(cleaned)  # citations
            sentences += len(rules.sentence_end.findall(cleaned)) or 1
            n_words += line_words
            if kept:
                kept.append("\n\n" if paragraph_break else "\n")
            kept.append(cleaned)
            paragraph_break = False
        return CleanedText("".join(kept), n_lines, removed, chars_removed, sentences, n_words, lorem, curly)

    def _run(self, table) -> tuple[dict[str, pa.Array], list[CleanedText]]:
        """The score columns, and each document's :class:`CleanedText`."""
        texts = texts_of(table)
        flags = cjk_flags(table, texts, self.language_field, self.cjk_languages, self.cjk_min_share)
        cleaned = [self.clean(t, f) for t, f in zip(texts, flags)]
        columns = CleanedText(*zip(*cleaned)) if cleaned else CleanedText(*([] for _ in CleanedText._fields))
        values = [columns.lines, [sum(per_rule) for per_rule in columns.lines_removed], columns.chars_removed,
                  columns.sentences, columns.words, columns.lorem_ipsum, columns.curly_bracket, flags]
        scores = {f.name: pa.array(v, f.type) for f, v in zip(self.output_fields(), values)}
        return scores, cleaned

    def score(self, table):
        return self._run(table)[0]

    def reason(self, sentences, n_words, lorem_ipsum, curly_bracket, cjk) -> str | None:
        """The first rule this row fails, or None."""
        return next(self.failures(sentences, n_words, lorem_ipsum, curly_bracket, cjk), None)

    def failures(self, sentences, n_words, lorem_ipsum, curly_bracket, cjk):
        """Every rule this row fails, in order (for per-rule statistics)."""
        t = self.thresholds_for(cjk)
        if lorem_ipsum and self.filter_lorem_ipsum:
            yield "c4:lorem_ipsum"
        if curly_bracket and self.filter_curly_bracket:
            yield "c4:curly_bracket"
        if t.min_sentences is not None and sentences < t.min_sentences:
            yield "c4:too_few_sentences"
        if t.min_words is not None and n_words < t.min_words:
            yield "c4:too_few_words"

    def process(self, table: pa.Table) -> StageResult:
        """Score and decide as a :class:`Filter`, then give the kept documents their cleaned text and
        count what the line filter removed from them."""
        scores, cleaned = self._run(table)
        table = with_columns(table, scores)
        reasons = self.decide(table)
        keep_list = [r is None for r in reasons]
        keep = pa.array(keep_list, pa.bool_())
        rejected = table.filter(pc.invert(keep))
        rejected = rejected.append_column("reason", pa.array([r for r in reasons if r is not None], pa.string()))
        kept_cleaned = [c for c, k in zip(cleaned, keep_list) if k]
        kept = table.filter(keep)
        text_field = kept.schema.field("text")
        kept = kept.set_column(kept.column_names.index("text"), text_field,
                               pa.array([c.text for c in kept_cleaned], text_field.type))
        originals = table.column("text").filter(keep).to_pylist()
        return StageResult(kept, rejected, _line_counters(kept_cleaned, originals))


def _line_counters(cleaned: list[CleanedText], originals: list[str | None]) -> dict[str, float]:
    """The stage's counters over the kept documents: lines and characters in, removed lines per rule,
    characters removed, documents changed."""
    counters: dict[str, float] = {"lines_in": 0, "chars_in": 0, "chars_removed": 0, "docs_modified": 0}
    counters.update({f"lines_removed:{rule}": 0 for rule in RULES})
    for doc, original in zip(cleaned, originals):
        counters["lines_in"] += doc.lines
        counters["chars_in"] += len(original or "")
        counters["chars_removed"] += doc.chars_removed
        for rule, n in zip(RULES, doc.lines_removed):
            counters[f"lines_removed:{rule}"] += n
        if doc.chars_removed:
            counters["docs_modified"] += 1
    return counters
