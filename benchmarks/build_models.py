"""Rebuild the shipped classifier models in corpuskit/models/ from ../shared/data (the exact command).

    python benchmarks/build_models.py                      # all four models
    python benchmarks/build_models.py --only toxicity-en   # one of them
    python benchmarks/build_models.py --out /tmp/models    # somewhere else (to compare)

Reads only the public data sets in ../shared/data (see MODELS.md for their licences) plus the
low-quality text this script generates itself (seeded). Every model is trained with one thread
and a fixed seed, so a rebuild gives the same figures (the model files differ only in the card's
timestamp). About 2 minutes on one core.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpuskit.classifier import TextClassifier, card_path  # noqa: E402
from corpuskit.classifier_training import (file_sha256, load_csv, load_texts, stratified_split,  # noqa: E402
                                           train_classifier)
from corpuskit.text import CJK_RANGES  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _toxicity_data as TD  # noqa: E402  (benchmarks/: the toxicity models' data and three-way split)
from _texts import read_speech  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SEED = 0
COMMAND = "python benchmarks/build_models.py"

# Hyperparameters chosen by the sweeps reported in MODELS.md. dim 16 + quantization keeps each
# model well under 1 MB with the same held-out figures as the full-size model (within 0.005 F1).
HP_TOXICITY_EN = dict(epoch=25, lr=0.3, dim=16, wordNgrams=2, minn=2, maxn=4, bucket=200_000,
                      quantize_cutoff=50_000)
HP_TOXICITY_ZH = dict(epoch=10, lr=0.3, dim=16, wordNgrams=3, bucket=200_000, quantize_cutoff=50_000)
# Toxicity: threshold at a 5 % prevalence on the calibrate parts; benign training units per domain and level
THRESHOLD_POLICY = "max_f1_at_prevalence:0.05"
BENIGN_TRAIN_UNITS = {"sentence": 3000, "paragraph": 1000, "passage": 1000}
HP_QUALITY = dict(epoch=10, lr=0.2, dim=16, wordNgrams=2, bucket=200_000, quantize_cutoff=50_000)

_CJK = re.compile(f"[{CJK_RANGES}]")


def rel(path: Path) -> str:
    """A data path as the model card names it: ../shared/data/<set>/<file>."""
    return "../shared/data/" + path.relative_to(DATA).as_posix()


def source(path: Path, documents: int, label: str) -> dict:
    return {"path": rel(path), "sha256": file_sha256(path), "documents": documents, "label": label}


# ---------------------------------------------------------------------------------------------
# Toxicity


# Self-written contrastive sentences (seeded): the same templates filled with an insult (toxic) or a
# neutral/kind word (clean). Both data sets are narrow (Davidson: slurs in tweets; COLD: comments on
# race, region, gender), so plain insults ("worthless idiot", "白痴") were missed without these.
# They are added to the TRAINING side only; held-out figures are on the original data alone.
_INSULT_EN = ("idiot moron loser imbecile scumbag jerk retard dumbass asshole bastard creep clown fool "
              "pig trash garbage freak coward dickhead douchebag prick twat wanker halfwit").split()
_INSULT_ADJ_EN = "worthless stupid pathetic disgusting useless dumb ugly brainless miserable filthy".split()
_KIND_EN = ("friend colleague teacher neighbour student doctor member volunteer partner guest citizen "
            "engineer writer reader parent").split()
_KIND_ADJ_EN = "kind helpful thoughtful talented good honest careful patient brilliant generous".split()
_TEMPLATES_EN = ["you are a {a} {n}", "shut up, you {a} {n}", "what a {a} {n} you are", "go away, {n}",
                 "nobody likes you, you {a} {n}", "only a {a} {n} would say that", "hey {n}, listen to me",
                 "my {n} said the {a} thing", "thanks, you are such a {a} {n}"]
_INSULT_ZH = "白痴 傻逼 蠢货 废物 脑残 垃圾 贱人 混蛋 人渣 智障 傻子 狗东西 畜生 王八蛋 蠢猪 贱货 神经病 败类".split()
_KIND_ZH = "朋友 老师 同学 邻居 医生 同事 学生 志愿者 家人 好人 专家 客人 读者 作者".split()
_TEMPLATES_ZH = ["你这个{n}", "滚开，你这个{n}", "{n}，闭嘴吧", "你就是个{n}", "只有{n}才会这么说", "谢谢你，{n}",
                 "我的{n}今天来了", "去死吧，{n}", "你真是个{n}", "{n}都应该滚出去", "我们欢迎每一位{n}"]


# Forum-style attacks (opener + insulting clause) against civil replies and disagreement (opener + civil clause):
# the toxic sets have few direct attacks without slurs, and the good sets few civil disagreements.
_ATTACK_OPEN_EN = ["shut up.", "get lost,", "go away,", "learn to read,", "stop posting,", "grow up,", "give it a rest,",
                   "seriously,", "wow,", "lol,", "oh look,", "honestly,", ""]
_ATTACK_ADJ_EN = "stupid pathetic dumb ignorant clueless brainless worthless useless idiotic moronic".split()
_ATTACK_NOUN_EN = "troll dimwit hack pest numbskull dunce nitwit buffoon simpleton cretin jackass dipshit scum".split()
_ATTACK_EN = ["you {a} {n}.", "you are so {a}.", "are you really this {a}?", "what a {a} {n}.",
              "nobody wants your {a} opinion.", "people like you are {a}.", "your comments are {a} garbage.",
              "only a {n} would post this.", "you people are all {n}s.", "you {n}, your brain must be rotten.",
              "{a} {n}, every single time.", "crawl back to your hole, {n}.", "you are a {a} excuse for a person."]
_CIVIL_OPEN_EN = ["thanks.", "with respect,", "to be fair,", "honestly,", "i see your point, but", "sorry,", "hi,",
                  "for what it's worth,", "just a note:", "fair enough, but", ""]
_CIVIL_OBJ_EN = ["this edit", "the last change", "the revert", "the new section", "that claim", "the figures",
                 "the conclusion", "this proposal", "the title", "your argument", "the second source", "the summary"]
_CIVIL_EN = ["i disagree with {o}.", "i think {o} is wrong.", "i am not sure about {o}.", "could you explain {o}?",
             "please discuss {o} on the talk page.", "should we undo {o}?", "{o} needs a citation.",
             "i reverted {o} until we agree.", "is {o} against the rules?", "will {o} get me blocked?",
             "please stop changing {o} without discussion.", "the admins may warn us about {o}.",
             "you are wrong about {o}, see the source.", "i strongly object to {o}."]
_ATTACK_OPEN_ZH = ["闭嘴吧，", "滚吧，", "别在这丢人了，", "呵呵，", "醒醒吧，", "说真的，", "笑死，", ""]
_ATTACK_NOUN_ZH = ("笨蛋 饭桶 蠢材 废柴 弱智 猪脑子 喷子 键盘侠 二货 憨批 丑八怪 孬种 白痴 傻逼 蠢货 废物 脑残 "
                   "垃圾 混蛋 人渣 智障 神经病").split()
_ATTACK_ZH = ["你这个{n}。", "你是{n}吗？", "只有{n}才会信这种话。", "你脑子坏掉了吧，{n}。", "没人想听你这个{n}说话。",
              "你们都是一群{n}。", "你算什么东西，{n}。", "这种{n}就该封号。", "{n}，先学会说人话再来。",
              "一看就是个{n}写的。", "楼上的{n}真恶心。"]
_CIVIL_OPEN_ZH = ["谢谢，", "说实话，", "我理解你的意思，但", "补充一点，", "抱歉，", "请问，", "楼主辛苦了，", ""]
_CIVIL_OBJ_ZH = ["这个观点", "这组数据", "这次修改", "文章的结论", "第二个来源", "这个标题", "你的说法", "这段总结"]
_CIVIL_ZH = ["我不同意{o}。", "我觉得{o}有问题。", "{o}可能不太准确。", "能不能解释一下{o}？", "{o}需要注明出处。",
             "建议在讨论区再商量{o}。", "我对{o}有保留意见。", "{o}是不是违反规定了？", "你对{o}的理解有误，请看原文。"]


def forum_augmentation(lang: str, rng: random.Random, n: int = 1500) -> tuple[list[str], list[str]]:
    pos, neg = [], []
    for _ in range(n):
        if lang == "en":
            t = rng.choice(_ATTACK_EN).format(a=rng.choice(_ATTACK_ADJ_EN + _INSULT_ADJ_EN),
                                               n=rng.choice(_ATTACK_NOUN_EN + _INSULT_EN))
            pos.append((rng.choice(_ATTACK_OPEN_EN) + " " + t).strip())
            c = rng.choice(_CIVIL_EN).format(o=rng.choice(_CIVIL_OBJ_EN))
            neg.append((rng.choice(_CIVIL_OPEN_EN) + " " + c).strip())
        else:
            pos.append(rng.choice(_ATTACK_OPEN_ZH) + rng.choice(_ATTACK_ZH).format(n=rng.choice(_ATTACK_NOUN_ZH)))
            neg.append(rng.choice(_CIVIL_OPEN_ZH) + rng.choice(_CIVIL_ZH).format(o=rng.choice(_CIVIL_OBJ_ZH)))
    rng.shuffle(pos)
    return pos, neg


def toxicity_augmentation(lang: str, rng: random.Random, n: int = 1500) -> tuple[list[str], list[str]]:
    pos, neg = [], []
    for _ in range(n):
        if lang == "en":
            t = rng.choice(_TEMPLATES_EN)
            pos.append(t.format(a=rng.choice(_INSULT_ADJ_EN), n=rng.choice(_INSULT_EN)))
            neg.append(t.format(a=rng.choice(_KIND_ADJ_EN), n=rng.choice(_KIND_EN)))
        else:
            t = rng.choice(_TEMPLATES_ZH)
            pos.append(t.format(n=rng.choice(_INSULT_ZH)))
            neg.append(t.format(n=rng.choice(_KIND_ZH)))
    return pos, neg


def _benign_training_units(lang: str, rng: random.Random) -> tuple[list[str], dict]:
    """Sentences, paragraphs and passages (2-8 paragraphs) of the benign domains' TRAIN groups
    (benchmarks/_toxicity_data.py), at most BENIGN_TRAIN_UNITS of each level per domain."""
    texts, counts = [], {}
    for name, docs in TD.benign_docs(lang).items():
        train_docs = [d for d in docs if d.part == "train"]
        counts[name] = {"documents": len(train_docs)}
        for level in BENIGN_TRAIN_UNITS:
            units = [t for t, _ in TD.units(train_docs, level)]
            rng.shuffle(units)
            units = units[:BENIGN_TRAIN_UNITS[level]]
            counts[name][level + "s"] = len(units)
            texts += units
    return texts, counts


def _calibration_negatives(lang: str, clean: list[str]) -> tuple[list[str], list[float], dict]:
    """The calibration negatives and their weights: the toxic set's clean calibrate part and the sentences,
    paragraphs and documents of every benign domain's CALIBRATE groups; each of these (set, level) groups gets
    the same total weight, so no domain dominates by its size."""
    groups = {"toxic set, clean": clean}
    for name, docs in TD.benign_docs(lang).items():
        cal = [d for d in docs if d.part == "calibrate"]
        for level in ("sentence", "paragraph", "document"):
            units = [t for t, _ in TD.units(cal, level)]
            if units:
                groups[f"{name}:{level}"] = units
    texts, weights = [], []
    for units in groups.values():
        texts += units
        weights += [1.0 / len(units)] * len(units)
    return texts, weights, {k: len(v) for k, v in groups.items()}


def build_toxicity(out: Path, lang: str) -> dict:
    """Train on the train parts, choose the threshold on the calibrate parts at a 5 % prevalence, report on
    the evaluate parts (benchmarks/_toxicity_data.py says which text is where)."""
    rng = random.Random(SEED)
    split = TD.toxic_split(lang)
    benign, benign_counts = _benign_training_units(lang, rng)
    aug_pos, aug_neg = toxicity_augmentation(lang, rng)
    forum_pos, forum_neg = forum_augmentation(lang, rng)
    tr_pos = split["train"][0] + aug_pos + forum_pos
    tr_neg = split["train"][1] + aug_neg + forum_neg + benign
    cal_pos = split["calibrate"][0]
    cal_neg, neg_weights, cal_groups = _calibration_negatives(lang, split["calibrate"][1])
    weights = [1.0] * len(cal_pos) + neg_weights
    data_name = "Davidson" if lang == "en" else "COLD"
    files = [source(p, 0, "") for p in TD.toxic_sources(lang)]
    for f in files:
        f.pop("documents"), f.pop("label")
    files[0]["label"] = ("class 0/1 (hate, offensive) = toxic, 2 = clean; stratified seed 0: 70 % train, "
                         "15 % calibrate, 15 % evaluate" if lang == "en" else "label 1 = toxic, 0 = clean; train")
    if lang == "zh":
        files[1]["label"] = "stratified seed 0: half calibrate, half evaluate"
    model_path = out / f"toxicity-{lang}.ftz"
    card = train_classifier(
        tr_pos, tr_neg, model_path, positive_label="toxic", negative_label="clean", lang=lang, task="toxicity",
        dev=(cal_pos, cal_neg), dev_weights=weights, seed=SEED, quantize=True, threshold_policy=THRESHOLD_POLICY,
        hyperparameters=HP_TOXICITY_EN if lang == "en" else HP_TOXICITY_ZH,
        command=COMMAND + f" --only toxicity-{lang}",
        sources={"files": files,
                 "split": TD.__doc__.strip(),
                 "training": {f"{data_name} train part (toxic / clean)": [len(split["train"][0]), len(split["train"][1])],
                              "templated insults (toxic) / templated kind sentences (clean)": [len(aug_pos), len(aug_neg)],
                              "templated forum attacks (toxic) / templated civil disagreement (clean)":
                                  [len(forum_pos), len(forum_neg)],
                              "benign sentences, paragraphs and passages of the TRAIN groups (clean)": benign_counts},
                 "calibration (threshold only)": {f"{data_name} calibrate part, toxic": len(cal_pos),
                                                  "negatives, each group the same total weight": cal_groups}},
        notes=(f"Three parts: trained on the train parts; the threshold is the max-F1 point on the calibrate parts "
               f"with the negatives re-weighted to 95 % (positives 5 %: the prevalence of toxic text on the web, "
               f"not the {data_name} balance), each negative group (the {data_name} clean part, and the sentences "
               f"paragraphs and documents of each benign domain) with the same weight; 'heldout' in this card is that "
               f"calibration set (unweighted counts). extra.evaluation is on the evaluate parts, never used for "
               f"any choice. Run python benchmarks/bench_toxicity.py for the figures and the worst examples."))
    clf = TextClassifier.load(model_path)
    evaluation = TD.evaluate(clf, lang)
    data = json.loads(card_path(model_path).read_text(encoding="utf-8"))
    data["extra"]["evaluation"] = evaluation
    card_path(model_path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return {"threshold": card.threshold, "calibration": card.heldout["at_threshold"],
            "evaluation": {k: v for k, v in evaluation.items() if k != "worst"}}


def build_toxicity_en(out: Path) -> dict:
    return build_toxicity(out, "en")


def build_toxicity_zh(out: Path) -> dict:
    return build_toxicity(out, "zh")


# ---------------------------------------------------------------------------------------------
# Quality: documents with a group (for a grouped split: neighbouring chunks of one book stay together)


def chunk(text: str, rng: random.Random, lo: int, hi: int, sep: str = "\n") -> list[str]:
    """Cut a long text at paragraph breaks into documents of a random length in [lo, hi] characters
    (realistic web-page lengths)."""
    paras = [p.strip() for p in re.split(r"\n\s*\n" if sep == "\n\n" else r"\n", text) if p.strip()]
    docs, cur, size, target = [], [], 0, rng.randint(lo, hi)
    for p in paras:
        cur.append(p)
        size += len(p)
        if size >= target:
            docs.append("\n".join(cur))
            cur, size, target = [], 0, rng.randint(lo, hi)
    if cur and size >= lo // 2:
        docs.append("\n".join(cur))
    return docs


def detok_wikitext(text: str) -> str:
    text = text.replace(" @-@ ", "-").replace(" @,@ ", ",").replace(" @.@ ", ".").replace(" <unk>", "")
    text = re.sub(r" ([.,;:!?%)\]'])", r"\1", text)
    text = re.sub(r"([(\[$]) ", r"\1", text)
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    return re.sub(r'" (.*?) "', r'"\1"', text)


def wikitext_docs(rng) -> list[tuple[str, str]]:
    path = DATA / "quality-pos-wikitext2" / "valid.txt"
    text = path.read_text(encoding="utf-8")
    articles = re.split(r"\n = (?!=)[^\n]* = \n", text)
    out = []
    for a, art in enumerate(articles):
        art = re.sub(r"\n = = [^\n]* = = \n", "\n", art)  # section headings
        for d in chunk(detok_wikitext(art), rng, 800, 5000):
            out.append((d, f"wiki:{a}"))
    return out


def gutenberg_docs(rng) -> list[tuple[str, str]]:
    out = []
    for path in sorted((DATA / "quality-pos-gutenberg").glob("pg*.txt")):
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        start = re.search(r"\*\*\* ?START OF [^\n]*\n", text)
        end = re.search(r"\*\*\* ?END OF ", text)
        text = text[start.end() if start else 0: end.start() if end else len(text)]
        text = re.sub(r"(?<!\n)\n(?!\n)", " ", text)  # unwrap hard-wrapped lines
        for i, d in enumerate(chunk(text, rng, 800, 5000)):
            out.append((d, f"{path.stem}:{i // 10}"))
    return out


def speech_docs(rng) -> list[tuple[str, str]]:
    out = []
    for path in sorted((DATA / "quality-pos-us-speeches-nltk").glob("*/*.txt")):
        for d in chunk(read_speech(path), rng, 800, 5000):
            out.append((d, f"speech:{path.stem}"))
    return out


def zh_law_docs(rng) -> list[tuple[str, str]]:
    out = []
    for path in sorted((DATA / "quality-pos-zh-laws").glob("*.md")):
        if path.name == "SOURCE.md":  # the data set's description, not a law
            continue
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"<!--.*?-->", "", text)
        text = re.sub(r"^#+\s*", "", text, flags=re.M)
        for i, d in enumerate(chunk(text, rng, 200, 1500)):
            out.append((d, f"{path.stem}:{i // 10}"))
    return out


def zh_novel_docs(rng, per_book: int) -> list[tuple[str, str]]:
    out = []
    for path in sorted((DATA / "zh-classics-novels").glob("*.txt")):
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        docs = chunk(text, rng, 300, 2000)
        step = max(len(docs) // per_book, 1)  # an even sample through each book
        for i in range(0, len(docs), step)[:per_book]:
            out.append((docs[i], f"{path.stem}:{i // (10 * step)}"))
    return out


def trafilatura_segment_docs(lid) -> dict[str, list[tuple[str, str]]]:
    """Per page: the "must contain" segments joined (main text: positive) and the "must not contain"
    segments joined (boilerplate: negative), by language ('en', 'zh', other)."""
    meta = json.loads((DATA / "html-trafilatura-eval" / "evaldata.subset.json").read_text(encoding="utf-8"))
    out = {"with:en": [], "with:zh": [], "without:en": [], "without:zh": []}
    pages = sorted(meta.items())
    for kind in ("with", "without"):
        texts = ["\n".join(v.get(kind) or []) for _, v in pages]
        langs = lid.identify(texts)
        for (url, _), text, (lang, _score) in zip(pages, texts, langs):
            if lang in ("en", "zh") and len(text) >= (10 if lang == "zh" else 30):
                out[f"{kind}:{lang}"].append((text, f"page:{url}"))
    return out


def warc_docs() -> dict[str, list[tuple[str, str]]]:
    """Main text (trafilatura) of the Common Crawl WARC excerpt's pages, by script."""
    path = DATA / "warc-samples" / "commoncrawl-2020-34-resiliparse"
    texts, _ = load_texts([str(path)], min_chars=20)
    out = {"en": [], "zh": []}
    for i, t in enumerate(texts):
        out["zh" if len(_CJK.findall(t)) > 0.2 * len(t) else "en"].append((t, f"warc:{i}"))
    return out


