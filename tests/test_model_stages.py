"""Toxicity, quality and up-sampling stages: decisions, modes, determinism (models stubbed here;
the shipped models are exercised in test_classifier.py and end to end below when present)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from corpuskit.stage import apply_stage
from corpuskit.stages.quality import QualityFilter, pareto_draw, uniform_from_id
from corpuskit.stages.toxicity import BlockList, ToxicityFilter, host_blocked
from corpuskit.stages.upsample import Upsample
from corpuskit.stats import StageStats, check_conservation


class KeywordModel:
    """A stand-in classifier: P(positive) = 0.95 if a keyword occurs, else 0.05."""

    def __init__(self, keywords, threshold=0.5):
        self.keywords, self.threshold = keywords, threshold

    def predict_proba(self, texts, lang=None):
        return np.array([0.95 if any(k in t for k in self.keywords) else 0.05 for t in texts], np.float32)


def _table(texts, langs=None, urls=None):
    n = len(texts)
    return pa.table({"id": [f"d{i}" for i in range(n)], "text": texts, "url": urls or [None] * n,
                     "language": langs or ["en"] * n})


def _toxicity(**kw):
    stage = ToxicityFilter(**kw)
    stage.models.models = {"en": KeywordModel(["idiot"]), "zh": KeywordModel(["白痴"])}
    stage.setup()  # loads only the block list
    return stage


# --- block lists ------------------------------------------------------------------------------


def test_blocklist_english_whole_words_and_chinese_substrings_with_allow_list():
    b = BlockList.default()
    assert b.hits("What a piece of shit.") == ["piece of shit"]
    assert b.hits("Scunthorpe and Essex are places; shitake is a typo") == []  # whole words only
    assert sorted(b.hits("操你妈，傻逼")) == ["傻逼", "操你妈"]
    # ordinary words that contain listed strings are not hits
    assert b.hits("这是她的处女作，讲述女性的可能性。牛奶和乳制品，今日你好，姑娘的笑容。") == []
    assert b.hits("他妈妈今天来了，你妈妈也来了。") == []


def test_domain_block_list_matches_suffixes():
    blocked = {"bad.example"}
    assert host_blocked("http://www.bad.example/page", blocked)
    assert host_blocked("https://BAD.example./", blocked)
    assert not host_blocked("http://notbad.example/", blocked)
    assert not host_blocked(None, blocked) and not host_blocked("::::", blocked)


# --- toxicity ---------------------------------------------------------------------------------


def test_toxicity_drop_mode_reasons_and_columns():
    stage = _toxicity(blocked_domains=["spam.example"])
    porn = "色情 " * 10 + "网站内容" * 5
    texts = ["a calm note about gardening", "you absolute idiot", "你这个白痴", porn, "fine text"]
    table = _table(texts, langs=["en", "en", "zh", "zh", "en"],
                   urls=[None, None, None, None, "http://x.spam.example/a"])
    stats = StageStats("toxicity")
    kept, rejected = apply_stage(stage, table, stats)
    assert kept.column("text").to_pylist() == ["a calm note about gardening"]
    assert rejected.column("reason").to_pylist() == ["toxicity:model>0.5", "toxicity:model>0.5",
                                                     "toxicity:blocklist", "toxicity:blocked-domain"]
    assert rejected.column("toxicity_blocklist_hits").to_pylist()[2] == 10
    assert rejected.column("toxicity_blocklist_terms").to_pylist()[2] == ["色情"]  # distinct terms: why it went
    assert kept.column("toxicity_score").to_pylist() == [pytest.approx(0.05)]
    assert kept.column("toxicity_blocklist_terms").to_pylist() == [[]]


class RepeatModel:
    """P(toxic) = 0.95 when a keyword occurs at least twice, else 0.05: a whole document can score above the
    threshold while none of its lines does (as refrains of a poem add up)."""

    threshold = 0.5

    def predict_proba(self, texts, lang=None):
        return np.array([0.95 if t.count("bad") >= 2 else 0.05 for t in texts], np.float32)


def test_toxicity_document_needs_a_line_above_the_threshold_too():
    stage = ToxicityFilter()
    stage.models.models = {"en": RepeatModel()}
    stage.setup()
    texts = ["bad news\nbad weather\nfine otherwise", "bad bad line\nfine line", "bad bad on one line"]
    kept, rejected = apply_stage(stage, _table(texts), StageStats("toxicity"))
    assert kept.column("id").to_pylist() == ["d0"]  # the whole is above, no line is: min(0.95, 0.05)
    assert kept.column("toxicity_score").to_pylist() == [pytest.approx(0.05)]
    assert rejected.column("id").to_pylist() == ["d1", "d2"]
    assert rejected.column("toxicity_score").to_pylist() == [pytest.approx(0.95)] * 2


def test_toxicity_blocklist_needs_density_not_just_hits():
    stage = _toxicity()
    long_text = "这是一部关于法律的长篇文章。" * 300 + "色情 色情 色情"  # 3 hits in ~4,000 words
    kept, rejected = apply_stage(stage, _table([long_text], langs=["zh"]), StageStats("toxicity"))
    assert kept.num_rows == 1 and rejected is None


def test_toxicity_line_mode_removes_only_offending_lines_and_counts():
    stage = _toxicity(mode="lines")
    text = "The meeting is on Tuesday.\nYou idiot, nobody asked.\nBring the budget report."
    stats = StageStats("toxicity")
    kept, rejected = apply_stage(stage, _table([text, "idiot idiot"]), stats)
    assert kept.column("text").to_pylist() == ["The meeting is on Tuesday.\nBring the budget report."]
    assert rejected.column("reason").to_pylist() == ["toxicity:all-lines-removed"]
    assert rejected.column("text").to_pylist() == ["idiot idiot"]  # rejected rows keep their text
    assert stats.counters["lines_removed:model"] == 2
    assert stats.counters["chars_removed"] == len("You idiot, nobody asked.") + 1 + len("idiot idiot") + 1
    assert stats.counters["docs_modified"] == 2


# --- quality ----------------------------------------------------------------------------------


def _quality(**kw):
    stage = QualityFilter(**kw)
    stage.models.models = {"en": KeywordModel(["good"], threshold=0.4), "zh": KeywordModel(["好"], threshold=0.4)}
    return stage


def test_quality_threshold_defaults_to_model_card():
    table = _table(["good text", "bad text", "好文章", "文章"], langs=["en", "en", "zh", "zh"])
    kept, rejected = apply_stage(_quality(), table, StageStats("quality"))
    assert kept.column("id").to_pylist() == ["d0", "d2"]
    assert rejected.column("reason").to_pylist() == ["quality:score<0.4"] * 2
    kept, _ = apply_stage(_quality(threshold=0.01), table, StageStats("quality"))
    assert kept.num_rows == 4


def test_documents_without_a_model_are_kept_and_counted():
    table = _table(["good text", "un texte", "bad text"], langs=["en", "fr", "en"])
    stats = StageStats("quality")
    kept, _ = apply_stage(_quality(), table, stats)
    assert kept.column("id").to_pylist() == ["d0", "d1"] and kept.column("quality_score").to_pylist()[1] is None
    result = _quality().process(table)
    assert result.counters == {"no_model": 1}


def test_pareto_sampling_is_seeded_by_id_and_matches_numpy_distribution():
    assert uniform_from_id("a", 0) == uniform_from_id("a", 0) != uniform_from_id("a", 1)
    draws = np.array([pareto_draw(f"doc{i}", 7, 9.0) for i in range(20000)])
    reference = np.random.default_rng(0).pareto(9.0, 200000)
    assert abs(np.median(draws) - np.median(reference)) < 0.005
    assert abs(np.mean(draws > 0.5) - np.mean(reference > 0.5)) < 0.01
    table = _table([f"{'good' if i % 2 else 'bad'} text {i}" for i in range(400)])
    first = apply_stage(_quality(pareto_alpha=9.0, seed=3), table, StageStats("quality"))[0].column("id").to_pylist()
    again = apply_stage(_quality(pareto_alpha=9.0, seed=3), table.slice(100), StageStats("quality"))[0]
    assert [i for i in first if int(i[1:]) >= 100] == again.column("id").to_pylist()  # batch-independent
    kept_good = sum(int(i[1:]) % 2 for i in first)
    # P(keep) = P(Lomax(9) > 1 - score): (1.05)**-9 = 0.64 for score 0.95, (1.95)**-9 = 0.002 for 0.05
    assert 110 <= kept_good <= 150 and len(first) - kept_good <= 3


def test_quality_parameters_are_checked():
    with pytest.raises(ValueError):
        QualityFilter(threshold=0.5, pareto_alpha=9)
    with pytest.raises(ValueError):
        QualityFilter(threshold=2)


# --- up-sampling ------------------------------------------------------------------------------


def test_upsample_adds_copies_with_unique_ids_and_conserves():
    table = pa.table({"id": ["a", "b", "c"], "text": ["x", "y", "z"], "quality_score": [0.95, 0.2, None]})
    stats = StageStats("upsample")
    kept, rejected = apply_stage(Upsample(min_score=0.9, copies=3), table, stats)
    assert kept.column("id").to_pylist() == ["a", "b", "c", "a#copy1", "a#copy2"]
    assert rejected is None and stats.docs_added == 2 and stats.counters["docs_upsampled"] == 1
    check_conservation([stats])
    with pytest.raises(ValueError, match="no column"):
        Upsample().process(pa.table({"id": ["a"], "text": ["x"]}))


def test_quality_percentile_keeps_the_top_fraction_of_the_corpus(tmp_path):
    """The global stage with the shipped models, through the runner: the cut-off is corpus-wide."""
    import json

    from corpuskit.recipe import load_config
    from corpuskit.runner import run_pipeline

    from .conftest import read_rows, write_pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    good = ("The committee reviewed the annual budget and agreed to fund two new libraries, "
            "after a long discussion about maintenance costs and opening hours. ")
    spam = "cheap pills buy now best price click here free bonus casino "
    for f in range(3):  # three shards, so the cut-off must combine them
        docs = [{"text": (good * (1 + i % 3)) if i % 2 else spam * (1 + i % 4)} for i in range(40)]
        (corpus / f"f{f}.jsonl").write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    cfg = {"input": {"paths": [str(corpus)], "shard_bytes": 1}, "output": str(tmp_path / "out"),
           "stages": [{"quality_percentile": {"keep_fraction": 0.25}}], "executor": {"workers": 1}}
    result = run_pipeline(load_config(write_pipeline(tmp_path, cfg)))
    stage = result.stats["stages"][1]
    assert stage["name"] == "quality_percentile" and stage["docs_in"] == 120
    assert 25 <= stage["docs_kept"] <= 60  # ties at the cut-off keep a little more than 30
    kept = read_rows(tmp_path / "out" / "kept")
    assert all("committee" in r["text"] for r in kept)
    assert set(stage["rejected_by_reason"]) == {"quality:below-top-0.25"}
