"""The GPT, layer by layer: each layer is a ``*_forward`` / ``*_backward`` pair, side by side, in the manner
of llm.c's ``train_gpt2.c``, over plain arrays.

Shapes: B batch, T time (positions), C channels (``n_embd``), NH heads, HS = C / NH head size, V vocabulary.
Every ``*_forward`` returns its output and a ``cache`` tuple holding exactly what its ``*_backward`` needs (the
cached activations are named there); every ``*_backward`` takes the gradient of the output and the cache and
returns the gradients of the inputs and parameters.

The model (GPT-2's architecture, as nanoGPT): token embedding + positions (learned ``wpe``, or fixed
sinusoids), ``n_layer`` pre-LayerNorm blocks ``x = x + attn(ln_1(x)); x = x + mlp(ln_2(x))`` with multi-head
causal self-attention and a GELU (tanh approximation) MLP of width 4C, a final LayerNorm, and the output
projection tied to the token embedding, then softmax cross-entropy. ``bias=False`` drops the biases of the
linear layers and LayerNorms (nanoGPT's shakespeare config). Dropout after the embedding, on the attention
probabilities and on each residual branch.

``GPT.forward`` is the only forward pass: training, evaluation, and generation, which passes a :class:`KVCache`
so that each call runs only the new positions, their queries attending to the keys and values kept from before.

All code goes through ``xp``, the array module of the parameters (numpy, or cupy when the parameters live on a
GPU), so the same functions run on either.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

_GELU_C = math.sqrt(2.0 / math.pi)


def to_numpy(a) -> np.ndarray:
    """``a`` as a NumPy array (a CuPy array is copied from the GPU)."""
    return a if isinstance(a, np.ndarray) else a.get()


def array_module(a):
    """numpy, or cupy for a cupy array (without importing cupy when it is not in use)."""
    return np if isinstance(a, np.ndarray) or type(a).__module__.split(".")[0] != "cupy" else \
        __import__("cupy")


@dataclass
class GPTConfig:
    vocab_size: int
    block_size: int = 64
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    dropout: float = 0.0
    bias: bool = True
    positions: str = "learned"  # or "sinusoidal"
    layernorm_eps: float = 1e-5
    gelu: str = "tanh"  # GPT-2's approximation, or "exact" (x * Phi(x), PyTorch's and nanoGPT's default)

    def __post_init__(self):
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd ({self.n_embd}) must be a multiple of n_head ({self.n_head})")
        if self.positions not in ("learned", "sinusoidal"):
            raise ValueError(f"positions must be 'learned' or 'sinusoidal', not {self.positions!r}")
        if self.gelu not in ("tanh", "exact"):
            raise ValueError(f"gelu must be 'tanh' or 'exact', not {self.gelu!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError("dropout must be within [0, 1)")

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------------------------

def embedding_forward(wte, wpe, idx, start=0):
    """idx (B,T) int at positions start.. -> x (B,T,C) = wte[idx] + wpe[start:start+T]  (``wpe`` may be fixed
    sinusoids)."""
    T = idx.shape[1]
    x = wte[idx] + wpe[start:start + T]
    return x, (idx,)


def embedding_backward(dx, cache, vocab_size, learned_positions=True):
    """-> dwte (V,C), dwpe (T,C) or None. NumPy adds the rows of each token with ``add.at``, in position order; on a
    GPU that is a scatter of atomic additions whose order changes from run to run, so there the rows are summed by
    :func:`one_hot_sum`, in a fixed order (a resumed run stays bit for bit on the uninterrupted one)."""
    (idx,) = cache
    xp = array_module(dx)
    C = dx.shape[-1]
    if xp is np:
        dwte = np.zeros((vocab_size, C), dtype=dx.dtype)
        np.add.at(dwte, idx.reshape(-1), dx.reshape(-1, C))
    else:
        dwte = one_hot_sum(idx.reshape(-1), dx.reshape(-1, C), vocab_size)
    dwpe = dx.sum(axis=0) if learned_positions else None
    return dwte, dwpe


def one_hot_sum(ids, rows, vocab_size, max_entries=2**26):
    """(V,C) sums of the ``rows`` (N,C) of each id as matrix products one_hot(ids)^T @ rows, deterministic where
    GEMMs are; the vocabulary in chunks of at most ``max_entries`` one-hot entries (256 MiB of float32)."""
    xp = array_module(rows)
    n, C = rows.shape
    out = xp.empty((vocab_size, C), dtype=rows.dtype)
    chunk = max(1, max_entries // max(n, 1))
    for v0 in range(0, vocab_size, chunk):
        v1 = min(vocab_size, v0 + chunk)
        one_hot = (xp.arange(v0, v1)[:, None] == ids[None, :]).astype(rows.dtype)  # (chunk, N)
        out[v0:v1] = one_hot @ rows
    return out


_CONSTANTS: dict = {}


def _filled(n, value, dtype, xp):
    """A cached read-only vector of ``n`` times ``value``: row sums and means become matrix-vector products."""
    key = (n, value, str(dtype), xp.__name__)
    if key not in _CONSTANTS:
        _CONSTANTS[key] = xp.full(n, value, dtype=dtype)
    return _CONSTANTS[key]


def _row_dot(a, b):
    """sum(a * b, axis=-1) for 2-D arrays without the product as a temporary."""
    return array_module(a).einsum("ij,ij->i", a, b)


# Row reductions: NumPy reduces along a short last axis (C = 128, T = 64) one row at a time, several times slower
# than a BLAS matrix-vector product with a vector of ones, or einsum's fused multiply-add for sums of products.

def layernorm_forward(x, w, b, eps=1e-5):
    """Normalise over C, then scale by ``w`` and shift by ``b`` (None: no bias). Caches xhat and rstd."""
    xp = array_module(x)
    C = x.shape[-1]
    x2 = x.reshape(-1, C)
    mean = x2 @ _filled(C, 1.0 / C, x.dtype, xp)
    xhat = x2 - mean[:, None]
    var = _row_dot(xhat, xhat)
    var *= 1.0 / C
    var += eps
    rstd = xp.sqrt(var, out=var)
    xp.divide(1.0, rstd, out=rstd)
    xhat *= rstd[:, None]
    out = xhat * w
    if b is not None:
        out += b
    return out.reshape(x.shape), (xhat.reshape(x.shape), rstd.reshape(*x.shape[:-1], 1), w)


def layernorm_backward(dout, cache):
    """-> dx, dw, db.  dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = dout * w."""
    xp = array_module(dout)
    xhat, rstd, w = cache
    C = dout.shape[-1]
    d2, xh = dout.reshape(-1, C), xhat.reshape(-1, C)
    dw = xp.einsum("ij,ij->j", d2, xh)
    db = _filled(d2.shape[0], 1.0, d2.dtype, xp) @ d2
    dx = d2 * w
    m2 = _row_dot(dx, xh)
    m2 *= 1.0 / C
    dx -= (dx @ _filled(C, 1.0 / C, dx.dtype, xp))[:, None]
    dx -= xh * m2[:, None]
    dx *= rstd.reshape(-1, 1)
    return dx.reshape(dout.shape), dw, db


def matmul_forward(x, w, b):
    """x (B,T,C) @ w (C,OC) + b (OC,) or no bias. Caches the input x. One (B*T, C) GEMM: a 3-D ``@`` would
    loop over B smaller ones."""
    C, OC = w.shape
    out = (x.reshape(-1, C) @ w).reshape(*x.shape[:-1], OC)
    if b is not None:
        out += b
    return out, (x, w)


def matmul_backward(dout, cache):
    """-> dx, dw, db."""
    x, w = cache
    C, OC = w.shape
    d2 = dout.reshape(-1, OC)
    dw = x.reshape(-1, C).T @ d2
    db = d2.sum(axis=0)
    dx = (d2 @ w.T).reshape(x.shape)
    return dx, dw, db


_MASKS: dict = {}


def _causal_mask(T, TK, dtype, xp):
    """(T, TK): 0 where query i (position TK - T + i) may see key j (j <= TK - T + i), -inf after it."""
    key = (T, TK, str(dtype), xp.__name__)
    if key not in _MASKS:
        _MASKS[key] = xp.triu(xp.full((T, TK), -xp.inf, dtype=dtype), k=TK - T + 1)
    return _MASKS[key]


def _matmul_into(a, b, out):
    """a @ b written into the (strided) view ``out``: NumPy's matmul fills it directly, sparing a transposed copy
    and a concatenation; other array modules assign."""
    if isinstance(out, np.ndarray):
        np.matmul(a, b, out=out)
    else:
        out[...] = a @ b


def _causal_softmax(q, k, scale, exact_max):
    """softmax(q k^T * scale + causal mask) over the last axis, computed in place in the scores array. The T
    queries are the last T of the TK positions of the keys (T = TK but while decoding with a key/value cache).

    Softmax does not change when a row is shifted by a constant; the usual constant is the row maximum, but
    NumPy's maximum along a 64-long last axis costs as much as the rest of the softmax. The diagonal score (the
    position's own key, always unmasked) is as good unless a score exceeds it by more than float's exp range,
    which shows as an infinite row sum: then None is returned and the caller recomputes with the maxima."""
    xp = array_module(q)
    B, NH, T, HS = q.shape
    TK = k.shape[2]
    att = q @ k.transpose(0, 1, 3, 2)
    att *= scale
    att += _causal_mask(T, TK, att.dtype, xp)  # 0 on and below the (shifted) diagonal, -inf above
    if exact_max:
        att -= att.max(axis=-1, keepdims=True)
    else:
        att -= att.diagonal(offset=TK - T, axis1=2, axis2=3).copy()[..., None]
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is caught below and redone with the maxima
        xp.exp(att, out=att)
        sums = att.reshape(-1, TK) @ _filled(TK, 1.0, att.dtype, xp)
    if not exact_max and not bool(xp.isfinite(sums).all()):
        return None
    att /= sums.reshape(B, NH, T, 1)
    return att


def attention_forward(qkv, n_head, dropout=0.0, rng=None, kv_cache=None, layer=0):
    """Causal multi-head self-attention. qkv (B,T,3C) -> out (B,T,C).
    Caches q, k, v (B,NH,T,HS) and the attention probabilities ``att`` (B,NH,T,T), after dropout ``att_drop``.
    With a ``kv_cache`` (decoding), the new keys and values join those of ``layer`` kept there, and the queries
    attend to all of them."""
    xp = array_module(qkv)
    B, T, C3 = qkv.shape
    C = C3 // 3
    hs = C // n_head
    q, k, v = (qkv[..., i * C:(i + 1) * C].reshape(B, T, n_head, hs).transpose(0, 2, 1, 3) for i in range(3))
    if kv_cache is not None:
        k, v = kv_cache.store(layer, k, v)
    scale = 1.0 / math.sqrt(hs)
    att = _causal_softmax(q, k, scale, exact_max=False)
    if att is None:  # a score far above its row's diagonal: shift by the row maxima instead
        att = _causal_softmax(q, k, scale, exact_max=True)
    drop_mask = None
    att_drop = att
    if dropout > 0.0:
        drop_mask = _dropout_mask(att.shape, att.dtype, dropout, rng)
        att_drop = att * drop_mask
    out = xp.empty((B, T, n_head, hs), dtype=qkv.dtype)
    _matmul_into(att_drop, v, out.transpose(0, 2, 1, 3))  # y (B,NH,T,HS), written in (B,T,NH,HS) order
    return out.reshape(B, T, C), (q, k, v, att, att_drop, drop_mask, scale)


def attention_backward(dout, cache):
    """-> dqkv (B,T,3C)."""
    xp = array_module(dout)
    q, k, v, att, att_drop, drop_mask, scale = cache
    B, NH, T, HS = q.shape
    dy = dout.reshape(B, T, NH, HS).transpose(0, 2, 1, 3)
    dqkv = xp.empty((B, T, 3, NH, HS), dtype=dout.dtype)  # dq, dk, dv written straight into their columns
    dq, dk, dv = dqkv.transpose(2, 0, 3, 1, 4)  # views, (B,NH,T,HS) each
    _matmul_into(att_drop.transpose(0, 1, 3, 2), dy, dv)
    datt = dy @ v.transpose(0, 1, 3, 2)
    if drop_mask is not None:
        datt *= drop_mask
    # softmax backward, in place on datt: dscores = att * (datt - sum(datt * att)) * scale
    datt -= _row_dot(datt.reshape(-1, T), att.reshape(-1, T)).reshape(B, NH, T, 1)
    datt *= att
    datt *= scale
    dscores = datt
    _matmul_into(dscores, k, dq)
    _matmul_into(dscores.transpose(0, 1, 3, 2), q, dk)
    return dqkv.reshape(B, T, 3 * NH * HS)


def gelu_forward(x):
    """GELU, tanh approximation (GPT-2). Caches the input x and the tanh. In place on two buffers: NumPy runs
    element-wise work on one core, so every temporary array costs."""
    xp = array_module(x)
    t = x * x
    t *= _GELU_C * 0.044715
    t += _GELU_C
    t *= x  # c * (x + 0.044715 x^3)
    xp.tanh(t, out=t)
    out = t + 1.0
    out *= x
    out *= 0.5
    return out, (x, t)


def gelu_backward(dout, cache):
    """d/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 * 0.044715 x^2)."""
    xp = array_module(dout)
    x, t = cache
    s = t * t
    xp.subtract(1.0, s, out=s)
    u = x * x
    u *= 3 * 0.044715 * _GELU_C
    u += _GELU_C
    s *= u
    s *= x
    s += t
    s += 1.0
    s *= 0.5
    s *= dout
    return s


_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _erf(z):
    """erf by Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7, below float32's resolution near 1): NumPy has
    no erf ufunc and SciPy is not a dependency."""
    xp = array_module(z)
    a = xp.abs(z)
    t = 1.0 / (1.0 + _ERF_P * a)
    a1, a2, a3, a4, a5 = _ERF_A
    poly = t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5))))
    y = 1.0 - poly * xp.exp(-a * a)
    return xp.copysign(y, z)


def gelu_exact_forward(x):
    """GELU with the normal CDF, x * Phi(x) (PyTorch's nn.GELU() default; nanoGPT's MLP). Caches x and Phi(x)."""
    cdf = 0.5 * (1.0 + _erf(x * (1.0 / math.sqrt(2.0))))
    return x * cdf, (x, cdf)


def gelu_exact_backward(dout, cache):
    """d/dx = Phi(x) + x phi(x)."""
    xp = array_module(dout)
    x, cdf = cache
    pdf = xp.exp(-0.5 * x * x) * (1.0 / math.sqrt(2.0 * math.pi))
    return dout * (cdf + x * pdf)


def _dropout_mask(shape, dtype, p, rng):
    """Inverted dropout: 0 with probability p, else 1/(1-p); uniforms drawn in the activations' dtype
    (float32 draws are half the memory and time of float64 ones)."""
    mask = (rng.random(shape, dtype=dtype) >= p).astype(dtype)
    mask *= 1.0 / (1.0 - p)
    return mask


def dropout_forward(x, p, rng):
    if p <= 0.0:
        return x, (None,)
    mask = _dropout_mask(x.shape, x.dtype, p, rng)
    return x * mask, (mask,)


def dropout_backward(dout, cache):
    (mask,) = cache
    return dout if mask is None else dout * mask


def crossentropy_forward(logits, targets):
    """Mean softmax cross-entropy over all positions. logits (B,T,V), targets (B,T). Caches the probabilities."""
    xp = array_module(logits)
    z = logits - logits.max(axis=-1, keepdims=True)
    ez = xp.exp(z)
    sums = ez.sum(axis=-1, keepdims=True)
    probs = ez / sums
    flat = targets.reshape(-1)
    logp = (z - xp.log(sums)).reshape(-1, logits.shape[-1])[xp.arange(flat.size), flat]
    return -logp.mean(), (probs, targets)


def crossentropy_backward(cache, dloss=1.0):
    """-> dlogits = (probs - onehot(targets)) / N."""
    probs, targets = cache
    xp = array_module(probs)
    V = probs.shape[-1]
    d = probs.reshape(-1, V).copy()
    flat = targets.reshape(-1)
    d[xp.arange(flat.size), flat] -= 1.0
    d *= dloss / flat.size
    return d.reshape(probs.shape)


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------

def sinusoidal_positions(T, C, dtype=np.float32):
    """The fixed positions of "Attention is all you need": sin on even channels, cos on odd ones."""
    pos = np.arange(T)[:, None]
    i = np.arange(0, C, 2)[None, :]
    angle = pos / np.power(10000.0, i / C)
    out = np.zeros((T, C))
    out[:, 0::2] = np.sin(angle)
    out[:, 1::2] = np.cos(angle[:, : C // 2])
    return out.astype(dtype)


def layer_names(config: GPTConfig) -> list[str]:
    names = ["wte"] + (["wpe"] if config.positions == "learned" else [])
    for layer in range(config.n_layer):
        p = f"h{layer}."
        names += [p + "ln_1.w", p + "attn.c_attn.w", p + "attn.c_proj.w", p + "ln_2.w", p + "mlp.c_fc.w",
                  p + "mlp.c_proj.w"]
        if config.bias:
            names += [p + "ln_1.b", p + "attn.c_attn.b", p + "attn.c_proj.b", p + "ln_2.b", p + "mlp.c_fc.b",
                      p + "mlp.c_proj.b"]
    names += ["ln_f.w"] + (["ln_f.b"] if config.bias else [])
    return names


def init_params(config: GPTConfig, seed: int = 0, dtype=np.float32) -> dict[str, np.ndarray]:
    """GPT-2's initialisation: normal(0, 0.02) matrices and embeddings, the two residual projections of each block
    scaled by 1/sqrt(2 * n_layer), zero biases, LayerNorm weights 1."""
    rng = np.random.default_rng(seed)
    C, V, L = config.n_embd, config.vocab_size, config.n_layer
    std, proj_std = 0.02, 0.02 / math.sqrt(2 * L)
    params: dict[str, np.ndarray] = {"wte": rng.normal(0, std, (V, C))}
    if config.positions == "learned":
        params["wpe"] = rng.normal(0, std, (config.block_size, C))
    for layer in range(L):
        p = f"h{layer}."
        params[p + "ln_1.w"] = np.ones(C)
        params[p + "attn.c_attn.w"] = rng.normal(0, std, (C, 3 * C))
        params[p + "attn.c_proj.w"] = rng.normal(0, proj_std, (C, C))
        params[p + "ln_2.w"] = np.ones(C)
        params[p + "mlp.c_fc.w"] = rng.normal(0, std, (C, 4 * C))
        params[p + "mlp.c_proj.w"] = rng.normal(0, proj_std, (4 * C, C))
        if config.bias:
            for name, size in (("ln_1.b", C), ("attn.c_attn.b", 3 * C), ("attn.c_proj.b", C), ("ln_2.b", C),
                               ("mlp.c_fc.b", 4 * C), ("mlp.c_proj.b", C)):
                params[p + name] = np.zeros(size)
    params["ln_f.w"] = np.ones(C)
    if config.bias:
        params["ln_f.b"] = np.zeros(C)
    return {k: v.astype(dtype) for k, v in params.items()}


def count_params(params: dict, config: GPTConfig, embeddings: bool = True) -> int:
    n = sum(int(v.size) for v in params.values())
    return n if embeddings else n - (int(params["wpe"].size) if "wpe" in params else 0)


class KVCache:
    """The keys and values of the positions run so far, for decoding one token at a time: per layer,
    (B, NH, block_size, HS) arrays filled in place, ``length`` positions of them in use."""

    def __init__(self, config: GPTConfig, batch_size: int, dtype, xp):
        shape = (batch_size, config.n_head, config.block_size, config.n_embd // config.n_head)
        self.keys = [xp.zeros(shape, dtype) for _ in range(config.n_layer)]
        self.values = [xp.zeros(shape, dtype) for _ in range(config.n_layer)]
        self.length = 0

    def store(self, layer: int, k, v):
        """Keep the keys and values (B,NH,T,HS) of T new positions; -> those of every position so far."""
        end = self.length + k.shape[2]
        self.keys[layer][:, :, self.length:end] = k
        self.values[layer][:, :, self.length:end] = v
        return self.keys[layer][:, :, :end], self.values[layer][:, :, :end]


class GPT:
    """Forward and backward of the whole model over a parameter dict (see :func:`init_params`)."""

    def __init__(self, config: GPTConfig, params: dict):
        self.config, self.params = config, params
        xp = array_module(params["wte"])
        self.xp = xp
        self._wpe_fixed = None
        if config.positions == "sinusoidal":
            self._wpe_fixed = xp.asarray(sinusoidal_positions(config.block_size, config.n_embd,
                                                              params["wte"].dtype))

    def _p(self, name):
        return self.params.get(name)

    def forward(self, idx, targets=None, train: bool = False, rng=None, kv_cache: KVCache | None = None):
        """Logits (B,T,V) and, with targets, the mean cross-entropy. Keeps what backward needs in ``self.cache``.

        With a ``kv_cache``, ``idx`` continues the positions the cache holds, only the last position's logits
        (B,1,V) are computed (nanoGPT's generate wants no more) and nothing is kept for a backward pass."""
        cfg = self.config
        B, T = idx.shape
        start = 0 if kv_cache is None else kv_cache.length
        if start + T > cfg.block_size:
            raise ValueError(f"sequence of {start + T} tokens is longer than block_size {cfg.block_size}")
        p = 0.0 if not train else cfg.dropout
        if p > 0 and rng is None:
            raise ValueError("dropout needs an rng")
        wpe = self._p("wpe") if cfg.positions == "learned" else self._wpe_fixed
        x, c_emb = embedding_forward(self.params["wte"], wpe, idx, start)
        x, c_drop = dropout_forward(x, p, rng)
        blocks = []
        for layer in range(cfg.n_layer):
            x, c_block = self.block_forward(x, layer, p, rng, kv_cache)
            blocks.append(c_block)
        if kv_cache is not None:
            kv_cache.length += T
            x = x[:, -1:]
        xf, c_lnf = layernorm_forward(x, self.params["ln_f.w"], self._p("ln_f.b"), cfg.layernorm_eps)
        V = self.params["wte"].shape[0]
        logits = (xf.reshape(-1, cfg.n_embd) @ self.params["wte"].T).reshape(B, -1, V)  # tied output projection
        loss, c_ce = (None, None) if targets is None else crossentropy_forward(logits, targets)
        self.cache = (c_emb, c_drop, blocks, c_lnf, xf, c_ce) if kv_cache is None else None
        return logits, loss

    def backward(self, dloss: float = 1.0) -> dict:
        """Gradients of ``dloss`` times the mean loss of the last ``forward`` (with targets) for every parameter
        (a part of a batch passes its share of the positions, so that the parts' gradients add up)."""
        cfg = self.config
        c_emb, c_drop, blocks, c_lnf, xf, c_ce = self.cache
        grads: dict = {}
        dlogits = crossentropy_backward(c_ce, dloss)
        V, C = self.params["wte"].shape
        dwte_head = dlogits.reshape(-1, V).T @ xf.reshape(-1, C)
        dxf = (dlogits.reshape(-1, V) @ self.params["wte"]).reshape(xf.shape)
        dx, grads["ln_f.w"], dlnf_b = layernorm_backward(dxf, c_lnf)
        if cfg.bias:
            grads["ln_f.b"] = dlnf_b
        for layer in reversed(range(cfg.n_layer)):
            dx = self.block_backward(dx, layer, blocks[layer], grads)
        dx = dropout_backward(dx, c_drop)
        dwte, dwpe = embedding_backward(dx, c_emb, V, cfg.positions == "learned")
        grads["wte"] = dwte + dwte_head
        if dwpe is not None:
            grads["wpe"] = xp_pad_positions(dwpe, self.params["wpe"])
        self.cache = None
        return grads

    def block_forward(self, x, layer: int, p: float, rng, kv_cache: KVCache | None = None):
        """x + attn(ln_1(x)), then + mlp(ln_2(x)); dropout ``p`` on the attention and on both branches."""
        cfg, h = self.config, f"h{layer}."
        a, c_ln1 = layernorm_forward(x, self._p(h + "ln_1.w"), self._p(h + "ln_1.b"), cfg.layernorm_eps)
        qkv, c_qkv = matmul_forward(a, self._p(h + "attn.c_attn.w"), self._p(h + "attn.c_attn.b"))
        att, c_att = attention_forward(qkv, cfg.n_head, p, rng, kv_cache, layer)
        proj, c_proj = matmul_forward(att, self._p(h + "attn.c_proj.w"), self._p(h + "attn.c_proj.b"))
        proj, c_rd1 = dropout_forward(proj, p, rng)
        x = x + proj
        m, c_ln2 = layernorm_forward(x, self._p(h + "ln_2.w"), self._p(h + "ln_2.b"), cfg.layernorm_eps)
        fc, c_fc = matmul_forward(m, self._p(h + "mlp.c_fc.w"), self._p(h + "mlp.c_fc.b"))
        g, c_gelu = (gelu_forward if cfg.gelu == "tanh" else gelu_exact_forward)(fc)
        out, c_fcp = matmul_forward(g, self._p(h + "mlp.c_proj.w"), self._p(h + "mlp.c_proj.b"))
        out, c_rd2 = dropout_forward(out, p, rng)
        x = x + out
        return x, (c_ln1, c_qkv, c_att, c_proj, c_rd1, c_ln2, c_fc, c_gelu, c_fcp, c_rd2)

    def block_backward(self, dx, layer: int, cache, grads: dict):
        """-> the gradient of the block's input; the gradients of its parameters go into ``grads``."""
        cfg, h = self.config, f"h{layer}."
        c_ln1, c_qkv, c_att, c_proj, c_rd1, c_ln2, c_fc, c_gelu, c_fcp, c_rd2 = cache
        dout = dropout_backward(dx, c_rd2)
        dg, grads[h + "mlp.c_proj.w"], db_fcp = matmul_backward(dout, c_fcp)
        dfc = (gelu_backward if cfg.gelu == "tanh" else gelu_exact_backward)(dg, c_gelu)
        dm, grads[h + "mlp.c_fc.w"], db_fc = matmul_backward(dfc, c_fc)
        dx_ln2, grads[h + "ln_2.w"], db_ln2 = layernorm_backward(dm, c_ln2)
        dx = dx + dx_ln2
        dproj = dropout_backward(dx, c_rd1)
        datt, grads[h + "attn.c_proj.w"], db_proj = matmul_backward(dproj, c_proj)
        dqkv = attention_backward(datt, c_att)
        da, grads[h + "attn.c_attn.w"], db_qkv = matmul_backward(dqkv, c_qkv)
        dx_ln1, grads[h + "ln_1.w"], db_ln1 = layernorm_backward(da, c_ln1)
        dx = dx + dx_ln1
        if cfg.bias:
            grads.update({h + "mlp.c_proj.b": db_fcp, h + "mlp.c_fc.b": db_fc, h + "ln_2.b": db_ln2,
                          h + "attn.c_proj.b": db_proj, h + "attn.c_attn.b": db_qkv, h + "ln_1.b": db_ln1})
        return dx


def xp_pad_positions(dwpe, wpe):
    """The gradient of the whole ``wpe`` table from that of its first T rows."""
    if dwpe.shape[0] == wpe.shape[0]:
        return dwpe
    xp = array_module(wpe)
    full = xp.zeros_like(wpe)
    full[: dwpe.shape[0]] = dwpe
    return full
