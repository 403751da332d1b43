"""Loss parity of corpuskit's NumPy GPT with nanoGPT's shakespeare_char CPU run, over many seeds (docs/gpt.md,
"Loss parity").

    pip install torch==2.13.0     # the CPU build, for the nanogpt and lockstep sides; not a corpuskit dependency
    python benchmarks/bench_gpt_parity.py run --side numpy --seeds 1 2 3 4 5 6 7 8 9 10 11 12 --out parity.jsonl
    python benchmarks/bench_gpt_parity.py run --side nanogpt --seeds 1 2 3 ... --out parity.jsonl
    python benchmarks/bench_gpt_parity.py run --side lockstep --seeds 1 2 3 --out parity.jsonl
    python benchmarks/bench_gpt_parity.py summary parity.jsonl

The run: nanoGPT's README CPU command for shakespeare_char (characters of tiny-shakespeare, first 90 % train / last
10 % val, 4 layers, 4 heads, 128 channels, block 64, batch 12, no bias, no dropout, AdamW (0.9, 0.99), weight decay
0.1 on 2-D parameters, lr 1e-3, 100 warm-up steps, cosine decay to 1e-4 at 2,000, clip 1.0, 2,000 iterations).

Sides:

- ``numpy``: ``corpuskit train`` with its defaults (which are that command) and ``val_from: tail``, on
  ``corpuskit tokenize --kind char`` shards. Its own evaluation (``val_own``) is 20 fixed batches.
- ``nanogpt``: nanoGPT's model and train.py loop in PyTorch, with nanoGPT's random stream: ``torch.manual_seed(seed)``,
  the model built (its module order), the first train batch drawn before the loop, ``estimate_loss``'s 20 random
  batches per split at each evaluation, the next batch drawn after each forward. ``val_20`` is the number nanoGPT
  prints at step 2,000, so ``--seeds 1337`` is nanoGPT's own run.
- ``lockstep``: the PyTorch model started from corpuskit's initial weights for the seed and trained on corpuskit's
  batches (its token ids, vocabulary 68, its tanh GELU): the same run as ``numpy`` in another implementation, so
  what differs between the two is floating-point arithmetic, not randomness.

Every side's final model is also scored by one rule, ``full_val``: the mean cross-entropy over all 1,742 disjoint
64-character windows of the same val text (each val character a target once), so the evaluation adds no noise.
Results are appended to ``--out`` per seed; a (side, seed) already there is skipped, so an interrupted run resumes.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tiny-shakespeare" / "input.txt"
C, H, L, T, B, ITERS, EVAL_EVERY, EVAL_ITERS = 128, 4, 4, 64, 12, 2000, 250, 20


def lr_at(it: int) -> float:
    """nanoGPT's get_lr for this command."""
    if it < 100:
        return 1e-3 * (it + 1) / 101
    ratio = (it - 100) / (ITERS - 100)
    return 1e-4 + 0.5 * (1.0 + math.cos(math.pi * min(ratio, 1.0))) * (1e-3 - 1e-4)


def nanogpt_ids(text: str) -> tuple[np.ndarray, int]:
    """nanoGPT's prepare.py: characters sorted, ids in that order. -> (ids, vocabulary size)."""
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    return np.array([stoi[c] for c in text], dtype=np.int64), len(chars)


