"""The NumPy GPT on a GPU (``device: gpu``, CuPy): is it right, does it resume exactly, is it faster?

    python benchmarks/gpu_check.py results.json [--steps 40]

(a) **forward and backward** of the same weights and batch on CuPy and on NumPy (float32 in two model variants,
    and float64): the largest absolute differences of the loss and of the gradients, and of the logits of
    generation with the key/value cache;
(b) **exact resume**: a tiny model with dropout trained on CuPy by ``corpuskit.gpt.train.train`` for ``--steps``
    steps without a break, again (two uninterrupted runs must agree: the GPU is deterministic), and cut at half
    the steps and continued from its checkpoint: weights, AdamW moments and every logged loss must equal the
    uninterrupted run's bit for bit. As a control, the half-way checkpoint without its dropout generator state
    (what corpuskit wrote before it saved it) must *not* resume exactly, or the check could not see that state;
(c) **speed**: tokens/s of a training step (forward, backward, clipping, AdamW) of nanoGPT's shakespeare_char
    shapes, the "baby" CPU model and the GPU config's, on the GPU and on the CPU with NumPy (the batch in parts on
    threads, as ``corpuskit train`` runs it), with MFU against each one's float32 matmul peak.

Token data is synthesized (a random Markov chain written as ``corpuskit tokenize`` writes its shards), so no
tokenizer is needed. Needs numpy, cupy, pyarrow, threadpoolctl and psutil, and imports only ``corpuskit.gpt``.
Everything is printed and written to the JSON file; the exit status is 1 when a check fails (2: no GPU).
Takes about a minute on one H200.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
import traceback
import types
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VOCAB = 68  # tiny-shakespeare's 65 characters and corpuskit's 3 special tokens
SHAPES = {
    "baby": dict(n_layer=4, n_head=4, n_embd=128, block_size=64, batch_size=12, dropout=0.0),
    "gpu": dict(n_layer=6, n_head=6, n_embd=384, block_size=256, batch_size=64, dropout=0.2),
}


def allow_missing_crawl_dependencies() -> None:
    """corpuskit.fileio, whose atomic writes the trainer uses, imports zstandard at the top for reading crawl files.
    Where it is not installed a stand-in lets the trainer import; nothing here reads a .zst file."""
    try:
        import zstandard  # noqa: F401
    except ImportError:
        sys.modules["zstandard"] = types.ModuleType("zstandard")


def say(message: str) -> None:
    print(message, flush=True)


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def synthesize_tokens(directory: Path, n_tokens: int, seed: int = 0, doc_tokens: int = 1000) -> Path:
    """A token directory as ``corpuskit tokenize`` writes it (``kept/part-0.parquet`` with a list of token ids,
    ``n_tokens`` and ``split`` per document, and ``meta.json``), of a random Markov chain: each token has three
    likely successors, one draw in ten is any token. Every tenth document is validation; each ends with id 0."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    successors = rng.integers(1, VOCAB, (VOCAB, 3))
    pick, noise, anything = rng.integers(0, 3, n_tokens), rng.random(n_tokens) < 0.1, rng.integers(1, VOCAB, n_tokens)
    stream, t = np.empty(n_tokens, np.uint16), 1
    for i in range(n_tokens):
        t = anything[i] if noise[i] else successors[t, pick[i]]
        stream[i] = t
    docs = [np.append(stream[i:i + doc_tokens], 0).astype(np.uint16) for i in range(0, n_tokens, doc_tokens)]
    (directory / "kept").mkdir(parents=True)
    table = pa.table({"id": [f"doc{i}" for i in range(len(docs))],
                      "tokens": pa.array([d.tolist() for d in docs], pa.list_(pa.uint16())),
                      "n_tokens": [len(d) for d in docs],
                      "split": ["val" if i % 10 == 9 else "train" for i in range(len(docs))]})
    pq.write_table(table, directory / "kept" / "part-0.parquet")
    meta = {"tokenizer": {"kind": "synthetic", "vocab_size": VOCAB, "token_dtype": "uint16", "eot_id": 0,
                          "sha256": f"synthetic-markov-{seed}"},
            "files": ["kept/part-0.parquet"], "columns": {"tokens": "tokens", "n_tokens": "n_tokens", "split": "split"}}
    (directory / "meta.json").write_text(json.dumps(meta))
    return directory


