"""Data for the toxicity models: the toxic sets' three-way splits and the benign text of many domains.

Used by ``benchmarks/build_models.py`` (training and threshold) and ``benchmarks/bench_toxicity.py``
(report), so both see exactly the same split. Three parts, never mixed:

* ``train``     -- fastText is trained on it;
* ``calibrate`` -- the decision threshold is chosen on it (nothing else);
* ``evaluate``  -- only reported; no choice of any kind is made on it.

Toxic sets: Davidson ``train.csv`` is split stratified, seed 0, 70 / 15 / 15 %; COLD trains on ``train.csv``
and its ``dev.csv`` is split stratified, seed 0, into halves (calibrate / evaluate). The upstream test parts
(Davidson's 20 %, COLD ``test.csv``) are not in ``../shared/data``.

Benign (good) text: every source is cut into documents (a law chapter, a novel chapter, a poem, an article, a
speech, a book chapter, a page's gold main text) that belong to a *group*; whole groups go to one part by a
hash of the group's name (50 % train, 20 % calibrate, 30 % evaluate; the 4 Chinese eval pages are all
evaluation), so the evaluation text was never
trained on and neighbouring text of it (the rest of the chapter, the other poems of the section) was not either.
Groups: a law chapter; a novel chapter (回); a 诗经 section (邶风, 小雅 ...), ten consecutive 宋词 / 唐诗;
a 论语 chapter, a 古文觀止 piece; a WikiText article; a Gutenberg chapter / story; a speech; a news article;
a trafilatura-eval page.

Units: a document's *paragraphs* are its lines (blank lines dropped); its *sentences* are the paragraphs cut
after 。！？!? (and . for English), closing quotes kept with the sentence.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from _texts import gutenberg_chapters, paragraphs as book_paragraphs, read_speech, wikitext_articles  # benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SEED = 0
PARTS = ("train", "calibrate", "evaluate")
_SPLIT_CUTS = (50, 70)  # hash % 100 < 50: train; < 70: calibrate; else evaluate

_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CLOSE = "”’」』\"')）》"
_ZH_SENT = re.compile(f"(?<=[。！？!?；;])(?![{re.escape(_CLOSE)}])|(?<=[。！？!?][{re.escape(_CLOSE)}])")
_EN_SENT = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(\[A-Z0-9])|(?<=[.!?][\"'”’)])\s+")


@dataclass
class Doc:
    domain: str
    lang: str
    group: str
    id: str
    text: str

    @property
    def part(self) -> str:
        return part_of(self.domain, self.group)


# sets too small to split (the 4 Chinese eval pages): every group is evaluation text
EVALUATE_ONLY = {"eval_pages_zh"}


def part_of(domain: str, group: str) -> str:
    if domain in EVALUATE_ONLY:
        return PARTS[2]
    h = int(hashlib.sha256(f"{SEED}|{domain}|{group}".encode()).hexdigest()[:8], 16) % 100
    return PARTS[0] if h < _SPLIT_CUTS[0] else PARTS[1] if h < _SPLIT_CUTS[1] else PARTS[2]


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def sentences(text: str, lang: str) -> list[str]:
    out = []
    for p in paragraphs(text):
        parts = _ZH_SENT.split(p) if lang == "zh" or _CJK.search(p) else _EN_SENT.split(p)
        out += [s.strip() for s in parts if s and s.strip()]
    return out


def _min_ok(s: str, lang: str) -> bool:
    return len(_CJK.findall(s)) >= 4 if lang == "zh" else len(s.split()) >= 3


def units(docs: list[Doc], level: str) -> list[tuple[str, Doc]]:
    """(text, doc) per unit: level ``sentence``, ``paragraph``, ``document``, or ``passage`` (runs of 2 to 8
    consecutive paragraphs, cut one after the other, lengths seeded by the document's id)."""
    out = []
    for d in docs:
        if level == "document":
            out.append((d.text, d))
        elif level == "passage":
            paras = paragraphs(d.text)
            rng = np.random.default_rng(int(hashlib.sha256(d.id.encode()).hexdigest()[:8], 16))
            i = 0
            while i < len(paras):
                k = int(rng.integers(2, 9))
                out.append(("\n".join(paras[i:i + k]), d))
                i += k
        elif level == "paragraph":
            out += [(p, d) for p in paragraphs(d.text) if _min_ok(p, d.lang)]
        else:
            out += [(s, d) for s in sentences(d.text, d.lang) if _min_ok(s, d.lang)]
    return out


# --------------------------------------------------------------------------------------- benign domains, zh
_LAW_CHAPTER = re.compile(r"^#{1,4}\s*第[一二三四五六七八九十百零〇两]+章")
_NOVEL_CHAPTER = re.compile(r"^\s*第[一二三四五六七八九十百零〇]+回")


def zh_laws() -> list[Doc]:
    """Each chapter (第X章) of the constitution, civil code and criminal law; text before the first chapter
    (preamble) and the annexes after the last are documents of their own."""
    docs = []
    for name in ("constitution.md", "civil-code.md", "criminal-law.md"):
        path = DATA / "quality-pos-zh-laws" / name
        cur, n = [], 0
        for line in path.read_text(encoding="utf-8").splitlines() + ["# END"]:
            if _LAW_CHAPTER.match(line) or re.match(r"^#\s", line):
                body = "\n".join(x for x in cur if x.strip())
                if len(_CJK.findall(body)) >= 20:
                    docs.append(Doc("zh_laws", "zh", f"{path.stem}:{n}", f"{path.name}#part{n}", body))
                n += 1
                cur = [line.lstrip("#").strip()]
            elif not line.startswith("<!--"):
                cur.append(line.lstrip("#").strip())
    return docs


def zh_novels() -> list[Doc]:
    docs = []
    for path in sorted((DATA / "zh-classics-novels").glob("*.txt")):
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        cur, n = [], 0
        for line in text.split("\n") + ["第终回"]:
            if _NOVEL_CHAPTER.match(line) or line == "第终回":
                body = "\n".join(x.strip() for x in cur if x.strip())
                if len(body) >= 200:
                    n += 1
                    docs.append(Doc("zh_novels", "zh", f"{path.stem}:{n}", f"{path.name}#hui{n}", body))
                cur = [line.strip()]
            else:
                cur.append(line)
    return docs


def zh_poems() -> list[Doc]:
    """诗经 (group: its section, e.g. 邶风), 宋词 and 唐詩三百首 (group: ten consecutive poems). A poem is a
    document: title, then one paragraph per stanza / line as the collection stores them."""
    base = DATA / "zh-chinese-poetry-subset"
    docs = []
    for i, p in enumerate(json.loads((base / "shijing" / "shijing.json").read_text(encoding="utf-8"))):
        body = "\n".join([p["title"]] + [x.strip() for x in p.get("content", []) if x.strip()])
        docs.append(Doc("zh_poems", "zh", f"shijing:{p.get('section') or p.get('chapter')}", f"shijing#{i}", body))
    for f in ("songci-300.json", "ci.song.0.json", "ci.song.1000.json"):
        for i, p in enumerate(json.loads((base / "songci" / f).read_text(encoding="utf-8"))):
            body = "\n".join([p.get("rhythmic", "")] + [x.strip() for x in p.get("paragraphs", []) if x.strip()])
            docs.append(Doc("zh_poems", "zh", f"{f}:{i // 10}", f"{f}#{i}", body.strip()))
    tang = json.loads((base / "mengxue" / "tangshisanbaishou.json").read_text(encoding="utf-8"))
    i = 0
    for group in tang.get("content", []):
        for p in group.get("content", []):
            body = "\n".join([p.get("chapter") or ""] + [x.strip() for x in p.get("paragraphs", []) if x.strip()])
            docs.append(Doc("zh_poems", "zh", f"tang:{i // 10}", f"tangshisanbaishou#{i}", body.strip()))
            i += 1
    return docs


def zh_classical_prose() -> list[Doc]:
    """论语 (group: a chapter 篇) and 古文觀止 (group: one piece)."""
    base = DATA / "zh-chinese-poetry-subset"
    docs = []
    for p in json.loads((base / "lunyu" / "lunyu.json").read_text(encoding="utf-8")):
        docs.append(Doc("zh_classical_prose", "zh", f"lunyu:{p['chapter']}", f"lunyu#{p['chapter']}",
                        "\n".join(x.strip() for x in p["paragraphs"] if x.strip())))
    g = json.loads((base / "mengxue" / "guwenguanzhi.json").read_text(encoding="utf-8"))
    for v, vol in enumerate(g["content"]):
        for j, piece in enumerate(vol["content"]):
            body = "\n".join([piece.get("chapter", "")] + [x.strip() for x in piece.get("paragraphs", []) if x.strip()])
            docs.append(Doc("zh_classical_prose", "zh", f"guwen:{v}:{j}", f"guwenguanzhi#{v}.{j}", body.strip()))
    return docs


# --------------------------------------------------------------------------------------- benign domains, en
def wikitext() -> list[Doc]:
    articles = wikitext_articles(DATA / "quality-pos-wikitext2" / "valid.txt")
    return [Doc("wikitext", "en", f"article:{n}", f"wikitext-valid#{n}", "\n".join(lines))
            for n, lines in enumerate(articles)]


def gutenberg() -> list[Doc]:
    chapters = gutenberg_chapters(DATA / "quality-pos-gutenberg")
    docs = []
    for k, (name, lines) in enumerate(chapters):
        i = sum(1 for n, _ in chapters[:k] if n == name)
        docs.append(Doc("gutenberg", "en", f"{name}:{i}", f"{name}#ch{i + 1}", "\n".join(book_paragraphs(lines))))
    return docs


def speeches() -> list[Doc]:
    docs = []
    for path in sorted((DATA / "quality-pos-us-speeches-nltk").glob("*/*.txt")):
        text = "\n".join(p.strip() for p in read_speech(path).replace("\r\n", "\n").split("\n") if p.strip())
        docs.append(Doc("speeches", "en", f"{path.parent.name}/{path.stem}", f"{path.parent.name}/{path.name}", text))
    return docs


def news() -> list[Doc]:
    """News-wire sentences (crime, courts, politics, disasters ...): the 2,500 articles of the MinHash set
    (MIT); an article is one paragraph; its near-duplicate copies (the .truth pairs' second ids) are left out."""
    base = DATA / "neardup-minhash-articles"
    dup = {line.split()[1] for line in (base / "articles_2500.truth").read_text(encoding="utf-8").splitlines()
           if len(line.split()) == 2}
    docs = []
    for line in (base / "articles_2500.train").read_text(encoding="utf-8").splitlines():
        doc_id, _, text = line.partition(" ")
        if text.strip() and doc_id not in dup:
            docs.append(Doc("news", "en", doc_id, f"articles_2500#{doc_id}", text.strip()))
    return docs


_EVAL_CACHE: dict | None = None


def eval_pages(lang: str) -> list[Doc]:
    """html-trafilatura-eval pages' gold main text (their "with" segments, one paragraph each), by the
    language lid.176 gives the joined segments."""
    global _EVAL_CACHE
    if _EVAL_CACHE is None:
        import sys

        sys.path.insert(0, str(ROOT))
        from corpuskit.stages.language import LanguageFilter

        meta = json.loads((DATA / "html-trafilatura-eval" / "evaldata.subset.json").read_text(encoding="utf-8"))
        urls = sorted(meta)
        texts = ["\n".join(s.strip() for s in (meta[u].get("with") or []) if s.strip()) for u in urls]
        lid = LanguageFilter(keep=None)
        lid.setup()
        langs = lid.identify([t or "-" for t in texts])
        _EVAL_CACHE = {"en": [], "zh": []}
        for u, t, (lg, _s) in zip(urls, texts, langs):
            if lg in _EVAL_CACHE and t:
                _EVAL_CACHE[lg].append(Doc(f"eval_pages_{lg}", lg, meta[u]["file"], meta[u]["file"], t))
    return _EVAL_CACHE[lang]


BENIGN = {
    "zh": {"zh_laws": zh_laws, "zh_novels": zh_novels, "zh_poems": zh_poems,
           "zh_classical_prose": zh_classical_prose, "eval_pages_zh": lambda: eval_pages("zh")},
    "en": {"wikitext": wikitext, "gutenberg": gutenberg, "speeches": speeches, "news": news,
           "eval_pages_en": lambda: eval_pages("en")},
}
# the good sets of the issue's <= 1 % false-positive target (the others are reported too)
FP_TARGET_DOMAINS = {"zh_laws", "zh_novels", "zh_poems", "eval_pages_zh", "wikitext", "gutenberg", "speeches",
                     "eval_pages_en"}


def benign_docs(lang: str) -> dict[str, list[Doc]]:
    return {name: fn() for name, fn in BENIGN[lang].items()}


# --------------------------------------------------------------------------------------- toxic sets
def _read_csv(path: Path, text_col: str, label_col: str) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [(r[text_col], (r[label_col] or "").strip()) for r in csv.DictReader(f) if r[text_col].strip()]


def _stratified_parts(labels: np.ndarray, fractions: tuple[float, ...], seed: int) -> list[np.ndarray]:
    """Per label a seeded permutation cut into consecutive parts of the given fractions."""
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[] for _ in fractions]
    for value in np.unique(labels):
        idx = np.nonzero(labels == value)[0]
        idx = idx[rng.permutation(len(idx))]
        cuts = np.round(np.cumsum(fractions)[:-1] * len(idx)).astype(int)
        for k, chunk in enumerate(np.split(idx, cuts)):
            parts[k].append(chunk)
    return [np.sort(np.concatenate(p)) for p in parts]


