"""Keep rates of the default cleaning chains, per data set and per rule (issue 16, item 1).

    python benchmarks/bench_keep_rates.py                                   # every set, both chains
    python benchmarks/bench_keep_rates.py --sets zh_laws,cc_spam_zh --chains clean
    python benchmarks/bench_keep_rates.py --max-docs 500 --json out.json --markdown report.md

Every good set (text that must be kept) and every bad set (text that should be removed) in ../shared/data is
split into documents, written as JSONL to a temporary directory and run through

  clean  the default chain of ``corpuskit clean --lang en|zh`` (``corpuskit.clean.default_stages([lang])``:
         extract -> language -> toxicity -> gopher_repetition -> gopher_quality -> c4 -> fineweb -> quality);
  web    ``pipelines/web-en.yaml`` or ``pipelines/web-zh.yaml`` (by the set's language), with only the
         filtering stages: exact_dedup, minhash_dedup, line_dedup and tokenize (and any train/generate
         section) are dropped, since they measure duplication across a corpus, not a document's quality.

Each chain runs with ``corpuskit.runner.Runner(config, workers=2)``. Per set and chain the benchmark reports
documents in, kept %, wall time, and per rule (``stage:rule``, the reason without its threshold, e.g. ``gopher:alpha_words``
from ``gopher:alpha_words<0.8`` in OUT/stats.json's ``rejected_by_reason``) the number and share of documents rejected, with the first two
rejected documents (id, first 120 characters, full reason) read from OUT/rejected/*.parquet. Since each
document is rejected by the first rule it fails, a rule's count is "rejected here", not "would fail".

Sets (documents; ``lang`` picks the chain's language):
  good, zh:  zh_laws (one document per chapter 第X章 of the constitution, civil code, criminal law; Markdown
             '#' marks dropped), zh_novels (one per chapter 第X回 of 红楼梦 and 西游记; 3 stubs
             under a repeated heading, < 200 characters, skipped), zh_poems (one per poem
             of 诗经, 宋词 and 唐詩三百首: title + lines), zh_poems_150 (those of >= 150 characters),
             eval_pages_zh (html-trafilatura-eval pages whose gold segments are Chinese; raw HTML, the chain
             extracts it)
  good, en:  wikitext (one per article of WikiText-2 valid, detokenised), gutenberg (one per chapter / story
             of the two books, header and licence cut, hard-wrapped lines joined into paragraphs), speeches
             (one per inaugural / State of the Union address), eval_pages_en (eval pages whose gold segments
             are English; raw HTML)
  benign:    davidson_neither (tweets labelled 'neither'), cold_safe (COLD label 0) -- short texts: the length
             rules reject most; the toxicity rows show the classifier's false positives
  bad:       cc_spam_zh (the Common Crawl WARC excerpt itself, read by the WARC reader, HTML extracted by
             the chain; mostly Chinese gambling/porn spam, run through the zh chains), davidson_toxic
             (hate + offensive tweets), cold_offensive (COLD label 1), junk_en / junk_zh (synthetic, seed 16:
             keyword spam, boilerplate menus, repeated lines, lorem ipsum, random character soup)

Data: ../shared/data relative to the project root (each set has a SOURCE.md); a missing set is skipped with a
message. Nothing is copied into the project; the temporary JSONL files are deleted at the end.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow.parquet as pq
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from corpuskit.clean import clean_pipeline, default_stages  # noqa: E402
from corpuskit.config import load_yaml
from corpuskit.recipe import parse_config  # noqa: E402
from corpuskit.runner import Runner  # noqa: E402
from _texts import gutenberg_chapters, paragraphs, read_speech, wikitext_articles  # noqa: E402

DROPPED_WEB_STAGES = {"exact_dedup", "minhash_dedup", "line_dedup", "tokenize"}
#: rules about a document's length, reported apart (the issue: they may reject short poems)
LENGTH_RULES = {"gopher:word_count", "c4:too_few_words", "c4:too_few_sentences"}
EXAMPLES_PER_RULE = 2
SEED = 16


class Missing(Exception):
    """A data set is not in ../shared/data."""


def _need(path: Path) -> Path:
    if not path.exists():
        raise Missing(f"{path.relative_to(SHARED.parent) if SHARED.parent in path.parents else path} not found")
    return path


# ------------------------------------------------------------------------------------ good sets, zh
_LAW_CHAPTER = re.compile(r"^#{1,4}\s*第[一二三四五六七八九十百零〇两]+章")
_NOVEL_CHAPTER = re.compile(r"^\s*第[一二三四五六七八九十百零〇]+回")


def zh_laws() -> list[dict]:
    """One document per chapter (第X章): from its heading to the next chapter heading or law title (# ...)."""
    docs = []
    for name in ("constitution.md", "civil-code.md", "criminal-law.md"):
        lines = _need(SHARED / "quality-pos-zh-laws" / name).read_text(encoding="utf-8").splitlines()
        cur: list[str] | None = None

        def flush():
            if cur:
                text = "\n".join(x for x in cur if x.strip()).strip()
                if text:
                    docs.append({"id": f"{name}#ch{len(docs)}", "text": text})

        for line in lines:
            if _LAW_CHAPTER.match(line):
                flush()
                cur = [line.lstrip("#").strip()]
            elif re.match(r"^#\s", line):  # a new law (or amendment): ends the chapter
                flush()
                cur = None
            elif cur is not None:
                if line.startswith("<!--"):
                    continue
                cur.append(line.lstrip("#").strip() if line.startswith("#") else line.strip())
        flush()
    return docs


def zh_novels() -> list[dict]:
    docs = []
    for name in ("hongloumeng.txt", "xiyouji.txt"):
        text = _need(SHARED / "zh-classics-novels" / name).read_text(encoding="utf-8").replace("\r\n", "\n")
        cur: list[str] | None = None
        n = 0
        for line in text.split("\n") + ["第终回"]:
            if _NOVEL_CHAPTER.match(line) or line == "第终回":
                body = "\n".join(x.strip() for x in cur if x.strip()) if cur else ""
                if len(body) >= 200:  # the edition repeats 3 headings (a stub of heading + menu line): skipped
                    n += 1
                    docs.append({"id": f"{name}#hui{n}", "text": body})
                cur = [line.strip()]
            elif cur is not None:
                cur.append(line)
    return docs


def zh_poems() -> list[dict]:
    base = _need(SHARED / "zh-chinese-poetry-subset")
    docs = []

    def add(src, i, title, lines):
        body = "\n".join(x.strip() for x in lines if x and x.strip())
        if body:
            docs.append({"id": f"{src}#{i}", "text": (title.strip() + "\n" + body) if title else body})

    for i, p in enumerate(json.loads((base / "shijing" / "shijing.json").read_text(encoding="utf-8"))):
        add("shijing", i, p.get("title", ""), p.get("content", []))
    for f in ("songci-300.json", "ci.song.0.json", "ci.song.1000.json"):
        for i, p in enumerate(json.loads((base / "songci" / f).read_text(encoding="utf-8"))):
            add(f, i, p.get("rhythmic", ""), p.get("paragraphs", []))
    tang = json.loads((base / "mengxue" / "tangshisanbaishou.json").read_text(encoding="utf-8"))
    i = 0
    for group in tang.get("content", []):
        for p in group.get("content", []):
            add("tangshisanbaishou", i, p.get("chapter") or "", p.get("paragraphs", []))
            i += 1
    return docs


def zh_poems_150() -> list[dict]:
    return [d for d in zh_poems() if len(d["text"]) >= 150]



def zh_lunyu() -> list[dict]:
    """论语, one document per chapter (篇: 学而篇 ...). Not used to choose any threshold: a check on unseen
    classical prose, dense in CJK punctuation."""
    chapters = json.loads(_need(SHARED / "zh-chinese-poetry-subset" / "lunyu" / "lunyu.json").read_text(encoding="utf-8"))
    return [{"id": f"lunyu#{i}", "text": c["chapter"] + "\n" + "\n".join(c["paragraphs"])}
            for i, c in enumerate(chapters)]


def zh_guwen() -> list[dict]:
    """古文觀止 (Traditional characters), one document per essay: title and paragraphs. Not used to choose any
    threshold: unseen classical prose from 東周 to 明."""
    book = json.loads(_need(SHARED / "zh-chinese-poetry-subset" / "mengxue" / "guwenguanzhi.json")
                      .read_text(encoding="utf-8"))
    docs = []
    for volume in book["content"]:
        for essay in volume["content"]:
            docs.append({"id": f"guwenguanzhi#{len(docs)}",
                         "text": essay["chapter"] + "\n" + "\n".join(essay["paragraphs"])})
    return docs


# ------------------------------------------------------------------------------------ good sets, en
def wikitext() -> list[dict]:
    """One document per article (a ' = Title = ' line); section headings kept as lines without '='."""
    articles = wikitext_articles(_need(SHARED / "quality-pos-wikitext2" / "valid.txt"))
    return [{"id": f"wikitext-valid#{i}", "text": "\n".join(lines)} for i, lines in enumerate(articles)]


def wikitext_raw() -> list[dict]:
    """The same articles as distributed: WikiText's own tokenisation (`` , ``, ``@-@``, ``@,@``), not detokenised."""
    articles = wikitext_articles(_need(SHARED / "quality-pos-wikitext2" / "valid.txt"), detokenize=False)
    return [{"id": f"wikitext-valid-raw#{i}", "text": "\n".join(lines)} for i, lines in enumerate(articles)]


def gutenberg() -> list[dict]:
    base = _need(SHARED / "quality-pos-gutenberg")
    chapters = gutenberg_chapters(base)
    docs = []
    for k, (name, lines) in enumerate(chapters):
        i = sum(1 for n, _ in chapters[:k] if n == name)
        paras = paragraphs(lines)
        if k + 1 == len(chapters) or chapters[k + 1][0] != name:  # the end of a book: drop "End of ..."
            paras = [p for p in paras if not p.lower().startswith("end of the project gutenberg")]
        docs.append({"id": f"{name}#ch{i + 1}", "text": "\n\n".join(paras)})
    return docs


def speeches() -> list[dict]:
    base = _need(SHARED / "quality-pos-us-speeches-nltk")
    docs = []
    for sub in ("inaugural", "state_union"):
        for f in sorted((base / sub).glob("*.txt")):
            text = read_speech(f).replace("\r\n", "\n").strip()
            if text:
                docs.append({"id": f"{sub}/{f.name}", "text": text})
    return docs


_EVAL_SPLIT: dict[str, list[dict]] | None = None


def _eval_pages() -> dict[str, list[dict]]:
    """html-trafilatura-eval pages, by the language of their gold 'with' segments (lid.176 via the project's
    language stage); raw HTML, so the chain's extract stage runs on them."""
    global _EVAL_SPLIT
    if _EVAL_SPLIT is None:
        from corpuskit.stages.language import LanguageFilter

        base = _need(SHARED / "html-trafilatura-eval")
        entries = json.loads((base / "evaldata.subset.json").read_text(encoding="utf-8"))
        urls = sorted(entries)
        lid = LanguageFilter(keep=None)
        lid.setup()
        langs = lid.identify([" ".join(entries[u].get("with") or []) or "-" for u in urls])
        split: dict[str, list[dict]] = {"en": [], "zh": []}
        for url, (lang, _score) in zip(urls, langs):
            if lang in split:
                html = gzip.decompress((base / entries[url]["html_gz"]).read_bytes()).decode("utf-8", "replace")
                split[lang].append({"id": entries[url]["file"], "text": html, "url": url})
        _EVAL_SPLIT = split
    return _EVAL_SPLIT


def eval_pages_en() -> list[dict]:
    return _eval_pages()["en"]


def eval_pages_zh() -> list[dict]:
    return _eval_pages()["zh"]


# ------------------------------------------------------------------------------------ bad and benign sets
def _davidson(classes: set[str]) -> list[dict]:
    path = _need(SHARED / "toxic-davidson-hate-offensive" / "train.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        return [{"id": f"davidson#{r['']}", "text": r["tweet"]} for r in csv.DictReader(fh) if r["class"] in classes]


def davidson_toxic() -> list[dict]:
    return _davidson({"0", "1"})


def davidson_neither() -> list[dict]:
    return _davidson({"2"})


def _cold(label: str) -> list[dict]:
    docs = []
    for split in ("train", "dev"):
        path = _need(SHARED / "toxic-cold-zh" / f"{split}.csv")
        with path.open(encoding="utf-8-sig", newline="") as fh:
            docs += [{"id": f"cold-{split}#{r['']}", "text": r["TEXT"]} for r in csv.DictReader(fh)
                     if r["label"] == label]
    return docs


def cold_offensive() -> list[dict]:
    return _cold("1")


def cold_safe() -> list[dict]:
    return _cold("0")


_EN_WORDS = ("cheap viagra casino bonus free download crack keygen best price buy now online loans "
             "weight loss replica watches poker slots win jackpot dating singles seo backlinks").split()
_ZH_WORDS = "澳门 赌场 博彩 彩票 开奖 六合彩 时时彩 娱乐城 注册送 免费 体验金 代理 下载 官网 最新 高清 在线 观看 无码 优惠".split()
_MENU_EN = ["Home", "About Us", "Products", "Services", "Blog", "Contact", "Login", "Register", "Cart",
            "Privacy Policy", "Terms of Use", "Sitemap", "FAQ", "Careers", "Newsletter", "Follow us"]
_MENU_ZH = ["首页", "关于我们", "产品中心", "新闻动态", "联系我们", "登录", "注册", "购物车", "隐私政策", "网站地图",
            "常见问题", "加入我们", "在线客服", "帮助中心", "版权所有", "友情链接"]
_LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
          "dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip "
          "ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore "
          "eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia "
          "deserunt mollit anim id est laborum.")


def _junk(lang: str, n: int = 200) -> list[dict]:
    rng = random.Random(f"{SEED}-{lang}")
    words, menu = (_EN_WORDS, _MENU_EN) if lang == "en" else (_ZH_WORDS, _MENU_ZH)
    sep = " " if lang == "en" else ""
    kinds = ["keyword_spam", "menu", "repeated_lines", "lorem", "char_soup"]
    docs = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        if kind == "keyword_spam":
            lines = [sep.join(rng.choice(words) for _ in range(rng.randint(6, 14))) for _ in range(rng.randint(15, 40))]
            text = "\n".join(lines)
        elif kind == "menu":
            text = "\n".join(rng.choice(menu) for _ in range(rng.randint(60, 150)))
        elif kind == "repeated_lines":
            if lang == "en":
                line = rng.choice(["Click here to claim your prize now!", "Best deals of the year, limited offer.",
                                   "Subscribe to our newsletter for updates.", "Call now: free consultation today."])
            else:
                line = rng.choice(["点击这里立即领取您的奖品！", "年度最优惠，限时抢购。", "订阅我们的新闻获取最新消息。",
                                   "立即致电，免费咨询。"])
            text = "\n".join([line] * rng.randint(20, 80))
        elif kind == "lorem":
            text = "\n\n".join(_LOREM for _ in range(rng.randint(3, 10)))
        else:
            if lang == "en":
                alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()_+-=[]{};:,.<>?/"
                text = " ".join("".join(rng.choice(alphabet) for _ in range(rng.randint(2, 12)))
                                for _ in range(rng.randint(150, 600)))
            else:
                text = "\n".join("".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(20, 60)))
                                 for _ in range(rng.randint(10, 30)))
        docs.append({"id": f"junk-{lang}-{kind}#{i}", "text": text})
    return docs


