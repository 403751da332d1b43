"""HTML extraction quality and speed: trafilatura's defaults vs corpuskit's ``extract`` defaults.

    python benchmarks/bench_extract.py               # all configurations, all 519 pages (a few minutes)
    python benchmarks/bench_extract.py --limit 100   # quicker, first 100 pages
    python benchmarks/bench_extract.py --configs trafilatura-defaults,corpuskit-defaults

Data: ../shared/data/html-trafilatura-eval (trafilatura's evaluation set, Apache-2.0): web pages
with text segments that must appear in the main text ("with") and boilerplate segments that must
not ("without"). The HTML is decoded the way corpuskit's readers decode it (``decode_html``).
Segments and extracted text are compared after NFC normalisation and whitespace collapsing.

Figures printed (each configuration runs in a fresh process: trafilatura and htmldate keep LRU
caches keyed on text, so a second pass over the same pages in one process would look faster; the
texts themselves do not depend on the process, only the times do):
  1. quality per configuration: share of "with" segments found, share of "without" segments
     absent, precision and F1 over segments (as upstream counts them), for all pages and for the
     CJK pages (entries whose segments contain CJK characters); title/date agreement with the
     gold metadata where the configuration extracts metadata;
  1b. word-4-gram scores, the measure of ScrapingHub's article-extraction-benchmark (AEB) adapted
     to segment gold (see ``ngram_score``): precision, recall and F1 averaged over pages as AEB
     averages them, the paired difference in F1 from plain ``trafilatura.extract(html,
     include_comments=False)`` (the call behind trafilatura's published AEB output) with a 95 %
     bootstrap interval over pages, how many pages' texts differ from it (at all / in words), and
     what the text carries that a word-level filter sees as non-words: Markdown table rows
     (``|---|`` separators, pipe rows), citation markers (``[13]``), and the share of
     whitespace-separated words with a letter on the pages with a table;
  2. speed per configuration, one process, same pages: docs/s and MB/s of HTML (time inside the
     extraction call), p50/p99/max per page;
  3. the cost of the stage's crash isolation: the corpuskit defaults through ``ExtractStage.process``
     with ``isolation: inline`` vs ``process`` (child process, pipe; chunks of 16 pages or 1), on the
     evaluation pages and on 3,000 tiny pages where the per-page cost of the pipe stands out.
"""

from __future__ import annotations

import argparse
import gzip
import random
import json
import os
import platform
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
EVAL = SHARED / "html-trafilatura-eval"

import pyarrow as pa  # noqa: E402

from corpuskit.charset import decode_html  # noqa: E402
from corpuskit.stages.extract import ExtractStage, _quiet_loggers, extract_html  # noqa: E402

CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")

# corpuskit's defaults, as ExtractStage() builds them
CORPUSKIT = ExtractStage().kwargs


def _cfg(**changes):
    return {**CORPUSKIT, **changes}


# The reference of the paired comparisons: trafilatura's published AEB output is
# ``trafilatura.extract(html, include_comments=False)`` (no URL, txt output, no metadata).
REFERENCE = "trafilatura AEB call"

# name -> kwargs for extract_html; a string: trafilatura.extract literally ("defaults": extract(html, url);
# "aeb": extract(html, include_comments=False)); "stage": ExtractStage().process, one batch, child process
CONFIGS: dict[str, dict | str] = {
    REFERENCE: "aeb",
    "trafilatura-defaults": "defaults",
    "corpuskit-defaults": CORPUSKIT,
    "corpuskit stage": "stage",
    "table_format: markdown": _cfg(_tables_as_text=False),
    "-drop_citation_markers": {k: v for k, v in CORPUSKIT.items() if k != "prune_xpath"},
    "+formatting (Markdown)": _cfg(include_formatting=True, _tables_as_text=False),
    "+deduplicate": _cfg(deduplicate=True),
    "+comments": _cfg(include_comments=True),
    "-tables": _cfg(include_tables=False),
    "favor_precision": _cfg(favor_precision=True),
    "favor_recall": _cfg(favor_recall=True),
    "fast (no fallback)": _cfg(fast=True),
    "extensive date search": ExtractStage(date_extensive_search=True).kwargs,
    "-metadata": _cfg(with_metadata=False),
    "fast, -metadata": _cfg(fast=True, with_metadata=False),
}


def norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).split())


