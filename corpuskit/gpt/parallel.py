"""Data parallelism inside one process: a batch is cut into parts along the batch axis, and the parts run forward
and backward at the same time on a pool of threads, each part's BLAS calls on its own share of the cores.

Why: NumPy runs element-wise work (LayerNorm, GELU, softmax, their backwards) on one core, and at nanoGPT's small
shapes that is about half of a training step; a multi-threaded GEMM on a (768, 128) matrix also spends much of its
time synchronising. NumPy releases the GIL inside ufunc loops, reductions and BLAS calls, so threads that each own
a slice of the batch keep every core busy — PyTorch's DistributedDataParallel in miniature, with shared memory
instead of an all-reduce: every part reads the same parameter arrays, and the parts' gradients are summed in a
fixed order, so a step is deterministic for a given number of parts.

Each part's loss gradient is weighted by its share of the batch (``GPT.backward(dloss=n_part / n_batch)``), so the
summed gradients are those of the mean loss over the whole batch. Dropout masks come from one generator per part,
seeded from the caller's generator at every step (the caller's state alone is enough to resume).
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..processes import usable_cores
from .model import GPT, GPTConfig, array_module

MIN_POSITIONS_PER_PART = 128  # below this, per-call overhead outweighs a thread's share of the work


def auto_parts(batch_size: int, block_size: int, cores: int | None = None) -> int:
    """As many parts as cores, at most one per sequence and at least ``MIN_POSITIONS_PER_PART`` positions each."""
    cores = usable_cores() if cores is None else cores
    return max(1, min(cores, batch_size, (batch_size * block_size) // MIN_POSITIONS_PER_PART))


def parts_for(threads: int, batch_size: int, block_size: int) -> int:
    """The parts a batch is cut into: ``threads`` (at most one per sequence), or 0 for :func:`auto_parts`."""
    return min(threads, batch_size) if threads else auto_parts(batch_size, block_size)


def split_rows(n: int, parts: int) -> list[slice]:
    """``parts`` contiguous row ranges of sizes differing by at most one (the first ones larger)."""
    bounds = np.linspace(0, n, parts + 1).round().astype(int) if parts <= n else np.arange(n + 1)
    return [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


class DataParallel:
    """Forward and backward of a batch over ``parts`` threads (1: the plain model, no pool).

    Use as a context manager (or call :meth:`close`): while it is open, BLAS is limited to
    ``cores // parts`` threads per call, so the parts do not oversubscribe the machine."""

    def __init__(self, config: GPTConfig, params: dict, parts: int = 1, cores: int | None = None):
        xp = array_module(params["wte"])
        self.config, self.params = config, params
        self.parts = 1 if xp is not np else max(1, int(parts))
        self.models = [GPT(config, params) for _ in range(self.parts)]
        self._pool = ThreadPoolExecutor(self.parts, thread_name_prefix="gpt-part") if self.parts > 1 else None
        cores = usable_cores() if cores is None else cores
        self.blas_threads = max(1, cores // self.parts)
        self._limits = contextlib.ExitStack()
        if self.parts > 1:
            self._limits.enter_context(_blas_limit(self.blas_threads))

    @property
    def model(self) -> GPT:
        """A plain model over the same parameters (for generation or a single forward)."""
        return self.models[0]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        self._limits.close()

    def __enter__(self) -> "DataParallel":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _map(self, fn, x, y, rngs):
        rows = split_rows(x.shape[0], self.parts)
        jobs = [(self.models[i], x[r], y[r], rngs[i] if rngs else None, (r.stop - r.start) / x.shape[0])
                for i, r in enumerate(rows)]
        if self._pool is None or len(jobs) == 1:
            return [fn(*job) for job in jobs]
        return [f.result() for f in [self._pool.submit(fn, *job) for job in jobs]]

    def loss_and_grads(self, x, y, rng=None) -> tuple[float, dict]:
        """Mean loss over the batch and its gradients (training mode: dropout on when the config has it)."""
        rngs = None
        if self.config.dropout > 0:
            if rng is None:
                raise ValueError("dropout needs an rng")
            if self.parts == 1:
                rngs = [rng]
            else:
                seeds = rng.integers(0, 2**63 - 1, size=self.parts)
                rngs = [type(rng)(type(rng.bit_generator)(int(s))) for s in seeds]

        def part(model, xs, ys, r, share):
            _, loss = model.forward(xs, ys, train=True, rng=r)
            return float(loss) * share, model.backward(dloss=share)

        results = self._map(part, x, y, rngs)
        loss = sum(r[0] for r in results)
        grads = results[0][1]
        for _, g in results[1:]:
            for k, arr in g.items():
                grads[k] += arr
        return loss, grads

    def loss(self, x, y) -> float:
        """Mean loss over the batch, no dropout, nothing kept for a backward pass."""

        def part(model, xs, ys, _r, share):
            _, loss = model.forward(xs, ys)
            model.cache = None
            return float(loss) * share

        return sum(self._map(part, x, y, None))


@contextlib.contextmanager
def _blas_limit(threads: int):
    """Limit BLAS to ``threads`` per call while the block runs (threadpoolctl: OpenBLAS, MKL or BLIS)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="blas"):
        yield
