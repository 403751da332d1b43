"""Regenerate the shipped sample crawl (pipelines/sample-crawl/) from its generator (benchmarks/samplecrawl/).

    python benchmarks/make_sample_crawl.py pipelines/sample-crawl --seed 0

The generator is tooling for tests, benchmarks and the quickstart's input, not part of the corpuskit package.
"""

from __future__ import annotations

import argparse
import json

from samplecrawl import generate  # benchmarks/ is on sys.path when this file runs


def main() -> None:
    ap = argparse.ArgumentParser(prog="python benchmarks/make_sample_crawl.py",
                                 description="Regenerate the shipped sample crawl.")
    ap.add_argument("out_dir", help="directory to write (e.g. pipelines/sample-crawl)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    counts = generate(args.out_dir, seed=args.seed)
    print(json.dumps(counts["total"], indent=1))


if __name__ == "__main__":
    main()
