"""Gopher's quality and repetition rules (Rae et al. 2021, "Scaling Language Models: Methods,
Analysis & Insights from Training Gopher", appendix A.1.1 and table A1), as datatrove implements
them (``GopherQualityFilter``, ``GopherRepetitionFilter``), made CJK-aware.

English defaults are the published ones. For CJK documents (see :func:`corpuskit.text.is_cjk`)
every character is a word, stop words are the most frequent Chinese/Japanese/Korean function
characters, n-grams are character n-grams, and the thresholds are the ``*_cjk`` parameters,
calibrated on Chinese text (``docs/heuristics.md`` has the numbers and the command).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ...stage import register
from ...text import alpha_word_counts, token_counts, word_arrays, words
from ._common import (CJK_COLUMN, CJK_FIELD, CJK_LANGUAGES, DEFAULT_CJK_MIN_SHARE, MeasuredFilter, find_duplicates,
                      fmt, non_blank_lines)
from ._ngrams import NgramIndex

#: Gopher's stop words (the paper's list; datatrove's STOP_WORDS).
STOP_WORDS = ["the", "be", "to", "of", "and", "that", "have", "with"]
#: The most frequent function characters of modern Chinese (的 alone is ~4% of running text), with the
#: Traditional forms of those that have one (們 個 這 來 說 為 與 對 過 著, and 於), a few Japanese particles
#: and Korean particles. One character each: they are counted as CJK words.
STOP_WORDS_CJK = list("的了是在和有我他这也就不人都一上个们中来到说要为以与而之其于被把对你她它着过地得"
                      "吗呢吧") + list("們個這來說為與對過著於") + list("のにはをがでとも") + list("이가을를은는의에도")
#: Characters that open a bullet line (datatrove checks "•" and "-"; the others are common in
#: Chinese and Japanese pages).
BULLETS = ["•", "-", "*", "·", "・", "●", "○", "■", "□", "◆", "◇", "▪", "►", "–"]

_ELLIPSIS = re.compile(r"\.\.\.+|…+")
_ELLIPSIS_END = ("...", "…")
_CP_LIMIT = 0x110000
_TABLES: dict[frozenset, np.ndarray] = {}


def _code_point_table(chars: frozenset[str]) -> np.ndarray:
    """A boolean table over code points, True for the single characters in ``chars`` (cached)."""
    table = _TABLES.get(chars)
    if table is None:
        table = np.zeros(_CP_LIMIT, bool)
        table[[ord(c) for c in chars if len(c) == 1]] = True
        _TABLES[chars] = table
    return table


def _stop_set(stop_words: list[str]) -> frozenset[str]:
    out = set()
    for w in stop_words:
        out.update((w, w.lower(), w.capitalize(), w.upper()))
    return frozenset(out)


def _check_ratio(name: str, value: float | None) -> None:
    if value is not None and not 0.0 <= value:
        raise ValueError(f"{name} must be >= 0, got {value}")


@dataclass(frozen=True)
class QualityThresholds:
    """One script's thresholds of :class:`GopherQualityFilter` (named as its parameters; None turns a rule off)."""

    min_words: int | None
    max_words: int | None
    min_mean_word_length: float | None
    max_mean_word_length: float | None
    max_symbol_word_ratio: float | None  # both ``#`` per token and ellipses per token
    max_bullet_lines_ratio: float | None
    max_ellipsis_lines_ratio: float | None
    min_alpha_words_ratio: float | None
    min_stop_words: int | None


