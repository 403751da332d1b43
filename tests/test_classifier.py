"""Binary fastText classifiers: normalisation, training, model cards, thresholds, loaders, the CLI,
and the shipped toxicity/quality models."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from click.testing import CliRunner

from corpuskit.classifier import TextClassifier, card_path, normalize
from corpuskit.classifier_training import (choose_threshold, load_csv, load_texts, prf_at, roc_auc, stratified_split,
                                           train_classifier)
from corpuskit.cli_classifier import train_classifier_command
from corpuskit.models import default_model_path

from .conftest import shared

GOOD = "the committee will meet on tuesday to discuss the budget and the new school library".split()
BAD = "stupid idiot moron shut up loser trash garbage worthless pathetic dumb".split()


def synthetic(n: int = 150, seed: int = 1) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    pos = [" ".join(rng.choices(BAD, k=6) + rng.choices(GOOD, k=3)) for _ in range(n)]
    neg = [" ".join(rng.choices(GOOD, k=9)) for _ in range(n)]
    return pos, neg


HP = dict(epoch=5, lr=0.5, dim=8, bucket=10_000)


# ---------------------------------------------------------------------------------------------
# Normalisation


def test_normalize_english():
    assert normalize("  Hello,   WORLD!\n\tSee https://x.com/a?b=1 @someone &amp; more ") == \
        "hello , world ! see xxurl xxuser & more"
    assert normalize("ＦＵＬＬ－ＷＩＤＴＨ") == "full - width"  # NFKC
    assert normalize("one two three four", max_tokens=2) == "one two"


def test_normalize_chinese_is_character_level():
    assert normalize("滚开，你这个白痴！") == "滚 开 , 你 这 个 白 痴 !"  # NFKC turns full-width punctuation ASCII
    assert normalize("我们用Python写代码") == "我 们 用 python 写 代 码"
    assert normalize("今天天气很好", lang="zh", max_tokens=3) == "今 天 天"
    assert "\n" not in normalize("第一行\n第二行")


# ---------------------------------------------------------------------------------------------
# Metrics, threshold, split


def test_roc_auc_and_threshold_policies():
    labels = np.array([1, 1, 1, 0, 0, 0])
    scores = np.array([0.9, 0.8, 0.4, 0.5, 0.2, 0.1])
    assert roc_auc(labels, scores) == pytest.approx(8 / 9)
    assert roc_auc(labels, np.full(6, 0.5)) == pytest.approx(0.5)  # ties count half
    t, how = choose_threshold(labels, scores, "max_f1")
    assert t == pytest.approx(0.4) and "F1" in how  # all three positives, one false positive: F1 0.857
    t, _ = choose_threshold(labels, scores, "precision:1.0")
    assert t == pytest.approx(0.8)  # the lowest threshold with no false positive
    t, _ = choose_threshold(labels, scores, "recall:0.6")
    assert t == pytest.approx(0.8)
    assert choose_threshold(labels, scores, 0.7)[0] == 0.7
    with pytest.raises(ValueError):
        choose_threshold(labels, scores, "bogus")


def test_stratified_split_is_deterministic_and_stratified():
    labels = [1] * 50 + [0] * 150
    a = stratified_split(labels, 0.2, seed=7)
    b = stratified_split(labels, 0.2, seed=7)
    c = stratified_split(labels, 0.2, seed=8)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[1], c[1])
    train, dev = a
    assert len(dev) == 40 and sum(labels[i] for i in dev) == 10  # 20 % of each class
    assert set(train).isdisjoint(dev) and len(train) + len(dev) == 200


# ---------------------------------------------------------------------------------------------
# Training and the model card


def test_train_writes_model_and_card(tmp_path):
    pos, neg = synthetic()
    card = train_classifier(pos, neg, tmp_path / "tox.bin", positive_label="toxic", negative_label="clean",
                            lang="en", task="toxicity", dev_fraction=0.2, seed=3, hyperparameters=HP,
                            command="test")
    assert (tmp_path / "tox.bin").exists() and card_path(tmp_path / "tox.bin") == tmp_path / "tox.json"
    data = json.loads((tmp_path / "tox.json").read_text(encoding="utf-8"))
    for key in ("training_data", "hyperparameters", "heldout", "threshold", "threshold_method", "fasttext_version",
                "corpuskit_version", "command", "split", "labels"):
        assert key in data
    assert data["training_data"]["positive"]["documents"] == 150
    assert len(data["training_data"]["negative"]["sha256"]) == 64
    assert data["split"]["dev"] == {"positive": 30, "negative": 30}
    assert data["hyperparameters"]["wordNgrams"] >= 2 and data["hyperparameters"]["seed"] == 3
    assert data["heldout"]["roc_auc"] > 0.95 and data["heldout"]["at_threshold"]["f1"] > 0.9
    clf = TextClassifier.load(tmp_path / "tox.bin")
    assert clf.threshold == pytest.approx(card.threshold)
    p = clf.predict_proba(["idiot loser trash shut up", "the committee will meet on tuesday"])
    assert p.dtype == np.float32 and p[0] > clf.threshold > p[1]
    assert clf.predict(["idiot loser trash shut up"]).tolist() == [True]


def test_training_is_reproducible_and_quantized_is_smaller(tmp_path):
    pos, neg = synthetic()
    a = train_classifier(pos, neg, tmp_path / "a.bin", seed=5, hyperparameters=HP, command="t")
    b = train_classifier(pos, neg, tmp_path / "b.bin", seed=5, hyperparameters=HP, command="t")
    assert a.heldout == b.heldout and a.threshold == b.threshold
    q = train_classifier(pos, neg, tmp_path / "q.bin", seed=5, quantize=True,
                         hyperparameters={**HP, "quantize_cutoff": 1000}, command="t")
    assert q.model_file == "q.ftz" and (tmp_path / "q.ftz").stat().st_size < (tmp_path / "a.bin").stat().st_size
    assert "unquantized" in q.heldout and TextClassifier.load(tmp_path / "q.ftz").card.hyperparameters["quantized"]


def test_train_rejects_unigram_models_and_one_class(tmp_path):
    pos, neg = synthetic(20)
    with pytest.raises(ValueError, match="wordNgrams"):
        train_classifier(pos, neg, tmp_path / "m.bin", hyperparameters={**HP, "wordNgrams": 1})
    with pytest.raises(ValueError):
        train_classifier(pos, [], tmp_path / "m.bin", hyperparameters=HP)


def test_chinese_training(tmp_path):
    rng = random.Random(0)
    bad, good = list("滚蠢猪白痴废物垃圾闭嘴"), list("今天天气很好我们去公园散步学习")
    pos = ["".join(rng.choices(bad, k=8) + rng.choices(good, k=4)) for _ in range(120)]
    neg = ["".join(rng.choices(good, k=12)) for _ in range(120)]
    card = train_classifier(pos, neg, tmp_path / "zh.bin", lang="zh", seed=1, hyperparameters=HP, command="t")
    assert card.lang == "zh" and card.heldout["roc_auc"] > 0.95


# ---------------------------------------------------------------------------------------------
# Loaders and CLI


def test_load_csv(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("\ufeffid,text,label\n1,bad one,1\n2,good one,0\n3,\"quoted, text\",2\n4,,1\n", encoding="utf-8")
    pos, neg = load_csv(path, "text", "label", ["1"])
    assert pos == ["bad one"] and neg == ["good one", "quoted, text"]
    pos, neg = load_csv(path, "text", "label", ["1"], ["0"])
    assert neg == ["good one"]
    with pytest.raises(ValueError, match="no column"):
        load_csv(path, "tweet", "label", ["1"])


def test_load_texts_any_format(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "first doc"}\n{"text": "second doc"}\n', encoding="utf-8")
    (tmp_path / "b.txt").write_text("a text file", encoding="utf-8")
    texts, sources = load_texts([str(tmp_path)])
    assert sorted(texts) == ["a text file", "first doc", "second doc"]
    assert {s["name"]: s["documents"] for s in sources} == {"a.jsonl": 2, "b.txt": 1}


def test_cli_csv_and_directories(tmp_path):
    pos, neg = synthetic(100)
    rows = ["text,label"] + [f"{t},toxic" for t in pos] + [f"{t},ok" for t in neg]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(train_classifier_command, ["--csv", str(tmp_path / "d.csv"), "--positive-label", "toxic",
                                                   "-o", str(tmp_path / "m.bin"), "--epoch", "5", "--dim", "8",
                                                   "--bucket", "10000", "--quantize"])
    assert res.exit_code == 0, res.output
    assert "ROC-AUC" in res.output and "F1" in res.output and (tmp_path / "m.ftz").exists()
    card = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert card["training_data"]["sources"]["files"][0]["label_column"] == "label"

    for name, texts in (("pos", pos), ("neg", neg)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "docs.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    res = runner.invoke(train_classifier_command, ["--positive", str(tmp_path / "pos"), "--negative",
                                                   str(tmp_path / "neg"), "-o", str(tmp_path / "d.bin"),
                                                   "--epoch", "5", "--dim", "8", "--bucket", "10000", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["split"]["dev"] == {"positive": 10, "negative": 10}
    res = runner.invoke(train_classifier_command, ["-o", str(tmp_path / "x.bin")])
    assert res.exit_code != 0


# ---------------------------------------------------------------------------------------------
# Shipped models (offline: read from the installed package)


@pytest.mark.parametrize("lang,toxic,clean", [
    ("en", "you are a worthless idiot, shut up", "the committee will meet on tuesday to discuss the budget"),
    ("zh", "滚开，你这个白痴", "今天天气很好，我们去公园散步"),
])
def test_shipped_toxicity_models(lang, toxic, clean):
    clf = TextClassifier.load(default_model_path("toxicity", lang))
    assert clf.card.lang == lang and clf.card.task == "toxicity"
    p_toxic, p_clean = clf.predict_proba([toxic, clean])
    assert p_toxic >= clf.threshold > p_clean, (p_toxic, p_clean, clf.threshold)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_shipped_quality_models(lang):
    clf = TextClassifier.load(default_model_path("quality", lang))
    if lang == "en":
        good = ("The river rises in the northern hills and flows south through farmland for about two hundred "
                "miles before it reaches the sea. In the nineteenth century it was an important route for "
                "trade, and several towns grew up along its banks. Today it is known for its wildlife and is "
                "protected by law along most of its length.")
        bad = "Home | About Us | Contact | Login | Register | cheap casino bonus free download click here now"
    else:
        good = ("这条河发源于北部山区，向南流经大片农田，全长约三百公里，最后注入大海。十九世纪时，它是重要的"
                "贸易通道，沿岸逐渐形成了几座城镇。如今，这条河以丰富的野生动物闻名，大部分河段受到法律保护。")
        bad = "首页 | 关于我们 | 联系我们 | 登录 | 注册 | 娱乐城 开户 注册送 彩金 免费 在线观看 点击进入"
    p_good, p_bad = clf.predict_proba([good, bad])
    assert p_good > p_bad and p_bad < clf.threshold, (p_good, p_bad, clf.threshold)
    assert "keep_rates" in clf.card.extra


def test_default_model_path_errors():
    with pytest.raises(ValueError):
        default_model_path("sentiment", "en")
    with pytest.raises(ValueError):
        default_model_path("toxicity", "fr")


def test_shipped_toxicity_en_on_shared_data():
    """The shipped model on a sample of the real tweets (most of them were training data: a sanity check;
    the held-out figures are in the card)."""
    pos, neg = load_csv(shared("toxic-davidson-hate-offensive", "train.csv"), "tweet", "class", ["0", "1"], ["2"])
    clf = TextClassifier.load(default_model_path("toxicity", "en"))
    p = clf.predict_proba(pos[:300] + neg[:300])
    labels = np.r_[np.ones(300), np.zeros(300)]
    assert roc_auc(labels, p) > 0.95


def test_choose_threshold_at_a_prevalence():
    """Re-weighting the negatives to 95 % moves the max-F1 threshold up: on a balanced set a few false
    positives cost little, at a web base rate they cost most of the precision."""
    rng = np.random.default_rng(0)
    labels = np.r_[np.ones(500, bool), np.zeros(500, bool)]
    scores = np.r_[rng.beta(5, 2, 500), rng.beta(2, 5, 500)]
    t_bal, _ = choose_threshold(labels, scores, "max_f1")
    t_web, how = choose_threshold(labels, scores, "max_f1_at_prevalence:0.05")
    assert t_web > t_bal and "0.05" in how
    p_bal = prf_at(labels, scores, t_bal)
    p_web = prf_at(labels, scores, t_web)
    fpr = lambda r: r["fp"] / 500  # noqa: E731
    assert fpr(p_web) < fpr(p_bal)
    # weights: a negative group 10x larger but with the same total weight changes nothing
    labels2 = np.r_[labels, np.zeros(4500, bool)]
    scores2 = np.r_[scores, np.repeat(scores[500:], 9)]
    w = np.r_[np.ones(500), np.full(5000, 0.1)]
    assert choose_threshold(labels2, scores2, "max_f1_at_prevalence:0.05", w)[0] == pytest.approx(t_web)
    with pytest.raises(ValueError):
        choose_threshold(labels, scores, "max_f1_at_prevalence:1.5")