# Self-generated low-quality text (seeded). Each kind is a pattern that web-quality filters target.
_SPAM_EN = ("cheap buy online best price free shipping discount sale replica watches casino bonus jackpot slots "
            "poker bet win money fast loan payday credit no fax viagra pills weight loss diet dating singles hot "
            "sexy girls download free crack keygen serial full version torrent click here now limited offer "
            "100% guaranteed top rated review coupon code promo deals seo backlinks followers likes").split()
_NAV_EN = ["Home", "About Us", "Contact", "Contact Us", "Privacy Policy", "Terms of Use", "Login", "Log in",
           "Register", "Sign up", "Sitemap", "Blog", "Shop", "Cart", "My Account", "FAQ", "Careers", "News",
           "Products", "Services", "Support", "Follow us on Facebook", "Twitter", "Instagram", "YouTube",
           "Copyright © 2019 All rights reserved", "Next »", "« Previous", "Read more", "Share this", "Tags:",
           "Categories", "Archives", "Search", "Subscribe", "Newsletter", "Cookie settings", "Accept",
           "Skip to content", "Menu", "Back to top", "Powered by WordPress", "Leave a comment", "Reply",
           "Permalink", "Posted by admin", "Uncategorized", "Recent Posts", "Recent Comments", "Meta",
           "Entries RSS", "Comments RSS", "Page 1 of 12", "1 2 3 4 5 … 12", "Print", "Email", "Top"]
