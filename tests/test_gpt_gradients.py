"""Finite-difference checks (float64) of every layer's backward and of the whole model's."""

from __future__ import annotations

import numpy as np
import pytest

from corpuskit.gpt.model import (GPT, GPTConfig, attention_backward, attention_forward, crossentropy_backward,
                                 crossentropy_forward, embedding_backward, embedding_forward, gelu_backward,
                                 gelu_forward, init_params, layernorm_backward, layernorm_forward, matmul_backward,
                                 matmul_forward)

RNG = np.random.default_rng(0)


def numeric_grad(f, x, eps=1e-6, entries=None):
    """Central differences of the scalar f() with respect to the array x (changed in place, restored)."""
    grad = np.zeros_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for i in (range(flat.size) if entries is None else entries):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        g[i] = (up - down) / (2 * eps)
    return grad


def assert_close(analytic, numeric, entries=None, tol=1e-6):
    a, n = analytic.reshape(-1), numeric.reshape(-1)
    if entries is not None:
        a, n = a[entries], n[entries]
    err = np.abs(a - n).max() / max(1e-8, np.abs(n).max())
    assert err < tol, f"relative error {err:.2e}"


B, T, C, NH, V = 2, 5, 12, 3, 11  # head size 4 != T


def test_layernorm():
    x, w, b = RNG.normal(size=(B, T, C)), RNG.normal(size=C), RNG.normal(size=C)
    R = RNG.normal(size=(B, T, C))
    loss = lambda: float((layernorm_forward(x, w, b)[0] * R).sum())  # noqa: E731
    out, cache = layernorm_forward(x, w, b)
    dx, dw, db = layernorm_backward(R, cache)
    for arr, grad in ((x, dx), (w, dw), (b, db)):
        assert_close(grad, numeric_grad(loss, arr))


def test_matmul():
    x, w, b = RNG.normal(size=(B, T, C)), RNG.normal(size=(C, 7)), RNG.normal(size=7)
    R = RNG.normal(size=(B, T, 7))
    loss = lambda: float((matmul_forward(x, w, b)[0] * R).sum())  # noqa: E731
    dx, dw, db = matmul_backward(R, matmul_forward(x, w, b)[1])
    for arr, grad in ((x, dx), (w, dw), (b, db)):
        assert_close(grad, numeric_grad(loss, arr))


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_attention(dropout):
    qkv = RNG.normal(size=(B, T, 3 * C))
    R = RNG.normal(size=(B, T, C))

    def loss():  # the same dropout mask on every call: a fresh rng with one seed
        return float((attention_forward(qkv, NH, dropout, np.random.default_rng(5))[0] * R).sum())

    out, cache = attention_forward(qkv, NH, dropout, np.random.default_rng(5))
    assert_close(attention_backward(R, cache), numeric_grad(loss, qkv))
    # causal: the output at position t does not depend on later positions
    later = qkv.copy()
    later[:, 3:] += 1.0
    np.testing.assert_allclose(attention_forward(later, NH)[0][:, :3], attention_forward(qkv, NH)[0][:, :3])


def test_gelu():
    x = RNG.normal(size=(B, T, C)) * 2
    R = RNG.normal(size=(B, T, C))
    loss = lambda: float((gelu_forward(x)[0] * R).sum())  # noqa: E731
    assert_close(gelu_backward(R, gelu_forward(x)[1]), numeric_grad(loss, x))


def test_exact_gelu():
    from math import erf

    from corpuskit.gpt.model import _erf, gelu_exact_backward, gelu_exact_forward

    z = np.linspace(-6, 6, 2001)
    assert np.abs(_erf(z) - np.array([erf(v) for v in z])).max() < 2e-7
    x = RNG.normal(size=(B, T, C)) * 2
    R = RNG.normal(size=(B, T, C))
    loss = lambda: float((gelu_exact_forward(x)[0] * R).sum())  # noqa: E731
    assert_close(gelu_exact_backward(R, gelu_exact_forward(x)[1]), numeric_grad(loss, x), tol=1e-5)


