"""Document length bounds in characters and script-aware words (see :mod:`corpuskit.text`)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..stage import Filter, register
from ..text import word_count


@register
class LengthFilter(Filter):
    """Drop documents shorter or longer than the given bounds. Scores: ``n_chars``, ``n_words``."""

    name = "length"

    def __init__(self, min_chars: int = 0, max_chars: int | None = None,
                 min_words: int = 0, max_words: int | None = None):
        self.min_chars, self.max_chars = min_chars, max_chars
        self.min_words, self.max_words = min_words, max_words

    def output_fields(self):
        return [pa.field("n_chars", pa.int64()), pa.field("n_words", pa.int64())]

    def score(self, table):
        text = table.column("text")
        return {
            "n_chars": pc.utf8_length(text).cast(pa.int64()),
            "n_words": pa.array([word_count(t) if t else 0 for t in text.to_pylist()], pa.int64()),
        }

    def decide(self, table):
        reasons = []
        for chars, nwords in zip(table.column("n_chars").to_pylist(), table.column("n_words").to_pylist()):
            chars = chars or 0
            if chars < self.min_chars:
                reasons.append(f"length:chars<{self.min_chars}")
            elif self.max_chars is not None and chars > self.max_chars:
                reasons.append(f"length:chars>{self.max_chars}")
            elif nwords < self.min_words:
                reasons.append(f"length:words<{self.min_words}")
            elif self.max_words is not None and nwords > self.max_words:
                reasons.append(f"length:words>{self.max_words}")
            else:
                reasons.append(None)
        return reasons
