"""``python -m corpuskit.samplecrawl OUT_DIR [--seed N]``: regenerate the sample crawl."""

from __future__ import annotations

import argparse
import json

from . import generate


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m corpuskit.samplecrawl", description=__doc__)
    ap.add_argument("out_dir", help="directory to write (e.g. pipelines/sample-crawl)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    counts = generate(args.out_dir, seed=args.seed)
    print(json.dumps(counts["total"], indent=1))


if __name__ == "__main__":
    main()
