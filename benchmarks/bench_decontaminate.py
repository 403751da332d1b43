"""Decontamination: how long a Chinese character n-gram must be (the curves behind ``char_n``), and speed.

    python benchmarks/bench_decontaminate.py                 # curves, then speed on 20,000 documents
    python benchmarks/bench_decontaminate.py --curves-only
    python benchmarks/bench_decontaminate.py --speed-only --docs 50000 --workers 2

Data: ../shared/data (quality-pos-zh-laws, zh-classics-novels, zh-chinese-poetry-subset, quality-pos-wikitext2).

**False matches.** An "evaluation set" is cut from one real text and "documents" of about 1,000 characters from
another, unrelated one: the Civil Code's articles against the Criminal Law and the Constitution (same genre),
红楼梦 against 西游记, 1,000 Song ci against 1,000 other Song ci, and the laws against the novels (different
genres). For each n the figure is the share of documents that hold at least one character n-gram of the
evaluation set: every such document would be thrown away for nothing.

**Found copies.** Items of the evaluation sets of at least 60 characters are copied into an unrelated document
(a chunk of 西游记): whole, whole with a share of their characters replaced by other characters (a light edit,
a retelling, an OCR error), or only their first 20 / 30 characters (a partial quotation). The figure is the share of
copies that still hold an n-gram of the item.

**Speed.** A corpus of real documents (WikiText paragraphs, novel and law passages, ~1,000 characters each,
reused in turn to reach ``--docs``), 1 % of which quote an evaluation item, through the pipeline
(``decontaminate`` alone) with the runner's worker pool; the evaluation sets are 2,000 English and 2,260
Chinese items. Peak RSS is sampled over the whole process tree.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from _memory import PeakRSS  # noqa: E402 (benchmarks/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpuskit.recipe import config_from_dict  # noqa: E402
from corpuskit.runner import run_pipeline  # noqa: E402
from corpuskit.stages.decontaminate import standard_grams, tokens  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
N_RANGE = list(range(6, 21))
EDIT_RATES = (0.0, 0.02, 0.05, 0.10)
_ARTICLE = re.compile(r"^第[零一二三四五六七八九十百千]+条")


def law_articles(name: str) -> list[str]:
    """The articles (第…条 paragraphs, with the paragraphs that continue them) of one law file."""
    articles: list[str] = []
    for line in (DATA / "quality-pos-zh-laws" / name).read_text(encoding="utf-8").split("\n"):
        line = line.strip()
        if _ARTICLE.match(line):
            articles.append(line)
        elif articles and line and not line.startswith(("#", "<!--")):
            articles[-1] += "\n" + line
    return articles


def novel_paragraphs(name: str) -> list[str]:
    text = (DATA / "zh-classics-novels" / name).read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n") if len(p.strip()) >= 20]


def song_ci(name: str) -> list[str]:
    poems = json.loads((DATA / "zh-chinese-poetry-subset" / "songci" / name).read_text(encoding="utf-8"))
    return ["".join(p["paragraphs"]) for p in poems if p["paragraphs"]]


def wikitext_paragraphs() -> list[str]:
    lines = (DATA / "quality-pos-wikitext2" / "valid.txt").read_text(encoding="utf-8").split("\n")
    return [s.strip() for s in lines if len(s.split()) >= 40 and not s.strip().startswith("=")]


def chunks(paragraphs: list[str], size: int = 1000) -> list[str]:
    """Consecutive paragraphs joined into documents of about ``size`` characters."""
    docs, cur = [], ""
    for p in paragraphs:
        cur = f"{cur}\n{p}" if cur else p
        if len(cur) >= size:
            docs.append(cur)
            cur = ""
    return docs + ([cur] if cur else [])


def _grams(toks, n: int) -> np.ndarray:
    return standard_grams(toks, np.full(len(toks), len(toks), np.int64), 13, n).hashes


def any_in(hashes: np.ndarray, table: np.ndarray) -> bool:
    """Whether any of ``hashes`` is in the sorted ``table`` (a binary search: ``np.isin`` would sort the table)."""
    if not len(table) or not len(hashes):
        return False
    at = np.minimum(np.searchsorted(table, hashes), len(table) - 1)
    return bool((table[at] == hashes).any())


def eval_tables(items: list[str]) -> dict[int, np.ndarray]:
    """n -> the distinct character n-gram hashes of ``items``, for every n of ``N_RANGE``."""
    toks = [tokens(t) for t in items]
    return {n: np.unique(np.concatenate([_grams(t, n) for t in toks] + [np.zeros(0, np.uint64)]))
            for n in N_RANGE}


def false_match_rates(pairs: dict[str, tuple[list[str], list[str]]]) -> dict[str, list[float]]:
    """Share of unrelated documents holding an n-gram of the evaluation set, per pair and n."""
    out = {}
    for label, (items, docs) in pairs.items():
        tables = eval_tables(items)
        doc_tokens = [tokens(d) for d in docs]
        out[label] = [float(np.mean([any_in(_grams(t, n), tables[n]) for t in doc_tokens]))
                      for n in N_RANGE]
    return out


def edited(text: str, rate: float, pool: str, rng: np.random.Generator) -> str:
    """``text`` with a share ``rate`` of its CJK characters replaced by characters drawn from ``pool``."""
    chars = list(text)
    cjk = [i for i, c in enumerate(chars) if "\u4e00" <= c <= "\u9fff"]
    for i in rng.choice(cjk, int(round(rate * len(cjk))), replace=False) if cjk else []:
        chars[i] = pool[rng.integers(len(pool))]
    return "".join(chars)


def copy_recall(items: list[str], hosts: list[str], seed: int = 0) -> dict[str, list[float]]:
    """Share of planted copies (edited or partial) found, per kind of copy and n."""
    rng = np.random.default_rng(seed)
    pool = "".join(c for c in "".join(hosts[:50]) if "\u4e00" <= c <= "\u9fff")
    long_items = [t for t in items if len(t) >= 60][:300]
    item_tables = [eval_tables([t]) for t in long_items]
    kinds = {f"whole, {int(r * 100)}% of characters edited": [edited(t, r, pool, rng) for t in long_items]
             for r in EDIT_RATES}
    kinds.update({f"first {k} characters only": [t[:k] for t in long_items] for k in (20, 30)})
    out = {}
    for label, copies in kinds.items():
        planted = [tokens(f"{hosts[i % len(hosts)][:400]}\n{c}\n{hosts[i % len(hosts)][400:800]}")
                   for i, c in enumerate(copies)]
        out[label] = [float(np.mean([any_in(_grams(doc, n), table[n])
                                     for doc, table in zip(planted, item_tables)])) for n in N_RANGE]
    return out


def print_curves(title: str, curves: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print(f"{'':44s}" + "".join(f"{n:>6d}" for n in N_RANGE))
    for label, rates in curves.items():
        print(f"{label:44s}" + "".join(f"{r * 100:6.1f}" for r in rates))


def curves() -> None:
    civil, criminal = law_articles("civil-code.md"), law_articles("criminal-law.md")
    constitution = law_articles("constitution.md")
    hong, xiyou = novel_paragraphs("hongloumeng.txt"), novel_paragraphs("xiyouji.txt")
    ci_a, ci_b = song_ci("ci.song.0.json"), song_ci("ci.song.1000.json")
    pairs = {
        f"laws: Civil Code ({len(civil)}) vs Criminal Law+Constitution": (civil, chunks(criminal + constitution)),
        f"novels: 红楼梦 ({len(hong)}) vs 西游记": (hong, chunks(xiyou)),
        f"poems: {len(ci_a)} Song ci vs {len(ci_b)} others": (ci_a, chunks(ci_b)),
        "laws (all) vs novels (both)": (civil + criminal + constitution, chunks(hong[::4] + xiyou[::4])),
    }
    sizes = ", ".join(f"{k.split(':')[0]} {len(v[1])}" for k, v in pairs.items())
    print(f"documents of ~1,000 characters: {sizes}")
    print_curves("% of UNRELATED documents holding a character n-gram of the evaluation set, n =",
                 false_match_rates(pairs))
    hosts = chunks(xiyou)
    print_curves("% of PLANTED copies of Civil Code articles (>= 60 characters) found, n =",
                 copy_recall(civil, hosts))
    print_curves("% of PLANTED copies of 红楼梦 paragraphs (>= 60 characters) found, n =",
                 copy_recall(hong, hosts, seed=1))


def speed_corpus(n_docs: int, directory: Path, seed: int = 0) -> tuple[dict[str, Path], np.ndarray, list[str]]:
    """Evaluation sets (English: WikiText paragraphs; Chinese: Civil Code articles and 红楼梦 paragraphs) and a
    corpus of ``n_docs`` other real documents in 8 JSONL files, 1 % quoting an evaluation item; returns the
    benchmarks, which documents were planted and the source of each."""
    rng = np.random.default_rng(seed)
    wiki = wikitext_paragraphs()
    en_items, zh_items = wiki[:2000], law_articles("civil-code.md") + novel_paragraphs("hongloumeng.txt")[:1000]
    sources = {"WikiText": wiki[2000:], "西游记": chunks(novel_paragraphs("xiyouji.txt")),
               "Criminal Law": chunks(law_articles("criminal-law.md"))}
    pool = [t for texts in sources.values() for t in texts]
    source_of = [name for name, texts in sources.items() for _ in texts]
    evals = directory / "evals"
    evals.mkdir(parents=True)
    for name, items in (("en", en_items), ("zh", zh_items)):
        (evals / f"{name}.jsonl").write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n"
                                                     for t in items), encoding="utf-8")
    corpus = directory / "corpus"
    corpus.mkdir()
    planted = rng.random(n_docs) < 0.01
    files = [open(corpus / f"part{f}.jsonl", "w", encoding="utf-8") for f in range(8)]
    for i in range(n_docs):
        text = f"{pool[i % len(pool)]} ({i})"
        if planted[i]:
            items = en_items if rng.random() < 0.5 else zh_items
            text = f"{text}\n{items[rng.integers(len(items))]}"
        files[i % 8].write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    for fh in files:
        fh.close()
    return ({"en": evals / "en.jsonl", "zh": evals / "zh.jsonl"}, planted,
            [source_of[i % len(pool)] for i in range(n_docs)])


def unplanted_rejects(out: Path, planted: np.ndarray, source: list[str]) -> tuple[int, dict[str, int]]:
    """(planted documents rejected, {source: rejected documents that were not planted})."""
    found, others = 0, {}
    for part in (out / "rejected").glob("part-*.parquet"):
        for doc_id in pq.read_table(part, columns=["id"]).column("id").to_pylist():
            name, index = doc_id.split("#")
            i = int(index) * 8 + int(name[len("part"):-len(".jsonl")])
            if planted[i]:
                found += 1
            else:
                others[source[i]] = others.get(source[i], 0) + 1
    return found, others


def speed(n_docs: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        benchmarks, planted, source = speed_corpus(n_docs, Path(tmp))
        n_planted = int(planted.sum())
        corpus_mb = sum(f.stat().st_size for f in (Path(tmp) / "corpus").iterdir()) / 1e6
        print(f"\nspeed: {n_docs:,} documents ({corpus_mb:.0f} MB of JSONL), {n_planted} planted; "
              f"evaluation sets 2,000 English + 2,260 Chinese items")
        for w in sorted({1, workers}):
            config = config_from_dict({
                "input": {"paths": [str(Path(tmp) / "corpus")], "shard_bytes": "8MB"},
                "output": str(Path(tmp) / f"out{w}"), "executor": {"workers": w},
                "stages": [{"decontaminate": {"benchmarks": {k: str(v) for k, v in benchmarks.items()}}}]})
            t0 = time.perf_counter()
            with PeakRSS() as peak:
                result = run_pipeline(config)
            wall = time.perf_counter() - t0
            stage = result.stats["stages"][1]
            phases = stage["global"]["phase_task_seconds"]
            print(f"  workers {w}: {wall:6.1f} s wall, {n_docs / wall:8,.0f} docs/s; stage {stage['seconds']:.1f} "
                  f"task-s ({n_docs / stage['seconds']:,.0f} docs/s per core); phases "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items())
                  + f"; peak RSS {peak.peak / 2**20:,.0f} MiB (largest worker {peak.peak_child / 2**20:,.0f} MiB)")
            found, others = unplanted_rejects(Path(tmp) / f"out{w}", planted, source)
            print(f"    benchmark n-grams {stage['global']['benchmark_ngrams']:,}; rejected "
                  f"{stage['rejected_by_reason']}: {found} of the {n_planted} planted, and documents not planted "
                  f"that share text with the evaluation sets: {others}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--curves-only", action="store_true")
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"needs the shared data sets in {DATA}")
    if not args.speed_only:
        curves()
    if not args.curves_only:
        speed(args.docs, args.workers)


if __name__ == "__main__":
    main()
