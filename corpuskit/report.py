"""The run report: ``report.json`` with the numbers of a finished run, and ``report.html``, one self-contained page
(charts as inline SVG, no scripts, fonts or images fetched: it opens offline, in any browser, years later).

What a data team looks at after a run, and when tuning it:

- the **funnel**: documents and text bytes into and out of every stage (and tokens at the end);
- **drops per rule**: each rejection reason with its count, the stage's parameters (its thresholds) and the first
  few rejected documents, so a threshold can be judged on what it removes;
- **score histograms** (language score, quality, toxicity, document length), kept and rejected side by side;
- **duplicate clusters**: the size distribution of near-duplicate clusters;
- the **tokenizer** (kind, vocabulary, documents and tokens per split) and, when the pipeline trained a GPT, its
  **loss curve** and samples.

``compare_reports`` puts two (or more) runs side by side — the ablation done when a threshold changes: documents and
tokens kept, validation loss, and each stage's kept count.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from .charts import KEPT, REJECTED, _e, _num, svg_hbars, svg_histogram, svg_lines
from .errors import CorpuskitError
from .fileio import escape_surrogates, write_text_atomic

EXAMPLES_PER_REASON = 3
EXAMPLE_CHARS = 400
BINS = 20
SCORES = {  # column -> (title, low, high); document length is added from the text
    "language_score": ("language score (share of the document in its language)", 0.0, 1.0),
    "quality_score": ("quality score (P(high quality))", 0.0, 1.0),
    "toxicity_score": ("toxicity score (P(toxic))", 0.0, 1.0),
}
LENGTH_EDGES = [0, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, math.inf]
COLORS = {"kept": KEPT, "rejected": REJECTED, "bar": "#1c7ed6", "val": "#e8590c", "train": "#1c7ed6"}
SERIES = ["#1c7ed6", "#e8590c", "#2b8a3e", "#862e9c"]


# ---------------------------------------------------------------------------------------------
# Numbers


def _row_batches(directory: Path, columns: list[str]):
    """``(rows, text_at)`` batches of a kept/ or rejected/ directory, Parquet or JSONL(.gz): ``rows`` are dicts of
    ``columns`` with the text's length in characters as ``_chars`` instead of the text, and ``text_at(i)`` gives
    row i's text — only a few examples need it, so Parquet texts are not turned into Python strings."""
    import gzip

    fields = [c for c in columns if c != "text"]
    for f in sorted(directory.glob("part-*")):
        if f.suffix == ".parquet":
            pf = pq.ParquetFile(f)
            names = pf.schema_arrow.names
            have = [c for c in fields if c in names] + (["text"] if "text" in names else [])
            for batch in pf.iter_batches(batch_size=4096, columns=have):
                if "text" not in names:
                    yield batch.to_pylist(), lambda i: None
                    continue
                texts = batch.column("text")
                rows = batch.drop_columns(["text"]).to_pylist()
                for r, n in zip(rows, pc.utf8_length(texts).to_pylist()):
                    r["_chars"] = n
                yield rows, lambda i, texts=texts: texts[i].as_py()
        elif f.name.endswith((".jsonl", ".jsonl.gz")):
            opener = gzip.open if f.name.endswith(".gz") else open
            with opener(f, "rt", encoding="utf-8") as fh:
                rows, texts = [], []
                for line in fh:
                    r = json.loads(line)
                    text = r.get("text") if isinstance(r.get("text"), str) else None
                    rows.append({**{c: r.get(c) for c in fields}, "_chars": None if text is None else len(text)})
                    texts.append(text)
                    if len(rows) == 4096:
                        yield rows, texts.__getitem__
                        rows, texts = [], []
                if rows:
                    yield rows, texts.__getitem__


def _bin_index(value: float, low: float, high: float) -> int:
    return min(BINS - 1, max(0, int((value - low) / (high - low) * BINS)))


def _length_bin(n: int) -> int:
    return next(i for i in range(len(LENGTH_EDGES) - 1) if n < LENGTH_EDGES[i + 1])


def _find_training_run(out: Path) -> Path | None:
    runs = sorted(p.parent for p in out.glob("*/ckpt.npz") if (p.parent / "log.jsonl").exists())
    return runs[0] if runs else None


