"""The perplexity stage: its speed on 2 cores, and how well a small reference GPT separates good text from junk.

    python benchmarks/bench_perplexity.py                    # ~5 minutes on 2 cores
    python benchmarks/bench_perplexity.py --max-iters 1500   # a better reference model, slower

1. **A reference model**: WikiText-2's articles (``quality-pos-wikitext2/valid.txt``, detokenised) are split by
   whole articles, 80 % to train and 20 % held out. The training part, with the two Project Gutenberg books and
   the US speeches, is tokenized (byte-level BPE, 4,096 tokens) and the quickstart's model (4 layers, 128 wide,
   block 128) is trained on it (``--max-iters``, default 600).
2. **Separation** (ROC-AUC of bits per byte, lower = good): held-out WikiText paragraphs of 200+ characters
   against (a) the same paragraphs with their words shuffled (word salad: the same words, no language — what a
   perplexity filter is for), (b) tweets from Davidson et al. (noisy social text, not junk as such: a perplexity
   filter trained on Wikipedia rejects it too, which is its known bias), (c) keyword-stuffed spam made from the
   held-out paragraphs' own words (a few words repeated with separators).
3. **Speed**: the ``perplexity`` stage through the runner on the held-out paragraphs repeated to ``--docs``
   documents, with 1 and 2 workers, ``max_tokens`` 512: documents/s and scored tokens/s.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _texts import gutenberg_chapters, paragraphs, read_speech, wikitext_articles  # noqa: E402

DATA = HERE.parent.parent / "shared" / "data"


def roc_auc(good: list[float], bad: list[float]) -> float:
    """P(a random bad document scores higher than a random good one), ties counted half (Mann-Whitney U)."""
    scores = np.array(good + bad)
    labels = np.r_[np.zeros(len(good)), np.ones(len(bad))]
    order = scores.argsort(kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):  # average ranks of ties
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    r_bad = ranks[labels == 1].sum()
    return float((r_bad - len(bad) * (len(bad) + 1) / 2) / (len(good) * len(bad)))


def reference_texts(seed: int = 0) -> tuple[list[str], list[str]]:
    """(training documents, held-out WikiText paragraphs of 200+ characters)."""
    articles = wikitext_articles(DATA / "quality-pos-wikitext2" / "valid.txt")
    rng = random.Random(seed)
    order = list(range(len(articles)))
    rng.shuffle(order)
    cut = int(len(order) * 0.8)
    train = ["\n".join(articles[i]) for i in order[:cut]]
    held = [p for i in order[cut:] for p in articles[i][1:] if len(p) >= 200]
    for _, lines in gutenberg_chapters(DATA / "quality-pos-gutenberg"):
        train.append("\n\n".join(paragraphs(lines)))
    speeches = DATA / "quality-pos-us-speeches-nltk"
    for path in sorted(speeches.rglob("*.txt")):
        train.append(read_speech(path))
    return train, held


def junk_sets(held: list[str], seed: int = 0) -> dict[str, list[str]]:
    rng = random.Random(seed)
    salad = []
    for p in held:
        words = p.split()
        rng.shuffle(words)
        salad.append(" ".join(words))
    tweets = []
    with open(DATA / "toxic-davidson-hate-offensive" / "train.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if len(row["tweet"]) >= 60:
                tweets.append(row["tweet"])
    rng.shuffle(tweets)
    spam = []
    for p in held:
        words = [w for w in p.split() if w.isalpha() and len(w) > 3] or p.split()
        keys = rng.sample(words, min(4, len(words)))
        spam.append(" | ".join(rng.choice(keys) for _ in range(max(8, len(p) // 12))))
    return {"word salad": salad, "tweets": tweets[:len(held)], "keyword spam": spam}


def train_reference(work: Path, train: list[str], max_iters: int) -> Path:
    from click.testing import CliRunner

    from corpuskit.cli import main

    src = work / "reference.jsonl"
    src.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in train), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["tokenize", str(src), "-o", str(work / "tok"), "--vocab-size", "4096", "-q"])
    assert res.exit_code == 0, res.output
    settings = {"n_layer": 4, "n_head": 4, "n_embd": 128, "block_size": 128, "batch_size": 8, "dropout": 0.1,
                "lr": 0.001, "min_lr": 0.0001, "warmup_iters": 50, "eval_interval": max_iters, "eval_iters": 10}
    args = ["train", str(work / "tok"), "-o", str(work / "run"), "--max-iters", str(max_iters)]
    for k, v in settings.items():
        args += ["--set", f"{k}={v}"]
    t0 = time.perf_counter()
    res = runner.invoke(main, args)
    assert res.exit_code == 0, res.output
    print(f"reference model: {len(train)} documents, {max_iters} steps in {time.perf_counter() - t0:.0f} s; "
          f"{res.output.strip().splitlines()[-1]}")
    return work / "run"


def speed(work: Path, run_dir: Path, held: list[str], docs: int, workers: int) -> dict:
    import pyarrow.parquet as pq

    from corpuskit.pipeline import run

    src = work / "speed.jsonl"
    if not src.exists():
        texts = (held * (docs // len(held) + 1))[:docs]
        src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    out = work / f"speed-{workers}"
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    result = run({"input": {"paths": [str(src)]}, "output": str(out),
                  "stages": [{"perplexity": {"model": str(run_dir)}}],
                  "executor": {"workers": workers}}, force=True, report=False)
    wall = time.perf_counter() - t0
    stage = next(s for s in result.stats["stages"] if s["name"] == "perplexity")
    from corpuskit.gpt.sample import load_run
    tok = load_run(run_dir)[2]
    texts = pq.read_table(out / "kept", columns=["text"]).column("text").to_pylist()
    tokens = sum(min(len(e.ids), 512) for e in tok.encode_batch(texts, add_special_tokens=False))
    return {"workers": workers, "wall_s": wall, "stage_s": stage["seconds"], "docs": len(texts), "tokens": tokens,
            "load": load}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-iters", type=int, default=600)
    ap.add_argument("--docs", type=int, default=2000, help="documents for the speed runs")
    ap.add_argument("--rounds", type=int, default=2, help="speed: pairs of (1 worker, 2 workers) runs")
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args()
    if not (DATA / "quality-pos-wikitext2").exists():
        sys.exit(f"needs {DATA}")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="corpuskit-ppl-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}; work dir {work}")
    train, held = reference_texts()
    run_dir = work / "run"
    if not (run_dir / "ckpt.npz").exists():
        run_dir = train_reference(work, train, args.max_iters)

    from corpuskit.gpt.evaluate import score_texts
    from corpuskit.gpt.sample import load_run

    model = load_run(run_dir)
    score, good = score_texts(model, held)
    print(f"\nheld-out WikiText paragraphs: {len(held)}, bits/byte {score.bits_per_byte:.3f} "
          f"(median per paragraph {np.median(good):.3f})")
    print(f"{'junk set':<14} {'docs':>5} {'median bpb':>10} {'ROC-AUC':>8}")
    for name, texts in junk_sets(held).items():
        _, bad = score_texts(model, texts)
        print(f"{name:<14} {len(texts):>5} {np.median(bad):>10.3f} {roc_auc(good, bad):>8.4f}")

    print(f"\nspeed: the perplexity stage on {args.docs} held-out paragraphs (max_tokens 512), 1 and 2 workers")
    rows = []
    for _ in range(args.rounds):
        for workers in (1, 2):
            r = speed(work, run_dir, held, args.docs, workers)
            rows.append(r)
            print(f"  {workers} worker(s): {r['wall_s']:.1f} s wall, {r['docs'] / r['wall_s']:.0f} docs/s, "
                  f"{r['tokens'] / r['wall_s']:,.0f} tokens/s ({r['tokens']:,} tokens; stage {r['stage_s']:.1f} "
                  f"task-s; load {r['load']:.1f})")
    one = [r["wall_s"] for r in rows if r["workers"] == 1]
    two = [r["wall_s"] for r in rows if r["workers"] == 2]
    print(f"  2 workers / 1 worker speed-up per pair: {', '.join(f'{a / b:.2f}' for a, b in zip(one, two))}")


if __name__ == "__main__":
    main()