def toxic_split(lang: str) -> dict[str, tuple[list[str], list[str]]]:
    """``{part: (toxic texts, clean texts)}`` for the toxic data set of ``lang``."""
    if lang == "en":
        rows = _read_csv(DATA / "toxic-davidson-hate-offensive" / "train.csv", "tweet", "class")
        texts = [t for t, _ in rows]
        labels = np.array([1 if c in ("0", "1") else 0 for _, c in rows])
        idx = dict(zip(PARTS, _stratified_parts(labels, (0.70, 0.15, 0.15), SEED)))
    else:
        tr = _read_csv(DATA / "toxic-cold-zh" / "train.csv", "TEXT", "label")
        dv = _read_csv(DATA / "toxic-cold-zh" / "dev.csv", "TEXT", "label")
        texts = [t for t, _ in tr + dv]
        labels = np.array([1 if c == "1" else 0 for _, c in tr + dv])
        cal, ev = _stratified_parts(labels[len(tr):], (0.5, 0.5), SEED)
        idx = {"train": np.arange(len(tr)), "calibrate": cal + len(tr), "evaluate": ev + len(tr)}
    return {p: ([texts[i] for i in ix if labels[i]], [texts[i] for i in ix if not labels[i]]) for p, ix in idx.items()}


def toxic_sources(lang: str) -> list[Path]:
    if lang == "en":
        return [DATA / "toxic-davidson-hate-offensive" / "train.csv"]
    return [DATA / "toxic-cold-zh" / "train.csv", DATA / "toxic-cold-zh" / "dev.csv"]


