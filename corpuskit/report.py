"""The run report: ``report.json`` with the numbers of a finished run, and ``report.html``, one self-contained page
(charts as inline SVG, no scripts, fonts or images fetched: it opens offline, in any browser, years later).

What a data team looks at after a run, and when tuning it:

- the **funnel**: documents and text bytes into and out of every stage (and tokens at the end);
- **drops per rule**: each rejection reason with its count, the stage's parameters (its thresholds) and the first
  few rejected documents, so a threshold can be judged on what it removes;
- **score histograms** (the score columns the run's stages declare in ``Stage.report_scores``: language score,
  quality, toxicity; and document length), kept and rejected side by side;
- **duplicate clusters**: the size distribution of near-duplicate clusters;
- the **tokenizer** (kind, vocabulary, documents and tokens per split) and, when the pipeline trained a GPT, its
  **loss curve** and samples.

The files of other modules are read through their own accessors (``token_shards`` for the token shards,
``gpt.runfiles`` for a training run), so this module spells out no file name but ``stats.json`` and its own.

``compare_reports`` puts two (or more) runs side by side — the ablation done when a threshold changes: documents and
tokens kept, validation loss, and each stage's kept count.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from .charts import KEPT, REJECTED, escape_html, format_number, svg_diffs, svg_hbars, svg_histogram, svg_lines
from .errors import CorpuskitError
from .fileio import escape_surrogates, write_text_atomic
from .gpt.runfiles import find_training_runs, read_log, read_samples
from .outputs import excerpt, row_batches
from .registry import stage_registry
from .token_shards import read_meta

EXAMPLES_PER_REASON = 3
EXAMPLE_LINES = 8  # an example shows the first lines of a rejected document (its shape: headings, lists...)
EXAMPLE_WIDTH = 160  # each cut at this many columns
BINS = 20
LENGTH_EDGES = [0, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, math.inf]
FUNNEL_FIELDS = ("name", "docs_in", "docs_kept", "docs_rejected", "docs_added", "bytes_in", "bytes_kept", "seconds")
DEDUP_FIELDS = ("threshold", "bands", "rows", "clusters", "duplicates", "cluster_sizes")
COLORS = {"kept": KEPT, "rejected": REJECTED, "bar": "#1c7ed6", "val": "#e8590c", "train": "#1c7ed6"}
SERIES = ["#1c7ed6", "#e8590c", "#2b8a3e", "#862e9c"]


# ---------------------------------------------------------------------------------------------
# Numbers


def _bin_index(value: float, low: float, high: float) -> int:
    return min(BINS - 1, max(0, int((value - low) / (high - low) * BINS)))


def _length_bin(n: int) -> int:
    return next(i for i in range(len(LENGTH_EDGES) - 1) if n < LENGTH_EDGES[i + 1])


def _read_stats(out: Path) -> dict:
    stats_path = out / "stats.json"
    if not stats_path.exists():
        raise CorpuskitError(f"{stats_path} not found: give the output directory of a finished run")
    return json.loads(stats_path.read_text(encoding="utf-8"))


def declared_score_columns() -> list[str]:
    """The score columns that every stage registered in this process declares (``Stage.report_scores``)."""
    return sorted({column for cls in stage_registry().values() for column in cls.report_scores})


def _score_columns(stage_names: list[str]) -> dict[str, tuple[str, float, float]]:
    """The score columns that the named stages declare worth a histogram (``Stage.report_scores``: column ->
    (title, low, high)), in column-name order, so runs of the same stages chart alike whatever their order. A
    stage not registered in this process (a user's own stage whose module was not imported) is skipped."""
    registry = stage_registry()
    declared: dict[str, tuple[str, float, float]] = {}
    for name in stage_names:
        if name in registry:
            for column, spec in registry[name].report_scores.items():
                declared.setdefault(column, spec)
    return dict(sorted(declared.items()))


def _funnel_rows(stats: dict, meta: dict | None) -> list[dict]:
    """Documents and text bytes in and out of each stage; with token shards, tokens too: counted once, by the
    tokenize stage, and estimated for the other stages from their text bytes at the tokens per byte measured
    there."""
    funnel = [{k: s.get(k) for k in FUNNEL_FIELDS} for s in stats["stages"]]
    if meta is None:
        return funnel
    total = sum(meta["tokens"].values())
    at = next((f for f in funnel if f["name"] == "tokenize"), None)
    ratio = total / at["bytes_kept"] if at and at["bytes_kept"] else None
    for f in funnel:
        if f["name"] == "tokenize":
            f["tokens"] = total
        if ratio is not None:
            f["tokens_in_estimated"] = round(f["bytes_in"] * ratio)
            f["tokens_kept_estimated"] = round(f["bytes_kept"] * ratio)
    return funnel


def _rejection_rules(stats: dict) -> list[dict]:
    """Each stage's rejection reasons, most frequent first, with the stage's parameters and room for examples."""
    rules = []
    for s in stats["stages"]:
        for reason, count in sorted(s["rejected_by_reason"].items(), key=lambda kv: (-kv[1], kv[0])):
            rules.append({"stage": s["name"], "reason": reason, "count": count,
                          "share_of_stage_input": count / s["docs_in"] if s["docs_in"] else 0.0,
                          "params": s.get("params"), "examples": []})
    return rules


def _empty_histograms(scores: dict[str, tuple[str, float, float]]) -> dict[str, dict]:
    hist = {c: {"title": t, "low": lo, "high": hi, "kept": [0] * BINS, "rejected": [0] * BINS}
            for c, (t, lo, hi) in scores.items()}
    hist["length_chars"] = {"title": "document length (characters)", "edges": LENGTH_EDGES[:-1],
                            "kept": [0] * (len(LENGTH_EDGES) - 1), "rejected": [0] * (len(LENGTH_EDGES) - 1)}
    return hist


def _count_row(hist: dict[str, dict], scores: dict[str, tuple[str, float, float]], side: str, row: dict) -> None:
    """Add one document's scores (those it has: not null, not NaN) and length to the histograms."""
    for column, (_, low, high) in scores.items():
        value = row.get(column)
        if value is not None and value == value:
            hist[column][side][_bin_index(float(value), low, high)] += 1
    if row.get("_chars") is not None:
        hist["length_chars"][side][_length_bin(row["_chars"])] += 1


def _example(row: dict, text: str | None) -> dict:
    """A rejected document as the report shows it: its first lines, each shortened (``text``, the lines joined);
    ``more_lines`` left out; ``truncated`` when anything was (lines, or the end of one)."""
    cut = excerpt(text, EXAMPLE_LINES, EXAMPLE_WIDTH)
    return {"id": row.get("id"), "url": row.get("url"), "text": "\n".join(cut.lines), "more_lines": cut.more_lines,
            "truncated": cut.truncated}


def _histograms_and_examples(out: Path, scores: dict[str, tuple[str, float, float]], rules: list[dict]) -> dict:
    """One pass over the kept and rejected documents: the score and length histograms (those with any document),
    and the first few rejected documents of each rule, added to ``rules``."""
    hist = _empty_histograms(scores)
    rule_of = {(rule["stage"], rule["reason"]): rule for rule in rules}
    columns = ["id", "url", "text", "rejected_by", "reason", *scores]
    for side in ("kept", "rejected"):
        for rows, text_at in row_batches(out / side, columns):
            for i, row in enumerate(rows):
                _count_row(hist, scores, side, row)
                rule = rule_of.get((row.get("rejected_by"), row.get("reason"))) if side == "rejected" else None
                if rule is not None and len(rule["examples"]) < EXAMPLES_PER_REASON:
                    rule["examples"].append(_example(row, text_at(i)))
    return {k: v for k, v in hist.items() if sum(v["kept"]) + sum(v["rejected"])}


def _dedup_summaries(stats: dict) -> list[dict]:
    """The cluster figures of each near-duplicate stage."""
    return [{"stage": s["name"], **{k: s["global"].get(k) for k in DEDUP_FIELDS}}
            for s in stats["stages"] if isinstance(s.get("global"), dict) and "cluster_sizes" in s["global"]]


def _tokenizer_summary(meta: dict | None) -> dict | None:
    """The tokenizer's description with the documents and tokens per split (None without token shards)."""
    if meta is None:
        return None
    return {**meta["tokenizer"], "documents": meta["documents"], "tokens": meta["tokens"]}


def _training_summary(out: Path) -> dict | None:
    """The loss curve, evaluations and samples of the first training run in ``out`` (None if it has none)."""
    runs = find_training_runs(out)
    if not runs:
        return None
    run = runs[0]
    log = read_log(run)
    evals = [{"step": h["step"], "train_loss": h["train_loss"], "val_loss": h["val_loss"]}
             for h in log if "val_loss" in h]
    return {
        "run_dir": run.name,
        "loss": [[h["step"], h["loss"]] for h in log if "loss" in h],
        "eval": evals,
        "final_val_loss": evals[-1]["val_loss"] if evals else None,
        "tokens_per_s": [h["tokens_per_s"] for h in log if "tokens_per_s" in h][-1:] or None,
        "samples": read_samples(run),
    }


def build_report(out_dir: str | Path) -> dict:
    """The numbers of a finished run in ``out_dir`` (its stats.json, rows, token shards and training run)."""
    out = Path(out_dir)
    stats = _read_stats(out)
    meta = read_meta(out)
    rules = _rejection_rules(stats)
    histograms = _histograms_and_examples(out, _score_columns([s["name"] for s in stats["stages"]]), rules)
    return {
        "format": "corpuskit-report/1", "run": str(out), "pipeline": stats.get("pipeline"),
        "corpuskit_version": stats.get("corpuskit_version"), "fingerprint": stats.get("fingerprint"),
        "finished": stats.get("finished"), "wall_seconds": stats.get("wall_seconds"),
        "input": stats.get("input"),
        "documents": {"read": stats["stages"][0]["docs_in"] if stats["stages"] else 0,
                      "kept": stats["output"]["kept_docs"], "rejected": stats["output"]["rejected_docs"]},
        "tokens": sum(meta["tokens"].values()) if meta else None,
        "funnel": _funnel_rows(stats, meta), "rules": rules, "histograms": histograms,
        "dedup": _dedup_summaries(stats), "tokenizer": _tokenizer_summary(meta), "training": _training_summary(out),
        "errors": stats.get("errors", []),
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
            f"<title>{escape_html(title)}</title><style>{_STYLE}</style></head><body>\n" + "\n".join(body)
            + "\n</body></html>\n")


def _params_text(params: dict | None) -> str:
    if not params:
        return ""
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in params.items() if v is not None)