def full_val_windows(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All disjoint windows of the val part (the last 10 % of the characters, nanoGPT's split)."""
    val = ids[int(0.9 * len(ids)):]
    n = (len(val) - 1) // T
    x = val[:n * T].reshape(n, T)
    y = val[1:n * T + 1].reshape(n, T)
    return x, y


# ---------------------------------------------------------------------------------------------
# PyTorch sides
# ---------------------------------------------------------------------------------------------

def torch_full_val(model, x: np.ndarray, y: np.ndarray) -> float:
    import torch

    model.eval()
    total = 0.0
    with torch.no_grad():
        for i in range(0, len(x), 64):
            xb, yb = torch.from_numpy(x[i:i + 64]), torch.from_numpy(y[i:i + 64])
            total += float(model(xb, yb)) * len(xb)
    model.train()
    return total / len(x)


def run_torch(seed: int, side: str) -> dict:
    import torch
    from _nanogpt_torch import adamw, load_corpuskit_params, nanogpt

    text = DATA.read_text(encoding="utf-8")
    if side == "nanogpt":
        ids, vocab = nanogpt_ids(text)
        n = int(0.9 * len(ids))
        data = {"train": torch.from_numpy(ids[:n]), "val": torch.from_numpy(ids[n:])}
        torch.manual_seed(seed)
        model = nanogpt(vocab, C, H, L, T, gelu="none")

        def batch(split):
            d = data[split]
            ix = torch.randint(len(d) - T, (B,))
            return torch.stack([d[i:i + T] for i in ix]), torch.stack([d[i + 1:i + 1 + T] for i in ix])
    else:  # lockstep: corpuskit's weights, token ids and batches
        from corpuskit.gpt.model import GPTConfig, init_params
        from corpuskit.gpt.train import get_batch

        ids, train_ids, vocab = corpuskit_ids(text)
        torch.manual_seed(seed)
        model = nanogpt(vocab, C, H, L, T, gelu="tanh")
        load_corpuskit_params(model, init_params(GPTConfig(vocab_size=vocab, block_size=T, n_layer=L, n_head=H,
                                                           n_embd=C), seed, np.float32))
        rng = np.random.default_rng([seed, 1])

        def batch(split):
            x, y = get_batch(train_ids, B, T, rng)
            return torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(np.ascontiguousarray(y))

    opt = adamw(model)
    curve = []

    def estimate() -> tuple[float, float]:
        model.eval()
        with torch.no_grad():
            out = [float(np.mean([float(model(*batch(s))) for _ in range(EVAL_ITERS)])) for s in ("train", "val")]
        model.train()
        return out[0], out[1]

    X, Y = batch("train")
    for it in range(ITERS + 1):
        if it % EVAL_EVERY == 0 and side == "nanogpt":
            curve.append((it, *estimate()))
        if it == ITERS:
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(it)
        loss = model(X, Y)
        X, Y = batch("train")
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
    out = {"full_val": torch_full_val(model, *full_val_windows(ids))}
    if side == "nanogpt":
        out.update(val_20=curve[-1][2], train_20=curve[-1][1], curve=curve)
    return out


# ---------------------------------------------------------------------------------------------
# corpuskit
# ---------------------------------------------------------------------------------------------

_TOKENS = Path(tempfile.gettempdir()) / "corpuskit-parity-tokens"


def corpuskit_tokens() -> Path:
    """``corpuskit tokenize --kind char`` of the text (made once, kept in the temporary directory)."""
    if not (_TOKENS / "meta.json").exists():
        subprocess.run([sys.executable, "-c", "from corpuskit.cli import main; main()", "tokenize", str(DATA), "-o", str(_TOKENS), "--kind",
                        "char", "--force", "--quiet"], check=True)
    return _TOKENS


def corpuskit_ids(text: str) -> tuple[np.ndarray, np.ndarray, int]:
    """(every character in corpuskit's ids, the train split ``corpuskit train`` uses with ``val_from: tail``,
    vocabulary size)."""
    from corpuskit.gpt.train import TrainConfig, load_token_data

    cfg = TrainConfig(val_from="tail")
    with tempfile.TemporaryDirectory() as cache:
        data = load_token_data(corpuskit_tokens(), cache, cfg)
        train, val = np.array(data.train, dtype=np.int64), np.array(data.val, dtype=np.int64)
        vocab = data.vocab_size
    stream = np.concatenate([train, val])[:-1]  # the document's closing end-of-text off
    if len(stream) != len(text):
        raise SystemExit(f"corpuskit's stream has {len(stream)} tokens for {len(text)} characters")
    return stream, train, vocab


def run_numpy(seed: int) -> dict:
    from corpuskit.gpt.model import GPT
    from corpuskit.gpt.sample import load_run
    from corpuskit.gpt.train import TrainConfig, train

    text = DATA.read_text(encoding="utf-8")
    ids, _, _ = corpuskit_ids(text)
    with tempfile.TemporaryDirectory() as run_dir:
        result = train(corpuskit_tokens(), run_dir, TrainConfig(val_from="tail", seed=seed, max_iters=ITERS), log=lambda _m: None)
        config, params, _, _ = load_run(run_dir)
    model = GPT(config, params)
    x, y = full_val_windows(ids)
    total = 0.0
    for i in range(0, len(x), 64):
        _, loss = model.forward(x[i:i + 64], y[i:i + 64])
        total += float(loss) * len(x[i:i + 64])
    return {"full_val": total / len(x), "val_own": result.val_loss, "train_own": result.train_loss}


# ---------------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------------

def read_results(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def describe(values: list[float]) -> str:
    a = np.array(values)
    sd = a.std(ddof=1) if len(a) > 1 else float("nan")
    return f"n {len(a):2d}  mean {a.mean():.4f}  sd {sd:.4f}  se {sd / math.sqrt(len(a)):.4f}"


def welch(a: list[float], b: list[float]) -> str:
    a, b = np.array(a), np.array(b)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    diff, se = a.mean() - b.mean(), math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    try:
        from scipy import stats

        p = 2 * stats.t.sf(abs(diff / se), df)
        q = stats.t.ppf(0.975, df)
        return (f"difference {diff:+.4f} (95 % CI {diff - q * se:+.4f} .. {diff + q * se:+.4f}), "
                f"Welch t {diff / se:+.2f}, df {df:.1f}, p {p:.3f}")
    except ImportError:
        return f"difference {diff:+.4f} ± {se:.4f} (se), Welch t {diff / se:+.2f}, df {df:.1f}"


def summary(path: Path) -> None:
    rows = read_results(path)
    sides = {}
    for r in rows:
        sides.setdefault(r["side"], {})[r["seed"]] = r
    for side, by_seed in sides.items():
        print(f"{side}: seeds {sorted(by_seed)}")
        for key in ("full_val", "val_20", "val_own"):
            vals = [r[key] for r in by_seed.values() if r.get(key) is not None]
            if vals:
                print(f"  {key:8s} {describe(vals)}")
    if "numpy" in sides and "nanogpt" in sides:
        a = [r["full_val"] for r in sides["numpy"].values()]
        b = [r["full_val"] for r in sides["nanogpt"].values()]
        print(f"numpy - nanogpt, full_val: {welch(a, b)}")
    if "numpy" in sides and "lockstep" in sides:
        both = sorted(set(sides["numpy"]) & set(sides["lockstep"]))
        d = [sides["numpy"][s]["full_val"] - sides["lockstep"][s]["full_val"] for s in both]
        if d:
            print(f"numpy - lockstep, same seeds {both}: " + ", ".join(f"{v:+.4f}" for v in d)
                  + f"; mean {np.mean(d):+.4f}, largest |d| {np.max(np.abs(d)):.4f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--side", choices=["numpy", "nanogpt", "lockstep"], required=True)
    r.add_argument("--seeds", type=int, nargs="+", required=True)
    r.add_argument("--out", type=Path, default=Path("parity.jsonl"))
    s = sub.add_parser("summary")
    s.add_argument("results", type=Path)
    args = ap.parse_args()
    if args.command == "summary":
        summary(args.results)
        return
    done = {(row["side"], row["seed"]) for row in read_results(args.out)}
    for seed in args.seeds:
        if (args.side, seed) in done:
            continue
        t0 = time.perf_counter()
        row = run_numpy(seed) if args.side == "numpy" else run_torch(seed, args.side)
        row = {"side": args.side, "seed": seed, **row, "seconds": round(time.perf_counter() - t0, 1)}
        with open(args.out, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
        shown = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items() if k != "curve"}
        print(json.dumps(shown), flush=True)


if __name__ == "__main__":
    main()
