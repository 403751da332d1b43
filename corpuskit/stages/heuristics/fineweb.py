"""FineWeb's own quality rules (Penedo et al. 2024, "The FineWeb Datasets: Decanting the Web for the
Finest Text Data at Scale", arXiv:2406.17557; datatrove's ``FineWebQualityFilter``), made CJK-aware."""

from __future__ import annotations

import pyarrow as pa

from ...stage import register
from ...text import token_counts
from ._common import (CJK_COLUMN, CJK_FIELD, CJK_LANGUAGES, CJK_TERMINAL_PUNCT, DEFAULT_CJK_MIN_SHARE,
                      MeasuredFilter, TABLE_CELL_END as _TABLE_CELL_END, TERMINAL_PUNCT, find_duplicates, fmt,
                      non_blank_lines)


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
        self.th = {False: dict(punct=line_punct_thr, short=short_line_thr, short_len=short_line_length,
                               dup=char_duplicates_ratio, newline=new_line_ratio),
                   True: dict(punct=line_punct_thr_cjk, short=short_line_thr_cjk,
                              short_len=short_line_length_cjk, dup=char_duplicates_ratio_cjk,
                              newline=new_line_ratio_cjk)}
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
        short = self.th[cjk]["short_len"]
        # trafilatura writes table cells as "| cell |": the cell's text decides
        punct = sum(1 for line in lines if line.endswith(end)
                    or (line.endswith("|") and line.rstrip(_TABLE_CELL_END).endswith(end))) / n
        short_ratio = sum(1 for line in lines if len(line) <= short) / n
        stripped = [line.strip() for line in lines]
        dup = find_duplicates(stripped)[1] / max(len(text) - text.count("\n"), 1)
        n_tokens = token_counts(text)[0]
        newline = (n - 1) / n_tokens if n_tokens else 0.0
        return punct, short_ratio, dup, newline

    def reason(self, punct, short, dup, newline, cjk) -> str | None:
        """The first rule this row fails, or None."""
        return next(self.failures(punct, short, dup, newline, cjk), None)

    def failures(self, punct, short, dup, newline, cjk):
        """Every rule this row fails, in order (for per-rule statistics)."""
        t = self.th[bool(cjk)]
        if t["punct"] is not None and punct <= t["punct"] and not (punct == 0 and self.line_punct_exclude_zero):
            yield f"fineweb:line_punct_ratio<={fmt(t['punct'])}"
        if t["short"] is not None and short >= t["short"]:
            yield f"fineweb:short_line_ratio>={fmt(t['short'])}"
        if t["dup"] is not None and dup >= t["dup"]:
            yield f"fineweb:dup_line_char_ratio>={fmt(t['dup'])}"
        if t["newline"] is not None and newline > t["newline"]:
            yield f"fineweb:newline_ratio>{fmt(t['newline'])}"
