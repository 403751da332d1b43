"""Heuristic filters: keep rates on real data, and throughput.

    python benchmarks/bench_heuristics.py                                # print both tables
    python benchmarks/bench_heuristics.py --update-docs docs/heuristics.md  # and refresh the figures there
    python benchmarks/bench_heuristics.py --no-throughput                # keep rates only

Figures:
  (a) keep rates per stage and per rule on each high-quality set (English and Chinese) and on spam /
      low-quality pages, with the calibrated CJK thresholds and, for the Chinese sets, with the English
      thresholds applied to CJK documents ("before calibration");
  (b) throughput in documents per second on one core, on 5,000-byte documents cut from the same real
      texts, for each stage alone and for the chain of the four.

Data: the sets in ../shared/data (each has a SOURCE.md); nothing is copied into the project.
  en, keep:   quality-pos-wikitext2 (valid.txt detokenized, ~3,000-character chunks of each article),
              quality-pos-gutenberg (both books, header and licence cut, paragraphs unwrapped, ~3,000-char chunks),
              quality-pos-us-speeches-nltk (each speech one document)
  zh, keep:   quality-pos-zh-laws (Markdown marks dropped, ~3,000-character chunks),
              zh-classics-novels (each chapter (回) of 红楼梦 and 西游记 one document),
              html-trafilatura-eval (the pages whose text is mostly CJK, extracted with trafilatura)
  reject:     warc-samples/commoncrawl-2020-34-resiliparse (extracted with trafilatura: the Chinese pages, and
              the pages the project's language stage calls English), cs336-a4-fixtures/low_quality_cc.txt,
              the spam/boilerplate/junk pages of the project's synthetic sample crawl (pipelines/sample-crawl)
  mixed:      html-trafilatura-eval pages that the language stage calls English (news, blogs, shop pages)
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa

from corpuskit.readers import ReaderOptions, ReadTask, make_reader
from corpuskit.stage import apply_stage
from corpuskit.stages.heuristics import C4Filter, FineWebFilter, GopherQualityFilter, GopherRepetitionFilter
from corpuskit.stats import StageStats
from corpuskit.text import cjk_share

from _texts import detok_wikitext, read_speech  # benchmarks/ is on sys.path when this runs as a script or is imported by one

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

CHUNK_CHARS = 3000


# ------------------------------------------------------------------------------------ data sets
def chunk(paragraphs: list[str], target: int = CHUNK_CHARS, sep: str = "\n\n") -> list[str]:
    """Group consecutive paragraphs into documents of at least ``target`` characters (a short tail joins
    the previous document)."""
    docs, cur, size = [], [], 0
    for p in paragraphs:
        cur.append(p)
        size += len(p)
        if size >= target:
            docs.append(cur)
            cur, size = [], 0
    if cur:
        if docs and size < target // 2:
            docs[-1].extend(cur)
        else:
            docs.append(cur)
    return [sep.join(d) for d in docs]


def en_wikitext() -> list[str]:
    lines = (SHARED / "quality-pos-wikitext2" / "valid.txt").read_text(encoding="utf-8").split("\n")
    articles: list[list[str]] = []
    for line in lines:
        s = line.strip()
        if not s:
            continue
        if re.fullmatch(r"= [^=].* =", s):
            articles.append([s.strip("= ").strip()])
        elif s.startswith("="):
            articles[-1].append(s.strip("= ").strip())  # section heading as a short line
        elif articles:
            articles[-1].append(detok_wikitext(s))
    return [doc for art in articles for doc in chunk(art)]


def en_gutenberg() -> list[str]:
    docs = []
    for name in ("pg1342-pride-and-prejudice.txt", "pg1661-adventures-of-sherlock-holmes.txt"):
        t = (SHARED / "quality-pos-gutenberg" / name).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        start = re.search(r"\*\*\* ?START OF.*\n", t)
        end = re.search(r"\*\*\* ?END OF", t)
        t = t[start.end() if start else 0: end.start() if end else len(t)]
        paras = [" ".join(x.strip() for x in p.split("\n")) for p in re.split(r"\n\s*\n", t)]
        docs.extend(chunk([p for p in paras if p.strip()]))
    return docs


def en_speeches() -> list[str]:
    return [read_speech(f) for f in sorted((SHARED / "quality-pos-us-speeches-nltk").glob("*/*.txt"))]


def zh_laws() -> list[str]:
    docs = []
    for name in ("constitution.md", "civil-code.md", "criminal-law.md"):
        t = (SHARED / "quality-pos-zh-laws" / name).read_text(encoding="utf-8")
        t = t.replace("<!-- INFO END -->", "")
        # chapters start at Markdown headings; the heading text stays as a line, the # go
        parts = re.split(r"\n(?=#+ )", t)
        paras_by_part = [[re.sub(r"^#+\s*", "", p).strip() for p in re.split(r"\n\s*\n", part) if p.strip()]
                         for part in parts]
        paras = [p for part in paras_by_part for p in part]
        docs.extend(chunk(paras))
    return docs


def zh_novels() -> list[str]:
    docs = []
    for name in ("hongloumeng.txt", "xiyouji.txt"):
        t = (SHARED / "zh-classics-novels" / name).read_text(encoding="utf-8").replace("\r\n", "\n")
        chapters = re.split(r"\n(?=第[一二三四五六七八九十百零〇]+回)", t)
        docs.extend(c.strip() for c in chapters[1:] if c.strip())
    return docs


def _extract(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def trafilatura_eval(cjk: bool) -> list[str]:
    """Pages of the trafilatura evaluation set, extracted; the mostly-CJK ones, or the others."""
    from corpuskit.charset import decode_html

    base = SHARED / "html-trafilatura-eval"
    entries = json.loads((base / "evaldata.subset.json").read_text(encoding="utf-8"))
    out = []
    for url, e in entries.items():
        gold = " ".join(e.get("with", []))
        if cjk != (cjk_share(gold) > 0.3):  # choose by the annotations, so only needed pages are extracted
            continue
        html, _, _ = decode_html(gzip.open(base / e["html_gz"]).read(), None, use_meta=True)
        text = _extract(html)
        if text and (cjk_share(text) >= 0.3) == cjk:
            out.append(text)
    return out


class _NoProgress:
    def update(self, *args):
        pass


def warc_docs(path: Path):
    reader = make_reader("warc", ReaderOptions())
    for d in reader.iter_docs(ReadTask(path=str(path), rel=path.name, format="warc"), _NoProgress()):
        if d.reason is None:
            yield d


def cc_pages() -> dict[str, list[str]]:
    """The Common Crawl excerpt, extracted: {'zh': [...], 'latin': [...] (the rest), 'empty': [...]}."""
    path = next((SHARED / "warc-samples" / "commoncrawl-2020-34-resiliparse").glob("*.warc.gz"))
    out: dict[str, list[str]] = defaultdict(list)
    for d in warc_docs(path):
        text = _extract(d.text)
        if not text:
            out["empty"].append(text)
        elif cjk_share(text) >= 0.3:
            out["zh"].append(text)
        else:
            out["latin"].append(text)
    return out


def sample_crawl() -> dict[tuple[str, str], list[str]]:
    """The project's synthetic sample crawl (WARC part): {(category, lang): [extracted texts]}."""
    base = ROOT / "pipelines" / "sample-crawl"
    labels = {}
    for line in (base / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        labels[rec["id"]] = rec
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for d in warc_docs(base / "crawl.warc.gz"):
        rec = labels.get(d.url)
        if rec is None or rec["category"] not in ("good", "spam", "boilerplate", "junk") \
                or rec["lang"] not in ("en", "zh"):
            continue
        text = _extract(d.text) if d.content_type == "text/html" else d.text
        out[(rec["category"], rec["lang"])].append(text)
    return out


def english_only(texts: list[str]) -> list[str]:
    """The texts that the project's language stage (fastText lid.176) calls English; [] without it."""
    try:
        from corpuskit.stages.language import LanguageFilter

        langs = LanguageFilter().identify(texts)
    except Exception as exc:  # the language stage or its model is not installed
        print(f"(no language ID, English web pages left out: {exc})", file=sys.stderr)
        return []
    return [t for t, (lang, _) in zip(texts, langs) if lang == "en"]


def load_sets(include_web_en: bool = True) -> list[tuple[str, str, str, str, list[str]]]:
    """[(name, short name, script, expected, texts)] with expected 'keep' or 'reject'."""
    cc = cc_pages()
    sc = sample_crawl()
    low = (SHARED / "cs336-a4-fixtures" / "low_quality_cc.txt").read_text(encoding="utf-8")
    sets = [
        ("wikitext2 valid, ~3,000-char chunks", "wiki", "en", "keep", en_wikitext()),
        ("gutenberg, ~3,000-char chunks", "gutenberg", "en", "keep", en_gutenberg()),
        ("US inaugural + State of the Union speeches", "speeches", "en", "keep", en_speeches()),
        ("zh-laws, ~3,000-char chunks", "zh-laws", "zh", "keep", zh_laws()),
        ("zh-classics-novels, one chapter (回) each", "zh-novels", "zh", "keep", zh_novels()),
        ("trafilatura-eval zh/ja pages", "zh-web", "zh", "keep", trafilatura_eval(cjk=True)),
        ("sample crawl good en (synthetic)", "synth-en", "en", "keep", sc[("good", "en")]),
        ("sample crawl good zh (synthetic)", "synth-zh", "zh", "keep", sc[("good", "zh")]),
        ("CC 2020-34 Chinese pages (spam, porn, lists)", "CC-zh", "zh", "reject", cc["zh"]),
        ("CC 2020-34 English pages + low_quality_cc.txt", "CC-en", "en", "reject",
         english_only(cc["latin"]) + [low]),
        ("sample crawl spam/boilerplate/junk en (synthetic)", "junk-en", "en", "reject",
         sc[("spam", "en")] + sc[("boilerplate", "en")] + sc[("junk", "en")]),
        ("sample crawl spam/boilerplate/junk zh (synthetic)", "junk-zh", "zh", "reject",
         sc[("spam", "zh")] + sc[("boilerplate", "zh")] + sc[("junk", "zh")]),
    ]
    if include_web_en:
        sets.append(("trafilatura-eval English pages (mixed web)", "web-en", "en", "mixed",
                     english_only(trafilatura_eval(cjk=False))))
    return sets


# ------------------------------------------------------------------------------------ keep rates
def chain(cjk_calibrated: bool = True):
    """The four stages with their defaults, or with the English thresholds for CJK documents too."""
    if cjk_calibrated:
        return [GopherQualityFilter(), GopherRepetitionFilter(), C4Filter(), FineWebFilter()]
    return [uncalibrated(cls) for cls in (GopherQualityFilter, GopherRepetitionFilter, C4Filter, FineWebFilter)]


def uncalibrated(cls):
    """``cls`` with every ``*_cjk`` threshold set to its English counterpart (characters still count as
    words, CJK punctuation and stop words still apply): what Chinese gets without calibration."""
    import inspect

    from corpuskit.stages.heuristics import gopher

    sig = inspect.signature(cls.__init__)
    params = {}
    for name in sig.parameters:
        if name.endswith("_cjk") and not name.startswith("stop_words"):
            params[name] = sig.parameters[name[:-4]].default
    if cls is GopherRepetitionFilter:
        params.update(top_ngram_fracs_cjk=gopher.TOP_NGRAM_FRACS, dup_ngram_fracs_cjk=gopher.DUP_NGRAM_FRACS)
    return cls(**params)


def table_of(texts: list[str]) -> pa.Table:
    return pa.table({"id": [str(i) for i in range(len(texts))], "text": texts})


def all_failures(stage, texts: list[str]) -> list[list[str]]:
    """Every rule each document fails, the stage alone on the raw texts."""
    table = table_of(texts)
    for col, arr in stage.score(table).items():
        table = table.append_column(col, arr)
    cols = [table.column(c).to_pylist() for c in stage.decision_columns]
    return [list(stage.failures(*row)) for row in zip(*cols)]


def chain_kept(stages, texts: list[str]) -> int:
    table = table_of(texts)
    for stage in stages:
        table, _ = apply_stage(stage, table, StageStats(stage.name))
    return table.num_rows


def rule_key(reason: str) -> str:
    """The rule of a reason, without its threshold: ``gopher:word_count<75`` -> ``gopher:word_count<``."""
    return re.sub(r"[0-9.]+$", "", reason)


def evaluate(texts: list[str], stages) -> dict:
    """Keep counts per stage alone, per rule alone, and for the chain."""
    per_stage, per_rule, first = {}, Counter(), Counter()
    for stage in stages:
        fails = all_failures(stage, texts)
        per_stage[stage.name] = sum(not f for f in fails)
        for f in fails:
            per_rule.update({rule_key(r) for r in f})
            if f:
                first[f[0]] += 1
    return {"n": len(texts), "stages": per_stage, "rules": per_rule, "first": first,
            "chain": chain_kept(stages, texts)}


def pct(kept: int, n: int) -> str:
    """A percentage; with a decimal where rounding would show a partial rate as 0 or 100."""
    if not n:
        return "-"
    x = 100 * kept / n
    return f"{x:.1f}" if 0 < kept < n and round(x) in (0, 100) else f"{x:.0f}"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def keep_rate_tables(sets) -> list[str]:
    """Markdown: (1) keep % per stage and chain per set, (2) keep % per rule alone per set. For CJK sets
    the figure with the English thresholds (before calibration) follows in parentheses when it differs."""
    cal, unc = chain(True), chain(False)
    results = []
    for name, short, script, expected, texts in sets:
        if texts:
            results.append((name, short, script, expected, evaluate(texts, cal),
                            evaluate(texts, unc) if script == "zh" else None))

    def cell(r_cal, r_unc, get):
        a = pct(get(r_cal), r_cal["n"])
        if r_unc is not None:
            b = pct(get(r_unc), r_unc["n"])
            if b != a:
                return f"{a} ({b})"
        return a

    rows = []
    for name, short, script, expected, rc, ru in results:
        rows.append([name, script, expected, str(rc["n"])] +
                    [cell(rc, ru, lambda r, s=s: r["stages"][s]) for s in STAGE_COLS[:-1]] +
                    [cell(rc, ru, lambda r: r["chain"])])
    out = ["#### Per stage (each stage alone on the set) and for the chain of four", "",
           markdown_table(["set", "script", "expect", "docs"] + STAGE_COLS, rows), ""]
    rules = sorted({k for *_, rc, ru in results for r in (rc, ru) if r for k in r["rules"]},
                   key=lambda k: (STAGE_ORDER.index(k.split(":")[0]), k))
    rrows = []
    for k in rules:
        rrows.append([f"`{k}`"] + [cell(rc, ru, lambda r, k=k: r["n"] - r["rules"].get(k, 0))
                                  for *_, rc, ru in results])
    out += ["#### Per rule (each rule alone; rules that reject nothing in any set are left out)", "",
            markdown_table(["rule"] + [short for _, short, *_ in results], rrows), ""]
    return out


# ------------------------------------------------------------------------------------ throughput
def five_kb_docs(sets, n: int = 2000, target_bytes: int = 5000) -> dict[str, list[str]]:
    """Documents of 5,000 UTF-8 bytes (the last line cut to fit), made of consecutive lines of the
    high-quality texts of each script, so they look like real documents."""
    out = {}
    for script in ("en", "zh"):
        pool = "\n".join(t for _, _, s, expected, texts in sets if s == script and expected == "keep" for t in texts)
        lines = [line for line in pool.split("\n") if line.strip()]
        docs, cur, size = [], [], 0
        i = 0
        while len(docs) < n:
            line = lines[i % len(lines)]
            i += 1
            b = len(line.encode("utf-8")) + 1
            if size + b >= target_bytes:
                room = target_bytes - size
                cur.append(line.encode("utf-8")[:room].decode("utf-8", "ignore"))
                docs.append("\n".join(cur))
                cur, size = [], 0
            else:
                cur.append(line)
                size += b
        out[script] = docs
    return out


def throughput(docs: list[str], stages, repeat: int = 3, batch: int = 1000) -> dict[str, float]:
    """Docs/s on one core: each stage alone on the same input, and the chain (best of ``repeat``)."""
    tables = [table_of(docs[i:i + batch]) for i in range(0, len(docs), batch)]
    out = {}
    for stage in stages:
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            for t in tables:
                stage.process(t)
            best = min(best, time.perf_counter() - t0)
        out[stage.name] = len(docs) / best
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for t in tables:
            for stage in stages:
                t, _ = apply_stage(stage, t, StageStats(stage.name))
        best = min(best, time.perf_counter() - t0)
    out["chain"] = len(docs) / best
    return out


# ------------------------------------------------------------------------------------ main
BEGIN, END = "<!-- bench_heuristics:begin -->", "<!-- bench_heuristics:end -->"
STAGE_COLS = ["gopher_quality", "gopher_repetition", "c4", "fineweb", "chain"]
STAGE_ORDER = ["gopher", "gopher_rep", "c4", "fineweb"]


def machine() -> str:
    import os
    import platform

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--markdown", help="also write the tables to this Markdown file")
    ap.add_argument("--update-docs", metavar="MD", help="replace the figures between the markers "
                    f"{BEGIN!r} and {END!r} in this Markdown file (docs/heuristics.md)")
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--no-web-en", action="store_true", help="leave out the English pages of the trafilatura set")
    ap.add_argument("--docs", type=int, default=2000, help="5 KB documents per script for the throughput runs")
    args = ap.parse_args(argv)
    if not SHARED.exists():
        print(f"data sets not found at {SHARED}", file=sys.stderr)
        return 1

    t0 = time.perf_counter()
    sets = load_sets(include_web_en=not args.no_web_en)
    print(f"loaded and extracted the sets in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    md = ["### Keep rates", "",
          "Percent of documents kept. For the Chinese (CJK) sets, the figure in parentheses is the one with the",
          "English thresholds applied to CJK documents (characters as words, CJK punctuation and stop words, but",
          "no `*_cjk` thresholds), that is before calibration; it is left out where it is the same.", ""]
    md += keep_rate_tables(sets)
    print("\n".join(md))

    if not args.no_throughput:
        docs = five_kb_docs(sets, n=args.docs)
        trows = []
        for script, texts in docs.items():
            mean_kb = sum(len(t.encode("utf-8")) for t in texts) / len(texts) / 1000
            res = throughput(texts, chain(True))
            trows.append([f"{script}: {len(texts)} docs of {mean_kb:.1f} KB"] + [f"{res[c]:,.0f}" for c in STAGE_COLS])
        tmd = ["### Throughput (documents per second on one core, 5 KB documents, batches of 1,000)", "",
               f"Machine: {machine()}. Each stage alone on the same documents, then the chain of four "
               "(through `apply_stage`, as the runner calls it; no `language` column, so each stage also "
               "measures the CJK share). Best of 3 runs.", "",
               markdown_table(["documents"] + STAGE_COLS, trows), ""]
        print("\n".join(tmd))
        md += tmd
    if args.markdown:
        Path(args.markdown).write_text("\n".join(md) + "\n", encoding="utf-8")
    if args.update_docs:
        path = Path(args.update_docs)
        doc = path.read_text(encoding="utf-8")
        if BEGIN not in doc or END not in doc:
            print(f"{path}: markers {BEGIN!r} / {END!r} not found", file=sys.stderr)
            return 1
        head, rest = doc.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        path.write_text(head + BEGIN + "\n" + "\n".join(md) + "\n" + END + tail, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
