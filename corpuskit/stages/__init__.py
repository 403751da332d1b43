"""Built-in stages. Importing this package registers them (see :func:`corpuskit.stage.register`)."""

from . import (exact_dedup, extract, heuristics, language, length, minhash_dedup, quality, toxicity,  # noqa: F401
               upsample)