def _summary_html(report: dict) -> list[str]:
    """The title, the run's identity and the headline numbers."""
    e, r, docs = escape_html, report, report["documents"]
    kept_pct = f"{100 * docs['kept'] / docs['read']:.1f}" if docs["read"] else format_number(None)  # nothing read
    val_loss = r["training"]["final_val_loss"] if r["training"] else None
    return [f"<h1>corpuskit run report: {e(r['pipeline'])}</h1>",
            f"<p class=\"muted\">{e(r['run'])} · corpuskit {e(r['corpuskit_version'])} · fingerprint "
            f"{e(r['fingerprint'])} · finished {e(r['finished'])} · {r['wall_seconds'] or 0:.1f} s</p>",
            "<table><tr><th class=l>documents read</th><th>kept</th><th>rejected</th><th>kept %</th>"
            "<th>tokens</th><th>validation loss</th></tr>"
            f"<tr><td>{docs['read']:,}</td><td>{docs['kept']:,}</td><td>{docs['rejected']:,}</td>"
            f"<td>{kept_pct}</td><td>{format_number(r['tokens'])}</td>"
            f"<td>{format_number(val_loss)}</td></tr></table>"]


def _funnel_html(funnel: list[dict]) -> list[str]:
    """Documents, then tokens (or text bytes without token shards), through the stages; and the table."""
    names = [s["name"] for s in funnel]
    docs = svg_hbars("documents through the stages", names,
                     [("documents in", [s["docs_in"] for s in funnel], "#adb5bd"),
                      ("kept", [s["docs_kept"] for s in funnel], COLORS["kept"])])
    if all("tokens_kept_estimated" in s for s in funnel):
        volume = svg_hbars("tokens through the stages (≈ before tokenize: text bytes × its tokens per byte)", names,
                           [("tokens in", [s["tokens_in_estimated"] for s in funnel], "#adb5bd"),
                            ("tokens kept", [s["tokens_kept_estimated"] for s in funnel], COLORS["bar"])])
    else:
        volume = svg_hbars("text through the stages (MB)", names,
                           [("MB in", [s["bytes_in"] / 1e6 for s in funnel], "#adb5bd"),
                            ("MB kept", [s["bytes_kept"] / 1e6 for s in funnel], COLORS["bar"])],
                           value_fmt=lambda v: f"{v:,.2f}")
    rows = "".join(f"<tr><td class=l>{escape_html(s['name'])}</td><td>{s['docs_in']:,}</td>"
                   f"<td>{s['docs_kept']:,}</td><td>{s['docs_rejected']:,}</td><td>{s['bytes_in'] / 1e6:,.2f}</td>"
                   f"<td>{s['bytes_kept'] / 1e6:,.2f}</td><td>{format_number(s.get('tokens_kept_estimated'))}</td>"
                   f"<td>{s['seconds']:.2f}</td></tr>" for s in funnel)
    table = ("<table><tr><th class=l>stage</th><th>in</th><th>kept</th><th>rejected</th><th>MB in</th>"
             f"<th>MB kept</th><th>tokens kept (≈)</th><th>seconds</th></tr>{rows}</table>")
    return ["<h2>Funnel</h2>", docs, volume, table]


