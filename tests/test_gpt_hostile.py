"""`corpuskit train` in hostile conditions: two trainers on one run directory, a busy machine under the
MFU, re-running a finished run, and resuming a GPU run with dropout (CuPy played by a stand-in over NumPy)."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest

from corpuskit.gpt import train as train_mod
from corpuskit.gpt.train import TrainConfig, load_checkpoint, train
from tests.test_gpt_train import _token_dir

TINY = dict(n_layer=1, n_head=2, n_embd=16, block_size=16, batch_size=4, lr=3e-3, min_lr=3e-4, warmup_iters=2,
            val_from="tail", val_fraction=0.1, eval_iters=2, log_interval=5, threads=1)
TINY_ARGS = [arg for key, value in TINY.items() for arg in ("--set", f"{key}={value}")]


def _cli(tokens, run, *extra) -> list[str]:
    return [sys.executable, "-m", "corpuskit.cli", "train", str(tokens), "-o", str(run), *TINY_ARGS, *extra]


def _log_lines(run: Path) -> list[dict]:
    """Every line of RUN/log.jsonl, each of which must be one JSON object."""
    return [json.loads(line) for line in (run / "log.jsonl").read_text(encoding="utf-8").splitlines()]


def _quiet(_message):
    pass


# ---------------------------------------------------------------------------------------------
# 9. One trainer per run directory
# ---------------------------------------------------------------------------------------------

def test_train_refuses_a_run_directory_another_process_holds(tmp_path):
    from corpuskit.lock import DirectoryLock

    tokens, _ = _token_dir(tmp_path)
    run = tmp_path / "run"
    train(tokens, run, TrainConfig(**TINY, max_iters=10, eval_interval=5), log=_quiet, stop_after=3)
    before = (run / "log.jsonl").read_bytes()
    with DirectoryLock(run, what="test"):  # as a `corpuskit train` in another process would
        res = subprocess.run(_cli(tokens, run, "--max-iters", "10", "--set", "eval_interval=5"),
                             capture_output=True, text=True)
    assert res.returncode != 0
    assert "another corpuskit train is using" in res.stderr and "Traceback" not in res.stderr
    assert (run / "log.jsonl").read_bytes() == before


def test_pipeline_training_takes_the_same_lock(tmp_path):
    """`corpuskit run` with a train: section trains through run_model_steps, which must lock the run directory."""
    from corpuskit.lock import DirectoryLock

    tokens, _ = _token_dir(tmp_path)
    run = tokens / "model"
    code = ("import sys, types; from corpuskit.gpt.pipeline import run_model_steps; from corpuskit.errors import "
            "CorpuskitError\nconfig = types.SimpleNamespace(output=sys.argv[1], generate=None, train=dict("
            f"run_dir='model', max_iters=5, eval_interval=5, **{TINY!r}))\n"
            "try:\n    run_model_steps(config, log=print)\nexcept CorpuskitError as exc:\n"
            "    sys.exit(f'error: {exc}')\n")
    with DirectoryLock(run, what="test"):
        res = subprocess.run([sys.executable, "-c", code, str(tokens)], capture_output=True, text=True)
    assert res.returncode != 0 and "another corpuskit train is using" in res.stderr, res.stderr
    assert not (run / "log.jsonl").exists()


def test_two_train_commands_on_one_run_directory(tmp_path):
    """A real second `corpuskit train` while the first runs: it stops with a clear error, the first's log stays
    one JSON object per line with every step once."""
    tokens, _ = _token_dir(tmp_path)
    run = tmp_path / "run"
    first = subprocess.Popen(_cli(tokens, run, "--max-iters", "100000", "--set", "log_interval=1",
                                  "--set", "eval_interval=1000"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and first.poll() is None:
            if (run / "log.jsonl").exists() and len((run / "log.jsonl").read_text().splitlines()) >= 3:
                break
            time.sleep(0.02)
        assert first.poll() is None, first.stderr.read().decode()
        second = subprocess.run(_cli(tokens, run, "--max-iters", "100000", "--set", "log_interval=1",
                                     "--set", "eval_interval=1000"), capture_output=True, text=True, timeout=30)
        assert first.poll() is None  # the first is still training
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert second.returncode == 2 and "another corpuskit train is using" in second.stderr, second.stderr
    lines = _log_lines(run)
    steps = [h["step"] for h in lines if "loss" in h]
    assert len(steps) >= 2 and steps == list(range(1, len(steps) + 1))


# ---------------------------------------------------------------------------------------------
# 15. MFU against a peak measured on a busy machine
# ---------------------------------------------------------------------------------------------

def _mfu_texts(messages: list[str]) -> list[str]:
    return [m.split("MFU ", 1)[1] for m in messages if m.startswith("step ") and "MFU " in m]


def test_mfu_is_capped_and_labelled_when_the_peak_was_measured_too_low(tmp_path, monkeypatch):
    monkeypatch.setattr(train_mod, "matmul_peak_flops", lambda *a, **k: 1e3)  # a machine that was very busy
    tokens, _ = _token_dir(tmp_path)
    messages: list[str] = []
    train(tokens, tmp_path / "run", TrainConfig(**TINY, max_iters=10, eval_interval=10), log=messages.append)
    texts = _mfu_texts(messages)
    assert texts
    for text in texts:
        assert float(text.split("%")[0]) <= 100.0 and "capped" in text, text
    assert any("peak_gflops" in m for m in messages)  # says how to fix it
    mfus = [h["mfu"] for h in _log_lines(tmp_path / "run") if "mfu" in h]
    assert mfus and all(m <= 1.0 for m in mfus)
    assert all(h["mfu_capped"] for h in _log_lines(tmp_path / "run") if "mfu" in h)


def test_a_user_set_peak_is_used_and_not_measured(tmp_path, monkeypatch):
    def no_measuring(*a, **k):
        raise AssertionError("the peak was measured although peak_gflops is set")

    monkeypatch.setattr(train_mod, "matmul_peak_flops", no_measuring)
    tokens, _ = _token_dir(tmp_path)
    messages: list[str] = []
    cfg = TrainConfig(**TINY, max_iters=10, eval_interval=10, peak_gflops=2_000_000.0)
    train(tokens, tmp_path / "run", cfg, log=messages.append)
    assert any("2,000,000.0 GFLOP/s (peak_gflops)" in m for m in messages), messages
    header, params, _, _ = load_checkpoint(tmp_path / "run" / "ckpt.npz")
    mcfg = cfg.model_config(header["tokenizer"]["vocab_size"])
    fpt = train_mod.flops_per_token(mcfg, sum(a.size for k, a in params.items() if k != "wpe"))
    for h in _log_lines(tmp_path / "run"):
        if "mfu" in h:
            assert h["mfu"] == pytest.approx(fpt * h["tokens_per_s"] / 2e15)
            assert not h["mfu_capped"]
    # another peak is not another run: continuing with it is allowed
    train(tokens, tmp_path / "run", TrainConfig(**{**TINY, "max_iters": 10, "eval_interval": 10}), log=_quiet)


def test_peak_gflops_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from corpuskit.cli import main

    tokens, _ = _token_dir(tmp_path)
    res = CliRunner().invoke(main, ["train", str(tokens), "-o", str(tmp_path / "run"), *TINY_ARGS,
                                    "--max-iters", "5", "--peak-gflops", "5e5"])
    assert res.exit_code == 0, res.output
    assert "500,000.0 GFLOP/s (peak_gflops)" in res.output
    res = CliRunner().invoke(main, ["train", str(tokens), "-o", str(tmp_path / "run2"), *TINY_ARGS,
                                    "--max-iters", "5", "--peak-gflops", "-1"])
    assert res.exit_code == 2 and "peak_gflops" in res.output


def test_peak_is_the_best_of_several_runs_and_remembered_per_machine(tmp_path, monkeypatch):
    from corpuskit.gpt.train import matmul_peak_flops

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(train_mod, "_PEAK", {})
    speeds = itertools.cycle([10e9, 50e9, 20e9])
    monkeypatch.setattr(train_mod, "_timed_matmul_flops", lambda a, b: next(speeds))
    assert matmul_peak_flops("float32") == 50e9  # the best run, not the mean
    cached = json.loads(next((tmp_path / "cache").rglob("*.json")).read_text())
    assert list(cached.values()) == [50e9] and "float32" in next(iter(cached))  # keyed by machine and dtype
    # a later measurement on a busy machine does not lower the remembered peak
    monkeypatch.setattr(train_mod, "_PEAK", {})
    monkeypatch.setattr(train_mod, "_timed_matmul_flops", lambda a, b: 1e9)
    assert matmul_peak_flops("float32") == 50e9
    # an unwritable cache is no error: the measurement alone is used
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    monkeypatch.setattr(train_mod, "_PEAK", {})
    assert matmul_peak_flops("float32") == 1e9


def test_peak_cache_that_is_not_json_is_ignored(tmp_path, monkeypatch):
    from corpuskit.gpt.train import matmul_peak_flops, peak_cache_path

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(train_mod, "_PEAK", {})
    monkeypatch.setattr(train_mod, "_timed_matmul_flops", lambda a, b: 3e9)
    path = peak_cache_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert matmul_peak_flops("float32") == 3e9
    path.write_text('{"x": "fast"}')
    monkeypatch.setattr(train_mod, "_PEAK", {})
    assert matmul_peak_flops("float32") == 3e9


# ---------------------------------------------------------------------------------------------
# 16. Re-running a run that is complete
# ---------------------------------------------------------------------------------------------

def test_rerunning_a_complete_run_says_so_and_prints_its_losses(tmp_path):
    from click.testing import CliRunner

    from corpuskit.cli import main

    tokens, _ = _token_dir(tmp_path)
    args = ["train", str(tokens), "-o", str(tmp_path / "run"), *TINY_ARGS, "--set", "eval_interval=4",
            "--max-iters", "10"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    last = [h for h in _log_lines(tmp_path / "run") if "val_loss" in h][-1]
    assert last["step"] == 10
    ckpt_before = (tmp_path / "run" / "ckpt.npz").read_bytes()
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "complete" in again.output
    assert f"val loss {last['val_loss']:.4f}" in again.output and f"train loss {last['train_loss']:.4f}" in again.output
    assert (tmp_path / "run" / "ckpt.npz").read_bytes() == ckpt_before


def test_a_complete_run_through_the_pipeline_returns_its_last_val_loss(tmp_path):
    from corpuskit.gpt.pipeline import run_model_steps

    tokens, _ = _token_dir(tmp_path)
    config = types.SimpleNamespace(output=str(tokens), generate=None,
                                   train={"run_dir": "model", **TINY, "max_iters": 6, "eval_interval": 3})
    first = run_model_steps(config, log=_quiet)
    again = run_model_steps(config, log=_quiet)
    assert again["step"] == 6 and again["val_loss"] == first["val_loss"] and again["val_loss"] is not None
    assert again["train_loss"] == first["train_loss"]
    (tokens / "model" / "log.jsonl").unlink()  # the log lost: the checkpoint still knows the last losses
    assert run_model_steps(config, log=_quiet)["val_loss"] == first["val_loss"]


def test_a_resumed_run_stopped_before_any_evaluation_still_knows_its_losses(tmp_path):
    tokens, _ = _token_dir(tmp_path)
    cfg = TrainConfig(**TINY, max_iters=20, eval_interval=10)
    first = train(tokens, tmp_path / "run", cfg, log=_quiet, stop_after=12)
    second = train(tokens, tmp_path / "run", cfg, log=_quiet, stop_after=3)  # steps 12..15: no evaluation
    assert second.step == 15 and second.val_loss == first.val_loss is not None


def test_pipeline_force_keeps_the_lock_file(tmp_path):
    """--force empties the run directory under its lock; removing the lock file itself would let a second
    process lock a new one while this one trains."""
    from corpuskit.gpt.pipeline import run_model_steps
    from corpuskit.lock import LOCK_NAME

    tokens, _ = _token_dir(tmp_path)
    config = types.SimpleNamespace(output=str(tokens), generate=None,
                                   train={"run_dir": "model", **TINY, "max_iters": 3, "eval_interval": 3})
    run_model_steps(config, log=_quiet)
    inode = (tokens / "model" / LOCK_NAME).stat().st_ino
    (tokens / "model" / "stray.txt").write_text("x")
    run_model_steps(config, log=_quiet, force=True)
    assert (tokens / "model" / LOCK_NAME).stat().st_ino == inode
    assert not (tokens / "model" / "stray.txt").exists() and (tokens / "model" / "ckpt.npz").exists()


# ---------------------------------------------------------------------------------------------
# 17. The GPU dropout generator in the checkpoint (CuPy played by a stand-in over NumPy)
# ---------------------------------------------------------------------------------------------

class _StandInBits:
    """Like CuPy's XORWOW bit generator: the whole state is a device array of bytes, ``_state``, that each
    draw updates in place (here: a seed and a counter)."""

    def __init__(self, seed):
        self._state = np.array([seed, 0], dtype=np.uint64).view(np.int8).copy()


class _StandInGenerator:
    def __init__(self, seed):
        self.bit_generator = _StandInBits(seed)

    def random(self, size=None, dtype=np.float64):
        words = self.bit_generator._state.view(np.uint64)
        draws = np.random.default_rng([int(words[0]), int(words[1])]).random(size, dtype=dtype)
        words[1] += 1
        return draws


@pytest.fixture
def stand_in_cupy(monkeypatch):
    """A module named cupy whose arrays are NumPy's and whose generators keep their state as CuPy's do."""
    fake = types.ModuleType("cupy")
    fake.asarray = np.asarray
    fake.random = types.SimpleNamespace(default_rng=_StandInGenerator)
    monkeypatch.setitem(sys.modules, "cupy", fake)
    return fake


def test_gpu_run_with_dropout_resumes_exactly(tmp_path, stand_in_cupy):
    tokens, _ = _token_dir(tmp_path)
    cfg = TrainConfig(**{**TINY, "threads": 0}, max_iters=12, eval_interval=4, dropout=0.2, device="gpu")
    full = train(tokens, tmp_path / "full", cfg, log=_quiet)
    train(tokens, tmp_path / "cut", cfg, log=_quiet, stop_after=7)
    cut = train(tokens, tmp_path / "cut", cfg, log=_quiet)
    assert [(h["step"], h.get("loss"), h.get("val_loss")) for h in cut.history] == \
        [(h["step"], h.get("loss"), h.get("val_loss")) for h in full.history]
    _, a, _, _ = load_checkpoint(tmp_path / "full" / "ckpt.npz")
    _, b, _, _ = load_checkpoint(tmp_path / "cut" / "ckpt.npz")
    assert all(np.array_equal(a[k], b[k]) for k in a)
    with np.load(tmp_path / "cut" / "ckpt.npz", allow_pickle=False) as z:  # arrays only, no pickle
        assert any(name.startswith("rng.") for name in z.files)


def test_dropout_state_functions_with_numpy_standing_in_for_cupy(stand_in_cupy):
    from corpuskit.gpt.train import dropout_rng_state, restore_dropout_rng

    rng = stand_in_cupy.random.default_rng(7)
    rng.random(3)
    saved, arrays = dropout_rng_state(rng, stand_in_cupy)
    json.dumps(saved)  # the header part is JSON
    assert all(isinstance(a, np.ndarray) and a.dtype != object for a in arrays.values())
    expected = rng.random(4)
    fresh = stand_in_cupy.random.default_rng(7)
    assert restore_dropout_rng(fresh, stand_in_cupy, saved, arrays)
    np.testing.assert_array_equal(fresh.random(4), expected)
    # a checkpoint without the state (older corpuskit) or with another size (another GPU) is not restored
    assert not restore_dropout_rng(stand_in_cupy.random.default_rng(7), stand_in_cupy, None, {})
    wrong = {k: a[:8] for k, a in arrays.items()}
    assert not restore_dropout_rng(stand_in_cupy.random.default_rng(7), stand_in_cupy, saved, wrong)
    # NumPy's generator: its state is a small dict in the header, as before
    np_rng = np.random.default_rng([1, 2])
    saved, arrays = dropout_rng_state(np_rng, np)
    assert arrays == {} and saved == np_rng.bit_generator.state
    expected = np_rng.random(3)
    other = np.random.default_rng(0)
    assert restore_dropout_rng(other, np, saved, arrays)
    np.testing.assert_array_equal(other.random(3), expected)


def test_the_gpu_embedding_gradient_sums_as_add_at_does():
    """On a GPU the token rows are summed by one-hot matrix products (fixed order, unlike CuPy's atomic add.at);
    the same function on NumPy arrays gives NumPy's add.at sums, also with the vocabulary in several chunks."""
    from corpuskit.gpt.model import one_hot_sum

    rng = np.random.default_rng(0)
    ids = rng.integers(0, 37, 500)
    rows = rng.standard_normal((500, 8))
    expected = np.zeros((37, 8))
    np.add.at(expected, ids, rows)
    np.testing.assert_allclose(one_hot_sum(ids, rows, 37), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(one_hot_sum(ids, rows, 37, max_entries=5 * 500), expected, rtol=1e-12, atol=1e-12)
