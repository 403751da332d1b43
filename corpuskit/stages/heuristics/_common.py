"""Shared pieces of the heuristic filters: per-document script decision, tokens, lines, punctuation."""

from __future__ import annotations

from typing import Any, Sequence

import pyarrow as pa

from ...stage import Filter
from ...text import CJK_LANGUAGES, DEFAULT_CJK_MIN_SHARE, cjk_share, is_cjk_language

#: Column shared by the four heuristic stages: whether the document was judged with the CJK rules.
CJK_COLUMN = "heuristics_cjk"
CJK_FIELD = pa.field(CJK_COLUMN, pa.bool_())

#: Line endings counted as terminal punctuation (C4, FineWeb): datatrove's END_PUNCTUATION ``. ? ! " '``
#: plus the typographic closing quotes ” and ’ (C4 saw mostly ASCII quotes; without them every line of
#: dialogue that ends in ” is dropped, 9% of the chunks of Pride and Prejudice were rejected for it).
TERMINAL_PUNCT = (".", "?", "!", '"', "'", "”", "’")
#: ...and in CJK documents also 。！？；…」』, full-width ！？；：． and the halfwidth ｡.
CJK_TERMINAL_PUNCT = TERMINAL_PUNCT + ("。", "！", "？", "；", "：", "．", "…", "」", "』", "｡")

#: What trafilatura puts after the text of a table cell ("| cell |"); stripped before looking for
#: terminal punctuation, so an article laid out in a table is judged by its text.
TABLE_CELL_END = "| \t\u00a0\u3000"


def cjk_flags(table: pa.Table, texts: Sequence[str], language_field: str, cjk_languages: Sequence[str],
              min_share: float) -> list[bool]:
    """Per document: the ``language`` column when it names a language, else the CJK character share."""
    langs = table.column(language_field).to_pylist() if language_field in table.column_names else None
    langs_t = tuple(cjk_languages)
    out = []
    for i, text in enumerate(texts):
        flag = is_cjk_language(langs[i], langs_t) if langs is not None else None
        out.append(flag if flag is not None else cjk_share(text) >= min_share)
    return out


def texts_of(table: pa.Table) -> list[str]:
    return [t or "" for t in table.column("text").to_pylist()]


def non_blank_lines(text: str) -> list[str]:
    """Lines with something other than whitespace, right-stripped (blank lines separate paragraphs
    in plain-text corpora and carry no content: every line ratio ignores them)."""
    return [line for line in map(str.rstrip, text.split("\n")) if line]


def find_duplicates(items: Sequence[str]) -> tuple[int, int]:
    """(number of items seen before, characters in them), as Gopher and datatrove count duplicates."""
    seen: set[str] = set()
    n_dup = chars = 0
    for item in items:
        if item in seen:
            n_dup += 1
            chars += len(item)
        else:
            seen.add(item)
    return n_dup, chars


class MeasuredFilter(Filter):
    """A heuristic filter in two halves: ``measure(text, cjk)`` gives one document's scores (one per
    declared column, the CJK flag last), ``reason(*decision_columns)`` the first rule a row fails.

    ``__init__`` sets ``thresholds`` and ``thresholds_cjk``: one frozen dataclass per script, the
    ``*_cjk`` parameters in the second; :meth:`thresholds_for` picks the one a document is judged by."""

    decision_columns: tuple[str, ...] = ()
    thresholds: Any
    thresholds_cjk: Any

    def thresholds_for(self, cjk: bool) -> Any:
        """The thresholds of a CJK document (``cjk`` true) or of any other."""
        return self.thresholds_cjk if cjk else self.thresholds

    def score(self, table):
        texts = texts_of(table)
        flags = cjk_flags(table, texts, self.language_field, self.cjk_languages, self.cjk_min_share)
        fields = self.output_fields()
        rows = [self.measure(t, f) for t, f in zip(texts, flags)]
        cols = list(zip(*rows)) if rows else [[] for _ in range(len(fields) - 1)]
        return {f.name: pa.array(col, f.type) for f, col in zip(fields, cols + [flags])}

    def decide(self, table):
        cols = [table.column(c).to_pylist() for c in self.decision_columns]
        return [self.reason(*row) for row in zip(*cols)]


def fmt(x: float) -> str:
    """A threshold as it appears in a reason string: 0.1, 50, 0.67."""
    return f"{x:g}"


__all__ = ["CJK_COLUMN", "CJK_FIELD", "CJK_LANGUAGES", "CJK_TERMINAL_PUNCT", "DEFAULT_CJK_MIN_SHARE",
           "TABLE_CELL_END", "TERMINAL_PUNCT", "MeasuredFilter", "cjk_flags", "find_duplicates", "fmt", "non_blank_lines", "texts_of"]
