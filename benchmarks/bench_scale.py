"""Dedup at 1M / 3M / 10M documents: wall time, peak memory of the process tree, docs/s, `_work/` bytes per phase.

    python benchmarks/bench_scale.py --sizes 1e4                 # smoke: well under a minute
    python benchmarks/bench_scale.py --sizes 1e6,3e6,1e7 --workers 2 --json /tmp/scale/results.json

What runs: ``corpuskit dedup IN -o OUT --id-field id --lines all --workers W --force --quiet`` (exact_dedup,
minhash_dedup at its defaults: threshold 0.8, 128 permutations, 9 x 13 bands, SHA-1 shingles; line_dedup
``mode: all``), in a child process, which is the command a user types (the CLI's own planner picks the task
size). The child wraps two things for measurement only: ``Progress.begin`` (to log when each segment / phase
starts, so time and memory can be given per phase) and ``shutil.rmtree`` of ``OUT/_work`` at the end of the run (to
record the bytes of every ``_work`` subdirectory just before it is deleted).

Peak memory: the parent samples, every 0.2 s, the RSS of the child and all its descendants (psutil), summed.
Shared pages count once per process, so it is an upper bound of what the tree needs. Memory figures are MiB
(2**20 bytes), also in the JSON fields named ``*_mb``.

Corpus (generated once per seed and cached under ``--data``, streamed file by file, never held in memory):
files of 50,000 documents (the smoke size uses one smaller file), file *i* drawn from ``default_rng([seed, i,
...])`` so a 1M corpus is the first 20 files of the 10M one (the runs name the files as inputs). Documents are 1-5
paragraphs (lines) of 15-50 words, ~100 words and ~650 bytes on average, words from a 50,000-word random
vocabulary with Zipf(1.05) frequencies. 30 % of the originals get a header and/or footer line drawn (Zipf)
from 300 boilerplate lines. Of all documents, 3 % are exact copies of an original of this file or the previous
one (half of them upper-cased: equal after normalisation), 10 % near copies (1-3 % of the words replaced, at
least one). Ids are ``d<global index>``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_dedup_scale import _zipf  # noqa: E402  (the Zipf weights of the existing scale benchmark)

DOCS_PER_FILE = 50_000
EXACT, NEAR = 0.03, 0.10  # shares of all documents that are exact / near copies
VOCAB, BOILER = 50_000, 300


# ---------------------------------------------------------------------------------------------
# The corpus


@functools.lru_cache(maxsize=2)
def _vocab(seed: int):
    rng = np.random.default_rng([seed, 10**6])
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words = np.array(["".join(rng.choice(letters, k)) for k in rng.integers(2, 11, VOCAB)], dtype=object)
    cdf = np.cumsum(_zipf(VOCAB))
    draw = lambda r, n: np.minimum(np.searchsorted(cdf, r.random(n)), VOCAB - 1)  # noqa: E731
    boiler = [" ".join(words[draw(rng, int(k))]).capitalize() + ":" for k in rng.integers(4, 15, BOILER)]
    return words, cdf, draw, boiler, np.cumsum(_zipf(BOILER))


def _kinds(seed: int, i: int, n: int) -> np.ndarray:
    """Per document of file i: 0 original, 1 exact copy, 2 near copy."""
    r = np.random.default_rng([seed, i, 1]).random(n)
    return np.where(r < EXACT, 1, np.where(r < EXACT + NEAR, 2, 0))


def _originals(seed: int, i: int, n: int, V) -> list[str]:
    """The original documents of file i (JSON-escaped text: lines joined by a literal backslash-n)."""
    words, cdf, draw, boiler, bcdf = V
    m = int((_kinds(seed, i, n) == 0).sum())
    rng = np.random.default_rng([seed, i, 0])
    n_par = rng.integers(1, 6, m)
    par_len = rng.integers(15, 51, int(n_par.sum()))
    tokens = words[draw(rng, int(par_len.sum()))]
    sep = np.full(len(tokens), " ", dtype=object)
    par_end = np.cumsum(par_len) - 1
    sep[par_end] = ".\\n"
    doc_end = par_end[np.cumsum(n_par) - 1]
    sep[doc_end] = "."
    inter = np.empty(2 * len(tokens), dtype=object)
    inter[0::2], inter[1::2] = tokens, sep
    big = "".join(inter.tolist())
    ends = np.cumsum([len(t) + len(s) for t, s in zip(tokens.tolist(), sep.tolist())])[doc_end]
    starts = np.r_[0, ends[:-1]]
    docs = [big[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
    has = rng.random(m) < 0.30
    head, foot = rng.random(m) < 0.6, rng.random(m) < 0.7
    pick = np.minimum(np.searchsorted(bcdf, rng.random((m, 2))), BOILER - 1)
    for d in np.flatnonzero(has).tolist():
        h, f = bool(head[d]), bool(foot[d]) or not head[d]
        docs[d] = ((boiler[pick[d, 0]] + "\\n") if h else "") + docs[d] + (("\\n" + boiler[pick[d, 1]]) if f else "")
    return docs


def write_file(seed: int, i: int, n: int, path: Path, prev: list[str] | None = None) -> list[str]:
    """Write file i (n documents) and return its originals (the next file draws copies from them too)."""
    V = _vocab(seed)
    words = V[0]
    mine = _originals(seed, i, n, V)
    if prev is None:
        prev = _originals(seed, i - 1, n, V) if i > 0 else []
    pool = prev + mine
    kinds = _kinds(seed, i, n)
    rng = np.random.default_rng([seed, i, 2])
    it = iter(mine)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="ascii") as fh:
        for j, k in enumerate(kinds.tolist()):
            if k == 0:
                text = next(it)
            else:
                src = pool[int(rng.integers(len(pool)))]
                if k == 1:
                    text = src.upper().replace("\\N", "\\n") if rng.random() < 0.5 else src
                else:
                    toks = src.split(" ")
                    for p in rng.integers(len(toks), size=max(1, round(len(toks) * rng.uniform(0.01, 0.03)))):
                        if "\\" not in toks[p]:  # not across a line break
                            toks[p] = words[int(rng.integers(VOCAB))] + ("." if toks[p].endswith(".") else "")
                    text = " ".join(toks)
            fh.write(f'{{"id":"d{i * n + j}","text":"{text}"}}\n')
    tmp.replace(path)
    return mine


def _write_range(args) -> None:
    seed, lo, hi, n, pool_dir = args
    prev = None
    for i in range(lo, hi):
        path = pool_dir / f"part-{i:05d}.jsonl"
        if path.exists():
            prev = None
            continue
        prev = write_file(seed, i, n, path, prev)


def corpus(n_docs: int, seed: int, data: Path, procs: int = 2) -> tuple[list[Path], float]:
    """The first files of the cached pool (generated where missing); (files, seconds spent generating)."""
    per_file = min(DOCS_PER_FILE, n_docs)
    files = -(-n_docs // per_file)
    if files * per_file != n_docs:
        print(f"note: {n_docs:,} rounded up to {files * per_file:,} documents (whole files of {per_file:,})")
    pool = data / f"pool-seed{seed}-f{per_file}"
    pool.mkdir(parents=True, exist_ok=True)
    missing = [i for i in range(files) if not (pool / f"part-{i:05d}.jsonl").exists()]
    t0 = time.perf_counter()
    if missing:
        lo = missing[0]
        chunks = np.array_split(np.arange(lo, files), max(1, min(procs, files - lo)))
        jobs = [(seed, int(c[0]), int(c[-1]) + 1, per_file, pool) for c in chunks if len(c)]
        if len(jobs) == 1:
            _write_range(jobs[0])
        else:
            import multiprocessing
            with multiprocessing.get_context("spawn").Pool(len(jobs)) as p:
                p.map(_write_range, jobs)
    gen_s = time.perf_counter() - t0
    return [pool / f"part-{i:05d}.jsonl" for i in range(files)], gen_s


# ---------------------------------------------------------------------------------------------
# The child: the CLI, with the phase log and the _work sizes


def _dir_bytes(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def _child(out: str, log: str, argv: list[str]) -> None:
    import shutil

    import corpuskit.progress as progress_mod
    import corpuskit.runner as runner_mod
    from corpuskit.cli import main as cli_main

    logf = open(log, "a", buffering=1)
    begin = progress_mod.Progress.begin

    def logged_begin(self, label, *a, **k):
        logf.write(json.dumps({"t": time.time(), "label": label}) + "\n")
        return begin(self, label, *a, **k)

    progress_mod.Progress.begin = logged_begin
    real_rmtree = shutil.rmtree

    def rmtree(path, *a, **k):
        p = Path(path)
        if p.name == runner_mod.WORK_DIR and p.exists():
            sizes = {}
            for top in sorted(p.iterdir()):
                subs = [s for s in sorted(top.iterdir()) if s.is_dir()] if top.is_dir() else []
                if top.name.startswith("global-"):
                    for s in subs:
                        sizes[f"{top.name}/{s.name}"] = _dir_bytes(s)
                    rest = sum(f.stat().st_size for f in top.iterdir() if f.is_file())
                    sizes[f"{top.name}/(files)"] = rest
                else:
                    sizes[top.name] = _dir_bytes(top)
            logf.write(json.dumps({"t": time.time(), "label": "_work cleanup", "work_bytes": sizes}) + "\n")
        return real_rmtree(path, *a, **k)

    shutil.rmtree = rmtree  # module attribute: whichever corpuskit module removes OUT/_work goes through it
    logf.write(json.dumps({"t": time.time(), "label": "start"}) + "\n")
    try:
        cli_main.main(argv, prog_name="corpuskit", standalone_mode=False)
    finally:
        logf.write(json.dumps({"t": time.time(), "label": "end"}) + "\n")


# ---------------------------------------------------------------------------------------------
# The parent: run, sample the tree's RSS


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_one(n_docs: int, workers: int, seed: int, data: Path, interval: float = 0.2) -> dict:
    files, gen_s = corpus(n_docs, seed, data)
    n_docs = len(files) * min(DOCS_PER_FILE, n_docs)
    out = data / f"out-{n_docs}"
    log = data / f"phases-{n_docs}.jsonl"
    log.unlink(missing_ok=True)
    argv = ["dedup", *map(str, files), "-o", str(out), "--id-field", "id", "--lines", "all", "--workers", str(workers),
            "--force", "--quiet"]
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_child", str(out), str(log), json.dumps(argv)]
    samples: list[tuple[float, int]] = []
    loads: list[float] = []  # 1-minute load average, sampled with the RSS
    load0 = os.getloadavg()
    t0 = time.time()
    child = subprocess.Popen(cmd, cwd=str(ROOT))
    proc = psutil.Process(child.pid)
    with open(data / f"rss-{n_docs}.tsv", "w", buffering=1) as rss_log:  # also there if the run is cut short
        while child.poll() is None:
            samples.append((time.time(), _tree_rss(proc)))
            loads.append(os.getloadavg()[0])
            rss_log.write(f"{samples[-1][0]:.2f}\t{samples[-1][1]}\n")
            time.sleep(interval)
    wall = time.time() - t0
    load1 = os.getloadavg()
    if child.returncode != 0:
        raise SystemExit(f"corpuskit dedup failed with exit status {child.returncode} at {n_docs:,} documents")
    events = [json.loads(x) for x in log.read_text().splitlines()]
    work = next((e["work_bytes"] for e in events if "work_bytes" in e), {})
    marks = [e for e in events if "work_bytes" not in e]
    phases = []
    for a, b in zip(marks, marks[1:]):
        label = {"start": "start-up", "": "plan"}.get(a["label"], a["label"])
        rss = [r for t, r in samples if a["t"] <= t < b["t"]]
        phases.append({"phase": label, "seconds": round(b["t"] - a["t"], 2),
                       "peak_rss_mb": round(max(rss) / 2**20, 1) if rss else None})
    stats = json.loads((out / "stats.json").read_text())
    input_bytes = sum(f.stat().st_size for f in files)
    kept = stats["output"]["kept_docs"]
    removed = {st["name"]: st["docs_rejected"] for st in stats["stages"] if st["name"] != "read"}
    return {"docs": n_docs, "workers": workers, "seed": seed, "generate_s": round(gen_s, 1), "wall_s": round(wall, 2),
            "docs_per_s": round(n_docs / wall, 1), "s_per_1m": round(wall / n_docs * 1e6, 2),
            "peak_tree_rss_mb": round(max((r for _, r in samples), default=0) / 2**20, 1), "samples": len(samples),
            "loadavg_during": {"mean": round(float(np.mean(loads)), 2) if loads else None,
                               "max": round(max(loads), 2) if loads else None},
            "kept_docs": kept, "duplicates_removed": n_docs - kept, "rejected_by_stage": removed,
            "loadavg_before": [round(x, 2) for x in load0], "loadavg_after": [round(x, 2) for x in load1],
            "input_bytes": input_bytes, "kept_bytes": _dir_bytes(out / "kept"),
            "rejected_bytes": _dir_bytes(out / "rejected"), "work_bytes": work, "phases": phases,
            "stage_seconds": {st["name"]: st.get("seconds") for st in stats["stages"]},
            "phase_task_seconds": {st["name"]: st["global"].get("phase_task_seconds")
                                   for st in stats["stages"] if "global" in st},
            "stats_stages": [{k: v for k, v in st.items() if k != "global"} for st in stats["stages"]],
            "command": "corpuskit " + " ".join(argv[:1] + [f"<{len(files)} files>"] + argv[1 + len(files):])}


def _print(r: dict) -> None:
    print(f"\n== {r['docs']:,} documents ({r['input_bytes'] / 1e9:.2f} GB JSONL), {r['workers']} workers; "
          f"load average before {r['loadavg_before']}, after {r['loadavg_after']}, during (1 min) {r['loadavg_during']}")
    print(f"wall {r['wall_s']:.1f} s, {r['docs_per_s']:,.0f} docs/s, peak tree RSS {r['peak_tree_rss_mb']:,.0f} MiB; "
          f"kept {r['kept_docs']:,}, removed {r['duplicates_removed']:,} {r['rejected_by_stage']}")
    print("phase                                   seconds   peak tree RSS MiB")
    for p in r["phases"]:
        print(f"  {p['phase']:<38} {p['seconds']:8.1f}   {p['peak_rss_mb'] if p['peak_rss_mb'] is not None else '-':>8}")
    if r["work_bytes"]:
        print("_work/ bytes per document: " + ", ".join(f"{k} {v / r['docs']:.1f}" for k, v in r["work_bytes"].items()))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--_child":
        _child(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1e6,3e6,1e7", help="comma-separated document counts (1e6 notation ok)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=Path("/tmp/scale"), help="corpus cache and outputs")
    ap.add_argument("--json", type=Path, help="write the results here (default: DATA/results-SIZES.json)")
    ap.add_argument("--keep-output", action="store_true", help="keep each run's OUT directory")
    args = ap.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    rows = []
    for n in sizes:
        r = run_one(n, args.workers, args.seed, args.data)
        rows.append(r)
        _print(r)
        if not args.keep_output:
            import shutil
            shutil.rmtree(args.data / f"out-{r['docs']}", ignore_errors=True)
        out_json = args.json or args.data / f"results-{args.sizes.replace(',', '_')}.json"
        out_json.write_text(json.dumps(rows, indent=2))
    print("\n        N    wall s    docs/s  peak tree RSS MiB s per 1M docs      kept   dups removed")
    for r in rows:
        print(f"{r['docs']:>9,} {r['wall_s']:9.1f} {r['docs_per_s']:9,.0f} {r['peak_tree_rss_mb']:17,.0f} "
              f"{r['s_per_1m']:14.1f} {r['kept_docs']:>9,} {r['duplicates_removed']:>14,}")
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        print(f"linearity: time per document at {b['docs']:,} / at {a['docs']:,} = {b['s_per_1m'] / a['s_per_1m']:.2f} "
              f"(1.00 = linear); peak RSS ratio {b['peak_tree_rss_mb'] / a['peak_tree_rss_mb']:.2f}")
    print(f"results: {out_json}")


if __name__ == "__main__":
    main()
