"""Built-in stages. Importing this package registers them (see :func:`corpuskit.stage.register`)."""

from . import extract, heuristics, language, length, quality, toxicity, upsample  # noqa: F401
