"""C4's cleaning rules (Raffel et al. 2020, "Exploring the Limits of Transfer Learning with a Unified
Text-to-Text Transformer", section 2.2; TFDS ``c4_utils``), as datatrove's ``C4QualityFilter``,
made CJK-aware. A line filter (a modifier) and a document filter in one stage."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

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


RULES = ("too_long_word", "no_terminal_punct", "too_few_words", "javascript", "policy")


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
        subs = POLICY_SUBSTRINGS if policy_substrings is None else policy_substrings
        subs_cjk = subs + (POLICY_SUBSTRINGS_CJK if policy_substrings_cjk is None else policy_substrings_cjk)
        self._policy = {False: _alternation(subs), True: _alternation(subs_cjk)}
        self.th = {False: dict(words_per_line=min_words_per_line, sentences=min_sentences, words=min_words),
                   True: dict(words_per_line=min_words_per_line_cjk, sentences=min_sentences_cjk,
                              words=min_words_cjk)}
        if max_word_length is not None:
            self._long = {False: re.compile(f"(?<!\\S)\\S{{{max_word_length + 1},}}"),  # from word starts only
                          True: re.compile(f"(?<![^\\s{CJK_RANGES}])[^\\s{CJK_RANGES}]{{{max_word_length + 1},}}")}
        self.language_field = language_field
        self.cjk_languages = list(CJK_LANGUAGES if cjk_languages is None else cjk_languages)
        self.cjk_min_share = cjk_min_share

    #: the score columns that ``reason`` and ``failures`` take, in order
    decision_columns = ("c4_sentences", "c4_words", "c4_lorem_ipsum", "c4_curly_bracket", CJK_COLUMN)

    def output_fields(self):
        i32, i64, b = pa.int32(), pa.int64(), pa.bool_()
        return [pa.field("c4_lines", i32), pa.field("c4_lines_removed", i32), pa.field("c4_chars_removed", i64),
                pa.field("c4_sentences", i32), pa.field("c4_words", i64),
                pa.field("c4_lorem_ipsum", b), pa.field("c4_curly_bracket", b), CJK_FIELD]

    # -- the line filter ------------------------------------------------------------------------
    def clean(self, text: str, cjk: bool) -> tuple[str, int, list[int], int, int, int, bool, bool]:
        """(cleaned text, non-blank lines, removed lines per rule, characters removed, sentences,
        words left, lorem ipsum seen, curly bracket seen) of one document."""
        th = self.th[cjk]
        end = CJK_TERMINAL_PUNCT if cjk else TERMINAL_PUNCT
        min_wpl = th["words_per_line"] or 0
        max_len = self.max_word_length
        long_word = self._long[cjk] if max_len is not None else None
        sentence_end = _SENTENCE_END_CJK if cjk else _SENTENCE_END
        policy = self._policy[cjk] if self.filter_policy else None
        check_punct, cite = self.filter_no_terminal_punct, self.remove_citations
        lorem_on, js_on, curly_on = self.filter_lorem_ipsum, self.filter_javascript, self.filter_curly_bracket
        removed = [0, 0, 0, 0, 0]
        out: list[str] = []
        n_lines = chars_removed = sentences = n_words = 0
        lorem = curly = brk = False
        for line in text.split("\n"):
            line = line.strip()
            if not line:
                brk = bool(out)
                continue
            n_lines += 1
            if long_word is not None and len(line) > max_len and long_word.search(line):
                removed[0] += 1
                chars_removed += len(line)
                continue
            if cite and "[" in line:
                shorter = _CITATION.sub("", line).strip()
                chars_removed += len(line) - len(shorter)
                line = shorter
                if not line:
                    removed[1] += 1
                    continue
            # trafilatura writes table cells as "| cell |": the cell's text decides
            last = line.rstrip(_TABLE_CELL_END) if line.endswith("|") else line
            if check_punct and (not last.endswith(end) or last.endswith("...")):
                removed[1] += 1
                chars_removed += len(line)
                continue
            nw = word_count(line) if cjk else len(line.split())
            if nw < min_wpl:
                removed[2] += 1
                chars_removed += len(line)
                continue
            low = line.lower()
            if lorem_on and "lorem ipsum" in low:
                lorem = True
            if js_on and "javascript" in low:
                removed[3] += 1
                chars_removed += len(line)
                continue
            if curly_on and "{" in line:
                curly = True
            if policy is not None and policy.search(low):
                removed[4] += 1
                chars_removed += len(line)
                continue
            sentences += len(sentence_end.findall(line)) or 1
            n_words += nw
            if out:
                out.append("\n\n" if brk else "\n")
            out.append(line)
            brk = False
        return "".join(out), n_lines, removed, chars_removed, sentences, n_words, lorem, curly

    def _run(self, table):
        texts = texts_of(table)
        flags = cjk_flags(table, texts, self.language_field, self.cjk_languages, self.cjk_min_share)
        results = [self.clean(t, f) for t, f in zip(texts, flags)]
        cols = list(zip(*results)) if results else [[] for _ in range(8)]
        values = [cols[1], [sum(r) for r in cols[2]], *cols[3:8], flags]
        scores = {f.name: pa.array(v, f.type) for f, v in zip(self.output_fields(), values)}
        return scores, results

    def score(self, table):
        return self._run(table)[0]

    def reason(self, sentences, n_words, lorem, curly, cjk) -> str | None:
        """The first rule this row fails, or None."""
        return next(self.failures(sentences, n_words, lorem, curly, cjk), None)

    def failures(self, sentences, n_words, lorem, curly, cjk):
        """Every rule this row fails, in order (for per-rule statistics)."""
        th = self.th[bool(cjk)]
        if lorem and self.filter_lorem_ipsum:
            yield "c4:lorem_ipsum"
        if curly and self.filter_curly_bracket:
            yield "c4:curly_bracket"
        if th["sentences"] is not None and sentences < th["sentences"]:
            yield "c4:too_few_sentences"
        if th["words"] is not None and n_words < th["words"]:
            yield "c4:too_few_words"

    def process(self, table: pa.Table) -> StageResult:
        """Score and decide as a :class:`Filter`, then give the kept documents their cleaned text and
        count what the line filter removed from them."""
        scores, results = self._run(table)
        for col, arr in scores.items():
            if col in table.column_names:
                table = table.set_column(table.column_names.index(col), col, arr)
            else:
                table = table.append_column(col, arr)
        reasons = self.decide(table)
        keep_list = [r is None for r in reasons]
        keep = pa.array(keep_list, pa.bool_())
        rejected = table.filter(pc.invert(keep))
        rejected = rejected.append_column("reason", pa.array([r for r in reasons if r is not None], pa.string()))
        kept = table.filter(keep)
        kept_results = [r for r, k in zip(results, keep_list) if k]
        idx = kept.column_names.index("text")
        kept = kept.set_column(idx, kept.schema.field("text"),
                               pa.array([r[0] for r in kept_results], kept.schema.field("text").type))
        counters: dict[str, float] = {"lines_in": 0, "chars_in": 0, "chars_removed": 0, "docs_modified": 0}
        counters.update({f"lines_removed:{rule}": 0 for rule in RULES})
        originals = table.column("text").filter(keep).to_pylist()
        for r, original in zip(kept_results, originals):
            counters["lines_in"] += r[1]
            counters["chars_in"] += len(original or "")
            counters["chars_removed"] += r[3]
            for rule, n in zip(RULES, r[2]):
                counters[f"lines_removed:{rule}"] += n
            if r[3]:
                counters["docs_modified"] += 1
        return StageResult(kept, rejected, counters)
