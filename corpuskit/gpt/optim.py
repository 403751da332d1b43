"""AdamW, the learning-rate schedule and gradient clipping, as in nanoGPT / PyTorch.

``AdamW`` follows ``torch.optim.AdamW``: decoupled weight decay ``p -= lr * wd * p`` before the Adam step, bias
correction, ``eps`` added to ``sqrt(v_hat)``. Weight decay applies to matrices and embeddings only (parameters with
two or more dimensions), not to biases and LayerNorm weights — nanoGPT's ``configure_optimizers``. The update is
done in place with preallocated scratch arrays, so a step allocates nothing.
"""

from __future__ import annotations

import math

from .model import array_module


def lr_at(step: int, lr: float, min_lr: float, warmup: int, decay_steps: int) -> float:
    """Linear warm-up for ``warmup`` steps, then cosine decay to ``min_lr`` at ``decay_steps`` (nanoGPT's get_lr)."""
    if step < warmup:
        return lr * (step + 1) / (warmup + 1)
    if step > decay_steps:
        return min_lr
    ratio = (step - warmup) / max(1, decay_steps - warmup)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (lr - min_lr)


def global_norm(grads: dict) -> float:
    """sqrt of the sum of squares of every gradient (BLAS dot products; no float64 copies of the gradients)."""
    xp = array_module(next(iter(grads.values())))
    return math.sqrt(sum(float(xp.dot(g.reshape(-1), g.reshape(-1))) for g in grads.values()))


def clip_grads(grads: dict, max_norm: float) -> float:
    """Scale all gradients so that their global norm is at most ``max_norm``; returns the norm before clipping."""
    norm = global_norm(grads)
    if max_norm > 0 and norm > max_norm:
        scale = max_norm / (norm + 1e-6)
        for g in grads.values():
            g *= scale
    return norm


class AdamW:
    def __init__(self, params: dict, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        self.params, self.lr, self.betas, self.eps, self.weight_decay = params, lr, tuple(betas), eps, weight_decay
        xp = array_module(next(iter(params.values())))
        self.m = {k: xp.zeros_like(v) for k, v in params.items()}
        self.v = {k: xp.zeros_like(v) for k, v in params.items()}
        self.decay = {k: v.ndim >= 2 for k, v in params.items()}
        self.t = 0
        self._scratch = {k: xp.empty_like(v) for k, v in params.items()}

    def step(self, grads: dict, lr: float | None = None) -> None:
        lr = self.lr if lr is None else lr
        b1, b2 = self.betas
        self.t += 1
        c1, c2 = 1.0 - b1 ** self.t, 1.0 - b2 ** self.t
        xp = array_module(next(iter(self.params.values())))
        for k, p in self.params.items():
            g, m, v, s = grads[k], self.m[k], self.v[k], self._scratch[k]
            if self.weight_decay and self.decay[k]:
                p *= 1.0 - lr * self.weight_decay
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            xp.multiply(g, g, out=s)
            s *= 1.0 - b2
            v += s
            # p -= lr * (m / c1) / (sqrt(v / c2) + eps)
            xp.divide(v, c2, out=s)
            xp.sqrt(s, out=s)
            s += self.eps
            xp.divide(m, s, out=s)
            s *= lr / c1
            p -= s

    def state(self) -> dict:
        """Arrays and scalars to checkpoint (``load_state`` restores them)."""
        return {"t": self.t, "m": self.m, "v": self.v}

    def load_state(self, t: int, m: dict, v: dict) -> None:
        xp = array_module(next(iter(self.params.values())))
        self.t = int(t)
        for k in self.params:
            self.m[k][...] = xp.asarray(m[k])
            self.v[k][...] = xp.asarray(v[k])