# ---------------------------------------------------------------------------------------------
# (a) CuPy against NumPy
# ---------------------------------------------------------------------------------------------

def _largest_difference(a: dict, b: dict, cp) -> tuple[float, float]:
    """(largest |a - b| over all arrays, largest |a|)."""
    diff = max(float(np.abs(a[k] - cp.asnumpy(b[k])).max()) for k in a)
    return diff, max(float(np.abs(v).max()) for v in a.values())


def check_forward_backward(cp) -> dict:
    from corpuskit.gpt.model import GPT, GPTConfig, init_params
    from corpuskit.gpt.sample import Generator

    variants = [("float32, learned positions, tanh GELU, biases", dict(bias=True), np.float32, 1e-3),
                ("float32, sinusoidal positions, exact GELU, no biases",
                 dict(bias=False, positions="sinusoidal", gelu="exact"), np.float32, 1e-3),
                ("float64, learned positions, tanh GELU, biases", dict(bias=True), np.float64, 1e-9)]
    out, ok = {}, True
    for name, extra, dtype, rtol in variants:
        cfg = GPTConfig(vocab_size=VOCAB, block_size=64, n_layer=4, n_head=4, n_embd=128, **extra)
        params = init_params(cfg, seed=0, dtype=dtype)
        rng = np.random.default_rng(1)
        x, y = rng.integers(0, VOCAB, (12, 64)), rng.integers(0, VOCAB, (12, 64))
        cpu = GPT(cfg, params)
        _, loss_cpu = cpu.forward(x, y)
        grads_cpu = cpu.backward()
        gpu = GPT(cfg, {k: cp.asarray(v) for k, v in params.items()})
        _, loss_gpu = gpu.forward(cp.asarray(x), cp.asarray(y))
        grads_gpu = gpu.backward()
        grad_diff, grad_scale = _largest_difference(grads_cpu, grads_gpu, cp)
        prompt = x[0, :40].tolist()
        logits_cpu = Generator(params, cfg).feed(prompt)
        logits_gpu = cp.asnumpy(Generator({k: cp.asarray(v) for k, v in params.items()}, cfg).feed(prompt))
        row = {"loss_cpu": float(loss_cpu), "loss_gpu": float(loss_gpu),
               "loss_abs_diff": abs(float(loss_cpu) - float(loss_gpu)),
               "grad_max_abs_diff": grad_diff, "grad_max_abs": grad_scale,
               "generate_logits_max_abs_diff": float(np.abs(logits_cpu - logits_gpu).max()),
               "generate_logits_max_abs": float(np.abs(logits_cpu).max()), "rtol": rtol}
        row["pass"] = (row["loss_abs_diff"] <= rtol * abs(row["loss_cpu"]) and grad_diff <= rtol * grad_scale
                       and row["generate_logits_max_abs_diff"] <= rtol * max(row["generate_logits_max_abs"], 1.0))
        ok &= row["pass"]
        out[name] = row
        say(f"  {name}: loss {row['loss_cpu']:.6f} (CPU) vs {row['loss_gpu']:.6f} (GPU), |diff| "
            f"{row['loss_abs_diff']:.2e}; gradients max |diff| {grad_diff:.2e} of max |g| {grad_scale:.2e}; "
            f"generation logits max |diff| {row['generate_logits_max_abs_diff']:.2e} -> "
            + ("PASS" if row["pass"] else "FAIL"))
    return {"variants": out, "pass": ok}


# ---------------------------------------------------------------------------------------------
# (b) Exact resume with dropout on the GPU
# ---------------------------------------------------------------------------------------------

