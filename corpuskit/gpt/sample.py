"""Text generation: the model's logits (``GPT.forward`` with a key/value cache, so each new token costs
O(context), not O(context²)), then sampling.

``Generator(params, config)`` holds the context and a :class:`corpuskit.gpt.model.KVCache`. ``feed(ids)`` runs
only the new positions through the model and returns the logits of the last one. When the context would pass
``block_size`` (learned positions only go that far), the ``window`` rule says what the model sees:

- ``slide`` (the default, nanoGPT's ``idx[:, -block_size:]``): always the last ``block_size`` tokens. Once the
  block is full the positions shift with every new token, so each one is a full forward pass over the block; the
  samples are those of nanoGPT's ``generate`` for the same logits.
- ``half``: the cache is rebuilt from the last ``block_size // 2`` tokens, once every ``block_size // 2`` new
  tokens; between rebuilds a token costs one position. Faster past the block (about ``block_size / 4`` times fewer
  positions run), but the model then sees between ``block_size // 2`` and ``block_size`` tokens of context.

Sampling (``sample_next``): temperature (0 = greedy), top-k, then top-p (nucleus) on what is left, with a seeded
generator: the same prompt and seed give the same text.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import CorpuskitError
from .model import GPT, GPTConfig, KVCache
from .runfiles import CHECKPOINT_NAME, TOKENIZER_NAME


WINDOWS = ("slide", "half")


class Generator:
    """A context and its key/value cache: ``feed`` appends tokens and returns the model's next-token logits."""

    def __init__(self, params: dict, config: GPTConfig, window: str = "slide"):
        if window not in WINDOWS:
            raise CorpuskitError(f"window must be one of {', '.join(WINDOWS)}, not {window!r}")
        self.model, self.config, self.window = GPT(config, params), config, window
        self.kv_cache = KVCache(config, 1, params["wte"].dtype, self.model.xp)
        self.tokens: list[int] = []

    def _run(self, ids: list[int]):
        """Push ``ids`` through the model after the cached positions; logits of the last one."""
        logits, _ = self.model.forward(self.model.xp.asarray([ids]), kv_cache=self.kv_cache)
        self.tokens.extend(int(i) for i in ids)
        return logits[0, -1]

    def feed(self, ids: list[int]):
        """Logits after appending ``ids`` to the context (the cache is rebuilt by the window rule when the block
        is full)."""
        ids = list(ids)
        if not ids:
            raise ValueError("nothing to feed")
        block = self.config.block_size
        if len(self.tokens) + len(ids) > block:
            context = self.tokens + ids
            keep = context[-max(block // 2, 1):] if self.window == "half" and len(ids) < block else context[-block:]
            self.tokens, self.kv_cache.length = [], 0
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
             stop_id: int | None = None, window: str = "slide"):
    """Yield new token ids one at a time (stops early at ``stop_id``; ``window``: see the module's text)."""
    gen = Generator(params, config, window)
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
    ckpt = path / CHECKPOINT_NAME if path.is_dir() else path
    if not ckpt.exists():
        raise CorpuskitError(f"{ckpt} not found: give a run directory of `corpuskit train` or its {CHECKPOINT_NAME}")
    header, params, _, _ = load_checkpoint(ckpt)
    tok_path = ckpt.parent / TOKENIZER_NAME
    if not tok_path.exists():
        raise CorpuskitError(f"{tok_path} not found: the tokenizer must sit beside the checkpoint")
    tok = load_tokenizer(tok_path)
    if tokenizer_sha256(tok) != header["tokenizer_sha256"]:
        raise CorpuskitError(f"{tok_path} is not the tokenizer {ckpt} was trained with")
    return GPTConfig(**header["settings"]["model"]), params, tok, header


def complete(run, prompt: str, max_new_tokens: int = 200, *, temperature: float = 0.8, top_k: int | None = None,
             top_p: float | None = None, seed: int = 0, window: str = "slide") -> str:
    """The prompt's continuation as text (``run``: what :func:`load_run` returns); stops at end-of-text."""
    cfg, params, tok, header = run
    eot = header["tokenizer"]["eot_id"]
    ids = tok.encode(prompt, add_special_tokens=False).ids if prompt else [eot]
    out = list(generate(params, cfg, ids, max_new_tokens, temperature=temperature, top_k=top_k, top_p=top_p,
                        seed=seed, stop_id=eot, window=window))
    return tok.decode(out)