def junk_en() -> list[dict]:
    return _junk("en")


def junk_zh() -> list[dict]:
    return _junk("zh")


CC_WARC = "warc-samples/commoncrawl-2020-34-resiliparse/CC-MAIN-20200808165417-20200808195417-00395.excerpt.warc.gz"

# name -> (loader or WARC path, language, kind, html)
SETS: dict[str, tuple] = {
    "zh_laws": (zh_laws, "zh", "good", False),
    "zh_novels": (zh_novels, "zh", "good", False),
    "zh_poems": (zh_poems, "zh", "good", False),
    "zh_poems_150": (zh_poems_150, "zh", "good", False),
    "zh_lunyu": (zh_lunyu, "zh", "good", False),
    "zh_guwen": (zh_guwen, "zh", "good", False),
    "eval_pages_zh": (eval_pages_zh, "zh", "good", True),
    "wikitext": (wikitext, "en", "good", False),
    "wikitext_raw": (wikitext_raw, "en", "good", False),
    "gutenberg": (gutenberg, "en", "good", False),
    "speeches": (speeches, "en", "good", False),
    "eval_pages_en": (eval_pages_en, "en", "good", True),
    "davidson_neither": (davidson_neither, "en", "benign", False),
    "cold_safe": (cold_safe, "zh", "benign", False),
    "cc_spam_zh": (CC_WARC, "zh", "bad", True),
    "davidson_toxic": (davidson_toxic, "en", "bad", False),
    "cold_offensive": (cold_offensive, "zh", "bad", False),
    "junk_en": (junk_en, "en", "bad", False),
    "junk_zh": (junk_zh, "zh", "bad", False),
}

