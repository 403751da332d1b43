"""nanoGPT's shakespeare_char CPU run in PyTorch, on this machine, for several seeds: the reference that
corpuskit's NumPy GPT is compared with (docs/gpt.md).

    pip install torch==2.13.0          # the CPU build; PyTorch is not a corpuskit dependency
    python benchmarks/bench_gpt_parity.py --seeds 1337 1 2

A faithful copy of nanoGPT's model and training loop for this config (its README's CPU command): characters of
tiny-shakespeare (65), first 90 % train / last 10 % val, 4 layers, 4 heads, 128 channels, block 64, batch 12, no bias,
no dropout, exact GELU, scaled_dot_product_attention(is_causal), tied output, GPT-2 init (0.02, c_proj / sqrt(2L)),
AdamW (0.9, 0.99), weight decay 0.1 on 2-D parameters, lr 1e-3 with 100 warm-up steps and cosine decay to 1e-4 at
2,000, clip 1.0, 2,000 iterations, evaluation every 250 steps on 20 random batches per split. Prints the val loss at
each evaluation and the final one per seed, to set beside ``corpuskit train`` with the same settings.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tiny-shakespeare" / "input.txt"


def run(seed: int, iters: int = 2000) -> list[tuple[int, float, float]]:
    import torch
    from _nanogpt_torch import adamw, nanogpt

    C, H, L, T, B = 128, 4, 4, 64, 12
    text = DATA.read_text(encoding="utf-8")
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    ids = np.array([stoi[c] for c in text], dtype=np.int64)
    n = int(0.9 * len(ids))
    data = {"train": torch.from_numpy(ids[:n]), "val": torch.from_numpy(ids[n:])}
    torch.manual_seed(seed)
    model = nanogpt(len(chars), C, H, L, T)
    opt = adamw(model)

    def batch(split):
        d = data[split]
        ix = torch.randint(len(d) - T, (B,))
        return torch.stack([d[i:i + T] for i in ix]), torch.stack([d[i + 1:i + 1 + T] for i in ix])

    def lr_at(it):
        if it < 100:
            return 1e-3 * (it + 1) / 101
        ratio = (it - 100) / (2000 - 100)
        return 1e-4 + 0.5 * (1.0 + math.cos(math.pi * min(ratio, 1.0))) * (1e-3 - 1e-4)

    curve = []
    for it in range(iters + 1):
        if it % 250 == 0 or it == iters:
            model.eval()
            with torch.no_grad():
                losses = {s: float(np.mean([float(model(*batch(s))) for _ in range(20)])) for s in ("train", "val")}
            model.train()
            curve.append((it, losses["train"], losses["val"]))
        if it == iters:
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(it)
        loss = model(*batch("train"))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
    return curve


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1337, 1, 2])
    ap.add_argument("--iters", type=int, default=2000)
    args = ap.parse_args()
    finals = []
    for seed in args.seeds:
        t0 = time.perf_counter()
        curve = run(seed, args.iters)
        finals.append(curve[-1][2])
        print(f"seed {seed}: " + ", ".join(f"{it}: {v:.4f}" for it, _, v in curve)
              + f"  (train {curve[-1][1]:.4f}; {time.perf_counter() - t0:.0f} s)", flush=True)
    print(f"final val loss over {len(finals)} seeds: mean {np.mean(finals):.4f}, min {min(finals):.4f}, "
          f"max {max(finals):.4f}")


if __name__ == "__main__":
    main()