_MONTHS = "January February March April May June July August September October November December".split()
_SPAM_ZH = ("彩票 娱乐城 开户 注册送 免费 在线观看 高清 最新 下载 官网 代理 优惠 返水 百家乐 老虎机 棋牌 赌场 真人 "
            "视频 首充 送彩金 提现 秒到账 加微信 私聊 兼职 日赚 刷单 贷款 无抵押 快速 放款 发票 代开 减肥 "
            "特效 丰胸 壮阳 包邮 正品 低价 批发 厂家 直销 热销 爆款 秒杀 福利 美女 主播 直播 午夜 成人 "
            "影院 电影 电视剧 全集 网盘 破解 激活码 外挂 手游 私服 传奇 排行榜 推荐 点击 进入 立即").split()
_NAV_ZH = ["首页", "关于我们", "联系我们", "新闻中心", "产品中心", "网站地图", "登录", "注册", "上一页", "下一页",
           "版权所有", "京ICP备12345678号", "友情链接", "热门标签", "返回顶部", "设为首页", "加入收藏", "在线客服",
           "帮助中心", "隐私政策", "用户协议", "更多>>", "查看详情", "点击进入", "分享到", "微信", "微博", "客户端",
           "下载APP", "意见反馈", "举报", "Copyright © 2020", "All Rights Reserved", "技术支持", "网站导航",
           "广告服务", "招聘信息", "相关文章", "热门推荐", "阅读全文", "评论", "发表评论", "本站声明"]