def _rule_html(rule: dict) -> str:
    """One rejection reason, folded: its count and share, the stage's parameters and the examples."""
    e = escape_html
    examples = "".join(f"<pre>{e(x['id'])} {e(x['url'] or '')}\n{e(x['text'])}"
                       f"{_more_lines(x.get('more_lines', 0))}</pre>" for x in rule["examples"])
    return (f"<details><summary><b>{e(rule['reason'])}</b> — {rule['count']:,} "
            f"({100 * rule['share_of_stage_input']:.1f} % of what reached {e(rule['stage'])})</summary>"
            f"<p class=muted>{e(rule['stage'])}: {e(_params_text(rule['params']))}</p>{examples}</details>")


def _more_lines(n: int) -> str:
    return f"\n<span class=muted>… ({n:,} more line{'s' if n != 1 else ''})</span>" if n else ""


def _rules_html(rules: list[dict]) -> list[str]:
    if not rules:
        return ["<h2>Drops per rule</h2>", "<p>No document was rejected.</p>"]
    chart = svg_hbars("rejected documents per reason", [x["reason"] for x in rules],
                      [("rejected", [x["count"] for x in rules], COLORS["rejected"])])
    return ["<h2>Drops per rule</h2>", chart, *map(_rule_html, rules)]


def _histogram_labels(h: dict) -> list[str]:
    """Bin labels: the upper edge of each length bin (the last one open), the lower edge of each score bin."""
    if "edges" in h:
        return [f"<{LENGTH_EDGES[i + 1]:,}" if i < len(h["edges"]) - 1 else f"≥{h['edges'][-1]:,}"
                for i in range(len(h["edges"]))]
    step = (h["high"] - h["low"]) / BINS
    return [f"{h['low'] + i * step:.2f}" for i in range(BINS)]


