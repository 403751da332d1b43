"""Speed and memory of the NumPy GPT's training step, with a per-layer breakdown and MFU.

    python benchmarks/bench_gpt.py                    # nanoGPT's shakespeare_char CPU ("baby") and GPU shapes
    python benchmarks/bench_gpt.py --iters 20 --configs baby

Configs (nanoGPT's config/train_shakespeare_char.py):
  baby: 4 layers, 4 heads, 128 channels, block 64, batch 12, no bias, no dropout (nanoGPT's README CPU command)
  gpu:  6 layers, 6 heads, 384 channels, block 256, batch 64, no bias, dropout 0.2 (the GPU config's shapes)
Vocabulary 68 (tiny-shakespeare's 65 characters + corpuskit's 3 special tokens), float32, random tokens.

When PyTorch is installed, the same model and training step in PyTorch eager mode (nanoGPT's code path:
``scaled_dot_product_attention`` with ``is_causal``, tied output, AdamW, clipping) runs next, also in its own process,
for a comparison in the same run (``--no-torch`` skips it).

Each config runs in a fresh process (so its peak RSS is its own): a few warm-up steps, then ``--iters`` timed
training steps (forward, backward, clipping, AdamW) with the batch split into parts on threads as ``corpuskit
train`` does (``--threads``, default: auto). Printed: ms per iteration, tokens/s, MFU (nanoGPT's FLOPs estimate
6N + 12·L·H·Q·T per token against this machine's float32 matmul peak as ``corpuskit train`` measures it — the
fastest of many short BLAS matmuls on all cores, remembered per machine — or ``--peak-gflops``; capped at 100 %),
and the peak RSS; then, in the same process with the batch in one part, the time per layer function
(forward and backward, summed over the layers; "other" is the rest of the step: the tied output projection,
residual additions, gradient clipping, AdamW) — where the time goes. NumPy and PyTorch processes alternate for
``--rounds`` rounds; medians and the ratio of medians are printed (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CONFIGS = {
    "baby": dict(n_layer=4, n_head=4, n_embd=128, block_size=64, batch_size=12, dropout=0.0),
    "gpu": dict(n_layer=6, n_head=6, n_embd=384, block_size=256, batch_size=64, dropout=0.2),
}
TIMED = ["embedding", "layernorm", "matmul", "attention", "gelu", "dropout", "crossentropy"]


def _run(name: str, iters: int, queue, threads: int = 0, peak_gflops: float | None = None) -> None:
    import numpy as np

    import corpuskit.gpt.model as M
    from corpuskit.gpt.model import GPTConfig, count_params, init_params
    from corpuskit.gpt.optim import AdamW, clip_grads
    from corpuskit.gpt.parallel import DataParallel, parts_for
    from corpuskit.gpt.train import flops_per_token, matmul_peak_flops, model_flops_utilization

    spec = CONFIGS[name]
    cfg = GPTConfig(vocab_size=68, block_size=spec["block_size"], n_layer=spec["n_layer"], n_head=spec["n_head"],
                    n_embd=spec["n_embd"], dropout=spec["dropout"], bias=False)
    B, T = spec["batch_size"], spec["block_size"]
    timings = {k: 0.0 for k in TIMED}

    def timed(kind, fn):
        def wrapper(*a, **k):
            t0 = time.perf_counter()
            out = fn(*a, **k)
            timings[kind] += time.perf_counter() - t0
            return out
        return wrapper

    peak = peak_gflops * 1e9 if peak_gflops else matmul_peak_flops("float32")
    params = init_params(cfg, seed=0)
    opt = AdamW(params, lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
    rng = np.random.default_rng(0)
    drop_rng = np.random.default_rng(1)

    def steps(dp, n):
        for _ in range(n):
            x = rng.integers(0, 68, (B, T))
            y = rng.integers(0, 68, (B, T))
            _, grads = dp.loss_and_grads(x, y, drop_rng)
            clip_grads(grads, 1.0)
            opt.step(grads, 1e-3)

    parts = parts_for(threads, B, T)
    with DataParallel(cfg, params, parts) as dp:
        steps(dp, 3)
        t0 = time.perf_counter()
        steps(dp, iters)
        total = time.perf_counter() - t0
        blas_threads = dp.blas_threads
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # where the time goes: the same step in one part, each layer function timed
    for kind in TIMED:
        for direction in ("forward", "backward"):
            fname = f"{kind}_{direction}"
            setattr(M, fname, timed(kind, getattr(M, fname)))
    with DataParallel(cfg, params, 1) as dp:
        steps(dp, 3)
        for k in timings:
            timings[k] = 0.0
        t1 = time.perf_counter()
        steps(dp, iters)
        one_part = time.perf_counter() - t1
    n = count_params(params, cfg)
    fpt = flops_per_token(cfg, n - int(params["wpe"].size))
    tps = B * T * iters / total
    mfu, capped = model_flops_utilization(tps, fpt, peak)
    queue.put({"config": name, "params": n, "parts": parts, "blas_threads": blas_threads,
               "ms_per_iter": 1000 * total / iters, "tokens_per_s": tps,
               "mfu": mfu, "mfu_capped": capped, "peak_gflops": peak / 1e9,
               "one_part_ms_per_iter": 1000 * one_part / iters,
               "layers_ms": {k: 1000 * v / iters for k, v in timings.items()},
               "other_ms": 1000 * (one_part - sum(timings.values())) / iters, "peak_rss_mib": rss})


def _run_torch(name: str, iters: int, queue) -> None:
    """The same model and step in PyTorch eager mode (nanoGPT's code path: scaled_dot_product_attention with
    is_causal, fused LayerNorm, AdamW), for a comparison on the same machine."""
    import torch
    from _nanogpt_torch import adamw, nanogpt

    spec = CONFIGS[name]
    T, B = spec["block_size"], spec["batch_size"]
    torch.manual_seed(0)
    model = nanogpt(68, spec["n_embd"], spec["n_head"], spec["n_layer"], T, spec["dropout"], gelu="tanh")
    model.train()
    opt = adamw(model)

    def step():
        x = torch.randint(0, 68, (B, T))
        y = torch.randint(0, 68, (B, T))
        loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)

    for _ in range(3):
        step()
    t0 = time.perf_counter()
    for _ in range(iters):
        step()
    total = time.perf_counter() - t0
    queue.put({"ms_per_iter": 1000 * total / iters, "tokens_per_s": B * T * iters / total,
               "threads": torch.get_num_threads(), "version": torch.__version__,
               "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def _in_process(target, name, iters, *extra):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=target, args=(name, iters, q, *extra))
    proc.start()
    out = q.get()
    proc.join()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    ap.add_argument("--iters", type=int, default=None, help="timed steps (default 50 baby, 5 gpu)")
    ap.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    ap.add_argument("--no-torch", action="store_true", help="skip the PyTorch eager comparison")
    ap.add_argument("--threads", type=int, default=0, help="parts of each batch on threads (0: auto, as train)")
    ap.add_argument("--peak-gflops", type=float, default=None,
                    help="matmul peak for MFU (default: measured, as corpuskit train does)")
    ap.add_argument("--rounds", type=int, default=None, help="alternating NumPy/PyTorch rounds (default 3 baby, 1 gpu)")
    args = ap.parse_args()
    import importlib.util

    have_torch = not args.no_torch and importlib.util.find_spec("torch") is not None
    if not args.no_torch and not have_torch:
        print("PyTorch is not installed: no comparison (pip install torch, CPU build, to get one)\n")
    for name in args.configs:
        iters = args.iters or (50 if name == "baby" else 5)
        rounds = args.rounds or (3 if name == "baby" else 1)
        runs, torch_runs = [], []
        for _ in range(rounds):
            runs.append(_in_process(_run, name, iters, args.threads, args.peak_gflops))
            if have_torch:
                torch_runs.append(_in_process(_run_torch, name, iters))
        r = sorted(runs, key=lambda x: x["ms_per_iter"])[len(runs) // 2]  # the median round
        spec = CONFIGS[name]
        print(f"== {name}: {spec['n_layer']} layers, {spec['n_head']} heads, {spec['n_embd']} channels, block "
              f"{spec['block_size']}, batch {spec['batch_size']}, dropout {spec['dropout']}; "
              f"{r['params'] / 1e6:.2f} M parameters; batch in {r['parts']} part(s) on threads, "
              f"{r['blas_threads']} BLAS thread(s) each; {iters} steps x {rounds} round(s)")
        print(f"{r['ms_per_iter']:.1f} ms/iter (median; rounds: "
              + ", ".join(f"{x['ms_per_iter']:.1f}" for x in runs) + f"), {r['tokens_per_s']:,.0f} tokens/s, "
              f"MFU {100 * r['mfu']:.1f}%{' (capped)' if r['mfu_capped'] else ''} of {r['peak_gflops']:.0f} GFLOP/s "
              f"({'--peak-gflops' if args.peak_gflops else 'measured float32 matmul peak'}), "
              f"peak RSS {r['peak_rss_mib']:.0f} MiB")
        layers = sorted(r["layers_ms"].items(), key=lambda kv: -kv[1]) + [("other", r["other_ms"])]
        print(f"where the time goes (batch in one part, {r['one_part_ms_per_iter']:.1f} ms/iter): "
              + ", ".join(f"{k} {v:.1f} ms ({100 * v / r['one_part_ms_per_iter']:.0f}%)" for k, v in layers))
        if torch_runs:
            t = sorted(torch_runs, key=lambda x: x["ms_per_iter"])[len(torch_runs) // 2]
            ratios = [b["ms_per_iter"] / a["ms_per_iter"] for a, b in zip(runs, torch_runs)]
            print(f"PyTorch {t['version']} eager, {t['threads']} threads, same model and step: {t['ms_per_iter']:.1f} "
                  "ms/iter (median; rounds: " + ", ".join(f"{x['ms_per_iter']:.1f}" for x in torch_runs)
                  + f"), {t['tokens_per_s']:,.0f} tokens/s, peak RSS {t['peak_rss_mib']:.0f} MiB -> NumPy is "
                  f"{t['ms_per_iter'] / r['ms_per_iter']:.2f}x PyTorch's speed (ratio of medians; per round: "
                  + ", ".join(f"{x:.2f}" for x in ratios) + ")")
            r["torch"] = t
        if args.json:
            print(json.dumps(r))
        print()

if __name__ == "__main__":
    main()
