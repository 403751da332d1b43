"""Dedup at scale: time, peak memory and recall of planted duplicates from 100k to 1M short documents.

    python benchmarks/bench_dedup_scale.py                          # 100k, 300k, 1M documents
    python benchmarks/bench_dedup_scale.py --docs 100000 --workers 2
    python benchmarks/bench_dedup_scale.py --docs 100000 300000 --compare-shards --rounds 3

Documents are generated (fixed seed): 85 % English-like (40-120 words drawn from a Zipf distribution
over 50,000 random words), 15 % Chinese-like (80-240 characters, Zipf over 4,000 ideographs, with
Chinese punctuation). Planted duplicates: 5 % of the documents are exact copies of an earlier one
with other case, spacing and punctuation (the same text after normalisation); 10 % are near copies
with one word (English) or two characters (Chinese) replaced; originals and copies are spread over
all input files. The run is ``corpuskit dedup``'s default chain (exact_dedup, then minhash_dedup at
threshold 0.8, 128 permutations, 9 bands × 13 rows, datasketch-equal SHA-1 hashing) through the
runner with its worker pool, on 20 JSONL files per million documents, in shards of 32 MB
(``--shard-bytes``; ``auto`` is what ``corpuskit dedup`` does: the planner's size from the input size
and the worker count).

``--compare-shards`` generates each corpus once and runs it with the automatic task size and with
32 MB shards alternately (auto, 32MB, auto, 32MB ... ``--rounds`` pairs), then prints each pair's
time ratio and their median and range: paired, so a change in the machine's load shows as spread.

Peak RSS is sampled every 50 ms over the whole process tree (runner + workers; shared pages count
once per process, so it is an upper bound). Recall of the near copies is given per band of their
true Jaccard with the original (word / character 5-gram shingles after normalisation), so it can be
compared with the LSH S-curve.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

from _memory import PeakRSS  # noqa: E402 (benchmarks/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpuskit.recipe import parse_config  # noqa: E402
from corpuskit.dedup.chain import dedup_stages  # noqa: E402
from corpuskit.dedup.evaluate import Truth, predicted_clusters, score  # noqa: E402
from corpuskit.dedup.minhash import jaccard, s_curve, shingles  # noqa: E402
from corpuskit.runner import run_pipeline  # noqa: E402


def _zipf(n: int) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1) ** 1.05
    return p / p.sum()


def generate(n_docs: int, out_dir: Path, seed: int = 0, docs_per_file: int = 50_000):
    """Write the corpus as JSONL files; returns (truth clusters, near pairs [(copy, original)], exact pairs,
    true Jaccard of each near pair)."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = np.array(["".join(rng.choice(letters, k)) for k in rng.integers(3, 10, 50_000)])
    hanzi = np.array([chr(0x4E00 + i) for i in rng.choice(0x5000, 4000, replace=False)])
    cdf_en, cdf_zh = np.cumsum(_zipf(len(vocab))), np.cumsum(_zipf(len(hanzi)))
    langs = np.where(rng.random(n_docs) < 0.85, "en", "zh")
    lengths = np.where(langs == "en", rng.integers(40, 121, n_docs), rng.integers(80, 241, n_docs))
    # every document's words/characters drawn at once (inverse-CDF sampling), then cut per document
    en_tokens = vocab[np.minimum(np.searchsorted(cdf_en, rng.random(int(lengths[langs == "en"].sum()))),
                                 len(vocab) - 1)]
    zh_tokens = hanzi[np.minimum(np.searchsorted(cdf_zh, rng.random(int(lengths[langs == "zh"].sum()))),
                                 len(hanzi) - 1)]
    zh_tokens[rng.random(len(zh_tokens)) < 1 / 15] = "，"
    texts: list[str] = []
    pos = {"en": 0, "zh": 0}
    kind = rng.random(n_docs)  # < 0.05 exact copy, < 0.15 near copy, else original
    truth: dict[str, str] = {}
    near, exact, originals = [], [], []
    for i in range(n_docs):
        lang, k = str(langs[i]), int(lengths[i])
        if kind[i] < 0.15 and len(originals) > 100:
            j = originals[int(rng.integers(len(originals)))]
            src = texts[j]
            if kind[i] < 0.05:
                t = src.upper() if rng.random() < 0.5 else src.replace(" ", "  ").replace("，", ",")
                exact.append((i, j))
            elif " " in src:
                words = src.split(" ")
                words[int(rng.integers(len(words)))] = str(vocab[int(rng.integers(len(vocab)))])
                t = " ".join(words)
                near.append((i, j))
            else:
                chars = list(src)
                for _ in range(2):
                    chars[int(rng.integers(len(chars) - 1))] = str(hanzi[int(rng.integers(len(hanzi)))])
                t = "".join(chars)
                near.append((i, j))
            truth[f"d{i}"] = truth.setdefault(f"d{j}", f"d{j}")
            texts.append(t)
            continue
        if lang == "en":
            t = " ".join(en_tokens[pos["en"]:pos["en"] + k].tolist()).capitalize() + "."
        else:
            t = "".join(zh_tokens[pos["zh"]:pos["zh"] + k].tolist()) + "。"
        pos[lang] += k
        texts.append(t)
        originals.append(i)
    out_dir.mkdir(parents=True, exist_ok=True)
    order = rng.permutation(n_docs)  # copies and originals spread over all files
    for f, lo in enumerate(range(0, n_docs, docs_per_file)):
        with open(out_dir / f"part-{f:04d}.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps({"id": f"d{i}", "text": texts[i]}, ensure_ascii=False) + "\n"
                          for i in order[lo:lo + docs_per_file])
    jac = np.array([jaccard(shingles(texts[i]), shingles(texts[j])) for i, j in near])
    return truth, near, exact, jac