def _histograms_html(histograms: dict[str, dict]) -> list[str]:
    if not histograms:
        return []
    return ["<h2>Scores</h2>",
            *(svg_histogram(h["title"], _histogram_labels(h), h["kept"], h["rejected"]) for h in histograms.values())]


def _dedup_html(d: dict) -> list[str]:
    """One near-duplicate stage: its LSH settings, clusters and duplicates, and clusters by size."""
    sizes = sorted(((int(k), v) for k, v in (d["cluster_sizes"] or {}).items()), key=lambda kv: kv[0])
    parts = [f"<h2>Duplicate clusters ({escape_html(d['stage'])})</h2>",
             f"<p>threshold {format_number(d['threshold'])}, {d['bands']} bands × {d['rows']} rows: "
             f"{format_number(d['clusters'])} clusters, {format_number(d['duplicates'])} duplicates removed.</p>"]
    if sizes:
        parts.append(svg_hbars("clusters by size (documents per cluster)", [str(k) for k, _ in sizes],
                               [("clusters", [v for _, v in sizes], COLORS["bar"])]))
    return parts


def _tokenizer_html(t: dict | None) -> list[str]:
    if not t:
        return []
    e = escape_html
    return ["<h2>Tokenizer</h2>",
            f"<table><tr><th class=l>kind</th><th>vocabulary</th><th>dtype</th><th>documents train / val"
            f"</th><th>tokens train / val</th><th class=l>SHA-256</th></tr><tr><td class=l>{e(t['kind'])}"
            f"</td><td>{t['vocab_size']:,}</td><td>{e(t['token_dtype'])}</td>"
            f"<td>{t['documents']['train']:,} / {t['documents']['val']:,}</td>"
            f"<td>{t['tokens']['train']:,} / {t['tokens']['val']:,}</td><td class=l><code>"
            f"{e(t['sha256'][:16])}…</code></td></tr></table>"]


