"""Precision and recall of the ``pii`` stage on its labelled set, and what it finds in real text (docs/pii.md).

    python benchmarks/bench_pii.py                           # P/R per type and language, dev and held-out halves
    python benchmarks/bench_pii.py --errors                  # and every miss and false alarm
    python benchmarks/bench_pii.py --docs out/web-en/kept    # count, show and time detections in Parquet files

The labelled set is ``tests/data/pii/cases.jsonl``: one case per line, ``text`` and ``pii`` (a list of
``[LABEL, value]``: the exact text each detection must cover; no PII means a hard negative), a ``lang`` and a
``split``. The ``dev`` half was written before the detectors; the ``heldout`` half was written afterwards and never
used to change them. A detection is right when its type and its exact text match a labelled item (as a multiset
per case); precision = right / detected, recall = right / labelled.

``--docs`` reads the ``text`` column of the Parquet files under each path (a run's ``kept`` directory, say),
prints every detection with a little context, the counts per type and the speed (documents and MB per second, one
process, detection and redaction).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from corpuskit.stages.pii import PII_LABELS, PII_TYPES, find_pii, redact  # noqa: E402

CASES = HERE.parent / "tests" / "data" / "pii" / "cases.jsonl"
TARGET_PRECISION, TARGET_RECALL = 0.98, 0.95


def load_cases(path: Path = CASES) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score_cases(cases: list[dict]) -> tuple[dict, list[str]]:
    """``{(split, lang, type): [true positives, detected, labelled]}`` and a line per error."""
    label_to_type = {label: kind for kind, label in PII_LABELS.items()}
    tally: dict[tuple[str, str, str], list[int]] = {}
    errors = []
    for case in cases:
        gold = Counter((label_to_type[label], value) for label, value in case["pii"])
        found = Counter((span.kind, span.value) for span in find_pii(case["text"]))
        for kind in PII_TYPES:
            g = Counter({k: n for k, n in gold.items() if k[0] == kind})
            f = Counter({k: n for k, n in found.items() if k[0] == kind})
            row = tally.setdefault((case["split"], case["lang"], kind), [0, 0, 0])
            row[0] += sum((g & f).values())
            row[1] += sum(f.values())
            row[2] += sum(g.values())
        if gold != found:
            missed = sorted((gold - found).elements())
            extra = sorted((found - gold).elements())
            errors.append(f"{case['id']}: {case['text']!r}\n    missed {missed}  false alarms {extra}")
    return tally, errors


def ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def print_table(tally: dict) -> bool:
    """Print P/R per split, language and type; True when every cell meets the targets."""
    print(f"{'split':8} {'lang':4} {'type':12} {'P':>6} {'R':>6}  TP/detected/labelled")
    ok = True
    for split in sorted({k[0] for k in tally}):
        for lang in sorted({k[1] for k in tally}):
            for kind in PII_TYPES:
                tp, detected, labelled = tally.get((split, lang, kind), [0, 0, 0])
                if not detected and not labelled:
                    continue
                p, r = ratio(tp, detected), ratio(tp, labelled)
                ok &= p >= TARGET_PRECISION and r >= TARGET_RECALL
                print(f"{split:8} {lang:4} {kind:12} {p:6.3f} {r:6.3f}  {tp}/{detected}/{labelled}")
    return ok


def count_cases(cases: list[dict]) -> str:
    by = Counter((c["split"], c["lang"], "positive" if c["pii"] else "negative") for c in cases)
    return ", ".join(f"{s}/{lang} {n} {kind}" for (s, lang, kind), n in sorted(by.items()))


def read_texts(paths: list[str]) -> list[str]:
    import pyarrow.parquet as pq

    texts = []
    for path in paths:
        files = sorted(Path(path).rglob("*.parquet")) if Path(path).is_dir() else [Path(path)]
        for file in files:
            texts += [t for t in pq.read_table(file, columns=["text"]).column("text").to_pylist() if t]
    return texts


def scan_documents(texts: list[str], show: bool) -> None:
    counts: Counter = Counter()
    docs_with = 0
    for text in texts:
        spans = find_pii(text)
        docs_with += bool(spans)
        for span in spans:
            counts[span.kind] += 1
            if show:
                left = text[max(0, span.start - 30):span.start].replace("\n", " ")
                right = text[span.end:span.end + 20].replace("\n", " ")
                print(f"  {span.kind:12} {left}[[{span.value}]]{right}")
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    start = time.perf_counter()
    for _ in range(3):
        for text in texts:
            spans = find_pii(text)
            if spans:
                redact(text, spans)
    seconds = (time.perf_counter() - start) / 3
    print(f"{len(texts)} documents, {megabytes:.2f} MB, {docs_with} with PII: {dict(counts)}")
    print(f"speed: {len(texts) / seconds:.0f} docs/s, {megabytes / seconds:.2f} MB/s (one process, find + redact)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="print every case the detectors got wrong")
    parser.add_argument("--docs", nargs="*", default=[], help="Parquet files or directories of real documents")
    parser.add_argument("--quiet-docs", action="store_true", help="with --docs: counts and speed only")
    args = parser.parse_args()
    if args.docs:
        scan_documents(read_texts(args.docs), show=not args.quiet_docs)
        return 0
    cases = load_cases()
    print(f"{len(cases)} cases: {count_cases(cases)}")
    tally, errors = score_cases(cases)
    ok = print_table(tally)
    print(f"targets (P >= {TARGET_PRECISION}, R >= {TARGET_RECALL}) {'met' if ok else 'NOT met'} in every cell")
    if args.errors:
        print("\n".join(errors) or "no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
