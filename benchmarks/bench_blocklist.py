"""Speed of the toxicity stage's block-list matching: the former regular expressions against the matchers that
replaced them (a word-set look-up for the English list, a character trie for the Chinese ones), on
real English and Chinese documents of ../shared/data, and the stage's own time with each.

    python benchmarks/bench_blocklist.py              # 7 paired rounds (A, B, A, B, ...)
    python benchmarks/bench_blocklist.py --rounds 11

Each round times the old and then the new matcher over the same documents (``BlockList.hits`` one document at a
time, as the stage calls it); the order alternates from round to round so that drift in the machine's load falls
on both. Reported: the median time per set, the spread (min-max) over the rounds, MB/s (UTF-8 bytes), and the
median of the per-round speed-ups. Before timing, both give the same hits for every document.

The stage part runs ``ToxicityFilter.process`` (mode ``drop``, the shipped fastText models) on a batch of each
language with either block-list matcher, and reports how much of the stage's time the block list takes.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

import pyarrow as pa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from corpuskit.stages.toxicity import BlockList, ToxicityFilter  # noqa: E402
from tests.test_blocklist_matcher import ReferenceBlockList, _shipped_lists  # noqa: E402  (the former matcher)

DATA = HERE.parent.parent / "shared" / "data"


def _csv_column(path: Path, column: str) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [row[column] for row in csv.DictReader(f)]


def _chunks(text: str, lines: int) -> list[str]:
    rows = text.splitlines()
    return ["\n".join(rows[i:i + lines]) for i in range(0, len(rows), lines)]


def document_sets() -> dict[str, tuple[str, list[str]]]:
    """name -> (language, documents): toxic tweets / comments, and good text cut into page-sized documents."""
    good_en = _chunks((DATA / "quality-pos-wikitext2" / "valid.txt").read_text(encoding="utf-8"), 60)
    for book in sorted((DATA / "quality-pos-gutenberg").glob("*.txt")):
        good_en += _chunks(book.read_text(encoding="utf-8-sig"), 60)
    good_zh = []
    for law in sorted((DATA / "quality-pos-zh-laws").glob("*.md")):
        good_zh += _chunks(law.read_text(encoding="utf-8"), 60)
    for novel in sorted((DATA / "zh-classics-novels").glob("*.txt")):
        good_zh += _chunks(novel.read_text(encoding="utf-8"), 20)
    cold = _csv_column(DATA / "toxic-cold-zh" / "train.csv", "TEXT") + _csv_column(DATA / "toxic-cold-zh" / "dev.csv", "TEXT")
    return {
        "en toxic tweets (davidson)": ("en", _csv_column(DATA / "toxic-davidson-hate-offensive" / "train.csv", "tweet")),
        "en good (wikitext, gutenberg)": ("en", good_en),
        "zh toxic comments (cold)": ("zh", cold),
        "zh good (laws, novels)": ("zh", good_zh),
    }


def _time_hits(matcher, documents: list[str]) -> float:
    start = time.perf_counter()
    for document in documents:
        matcher.hits(document)
    return time.perf_counter() - start


def paired_rounds(run_old, run_new, rounds: int) -> tuple[list[float], list[float]]:
    """Times of run_old and run_new, A,B then B,A alternately, one pair per round."""
    old, new = [], []
    for round_number in range(rounds):
        if round_number % 2 == 0:
            old.append(run_old())
            new.append(run_new())
        else:
            new.append(run_new())
            old.append(run_old())
    return old, new


def _summary(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:8.1f} ms ({min(times) * 1000:.1f}-{max(times) * 1000:.1f})"


def bench_matchers(sets, old_matcher, new_matcher, rounds: int) -> None:
    print(f"{'set':32} {'docs':>6} {'MB':>6}   {'old: median (min-max)':>28} {'MB/s':>6}   "
          f"{'new: median (min-max)':>28} {'MB/s':>6}   speed-up (min-max)")
    for name, (_, documents) in sets.items():
        for document in documents:  # the same hits, or the timing means nothing
            assert new_matcher.hits(document) == old_matcher.hits(document), document[:200]
        megabytes = sum(len(d.encode("utf-8")) for d in documents) / 1e6
        old, new = paired_rounds(lambda: _time_hits(old_matcher, documents),
                                 lambda: _time_hits(new_matcher, documents), rounds)
        ratios = [a / b for a, b in zip(old, new)]
        print(f"{name:32} {len(documents):6} {megabytes:6.2f}   {_summary(old):>28} "
              f"{megabytes / statistics.median(old):6.1f}   {_summary(new):>28} "
              f"{megabytes / statistics.median(new):6.1f}   {statistics.median(ratios):5.1f}x "
              f"({min(ratios):.1f}-{max(ratios):.1f})")


def bench_stage(sets, old_matcher, new_matcher, rounds: int, batch_size: int) -> None:
    """ToxicityFilter.process on one batch per language, with each matcher; the block list's share of it."""
    stage = ToxicityFilter()
    stage.setup()
    print(f"\nToxicityFilter.process (drop), {batch_size} documents a batch: median (min-max) over {rounds} paired rounds")
    for language in ("en", "zh"):
        documents = [d for lang, docs in sets.values() if lang == language for d in docs[:batch_size // 2]]
        table = pa.table({"id": [f"d{i}" for i in range(len(documents))], "text": documents,
                          "language": [language] * len(documents)})

        def process_with(matcher):
            stage._blocklist = matcher
            start = time.perf_counter()
            stage.process(table)
            return time.perf_counter() - start

        old, new = paired_rounds(lambda: process_with(old_matcher), lambda: process_with(new_matcher), rounds)
        old_hits, new_hits = paired_rounds(lambda: _time_hits(old_matcher, documents),
                                           lambda: _time_hits(new_matcher, documents), rounds)
        for label, stage_times, hit_times in (("old", old, old_hits), ("new", new, new_hits)):
            share = statistics.median(hit_times) / statistics.median(stage_times)
            print(f"  {language} {label}: stage {_summary(stage_times)}, block list {_summary(hit_times)}: "
                  f"{share:.0%} of the stage")
        print(f"  {language}: stage speed-up {statistics.median(a / b for a, b in zip(old, new)):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--batch", type=int, default=2000, help="documents per language in the stage timing")
    args = parser.parse_args()
    lists = _shipped_lists()
    old_matcher, new_matcher = ReferenceBlockList(*lists), BlockList(*lists)
    sets = document_sets()
    bench_matchers(sets, old_matcher, new_matcher, args.rounds)
    bench_stage(sets, old_matcher, new_matcher, args.rounds, args.batch)


if __name__ == "__main__":
    main()