def _training_html(tr: dict | None) -> list[str]:
    """The loss curve (batches and validation) and the samples."""
    if not tr:
        return []
    e = escape_html
    parts = [f"<h2>Training ({e(tr['run_dir'])})</h2>",
             svg_lines("loss", [("train (batch)", [tuple(p) for p in tr["loss"]], COLORS["train"]),
                                ("validation", [(x["step"], x["val_loss"]) for x in tr["eval"]], COLORS["val"])])]
    for s in tr["samples"]:
        parts.append(f"<p class=muted>sample, prompt {e(json.dumps(s['prompt'], ensure_ascii=False))}, "
                     f"seed {s['seed']}</p><pre>{e(s['prompt'])}{e(s['text'])}</pre>")
    return parts


def _errors_html(errors: list[dict]) -> list[str]:
    if not errors:
        return []
    return ["<h2>Input errors</h2><ul>" + "".join(f"<li>{escape_html(json.dumps(x, ensure_ascii=False))}</li>"
                                                 for x in errors) + "</ul>"]


def render_html(report: dict) -> str:
    """The report's page: summary, funnel, drops per rule, score histograms, duplicate clusters, tokenizer,
    training and input errors, each section present when the run has it."""
    body = [*_summary_html(report), *_funnel_html(report["funnel"]), *_rules_html(report["rules"]),
            *_histograms_html(report["histograms"]), *(part for d in report["dedup"] for part in _dedup_html(d)),
            *_tokenizer_html(report["tokenizer"]), *_training_html(report["training"]),
            *_errors_html(report["errors"])]
    return _page(f"corpuskit report: {report['pipeline']}", body)


