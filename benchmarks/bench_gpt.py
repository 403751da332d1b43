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
training steps (forward, backward, clipping, AdamW). Printed: ms per iteration, tokens/s, MFU (nanoGPT's FLOPs
estimate 6N + 12·L·H·Q·T per token against this machine's float32 matmul peak, measured here with 1024² BLAS
matmuls on all cores), the time per layer function (forward and backward, summed over the layers; "other" is
the rest of the step: the tied output projection, residual additions, gradient clipping, AdamW), and the peak RSS.
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


def _run(name: str, iters: int, queue) -> None:
    import numpy as np

    import corpuskit.gpt.model as M
    from corpuskit.gpt.model import GPT, GPTConfig, count_params, init_params
    from corpuskit.gpt.optim import AdamW, clip_grads
    from corpuskit.gpt.train import flops_per_token, matmul_peak_flops

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

    for kind in TIMED:
        for direction in ("forward", "backward"):
            fname = f"{kind}_{direction}"
            setattr(M, fname, timed(kind, getattr(M, fname)))
    params = init_params(cfg, seed=0)
    model = GPT(cfg, params)
    opt = AdamW(params, lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
    rng = np.random.default_rng(0)
    drop_rng = np.random.default_rng(1)

    def step():
        x = rng.integers(0, 68, (B, T))
        y = rng.integers(0, 68, (B, T))
        model.forward(x, y, train=True, rng=drop_rng)
        grads = model.backward()
        clip_grads(grads, 1.0)
        opt.step(grads, 1e-3)

    for _ in range(3):
        step()
    for k in timings:
        timings[k] = 0.0
    t0 = time.perf_counter()
    for _ in range(iters):
        step()
    total = time.perf_counter() - t0
    n = count_params(params, cfg)
    fpt = flops_per_token(cfg, n - int(params["wpe"].size))
    peak = matmul_peak_flops("float32")
    tps = B * T * iters / total
    queue.put({"config": name, "params": n, "ms_per_iter": 1000 * total / iters, "tokens_per_s": tps,
               "mfu": fpt * tps / peak, "peak_gflops": peak / 1e9,
               "layers_ms": {k: 1000 * v / iters for k, v in timings.items()},
               "other_ms": 1000 * (total - sum(timings.values())) / iters,
               "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def _run_torch(name: str, iters: int, queue) -> None:
    """The same model and step in PyTorch eager mode (nanoGPT's code path: scaled_dot_product_attention with
    is_causal, fused LayerNorm, AdamW), for a comparison on the same machine."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    spec = CONFIGS[name]
    C, H, L, T, B, p = (spec["n_embd"], spec["n_head"], spec["n_layer"], spec["block_size"], spec["batch_size"],
                        spec["dropout"])
    torch.manual_seed(0)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(C, bias=False), nn.LayerNorm(C, bias=False)
            self.c_attn, self.c_proj = nn.Linear(C, 3 * C, bias=False), nn.Linear(C, C, bias=False)
            self.c_fc, self.mlp_proj = nn.Linear(C, 4 * C, bias=False), nn.Linear(4 * C, C, bias=False)
            self.drop = nn.Dropout(p)

        def forward(self, x):
            q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
            q, k, v = (t.view(B, T, H, C // H).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=p if self.training else 0.0, is_causal=True)
            x = x + self.drop(self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C)))
            return x + self.drop(self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh")))

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte, self.wpe = nn.Embedding(68, C), nn.Embedding(T, C)
            self.blocks = nn.ModuleList(Block() for _ in range(L))
            self.ln_f, self.drop = nn.LayerNorm(C, bias=False), nn.Dropout(p)

        def forward(self, idx, targets):
            x = self.drop(self.wte(idx) + self.wpe(torch.arange(T)))
            for blk in self.blocks:
                x = blk(x)
            logits = self.ln_f(x) @ self.wte.weight.T
            return F.cross_entropy(logits.view(-1, 68), targets.view(-1))

    model = Model()
    model.train()
    decay = [q for q in model.parameters() if q.dim() >= 2]
    other = [q for q in model.parameters() if q.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.99))

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


def _in_process(target, name, iters):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=target, args=(name, iters, q))
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
    args = ap.parse_args()
    import importlib.util

    have_torch = not args.no_torch and importlib.util.find_spec("torch") is not None
    if not args.no_torch and not have_torch:
        print("PyTorch is not installed: no comparison (pip install torch, CPU build, to get one)\n")
    for name in args.configs:
        iters = args.iters or (50 if name == "baby" else 5)
        r = _in_process(_run, name, iters)
        spec = CONFIGS[name]
        print(f"== {name}: {spec['n_layer']} layers, {spec['n_head']} heads, {spec['n_embd']} channels, block "
              f"{spec['block_size']}, batch {spec['batch_size']}, dropout {spec['dropout']}; "
              f"{r['params'] / 1e6:.2f} M parameters")
        print(f"{r['ms_per_iter']:.1f} ms/iter, {r['tokens_per_s']:,.0f} tokens/s, MFU {100 * r['mfu']:.1f}% of "
              f"{r['peak_gflops']:.0f} GFLOP/s (measured float32 matmul peak), peak RSS {r['peak_rss_mib']:.0f} MiB")
        parts = sorted(r["layers_ms"].items(), key=lambda kv: -kv[1]) + [("other", r["other_ms"])]
        print("per iteration: " + ", ".join(f"{k} {v:.1f} ms ({100 * v / r['ms_per_iter']:.0f}%)" for k, v in parts))
        if have_torch:
            t = _in_process(_run_torch, name, iters)
            print(f"PyTorch {t['version']} eager, {t['threads']} threads, same model and step: {t['ms_per_iter']:.1f} "
                  f"ms/iter, {t['tokens_per_s']:,.0f} tokens/s, peak RSS {t['peak_rss_mib']:.0f} MiB -> NumPy is "
                  f"{t['ms_per_iter'] / r['ms_per_iter']:.2f}x PyTorch's speed")
            r["torch"] = t
        if args.json:
            print(json.dumps(r))
        print()


if __name__ == "__main__":
    main()
