"""Data parallelism over threads: the parts of a batch give the whole batch's loss and gradients, and a step is
deterministic whatever the threads' timing."""

from __future__ import annotations

import numpy as np
import pytest

from corpuskit.gpt.model import GPT, GPTConfig, init_params
from corpuskit.gpt.parallel import DataParallel, auto_parts, split_rows

CFG = GPTConfig(vocab_size=23, block_size=12, n_layer=2, n_head=2, n_embd=16, bias=True)


def _batch(B=7, T=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, CFG.vocab_size, (B, T)), rng.integers(0, CFG.vocab_size, (B, T))


@pytest.mark.parametrize("parts", [1, 2, 3, 7, 9])
def test_parts_give_the_whole_batch_loss_and_gradients(parts):
    params = init_params(CFG, seed=3, dtype=np.float64)
    x, y = _batch()
    model = GPT(CFG, params)
    _, ref_loss = model.forward(x, y, train=True)
    ref = model.backward()
    with DataParallel(CFG, params, parts) as dp:
        loss, grads = dp.loss_and_grads(x, y)
        assert dp.loss(x, y) == pytest.approx(float(ref_loss), rel=1e-12)
    assert loss == pytest.approx(float(ref_loss), rel=1e-12)
    assert set(grads) == set(ref)
    for k in ref:
        np.testing.assert_allclose(grads[k], ref[k], rtol=1e-10, atol=1e-13, err_msg=k)


def test_a_step_with_dropout_is_deterministic_and_its_masks_follow_the_callers_generator():
    cfg = GPTConfig(**{**CFG.as_dict(), "dropout": 0.2})
    params = init_params(cfg, seed=3)
    x, y = _batch(B=8)
    runs = []
    with DataParallel(cfg, params, 4) as dp:
        for _ in range(3):
            rng = np.random.default_rng(11)
            loss, grads = dp.loss_and_grads(x, y, rng)
            runs.append((loss, {k: v.copy() for k, v in grads.items()}, rng.bit_generator.state))
        other = dp.loss_and_grads(x, y, np.random.default_rng(12))[0]
        with pytest.raises(ValueError, match="rng"):
            dp.loss_and_grads(x, y)
    for loss, grads, state in runs[1:]:
        assert loss == runs[0][0] and state == runs[0][2]
        assert all(np.array_equal(grads[k], runs[0][1][k]) for k in grads)
    assert other != runs[0][0]


def test_split_rows_and_auto_parts():
    assert [(s.start, s.stop) for s in split_rows(8, 3)] == [(0, 3), (3, 5), (5, 8)]
    assert [(s.start, s.stop) for s in split_rows(2, 5)] == [(0, 1), (1, 2)]
    assert sum(s.stop - s.start for s in split_rows(12, 5)) == 12
    assert auto_parts(12, 64, cores=2) == 2  # nanoGPT's CPU config on two cores
    assert auto_parts(12, 64, cores=16) == 6  # at least 128 positions per part
    assert auto_parts(64, 256, cores=16) == 16
    assert auto_parts(1, 8, cores=8) == 1