def _compare_runs(a: Path, b: Path) -> dict:
    """Bit-for-bit comparison of two run directories: weights, AdamW moments, and the logged losses."""
    from corpuskit.gpt.train import load_checkpoint

    ha, pa_, ma, va = load_checkpoint(a / "ckpt.npz")
    hb, pb, mb, vb = load_checkpoint(b / "ckpt.npz")
    arrays = [(f"{kind}.{k}", x[k], y[k]) for kind, x, y in (("param", pa_, pb), ("adam_m", ma, mb), ("adam_v", va, vb))
              for k in x]
    differing = [name for name, x, y in arrays if not np.array_equal(x, y)]
    largest = max((float(np.abs(x.astype(np.float64) - y.astype(np.float64)).max()) for _, x, y in arrays),
                  default=0.0)

    def losses(run: Path):
        keys = ("step", "loss", "train_loss", "val_loss")
        return [tuple(h.get(k) for k in keys) for h in map(json.loads, (run / "log.jsonl").read_text().splitlines())]

    la, lb = losses(a), losses(b)
    return {"step": [ha["step"], hb["step"]], "arrays": len(arrays), "arrays_differing": len(differing),
            "first_differing": differing[:5], "largest_abs_diff": largest, "log_lines": [len(la), len(lb)],
            "losses_equal": la == lb, "equal": not differing and la == lb and ha["step"] == hb["step"]}


