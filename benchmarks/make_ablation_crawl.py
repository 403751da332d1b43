"""Build the mixed crawl of the ablation experiment (pipelines/ablation-mixed.yaml) from ../shared/data.

    python benchmarks/make_ablation_crawl.py                 # writes out/ablation-crawl/ (seed 0)
    corpuskit ablate pipelines/ablation-mixed.yaml

Good text, as web pages: English (WikiText-2 articles, the two Project Gutenberg books, US inaugural speeches,
news-wire articles) and Chinese (the constitution, civil code and criminal law, 红楼梦 and 西游记, 诗经 / 宋词 /
唐诗, 论语 and 古文觀止), cut into pages of at most ~2,000 characters, each wrapped in HTML with a menu, a
cookie notice and a footer that the extraction should drop. Only the groups the benchmarks call ``train`` and
``calibrate`` (a law chapter, a novel chapter, an article, a speech...; ``benchmarks/_toxicity_data.py``) are
used; the ``evaluate`` groups become the reference sets, so no reference text, nor its neighbouring text, is in
the crawl.

Junk planted in known proportions (of all pages; the counts are printed and written to ``manifest.json``):

* toxic comment pages: 8 comments each, from the toxic rows of Davidson et al. (English) and COLD (Chinese);
* keyword spam: a handful of words of a good page repeated with separators, plus shop phrases;
* boilerplate pages: menus, cookie and legal notices, "related posts" lines, one short sentence;
* word salad: a good page's words (English) or characters (Chinese) shuffled;
* exact copies of good pages (another URL) and near copies (2 % of the words replaced).

Output: ``crawl.jsonl.gz`` (``{"id", "url", "html"}``; read with ``text_field: html`` and ``content_type:
text/html``), ``reference-en.jsonl`` and ``reference-zh.jsonl`` (held-out paragraphs), ``manifest.json``.
The data sets' licences are in ../shared/data/README.md; nothing of them is in the project.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _toxicity_data as data  # noqa: E402

MENU = ["Home", "News", "World", "Culture", "Books", "About us", "Contact", "Log in", "Subscribe"]
MENU_ZH = ["首页", "新闻", "国际", "文化", "读书", "关于我们", "联系我们", "登录", "订阅"]
COOKIE = "We use cookies to improve your experience. By continuing to browse you agree to our use of cookies."
COOKIE_ZH = "本网站使用cookie来改善您的体验。继续浏览即表示您同意我们使用cookie。"
FOOTER = "© 2024 Example Media Ltd. All rights reserved. Privacy policy · Terms of use · Sitemap"
FOOTER_ZH = "© 2024 示例传媒 版权所有 隐私政策 · 使用条款 · 网站地图"
SHOP = ["buy now", "cheap", "best price", "free shipping", "discount", "click here", "limited offer", "sale"]
SHOP_ZH = ["立即购买", "特价", "最低价", "包邮", "优惠", "点击这里", "限时抢购", "促销"]
BOILER = ["Related posts", "Share this article on Facebook Twitter LinkedIn", "Previous post | Next post",
          "Tags: news, culture, world", "Leave a comment", "Sign up for our newsletter", "Read more", "Advertisement"]
BOILER_ZH = ["相关文章", "分享到 微博 微信 QQ空间", "上一篇 | 下一篇", "标签：新闻 文化 国际", "发表评论", "订阅我们的新闻", "阅读全文", "广告"]


def pages(text: str, limit: int = 2000) -> list[str]:
    """Whole paragraphs gathered into pages of at most ``limit`` characters (a longer paragraph is a page)."""
    out, cur = [], []
    for para in (p.strip() for p in text.split("\n")):
        if not para:
            continue
        if cur and sum(len(p) for p in cur) + len(para) > limit:
            out.append("\n".join(cur))
            cur = []
        cur.append(para)
    if cur:
        out.append("\n".join(cur))
    return out


def wrap(title: str, paragraphs: list[str], lang: str) -> str:
    menu = MENU_ZH if lang == "zh" else MENU
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title></head><body>"
            f"<nav><ul>{''.join(f'<li><a href=/{i}>{m}</a></li>' for i, m in enumerate(menu))}</ul></nav>"
            f"<div class=cookie>{COOKIE_ZH if lang == 'zh' else COOKIE}</div>"
            f"<article><h1>{html.escape(title)}</h1>{body}</article>"
            f"<footer>{FOOTER_ZH if lang == 'zh' else FOOTER}</footer></body></html>")


def good_pages(rng: random.Random) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """(lang, page text) of the train/calibrate groups, and the held-out paragraphs per language."""
    sources = {"en": [data.wikitext(), data.gutenberg(), data.speeches(), rng.sample(data.news(), 600)],
               "zh": [data.zh_laws(), data.zh_novels(), data.zh_poems(), data.zh_classical_prose()]}
    caps = {"wikitext": 10**9, "gutenberg": 160, "speeches": 160, "news": 600,
            "zh_laws": 10**9, "zh_novels": 260, "zh_poems": 160, "zh_classical_prose": 160}
    good, held = [], {"en": [], "zh": []}
    for lang, sets in sources.items():
        for docs in sets:
            domain = docs[0].domain
            if domain == "zh_poems":  # ten poems of a group to a page
                groups: dict[str, list[str]] = {}
                for d in docs:
                    groups.setdefault(d.group, []).append(d.text)
                docs = [data.Doc(domain, lang, g, g, "\n".join(texts)) for g, texts in groups.items()]
            mine = []
            for d in docs:
                if d.part == "evaluate":
                    held[lang] += [p for p in d.text.split("\n") if len(p.strip()) >= (200 if lang == "en" else 60)]
                else:
                    mine += pages(d.text)
            rng.shuffle(mine)
            good += [(lang, p) for p in mine[:caps[domain]]]
    return good, held


def toxic_pages(rng: random.Random, n: dict[str, int]) -> list[tuple[str, str]]:
    out = []
    for lang in ("en", "zh"):
        split = data.toxic_split(lang)
        toxic = split["calibrate"][0] + split["evaluate"][0]
        rng.shuffle(toxic)
        for k in range(n[lang]):
            out.append((lang, "\n".join(toxic[k * 8:(k + 1) * 8])))
    return out


def spam_page(rng: random.Random, lang: str, page: str) -> str:
    if lang == "zh":
        chars = [c for c in page if "\u4e00" <= c <= "\u9fff"]
        words = ["".join(rng.sample(chars, 2)) for _ in range(5)] if len(chars) > 4 else ["好", "货"]
        shop = SHOP_ZH
    else:
        words = [w for w in page.split() if w.isalpha() and len(w) > 3] or ["deal"]
        words = rng.sample(words, min(5, len(words)))
        shop = SHOP
    lines = []
    for _ in range(rng.randint(6, 14)):
        lines.append((" | " if lang == "en" else "｜").join(rng.choice(words + shop) for _ in range(rng.randint(4, 9))))
    return "\n".join(lines)


def boilerplate_page(rng: random.Random, lang: str, page: str) -> str:
    lines = list(BOILER_ZH if lang == "zh" else BOILER)
    rng.shuffle(lines)
    first = page.split("\n")[0][:120]
    return "\n".join(lines[:5] + [first] + lines[5:])


def salad_page(rng: random.Random, lang: str, page: str) -> str:
    if lang == "zh":
        chars = list(page.replace("\n", ""))
        rng.shuffle(chars)
        text = "".join(chars)
        return "\n".join(text[i:i + 200] for i in range(0, len(text), 200))
    words = page.split()
    rng.shuffle(words)
    return "\n".join(" ".join(words[i:i + 60]) for i in range(0, len(words), 60))


def near_copy(rng: random.Random, lang: str, page: str) -> str:
    if lang == "zh":
        chars = list(page)
        for i in rng.sample(range(len(chars)), max(1, len(chars) // 50)):
            if chars[i] != "\n":
                chars[i] = rng.choice("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动")
        return "".join(chars)
    lines = []
    for line in page.split("\n"):
        words = line.split()
        for i in rng.sample(range(len(words)), len(words) // 50) if len(words) >= 50 else []:
            words[i] = rng.choice(["the", "a", "new", "old", "great", "small"])
        lines.append(" ".join(words))
    return "\n".join(lines)


def build(out: Path, seed: int = 0) -> dict:
    rng = random.Random(seed)
    good, held = good_pages(rng)
    n_good = len(good)
    share = {"toxic": 0.09, "spam": 0.09, "boilerplate": 0.05, "word-salad": 0.05, "exact-copy": 0.09,
             "near-copy": 0.05}  # of all pages
    total = round(n_good / (1 - sum(share.values())))
    count = {k: round(v * total) for k, v in share.items()}
    pages_out = [("good", lang, p) for lang, p in good]
    zh_share = sum(1 for lang, _ in good if lang == "zh") / n_good
    n_zh = round(count["toxic"] * zh_share)
    pages_out += [("toxic", lang, p) for lang, p in toxic_pages(rng, {"en": count["toxic"] - n_zh, "zh": n_zh})]
    for kind, make in (("spam", spam_page), ("boilerplate", boilerplate_page), ("word-salad", salad_page)):
        for lang, p in rng.sample(good, count[kind]):
            pages_out.append((kind, lang, make(rng, lang, p)))
    for lang, p in rng.sample(good, count["exact-copy"]):
        pages_out.append(("exact-copy", lang, p))
    for lang, p in rng.sample(good, count["near-copy"]):
        pages_out.append(("near-copy", lang, near_copy(rng, lang, p)))
    rng.shuffle(pages_out)
    out.mkdir(parents=True, exist_ok=True)
    kinds: dict[str, int] = {}
    with gzip.open(out / "crawl.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i, (kind, lang, text) in enumerate(pages_out):
            kinds[kind] = kinds.get(kind, 0) + 1
            paragraphs = [p for p in text.split("\n") if p.strip()]
            title = (paragraphs[0] if paragraphs else "untitled")[:60]
            fh.write(json.dumps({"id": f"p{i:05d}", "url": f"https://site{i % 97}.example/{kind[0]}/{i}",
                                 "html": wrap(title, paragraphs, lang), "kind": kind, "lang": lang},
                                ensure_ascii=False) + "\n")
    for lang, paras in held.items():
        rng.shuffle(paras)
        with open(out / f"reference-{lang}.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps({"text": p}, ensure_ascii=False) + "\n" for p in paras[:400])
    manifest = {"seed": seed, "pages": len(pages_out), "kinds": kinds,
                "good_chars": sum(len(p) for _, p in good),
                "languages": {lang: sum(1 for _, lg, _ in pages_out if lg == lang) for lang in ("en", "zh")},
                "references": {lang: min(400, len(p)) for lang, p in held.items()}}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", type=Path, default=Path("out/ablation-crawl"))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if not data.DATA.exists():
        sys.exit(f"needs the shared data sets in {data.DATA}")
    print(json.dumps(build(args.output, args.seed), indent=1))


if __name__ == "__main__":
    main()