# the targets: kept % at least (good sets), or at most (bad sets)
TARGETS = {"zh_laws": (">=", 98), "zh_novels": (">=", 99), "zh_poems_150": (">=", 97), "gutenberg": (">=", 98),
           "speeches": (">=", 98), "wikitext": (">=", 97), "cc_spam_zh": ("<=", 0)}


# ------------------------------------------------------------------------------------ chains
def clean_config(inputs: list[str], out: Path, lang: str, input_options: dict):
    doc = clean_pipeline(inputs, str(out), stages=default_stages([lang]), input_options=input_options,
                         workers=2, name=f"clean-{lang}")
    data, lines = load_yaml(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), f"<clean {lang}>")
    return parse_config(data, lines, filename=f"<clean {lang}>", base_dir=".")


def web_config(inputs: list[str], out: Path, lang: str, input_options: dict):
    path = ROOT / "pipelines" / f"web-{lang}.yaml"
    data, lines = load_yaml(path.read_text(encoding="utf-8"), str(path))
    data["stages"] = [s for s in data["stages"] if next(iter(s)) not in DROPPED_WEB_STAGES]
    for key in ("train", "generate"):
        data.pop(key, None)
    data["input"] = {"paths": list(inputs), **input_options}
    data["output"] = {"path": str(out)}
    return parse_config(data, {}, filename=str(path), base_dir=str(path.parent))