@register
class GopherQualityFilter(MeasuredFilter):
    """Gopher's document quality rules (Rae et al. 2021, appendix A; defaults from the paper as in
    datatrove's ``GopherQualityFilter``; ``*_cjk`` values calibrated on Chinese, see docs/heuristics.md).
    Reasons ``gopher:<rule><op><threshold>``:

    * ``word_count<50`` / ``word_count>100000``: too short or too long (words; a CJK character is a word);
    * ``mean_word_length<3`` / ``>10``: mean characters per word (English); off for CJK by default, since
      every CJK word is one character;
    * ``hash_ratio>0.1`` / ``ellipsis_ratio>0.1``: ``#`` or ellipses (``...``, ``…``, ``……`` count once)
      per token (whitespace tokens, CJK characters one by one: :func:`corpuskit.text.token_counts`);
    * ``bullet_lines>0.9``: share of lines starting with a bullet; ``ellipsis_lines>0.3``: share of lines
      ending with an ellipsis;
    * ``alpha_words<0.8``: share of words with a letter (CJK characters are letters); words are the tokens
      less those made only of punctuation (CJK punctuation, WikiText's `` , `` and ``@-@``), after
      citation markers and Markdown table syntax are removed (:func:`corpuskit.text.alpha_word_counts`);
    * ``stop_words<2``: occurrences of the stop words (the/be/to/of/and/that/have/with; for CJK the
      function characters 的 了 是 在 和 有 …, see :data:`STOP_WORDS_CJK`).

    Scores: ``gopher_words``, ``gopher_mean_word_length``, ``gopher_hash_ratio``, ``gopher_ellipsis_ratio``,
    ``gopher_bullet_lines``, ``gopher_ellipsis_lines``, ``gopher_alpha_words``, ``gopher_stop_words``,
    and ``heuristics_cjk`` (which thresholds applied). Rules run in this order; the first failure is the
    reason. Set a threshold to None to turn its rule off.
    """

    name = "gopher_quality"

    def __init__(self,
                 min_words: int | None = 50, max_words: int | None = 100_000,
                 min_mean_word_length: float | None = 3, max_mean_word_length: float | None = 10,
                 max_symbol_word_ratio: float | None = 0.1,
                 max_bullet_lines_ratio: float | None = 0.9,
                 max_ellipsis_lines_ratio: float | None = 0.3,
                 min_alpha_words_ratio: float | None = 0.8,
                 min_stop_words: int | None = 2,
                 stop_words: list[str] | None = None,
                 min_words_cjk: int | None = 75, max_words_cjk: int | None = 100_000,
                 min_mean_word_length_cjk: float | None = None, max_mean_word_length_cjk: float | None = None,
                 max_symbol_word_ratio_cjk: float | None = 0.07,
                 max_bullet_lines_ratio_cjk: float | None = 0.9,
                 max_ellipsis_lines_ratio_cjk: float | None = 0.3,
                 min_alpha_words_ratio_cjk: float | None = 0.8,
                 min_stop_words_cjk: int | None = 2,
                 stop_words_cjk: list[str] | None = None,
                 bullets: list[str] | None = None,
                 language_field: str = "language", cjk_languages: list[str] | None = None,
                 cjk_min_share: float = DEFAULT_CJK_MIN_SHARE):
        for name, value in list(locals().items()):
            if "ratio" in name:
                _check_ratio(name, value)
        self.thresholds = QualityThresholds(
            min_words=min_words, max_words=max_words, min_mean_word_length=min_mean_word_length,
            max_mean_word_length=max_mean_word_length, max_symbol_word_ratio=max_symbol_word_ratio,
            max_bullet_lines_ratio=max_bullet_lines_ratio, max_ellipsis_lines_ratio=max_ellipsis_lines_ratio,
            min_alpha_words_ratio=min_alpha_words_ratio, min_stop_words=min_stop_words)
        self.thresholds_cjk = QualityThresholds(
            min_words=min_words_cjk, max_words=max_words_cjk, min_mean_word_length=min_mean_word_length_cjk,
            max_mean_word_length=max_mean_word_length_cjk, max_symbol_word_ratio=max_symbol_word_ratio_cjk,
            max_bullet_lines_ratio=max_bullet_lines_ratio_cjk, max_ellipsis_lines_ratio=max_ellipsis_lines_ratio_cjk,
            min_alpha_words_ratio=min_alpha_words_ratio_cjk, min_stop_words=min_stop_words_cjk)
        self.stop_words = _stop_set(STOP_WORDS if stop_words is None else stop_words)
        cjk_list = STOP_WORDS_CJK if stop_words_cjk is None else stop_words_cjk
        # In CJK documents both lists count (pages mix in English); multi-character entries are
        # counted as substrings since a CJK "word" is one character.
        self.stop_words_cjk = self.stop_words | frozenset(w for w in cjk_list if len(w) == 1)
        self.stop_substrings_cjk = [w for w in cjk_list if len(w) > 1]
        self.bullets = tuple(BULLETS if bullets is None else bullets)
        self.language_field = language_field
        self.cjk_languages = list(CJK_LANGUAGES if cjk_languages is None else cjk_languages)
        self.cjk_min_share = cjk_min_share

    #: the score columns, in the order ``measure`` returns them and ``reason``/``failures`` take them
    decision_columns = ("gopher_words", "gopher_mean_word_length", "gopher_hash_ratio", "gopher_ellipsis_ratio",
                        "gopher_bullet_lines", "gopher_ellipsis_lines", "gopher_alpha_words", "gopher_stop_words",
                        CJK_COLUMN)

    def output_fields(self):
        f64, i64 = pa.float64(), pa.int64()
        types = [i64, f64, f64, f64, f64, f64, f64, i64]
        return [pa.field(name, t) for name, t in zip(self.decision_columns, types)] + [CJK_FIELD]

    def measure(self, text: str, cjk: bool) -> tuple:
        """(words, mean word length, hash ratio, ellipsis ratio, bullet lines, ellipsis lines,
        alpha words, stop words) of one document."""
        if cjk:
            ids, lengths, runs = word_arrays(text, cjk)
            n_words = len(ids)
            n_chars = int(lengths.sum())
        else:
            runs = words(text)
            n_words = len(runs)
            n_chars = sum(map(len, runs))
        mean_len = n_chars / n_words if n_words else 0.0
        n_tokens = token_counts(text)[0]
        hashes = text.count("#")
        ellipses = len(_ELLIPSIS.findall(text)) if ("..." in text or "…" in text) else 0
        lines = non_blank_lines(text)
        n_lines = len(lines)
        if n_lines:
            bullets = self.bullets
            bullet_lines = sum(1 for line in lines if line.lstrip().startswith(bullets)) / n_lines
            ellipsis_lines = sum(1 for line in lines if line.endswith(_ELLIPSIS_END)) / n_lines
        else:
            bullet_lines = ellipsis_lines = 0.0
        n_words_alpha, n_alpha = alpha_word_counts(text)
        alpha = n_alpha / n_words_alpha if n_words_alpha else 0.0
        if cjk:
            stops = sum(map(self.stop_words_cjk.__contains__, runs))
            if len(runs) < n_words:  # the other words are CJK characters, their ids code points
                stops += int(_code_point_table(self.stop_words_cjk)[ids[ids < _CP_LIMIT]].sum())
            stops += sum(text.count(s) for s in self.stop_substrings_cjk)
        else:
            stops = sum(map(self.stop_words.__contains__, runs))
        return (n_words, mean_len, hashes / n_tokens if n_tokens else 0.0,
                ellipses / n_tokens if n_tokens else 0.0, bullet_lines, ellipsis_lines, alpha, stops)

    def reason(self, n_words, mean_word_length, hash_ratio, ellipsis_ratio, bullet_lines, ellipsis_lines,
               alpha_words, stop_words, cjk) -> str | None:
        """The first rule this row fails, or None."""
        return next(self.failures(n_words, mean_word_length, hash_ratio, ellipsis_ratio, bullet_lines, ellipsis_lines,
                                  alpha_words, stop_words, cjk), None)

    def failures(self, n_words, mean_word_length, hash_ratio, ellipsis_ratio, bullet_lines, ellipsis_lines,
                 alpha_words, stop_words, cjk):
        """Every rule this row fails, in order (for per-rule statistics)."""
        t = self.thresholds_for(cjk)
        if t.min_words is not None and n_words < t.min_words:
            yield f"gopher:word_count<{t.min_words}"
        if t.max_words is not None and n_words > t.max_words:
            yield f"gopher:word_count>{t.max_words}"
        if t.min_mean_word_length is not None and mean_word_length < t.min_mean_word_length:
            yield f"gopher:mean_word_length<{fmt(t.min_mean_word_length)}"
        if t.max_mean_word_length is not None and mean_word_length > t.max_mean_word_length:
            yield f"gopher:mean_word_length>{fmt(t.max_mean_word_length)}"
        if t.max_symbol_word_ratio is not None and hash_ratio > t.max_symbol_word_ratio:
            yield f"gopher:hash_ratio>{fmt(t.max_symbol_word_ratio)}"
        if t.max_symbol_word_ratio is not None and ellipsis_ratio > t.max_symbol_word_ratio:
            yield f"gopher:ellipsis_ratio>{fmt(t.max_symbol_word_ratio)}"
        if t.max_bullet_lines_ratio is not None and bullet_lines > t.max_bullet_lines_ratio:
            yield f"gopher:bullet_lines>{fmt(t.max_bullet_lines_ratio)}"
        if t.max_ellipsis_lines_ratio is not None and ellipsis_lines > t.max_ellipsis_lines_ratio:
            yield f"gopher:ellipsis_lines>{fmt(t.max_ellipsis_lines_ratio)}"
        if t.min_alpha_words_ratio is not None and alpha_words < t.min_alpha_words_ratio:
            yield f"gopher:alpha_words<{fmt(t.min_alpha_words_ratio)}"
        if t.min_stop_words is not None and stop_words < t.min_stop_words:
            yield f"gopher:stop_words<{t.min_stop_words}"


