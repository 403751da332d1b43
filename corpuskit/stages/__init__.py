"""Built-in stages. Importing this package registers them (see :func:`corpuskit.stage.register`)."""

from . import (exact_dedup, extract, heuristics, language, length, line_dedup, minhash_dedup, quality,  # noqa: F401
               tokenize, toxicity, upsample)