CHAINS = {"clean": clean_config, "web": web_config}


def _rule(stage: str, reason: str) -> str:
    """``gopher:alpha_words<0.8`` -> ``gopher:alpha_words``; ``language:not-in-keep:ru`` -> ``language:not-in-keep``."""
    m = re.match(r"^([^:<>=\s]+):([^:<>=\s]+)", reason or "")
    if m:
        return f"{m.group(1)}:{m.group(2)}"
    head = re.split(r"[<>=\s]", reason or "", maxsplit=1)[0]
    return f"{stage}:{head}" if head else stage


def run_chain(chain: str, inputs: list[str], out: Path, lang: str, input_options: dict) -> dict:
    config = CHAINS[chain](inputs, out, lang, input_options)
    t0 = time.perf_counter()
    Runner(config, workers=2, force=True).run()
    seconds = time.perf_counter() - t0
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    docs_in = stats["stages"][0]["docs_in"] if stats["stages"] else 0
    kept = stats["output"]["kept_docs"]
    rules: dict[str, dict] = {}
    for st in stats["stages"]:
        for reason, n in st["rejected_by_reason"].items():
            key = _rule(st["name"], reason)
            r = rules.setdefault(key, {"rejected": 0, "stage_in": st["docs_in"], "examples": []})
            r["rejected"] += n
    # examples, in document order (the input's order: ids carry it for JSONL)
    files = sorted((out / "rejected").glob("*.parquet"))
    seen: Counter = Counter()
    for f in files:
        table = pq.read_table(f, columns=["id", "text", "rejected_by", "reason"])
        for row in table.to_pylist():
            key = _rule(row["rejected_by"], row["reason"])
            if seen[key] < EXAMPLES_PER_RULE:
                seen[key] += 1
                text = re.sub(r"\s+", " ", row["text"] or "").strip()[:120]
                rules.setdefault(key, {"rejected": 0, "stage_in": None, "examples": []})["examples"].append(
                    {"id": row["id"], "text": text, "reason": row["reason"]})
    for r in rules.values():
        r["pct"] = round(100 * r["rejected"] / docs_in, 2) if docs_in else 0.0
    by_length = sum(v["rejected"] for k, v in rules.items() if k in LENGTH_RULES)
    rules = dict(sorted(rules.items(), key=lambda kv: -kv[1]["rejected"]))
    return {"docs_in": docs_in, "kept": kept, "kept_pct": round(100 * kept / docs_in, 2) if docs_in else None,
            "length_rejected": by_length,
            "kept_pct_length_aside": round(100 * (kept + by_length) / docs_in, 2) if docs_in else None,
            "seconds": round(seconds, 1), "stages": [s["name"] for s in stats["stages"]], "rules": rules}