def load_pages(limit: int | None):
    index = json.loads((EVAL / "evaldata.subset.json").read_text(encoding="utf-8"))
    pages = []
    for url, entry in list(index.items())[:limit]:
        raw = gzip.decompress((EVAL / entry["html_gz"]).read_bytes())
        html, _, _ = decode_html(raw)
        segs = entry.get("with", []) + entry.get("without", [])
        pages.append({"url": url, "html": html, "bytes": len(raw), "with": [norm(s) for s in entry["with"]],
                      "without": [norm(s) for s in entry["without"]],
                      "cjk": any(CJK.search(s) for s in segs),
                      "title": entry.get("title"), "date": entry.get("date")})
    return pages


def _warm_up(kwargs):
    """Imports and lazy state, on a made-up page (not one of the measured ones: caches)."""
    import trafilatura

    page = ("<html><head><title>Warm up</title></head><body><nav>Home | About</nav><article><h1>Warm up</h1>"
            + "<p>A paragraph long enough to be taken for the main text of this made-up page.</p>" * 10
            + "</article><footer>Impressum</footer></body></html>")
    if isinstance(kwargs, str):
        trafilatura.extract(page, url="https://example.org/warm-up")
    else:
        extract_html(page, "https://example.org/warm-up", kwargs)


def run_config(name, limit):
    """One configuration over all pages, in a fresh process (trafilatura and htmldate keep LRU caches
    keyed on text, so a second pass over the same pages in one process would be unfairly fast)."""
    import trafilatura

    _quiet_loggers()
    kwargs = CONFIGS[name]
    pages = load_pages(limit)
    if kwargs == "stage":
        return stage_texts(pages)
    _warm_up(kwargs)
    outputs, times = [], []
    for p in pages:
        t0 = time.perf_counter()
        if kwargs == "defaults":
            text, meta = trafilatura.extract(p["html"], url=p["url"]) or "", {}
        elif kwargs == "aeb":
            text, meta = trafilatura.extract(p["html"], include_comments=False) or "", {}
        else:
            text, meta = extract_html(p["html"], p["url"], kwargs)
        times.append(time.perf_counter() - t0)
        outputs.append((text, meta))
    return outputs, times


def stage_texts(pages):
    """The corpuskit defaults through ``ExtractStage.process`` (child process, size bound, time limit,
    rejects): a rejected page counts as an empty text. Times: the stage's own per-batch total, spread."""
    table = pa.table({"id": [str(i) for i in range(len(pages))], "text": [p["html"] for p in pages],
                      "url": [p["url"] for p in pages], "source": ["bench"] * len(pages),
                      "content_type": ["text/html"] * len(pages), "meta": ["{}"] * len(pages)})
    stage = ExtractStage()
    stage.setup()
    try:
        result = stage.process(table)
    finally:
        stage.close()
    texts = {int(r["id"]): (r["text"], {k: r[k] for k in ("title", "author", "date", "sitename")})
             for r in result.kept.to_pylist()}
    per_page = result.counters["extract_seconds"] / max(1, len(pages))
    return [texts.get(i, ("", {})) for i in range(len(pages))], [per_page] * len(pages)


# ---------------------------------------------------------------------------------------------
# Word-4-gram scores (ScrapingHub's article-extraction-benchmark measure, adapted to segment gold)

# A CJK character is a token of its own (AEB's \w+ would make a whole Chinese sentence one token);
# other tokens are runs of word characters, as in AEB's evaluate.py. Case is kept (as there).
_TOKEN = re.compile(rf"[{CJK_CHARS}]|[^\W{CJK_CHARS}]+")
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+\s*$", re.M)
_PIPE_ROW = re.compile(r"^\|.*\|\s*$", re.M)
_CITATION = re.compile(r"\[\d{1,3}(?:\s*[-\u2013,]\s*\d{1,3})*\]")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text or ""))


def _ngrams(toks: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)]


def _segment_shingles(segments: list[str], n: int) -> Counter:
    """Shingles within each segment (none across two segments: they are not contiguous on the page);
    a segment shorter than ``n`` tokens is one shingle of its own length."""
    out: Counter = Counter()
    for seg in segments:
        toks = tokens(seg)
        if toks:
            out.update(_ngrams(toks, min(n, len(toks))))
    return out