def test_embedding_and_crossentropy():
    wte, wpe = RNG.normal(size=(V, C)), RNG.normal(size=(T, C))
    idx = RNG.integers(0, V, (B, T))
    R = RNG.normal(size=(B, T, C))
    loss = lambda: float((embedding_forward(wte, wpe, idx)[0] * R).sum())  # noqa: E731
    dwte, dwpe = embedding_backward(R, embedding_forward(wte, wpe, idx)[1], V)
    assert_close(dwte, numeric_grad(loss, wte))
    assert_close(dwpe, numeric_grad(loss, wpe))
    logits, targets = RNG.normal(size=(B, T, V)) * 3, RNG.integers(0, V, (B, T))
    ce = lambda: float(crossentropy_forward(logits, targets)[0])  # noqa: E731
    assert_close(crossentropy_backward(crossentropy_forward(logits, targets)[1]), numeric_grad(ce, logits))


@pytest.mark.parametrize("bias,positions,gelu", [(True, "learned", "tanh"), (False, "learned", "tanh"),
                                                 (True, "sinusoidal", "tanh"), (False, "learned", "exact")])
def test_whole_model(bias, positions, gelu):
    cfg = GPTConfig(vocab_size=V, block_size=8, n_layer=2, n_head=NH, n_embd=C, bias=bias, positions=positions,
                    gelu=gelu)
    params = init_params(cfg, seed=1, dtype=np.float64)
    rng = np.random.default_rng(2)
    for k in params:  # weights far from their initial scale, so no layer is near-linear or near-zero
        params[k] = params[k] + rng.normal(0, 0.3, params[k].shape)
    model = GPT(cfg, params)
    idx, targets = rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))
    model.forward(idx, targets)
    grads = model.backward()
    assert set(grads) == set(params)
    loss = lambda: float(model.forward(idx, targets)[1])  # noqa: E731
    for name, arr in params.items():
        entries = rng.choice(arr.size, min(arr.size, 12), replace=False)
        assert_close(grads[name], numeric_grad(loss, arr, entries=entries), entries, tol=1e-5)


def test_whole_model_with_dropout():
    cfg = GPTConfig(vocab_size=V, block_size=8, n_layer=1, n_head=NH, n_embd=C, dropout=0.2)
    params = init_params(cfg, seed=1, dtype=np.float64)
    model = GPT(cfg, params)
    idx, targets = RNG.integers(0, V, (B, T)), RNG.integers(0, V, (B, T))
    loss = lambda: float(model.forward(idx, targets, train=True, rng=np.random.default_rng(9))[1])  # noqa: E731
    loss()
    grads = model.backward()
    for name in ("wte", "h0.attn.c_attn.w", "h0.mlp.c_fc.w"):
        entries = RNG.choice(params[name].size, 10, replace=False)
        assert_close(grads[name], numeric_grad(loss, params[name], entries=entries), entries, tol=1e-5)


def test_attention_softmax_survives_scores_far_above_the_diagonal():
    """The softmax shifts rows by their diagonal score; a score 1000 above it must still give exact probabilities
    (the row falls back to the maximum), not inf or NaN."""
    rng = np.random.default_rng(5)
    B, T, C, NH = 2, 6, 8, 2
    qkv = rng.standard_normal((B, T, 3 * C)).astype(np.float32)
    qkv[0, 2, :C] = 40.0  # a query and an earlier key that agree enormously: score ~ 40 * 40 * 4 / 2
    qkv[0, 0, C:2 * C] = 40.0
    qkv[0, 2, C:2 * C] = -40.0  # its own key disagrees
    out, cache = attention_forward(qkv, NH)
    att = cache[3]
    q, k = cache[0].astype(np.float64), cache[1].astype(np.float64)
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(C // NH) + np.triu(np.full((T, T), -np.inf), 1)
    ref = np.exp(scores - scores.max(-1, keepdims=True))
    ref /= ref.sum(-1, keepdims=True)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(att, ref, atol=1e-6)