def sample(docs: list[dict], max_docs: int) -> list[dict]:
    if max_docs and len(docs) > max_docs:
        idx = sorted(random.Random(SEED).sample(range(len(docs)), max_docs))
        return [docs[i] for i in idx]
    return docs


# ------------------------------------------------------------------------------------ reports
def target_note(name: str, res: dict) -> str:
    if name not in TARGETS or res.get("kept_pct") is None:
        return ""
    op, val = TARGETS[name]
    ok = res["kept_pct"] >= val if op == ">=" else res["kept_pct"] <= val
    return f"{op} {val} {'ok' if ok else 'MISS'}"


def text_table(results: dict, chains: list[str]) -> str:
    head = f"{'set':18} {'lang':4} {'kind':6} {'docs':>6} " + " ".join(
        f"{c + ' kept%':>11} {'+len':>6} {'s':>6}" for c in chains)
    lines = [head, "-" * len(head)]
    for name, r in results.items():
        cells = []
        for c in chains:
            res = r["chains"].get(c)
            cells.append(f"{res['kept_pct']:>11.2f} {res['kept_pct_length_aside']:>6.1f} {res['seconds']:>6.1f}"
                         if res and res["kept_pct"] is not None else f"{'-':>11} {'-':>6} {'-':>6}")
        lines.append(f"{name:18} {r['lang']:4} {r['kind']:6} {r['docs']:>6} " + " ".join(cells))
    return "\n".join(lines)


