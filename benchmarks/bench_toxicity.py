"""Precision of the shipped toxicity models on held-out data, at web base rates (issue 16).

    python benchmarks/bench_toxicity.py                # both models, 3 worst examples per set and level
    python benchmarks/bench_toxicity.py --lang zh --examples 8 --json out.json

For each shipped model (corpuskit/models/toxicity-{en,zh}) at its model-card threshold, on the *evaluate*
parts of benchmarks/_toxicity_data.py (text never trained on and never used to choose anything):

* the toxic data set (Davidson 15 % of train.csv / COLD half of dev.csv): F1, precision, recall at the
  set's own prevalence, ROC-AUC, and the precision at a 5 % prevalence (the set's clean part re-weighted);
* every good set (zh laws, novels, poems, classical prose, eval pages' gold text; wikitext, Gutenberg, speeches,
  news, eval pages' gold text): the false-positive rate of sentences (cut after 。！？!? and .), paragraphs (lines)
  and documents, with the highest-scoring examples; the precision at 5 % prevalence against this mix;
* how a document should be scored: the false positives of documents scored whole, by their highest line, and
  whole confirmed by a line (the toxicity stage's rule: min(whole, highest line)), and the recall of each on
  the toxic set;
* English: the 101 Jigsaw comments (Wikipedia talk pages) as a small out-of-domain check.

Reads ../shared/data only (skips when absent). The figures are the ones MODELS.md reports.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import _toxicity_data as TD  # noqa: E402
from corpuskit.classifier import TextClassifier  # noqa: E402
from corpuskit.models import default_model_path  # noqa: E402

TARGET_FP_PCT = 1.0


def doc_scoring(clf, lang: str) -> dict:
    """Document-level false positives (evaluate parts of the good sets) and toxic-set recall, per way of
    scoring a document."""
    th = clf.threshold

    def ways(texts):
        whole = clf.predict_proba(texts)
        paras = [TD.paragraphs(t) or [t] for t in texts]
        flat = [p for ps in paras for p in ps]
        sc = clf.predict_proba(flat) if flat else np.zeros(0)
        best, k = [], 0
        for ps in paras:
            best.append(float(sc[k:k + len(ps)].max()))
            k += len(ps)
        best = np.array(best)
        return {"whole": whole, "highest line": best, "whole confirmed by a line": np.minimum(whole, best)}

    pos, _ = TD.toxic_split(lang)["evaluate"]
    out = {"toxic recall": {k: round(float((v >= th).mean()), 4) for k, v in ways(pos).items()}}
    for name, docs in TD.benign_docs(lang).items():
        texts = [d.text for d in docs if d.part == "evaluate"]
        if texts:
            out[f"{name} FP % ({len(texts)} docs)"] = {k: round(100 * float((v >= th).mean()), 2)
                                                      for k, v in ways(texts).items()}
    return out


def report(lang: str, examples: int) -> dict:
    path = default_model_path("toxicity", lang)
    clf = TextClassifier.load(path)
    t0 = time.perf_counter()
    ev = TD.evaluate(clf, lang, examples=examples)
    ev["document_scoring"] = doc_scoring(clf, lang)
    ev["seconds"] = round(time.perf_counter() - t0, 1)
    card = clf.card
    print(f"\n=== toxicity-{lang}: threshold {clf.threshold:.4f} ({card.threshold_policy}; {card.threshold_method})")
    t = ev["toxic_set"]
    a = t["at_threshold"]
    print(f"toxic set, evaluate part ({t['toxic']} toxic / {t['clean']} clean): F1 {a['f1']:.4f}  P {a['precision']:.4f}  "
          f"R {a['recall']:.4f}  ROC-AUC {t['roc_auc']:.4f}  (F1 at 0.5: {t['at_0.5']['f1']:.4f})")
    print(f"precision at 5 % prevalence: {t['precision_at_5pct']:.4f} against the set's clean part, "
          f"{ev['precision_at_5pct_benign_mix']:.4f} against the good sets (each set and level the same weight)")
    if "jigsaw_sample" in ev:
        j = ev["jigsaw_sample"]
        print(f"Jigsaw sample ({j['toxic']} toxic / {j['clean']} clean): F1 {j['at_threshold']['f1']:.4f} "
              f"P {j['at_threshold']['precision']:.4f} R {j['at_threshold']['recall']:.4f}")
    print(f"\n{'good set (evaluate part)':24} {'sentences':>18} {'paragraphs':>18} {'documents':>16}  target <= 1 %")
    for name, b in ev["benign"].items():
        cells = []
        for level, width in (("sentence", 18), ("paragraph", 18), ("document", 16)):
            x = b.get(level)
            cells.append(f"{x['fp_pct']:.2f}% of {x['units']}".rjust(width) if x else "-".rjust(width))
        worst = max((b[lv]["fp_pct"] for lv in ("sentence", "paragraph") if lv in b), default=0.0)
        ok = ("ok" if worst <= TARGET_FP_PCT else "MISS") if b["issue_target"] else "(not a target set)"
        print(f"{name:24} {' '.join(cells)}  {ok}")
    print("\ndocument scoring (evaluate parts; FP % of documents, recall on the toxic set):")
    for k, v in ev["document_scoring"].items():
        print(f"  {k:36} " + "  ".join(f"{w}: {x}" for w, x in v.items()))
    if examples:
        print(f"\nhighest-scoring good text (evaluate parts; threshold {clf.threshold:.4f}):")
        for name, levels in ev["worst"].items():
            for level, rows in levels.items():
                for score, doc_id, text in rows:
                    flag = "FP" if score >= clf.threshold else "  "
                    short = " ".join(text.split())[:110]
                    print(f"  {flag} {score:.3f} {name}/{level} {doc_id}: {short}")
    print(f"({ev['seconds']} s)")
    return ev


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="en,zh")
    ap.add_argument("--examples", type=int, default=3, help="highest-scoring good units shown per set and level")
    ap.add_argument("--json", type=Path, help="write all figures (and the examples) here")
    args = ap.parse_args(argv)
    if not TD.DATA.is_dir():
        print(f"skipped: {TD.DATA} not found (the shared data sets are not here)")
        return 0
    results = {lang: report(lang, args.examples) for lang in args.lang.split(",") if lang}
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
