"""Shipped classifier models (fastText, quantized) with their model cards; see MODELS.md.

Rebuilt by ``python benchmarks/build_models.py`` from the public data sets named in each card.
"""

from __future__ import annotations

import importlib.resources

KINDS = ("toxicity", "quality")
LANGS = ("en", "zh")


def default_model_path(kind: str, lang: str) -> str:
    """Path of the shipped model ``<kind>-<lang>.ftz`` inside the installed package (its card,
    ``<kind>-<lang>.json``, lies beside it)."""
    if kind not in KINDS:
        raise ValueError(f"unknown model kind {kind!r}; shipped: {', '.join(KINDS)}")
    if lang not in LANGS:
        raise ValueError(f"no shipped {kind} model for language {lang!r}; shipped: {', '.join(LANGS)}")
    path = importlib.resources.files(__name__) / f"{kind}-{lang}.ftz"
    if not path.is_file():
        raise FileNotFoundError(f"shipped model {path} is missing; rebuild it with "
                                "`python benchmarks/build_models.py` or reinstall corpuskit")
    return str(path)


def load_default(kind: str, lang: str):
    """The shipped :class:`corpuskit.classifier.TextClassifier` for ``kind`` and ``lang``."""
    from ..classifier import TextClassifier

    return TextClassifier.load(default_model_path(kind, lang))
