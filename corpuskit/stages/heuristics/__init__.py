"""Heuristic quality filters in the manner of datatrove, CJK-aware: ``gopher_quality``,
``gopher_repetition``, ``c4`` and ``fineweb``. Importing this package registers the four stages.

Every rule is its own reason (``gopher:word_count<50``, ``c4:too_few_sentences``, …) and every
measure is kept in a score column, so a run can be re-thresholded afterwards. Whether a document
is judged as CJK (characters are words, CJK punctuation, Chinese stop words, character n-grams,
``*_cjk`` thresholds) comes from the ``language`` column when a language-ID stage wrote one, and
otherwise from the share of CJK characters; the decision is kept in ``heuristics_cjk``.
See ``docs/heuristics.md`` for the defaults, their sources and the Chinese calibration.
"""

from .c4 import C4Filter
from .fineweb import FineWebFilter
from .gopher import GopherQualityFilter, GopherRepetitionFilter

__all__ = ["C4Filter", "FineWebFilter", "GopherQualityFilter", "GopherRepetitionFilter"]