def build_report(out_dir: str | Path) -> dict:
    """The numbers of a finished run in ``out_dir`` (its stats.json, rows, meta.json and training run)."""
    out = Path(out_dir)
    stats_path = out / "stats.json"
    if not stats_path.exists():
        raise CorpuskitError(f"{stats_path} not found: give the output directory of a finished run")
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8")) if (out / "meta.json").exists() else None

    funnel = [{k: s.get(k) for k in ("name", "docs_in", "docs_kept", "docs_rejected", "docs_added", "bytes_in",
                                     "bytes_kept", "seconds")} for s in stats["stages"]]
    if meta is not None:
        # tokens are counted once, by the tokenize stage; earlier stages' tokens are estimated from their text
        # bytes at the tokens-per-byte ratio measured there
        total = sum(meta["tokens"].values())
        at = next((f for f in funnel if f["name"] == "tokenize"), None)
        ratio = total / at["bytes_kept"] if at and at["bytes_kept"] else None
        for f in funnel:
            if f["name"] == "tokenize":
                f["tokens"] = total
            if ratio is not None:
                f["tokens_in_estimated"] = round(f["bytes_in"] * ratio)
                f["tokens_kept_estimated"] = round(f["bytes_kept"] * ratio)

    # drops per rule, with the stage's parameters and a few examples
    rules, where = [], {}
    for s in stats["stages"]:
        for reason, count in sorted(s["rejected_by_reason"].items(), key=lambda kv: (-kv[1], kv[0])):
            where[(s["name"], reason)] = len(rules)
            rules.append({"stage": s["name"], "reason": reason, "count": count,
                          "share_of_stage_input": count / s["docs_in"] if s["docs_in"] else 0.0,
                          "params": s.get("params"), "examples": []})

    hist = {c: {"title": t, "low": lo, "high": hi, "kept": [0] * BINS, "rejected": [0] * BINS}
            for c, (t, lo, hi) in SCORES.items()}
    hist["length_chars"] = {"title": "document length (characters)", "edges": LENGTH_EDGES[:-1],
                            "kept": [0] * (len(LENGTH_EDGES) - 1), "rejected": [0] * (len(LENGTH_EDGES) - 1)}
    columns = ["id", "url", "text", "rejected_by", "reason", *SCORES]
    for side in ("kept", "rejected"):
        for rows, text_at in _row_batches(out / side, columns):
            for i, r in enumerate(rows):
                for c, (_, lo, hi) in SCORES.items():
                    v = r.get(c)
                    if v is not None and v == v:
                        hist[c][side][_bin_index(float(v), lo, hi)] += 1
                if r.get("_chars") is not None:
                    hist["length_chars"][side][_length_bin(r["_chars"])] += 1
                if side == "rejected":
                    k = where.get((r.get("rejected_by"), r.get("reason")))
                    if k is not None and len(rules[k]["examples"]) < EXAMPLES_PER_REASON:
                        text = text_at(i) or ""
                        rules[k]["examples"].append({"id": r.get("id"), "url": r.get("url"),
                                                     "text": text[:EXAMPLE_CHARS],
                                                     "truncated": len(text) > EXAMPLE_CHARS})
    hist = {k: v for k, v in hist.items() if sum(v["kept"]) + sum(v["rejected"])}

    dedup = [{"stage": s["name"], **{k: s["global"].get(k) for k in ("threshold", "bands", "rows", "clusters",
                                                                     "duplicates", "cluster_sizes")}}
             for s in stats["stages"] if isinstance(s.get("global"), dict) and "cluster_sizes" in s["global"]]

    tokenizer = None
    if meta is not None:
        tokenizer = {**meta["tokenizer"], "documents": meta["documents"], "tokens": meta["tokens"]}

    training = None
    run = _find_training_run(out)
    if run is not None:
        log = [json.loads(line) for line in (run / "log.jsonl").read_text(encoding="utf-8").splitlines() if line]
        evals = [{"step": h["step"], "train_loss": h["train_loss"], "val_loss": h["val_loss"]}
                 for h in log if "val_loss" in h]
        samples_path = run / "samples.jsonl"
        training = {
            "run_dir": run.name,
            "loss": [[h["step"], h["loss"]] for h in log if "loss" in h],
            "eval": evals,
            "final_val_loss": evals[-1]["val_loss"] if evals else None,
            "tokens_per_s": [h["tokens_per_s"] for h in log if "tokens_per_s" in h][-1:] or None,
            "samples": [json.loads(line) for line in samples_path.read_text(encoding="utf-8").splitlines()]
            if samples_path.exists() else [],
        }

    return {
        "format": "corpuskit-report/1", "run": str(out), "pipeline": stats.get("pipeline"),
        "corpuskit_version": stats.get("corpuskit_version"), "fingerprint": stats.get("fingerprint"),
        "finished": stats.get("finished"), "wall_seconds": stats.get("wall_seconds"),
        "input": stats.get("input"),
        "documents": {"read": stats["stages"][0]["docs_in"] if stats["stages"] else 0,
                      "kept": stats["output"]["kept_docs"], "rejected": stats["output"]["rejected_docs"]},
        "tokens": sum(meta["tokens"].values()) if meta else None,
        "funnel": funnel, "rules": rules, "histograms": hist, "dedup": dedup, "tokenizer": tokenizer,
        "training": training, "errors": stats.get("errors", []),
    }