def synthetic_en(rng: random.Random, n: int, shuffle_from: list[str]) -> dict[str, list[str]]:
    spam, nav, shuffled, repeated = [], [], [], []
    for i in range(n):
        words = [rng.choice(_SPAM_EN) for _ in range(rng.randint(40, 500))]
        if rng.random() < 0.5:  # stuffing: a few key phrases repeated
            key = " ".join(rng.sample(_SPAM_EN, 3))
            words = sum(([key.split()[0], *w.split()] for w in [key] * rng.randint(10, 60)), []) + words[:50]
        spam.append(" ".join(words).capitalize())
        items = [rng.choice(_NAV_EN) if rng.random() < 0.8 else f"{rng.choice(_MONTHS)} {rng.randint(2005, 2023)}"
                 for _ in range(rng.randint(10, 120))]
        nav.append(rng.choice([" | ", "\n", " · ", "  "]).join(items))
        src = shuffle_from[i % len(shuffle_from)].split()
        rng.shuffle(src)
        shuffled.append(" ".join(src))
        line = " ".join(rng.sample(_SPAM_EN + _NAV_EN, 6))
        repeated.append("\n".join([line] * rng.randint(5, 80)))
    return {"synthetic:keyword-spam": spam, "synthetic:navigation": nav, "synthetic:shuffled-words": shuffled,
            "synthetic:repeated-lines": repeated}


