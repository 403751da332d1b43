"""Soak: the whole clean + dedup chain over ≥ 1 GB of generated web-like input, with throughput and memory over
time — memory must stay flat while the data flows (bounded batches, per-shard state), not grow with the input.

    python benchmarks/bench_soak.py                  # 1 GB, 2 workers
    python benchmarks/bench_soak.py --gb 2 --workers 4 --keep /tmp/soak

Input: copies of the shipped sample crawl's generator with different seeds (``samplecrawl.generate``, in benchmarks/):
WARC files of English and Chinese articles, boilerplate, spam, junk, other languages and gb2312 pages, JSONL
comments and .html files — 1.8 MB of uncompressed input per seed, ~550 seeds per GB. Seeds reuse the generator's
content pools, so there are many exact and near duplicates across seeds, as in a real crawl.

The chain: extract → language (en, zh) → toxicity → Gopher repetition and quality → C4 → FineWeb → quality →
exact_dedup → minhash_dedup (0.8) → line_dedup, via ``corpuskit run`` with the local executor, in 32 MB shards.
Every 5 s: elapsed time, input MB whose shards are done, throughput over the last window, the summed RSS of the
process tree (runner + workers) and the largest single process. At the end: total throughput, peak RSS, and the
RSS trend over the shard phase (median of the last third against the first third).
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from samplecrawl import generate  # noqa: E402  (benchmarks/samplecrawl: the sample crawl's generator)

STAGES = [{"extract": {}}, {"language": {"keep": ["en", "zh"]}}, {"toxicity": {}}, {"gopher_repetition": {}},
          {"gopher_quality": {}}, {"c4": {}}, {"fineweb": {}}, {"quality": {}}, {"exact_dedup": {}},
          {"minhash_dedup": {"threshold": 0.8}}, {"line_dedup": {"mode": "first"}}]


def make_input(root: Path, target_bytes: int) -> tuple[int, int]:
    """Generate seeds until the uncompressed input reaches ``target_bytes``; returns (bytes, seeds)."""
    total, seed, used = 0, -1, 0
    while total < target_bytes:
        seed += 1
        d = root / f"crawl-{seed:05d}"
        try:
            generate(d, seed=seed)
        except AssertionError:  # the generator is built for seed 0; a few seeds give colliding ids: skip them
            shutil.rmtree(d, ignore_errors=True)
            continue
        used += 1
        for extra in ("labels.jsonl", "README.md"):  # the ground truth is not input
            (d / extra).unlink()
        total += len(gzip.decompress((d / "crawl.warc.gz").read_bytes()))
        total += len(gzip.decompress((d / "comments.jsonl.gz").read_bytes()))
        total += sum(f.stat().st_size for f in (d / "pages").iterdir())
    return total, used


def tree_rss(proc: psutil.Process) -> tuple[int, int]:
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0, 0
    sizes = []
    for p in procs:
        try:
            sizes.append(p.memory_info().rss)
        except psutil.Error:
            pass
    return sum(sizes), max(sizes or [0])


def done_bytes(out: Path) -> int:
    """Input bytes of the shards of the first segment that are done (their markers exist)."""
    plan_file = out / "_state" / "plan.json"
    if not plan_file.exists():
        return 0
    try:
        plan = json.loads(plan_file.read_text())
    except ValueError:
        return 0
    done = 0
    for marker in (out / "_state").glob("s00-t*.json"):
        k = int(marker.stem.split("-t")[1])
        if k < len(plan["shards"]):
            done += sum(t["size"] for t in plan["shards"][k])
    return done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gb", type=float, default=1.0, help="uncompressed input to generate (GB, 10^9 bytes)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--interval", type=float, default=5.0)
    ap.add_argument("--keep", type=Path, default=None, help="work directory to keep (default: a temporary one)")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="corpuskit-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    total, seeds = make_input(work / "input", int(args.gb * 1e9))
    on_disk = sum(f.stat().st_size for f in (work / "input").rglob("*") if f.is_file())
    print(f"input: {seeds} seeds, {total / 1e9:.2f} GB uncompressed ({on_disk / 1e9:.2f} GB on disk), "
          f"generated in {time.time() - t0:.0f} s", flush=True)
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    pipeline = work / "soak.yaml"
    pipeline.write_text(json.dumps({"name": "soak", "input": {"paths": [str(work / "input")], "shard_bytes": "32MB"},
                                    "output": {"path": str(out)}, "stages": STAGES,
                                    "executor": {"type": "local", "workers": args.workers}}))
    start = time.time()
    proc = subprocess.Popen([sys.executable, "-m", "corpuskit.cli", "run", str(pipeline), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    samples = []  # (t, done bytes, rss total, rss max process)
    print(f"{'time s':>7} {'input MB done':>14} {'MB/s (window)':>14} {'RSS tree MiB':>13} {'largest MiB':>12}")
    last_t, last_b = 0.0, 0
    while proc.poll() is None:
        time.sleep(args.interval)
        t = time.time() - start
        rss, biggest = tree_rss(ps)
        b = done_bytes(out)
        samples.append((t, b, rss, biggest))
        rate = (b - last_b) / 1e6 / (t - last_t) if t > last_t else 0.0
        print(f"{t:7.0f} {b / 1e6:14.1f} {rate:14.2f} {rss / 2**20:13.0f} {biggest / 2**20:12.0f}", flush=True)
        last_t, last_b = t, b
    wall = time.time() - start
    _, err = proc.communicate()
    if proc.returncode != 0:
        print(err.decode()[-3000:])
        sys.exit(proc.returncode)
    stats = json.loads((out / "stats.json").read_text())
    read = stats["stages"][0]
    print(f"\ndone in {wall:.0f} s: {read['docs_in']:,} documents, {read['bytes_in'] / 1e9:.2f} GB read -> "
          f"{stats['output']['kept_docs']:,} kept; {read['docs_in'] / wall:,.0f} docs/s, "
          f"{read['bytes_in'] / 1e6 / wall:.2f} MB/s overall")
    print(f"peak RSS: tree {max(s[2] for s in samples) / 2**20:.0f} MiB, largest process "
          f"{max(s[3] for s in samples) / 2**20:.0f} MiB")
    plan = json.loads((out / "_state" / "plan.json").read_text()) if (out / "_state" / "plan.json").exists() else None
    plan_total = sum(t["size"] for shard in plan["shards"] for t in shard) if plan else total
    flowing = [s for s in samples[1:] if s[1] < plan_total] or samples  # until the last shard of the chain's
    # first segment is done (after start-up), i.e. while documents stream through the filters
    third = max(1, len(flowing) // 3)
    first = sorted(s[2] for s in flowing[:third])[third // 2]
    last = sorted(s[2] for s in flowing[-third:])[third // 2]
    print(f"RSS while shards flow: median {first / 2**20:.0f} MiB in the first third, {last / 2**20:.0f} MiB in "
          f"the last third ({(last - first) / max(first, 1) * 100:+.0f} %)")
    for s in stats["stages"]:
        print(f"  {s['name']:<18} in {s['docs_in']:>9,}  kept {s['docs_kept']:>9,}  {s['seconds']:8.1f} task-s")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
