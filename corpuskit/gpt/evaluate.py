"""How well a trained GPT predicts a text, in bits per byte: the measure that does not depend on the tokenizer.

A document is scored as the trainer saw documents: its tokens follow an end-of-text token (the one that ends the
document before it in the token stream), and every token of the document is predicted from the tokens before it.
The end-of-text token after the document is not scored (as in lm-evaluation-harness's rolling log-likelihood).

    loss           = total negative log-likelihood (nats) / scored tokens
    bits per byte  = total negative log-likelihood / ln 2 / UTF-8 bytes of the texts

Loss depends on the tokenizer (a larger vocabulary makes fewer, harder tokens); bits per byte does not, so models
with different tokenizers, or data cleaned in different ways, compare on it.

Documents longer than the model's context are scored in sliding windows of ``block_size`` tokens that advance by
``stride`` (half a block by default): each token is scored once, in the first window that reaches it, and, past
the first window, with at least ``block_size - stride`` tokens of context. ``stride = block_size`` scores disjoint
blocks (faster, each block's first tokens see little context).

Windows of all documents are batched together, sorted by length so that short documents are not padded to the
block; the forward pass is the trainer's own, without a key/value cache.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .model import GPT, GPTConfig, to_numpy


@dataclass
class Score:
    """Totals over a set of documents; ``bits_per_byte`` and ``loss`` are the corpus-level ratios."""

    nll: float = 0.0  # nats
    tokens: int = 0
    bytes: int = 0
    documents: int = 0

    @property
    def loss(self) -> float:
        return self.nll / self.tokens if self.tokens else math.nan

    @property
    def bits_per_byte(self) -> float:
        return self.nll / math.log(2) / self.bytes if self.bytes else math.nan

    def add(self, other: "Score") -> "Score":
        return Score(self.nll + other.nll, self.tokens + other.tokens, self.bytes + other.bytes,
                     self.documents + other.documents)

    def as_dict(self) -> dict:
        return {"bits_per_byte": self.bits_per_byte, "loss": self.loss, "nll_nats": self.nll, "tokens": self.tokens,
                "bytes": self.bytes, "documents": self.documents}


def windows(n_tokens: int, block_size: int, stride: int) -> list[tuple[int, int, int]]:
    """The windows that score a sequence of ``n_tokens`` (end-of-text first): ``(start, end, first_scored)``.

    A window feeds ``seq[start:end]`` and predicts ``seq[start + 1:end + 1]``; of those it counts the targets at
    sequence positions ``first_scored .. end`` (each position exactly once over all windows)."""
    if not 1 <= stride <= block_size:
        raise ValueError(f"stride must be between 1 and block_size ({block_size}), not {stride}")
    last = n_tokens - 1  # the last target position
    out, start, scored = [], 0, 1
    while scored <= last:
        end = min(start + block_size, last)
        out.append((start, end, scored))
        scored = end + 1
        start += stride
    return out


def score_documents(params: dict, config: GPTConfig, docs: Sequence[Sequence[int]], eot: int, *,
                    stride: int | None = None, batch_tokens: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """Negative log-likelihood (nats, float64) and scored tokens of each document (token ids without end-of-text).

    ``batch_tokens`` bounds a forward pass (windows × their length); logits of a batch are ``batch_tokens ×
    vocab`` floats."""
    T = config.block_size
    stride = stride or max(1, T // 2)
    model = GPT(config, params)
    xp = model.xp
    items = []  # (length, doc, start, end, first_scored)
    seqs = []
    for d, ids in enumerate(docs):
        seq = np.empty(len(ids) + 1, np.int64)
        seq[0] = eot
        seq[1:] = ids
        seqs.append(seq)
        for start, end, first in windows(len(seq), T, stride):
            items.append((end - start, d, start, end, first))
    nll = np.zeros(len(docs), np.float64)
    counts = np.zeros(len(docs), np.int64)
    items.sort(key=lambda it: it[0])
    i = 0
    while i < len(items):
        # windows of similar length together: the batch is padded to its longest (the last, as they are sorted)
        j = i + 1
        while j < len(items) and (j - i + 1) * items[j][0] <= batch_tokens:
            j += 1
        batch = items[i:j]
        L = batch[-1][0]
        x = np.full((len(batch), L), eot, np.int64)
        y = np.zeros((len(batch), L), np.int64)
        mask = np.zeros((len(batch), L), bool)
        for r, (length, d, start, end, first) in enumerate(batch):
            seq = seqs[d]
            x[r, :length] = seq[start:end]
            y[r, :length] = seq[start + 1:end + 1]
            mask[r, first - start - 1:length] = True
        logits, _ = model.forward(xp.asarray(x))
        z = logits - logits.max(axis=-1, keepdims=True)
        logsum = xp.log(xp.exp(z).sum(axis=-1))
        picked = xp.take_along_axis(z, xp.asarray(y)[..., None], axis=-1)[..., 0]
        token_nll = np.asarray(to_numpy(logsum - picked), np.float64)
        rows = np.array([it[1] for it in batch])
        np.add.at(nll, rows, np.where(mask, token_nll, 0.0).sum(axis=1))
        np.add.at(counts, rows, mask.sum(axis=1))
        i = j
    return nll, counts


def score_texts(run, texts: Iterable[str], *, stride: int | None = None, batch_tokens: int = 8192,
                chunk: int = 256) -> tuple[Score, list[float]]:
    """The corpus score of ``texts`` under ``run`` (what :func:`corpuskit.gpt.sample.load_run` returns) and each
    text's bits per byte (NaN for an empty text). Texts are encoded and scored ``chunk`` at a time."""
    config, params, tok, header = run
    eot = header["tokenizer"]["eot_id"]
    total, per_doc = Score(), []
    batch: list[str] = []

    def flush():
        nonlocal total
        good = [t for t in batch if t]
        ids = [e.ids for e in tok.encode_batch(good, add_special_tokens=False)] if good else []
        nll, counts = score_documents(params, config, ids, eot, stride=stride, batch_tokens=batch_tokens)
        k = 0
        for t in batch:
            n_bytes = len(t.encode("utf-8", "surrogatepass")) if t else 0
            if not t:
                per_doc.append(math.nan)
                total = total.add(Score(documents=1))
                continue
            per_doc.append(float(nll[k] / math.log(2) / n_bytes))
            total = total.add(Score(float(nll[k]), int(counts[k]), n_bytes, 1))
            k += 1
        batch.clear()

    for text in texts:
        batch.append(text or "")
        if len(batch) >= chunk:
            flush()
    if batch:
        flush()
    return total, per_doc