def jigsaw_sample() -> tuple[list[str], list[str]]:
    """The 101 Jigsaw (Wikipedia talk page) comments: toxic = any of the six labels. Evaluation only."""
    path = DATA / "toxic-jigsaw-sample-ibm" / "test_examples.csv"
    labels = ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
    pos, neg = [], []
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            (pos if any(r[k] == "1" for k in labels) else neg).append(r["comment_text"])
    return pos, neg


# --------------------------------------------------------------------------------------- metrics
def precision_at_prevalence(tpr: float, fpr: float, prevalence: float = 0.05) -> float:
    denom = tpr * prevalence + fpr * (1 - prevalence)
    return tpr * prevalence / denom if denom else 0.0


def evaluate(clf, lang: str, examples: int = 0, part: str = "evaluate") -> dict:
    """A model's figures on the ``evaluate`` parts (report only): the toxic set at its own prevalence and
    re-weighted to 5 %, and the false-positive rate of every benign domain at sentence, paragraph and
    document level. ``examples``: also return that many highest-scoring benign units per domain and level
    (for the benchmark's printout; not for a model card, which must not hold the data sets' text)."""
    import sys

    sys.path.insert(0, str(ROOT))
    from corpuskit.classifier_training import prf_at, roc_auc

    th = float(clf.threshold)
    pos, neg = toxic_split(lang)[part]
    s = clf.predict_proba(pos + neg)
    y = np.r_[np.ones(len(pos), bool), np.zeros(len(neg), bool)]
    at = prf_at(y, s, th)
    tpr = at["recall"]
    fpr_set = at["fp"] / max(len(neg), 1)
    out: dict = {"threshold": round(th, 6), "part": part,
                 "toxic_set": {"toxic": len(pos), "clean": len(neg), "roc_auc": round(roc_auc(y, s), 4),
                               "at_threshold": at, "at_0.5": prf_at(y, s, 0.5),
                               "precision_at_5pct": round(precision_at_prevalence(tpr, fpr_set), 4)}}
    benign: dict = {}
    worst: dict = {}
    rates = []
    for name, docs in benign_docs(lang).items():
        docs = [d for d in docs if d.part == part]
        benign[name] = {"documents": len(docs), "issue_target": name in FP_TARGET_DOMAINS}
        for level in ("sentence", "paragraph", "document"):
            u = units(docs, level)
            if not u:
                continue
            sc = clf.predict_proba([t for t, _ in u])
            flagged = sc >= th
            benign[name][level] = {"units": len(u), "fp": int(flagged.sum()),
                                   "fp_pct": round(100 * float(flagged.mean()), 3)}
            if level != "document":
                rates.append(float(flagged.mean()))
            if examples:
                top = np.argsort(-sc, kind="mergesort")[:examples]
                worst.setdefault(name, {})[level] = [(round(float(sc[i]), 4), u[i][1].id, u[i][0]) for i in top]
    out["benign"] = benign
    # precision at 5 % when the clean text is the benign domains (each domain and level the same weight)
    out["precision_at_5pct_benign_mix"] = round(precision_at_prevalence(tpr, float(np.mean(rates))), 4) if rates else None
    if lang == "en":
        jp, jn = jigsaw_sample()
        js = clf.predict_proba(jp + jn)
        out["jigsaw_sample"] = {"toxic": len(jp), "clean": len(jn),
                                "at_threshold": prf_at(np.r_[np.ones(len(jp), bool), np.zeros(len(jn), bool)], js, th)}
    if examples:
        out["worst"] = worst
    return out