def compare_reports(reports: list[dict]) -> dict:
    """Runs side by side: what was kept, how many tokens, the validation loss, and each stage's kept count."""
    names = [r["pipeline"] or r["run"] for r in reports]
    stages: list[str] = []
    for r in reports:
        for f in r["funnel"]:
            if f["name"] not in stages:
                stages.append(f["name"])
    return {
        "format": "corpuskit-comparison/1", "runs": [r["run"] for r in reports], "names": names,
        "documents_kept": [r["documents"]["kept"] for r in reports],
        "documents_read": [r["documents"]["read"] for r in reports],
        "tokens": [r["tokens"] for r in reports],
        "val_loss": [r["training"]["final_val_loss"] if r["training"] else None for r in reports],
        "stages": [{"name": s, "docs_kept": [next((f["docs_kept"] for f in r["funnel"] if f["name"] == s), None)
                                              for r in reports]} for s in stages],
        "loss_curves": [r["training"]["eval"] if r["training"] else [] for r in reports],
        "reports": reports,
    }


# ---------------------------------------------------------------------------------------------
# Charts: inline SVG


# ---------------------------------------------------------------------------------------------
# Pages

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC",sans-serif;
margin:2em auto;max-width:980px;color:#212529;line-height:1.45;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #dee2e6}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}td,th{border:1px solid #dee2e6;padding:.25em .6em;
text-align:right;vertical-align:top}th{background:#f1f3f5}td.l,th.l{text-align:left}
svg.chart{display:block;margin:1em 0;max-width:100%;height:auto}
details{margin:.2em 0}pre{white-space:pre-wrap;background:#f8f9fa;padding:.5em;font-size:.85em;margin:.3em 0}
code{font-size:.9em}.muted{color:#868e96}
"""


def _page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>\n" + "\n".join(body)
            + "\n</body></html>\n")


def _params_text(params: dict | None) -> str:
    if not params:
        return ""
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in params.items() if v is not None)


def render_html(report: dict) -> str:
    r = report
    docs = r["documents"]
    kept_pct = f"{100 * docs['kept'] / docs['read']:.1f}" if docs["read"] else _num(None)  # nothing read: no share
    body = [f"<h1>corpuskit run report: {_e(r['pipeline'])}</h1>",
            f"<p class=\"muted\">{_e(r['run'])} · corpuskit {_e(r['corpuskit_version'])} · fingerprint "
            f"{_e(r['fingerprint'])} · finished {_e(r['finished'])} · {r['wall_seconds'] or 0:.1f} s</p>",
            "<table><tr><th class=l>documents read</th><th>kept</th><th>rejected</th><th>kept %</th>"
            "<th>tokens</th><th>validation loss</th></tr>"
            f"<tr><td>{docs['read']:,}</td><td>{docs['kept']:,}</td><td>{docs['rejected']:,}</td>"
            f"<td>{kept_pct}</td><td>{_num(r['tokens'])}</td>"
            f"<td>{_num(r['training']['final_val_loss'] if r['training'] else None)}</td></tr></table>"]

    f = r["funnel"]
    body.append("<h2>Funnel</h2>")
    body.append(svg_hbars("documents through the stages", [s["name"] for s in f],
                          [("documents in", [s["docs_in"] for s in f], "#adb5bd"),
                           ("kept", [s["docs_kept"] for s in f], COLORS["kept"])]))
    if all("tokens_kept_estimated" in s for s in f):
        body.append(svg_hbars("tokens through the stages (≈ before tokenize: text bytes × its tokens per byte)",
                              [s["name"] for s in f],
                              [("tokens in", [s["tokens_in_estimated"] for s in f], "#adb5bd"),
                               ("tokens kept", [s["tokens_kept_estimated"] for s in f], COLORS["bar"])]))
    else:
        body.append(svg_hbars("text through the stages (MB)", [s["name"] for s in f],
                              [("MB in", [s["bytes_in"] / 1e6 for s in f], "#adb5bd"),
                               ("MB kept", [s["bytes_kept"] / 1e6 for s in f], COLORS["bar"])],
                              value_fmt=lambda v: f"{v:,.2f}"))
    rows = "".join(f"<tr><td class=l>{_e(s['name'])}</td><td>{s['docs_in']:,}</td><td>{s['docs_kept']:,}</td>"
                   f"<td>{s['docs_rejected']:,}</td><td>{s['bytes_in'] / 1e6:,.2f}</td>"
                   f"<td>{s['bytes_kept'] / 1e6:,.2f}</td><td>{_num(s.get('tokens_kept_estimated'))}</td>"
                   f"<td>{s['seconds']:.2f}</td></tr>" for s in f)
    body.append("<table><tr><th class=l>stage</th><th>in</th><th>kept</th><th>rejected</th><th>MB in</th>"
                f"<th>MB kept</th><th>tokens kept (≈)</th><th>seconds</th></tr>{rows}</table>")

    body.append("<h2>Drops per rule</h2>")
    if r["rules"]:
        body.append(svg_hbars("rejected documents per reason", [x["reason"] for x in r["rules"]],
                              [("rejected", [x["count"] for x in r["rules"]], COLORS["rejected"])]))
        for x in r["rules"]:
            ex = "".join(f"<pre>{_e(e['id'])} {_e(e['url'] or '')}\n{_e(e['text'])}{'…' if e['truncated'] else ''}"
                         "</pre>" for e in x["examples"])
            body.append(f"<details><summary><b>{_e(x['reason'])}</b> — {x['count']:,} "
                        f"({100 * x['share_of_stage_input']:.1f} % of what reached {_e(x['stage'])})</summary>"
                        f"<p class=muted>{_e(x['stage'])}: {_e(_params_text(x['params']))}</p>{ex}</details>")
    else:
        body.append("<p>No document was rejected.</p>")

    if r["histograms"]:
        body.append("<h2>Scores</h2>")
        for col, h in r["histograms"].items():
            if "edges" in h:
                labels = [f"<{LENGTH_EDGES[i + 1]:,}" if i < len(h["edges"]) - 1 else f"≥{h['edges'][-1]:,}"
                          for i in range(len(h["edges"]))]
            else:
                step = (h["high"] - h["low"]) / BINS
                labels = [f"{h['low'] + i * step:.2f}" for i in range(BINS)]
            body.append(svg_histogram(h["title"], labels, h["kept"], h["rejected"]))

    for d in r["dedup"]:
        sizes = sorted(((int(k), v) for k, v in (d["cluster_sizes"] or {}).items()), key=lambda kv: kv[0])
        body.append(f"<h2>Duplicate clusters ({_e(d['stage'])})</h2>")
        body.append(f"<p>threshold {_num(d['threshold'])}, {d['bands']} bands × {d['rows']} rows: "
                    f"{_num(d['clusters'])} clusters, {_num(d['duplicates'])} duplicates removed.</p>")
        if sizes:
            body.append(svg_hbars("clusters by size (documents per cluster)", [str(k) for k, _ in sizes],
                                  [("clusters", [v for _, v in sizes], COLORS["bar"])]))

    if r["tokenizer"]:
        t = r["tokenizer"]
        body.append("<h2>Tokenizer</h2>")
        body.append(f"<table><tr><th class=l>kind</th><th>vocabulary</th><th>dtype</th><th>documents train / val"
                    f"</th><th>tokens train / val</th><th class=l>SHA-256</th></tr><tr><td class=l>{_e(t['kind'])}"
                    f"</td><td>{t['vocab_size']:,}</td><td>{_e(t['token_dtype'])}</td>"
                    f"<td>{t['documents']['train']:,} / {t['documents']['val']:,}</td>"
                    f"<td>{t['tokens']['train']:,} / {t['tokens']['val']:,}</td><td class=l><code>"
                    f"{_e(t['sha256'][:16])}…</code></td></tr></table>")

    if r["training"]:
        tr = r["training"]
        body.append(f"<h2>Training ({_e(tr['run_dir'])})</h2>")
        body.append(svg_lines("loss", [("train (batch)", [tuple(p) for p in tr["loss"]], COLORS["train"]),
                                       ("validation", [(e["step"], e["val_loss"]) for e in tr["eval"]],
                                        COLORS["val"])]))
        for s in tr["samples"]:
            body.append(f"<p class=muted>sample, prompt {_e(json.dumps(s['prompt'], ensure_ascii=False))}, "
                        f"seed {s['seed']}</p><pre>{_e(s['prompt'])}{_e(s['text'])}</pre>")
    if r["errors"]:
        body.append("<h2>Input errors</h2><ul>" + "".join(f"<li>{_e(json.dumps(e, ensure_ascii=False))}</li>"
                                                         for e in r["errors"]) + "</ul>")
    return _page(f"corpuskit report: {r['pipeline']}", body)


def render_comparison_html(cmp: dict) -> str:
    names = cmp["names"]
    colors = [SERIES[i % len(SERIES)] for i in range(len(names))]
    head = "".join(f"<th>{_e(n)}</th>" for n in names)

    def row(label, values):
        return f"<tr><td class=l>{_e(label)}</td>" + "".join(f"<td>{_num(v)}</td>" for v in values) + "</tr>"

    body = [f"<h1>corpuskit: {' vs '.join(_e(n) for n in names)}</h1>",
            "<p class=muted>" + " · ".join(_e(r) for r in cmp["runs"]) + "</p>",
            f"<table><tr><th class=l></th>{head}</tr>", row("documents read", cmp["documents_read"]),
            row("documents kept", cmp["documents_kept"]), row("tokens", cmp["tokens"]),
            row("validation loss", cmp["val_loss"]), "</table>",
            "<h2>Kept per stage</h2>",
            svg_hbars("documents kept after each stage", [s["name"] for s in cmp["stages"]],
                      [(n, [s["docs_kept"][i] for s in cmp["stages"]], colors[i]) for i, n in enumerate(names)]),
            f"<table><tr><th class=l>stage</th>{head}</tr>"
            + "".join(row(s["name"], s["docs_kept"]) for s in cmp["stages"]) + "</table>"]
    curves = [(n, [(e["step"], e["val_loss"]) for e in c], colors[i])
              for i, (n, c) in enumerate(zip(names, cmp["loss_curves"])) if c]
    if curves:
        body += ["<h2>Validation loss</h2>", svg_lines("validation loss", curves)]
    return _page("corpuskit comparison", body)


def write_report(out_dir: str | Path) -> tuple[Path, Path]:
    """``OUT/report.json`` and ``OUT/report.html`` for the run in ``out_dir``."""
    out = Path(out_dir)
    report = build_report(out)
    # a run over inputs whose names are not valid UTF-8 has lone surrogates in its paths (as stats.json has)
    write_text_atomic(out / "report.json", escape_surrogates(json.dumps(report, ensure_ascii=False, indent=1)))
    write_text_atomic(out / "report.html", escape_surrogates(render_html(report)))
    return out / "report.html", out / "report.json"


def write_comparison(out_dirs: list[str | Path], html_path: str | Path) -> tuple[Path, Path]:
    """A side-by-side page of several runs, and its numbers beside it (same name, .json)."""
    cmp = compare_reports([build_report(d) for d in out_dirs])
    html_path = Path(html_path)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    json_path = html_path.with_suffix(".json")
    write_text_atomic(json_path, escape_surrogates(json.dumps(cmp, ensure_ascii=False, indent=1)))
    write_text_atomic(html_path, escape_surrogates(render_comparison_html(cmp)))
    return html_path, json_path