#: Gopher's table A1: top n-gram character fractions, duplicated n-gram character fractions.
TOP_NGRAM_FRACS = {2: 0.20, 3: 0.18, 4: 0.16}
DUP_NGRAM_FRACS = {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10}
#: CJK (character n-grams): the top n-gram limits hold as they are; duplicated character n-grams are
#: common in good Chinese (legal text repeats whole clauses: up to 0.52 of the characters of a chunk of the
#: Civil Code are in repeated 5-grams), so the limits sit about 0.1 above the highest value seen on the
#: Chinese high-quality sets (docs/heuristics.md).
TOP_NGRAM_FRACS_CJK = dict(TOP_NGRAM_FRACS)
DUP_NGRAM_FRACS_CJK = {5: 0.60, 6: 0.58, 7: 0.56, 8: 0.54, 9: 0.52, 10: 0.50}
_PARAGRAPHS = re.compile(r"\n[ \t\r\f\v\u3000]*\n\s*")


@dataclass(frozen=True)
class RepetitionThresholds:
    """One script's thresholds of :class:`GopherRepetitionFilter` (named as its parameters; None turns a
    rule off). The n-gram limits map n to the largest fraction of characters allowed."""

    dup_line_frac: float | None
    dup_para_frac: float | None
    dup_line_char_frac: float | None
    dup_para_char_frac: float | None
    top_ngram_fracs: dict[int, float]
    dup_ngram_fracs: dict[int, float]


