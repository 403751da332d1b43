"""Built-in stages. Importing this package registers them (see :func:`corpuskit.stage.register`)."""

from . import exact_dedup, extract, heuristics, language, length, quality, toxicity, upsample  # noqa: F401