def synthetic_zh(rng: random.Random, n: int, shuffle_from: list[str]) -> dict[str, list[str]]:
    spam, nav, shuffled, repeated = [], [], [], []
    for i in range(n):
        words = [rng.choice(_SPAM_ZH) for _ in range(rng.randint(30, 400))]
        seps = ["", "", "，", " ", "|", "_"]
        spam.append("".join(w + rng.choice(seps) for w in words))
        items = [rng.choice(_NAV_ZH) if rng.random() < 0.85 else f"{rng.randint(2010, 2023)}年{rng.randint(1, 12)}月"
                 for _ in range(rng.randint(10, 120))]
        nav.append(rng.choice([" | ", "\n", " ", "  "]).join(items))
        chars = list(shuffle_from[i % len(shuffle_from)])
        rng.shuffle(chars)
        shuffled.append("".join(chars))
        line = "".join(rng.sample(_SPAM_ZH + _NAV_ZH, 6))
        repeated.append("\n".join([line] * rng.randint(5, 80)))
    return {"synthetic:keyword-spam": spam, "synthetic:navigation": nav, "synthetic:shuffled-chars": shuffled,
            "synthetic:repeated-lines": repeated}


def grouped_split(groups: list[str], labels: list[int], dev_fraction: float, seed: int):
    """Stratified split by group (all chunks of one group on the same side)."""
    keys = sorted(set(zip(groups, labels)))
    glabels = [lab for _, lab in keys]
    tr, dv = stratified_split(glabels, dev_fraction, seed)
    dev_keys = {keys[i] for i in dv}
    dev = [i for i, k in enumerate(zip(groups, labels)) if k in dev_keys]
    train = [i for i, k in enumerate(zip(groups, labels)) if k not in dev_keys]
    return train, dev