def render_comparison_html(cmp: dict) -> str:
    """The comparison's page: headline numbers, documents kept after each stage, and the validation loss curves."""
    e, names = escape_html, cmp["names"]
    colors = [SERIES[i % len(SERIES)] for i in range(len(names))]
    head = "".join(f"<th>{e(n)}</th>" for n in names)

    def row(label, values):
        return f"<tr><td class=l>{e(label)}</td>" + "".join(f"<td>{format_number(v)}</td>" for v in values) + "</tr>"

    body = [f"<h1>corpuskit: {' vs '.join(e(n) for n in names)}</h1>",
            "<p class=muted>" + " · ".join(e(r) for r in cmp["runs"]) + "</p>",
            f"<table><tr><th class=l></th>{head}</tr>", row("documents read", cmp["documents_read"]),
            row("documents kept", cmp["documents_kept"]), row("tokens", cmp["tokens"]),
            row("validation loss", cmp["val_loss"]), "</table>",
            "<h2>Kept per stage</h2>",
            svg_hbars("documents kept after each stage", [s["name"] for s in cmp["stages"]],
                      [(n, [s["docs_kept"][i] for s in cmp["stages"]], colors[i]) for i, n in enumerate(names)]),
            f"<table><tr><th class=l>stage</th>{head}</tr>"
            + "".join(row(s["name"], s["docs_kept"]) for s in cmp["stages"]) + "</table>"]
    curves = [(n, [(x["step"], x["val_loss"]) for x in c], colors[i])
              for i, (n, c) in enumerate(zip(names, cmp["loss_curves"])) if c]
    if curves:
        body += ["<h2>Validation loss</h2>", svg_lines("validation loss", curves)]
    return _page("corpuskit comparison", body)


def render_ablation_html(ablation: dict) -> str:
    """An ablation's page (``corpuskit ablate``'s ablations.json): the table and each variant's difference from the
    baseline in bits per byte, per reference set, with the seeds' spread."""
    e, rows = escape_html, ablation["rows"]
    refs = list(rows[0]["bpb"]) if rows else []
    head = "".join(f"<th>{e(r)} bits/byte</th><th>vs {e(ablation['baseline'])}</th>" for r in refs)
    body = [f"<h1>corpuskit ablation: {len(rows)} variants</h1>",
            f"<p class=muted>{ablation['budget_tokens']:,} training tokens per model; seeds "
            f"{', '.join(str(s) for s in ablation['seeds'])}; baseline {e(ablation['baseline'])}. Bits per byte on "
            "held-out text: mean ± sample sd over seeds. A difference marked ~ is within the seeds' spread "
            "(no larger than the two sds added): not a result.</p>",
            f"<table><tr><th class=l>variant</th><th>documents</th><th>tokens</th><th>epochs</th>{head}</tr>"]
    for r in rows:
        cells = ""
        for ref in refs:
            b, v = r["bpb"][ref], r["vs_baseline"][ref]
            mark = "" if r["variant"] == ablation["baseline"] else (" ~" if v["within_spread"] else " *")
            cells += f"<td>{b['mean']:.4f} ± {b['sd']:.4f}</td><td>{v['diff']:+.4f}{mark}</td>"
        body.append(f"<tr><td class=l>{e(r['variant'])}</td><td>{format_number(r['docs_kept'])}</td>"
                    f"<td>{format_number(r['tokens_kept'])}</td><td>{r['epochs']:.2f}</td>{cells}</tr>")
    body.append("</table>")
    others = [r for r in rows if r["variant"] != ablation["baseline"]]
    if others and refs:
        series = [(ref, [r["vs_baseline"][ref]["diff"] for r in others],
                   [r["bpb"][ref]["sd"] for r in others], SERIES[k % len(SERIES)]) for k, ref in enumerate(refs)]
        body.append(svg_diffs(f"bits per byte minus {ablation['baseline']}'s (whisker: ± the variant's sd)",
                              [r["variant"] for r in others], series))
    return _page("corpuskit ablation", body)


def write_report(out_dir: str | Path) -> tuple[Path, Path]:
    """``OUT/report.json`` and ``OUT/report.html`` for the run in ``out_dir`` (or for the ablation whose
    ``ablations.json`` is there)."""
    out = Path(out_dir)
    if (out / "ablations.json").exists() and not (out / "stats.json").exists():
        ablation = json.loads((out / "ablations.json").read_text(encoding="utf-8"))
        write_text_atomic(out / "report.json", json.dumps({"format": "corpuskit-ablation/1", **ablation}, indent=1))
        write_text_atomic(out / "report.html", render_ablation_html(ablation))
        return out / "report.html", out / "report.json"
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
