"""Prediction throughput of the shipped classifiers, in documents per second on one core.

    python benchmarks/bench_classifier.py [--docs 4000] [--doc-bytes 5000]

Documents of about 5 KB are built from ../shared/data (English: Gutenberg text; Chinese: a
classical novel) where present, otherwise from generated text. Everything runs in this one process
(fastText's list predict is single-threaded), so docs/s is per core. Normalisation (NFKC, splitting,
truncation to the model's max_tokens) is included in the time.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpuskit.classifier import TextClassifier  # noqa: E402
from corpuskit.models import default_model_path  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def documents(lang: str, n: int, doc_bytes: int) -> list[str]:
    rng = random.Random(0)
    src = (DATA / "quality-pos-gutenberg" / "pg1661-adventures-of-sherlock-holmes.txt" if lang == "en"
           else DATA / "zh-classics-novels" / "xiyouji.txt")
    if src.exists():
        text = src.read_text(encoding="utf-8-sig", errors="replace")
    else:
        words = ("the of and to in a is that for it as was with be by on not he this are or his from at which "
                 "but have an they you were her she there been one all we their").split() if lang == "en" else \
            list("的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后")
        sep = " " if lang == "en" else ""
        text = sep.join(rng.choice(words) for _ in range(400_000))
    raw = text.encode("utf-8")
    docs = []
    for _ in range(n):
        start = rng.randrange(0, max(len(raw) - doc_bytes, 1))
        docs.append(raw[start:start + doc_bytes].decode("utf-8", "ignore"))
    return docs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=4000)
    ap.add_argument("--doc-bytes", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3, help="best of N timed runs")
    args = ap.parse_args(argv)
    results = {}
    for kind in ("toxicity", "quality"):
        for lang in ("en", "zh"):
            clf = TextClassifier.load(default_model_path(kind, lang))
            docs = documents(lang, args.docs, args.doc_bytes)
            clf.predict_proba(docs[:100])  # warm up
            best = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                clf.predict_proba(docs)
                best = min(best, time.perf_counter() - t0)
            mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
            results[f"{kind}-{lang}"] = {"docs_per_s": round(len(docs) / best), "mb_per_s": round(mb / best, 1),
                                         "model_bytes": Path(clf.path).stat().st_size,
                                         "max_tokens": clf.card.hyperparameters.get("max_tokens")}
            print(f"{kind}-{lang}: {len(docs) / best:,.0f} docs/s per core ({mb / best:.1f} MB/s) "
                  f"on {args.doc_bytes}-byte documents", flush=True)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