def evenly(items: list, n: int) -> list:
    """``n`` items spaced evenly through ``items`` (every source of a concatenated list, in proportion)."""
    step = len(items) / max(n, 1)
    return [items[int(i * step)] for i in range(min(n, len(items)))]


def zh_poetry_eval_docs() -> dict[str, list[str]]:
    """Evaluation-only Chinese text (never trained on, not used to choose anything): the poems of 诗经 and
    唐詩三百首 of >= 150 characters (title + lines) and the chapters of 论语 (zh-chinese-poetry-subset; its 宋词
    and 古文觀止 are training positives, zh_poetry_train_docs)."""
    base = DATA / "zh-chinese-poetry-subset"

    def load(*parts):
        return json.loads((base.joinpath(*parts)).read_text(encoding="utf-8"))

    def doc(title, lines):
        return "\n".join(x.strip() for x in [title or "", *lines] if x and x.strip())

    out = {"shijing": [doc(p.get("title"), p.get("content", [])) for p in load("shijing", "shijing.json")]}
    out["tangshisanbaishou"] = [doc(p.get("chapter"), p.get("paragraphs", []))
                                for g in load("mengxue", "tangshisanbaishou.json")["content"] for p in g["content"]]
    out["lunyu"] = [doc(c.get("chapter"), c.get("paragraphs", [])) for c in load("lunyu", "lunyu.json")]
    return {k: [t for t in v if len(t) >= 150] for k, v in out.items()}


def zh_poetry_train_docs(rng) -> list[tuple[str, str]]:
    """Classical verse and prose as positives: 宋词 (the three files, a poem that is in two of them once; poems
    joined into 200-2,000-character documents) and 古文觀止 (one piece per document, >= 150 characters). The
    other collections (诗经, 唐詩三百首, 论语) are never trained on (zh_poetry_eval_docs)."""
    base = DATA / "zh-chinese-poetry-subset"
    out, seen, poems = [], set(), []
    for f in ("songci-300.json", "ci.song.0.json", "ci.song.1000.json"):
        for p in json.loads((base / "songci" / f).read_text(encoding="utf-8")):
            key = "".join(p.get("paragraphs", []))
            if key and key not in seen:
                seen.add(key)
                poems.append("\n".join([p.get("rhythmic", ""), *p.get("paragraphs", [])]))
    for i, d in enumerate(chunk("\n".join(poems), rng, 200, 2000)):
        out.append((d, f"songci:{i // 10}"))
    gw = json.loads((base / "mengxue" / "guwenguanzhi.json").read_text(encoding="utf-8"))
    pieces = ["\n".join([p.get("chapter", ""), *p.get("paragraphs", [])]) for g in gw["content"] for p in g["content"]]
    out += [(t, f"guwenguanzhi:{i // 10}") for i, t in enumerate(pieces) if len(t) >= 150]
    return out


# quality-zh's threshold: every work of the positives, scored by a model trained without it, keeps at least
# this share of its documents (see quality_zh_threshold)
QUALITY_ZH_KEEP = 0.99
_REAL_WEB_SETS = ("html-trafilatura-eval:with", "html-trafilatura-eval:without", "warc-samples:cc-2020-34")


def _work(group: str) -> str:
    """The work a positive document comes from: 'civil-code:3' -> 'civil-code'."""
    return group.split(":", 1)[0]


