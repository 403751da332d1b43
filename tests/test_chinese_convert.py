"""chinese_convert: OpenCC conversion of Chinese documents only (by the language column, else by the text),
zh_script left as the language stage wrote it, counters; checked on the Traditional texts of chinese-poetry."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

import corpuskit
from corpuskit.stage import apply_stage
from corpuskit.stages.chinese_convert import ChineseConvert, chars_changed, looks_chinese, opencc_configs
from corpuskit.stages.language import chinese_script
from corpuskit.stats import StageStats

from .conftest import read_rows, shared

JAPANESE = "東京は日本の首都です。私は毎日電車で會社に行きます。"


def _table(texts, languages=None):
    n = len(texts)
    columns = {"id": [f"d{i}" for i in range(n)], "text": pa.array(texts, pa.string())}
    if languages is not None:
        columns["language"] = pa.array(languages, pa.string())
    return pa.table(columns)


@pytest.mark.parametrize("config, text, expected", [
    ("t2s", "白日依山盡，黃河入海流。欲窮千里目，更上一層樓。", "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。"),
    ("t2s", "鄭伯克段於鄢", "郑伯克段于鄢"),
    ("t2s", "她的頭髮很長，後來發現了。", "她的头发很长，后来发现了。"),  # one-to-many: 髮/發 -> 发, 後 -> 后
    ("t2s", "沈先生住在瀋陽。", "沈先生住在沈阳。"),  # the surname stays
    ("s2t", "头发和发现", "頭髮和發現"),
    ("s2twp", "这个软件的鼠标", "這個軟體的滑鼠"),
    ("s2hk", "里面", "裏面"),
])
def test_conversions(config, text, expected):
    assert ChineseConvert(config=config).convert(text) == expected


def test_configs_and_parameters():
    assert {"t2s", "s2t", "s2tw", "tw2s", "s2hk", "hk2s"} <= set(opencc_configs())
    assert ChineseConvert(config="t2s.json").config == "t2s"
    with pytest.raises(ValueError, match="unknown OpenCC config 't2x'"):
        ChineseConvert(config="t2x")
    with pytest.raises(ValueError, match="min_han_share"):
        ChineseConvert(min_han_share=0)


def test_rare_characters_stay_unless_asked_for():
    assert ChineseConvert().convert("熌爍") == "熌烁"
    assert ChineseConvert(rare_characters=True).convert("熌") == "\U000241C4"  # 𤇄, CJK extension B


def test_only_chinese_documents_are_converted():
    texts = ["說話", JAPANESE, "English words, 說話 once.", None, "", "說話"]
    stats = StageStats("chinese_convert")
    kept, rejected = apply_stage(ChineseConvert(), _table(texts, ["zh", "ja", "en", None, None, "zh-Hant"]), stats)
    assert rejected is None
    assert kept.column("text").to_pylist() == ["说话", JAPANESE, "English words, 說話 once.", None, "", "说话"]
    assert stats.counters == {"docs_chinese": 2, "docs_converted": 2, "chars_changed": 4, "chars_in": 4}
    # without a language column: by the text (Chinese characters, almost no kana)
    kept = ChineseConvert().process(_table(texts)).kept
    assert kept.column("text").to_pylist() == ["说话", JAPANESE, "English words, 說話 once.", None, "", "说话"]
    assert looks_chinese("愛情") and not looks_chinese(JAPANESE) and not looks_chinese("Love 愛") \
        and not looks_chinese("사랑해요 愛")


def test_chars_changed():
    assert chars_changed("頭髮", "头发") == 2 and chars_changed("abc", "abc") == 0
    assert chars_changed("abcd", "abXcd") == 1


def test_in_a_pipeline_the_script_column_keeps_the_original_script(tmp_path):
    (tmp_path / "in").mkdir()
    docs = [{"id": "hant", "text": "寥落古行宮，宮花寂寞紅。白頭宮女在，閒坐說玄宗。這是唐代詩人元稹的一首詩，說的是宮女們的故事。"},
            {"id": "hans", "text": "这是一个简体中文的句子，我们今天学习了很多东西。"},
            {"id": "ja", "text": JAPANESE}, {"id": "en", "text": "An English sentence about the weather today."}]
    (tmp_path / "in" / "docs.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs),
                                                encoding="utf-8")
    result = corpuskit.run({"name": "t2s", "input": {"paths": [str(tmp_path / "in")], "id_field": "id"},
                            "output": {"path": str(tmp_path / "out")},
                            "stages": [{"language": {}}, {"chinese_convert": {"config": "t2s"}}],
                            "executor": {"type": "local", "workers": 1}})
    rows = {row["id"]: row for row in read_rows(tmp_path / "out" / "kept")}
    assert rows["hant"]["text"].startswith("寥落古行宫，宫花寂寞红。白头宫女在，闲坐说玄宗。这是唐代诗人元稹")
    assert rows["hant"]["zh_script"] == "hant" and chinese_script(rows["hant"]["text"]) == "hans"
    assert rows["hans"]["text"] == docs[1]["text"] and rows["ja"]["text"] == JAPANESE
    assert rows["en"]["text"] == docs[3]["text"]
    stage = next(s for s in result.stats["stages"] if s["name"] == "chinese_convert")
    assert stage["counters"]["docs_chinese"] == 2 and stage["counters"]["docs_converted"] == 1


def _pieces(node, out):
    """The poems and prose pieces of a chinese-poetry JSON file, title and lines joined."""
    if isinstance(node, dict):
        if isinstance(node.get("paragraphs"), list) and all(isinstance(p, str) for p in node["paragraphs"]):
            out.append("\n".join([node.get("chapter") or ""] + node["paragraphs"]))
        for value in node.values():
            _pieces(value, out)
    elif isinstance(node, list):
        for value in node:
            _pieces(value, out)
    return out


def test_traditional_poetry_becomes_simplified():
    folder = shared("zh-chinese-poetry-subset", "mengxue")
    pieces = {name: _pieces(json.loads((folder / f"{name}.json").read_text(encoding="utf-8")), [])
              for name in ("tangshisanbaishou", "guwenguanzhi")}
    assert len(pieces["tangshisanbaishou"]) > 300 and len(pieces["guwenguanzhi"]) == 222
    texts = pieces["tangshisanbaishou"] + pieces["guwenguanzhi"]
    stats = StageStats("chinese_convert")
    kept, _ = apply_stage(ChineseConvert(), _table(texts), stats)
    converted = kept.column("text").to_pylist()
    assert stats.counters["docs_chinese"] == len(texts) and stats.counters["docs_converted"] == len(texts)
    assert 0.15 < stats.counters["chars_changed"] / stats.counters["chars_in"] < 0.35
    assert sum(chinese_script(t) == "hant" for t in texts) > 0.9 * len(texts)
    assert all(chinese_script(t) in ("hans", None) for t in converted)
    by_title: dict[str, str] = {}
    for text in converted:  # the first piece of a title (古文觀止 has 鄭伯克段於鄢 from 左傳 and from 穀梁傳)
        by_title.setdefault(text.split("\n")[0], text)
    assert by_title["登鹳雀楼"] == "登鹳雀楼\n白日依山尽，黄河入海流。\n欲穷千里目，更上一层楼。"
    assert by_title["郑伯克段于鄢"].startswith("郑伯克段于鄢\n初，郑武公娶于申，曰武姜，生庄公及共叔段。")


def test_simplified_text_is_barely_touched():
    laws = "\n".join(f.read_text(encoding="utf-8") for f in sorted(shared("quality-pos-zh-laws").glob("*.md")))
    assert ChineseConvert().convert(laws) == laws
