"""Reader throughput (docs/s, MB/s) and peak memory while streaming a large input.

    python benchmarks/bench_readers.py                 # WARC samples + a generated 1 GB JSONL
    python benchmarks/bench_readers.py --jsonl-gb 0.2  # smaller
    python benchmarks/bench_readers.py --scaling --jsonl-gb 0.2   # one 200 MB JSONL, 1 vs 2 workers only
    python benchmarks/bench_readers.py --scaling --jsonl-gb 0.2 --stage gopher_quality   # a costlier stage

Figures printed:
  1. each reader alone (one core, in-process): documents -> Arrow batches, on the WARC samples
     in ../shared/data/warc-samples and on the generated JSONL (plain and gzip);
  2. the whole runner (read -> write Parquet, no stages) on the generated JSONL with all cores,
     with the peak RSS of the process tree, sampled every 50 ms.
  3. with ``--scaling``: the generated JSONL (one file) through a ``length`` stage with 1 and with 2 workers,
     in the order 1, 2, 1, 2 (paired runs, so a change in the machine's load shows as a spread), and the
     speed-up; the task size is the automatic one (from the input size and the worker count).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psutil

from _memory import PeakRSS  # benchmarks/ is on sys.path when run as a script
from corpuskit.config import PipelineConfig
from corpuskit.inputs import expand_inputs, plan_tasks
from corpuskit.readers import BatchBuilder, ProgressSink, ReaderOptions, make_reader
from corpuskit.runner import Runner

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

EN = ("the of and to in a is that for it as was with be by on not he this are or his from at which but have "
      "an they you were her she there been one all we their has would when if so no will more out up into "
      "crawl data model language quality filter token web page text corpus train document").split()
ZH = "的一是不了在人有我他这个们中来上大为和国地到以说时要就出也得里后自之过家学对可她"


def generate_jsonl(path: Path, target_bytes: int, seed: int = 0) -> int:
    """Web-like documents: ~5 KB each, English and Chinese mixed, written in 64 MB blocks."""
    rng = random.Random(seed)
    written = n = 0
    with open(path, "w", encoding="utf-8") as fh:
        block = []
        while written < target_bytes:
            if n % 3 == 2:
                text = "".join(rng.choice(ZH) for _ in range(rng.randint(600, 2400)))
            else:
                text = " ".join(rng.choice(EN) for _ in range(rng.randint(300, 1500)))
            line = json.dumps({"text": text, "url": f"https://site{n % 997}.example/{n}", "crawl": "bench"},
                              ensure_ascii=False) + "\n"
            block.append(line)
            written += len(line.encode("utf-8"))
            n += 1
            if len(block) >= 10_000:
                fh.write("".join(block))
                block = []
        fh.write("".join(block))
    return n


def bench_reader(paths: list[Path], label: str, options: ReaderOptions | None = None) -> dict:
    options = options or ReaderOptions()
    files, root, _ = expand_inputs([str(p) for p in paths])
    tasks = plan_tasks(files, root, options)
    size = sum(f.size for f in files)
    docs = text_bytes = 0
    t0 = time.perf_counter()
    for task in tasks:
        builder = BatchBuilder(task.rel, options.batch_docs, options.batch_bytes)
        try:
            for doc in make_reader(task.format, options).iter_docs(task, ProgressSink()):
                docs += 1
                if builder.add(doc):
                    text_bytes += builder.take().nbytes
        except Exception as exc:  # the truncated samples end in an error on purpose
            print(f"    ({task.rel}: {type(exc).__name__})", file=sys.stderr)
        if len(builder):
            text_bytes += builder.take().nbytes
    dt = time.perf_counter() - t0
    row = {"input": label, "files": len(files), "MB on disk": size / 1e6, "docs": docs, "seconds": dt,
           "docs/s": docs / dt, "MB/s (disk)": size / 1e6 / dt}
    print(f"  {label:<34} {docs:>9,} docs  {dt:7.2f} s  {docs / dt:>10,.0f} docs/s  {size / 1e6 / dt:8.1f} MB/s")
    return row


def bench_worker_scaling(jsonl: Path, work: Path, stage: str, rounds: int = 2) -> None:
    """One JSONL file through a cheap stage with 1 and 2 workers, alternately; wall seconds and the speed-up."""
    from corpuskit.config import StageSpec

    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(rounds):
        for workers in (1, 2):
            out = work / f"scaling-{workers}"
            shutil.rmtree(out, ignore_errors=True)
            config = PipelineConfig(inputs=[str(jsonl)], output=str(out), name="bench-scaling",
                                    stages=[StageSpec(stage, {"min_words": 50} if stage == "length" else {})],
                                    executor={"type": "local", "workers": workers})
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            result = Runner(config).run()
            dt = time.perf_counter() - t0
            times[workers].append(dt)
            print(f"  {workers} worker(s): {dt:6.1f} s  {result.stats['input']['shards']} tasks  "
                  f"{result.stats['stages'][0]['docs_in']:,} docs  (load average before: {load:.2f})")
            shutil.rmtree(out, ignore_errors=True)
    one, two = min(times[1]), min(times[2])
    print(f"  best of {rounds}: 1 worker {one:.1f} s, 2 workers {two:.1f} s: speed-up {one / two:.2f}x")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jsonl-gb", type=float, default=1.0, help="size of the generated JSONL input")
    ap.add_argument("--workdir", default=None, help="where to put the generated input (default: a temp dir)")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--scaling", action="store_true", help="only the 1-vs-2-worker runs on one JSONL file")
    ap.add_argument("--stage", default="length", help="with --scaling: the one stage to run (length, fineweb...)")
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="corpuskit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB RAM; work dir {work}")
    if args.scaling:
        jsonl = work / "bench.jsonl"
        if not jsonl.exists() or jsonl.stat().st_size < args.jsonl_gb * 1e9 * 0.99:
            generate_jsonl(jsonl, int(args.jsonl_gb * 1e9))
        print(f"\n3. one {jsonl.stat().st_size / 1e6:.0f} MB JSONL, {args.stage} stage: 1 vs 2 workers")
        bench_worker_scaling(jsonl, work, args.stage)
        return

    print("\n1. readers alone (one core)")
    warc = SHARED / "warc-samples"
    if warc.exists():
        cc = next((warc / "commoncrawl-2020-34-resiliparse").glob("*.warc.gz"))
        # The excerpt is small (136 KB); 100 copies back to back (gzip members concatenate) time better.
        many = work / "cc-excerpt-x100.warc.gz"
        many.write_bytes(cc.read_bytes() * 100)
        bench_reader([cc], "warc: CC excerpt (warm-up)")
        bench_reader([many], "warc: CC excerpt x100 (gzip/record)")
        bench_reader([warc], "warc: all samples")
    else:
        print(f"  (skipped: {warc} not found)")
    jsonl = work / "bench.jsonl"
    if not jsonl.exists() or jsonl.stat().st_size < args.jsonl_gb * 1e9 * 0.99:
        t0 = time.perf_counter()
        n = generate_jsonl(jsonl, int(args.jsonl_gb * 1e9))
        print(f"  (generated {n:,} documents, {jsonl.stat().st_size / 1e9:.2f} GB in {time.perf_counter() - t0:.0f} s)")
    bench_reader([jsonl], f"jsonl: {jsonl.stat().st_size / 1e9:.2f} GB plain")
    small = work / "bench-small.jsonl.gz"
    if not small.exists():
        with open(jsonl, "rb") as src, gzip.open(small, "wb", compresslevel=6) as dst:
            dst.write(src.read(200 * 1024**2))
    bench_reader([small], "jsonl.gz: first 200 MB, gzip")

    print(f"\n2. runner: read -> Parquet (zstd), no stages, {args.workers} workers")
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    config = PipelineConfig(inputs=[str(jsonl)], output=str(out), name="bench-read",
                            executor={"type": "local", "workers": args.workers})
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        result = Runner(config).run()
        dt = time.perf_counter() - t0
    docs = result.stats["stages"][0]["docs_in"]
    size = jsonl.stat().st_size
    print(f"  {docs:,} docs, {size / 1e9:.2f} GB in {dt:.1f} s: {docs / dt:,.0f} docs/s, {size / 1e6 / dt:.1f} MB/s; "
          f"peak RSS of all processes {rss.peak / 2**20:,.0f} MiB (input is {size / 2**20:,.0f} MiB)")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