def quality_zh_threshold(texts, labels, origins, names, train, dev_neg) -> tuple[float, dict]:
    """quality-zh's threshold, chosen on real text no model has seen (not on the held-out split, whose
    negatives are mostly generated and easy, so that its max-F1 point sits inside the positives' range).

    Leave one work out: for each work of the positives (a law, a novel, 宋词, 古文觀止), a model is trained (same
    training part and hyperparameters) without that work and without the shuffled negatives made from it, and
    scores the work's documents; the work's threshold is the highest one that keeps QUALITY_ZH_KEEP of them
    (choose_threshold "recall:"), and the model's threshold is the lowest of these. A last model trained without any real web page (trafilatura segments, Common
    Crawl pages) gives their catch rate at that threshold as unseen pages; the threshold does not use them.
    """
    import tempfile

    import numpy as np

    from corpuskit.classifier_training import choose_threshold

    works = sorted({origins[i] for i in range(len(texts)) if labels[i] and origins[i]})
    figures: dict = {"policy": f"leave_one_work_out_recall:{QUALITY_ZH_KEEP}", "works": {}}

    def fold(tmp, name, exclude, scored):
        idx = [i for i in train if not exclude(i)]
        held = [i for i in range(len(texts)) if scored(i)]
        pos = [texts[i] for i in idx if labels[i]]
        neg = [texts[i] for i in idx if not labels[i]]
        train_classifier(pos, neg, Path(tmp) / f"{name}.ftz", positive_label="high", negative_label="low",
                         dev=([texts[i] for i in held if labels[i]] or pos[:1], dev_neg), seed=SEED,
                         quantize=True, hyperparameters=HP_QUALITY, command=COMMAND)
        clf = TextClassifier.load(Path(tmp) / f"{name}.ftz")
        return held, clf.predict_proba([texts[i] for i in held])

    with tempfile.TemporaryDirectory(prefix="corpuskit-quality-zh-") as tmp:
        per_work, thresholds = {}, {}
        for w in works:
            held, s = fold(tmp, f"without-{w}", lambda i, w=w: origins[i] == w,
                           lambda i, w=w: origins[i] == w and labels[i] == 1)
            t, _ = choose_threshold(np.ones(len(s), bool), s, f"recall:{QUALITY_ZH_KEEP}")
            per_work[w], thresholds[w] = s, float(t)
            figures["works"][w] = {"documents": len(s), "threshold": round(float(t), 4),
                                   "min_score": round(float(s.min()), 4), "median_score": round(float(np.median(s)), 4)}
        threshold = min(thresholds.values())
        for w, s in per_work.items():
            figures["works"][w]["kept_at_threshold"] = round(float((s >= threshold).mean()), 4)
        held, s = fold(tmp, "without-real-web", *[lambda i: names[i] in _REAL_WEB_SETS] * 2)
        web = {}
        for name in _REAL_WEB_SETS:
            sc = np.array([x for i, x in zip(held, s) if names[i] == name])
            if len(sc):
                web[name] = {"documents": len(sc), "label": "high" if "with" == name.rsplit(":", 1)[-1] else "low",
                             "kept_at_threshold": round(float((sc >= threshold).mean()), 4),
                             "scores": [round(float(x), 3) for x in sc]}
        figures["unseen_real_web"] = web
    figures["threshold"] = round(float(threshold), 6)
    return float(threshold), figures


