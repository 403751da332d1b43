"""How well does dedup find near duplicates? Pairwise precision / recall / F1 / ARI on labelled sets.

    python benchmarks/bench_dedup_quality.py                 # both parts, thresholds 0.8 and 0.7
    python benchmarks/bench_dedup_quality.py --part articles
    python benchmarks/bench_dedup_quality.py --part edits --per-condition 60 --thresholds 0.8 0.7 0.5

Part ``articles``: ``neardup-minhash-articles`` (100 / 1,000 / 2,500 documents with labelled pairs),
run through ``corpuskit dedup``'s default chain (exact, then MinHash LSH).

Part ``edits``: a harder set built here from real text, in English and Chinese, with controlled edits.
Originals are passages of ~250 words (English: WikiText-2 validation, two Project Gutenberg novels) or
~500 characters (Chinese: 红楼梦, 西游记). For each condition a disjoint group of originals gets one
edited copy each (so copies cannot chain to one another):

- ``words r``: each word (English) / character (Chinese) is, with probability r, replaced by a
  random one of the corpus, deleted, or followed by an inserted random one (a third each);
- ``boilerplate b``: navigation/share/copyright lines amounting to b of the passage's length added
  before and after it;
- ``truncate t``: the last t of the passage cut;
- ``format``: English: case changes, other punctuation, numbers re-written, whitespace and line
  breaks; Chinese: Chinese punctuation replaced by ASCII punctuation and Latin letters/digits turned
  full-width (what a copy that went through another site's CMS looks like).

The rest of the originals (``--distractors`` per language) are unrelated passages that measure false
positives. Every document is labelled with its cluster (the original); the scores count pairs. Per
condition: the mean true Jaccard (of the word 5-gram / character 5-gram shingle sets after
normalisation) of copy and original, and the recall (share of copies put in the original's cluster).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpuskit.recipe import parse_config  # noqa: E402
from corpuskit.dedup.chain import dedup_stages  # noqa: E402
from corpuskit.dedup.evaluate import Truth, load_truth, predicted_clusters, score  # noqa: E402
from corpuskit.dedup.minhash import jaccard, shingles  # noqa: E402
from corpuskit.runner import run_pipeline  # noqa: E402

DATA = ROOT.parent / "shared" / "data"

BOILER_EN = ["Home | News | Sport | Business | Culture | Contact us", "Share this article: Facebook Twitter Email",
             "Copyright © 2024 Example Media Ltd. All rights reserved.", "Subscribe to our newsletter for updates",
             "Privacy policy · Terms of use · Cookie settings", "Related stories you may have missed",
             "Sign in or register to comment", "Advertisement"]
BOILER_ZH = ["首页 | 新闻 | 体育 | 财经 | 文化 | 联系我们", "分享到：微信 微博 QQ空间", "版权所有 © 2024 某某网 保留所有权利",
             "订阅我们的新闻简报，获取最新消息", "隐私政策 · 使用条款 · 免责声明", "相关阅读：你可能错过的新闻",
             "登录后才能发表评论", "广告"]
CONDITIONS = ([("words", r) for r in (0.01, 0.03, 0.05, 0.10, 0.20, 0.30)]
              + [("boilerplate", b) for b in (0.1, 0.3, 0.5)]
              + [("truncate", t) for t in (0.1, 0.3, 0.5)] + [("format", 0.0)])


# --- originals -----------------------------------------------------------------------------------

def english_passages(words: int = 250) -> list[str]:
    out = []
    text = (DATA / "quality-pos-wikitext2" / "valid.txt").read_text(encoding="utf-8").replace("<unk>", "")
    wiki = [w for w in text.split() if w != "="]
    out += [" ".join(wiki[i:i + words]) for i in range(0, len(wiki) - words, words)]
    for name in ("pg1342-pride-and-prejudice.txt", "pg1661-adventures-of-sherlock-holmes.txt"):
        book = (DATA / "quality-pos-gutenberg" / name).read_text(encoding="utf-8")
        start = book.find("*** START")
        end = book.find("*** END")
        body = book[book.find("\n", start) + 1 if start >= 0 else 0:end if end > 0 else None].split()
        out += [" ".join(body[i:i + words]) for i in range(0, len(body) - words, words)]
    return out


def chinese_passages(chars: int = 500) -> list[str]:
    out = []
    for name in ("hongloumeng.txt", "xiyouji.txt"):
        text = re.sub(r"\s+", "", (DATA / "zh-classics-novels" / name).read_text(encoding="utf-8"))
        out += [text[i:i + chars] for i in range(0, len(text) - chars, chars)]
    return out


# --- edits ---------------------------------------------------------------------------------------

def edit_units(units: list[str], rate: float, vocab: list[str], rng: random.Random) -> list[str]:
    out = []
    for u in units:
        if rng.random() < rate:
            op = rng.randrange(3)
            if op == 0:
                out.append(rng.choice(vocab))
            elif op == 2:
                out += [u, rng.choice(vocab)]
            continue  # op 1: deleted
        out.append(u)
    return out


def add_boilerplate(text: str, share: float, lines: list[str], rng: random.Random) -> str:
    target = int(len(text) * share)
    head, tail = [], []
    while sum(map(len, head + tail)) < target:
        (head if rng.random() < 0.5 else tail).append(rng.choice(lines))
    return "\n".join(head + [text] + tail)


_ZH_TO_ASCII = str.maketrans({"，": ",", "。": ".", "：": ":", "；": ";", "！": "!", "？": "?", "“": '"', "”": '"',
                              "‘": "'", "’": "'", "（": "(", "）": ")", "、": ","})


def reformat(text: str, lang: str, rng: random.Random) -> str:
    if lang == "zh":
        text = text.translate(_ZH_TO_ASCII)
        return "".join(chr(ord(c) + 0xFEE0) if "!" < c <= "~" and c.isalnum() else c for c in text)
    words = text.split()
    out = []
    for w in words:
        r = rng.random()
        if r < 0.1:
            w = w.upper()
        elif r < 0.2:
            w = w.capitalize()
        if w and w[-1] in ".,;" and rng.random() < 0.5:
            w = w[:-1] + rng.choice(".,;:!")
        w = re.sub(r"\d+", lambda m: str(rng.randrange(10 ** len(m.group()))), w)
        out.append(w)
    return "".join(w + rng.choice([" ", " ", "  ", "\n"]) for w in out).strip()


def make_copy(text: str, lang: str, kind: str, amount: float, vocab: list[str], rng: random.Random) -> str:
    units = text.split() if lang == "en" else list(text)
    joiner = " " if lang == "en" else ""
    if kind == "words":
        return joiner.join(edit_units(units, amount, vocab, rng))
    if kind == "boilerplate":
        return add_boilerplate(text, amount, BOILER_EN if lang == "en" else BOILER_ZH, rng)
    if kind == "truncate":
        return joiner.join(units[:max(1, round(len(units) * (1 - amount)))])
    return reformat(text, lang, rng)


def build_edit_set(per_condition: int, distractors: int, seed: int = 0):
    """(docs as (id, text), truth clusters id -> cluster, conditions id -> (lang, kind, amount, jaccard))."""
    rng = random.Random(seed)
    docs, clusters, conditions = [], {}, {}
    for lang, passages in (("en", english_passages()), ("zh", chinese_passages())):
        rng.shuffle(passages)
        need = per_condition * len(CONDITIONS) + distractors
        if len(passages) < need:
            raise SystemExit(f"{lang}: {len(passages)} passages, {need} needed: lower --per-condition")
        vocab = sorted({u for p in passages[:2000] for u in (p.split() if lang == "en" else p)})
        k = 0
        for kind, amount in CONDITIONS:
            for _ in range(per_condition):
                orig = passages[k]
                oid, cid = f"{lang}-{k:05d}", f"{lang}-{k:05d}-copy"
                copy = make_copy(orig, lang, kind, amount, vocab, rng)
                docs += [(oid, orig), (cid, copy)]
                clusters[oid] = clusters[cid] = oid
                conditions[cid] = (lang, kind, amount, jaccard(shingles(orig), shingles(copy)))
                k += 1
        for _ in range(distractors):
            docs.append((f"{lang}-{k:05d}", passages[k]))
            k += 1
    rng.shuffle(docs)  # copies come before or after their original: the keep policy must not matter
    return docs, clusters, conditions


# --- running -------------------------------------------------------------------------------------

def run_dedup(docs: list[tuple[str, str]], workdir: Path, threshold: float, verify: str = "none",
              workers: int = 2, fn_weight: float = 0.5) -> tuple[Path, float, dict]:
    data = workdir / "docs.jsonl"
    if not data.exists():
        data.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in docs),
                        encoding="utf-8")
    out = workdir / f"out-{threshold}-{verify}-{fn_weight}"
    config = parse_config({"name": "dedup-quality", "input": {"paths": [str(data)], "id_field": "id"},
                           "output": str(out),
                           "stages": dedup_stages(threshold=threshold, verify=verify,
                                                  false_negative_weight=fn_weight),
                           "executor": {"workers": workers}}, {}, filename="<bench>", base_dir=".")
    t0 = time.perf_counter()
    result = run_pipeline(config, force=True)
    seconds = time.perf_counter() - t0
    lsh = next(s for s in result.stats["stages"] if s["name"] == "minhash_dedup").get("global", {})
    return out, seconds, lsh


def articles(thresholds, workers):
    print("== neardup-minhash-articles (exact + MinHash LSH, word 5-grams, 128 permutations)")
    print(f"{'set':>6s} {'thr':>5s} {'verify':>9s} {'P':>7s} {'R':>7s} {'F1':>7s} {'ARI':>7s} "
          f"{'pairs':>9s} {'cand.':>7s} {'s':>6s}")
    for n in (100, 1000, 2500):
        docs = []
        for line in (DATA / "neardup-minhash-articles" / f"articles_{n}.train").read_text(encoding="utf-8").splitlines():
            i, text = line.split(" ", 1)
            docs.append((i, text))
        truth = load_truth(DATA / "neardup-minhash-articles" / f"articles_{n}.truth")
        with tempfile.TemporaryDirectory() as tmp:
            for thr in thresholds:
                for verify in ("none", "exact"):
                    out, secs, lsh = run_dedup(docs, Path(tmp), thr, verify, workers)
                    s = score(truth, *predicted_clusters(out))
                    print(f"{n:6d} {thr:5.2f} {verify:>9s} {s.precision:7.3f} {s.recall:7.3f} {s.f1:7.3f} "
                          f"{s.adjusted_rand_index:7.3f} {s.correct_pairs:>4d}/{s.true_pairs:<4d} "
                          f"{lsh.get('candidate_pairs', 0):7d} {secs:6.1f}")
    print()


def _configs(thresholds):
    """(threshold, verify, false-negative weight) settings compared side by side."""
    out = []
    for t in thresholds:
        out += [(t, "none", 0.5), (t, "exact", 0.5), (t, "exact", 0.8)]
    return out


def _label(cfg) -> str:
    t, v, w = cfg
    return f"{t:.2f}" + ("v" if v == "exact" else "") + ("w" if w != 0.5 else "")


def edits(thresholds, per_condition, distractors, workers):
    t0 = time.perf_counter()
    docs, clusters, conditions = build_edit_set(per_condition, distractors)
    print(f"== edited copies of real text: {len(docs):,} documents, {per_condition} copies per condition and "
          f"language, {distractors} distractors per language (built in {time.perf_counter() - t0:.1f} s)")
    truth = Truth(clusters, [], "clusters")
    results = {}
    configs = _configs(thresholds)
    with tempfile.TemporaryDirectory() as tmp:
        for cfg in configs:
            out, secs, lsh = run_dedup(docs, Path(tmp), cfg[0], cfg[1], workers, cfg[2])
            predicted, ids = predicted_clusters(out)
            s = score(truth, predicted, ids)
            found = {cid: cid in predicted and predicted.get(cid) == predicted.get(clusters[cid])
                     for cid in conditions}
            results[cfg] = (s, found, secs, lsh)
    for cfg in configs:
        s, _, secs, lsh = results[cfg]
        print(f"{_label(cfg):6s} ({lsh.get('bands')}x{lsh.get('rows')}): P {s.precision:.3f}  R {s.recall:.3f}  "
              f"F1 {s.f1:.3f}  ARI {s.adjusted_rand_index:.3f}  ({s.correct_pairs}/{s.true_pairs} pairs, "
              f"{s.predicted_pairs - s.correct_pairs} false; {lsh.get('candidate_pairs', 0)} candidate checks; "
              f"{secs:.1f} s)")
    print()
    header = "".join(f" {_label(c):>6s}" for c in configs)
    print(f"{'lang':4s} {'condition':16s} {'Jaccard':>7s}{header}")
    for lang in ("en", "zh"):
        for kind, amount in CONDITIONS:
            ids = [c for c, (lg, k, a, _) in conditions.items() if lg == lang and k == kind and a == amount]
            jac = sum(conditions[c][3] for c in ids) / len(ids)
            label = kind if kind == "format" else f"{kind} {amount:.0%}"
            rec = "".join(f" {sum(results[c][1][i] for i in ids) / len(ids):6.2f}" for c in configs)
            print(f"{lang:4s} {label:16s} {jac:7.3f}{rec}")
    print("\nColumns: recall of the copies at LSH threshold t; v: candidates verified by exact shingle Jaccard >= t;"
          "\nw: bands x rows chosen with false_negative_weight 0.8 instead of datasketch's 0.5.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["all", "articles", "edits"], default="all")
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.8, 0.7])
    ap.add_argument("--per-condition", type=int, default=40, help="copies per condition and language")
    ap.add_argument("--distractors", type=int, default=500, help="unrelated passages per language")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if not DATA.exists():
        raise SystemExit(f"{DATA} not found: this benchmark reads the shared data sets")
    if args.part in ("all", "articles"):
        articles(args.thresholds, args.workers)
    if args.part in ("all", "edits"):
        edits(args.thresholds, args.per_condition, args.distractors, args.workers)


if __name__ == "__main__":
    main()
