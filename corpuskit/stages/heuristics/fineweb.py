"""FineWeb's own quality rules (Penedo et al. 2024, "The FineWeb Datasets: Decanting the Web for the
Finest Text Data at Scale", arXiv:2406.17557; datatrove's ``FineWebQualityFilter``), made CJK-aware."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from ...stage import register
from ...text import token_counts
from ._common import (CJK_COLUMN, CJK_FIELD, CJK_LANGUAGES, CJK_TERMINAL_PUNCT, DEFAULT_CJK_MIN_SHARE,
                      MeasuredFilter, TABLE_CELL_END as _TABLE_CELL_END, TERMINAL_PUNCT, find_duplicates, fmt,
                      non_blank_lines)


@dataclass(frozen=True)
class FineWebThresholds:
    """One script's thresholds of :class:`FineWebFilter`, named as the score each applies to (None turns a
    rule off)."""

    line_punct_ratio: float | None  # rejected at or below
    short_line_ratio: float | None  # rejected at or above
    short_line_length: int  # a line of at most this many characters is short
    dup_line_char_ratio: float | None  # rejected at or above
    newline_ratio: float | None  # rejected above


@register
class FineWebFilter(MeasuredFilter):
    """FineWeb's rules, in datatrove's order, with the comparisons of the code FineWeb was built with. Reasons:

    * ``fineweb:line_punct_ratio<=0.12``: share of lines ending in terminal punctuation (``. ? ! " ' ” ’``;
      in CJK documents also ``。！？；：．…」』｡``) — FineWeb paper;
    * ``fineweb:short_line_ratio>=0.67``: share of lines of at most ``short_line_length`` = 30 characters
      (CJK: ``short_line_length_cjk`` = 15, calibrated on Chinese) — FineWeb paper;
    * ``fineweb:dup_line_char_ratio>=0.1``: characters in lines that repeat an earlier line, over all
      characters but newlines — the FineWeb paper's 0.1 (datatrove's code default is 0.01);
    * ``fineweb:newline_ratio>0.3``: line breaks per token (CJK: 0.2), a list detector — datatrove.

    Lines are the non-blank lines, as in datatrove 0.9 and later. The first datatrove releases (the FineWeb
    run) counted blank lines too and rejected at equality (``<=``, ``>=``, ``>=``, ``>``): corpuskit keeps those
    comparisons. Later datatrove drops blank lines before every line ratio, rejects an empty document as
    ``empty``, and compares strictly (``<``, ``>``, ``>``, ``>``); the two differ only when a ratio equals its
    threshold exactly. Tokens are whitespace tokens, CJK characters one by one
    (:func:`corpuskit.text.token_counts`). Scores: ``fineweb_line_punct_ratio``, ``fineweb_short_line_ratio``,
    ``fineweb_dup_line_char_ratio``, ``fineweb_newline_ratio``, ``heuristics_cjk``. See docs/heuristics.md.
    """

    name = "fineweb"

    def __init__(self,
                 line_punct_thr: float | None = 0.12, line_punct_exclude_zero: bool = False,
                 short_line_thr: float | None = 0.67, short_line_length: int = 30,
                 char_duplicates_ratio: float | None = 0.1, new_line_ratio: float | None = 0.3,
                 line_punct_thr_cjk: float | None = 0.12,
                 short_line_thr_cjk: float | None = None, short_line_length_cjk: int = 15,
                 char_duplicates_ratio_cjk: float | None = 0.1, new_line_ratio_cjk: float | None = 0.2,
                 language_field: str = "language", cjk_languages: list[str] | None = None,
                 cjk_min_share: float = DEFAULT_CJK_MIN_SHARE):
        if short_line_length < 0 or short_line_length_cjk < 0:
            raise ValueError("short line lengths must be >= 0")
        self.line_punct_exclude_zero = line_punct_exclude_zero
        self.thresholds = FineWebThresholds(
            line_punct_ratio=line_punct_thr, short_line_ratio=short_line_thr, short_line_length=short_line_length,
            dup_line_char_ratio=char_duplicates_ratio, newline_ratio=new_line_ratio)
        self.thresholds_cjk = FineWebThresholds(
            line_punct_ratio=line_punct_thr_cjk, short_line_ratio=short_line_thr_cjk,
            short_line_length=short_line_length_cjk, dup_line_char_ratio=char_duplicates_ratio_cjk,
            newline_ratio=new_line_ratio_cjk)
        self.language_field = language_field
        self.cjk_languages = list(CJK_LANGUAGES if cjk_languages is None else cjk_languages)
        self.cjk_min_share = cjk_min_share

    #: the score columns, in the order ``measure`` returns them and ``reason``/``failures`` take them
    decision_columns = ("fineweb_line_punct_ratio", "fineweb_short_line_ratio", "fineweb_dup_line_char_ratio",
                        "fineweb_newline_ratio", CJK_COLUMN)

    def output_fields(self):
        return [pa.field(name, pa.float64()) for name in self.decision_columns[:-1]] + [CJK_FIELD]

    def measure(self, text: str, cjk: bool) -> tuple[float, float, float, float]:
        """(punctuated-line ratio, short-line ratio, duplicated-line character ratio, newline ratio)."""
        lines = non_blank_lines(text)
        n = len(lines)
        if not n:
            return 0.0, 1.0, 0.0, 0.0
        end = CJK_TERMINAL_PUNCT if cjk else TERMINAL_PUNCT
        short_length = self.thresholds_for(cjk).short_line_length
        # trafilatura writes table cells as "| cell |": the cell's text decides
        line_punct_ratio = sum(1 for line in lines if line.endswith(end)
                               or (line.endswith("|") and line.rstrip(_TABLE_CELL_END).endswith(end))) / n
        short_line_ratio = sum(1 for line in lines if len(line) <= short_length) / n
        stripped = [line.strip() for line in lines]
        dup_line_char_ratio = find_duplicates(stripped)[1] / max(len(text) - text.count("\n"), 1)
        n_tokens = token_counts(text)[0]
        newline_ratio = (n - 1) / n_tokens if n_tokens else 0.0
        return line_punct_ratio, short_line_ratio, dup_line_char_ratio, newline_ratio

    def reason(self, line_punct_ratio, short_line_ratio, dup_line_char_ratio, newline_ratio, cjk) -> str | None:
        """The first rule this row fails, or None."""
        return next(self.failures(line_punct_ratio, short_line_ratio, dup_line_char_ratio, newline_ratio, cjk), None)

    def failures(self, line_punct_ratio, short_line_ratio, dup_line_char_ratio, newline_ratio, cjk):
        """Every rule this row fails, in order (for per-rule statistics)."""
        t = self.thresholds_for(cjk)
        if (t.line_punct_ratio is not None and line_punct_ratio <= t.line_punct_ratio
                and not (line_punct_ratio == 0 and self.line_punct_exclude_zero)):
            yield f"fineweb:line_punct_ratio<={fmt(t.line_punct_ratio)}"
        if t.short_line_ratio is not None and short_line_ratio >= t.short_line_ratio:
            yield f"fineweb:short_line_ratio>={fmt(t.short_line_ratio)}"
        if t.dup_line_char_ratio is not None and dup_line_char_ratio >= t.dup_line_char_ratio:
            yield f"fineweb:dup_line_char_ratio>={fmt(t.dup_line_char_ratio)}"
        if t.newline_ratio is not None and newline_ratio > t.newline_ratio:
            yield f"fineweb:newline_ratio>{fmt(t.newline_ratio)}"
