"""Binary text classifiers (toxicity, quality) at prediction time: a thin, readable layer over fastText.

One normalisation (:func:`normalize`) is used at training and at prediction time, so a model
never sees text in a form it was not trained on:

* NFKC, lower case, HTML entities decoded, URLs -> ``xxurl``, @mentions -> ``xxuser``;
* punctuation split off words (``"idiot,"`` -> ``idiot ,``), whitespace collapsed to one space;
* every CJK character (hanzi, kana, hangul) is a token of its own: ``"你好吗"`` -> ``你 好 吗``;
  with ``wordNgrams >= 2`` fastText then sees character bigrams (trigrams), which for Chinese
  works as well as a word segmenter without needing one (see MODELS.md for the measurement);
* only the first ``max_tokens`` tokens are kept (the head of a document decides; it keeps
  prediction fast on long documents).

:class:`TextClassifier` loads a model (``MODEL.bin`` / ``.ftz``) with its card ``MODEL.json`` and returns
P(positive) for a batch of texts. Training, thresholds and metrics are in :mod:`corpuskit.classifier_training`,
which the stages never import.
"""


from __future__ import annotations

import html
import json
import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from .text import CJK_RANGES

DEFAULT_MAX_TOKENS = 512
# Characters looked at before tokenising: enough for max_tokens English words; a CJK character is
# one token, so CJK text is cut at max_tokens tokens after splitting.
_CHARS_PER_TOKEN = 8

_URL = re.compile(r"(?:https?://|www\.)\S+")
_MENTION = re.compile(r"@\w+")
# Tokens: a CJK character, a run of other word characters, or one character that is neither a word
# character nor whitespace (punctuation, symbols). findall is ~5x faster than inserting spaces with sub.
_TOKEN = re.compile(f"[{CJK_RANGES}]|[^\\W{CJK_RANGES}]+|[^\\w\\s]")
_HAS_CJK = re.compile(f"[{CJK_RANGES}]")

LABEL_PREFIX = "__label__"
CARD_SCHEMA = "corpuskit.classifier-card/1"


def normalize(text: str, lang: str | None = None, max_tokens: int = DEFAULT_MAX_TOKENS) -> str:
    """The text as the classifier sees it: one line of space-separated tokens (see the module doc).

    ``lang`` is accepted for symmetry with the models' language; the form is chosen by script
    (CJK characters are always split), so mixed Chinese/English text is handled in one pass.
    """
    del lang  # the script decides, not the declared language
    if max_tokens > 0:
        text = text[: max_tokens * _CHARS_PER_TOKEN]
        if _HAS_CJK.search(text, 0, 200):
            # CJK text: about one token per character, so this many characters hold max_tokens tokens
            text = text[: max_tokens * 5 // 4]
    text = unicodedata.normalize("NFKC", text).lower()
    if "&" in text:
        text = html.unescape(text)
    if "http" in text or "www." in text:
        text = _URL.sub(" xxurl ", text)
    if "@" in text:
        text = _MENTION.sub(" xxuser ", text)
    tokens = _TOKEN.findall(text)
    if max_tokens > 0:
        tokens = tokens[:max_tokens]
    return " ".join(tokens)


def is_cjk(text: str) -> bool:
    return _HAS_CJK.search(text) is not None


@dataclass
class ModelCard:
    schema: str
    name: str
    model_file: str
    labels: dict  # {"positive": name, "negative": name}
    lang: str | None
    task: str
    created: str
    command: str
    fasttext_version: str
    corpuskit_version: str
    training_data: dict
    split: dict
    hyperparameters: dict
    threshold: float
    threshold_policy: str
    threshold_method: str
    heldout: dict
    model_bytes: int
    notes: str = ""
    extra: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_dict(cls, d: dict) -> "ModelCard":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in known})


def card_path(model_path: str | os.PathLike) -> Path:
    """The model card beside a model: ``toxicity-en.ftz`` -> ``toxicity-en.json``."""
    return Path(model_path).with_suffix(".json")


def _load_model(path: str):
    import fasttext  # a predict-only build is enough here

    if hasattr(fasttext, "FastText") and hasattr(fasttext.FastText, "eprint"):
        fasttext.FastText.eprint = lambda *a, **k: None  # silence load_model's deprecation warning
    return fasttext.load_model(str(path))


# ---------------------------------------------------------------------------------------------
# Prediction


class _Scorer:
    """P(positive) from a fastText model, batched through its list predict."""

    def __init__(self, model, positive_label: str, max_tokens: int):
        self.model = model
        self.max_tokens = max_tokens
        self.positive = LABEL_PREFIX + positive_label
        labels = model.get_labels()
        if self.positive not in labels:
            raise ValueError(f"the model has no label {self.positive!r} (labels: {labels})")
        self.binary = len(labels) == 2

    def proba(self, texts: Sequence[str], batch: int = 4096) -> np.ndarray:
        out = np.empty(len(texts), np.float32)
        k = 2 if self.binary else -1
        for start in range(0, len(texts), batch):
            lines = [normalize(t, max_tokens=self.max_tokens) for t in texts[start:start + batch]]
            labels, probs = self.model.predict(lines, k=k)
            pos = self.positive
            out[start:start + len(lines)] = [_prob_of(pos, lab, pr) for lab, pr in zip(labels, probs)]
        return out


def _prob_of(label: str, labels, probs) -> float:
    for lab, p in zip(labels, probs):
        if lab == label:
            return min(max(float(p), 0.0), 1.0)
    return 0.0


class TextClassifier:
    """A trained model with its card: ``TextClassifier.load(path).predict_proba(texts)``."""

    def __init__(self, model, card: ModelCard, path: str):
        self.path = path
        self.card = card
        self.threshold = float(card.threshold)
        self._scorer = _Scorer(model, card.labels["positive"], int(card.hyperparameters.get("max_tokens",
                                                                                             DEFAULT_MAX_TOKENS)))

    @classmethod
    def load(cls, path: str | os.PathLike) -> "TextClassifier":
        """Load ``MODEL.bin``/``.ftz`` and the card ``MODEL.json`` beside it (needed: it holds the
        positive label, the threshold and the normalisation length)."""
        path = str(path)
        cpath = card_path(path)
        if not cpath.exists():
            raise FileNotFoundError(f"no model card {cpath} beside {path}")
        card = ModelCard.from_dict(json.loads(cpath.read_text(encoding="utf-8")))
        model = _load_model(path)
        return cls(model, card, path)

    def predict_proba(self, texts: Sequence[str], lang: str | None = None) -> np.ndarray:
        """P(positive) per text, float32. ``lang`` is informational (normalisation is by script)."""
        del lang
        if isinstance(texts, str):
            raise TypeError("predict_proba takes a list of texts")
        return self._scorer.proba(list(texts))

    def predict(self, texts: Sequence[str], lang: str | None = None) -> np.ndarray:
        """Boolean array: P(positive) >= the card's threshold."""
        return self.predict_proba(texts, lang) >= self.threshold
