"""The shipped toxicity models are precise on good text (issue 16): the worst cases found before (classical
poems, the criminal law, civil disagreement) are kept, real insults and toxic tweets are still caught, and the
issue's targets hold on the held-out (evaluate) parts of benchmarks/_toxicity_data.py, which were never
trained on nor used to choose the threshold. Real data from ../shared/data; skipped where it is absent."""

from __future__ import annotations

import json
import re
import sys

import numpy as np
import pyarrow as pa
import pytest

from corpuskit.classifier import TextClassifier
from corpuskit.classifier_training import prf_at
from corpuskit.models import default_model_path
from corpuskit.stage import apply_stage
from corpuskit.stages.toxicity import ToxicityFilter
from corpuskit.stats import StageStats

from .conftest import ROOT, SHARED, shared


@pytest.fixture(scope="module")
def stage():
    s = ToxicityFilter()
    s.setup()
    return s


@pytest.fixture(scope="module")
def tdata():
    if not SHARED.is_dir():
        pytest.skip(f"shared data sets not available: {SHARED}")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import _toxicity_data

    return _toxicity_data


def _run(stage, texts, lang):
    table = pa.table({"id": [f"d{i}" for i in range(len(texts))], "text": texts, "url": [None] * len(texts),
                      "language": [lang] * len(texts)})
    kept, rejected = apply_stage(stage, table, StageStats("toxicity"))
    reasons = dict(zip(rejected.column("id").to_pylist(), rejected.column("reason").to_pylist())) if rejected else {}
    return [reasons.get(f"d{i}") for i in range(len(texts))]


def _shijing(title: str) -> str:
    poems = json.loads(shared("zh-chinese-poetry-subset", "shijing", "shijing.json").read_text(encoding="utf-8"))
    p = next(p for p in poems if p["title"] == title)
    return "\n".join([p["title"]] + p["content"])


@pytest.mark.parametrize("title", ["相鼠", "河广", "北风", "伐檀"])
def test_shijing_poems_are_kept(stage, title):
    """Each was rejected before (相鼠 0.998, 河广 0.99, 北风 0.95): whole poem, each stanza, each sentence."""
    poem = _shijing(title)
    stanzas = poem.split("\n")[1:]
    sentences = [s for s in re.split(r"(?<=[。！？])", "".join(stanzas)) if s]
    assert _run(stage, [poem] + stanzas + sentences, "zh") == [None] * (1 + len(stanzas) + len(sentences))


def _criminal_law_part(start: str, end: str) -> str:
    lines = shared("quality-pos-zh-laws", "criminal-law.md").read_text(encoding="utf-8").splitlines()
    i = lines.index(start)
    j = next(k for k in range(i + 1, len(lines)) if lines[k].startswith(end))
    return "\n".join(x.lstrip("#").strip() for x in lines[i:j] if x.strip() and not x.startswith("<!--"))


def test_criminal_law_chapter_on_crimes_and_annexes_are_kept(stage):
    crimes = _criminal_law_part("### 第二章 犯罪", "### 第三章")
    annexes = _criminal_law_part("## 附则", "# 中华人民共和国刑法修正案")
    repealed = _criminal_law_part("## 附件一", "## 附件二")  # the list of repealed decrees
    kept = _criminal_law_part("## 附件二", "# 中华人民共和国刑法修正案")
    assert "犯罪" in crimes and "予以废止" in repealed
    docs = [crimes, annexes, repealed, kept]
    assert _run(stage, docs, "zh") == [None] * len(docs)


@pytest.mark.xfail(strict=True, reason="known false positives of short lines (see MODELS.md): decree titles such as "
                   "关于严惩严重破坏经济的罪犯的决定 score 0.99 alone; COLD reads calls for harsh punishment as offensive")
def test_criminal_law_annex_lines_alone(stage):
    annexes = _criminal_law_part("## 附则", "# 中华人民共和国刑法修正案")
    lines = [p for p in annexes.split("\n") if len(p) >= 6]
    assert _run(stage, lines, "zh") == [None] * len(lines)


@pytest.mark.xfail(strict=True, reason="known false positive (see MODELS.md): 我会被警告吗？ scores 0.96; COLD has "
                   "no forum-moderation talk")