def ngram_score(page: dict, text: str, n: int = 4) -> tuple[float, float, float]:
    """``(tp, fp, fn)`` over word n-grams for one page, normalised to sum 1 (AEB does the same, "so that
    longer texts do not have more weight").

    The gold here is partial: the "with" segments are text the output must contain, the "without"
    segments boilerplate it must not. tp/fn: the "with" shingles found/missing (with multiplicity);
    fp: occurrences in the output of shingles of the "without" segments (those also in a "with"
    segment excepted). So precision is precision over the labelled part of the output, recall is
    recall of the labelled main text; unlabelled output text counts for neither.
    """
    want = _segment_shingles(page["with"], n)
    bad = set(_segment_shingles(page["without"], n)) - set(want)
    toks = tokens(text)
    got: dict[int, Counter] = {}

    def have(k: int) -> Counter:
        if k not in got:
            got[k] = Counter(_ngrams(toks, k))
        return got[k]

    tp = fn = fp = 0
    for gram, count in want.items():
        found = min(count, have(len(gram))[gram])
        tp += found
        fn += count - found
    for gram in bad:
        fp += have(len(gram))[gram]
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def aeb_metrics(scores: list[tuple[float, float, float]]) -> dict[str, float]:
    """AEB's averaging: precision over pages with output shingles, recall over pages with gold ones,
    F1 from the two means."""
    precisions = [tp / (tp + fp) for tp, fp, fn in scores if tp + fp > 0]
    recalls = [tp / (tp + fn) for tp, fp, fn in scores if tp + fn > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def paired_f1_difference(a, b, n_boot: int = 1000, seed: int = 0) -> tuple[float, float]:
    """F1(a) - F1(b) on the same pages, and the half-width of its 95 % bootstrap interval (pages resampled
    together, as AEB's ``--bootstrap-differences`` does)."""
    diff = aeb_metrics(a)["f1"] - aeb_metrics(b)["f1"]
    if a == b:
        return diff, 0.0
    rng = random.Random(seed)
    n = len(a)
    draws = []
    for _ in range(n_boot):
        idx = [rng.randrange(n) for _ in range(n)]
        draws.append(aeb_metrics([a[i] for i in idx])["f1"] - aeb_metrics([b[i] for i in idx])["f1"])
    return diff, 1.96 * statistics.stdev(draws)


def letter_word_share(text: str) -> float:
    """Share of whitespace-separated words with a letter (what a Gopher-style alphabetic-word filter sees
    before any markup stripping of its own)."""
    words = text.split()
    return sum(any(c.isalpha() for c in w) for w in words) / len(words) if words else 0.0


def in_fresh_process(fn, *args):
    import concurrent.futures as cf
    import multiprocessing as mp

    with cf.ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def score(pages, outputs, subset=None):
    tp = fn = fp = tn = 0
    for p, (text, _) in zip(pages, outputs):
        if subset is not None and not subset(p):
            continue
        text = norm(text)
        for s in p["with"]:
            if s in text:
                tp += 1
            else:
                fn += 1
        for s in p["without"]:
            if s in text:
                fp += 1
            else:
                tn += 1
    found = tp / max(1, tp + fn)
    absent = tn / max(1, tn + fp)
    precision = tp / max(1, tp + fp)
    f1 = 2 * precision * found / max(1e-9, precision + found)
    return {"found": found, "absent": absent, "precision": precision, "f1": f1, "n": tp + fn + fp + tn}


def metadata_agreement(pages, outputs):
    titles = dates = nt = nd = 0
    for p, (_, meta) in zip(pages, outputs):
        if not meta:
            return None
        if p.get("title"):
            nt += 1
            titles += norm(meta.get("title") or "").lower() == norm(p["title"]).lower()
        if p.get("date"):
            nd += 1
            dates += (meta.get("date") or "") == p["date"][:10]
    return (titles / nt if nt else None), nt, (dates / nd if nd else None), nd


def tiny_pages(n: int = 3000):
    """Small real-looking pages (about 1 KB): extraction is quick, so the per-page cost of the pipe shows."""
    pages = []
    for i in range(n):
        body = "".join(f"<p>Sentence {j} of page {i}, which has a few words in it.</p>" for j in range(12))
        pages.append({"url": f"https://example.org/{i}", "bytes": 0,
                      "html": f"<html><head><title>Page {i}</title></head><body><nav>Home | News</nav>"
                              f"<article><h1>Page {i}</h1>{body}</article><footer>Contact</footer></body></html>"})
    for p in pages:
        p["bytes"] = len(p["html"].encode())
    return pages


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def stage_run(isolation, chunk_docs, limit, tiny):
    """The corpuskit defaults through ExtractStage.process, one batch of all pages (in a fresh process)."""
    pages = tiny_pages() if tiny else load_pages(limit)
    rows = {"id": [str(i) for i in range(len(pages))], "text": [p["html"] for p in pages],
            "url": [p["url"] for p in pages], "source": ["bench"] * len(pages),
            "content_type": ["text/html"] * len(pages), "meta": ["{}"] * len(pages)}
    table = pa.table(rows)
    stage = ExtractStage(isolation=isolation, timeout=60.0, chunk_docs=chunk_docs)
    t0 = time.perf_counter()
    stage.setup()
    t_setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = stage.process(table)
    wall = time.perf_counter() - t0
    peak = _peak_rss_mb(stage._backend.child.proc.pid) if isolation == "process" else _peak_rss_mb(os.getpid())
    stage.close()
    return {"wall": wall, "setup": t_setup, "inside": result.counters["extract_seconds"], "n": len(pages),
            "mb": sum(p["bytes"] for p in pages) / 1e6, "kept": result.kept.num_rows, "peak_mb": peak}


def print_ngram_table(pages, names, results):
    ref_name = REFERENCE if REFERENCE in results else names[0]
    ref_texts = [t for t, _ in results[ref_name][0]]
    ref_scores = [ngram_score(p, t) for p, t in zip(pages, ref_texts)]
    table_pages = [i for i, t in enumerate(ref_texts) if _PIPE_ROW.search(t)]
    print(f"Word 4-grams (AEB's measure on segment gold; paired difference in F1 from '{ref_name}', 95 % bootstrap "
          f"interval over pages; differ: pages whose text differs from it, at all / in its words)")
    header = (f"{'configuration':<24} | {'prec':>6} {'recall':>6} {'F1':>6} {'paired dF1':>16} | {'CJK F1':>6} | "
              f"{'differ':>9} | {'|---|':>5} {'|..|':>5} {'[n]':>4} | {'letter words (tables)':>21}")
    print(header)
    print("-" * len(header))
    for name in names:
        texts = [t for t, _ in results[name][0]]
        scores = [ngram_score(p, t) for p, t in zip(pages, texts)]
        m = aeb_metrics(scores)
        cjk = aeb_metrics([s for s, p in zip(scores, pages) if p["cjk"]])
        diff, ci = paired_f1_difference(scores, ref_scores)
        differ = sum(t.strip() != r.strip() for t, r in zip(texts, ref_texts))
        differ_words = sum(tokens(t) != tokens(r) for t, r in zip(texts, ref_texts))
        rules = sum(len(_TABLE_RULE.findall(t)) for t in texts)
        rows = sum(len(_PIPE_ROW.findall(t)) for t in texts)
        cites = sum(len(_CITATION.findall(t)) for t in texts)
        shares = [letter_word_share(texts[i]) for i in table_pages]
        share = f"{statistics.mean(shares):.3f} (min {min(shares):.3f})" if shares else "-"
        print(f"{name:<24} | {m['precision']:6.4f} {m['recall']:6.4f} {m['f1']:6.4f} {diff:+8.4f} ±{ci:.4f} | "
              f"{cjk['f1']:6.4f} | {differ:>4}/{differ_words:<4} | {rules:>5} {rows:>5} {cites:>4} | {share:>21}")
    print(f"(|---|: Markdown table rules, |..|: lines that are pipe rows, [n]: bracketed numbers like citation markers,\n"
          f" all summed over pages; letter words: share of whitespace-separated words with a letter, mean over the "
          f"{len(table_pages)} pages\n whose '{ref_name}' text has a table)\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="first N pages only")
    ap.add_argument("--configs", default=None, help="comma-separated names (default: all): " + ", ".join(CONFIGS))
    ap.add_argument("--no-isolation", action="store_true", help="skip the process-vs-inline measurement")
    args = ap.parse_args(argv)
    if not EVAL.is_dir():
        sys.exit(f"data set not found: {EVAL}")
    _quiet_loggers()
    import trafilatura

    names = list(CONFIGS) if not args.configs else [c.strip() for c in args.configs.split(",")]
    t_load = time.perf_counter()
    pages = load_pages(args.limit)
    mb = sum(p["bytes"] for p in pages) / 1e6
    n_cjk = sum(p["cjk"] for p in pages)
    print(f"trafilatura {trafilatura.__version__}, Python {platform.python_version()}, {platform.machine()}, "
          f"{pages and len(pages)} pages ({n_cjk} CJK), {mb:.1f} MB of HTML, loaded in "
          f"{time.perf_counter() - t_load:.1f} s")
    print(f"corpuskit defaults: {json.dumps({k: v for k, v in CORPUSKIT.items()})}\n")

    results = {}
    for name in names:
        t0 = time.perf_counter()
        outputs, times = in_fresh_process(run_config, name, args.limit)
        results[name] = (outputs, times)
        print(f"  ran {name:<22} {time.perf_counter() - t0:6.1f} s", file=sys.stderr)

    header = (f"{'configuration':<22} | {'found':>6} {'absent':>6} {'prec':>6} {'F1':>6} | "
              f"{'CJK found':>9} {'absent':>6} {'F1':>6} | {'title':>6} {'date':>6}")
    print("Quality (segments; found = 'with' present, absent = 'without' missing)")
    print(header)
    print("-" * len(header))
    for name in names:
        outputs, _ = results[name]
        a = score(pages, outputs)
        c = score(pages, outputs, lambda p: p["cjk"])
        md = metadata_agreement(pages, outputs)
        md_s = " ".join(f"{v:6.1%}" if v is not None else f"{'-':>6}" for v in ((md[0], md[2]) if md else (None, None)))
        print(f"{name:<22} | {a['found']:6.1%} {a['absent']:6.1%} {a['precision']:6.1%} {a['f1']:6.3f} | "
              f"{c['found']:9.1%} {c['absent']:6.1%} {c['f1']:6.3f} | {md_s}")
    a = score(pages, results[names[0]][0])
    c = score(pages, results[names[0]][0], lambda p: p["cjk"])
    print(f"({a['n']} segments on all pages, {c['n']} on the CJK pages)\n")
    print_ngram_table(pages, names, results)

    header = f"{'configuration':<22} | {'docs/s':>7} {'MB/s':>6} | {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    print("Speed (one process, sequential, same pages)")
    print(header)
    print("-" * len(header))
    for name in names:
        if CONFIGS.get(name) == "stage":
            continue  # per-page times are not known there; see the crash-isolation table
        _, times = results[name]
        total = sum(times)
        ts = sorted(times)
        p99 = ts[min(len(ts) - 1, int(0.99 * len(ts)))]
        print(f"{name:<22} | {len(times) / total:7.1f} {mb / total:6.2f} | {statistics.median(ts) * 1e3:7.1f} "
              f"{p99 * 1e3:7.1f} {ts[-1] * 1e3:7.1f}")
    print()

    if not args.no_isolation:
        print("Crash isolation: corpuskit defaults through ExtractStage.process, one batch, each in a fresh process")
        header = (f"{'pages':<12} {'mode':<24} | {'wall s':>7} {'docs/s':>7} {'MB/s':>6} | {'extract s':>9} "
                  f"{'outside':>7} {'IPC':>7} {'IPC %':>6} | {'setup s':>7} {'peak RSS':>8}")
        print(header)
        print("-" * len(header))
        for label, tiny in (("eval", False), ("tiny (1 KB)", True)):
            base = None
            for mode, chunk in (("inline", 16), ("process", 16), ("process", 1)):
                r = in_fresh_process(stage_run, mode, chunk, args.limit, tiny)
                outside = (r["wall"] - r["inside"]) / r["n"] * 1e3  # ms per page spent outside trafilatura
                base = outside if base is None else base
                ipc = outside - base
                name = f"{mode}" + (f", chunk_docs={chunk}" if mode == "process" else "")
                per_page = r["inside"] / r["n"] * 1e3
                print(f"{label:<12} {name:<24} | {r['wall']:7.2f} {r['n'] / r['wall']:7.1f} "
                      f"{r['mb'] / r['wall']:6.2f} | {r['inside']:9.2f} {outside:7.2f} {ipc:7.2f} "
                      f"{ipc / per_page:6.1%} | {r['setup']:7.2f} {(r['peak_mb'] or 0):5.0f} MB")
        print("(extract s: time inside trafilatura, as the extracting process measures it; outside: wall time\n"
              " per page spent elsewhere (table, pickling, pipe), ms; IPC: outside minus inline's outside, ms per\n"
              " page, and as a share of the time inside trafilatura. Whole-run wall times of two fresh processes\n"
              " differ by a few per cent from run to run, more than the IPC cost: compare the IPC columns.)")


if __name__ == "__main__":
    main()
