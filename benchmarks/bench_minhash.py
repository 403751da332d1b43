"""MinHash signatures per second on one core, real English and Chinese text: corpuskit vs datasketch.

    python benchmarks/bench_minhash.py                    # the stage defaults: 128 permutations, 5-grams
    python benchmarks/bench_minhash.py --rounds 7 --num-perm 256
    python benchmarks/bench_minhash.py --old old_minhash.py        # also an older minhash.py: equality, speed

Data (``--data``, default ``../shared/data`` next to the project; see its README for the sets):
  en-articles  ``neardup-minhash-articles/articles_2500.train``: 2,500 news-style articles (median 253 words)
  en-wiki      ``quality-pos-wikitext2/valid.txt`` cut at its ``= Title =`` lines: whole Wikipedia articles
  zh-novels    ``zh-classics-novels`` (红楼梦, 西游记): paragraphs gathered into ~2,000-character passages

Settings are what users get by default (``MinHashDedup``): ``num_perm`` 128, seed 1, scheme "affine32"
(datasketch 2's default), word 5-grams for English and character 5-grams for Chinese.

Each round times, one after the other on the same documents: corpuskit ``MinHasher.signatures(texts)``
(normalisation + tokens + shingles + SHA-1 + permutations), datasketch's best batch API
``MinHash.bulk(shingle lists)`` and ``MinHash(...).update_batch(shingles)`` (shingles made beforehand by
``corpuskit.dedup.minhash.shingles`` and not timed: datasketch is favoured), then the same again
(A, B, A, B ...). The ratio corpuskit / best datasketch is taken per round; its median and range
are printed. Times are CPU seconds of the process (all rows are single-threaded). Every corpuskit
signature is checked against datasketch's (and, with ``--old``, the old version's) before timing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import statistics
import time
from pathlib import Path

import numpy as np

from corpuskit.dedup.minhash import MinHasher, shingles

ROOT = Path(__file__).resolve().parents[1]


def load_sets(data: Path, limit: int) -> dict[str, list[str]]:
    articles = [line.split(" ", 1)[1].strip() for line in
                (data / "neardup-minhash-articles" / "articles_2500.train").read_text(encoding="utf-8").splitlines()
                if " " in line]
    wiki_text = (data / "quality-pos-wikitext2" / "valid.txt").read_text(encoding="utf-8")
    wiki = [a.strip() for a in re.split(r"\n \= [^=\n]+ \= \n", wiki_text) if len(a.split()) > 50]
    passages, current = [], ""
    for name in ("hongloumeng.txt", "xiyouji.txt"):
        for para in (data / "zh-classics-novels" / name).read_text(encoding="utf-8").splitlines():
            current += para.strip()
            if len(current) >= 2000:
                passages.append(current)
                current = ""
    return {"en-articles": articles[:limit], "en-wiki": wiki[:limit], "zh-novels": passages[:limit]}


def seconds(fn) -> float:
    """CPU seconds of this process (single-threaded work): less disturbed than wall time when other
    processes share the cores."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def datasketch_rows(shingle_lists, num_perm: int):
    from datasketch import MinHash  # dev dependency: only the benchmark and the tests use it

    def bulk():
        MinHash.bulk(shingle_lists, num_perm=num_perm, seed=1)

    def update_batch():
        for items in shingle_lists:
            MinHash(num_perm=num_perm, seed=1).update_batch(items)

    def check(signatures):
        for items, row in zip(shingle_lists, signatures):
            m = MinHash(num_perm=num_perm, seed=1)
            m.update_batch(items)
            assert np.array_equal(m.hashvalues, row), "signature differs from datasketch"

    return bulk, update_batch, check


def load_old(path: str):
    spec = importlib.util.spec_from_file_location("minhash_old", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_set(name: str, docs: list[str], args, old) -> None:
    shingle_lists = [shingles(d) for d in docs]
    per_doc = sum(map(len, shingle_lists)) / len(docs)
    new = MinHasher(num_perm=args.num_perm, seed=1)
    bulk, update_batch, check = datasketch_rows(shingle_lists, args.num_perm)
    check(new.signatures(docs))
    timed = {"corpuskit": lambda: new.signatures(docs), "datasketch bulk": bulk,
             "datasketch update_batch": update_batch}
    if old is not None:
        previous = old.MinHasher(num_perm=args.num_perm, seed=1)
        assert np.array_equal(previous.signatures(docs), new.signatures(docs)), "differs from the old version"
        timed["corpuskit (old)"] = lambda: previous.signatures(docs)
    times = {k: [] for k in timed}
    for _ in range(args.rounds):
        for key, fn in timed.items():
            times[key].append(seconds(fn))
    ratios = [min(b, u) / c for c, b, u in zip(times["corpuskit"], times["datasketch bulk"],
                                                times["datasketch update_batch"])]
    print(f"[{name}] {len(docs)} documents, {per_doc:.0f} shingles/document; equal to datasketch: yes"
          + ("; equal to the old version: yes" if old is not None else ""))
    for key, t in times.items():
        print(f"  {key:26s} {len(docs) / statistics.median(t):9.0f} docs/s (median of {args.rounds})")
    print(f"  corpuskit / best datasketch: median {statistics.median(ratios):.2f}x, "
          f"range {min(ratios):.2f}-{max(ratios):.2f}x")
    if old is not None:
        speedup = [o / c for o, c in zip(times["corpuskit (old)"], times["corpuskit"])]
        print(f"  corpuskit new / old: median {statistics.median(speedup):.2f}x, "
              f"range {min(speedup):.2f}-{max(speedup):.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--docs", type=int, default=1000, help="documents per set (at most)")
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=5, help="paired rounds (A, B, A, B ...)")
    ap.add_argument("--old", help="path of another minhash.py to compare with (equality and speed)")
    args = ap.parse_args()
    old = load_old(args.old) if args.old else None
    print(f"{args.num_perm} permutations, 5-gram shingles, one process; load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")
    for name, docs in load_sets(args.data, args.docs).items():
        bench_set(name, docs, args, old)
        print()


if __name__ == "__main__":
    main()