def _generate_in_child(n_docs: int, out_dir: Path):
    """Generate in a separate process, so the runner's memory figures are not those of the generator."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(generate, (n_docs, out_dir))


def run_one(n_docs: int, workers: int, tmp: Path, hash: str = "sha1", shard_bytes: str = "32MB",
            corpus=None) -> dict:
    t0 = time.perf_counter()
    if corpus is None:
        corpus = _generate_in_child(n_docs, tmp / "in")
    truth, near, exact, jac = corpus
    gen_s = time.perf_counter() - t0
    source = {"paths": [str(tmp / "in")], "id_field": "id"}
    if shard_bytes != "auto":
        source["shard_bytes"] = shard_bytes
    config = parse_config({"name": "dedup-scale", "input": source,
                           "output": str(tmp / "out"), "stages": dedup_stages(hash=hash),
                           "executor": {"workers": workers}}, {}, filename="<bench>", base_dir=".")
    base_rss = psutil.Process().memory_info().rss
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        result = run_pipeline(config, force=True)
        run_s = time.perf_counter() - t0
    predicted, ids = predicted_clusters(tmp / "out")
    s = score(Truth(truth, [], "clusters"), predicted, ids)
    found = lambda pairs: np.array([predicted.get(f"d{i}") is not None and  # noqa: E731
                                    predicted.get(f"d{i}") == predicted.get(f"d{j}") for i, j in pairs])
    near_found, exact_found = found(near), found(exact)
    stages = {st["name"]: st for st in result.stats["stages"]}
    bands = []
    for lo, hi in ((0.7, 0.8), (0.8, 0.85), (0.85, 0.9), (0.9, 0.95), (0.95, 1.01)):
        m = (jac >= lo) & (jac < hi)
        if m.any():
            bands.append((lo, hi, int(m.sum()), float(near_found[m].mean()),
                          float(np.mean(s_curve(9, 13, jac[m])))))
    tasks = json.loads((tmp / "out" / "_state" / "plan.json").read_text()).get("shards") \
        if (tmp / "out" / "_state" / "plan.json").exists() else None
    return {"docs": n_docs, "generate_s": gen_s, "run_s": run_s, "peak_rss": rss.peak, "shard_bytes": shard_bytes,
            "tasks": len(tasks) if isinstance(tasks, list) else tasks,
            "peak_main": rss.peak_main, "peak_worker": rss.peak_child, "base_rss": base_rss,
            "exact_recall": float(exact_found.mean()), "near_recall": float(near_found.mean()),
            "near": len(near), "exact": len(exact), "scores": s, "bands": bands,
            "stage_s": {k: v["seconds"] for k, v in stages.items()},
            "phases": {k: v.get("global", {}).get("phase_task_seconds") for k, v in stages.items() if "global" in v},
            "input_mb": sum(f.stat().st_size for f in (tmp / "in").iterdir()) / 1e6}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--hash", choices=["sha1", "fast"], default="sha1", help="minhash_dedup's shingle hash")
    ap.add_argument("--shard-bytes", default="32MB", help="input task size, or 'auto' (the CLI's planner)")
    ap.add_argument("--compare-shards", action="store_true",
                    help="paired runs: automatic task size against 32 MB shards, on the same corpus")
    ap.add_argument("--rounds", type=int, default=3, help="with --compare-shards: pairs per size")
    args = ap.parse_args()
    if args.compare_shards:
        compare_shards(args.docs, args.workers, args.hash, args.rounds)
        return
    rows = []
    for n in args.docs:
        with tempfile.TemporaryDirectory() as tmp:
            r = run_one(n, args.workers, Path(tmp), args.hash, args.shard_bytes)
        rows.append(r)
        s = r["scores"]
        print(f"\n== {n:,} documents ({r['input_mb']:.0f} MB JSONL; generated in {r['generate_s']:.0f} s), "
              f"{args.workers} workers, hash {args.hash}")
        print(f"runner process before the run: {r['base_rss'] / 2**20:.0f} MiB")
        print(f"time {r['run_s']:.1f} s ({n / r['run_s']:,.0f} docs/s); peak RSS {r['peak_rss'] / 2**30:.2f} GiB "
              f"(runner {r['peak_main'] / 2**20:.0f} MiB, largest worker {r['peak_worker'] / 2**20:.0f} MiB)")
        print(f"planted exact copies {r['exact']:,}: recall {r['exact_recall']:.4f}; near copies {r['near']:,}: "
              f"recall {r['near_recall']:.4f}")
        print(f"pairwise P {s.precision:.4f} R {s.recall:.4f} F1 {s.f1:.4f} ARI {s.adjusted_rand_index:.4f} "
              f"({s.predicted_pairs - s.correct_pairs:,} false pairs)")
        print("near-copy recall by true Jaccard: " + "; ".join(
            f"[{lo:.2f},{min(hi, 1):.2f}) n={k:,} recall {rec:.3f} (S-curve {exp:.3f})" for lo, hi, k, rec, exp in r["bands"]))
        print("stage seconds (per-shard work, summed over workers): " + ", ".join(
            f"{k} {v:.1f}" for k, v in r["stage_s"].items()))
        print("global phases (task seconds): " + "; ".join(
            f"{k}: " + ", ".join(f"{p} {t:.1f}" for p, t in v.items()) for k, v in r["phases"].items()))
    if len(rows) > 1:
        print("\ndocs        time s   docs/s   peak RSS GiB   time / first")
        for r in rows:
            print(f"{r['docs']:>9,}  {r['run_s']:7.1f}  {r['docs'] / r['run_s']:7,.0f}  {r['peak_rss'] / 2**30:13.2f}"
                  f"   {r['run_s'] / rows[0]['run_s'] * rows[0]['docs'] / r['docs']:.2f}x per doc")


def compare_shards(sizes: list[int], workers: int, hash: str, rounds: int) -> None:
    """The automatic task size against 32 MB shards, paired on one corpus per size."""
    import os
    import statistics

    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            corpus = _generate_in_child(n, tmp / "in")
            mb = sum(f.stat().st_size for f in (tmp / "in").iterdir()) / 1e6
            print(f"\n== {n:,} documents ({mb:.0f} MB JSONL), {workers} workers, hash {hash}: auto vs 32MB")
            ratios, runs = [], {"auto": [], "32MB": []}
            for i in range(rounds):
                pair = {}
                for sb in ("auto", "32MB"):
                    load = os.getloadavg()[0]
                    r = run_one(n, workers, tmp, hash, sb, corpus)
                    pair[sb] = r
                    runs[sb].append(r)
                    print(f"  round {i + 1} {sb:>4}: {r['run_s']:6.1f} s, {r['tasks']} tasks, "
                          f"peak RSS {r['peak_rss'] / 2**30:.2f} GiB, load {load:.1f}, "
                          f"near recall {r['near_recall']:.4f}", flush=True)
                ratios.append(pair["auto"]["run_s"] / pair["32MB"]["run_s"])
            print(f"  time auto / 32MB per pair: {', '.join(f'{x:.2f}' for x in ratios)}; median "
                  f"{statistics.median(ratios):.2f} (range {min(ratios):.2f}-{max(ratios):.2f})")
            same = {(round(r['near_recall'], 6), round(r['exact_recall'], 6)) for rs in runs.values() for r in rs}
            print(f"  recall the same in every run: {len(same) == 1}")


if __name__ == "__main__":
    main()