def text_rules(results: dict, chains: list[str], top: int = 4) -> str:
    out = []
    for name, r in results.items():
        for c in chains:
            res = r["chains"].get(c)
            if not res:
                continue
            worst = list(res["rules"].items())[:top]
            desc = ", ".join(f"{k} {v['rejected']} ({v['pct']:.1f}%)" for k, v in worst) or "none rejected"
            out.append(f"{name:18} {c:5} {desc}")
    return "\n".join(out)


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("`", "'").replace("<", "&lt;").replace(">", "&gt;")


def markdown(results: dict, chains: list[str], meta: dict) -> str:
    lines = [f"Command: `{meta['command']}` ({meta['seconds']:.0f} s on {meta['cores']} cores, "
             f"--max-docs {meta['max_docs']}, corpuskit {meta['version']}).", "",
             "| set | lang | kind | docs | " + " | ".join(f"{c} kept % | {c} kept %, length rules aside | {c} s"
                                                      for c in chains) + " | target |",
             "|---|---|---|---:|" + "---:|---:|---:|" * len(chains) + "---|"]
    for name, r in results.items():
        cells = []
        for c in chains:
            res = r["chains"].get(c)
            cells += ([f"{res['kept_pct']:.2f}", f"{res['kept_pct_length_aside']:.2f}", f"{res['seconds']:.0f}"]
                      if res and res["kept_pct"] is not None else ["-", "-", "-"])
        notes = " / ".join(f"{c}: {target_note(name, r['chains'][c])}" for c in chains
                           if r["chains"].get(c) and target_note(name, r["chains"][c]))
        lines.append(f"| {name} | {r['lang']} | {r['kind']} | {r['docs']} | " + " | ".join(cells) + f" | {notes} |")
    lines += ["", "Per rule (stage:reason; % of the set's documents; the first rejected example):", ""]
    for name, r in results.items():
        for c in chains:
            res = r["chains"].get(c)
            if not res or not res["rules"]:
                continue
            lines.append(f"**{name} / {c}**")
            lines.append("")
            lines.append("| rule | rejected | % | first example (id -- reason) |")
            lines.append("|---|---:|---:|---|")
            for k, v in res["rules"].items():
                ex = v["examples"][0] if v["examples"] else None
                # ids and reasons only: the report is committed, the data sets' texts are not (they are in --json)
                exs = f"`{_md_escape(ex['id'])}` -- {_md_escape(ex['reason'] or '')}" if ex else ""
                lines.append(f"| {k} | {v['rejected']} | {v['pct']:.1f} | {exs} |")
            lines.append("")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", help=f"comma-separated subset of: {', '.join(SETS)}")
    ap.add_argument("--chains", default="clean,web", help="comma-separated: clean, web")
    ap.add_argument("--max-docs", type=int, default=2000, help="documents per set at most (deterministic sample; "
                    "0 = all)")
    ap.add_argument("--json", type=Path, help="write the full results (with examples) here")
    ap.add_argument("--markdown", type=Path, help="write the Markdown tables here")
    args = ap.parse_args(argv)
    names = [s.strip() for s in args.sets.split(",")] if args.sets else list(SETS)
    chains = [c.strip() for c in args.chains.split(",") if c.strip()]
    for n in names:
        if n not in SETS:
            ap.error(f"unknown set {n!r}; sets: {', '.join(SETS)}")
    for c in chains:
        if c not in CHAINS:
            ap.error(f"unknown chain {c!r}; chains: {', '.join(CHAINS)}")
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} not found (the shared data sets are not here)")
        return 0

    import os

    import corpuskit

    t_all = time.perf_counter()
    results: dict[str, dict] = {}
    tmp = Path(tempfile.mkdtemp(prefix="keep-rates-"))
    try:
        for name in names:
            source, lang, kind, html = SETS[name]
            try:
                if isinstance(source, str):
                    warc = _need(SHARED / source)
                    inputs, docs, opts = [str(warc)], None, {"format": "warc"}
                else:
                    all_docs = source()
                    docs = sample(all_docs, args.max_docs)
                    path = tmp / f"{name}.jsonl"
                    with path.open("w", encoding="utf-8") as fh:
                        for d in docs:
                            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
                    inputs = [str(path)]
                    opts = {"format": "jsonl", "id_field": "id", **({"content_type": "text/html"} if html else {})}
            except Missing as exc:
                print(f"skipped {name}: {exc}")
                continue
            entry = {"lang": lang, "kind": kind, "docs": len(docs) if docs is not None else None,
                     "available": len(all_docs) if docs is not None else None, "chains": {}}
            for c in chains:
                out = tmp / f"out-{name}-{c}"
                res = run_chain(c, inputs, out, lang, opts)
                entry["chains"][c] = res
                entry["docs"] = res["docs_in"] if entry["docs"] is None else entry["docs"]
                top = ", ".join(f"{k} {v['pct']:.1f}%" for k, v in list(res["rules"].items())[:3])
                print(f"{name:18} {c:5} in {res['docs_in']:5d}  kept {res['kept_pct']}%  "
                      f"{res['seconds']:.1f}s  {top}", flush=True)
                shutil.rmtree(out, ignore_errors=True)
            results[name] = entry
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    seconds = time.perf_counter() - t_all
    print()
    print(text_table(results, chains))
    print()
    print(text_rules(results, chains))
    meta = {"command": "python benchmarks/bench_keep_rates.py " + " ".join(argv if argv is not None else sys.argv[1:]),
            "seconds": seconds, "cores": os.cpu_count(), "max_docs": args.max_docs,
            "version": getattr(corpuskit, "__version__", "?"),
            "web_stages_dropped": sorted(DROPPED_WEB_STAGES)}
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(markdown(results, chains, meta), encoding="utf-8")
    print(f"\n{seconds:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