def _without_dropout_state(ckpt: Path) -> None:
    """Rewrite a checkpoint as corpuskit wrote GPU checkpoints before it saved the dropout generator's state."""
    with np.load(ckpt, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if not k.startswith("rng.")}
    header = json.loads(bytes(arrays["header"]).decode("utf-8"))
    header["rng_dropout"] = None
    arrays["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    with open(ckpt, "wb") as fh:
        np.savez(fh, **arrays)


def _scatter_add_repeatable(cp, fn, repeats: int = 20) -> bool:
    """Whether ``fn`` (a sum of rows per token id) gives the same bits every time on the GPU."""
    rng = np.random.default_rng(2)
    ids = cp.asarray(rng.integers(0, VOCAB, 64 * 256))
    rows = cp.asarray(rng.standard_normal((64 * 256, 384)).astype(np.float32))
    first = cp.asnumpy(fn(ids, rows))
    return all(np.array_equal(first, cp.asnumpy(fn(ids, rows))) for _ in range(repeats))


def check_resume(cp, work: Path, steps: int) -> dict:
    from corpuskit.gpt.model import one_hot_sum
    from corpuskit.gpt.train import TrainConfig, load_checkpoint_arrays, train

    def add_at(ids, rows):
        out = cp.zeros((VOCAB, rows.shape[1]), rows.dtype)
        cp.add.at(out, ids, rows)
        return out

    tokens = synthesize_tokens(work / "tokens", 120_000)
    cfg = TrainConfig(n_layer=2, n_head=2, n_embd=64, block_size=32, batch_size=8, dropout=0.2, max_iters=steps,
                      eval_interval=10, eval_iters=2, log_interval=5, warmup_iters=5, device="gpu")
    messages: list[str] = []
    full = train(tokens, work / "full", cfg, log=messages.append)
    train(tokens, work / "again", cfg, log=lambda m: None)
    train(tokens, work / "cut", cfg, log=lambda m: None, stop_after=steps // 2)
    shutil.copytree(work / "cut", work / "control")
    state = load_checkpoint_arrays(work / "cut" / "ckpt.npz", "rng.")
    train(tokens, work / "cut", cfg, log=lambda m: None)
    _without_dropout_state(work / "control" / "ckpt.npz")
    control_log: list[str] = []
    train(tokens, work / "control", cfg, log=control_log.append)
    out = {
        "steps": steps, "cut_at": steps // 2, "first_val_loss": full.history[0].get("val_loss"),
        "last_val_loss": full.val_loss, "dropout_state_bytes": {k: int(v.nbytes) for k, v in state.items()},
        "uninterrupted_twice": _compare_runs(work / "full", work / "again"),
        "resumed": _compare_runs(work / "full", work / "cut"),
        "control_without_dropout_state": _compare_runs(work / "full", work / "control"),
        "control_note_logged": any("no dropout generator state" in m for m in control_log),
        "embedding_sum_repeatable": _scatter_add_repeatable(cp, lambda i, r: one_hot_sum(i, r, VOCAB)),
        "cupy_add_at_repeatable": _scatter_add_repeatable(cp, add_at),  # for information: atomics
    }
    out["pass"] = (out["uninterrupted_twice"]["equal"] and out["resumed"]["equal"] and bool(state)
                   and not out["control_without_dropout_state"]["equal"] and out["embedding_sum_repeatable"])
    say(f"  val loss {out['first_val_loss']:.4f} -> {out['last_val_loss']:.4f} in {steps} steps (dropout 0.2); "
        f"dropout state in the checkpoint: {out['dropout_state_bytes']} bytes")
    for name in ("uninterrupted_twice", "resumed", "control_without_dropout_state"):
        c = out[name]
        say(f"  {name}: {c['arrays_differing']} of {c['arrays']} arrays differ (largest |diff| "
            f"{c['largest_abs_diff']:.2e}), losses equal: {c['losses_equal']}")
    say(f"  embedding gradient sum repeatable: {out['embedding_sum_repeatable']}; (cupy.add.at repeatable: "
        f"{out['cupy_add_at_repeatable']})")
    say("  resume bit for bit: " + ("PASS" if out["pass"] else "FAIL"))
    return out


# ---------------------------------------------------------------------------------------------
# (c) Speed
# ---------------------------------------------------------------------------------------------

def gpu_matmul_peak(cp, size: int = 8192, runs: int = 5) -> float:
    """The fastest of ``runs`` float32 size² products on the GPU (FLOP/s)."""
    a = cp.random.default_rng(0).standard_normal((size, size), dtype=np.float32)
    b = a.copy()
    a @ b
    cp.cuda.Device().synchronize()
    best = 0.0
    for _ in range(runs):
        t0 = time.perf_counter()
        a @ b
        cp.cuda.Device().synchronize()
        best = max(best, 2.0 * size ** 3 / (time.perf_counter() - t0))
    return best


def training_speed(xp, shape: str, steps: int, warmup: int, peak: float) -> dict:
    """Timed training steps (as corpuskit train runs them) of one of SHAPES on ``xp`` (numpy or cupy)."""
    from corpuskit.gpt.model import GPTConfig, count_params, init_params
    from corpuskit.gpt.optim import AdamW, clip_grads
    from corpuskit.gpt.parallel import DataParallel, parts_for
    from corpuskit.gpt.train import flops_per_token, model_flops_utilization

    spec = SHAPES[shape]
    B, T = spec["batch_size"], spec["block_size"]
    cfg = GPTConfig(vocab_size=VOCAB, block_size=T, n_layer=spec["n_layer"], n_head=spec["n_head"],
                    n_embd=spec["n_embd"], dropout=spec["dropout"], bias=False)
    params = {k: xp.asarray(v) for k, v in init_params(cfg, seed=0, dtype=np.float32).items()}
    opt = AdamW(params, lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
    batches = np.random.default_rng(0)
    drop = np.random.default_rng(1) if xp is np else xp.random.default_rng(1)
    parts = parts_for(0, B, T) if xp is np else 1

    def sync():
        if xp is not np:
            xp.cuda.Device().synchronize()

    with DataParallel(cfg, params, parts) as dp:
        def step():
            x, y = (xp.asarray(batches.integers(0, VOCAB, (B, T))) for _ in range(2))
            _, grads = dp.loss_and_grads(x, y, drop)
            clip_grads(grads, 1.0)
            opt.step(grads, 1e-3)

        for _ in range(warmup):
            step()
        sync()
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        sync()
        seconds = time.perf_counter() - t0
    tps = B * T * steps / seconds
    n = count_params(params, cfg)
    mfu, capped = model_flops_utilization(tps, flops_per_token(cfg, n - int(params["wpe"].size)), peak)
    return {"ms_per_iter": 1000 * seconds / steps, "tokens_per_s": tps, "mfu": mfu, "mfu_capped": capped,
            "parts": parts, "steps": steps, "params": n}


def check_speed(cp) -> dict:
    from corpuskit.gpt.parallel import usable_cores
    from corpuskit.gpt.train import matmul_peak_flops

    peaks = {"gpu": gpu_matmul_peak(cp), "cpu": matmul_peak_flops("float32")}
    say(f"  float32 matmul peak: GPU {peaks['gpu'] / 1e9:,.0f} GFLOP/s, CPU ({usable_cores()} cores) "
        f"{peaks['cpu'] / 1e9:,.0f} GFLOP/s")
    out = {"peak_gflops": {k: v / 1e9 for k, v in peaks.items()}}
    plan = {("baby", "gpu"): (50, 5), ("baby", "cpu"): (20, 3), ("gpu", "gpu"): (20, 3), ("gpu", "cpu"): (2, 1)}
    for (shape, device), (steps, warmup) in plan.items():
        row = training_speed(cp if device == "gpu" else np, shape, steps, warmup, peaks[device])
        out[f"{shape} on {device}"] = row
        say(f"  {shape} shapes on the {device.upper()}: {row['ms_per_iter']:.1f} ms/iter, "
            f"{row['tokens_per_s']:,.0f} tokens/s, MFU {100 * row['mfu']:.1f}%"
            + (" (capped)" if row["mfu_capped"] else "") + f" ({row['parts']} part(s))")
    for shape in SHAPES:
        ratio = out[f"{shape} on gpu"]["tokens_per_s"] / out[f"{shape} on cpu"]["tokens_per_s"]
        out[f"{shape}: GPU / CPU tokens/s"] = ratio
        say(f"  {shape}: the GPU is {ratio:.1f}x the CPU")
    out["pass"] = True  # figures, not a check: it passes when it runs
    return out


# ---------------------------------------------------------------------------------------------

def environment(cp) -> dict:
    props = cp.cuda.runtime.getDeviceProperties(cp.cuda.Device().id)
    name = props["name"]
    bits = cp.random.default_rng(0).bit_generator
    return {"gpu": name.decode() if isinstance(name, bytes) else str(name), "cupy": cp.__version__,
            "cupy_dropout_bit_generator": f"{type(bits).__name__} ({', '.join(sorted(vars(bits)))})",
            "cuda_runtime": cp.cuda.runtime.runtimeGetVersion(), "numpy": np.__version__,
            "python": platform.python_version(), "cpu": platform.processor() or platform.machine()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("output", type=Path, help="JSON file for the results")
    ap.add_argument("--steps", type=int, default=40, help="training steps of the resume check (cut at half)")
    args = ap.parse_args()
    allow_missing_crawl_dependencies()
    results: dict = {"checks": {}, "failed": []}

    def write() -> None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=1, default=str) + "\n")

    try:
        import cupy as cp

        results["environment"] = environment(cp)
    except Exception as exc:  # no CuPy, no GPU, no driver
        results["failed"].append(f"no GPU through CuPy: {exc!r}")
        write()
        say(f"FAIL: no GPU through CuPy: {exc!r}")
        return 2
    say(f"environment: {results['environment']}")
    work = Path(tempfile.mkdtemp(prefix="corpuskit-gpu-check-"))
    checks = [("a: forward and backward, CuPy vs NumPy", lambda: check_forward_backward(cp)),
              ("b: resume bit for bit with dropout on the GPU", lambda: check_resume(cp, work, args.steps)),
              ("c: training speed, GPU vs CPU", lambda: check_speed(cp))]
    try:
        for name, run in checks:
            say(name)
            t0 = time.perf_counter()
            try:
                out = run()
            except Exception:
                out = {"pass": False, "error": traceback.format_exc()}
                say(out["error"])
            out["seconds"] = time.perf_counter() - t0
            results["checks"][name] = out
            if not out["pass"]:
                results["failed"].append(name)
            write()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["pass"] = not results["failed"]
    write()
    say(("PASS" if results["pass"] else "FAIL: " + "; ".join(results["failed"])) + f" (results in {args.output})")
    return 0 if results["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