def build_quality(out: Path, lang: str, lid) -> dict:
    rng = random.Random(SEED)
    seg = trafilatura_segment_docs(lid)
    warc = warc_docs()
    sets: dict[str, tuple[int, list[tuple[str, str]]]] = {}  # name -> (label, [(text, group)])
    if lang == "en":
        sets["quality-pos-wikitext2"] = (1, wikitext_docs(rng))
        sets["quality-pos-gutenberg"] = (1, gutenberg_docs(rng))
        sets["quality-pos-us-speeches-nltk"] = (1, speech_docs(rng))
        pos_texts = [t for name in list(sets) for t, _ in sets[name][1]]
    else:
        sets["quality-pos-zh-laws"] = (1, zh_law_docs(rng))
        sets["zh-classics-novels"] = (1, zh_novel_docs(rng, per_book=300))
        sets["zh-chinese-poetry-subset:train"] = (1, zh_poetry_train_docs(rng))
        pos_texts = [t for name in list(sets) for t, _ in sets[name][1]]
    pos_sets = list(sets)  # the edited long-form text: its groups are "<work>:<n>"
    pos_groups = [g for name in pos_sets for _, g in sets[name][1]]
    sets["html-trafilatura-eval:with"] = (1, seg[f"with:{lang}"])
    sets["html-trafilatura-eval:without"] = (0, seg[f"without:{lang}"])
    sets["warc-samples:cc-2020-34"] = (0, warc[lang])
    if lang == "en":
        lines = (DATA / "cs336-a4-fixtures" / "low_quality_cc.txt").read_text(encoding="utf-8").splitlines()
        sets["cs336-a4-fixtures:low_quality_cc"] = (0, [("\n".join(lines), "cs336:0")] +
                                                   [("\n".join(lines[i:i + 4]), f"cs336:{i}") for i in range(1, 10, 3)])
    n_pos = sum(len(v) for lab, v in sets.values() if lab == 1)
    n_synth = max(n_pos // 4 - 100, 50)  # per kind: synthetic negatives roughly balance the positives
    # zh: the shuffled-character negatives are drawn evenly from every work (taken in order, all of them came
    # from the laws: law vocabulary was half negative, and Civil Code chapters scored 0.3-0.77). en keeps the
    # order (mostly wikitext) so that quality-en rebuilds unchanged.
    shuffle_pick = list(range(len(pos_texts))) if lang == "en" else evenly(list(range(len(pos_texts))), n_synth)
    synth = (synthetic_en if lang == "en" else synthetic_zh)(rng, n_synth, [pos_texts[i] for i in shuffle_pick])
    for name, texts in synth.items():
        sets[name] = (0, [(t, f"{name}:{i // 5}") for i, t in enumerate(texts)])

    names, texts, labels, groups, origins = [], [], [], [], []  # origin: the work a document is (made) from
    for name, (lab, docs) in sets.items():
        for k, (t, g) in enumerate(docs):
            names.append(name)
            texts.append(t)
            labels.append(lab)
            groups.append(f"{name}|{g}")
            if name in pos_sets:
                origins.append(_work(g))
            elif name.startswith("synthetic:shuffled"):  # made from this positive (synthetic_* take them in turn)
                origins.append(_work(pos_groups[shuffle_pick[k % len(shuffle_pick)]]))
            else:
                origins.append("")
    train, dev = grouped_split(groups, labels, 0.15, SEED)
    tr_pos = [texts[i] for i in train if labels[i]]
    tr_neg = [texts[i] for i in train if not labels[i]]
    dv_pos = [texts[i] for i in dev if labels[i]]
    dv_neg = [texts[i] for i in dev if not labels[i]]
    files = []
    for name, (lab, docs) in sets.items():
        files.append({"set": name, "label": "high" if lab else "low", "documents": len(docs),
                      "dev_documents": sum(1 for i in dev if names[i] == name)})
    model_path = out / f"quality-{lang}.ftz"
    policy, selection = "max_f1", None
    if lang == "zh":
        policy, selection = quality_zh_threshold(texts, labels, origins, names, train, dv_neg)
    card = train_classifier(
        tr_pos, tr_neg, model_path, positive_label="high", negative_label="low", lang=lang, task="quality",
        dev=(dv_pos, dv_neg), seed=SEED, quantize=True, threshold_policy=policy, hyperparameters=HP_QUALITY,
        command=COMMAND + f" --only quality-{lang}", sources={"sets": files},
        notes="Positives: edited long-form text (encyclopedia, books, speeches / laws, classical novels, 宋词, 古文觀止) "
              "cut into "
              "web-length documents, plus the main-text segments of real web pages. Negatives: boilerplate "
              "segments of the same pages, Common Crawl spam pages, and self-generated spam, navigation, "
              "shuffled and repeated text. Held out: 15% of the groups (a group = one article / page / run of "
              "10 neighbouring chunks of a book), stratified, seed 0.")
    # keep rates at the model's threshold, per set, on the held-out part and on the whole set
    clf = TextClassifier.load(model_path)
    scores = clf.predict_proba(texts)
    keep = {}
    for name in sets:
        idx = [i for i in range(len(texts)) if names[i] == name]
        idx_dev = [i for i in dev if names[i] == name]
        keep[name] = {"all": round(float((scores[idx] >= clf.threshold).mean()), 4) if idx else None,
                      "heldout": round(float((scores[idx_dev] >= clf.threshold).mean()), 4) if idx_dev else None,
                      "documents": len(idx), "heldout_documents": len(idx_dev)}
    data = json.loads(card_path(model_path).read_text(encoding="utf-8"))
    data["extra"]["keep_rates"] = keep
    if selection is not None:
        data["threshold_policy"] = selection["policy"]
        data["threshold_method"] = (
            f"leave one work out: each law / novel of the positives scored by a model trained without it; per work "
            f"the highest threshold keeping {QUALITY_ZH_KEEP:.0%} of its documents; the lowest of these "
            f"(extra.threshold_selection). The held-out split's max-F1 point is not used: its negatives are mostly "
            f"generated and easy")
        data["extra"]["threshold_selection"] = selection
        # evaluation only: collections never trained on, nothing chosen on them
        unseen = {}
        for name, docs in zh_poetry_eval_docs().items():
            s = clf.predict_proba(docs)
            unseen[f"zh-chinese-poetry-subset:{name}"] = {
                "documents": len(docs), "kept_at_threshold": round(float((s >= clf.threshold).mean()), 4),
                "min_score": round(float(s.min()), 4)}
        data["extra"]["unseen_eval"] = unseen
    card_path(model_path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return {**card.heldout, "keep_rates": keep, **({"threshold_selection": selection, "unseen_eval": unseen}
                                                    if selection is not None else {})}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "corpuskit" / "models"))
    ap.add_argument("--only", default="", help="comma-separated: toxicity-en,toxicity-zh,quality-en,quality-zh")
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        sys.exit(f"the shared data sets are not at {DATA}")
    out = Path(args.out)
    only = set(filter(None, args.only.split(","))) or {"toxicity-en", "toxicity-zh", "quality-en", "quality-zh"}
    results = {}
    if "toxicity-en" in only:
        results["toxicity-en"] = build_toxicity_en(out)
    if "toxicity-zh" in only:
        results["toxicity-zh"] = build_toxicity_zh(out)
    if only & {"quality-en", "quality-zh"}:
        from corpuskit.stages.language import LanguageFilter

        lid = LanguageFilter()
        for lang in ("en", "zh"):
            if f"quality-{lang}" in only:
                results[f"quality-{lang}"] = build_quality(out, lang, lid)
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