@register
class GopherRepetitionFilter(MeasuredFilter):
    """Gopher's repetition rules (Rae et al. 2021, table A1, as datatrove's ``GopherRepetitionFilter``;
    ``*_cjk`` values calibrated on Chinese, see docs/heuristics.md). Reasons ``gopher_rep:<rule>><threshold>``:

    * ``dup_line_frac>0.3`` / ``dup_para_frac>0.3``: share of lines / paragraphs that repeat an earlier one;
    * ``dup_line_chars>0.2`` / ``dup_para_chars>0.2``: share of the document's characters in such lines /
      paragraphs;
    * ``top_2gram>0.2``, ``top_3gram>0.18``, ``top_4gram>0.16``: characters covered by the most frequent
      n-gram (its length times its count) over all characters;
    * ``dup_5gram>0.15`` … ``dup_10gram>0.1``: characters in n-grams that repeat an earlier n-gram.

    Words are letter/digit runs and CJK characters (so CJK n-grams are character n-grams); lines are the
    non-blank lines, paragraphs are separated by blank lines. In CJK documents the ``*_cjk`` thresholds
    apply: Chinese repeats short character sequences (names, 中华人民共和国, 第…条) far more than English
    repeats word n-grams. Scores: ``gopher_rep_dup_line_frac``, ``gopher_rep_dup_para_frac``,
    ``gopher_rep_dup_line_chars``, ``gopher_rep_dup_para_chars``, ``gopher_rep_top_ngram`` (struct
    ``n2``, ``n3``, ``n4``), ``gopher_rep_dup_ngram`` (struct ``n5`` … ``n10``), ``heuristics_cjk``.
    """

    name = "gopher_repetition"

    def __init__(self,
                 dup_line_frac: float | None = 0.3, dup_para_frac: float | None = 0.3,
                 dup_line_char_frac: float | None = 0.2, dup_para_char_frac: float | None = 0.2,
                 top_ngram_fracs: dict[int, float] | None = None,
                 dup_ngram_fracs: dict[int, float] | None = None,
                 dup_line_frac_cjk: float | None = 0.3, dup_para_frac_cjk: float | None = 0.3,
                 dup_line_char_frac_cjk: float | None = 0.2, dup_para_char_frac_cjk: float | None = 0.2,
                 top_ngram_fracs_cjk: dict[int, float] | None = None,
                 dup_ngram_fracs_cjk: dict[int, float] | None = None,
                 language_field: str = "language", cjk_languages: list[str] | None = None,
                 cjk_min_share: float = DEFAULT_CJK_MIN_SHARE):
        top = dict(TOP_NGRAM_FRACS if top_ngram_fracs is None else top_ngram_fracs)
        dup = dict(DUP_NGRAM_FRACS if dup_ngram_fracs is None else dup_ngram_fracs)
        top_cjk = dict(TOP_NGRAM_FRACS_CJK if top_ngram_fracs_cjk is None else top_ngram_fracs_cjk)
        dup_cjk = dict(DUP_NGRAM_FRACS_CJK if dup_ngram_fracs_cjk is None else dup_ngram_fracs_cjk)
        for d in (top, dup, top_cjk, dup_cjk):
            for n, frac in d.items():
                if n < 1:
                    raise ValueError(f"n-gram sizes must be >= 1, got {n}")
                _check_ratio(f"the {n}-gram fraction", frac)
        # One set of n-gram sizes for both scripts, so the struct columns have fixed fields.
        self.top_ns = sorted(set(top) | set(top_cjk))
        self.dup_ns = sorted(set(dup) | set(dup_cjk))
        self.thresholds = RepetitionThresholds(
            dup_line_frac=dup_line_frac, dup_para_frac=dup_para_frac, dup_line_char_frac=dup_line_char_frac,
            dup_para_char_frac=dup_para_char_frac, top_ngram_fracs=top, dup_ngram_fracs=dup)
        self.thresholds_cjk = RepetitionThresholds(
            dup_line_frac=dup_line_frac_cjk, dup_para_frac=dup_para_frac_cjk,
            dup_line_char_frac=dup_line_char_frac_cjk, dup_para_char_frac=dup_para_char_frac_cjk,
            top_ngram_fracs=top_cjk, dup_ngram_fracs=dup_cjk)
        self.language_field = language_field
        self.cjk_languages = list(CJK_LANGUAGES if cjk_languages is None else cjk_languages)
        self.cjk_min_share = cjk_min_share

    def _top_type(self):
        return pa.struct([pa.field(f"n{n}", pa.float64()) for n in self.top_ns])

    def _dup_type(self):
        return pa.struct([pa.field(f"n{n}", pa.float64()) for n in self.dup_ns])

    #: the score columns, in the order ``measure`` returns them and ``reason``/``failures`` take them
    decision_columns = ("gopher_rep_dup_line_frac", "gopher_rep_dup_para_frac", "gopher_rep_dup_line_chars",
                        "gopher_rep_dup_para_chars", "gopher_rep_top_ngram", "gopher_rep_dup_ngram", CJK_COLUMN)

    def output_fields(self):
        f64 = pa.float64()
        types = [f64, f64, f64, f64, self._top_type(), self._dup_type()]
        return [pa.field(name, t) for name, t in zip(self.decision_columns, types)] + [CJK_FIELD]

    def measure(self, text: str, cjk: bool) -> tuple:
        """(duplicate line, paragraph fractions, their character fractions, top n-gram fractions by
        ``n<N>``, duplicated n-gram fractions by ``n<N>``) of one document."""
        n_chars = len(text)
        if not n_chars:
            return 0.0, 0.0, 0.0, 0.0, {f"n{n}": 0.0 for n in self.top_ns}, {f"n{n}": 0.0 for n in self.dup_ns}
        paragraphs = [p for p in _PARAGRAPHS.split(text.strip()) if p]
        n_dup_para, para_chars = find_duplicates(paragraphs)
        lines = [line for line in map(str.strip, text.split("\n")) if line]
        n_dup_lines, line_chars = find_duplicates(lines)
        index = NgramIndex(*word_arrays(text, cjk)[:2])
        top = {f"n{n}": index.top_ngram_chars(n, with_spaces=not cjk) / n_chars for n in self.top_ns}
        dup = {f"n{n}": chars / n_chars for n, chars in index.duplicate_ngram_chars(self.dup_ns).items()}
        return (n_dup_lines / len(lines) if lines else 0.0, n_dup_para / len(paragraphs) if paragraphs else 0.0,
                line_chars / n_chars, para_chars / n_chars, top, dup)

    def reason(self, dup_line_frac, dup_para_frac, dup_line_chars, dup_para_chars, top_ngram, dup_ngram,
               cjk) -> str | None:
        """The first rule this row fails, or None."""
        return next(self.failures(dup_line_frac, dup_para_frac, dup_line_chars, dup_para_chars, top_ngram, dup_ngram,
                                  cjk), None)

    def failures(self, dup_line_frac, dup_para_frac, dup_line_chars, dup_para_chars, top_ngram, dup_ngram, cjk):
        """Every rule this row fails, in order (for per-rule statistics)."""
        t = self.thresholds_for(cjk)
        # datatrove's order: paragraphs, then lines, then n-grams
        if t.dup_para_frac is not None and dup_para_frac > t.dup_para_frac:
            yield f"gopher_rep:dup_para_frac>{fmt(t.dup_para_frac)}"
        if t.dup_para_char_frac is not None and dup_para_chars > t.dup_para_char_frac:
            yield f"gopher_rep:dup_para_chars>{fmt(t.dup_para_char_frac)}"
        if t.dup_line_frac is not None and dup_line_frac > t.dup_line_frac:
            yield f"gopher_rep:dup_line_frac>{fmt(t.dup_line_frac)}"
        if t.dup_line_char_frac is not None and dup_line_chars > t.dup_line_char_frac:
            yield f"gopher_rep:dup_line_chars>{fmt(t.dup_line_char_frac)}"
        for n, frac in sorted(t.top_ngram_fracs.items()):
            if frac is not None and (top_ngram or {}).get(f"n{n}", 0.0) > frac:
                yield f"gopher_rep:top_{n}gram>{fmt(frac)}"
        for n, frac in sorted(t.dup_ngram_fracs.items()):
            if frac is not None and (dup_ngram or {}).get(f"n{n}", 0.0) > frac:
                yield f"gopher_rep:dup_{n}gram>{fmt(frac)}"
