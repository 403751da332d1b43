"""fix_unicode: repairs mojibake (ftfy, and UTF-8 read as GBK), HTML entities and control characters, keeps every
document, and leaves good text alone (curly quotes, ligatures, full-width forms, line breaks, Chinese of both
scripts)."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

import corpuskit
from corpuskit.stage import apply_stage
from corpuskit.stages.fix_unicode import FixUnicode, fix_document, ftfy_config, repair_gbk_mojibake
from corpuskit.stats import StageStats

from .conftest import read_rows, shared

CONFIG = ftfy_config()


def _fix(text: str) -> str:
    return fix_document(text, CONFIG)[0]


def _table(texts, content_types=None):
    n = len(texts)
    return pa.table({"id": [f"d{i}" for i in range(n)], "text": pa.array(texts, pa.string()),
                     "content_type": content_types or ["text/plain"] * n})


@pytest.mark.parametrize("broken, repaired", [
    ("cafÃ© au lait", "café au lait"),  # UTF-8 read as latin-1
    ("â€œquotedâ€\x9d and itâ€™s", "“quoted” and it’s"),  # read as cp1252
    ("Fish &amp; chips &lt;3", "Fish & chips <3"),
    ("&#x4e2d;&#25991;和&#x82f1;&#25991;", "中文和英文"),
    ("a\x00b\x07c\x1b[31md\ufeff", "abcd"),
])
def test_repairs(broken, repaired):
    assert _fix(broken) == repaired


@pytest.mark.parametrize("good", [
    "He said “hello” – it’s ﬁne… ½ ＡＢＣ１２３",  # quotes, ligature, full-width: ftfy's defaults would change them
    "line one\r\nline two\r\n",  # line breaks stay
    "Cafe\u0301 (combining accent: no NFC)",
    "中华人民共和国宪法，第一条。“引号”与（全角括号）！",
    "寥落古行宮，宮花寂寞紅。白頭宮女在，閒坐說玄宗。",  # Traditional
    "a < b &amp; c",  # a "<": might be markup, entities stay (ftfy's rule)
    "Ελληνικά, русский, naïve, Zürich, 日本語のテキスト, 한국어",
    "",
])
def test_good_text_is_left_alone(good):
    assert fix_document(good, CONFIG) == (good, set())


def test_utf8_read_as_gbk_is_repaired_when_no_byte_was_lost():
    for sentence in ["今天天气很好", "澳洲的朋友们", "美国夏威夷岛", "北京天气"]:
        mojibake = sentence.encode("utf-8").decode("gbk")
        assert mojibake != sentence
        assert repair_gbk_mojibake(f"关于{mojibake}的新闻") == f"关于{sentence}的新闻"
        assert fix_document(mojibake, CONFIG) == (sentence, {"gbk_mojibake"})
    # a window whose bytes the GBK decoder lost (it wrote "?") stays; its whole neighbours are repaired
    assert repair_gbk_mojibake("婢虫床28鏄?笉鏄??瑙勭殑") == "澳洲28鏄?笉鏄??规的"
    # good Chinese made of rarer characters, and too short a window, stay
    assert repair_gbk_mojibake("恪守悖论，惬意") == "恪守悖论，惬意"
    assert repair_gbk_mojibake("鏄") == "鏄"


def test_stage_keeps_every_document_and_counts_each_kind():
    texts = ["cafÃ© &amp; bar", "good text", None, "", "今天天气很好".encode("utf-8").decode("gbk"),
             "x\x00y", "<p>&amp; stays in HTML</p>&amp;"]
    types = ["text/plain"] * 6 + ["text/html"]
    stats = StageStats("fix_unicode")
    kept, rejected = apply_stage(FixUnicode(), _table(texts, types), stats)
    assert rejected is None and kept.num_rows == len(texts)
    assert kept.column("text").to_pylist() == ["café & bar", "good text", None, "", "今天天气很好", "xy",
                                               "<p>&amp; stays in HTML</p>&amp;"]
    c = stats.counters
    assert c["docs_modified"] == 3 and c["docs_fixed:mojibake"] == 1 and c["docs_fixed:html_entities"] == 1
    assert c["docs_fixed:gbk_mojibake"] == 1 and c["docs_fixed:control_chars"] == 1
    assert c["chars_in"] == sum(len(t or "") for t in texts)


def test_each_repair_can_be_turned_off():
    table = _table(["cafÃ© &amp; x\x00", "今天天气很好".encode("utf-8").decode("gbk")])
    off = FixUnicode(mojibake=False, gbk_mojibake=False, html_entities=False, control_chars=False)
    assert off.process(table).kept.column("text").to_pylist() == table.column("text").to_pylist()
    only_html = FixUnicode(mojibake=False, gbk_mojibake=False, control_chars=False)
    assert only_html.process(table).kept.column("text").to_pylist()[0] == "cafÃ© & x\x00"


def _stage_stats(result, name: str) -> dict:
    return next(stage for stage in result.stats["stages"] if stage["name"] == name)


def test_in_a_pipeline(tmp_path):
    (tmp_path / "in").mkdir()
    docs = [{"id": "en", "text": "The cafÃ©â€™s menu &amp; prices."}, {"id": "zh", "text": "中文，很好。"},
            {"id": "gbk", "text": "新闻：" + "美国夏威夷岛".encode("utf-8").decode("gbk")}, {"id": "empty", "text": ""}]
    (tmp_path / "in" / "docs.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs),
                                                encoding="utf-8")
    result = corpuskit.run({"name": "fix", "input": {"paths": [str(tmp_path / "in")], "id_field": "id"},
                            "output": {"path": str(tmp_path / "out")}, "stages": [{"fix_unicode": {}}],
                            "executor": {"type": "local", "workers": 1}})
    texts = {row["id"]: row["text"] for row in read_rows(tmp_path / "out" / "kept")}
    assert texts == {"en": "The café’s menu & prices.", "zh": "中文，很好。", "gbk": "新闻：美国夏威夷岛", "empty": ""}
    stage = _stage_stats(result, "fix_unicode")
    assert stage["docs_rejected"] == 0 and stage["counters"]["docs_modified"] == 2


def test_real_crawl_page_with_utf8_read_as_gbk(tmp_path):
    warc = shared("warc-samples", "commoncrawl-2020-34-resiliparse",
                  "CC-MAIN-20200808165417-20200808195417-00395.excerpt.warc.gz")
    result = corpuskit.run({"name": "fix", "input": {"paths": [str(warc)]}, "output": {"path": str(tmp_path / "o")},
                            "stages": [{"fix_unicode": {}}], "executor": {"type": "local", "workers": 1}})
    pages = {row["url"]: row["text"] for row in read_rows(tmp_path / "o" / "kept")}
    page = pages["http://003338.cn/l41/481397.html"]
    assert "婢虫床" not in page and "澳洲28" in page and "规的最新" in page
    counters = _stage_stats(result, "fix_unicode")["counters"]
    assert counters["docs_fixed:gbk_mojibake"] == 1 and counters["docs_fixed:html_entities"] == 0  # raw HTML


def _poems(node, out):
    """Each poem or piece of the chinese-poetry JSON files: its lines joined."""
    if isinstance(node, dict):
        if isinstance(node.get("paragraphs"), list) and all(isinstance(p, str) for p in node["paragraphs"]):
            out.append("\n".join(node["paragraphs"]))
        for value in node.values():
            _poems(value, out)
    elif isinstance(node, list):
        for value in node:
            _poems(value, out)
    return out


def test_good_sets_are_left_alone():
    laws = [p for f in sorted(shared("quality-pos-zh-laws").glob("*.md"))
            for p in f.read_text(encoding="utf-8").split("\n\n")]
    poems = [p for f in sorted(shared("zh-chinese-poetry-subset", "mengxue").glob("*.json"))
             for p in _poems(json.loads(f.read_text(encoding="utf-8")), [])]
    wiki = shared("quality-pos-wikitext2", "valid.txt").read_text(encoding="utf-8").split("\n \n")
    assert len(laws) > 1000 and len(poems) > 400 and len(wiki) > 1000
    changed = [d for d in laws + poems + wiki if fix_document(d, CONFIG)[1]]
    assert changed == []
