"""Text generation with a cache of past keys and values, so each new token costs O(context), not O(context²).

``Generator(params, config)`` keeps, per layer, the keys and values of every position seen so far
(``(NH, block_size, HS)`` arrays filled in place). ``feed(ids)`` runs only the new positions through the model,
their queries attending to the cached keys (causally among themselves); it returns the logits of the last one.
When the context would pass ``block_size`` (learned positions only go that far), the cache is rebuilt from the
last ``block_size // 2`` tokens, which happens once every ``block_size // 2`` new tokens.

Sampling (``sample_next``): temperature (0 = greedy), top-k, then top-p (nucleus) on what is left, with a seeded
generator: the same prompt and seed give the same text.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..errors import CorpuskitError

from .model import (GPTConfig, array_module, gelu_exact_forward, gelu_forward, layernorm_forward,
                    sinusoidal_positions)


class Generator:
    def __init__(self, params: dict, config: GPTConfig):
        self.params, self.config = params, config
        self.xp = array_module(params["wte"])
        C, H = config.n_embd, config.n_head
        self.hs = C // H
        dtype = params["wte"].dtype
        shape = (H, config.block_size, self.hs)
        self.k = [self.xp.zeros(shape, dtype) for _ in range(config.n_layer)]
        self.v = [self.xp.zeros(shape, dtype) for _ in range(config.n_layer)]
        self.wpe = params["wpe"] if config.positions == "learned" else \
            self.xp.asarray(sinusoidal_positions(config.block_size, C, dtype))
        self.tokens: list[int] = []

    def _p(self, name):
        return self.params.get(name)

    def _linear(self, x, name):
        out = x @ self.params[name + ".w"]
        b = self._p(name + ".b")
        return out + b if b is not None else out

    def _run(self, ids: list[int]):
        """Push ``ids`` through the model at positions ``len(self.tokens)``...; logits of the last position."""
        xp, cfg = self.xp, self.config
        p0, n = len(self.tokens), len(ids)
        H, hs, eps = cfg.n_head, self.hs, cfg.layernorm_eps
        x = self.params["wte"][xp.asarray(ids)] + self.wpe[p0:p0 + n]  # (n, C)
        # new query i (position p0+i) sees keys 0..p0+i
        mask = xp.arange(p0 + n)[None, :] > (p0 + xp.arange(n))[:, None]
        for layer in range(cfg.n_layer):
            h = f"h{layer}."
            a, _ = layernorm_forward(x, self.params[h + "ln_1.w"], self._p(h + "ln_1.b"), eps)
            qkv = self._linear(a, h + "attn.c_attn")
            q, k, v = (qkv[:, i * cfg.n_embd:(i + 1) * cfg.n_embd].reshape(n, H, hs).transpose(1, 0, 2)
                       for i in range(3))
            self.k[layer][:, p0:p0 + n] = k
            self.v[layer][:, p0:p0 + n] = v
            keys, values = self.k[layer][:, :p0 + n], self.v[layer][:, :p0 + n]
            scores = (q @ keys.transpose(0, 2, 1)) / math.sqrt(hs)  # (H, n, p0+n)
            scores[:, mask] = -xp.inf
            scores -= scores.max(axis=-1, keepdims=True)
            att = xp.exp(scores)
            att /= att.sum(axis=-1, keepdims=True)
            y = (att @ values).transpose(1, 0, 2).reshape(n, cfg.n_embd)
            x = x + self._linear(y, h + "attn.c_proj")
            m, _ = layernorm_forward(x, self.params[h + "ln_2.w"], self._p(h + "ln_2.b"), eps)
            g, _ = (gelu_forward if cfg.gelu == "tanh" else gelu_exact_forward)(self._linear(m, h + "mlp.c_fc"))
            x = x + self._linear(g, h + "mlp.c_proj")
        xf, _ = layernorm_forward(x[-1:], self.params["ln_f.w"], self._p("ln_f.b"), eps)
        self.tokens.extend(int(i) for i in ids)
        return (xf @ self.params["wte"].T)[0]

    def feed(self, ids: list[int]):
        """Logits after appending ``ids`` to the context (the cache is rebuilt when the block is full)."""
        ids = list(ids)
        if not ids:
            raise ValueError("nothing to feed")
        block = self.config.block_size
        if len(self.tokens) + len(ids) > block:
            keep = (self.tokens + ids)[-max(block // 2, 1):] if len(ids) < block else ids[-block:]
            self.tokens = []
            return self._run(keep)
        return self._run(ids)


def sample_next(logits, rng: np.random.Generator, temperature: float = 1.0, top_k: int | None = None,
                top_p: float | None = None) -> int:
    """One token id from ``logits`` (numpy or cupy, 1-D)."""
    logits = np.asarray(logits if isinstance(logits, np.ndarray) else logits.get(), dtype=np.float64)
    if temperature <= 0:
        return int(np.argmax(logits))
    logits = logits / temperature
    if top_k is not None and 0 < top_k < logits.size:
        kth = np.partition(logits, -top_k)[-top_k]
        logits = np.where(logits < kth, -np.inf, logits)
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    if top_p is not None and 0 < top_p < 1:
        order = np.argsort(-probs, kind="stable")
        cum = np.cumsum(probs[order])
        cut = int(np.searchsorted(cum, top_p)) + 1  # the smallest set whose mass reaches top_p
        keep = np.zeros_like(probs, dtype=bool)
        keep[order[:cut]] = True
        probs = np.where(keep, probs, 0.0)
        probs /= probs.sum()
    return int(rng.choice(probs.size, p=probs))


def generate(params: dict, config: GPTConfig, prompt_ids: list[int], max_new_tokens: int, *,
             temperature: float = 1.0, top_k: int | None = None, top_p: float | None = None, seed: int = 0,
             stop_id: int | None = None):
    """Yield new token ids one at a time (stops early at ``stop_id``)."""
    gen = Generator(params, config)
    rng = np.random.default_rng(seed)
    logits = gen.feed(prompt_ids if prompt_ids else [stop_id if stop_id is not None else 0])
    for _ in range(max_new_tokens):
        nxt = sample_next(logits, rng, temperature, top_k, top_p)
        if stop_id is not None and nxt == stop_id:
            return
        yield nxt
        logits = gen.feed([nxt])


def load_run(path: str | Path):
    """(GPTConfig, params, tokenizer, checkpoint header) of a run directory or checkpoint file, the tokenizer
    checked against the one the checkpoint was trained with."""
    from ..tokenizer import load_tokenizer, tokenizer_sha256
    from .train import load_checkpoint

    path = Path(path)
    ckpt = path / "ckpt.npz" if path.is_dir() else path
    if not ckpt.exists():
        raise CorpuskitError(f"{ckpt} not found: give a run directory of `corpuskit train` or its ckpt.npz")
    header, params, _, _ = load_checkpoint(ckpt)
    tok_path = ckpt.parent / "tokenizer.json"
    if not tok_path.exists():
        raise CorpuskitError(f"{tok_path} not found: the tokenizer must sit beside the checkpoint")
    tok = load_tokenizer(tok_path)
    if tokenizer_sha256(tok) != header["tokenizer_sha256"]:
        raise CorpuskitError(f"{tok_path} is not the tokenizer {ckpt} was trained with")
    return GPTConfig(**header["settings"]["model"]), params, tok, header


def complete(run, prompt: str, max_new_tokens: int = 200, *, temperature: float = 0.8, top_k: int | None = None,
             top_p: float | None = None, seed: int = 0) -> str:
    """The prompt's continuation as text (``run``: what :func:`load_run` returns); stops at end-of-text."""
    cfg, params, tok, header = run
    eot = header["tokenizer"]["eot_id"]
    ids = tok.encode(prompt, add_special_tokens=False).ids if prompt else [eot]
    out = list(generate(params, cfg, ids, max_new_tokens, temperature=temperature, top_k=top_k, top_p=top_p,
                        seed=seed, stop_id=eot))
    return tok.decode(out)
