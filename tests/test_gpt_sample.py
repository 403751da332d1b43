"""Generation with the model's key/value cache gives the logits of a full forward pass; sampling options."""

from __future__ import annotations

import numpy as np
import pytest

from corpuskit.errors import CorpuskitError
from corpuskit.gpt.model import GPT, GPTConfig, KVCache, init_params
from corpuskit.gpt.sample import Generator, generate, sample_next


def _model(positions="learned", bias=True, block=12, gelu="tanh"):
    cfg = GPTConfig(vocab_size=17, block_size=block, n_layer=2, n_head=2, n_embd=16, bias=bias, positions=positions,
                    gelu=gelu)
    params = init_params(cfg, seed=3, dtype=np.float64)
    rng = np.random.default_rng(4)
    for k in params:
        params[k] = params[k] + rng.normal(0, 0.2, params[k].shape)
    return cfg, params


def test_cached_logits_equal_full_forward():
    for positions, bias, gelu in (("learned", True, "tanh"), ("sinusoidal", False, "tanh"), ("learned", False, "exact")):
        cfg, params = _model(positions, bias, gelu=gelu)
        seq = np.random.default_rng(0).integers(0, 17, 10).tolist()
        full, _ = GPT(cfg, params).forward(np.array([seq]))
        gen = Generator(params, cfg)
        np.testing.assert_allclose(gen.feed(seq[:4]), full[0, 3], rtol=1e-10, atol=1e-10)
        for t in range(4, 10):  # one token at a time through the cache
            np.testing.assert_allclose(gen.feed([seq[t]]), full[0, t], rtol=1e-10, atol=1e-10)


def test_context_longer_than_the_block_slides_as_nanogpt():
    """window "slide": past block_size tokens every logit is that of a full forward pass over the last block_size
    tokens, nanoGPT's ``idx[:, -block_size:]`` (its generate runs no cache)."""
    cfg, params = _model(block=8)
    model = GPT(cfg, params)
    seq = np.random.default_rng(5).integers(0, 17, 21).tolist()
    gen = Generator(params, cfg)  # slide is the default
    logits = gen.feed(seq[:3])
    for t in range(3, len(seq)):
        context = seq[:t][-8:]
        full, _ = model.forward(np.array([context]))
        np.testing.assert_allclose(logits, full[0, -1], rtol=1e-10, atol=1e-10)
        logits = gen.feed([seq[t]])
    # a prompt longer than the block, fed at once, keeps its last block_size tokens
    np.testing.assert_allclose(Generator(params, cfg).feed(seq), model.forward(np.array([seq[-8:]]))[0][0, -1],
                               rtol=1e-10, atol=1e-10)


def test_nanogpt_greedy_generation_is_reproduced_past_the_block():
    cfg, params = _model(block=8)
    model = GPT(cfg, params)
    idx = [3, 1, 4]
    for _ in range(20):  # nanoGPT's generate at temperature 0: crop, full forward, argmax
        logits, _ = model.forward(np.array([idx[-8:]]))
        idx.append(int(np.argmax(logits[0, -1])))
    assert list(generate(params, cfg, [3, 1, 4], 20, temperature=0)) == idx[3:]


def test_half_window_rebuilds_from_the_last_half_block():
    cfg, params = _model(block=8)
    model = GPT(cfg, params)
    seq = list(range(1, 16))
    gen = Generator(params, cfg, window="half")
    seen = []
    for t in seq:
        logits = gen.feed([t])
        window = gen.tokens  # the cache ends with the last token and holds between a half and a whole block
        seen.append(len(window))
        full, _ = model.forward(np.array([window]))
        np.testing.assert_allclose(logits, full[0, -1], rtol=1e-10, atol=1e-10)
        assert window == seq[:t][-len(window):]
    assert seen == [1, 2, 3, 4, 5, 6, 7, 8, 4, 5, 6, 7, 8, 4, 5]
    with pytest.raises(CorpuskitError, match="window must be one of"):
        Generator(params, cfg, window="full")


def test_sampling_options():
    logits = np.array([1.0, 3.0, 2.0, -1.0])
    rng = np.random.default_rng(0)
    assert sample_next(logits, rng, temperature=0) == 1
    assert {sample_next(logits, rng, top_k=1) for _ in range(20)} == {1}
    assert {sample_next(logits, rng, top_k=2) for _ in range(200)} == {1, 2}
    # top_p 0.5: token 1 alone has 0.66 of the mass
    assert {sample_next(logits, rng, top_p=0.5) for _ in range(50)} == {1}
    cfg, params = _model()
    a = list(generate(params, cfg, [1, 2, 3], 20, seed=7))
    b = list(generate(params, cfg, [1, 2, 3], 20, seed=7))
    assert a == b and len(a) == 20 and a != list(generate(params, cfg, [1, 2, 3], 20, seed=8))


def test_the_model_decodes_through_its_key_value_cache():
    """GPT.forward with a KVCache, a batch of two one position at a time: the last position's logits of a full
    forward pass, nothing kept for a backward pass, and no position past block_size."""
    cfg, params = _model(block=8)
    seqs = np.random.default_rng(1).integers(0, 17, (2, 8))
    model = GPT(cfg, params)
    full, _ = model.forward(seqs)
    cache = KVCache(cfg, 2, params["wte"].dtype, np)
    logits, _ = model.forward(seqs[:, :3], kv_cache=cache)
    assert logits.shape == (2, 1, 17) and cache.length == 3 and model.cache is None
    np.testing.assert_allclose(logits[:, 0], full[:, 2], rtol=1e-10, atol=1e-10)
    for t in range(3, 8):
        logits, _ = model.forward(seqs[:, t:t + 1], kv_cache=cache)
        np.testing.assert_allclose(logits[:, 0], full[:, t], rtol=1e-10, atol=1e-10)
    with pytest.raises(ValueError, match="block_size"):
        model.forward(seqs[:, :1], kv_cache=cache)