def test_chinese_question_about_a_warning(stage):
    assert _run(stage, ["我会被警告吗？"], "zh") == [None]


CIVIL_EN = ["I disagree with your edit.", "Should I get a warning?",
            "I strongly disagree with this change and I have reverted it until we reach consensus.",
            "You are mistaken about the date; the source says 1894, not 1849.",
            "Will I be blocked if I undo it again?", "Please stop deleting my section without explaining why.",
            "That is simply not true, and you know it.", "Your argument makes no sense to me."]
INSULTS_EN = ["you are a worthless idiot, shut up", "fuck you, you retarded piece of shit",
              "go kill yourself you fat loser", "nobody cares about your opinion, idiot"]
CIVIL_ZH = ["我不同意你的修改。", "这个说法不对，请看原文第三段。", "你的观点我完全不能接受，但我尊重你说话的权利。"]
INSULTS_ZH = ["滚开，你这个白痴", "你就是个傻逼", "黑人都是垃圾，滚出中国", "你脑子进水了吧，蠢货"]


@pytest.mark.parametrize("lang,civil,insults", [("en", CIVIL_EN, INSULTS_EN), ("zh", CIVIL_ZH, INSULTS_ZH)])
def test_civil_disagreement_kept_insults_caught(stage, lang, civil, insults):
    reasons = _run(stage, civil + insults, lang)
    assert reasons[:len(civil)] == [None] * len(civil)
    assert all(r is not None and r.startswith("toxicity:model") for r in reasons[len(civil):]), reasons


@pytest.mark.parametrize("lang,min_f1", [("en", 0.92), ("zh", 0.80)])
def test_f1_on_the_evaluate_part(tdata, lang, min_f1):
    """The issue's F1 targets on the part never used for a choice, at the model card's threshold."""
    clf = TextClassifier.load(default_model_path("toxicity", lang))
    pos, neg = tdata.toxic_split(lang)["evaluate"]
    labels = np.r_[np.ones(len(pos), bool), np.zeros(len(neg), bool)]
    assert prf_at(labels, clf.predict_proba(pos + neg), clf.threshold)["f1"] >= min_f1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_false_positives_on_good_text_at_most_one_percent(tdata, lang):
    """Sentences and paragraphs of every good set of the issue, evaluate parts (never trained on)."""
    clf = TextClassifier.load(default_model_path("toxicity", lang))
    checked = 0
    for name, docs in tdata.benign_docs(lang).items():
        if name not in tdata.FP_TARGET_DOMAINS:
            continue
        docs = [d for d in docs if d.part == "evaluate"]
        for level in ("sentence", "paragraph"):
            texts = [t for t, _ in tdata.units(docs, level)]
            if len(texts) < 100:  # too few for a rate (the 4 Chinese eval pages): each must be kept
                assert not clf.predict(texts).any(), (name, level)
                continue
            rate = float(clf.predict(texts).mean())
            assert rate <= 0.01, (name, level, rate)
            checked += 1
    assert checked >= 6


def test_the_split_keeps_evaluation_text_out_of_training(tdata):
    """Whole groups (a chapter, a 诗经 section, an article) go to one part; the parts are disjoint."""
    for lang in ("en", "zh"):
        for name, docs in tdata.benign_docs(lang).items():
            parts = {}
            for d in docs:
                parts.setdefault(d.group, set()).add(d.part)
            assert all(len(p) == 1 for p in parts.values()), name
        split = tdata.toxic_split(lang)
        train = set(split["train"][0] + split["train"][1])
        evaluate = set(split["evaluate"][0] + split["evaluate"][1])
        calibrate = set(split["calibrate"][0] + split["calibrate"][1])
        overlap = len(evaluate & train) + len(evaluate & calibrate)
        assert overlap <= 0.02 * len(evaluate)  # only texts that occur twice in the data sets (retweets)


def test_model_cards_record_the_calibration(tdata):
    for lang in ("en", "zh"):
        clf = TextClassifier.load(default_model_path("toxicity", lang))
        assert clf.card.threshold_policy == "max_f1_at_prevalence:0.05"
        ev = clf.card.extra["evaluation"]
        assert ev["part"] == "evaluate" and ev["threshold"] == pytest.approx(clf.threshold, abs=1e-6)
        assert set(ev["benign"]) == set(tdata.BENIGN[lang])
