"""corpuskit.functions: the filters one document at a time, checked as Stanford CS336 assignment 4 checks its
functions (on its fixtures), and against the same stages run in a pipeline."""

from __future__ import annotations

import difflib
import json

import pytest

import corpuskit
from corpuskit import functions as ck

from .conftest import read_rows, shared

INSULT = "You are a stupid worthless idiot and I hope you die, you piece of shit."
CIVIL = "Thank you for your helpful answer, I learned a lot from it today."
ENGLISH = "The quick brown fox jumps over the lazy dog. This is an English sentence about foxes and dogs."
CHINESE = "这是一个中文句子，用来测试语言识别是否正确。我们今天去公园散步，天气很好。"
GOPHER_VALID = "This should definitely be a valid input text and of high quality according to Gopher rules.\n" * 10


def norm(s: str) -> str:
    return " ".join(s.split())


# -- CS336's checks -----------------------------------------------------------------------------

def test_extract_text_from_html_bytes():
    fx = shared("cs336-a4-fixtures")
    text = ck.extract_text((fx / "moby.html").read_bytes())
    expected = (fx / "moby_extracted.txt").read_text(encoding="utf-8")
    assert difflib.SequenceMatcher(None, norm(text), norm(expected)).ratio() > 0.9
    assert "Perth, the begrimed, blistered old blacksmith" in text
    assert ck.extract_text((fx / "moby.html").read_text(encoding="utf-8")) == text  # str or bytes alike
    assert ck.extract_text(b"<html><body><p>hi</p></body></html>") is None  # no main text: the stage rejects it


def test_extract_text_decodes_a_declared_charset():
    page = ("<html><head><meta charset='gbk'><title>t</title></head><body><article>"
            + "<p>这是一篇用来测试字符集解码的中文文章，内容足够长，可以被当作正文。</p>" * 6 + "</article></body></html>")
    text = ck.extract_text(page.encode("gbk"))
    assert text is not None and "测试字符集解码" in text


def test_identify_language():
    lang, score = ck.identify_language(ENGLISH)
    assert lang == "en" and 0.5 < score <= 1.0 and isinstance(score, float)
    lang, score = ck.identify_language(CHINESE)
    assert lang == "zh" and score > 0.9
    assert ck.identify_language("我們今天去公園散步，天氣很好。")[0] == "zh"  # Traditional is zh too
    assert ck.identify_language("") == (None, 0.0)


@pytest.mark.parametrize("language", [None, "en"])
def test_classify_toxicity(language):
    label, score = ck.classify_toxicity(INSULT, language)
    assert label == "toxic" and score > 0.5
    label, score = ck.classify_toxicity(CIVIL, language)
    assert label == "non-toxic" and 0.0 <= score < 0.5
    assert ck.classify_toxicity("你这个蠢货，去死吧，垃圾东西")[0] == "toxic"
    assert ck.classify_toxicity("今天天气很好，我们去公园散步吧。")[0] == "non-toxic"
    with pytest.raises(ValueError, match="no toxicity model"):
        ck.classify_toxicity(CIVIL, "fr")


def test_classify_quality():
    fx = shared("cs336-a4-fixtures")
    label, score = ck.classify_quality((fx / "low_quality_cc.txt").read_text(encoding="utf-8"))
    assert label == "low" and score < 0.5
    label, score = ck.classify_quality((fx / "moby_extracted.txt").read_text(encoding="utf-8"), "en")
    assert label == "high" and score > 0.5


@pytest.mark.parametrize("text, rule", [
    ("The string you are reading is a short snippet of text.", "gopher:word_count<50"),
    ("the " * 100_001, "gopher:word_count>100000"),
    ("a an is on to be of it at by " * 10 + "the and", "gopher:mean_word_length<3"),
    ("electroencephalograms counterrevolutionaries the and " * 20, "gopher:mean_word_length>10"),
    ("This line of the text ends with an ellipsis and the rest is gone...\n" * 6
     + "And this line is a normal line of the text with words.\n" * 4, "gopher:ellipsis_lines>0.3"),
    ("the and " + "1234 5678 " * 40 + "words in the text " * 5, "gopher:alpha_words<0.8"),
])
def test_gopher_quality_rules(text, rule):
    assert not ck.gopher_quality(text)
    assert rule in ck.gopher_quality_reasons(text)


def test_gopher_quality_passes_normal_text_in_both_scripts():
    assert ck.gopher_quality(GOPHER_VALID) and ck.gopher_quality_reasons(GOPHER_VALID) == []
    assert ck.gopher_quality("我们今天去公园散步，天气很好，大家都很开心。" * 6)  # CJK: characters are words


def test_masks():
    assert ck.mask_emails("Feel free to contact me at test@gmail.com if you have any questions.") == (
        "Feel free to contact me at |||EMAIL_ADDRESS||| if you have any questions.", 1)
    assert ck.mask_phone_numbers("Feel free to call me at (283)-182-3829.") == (
        "Feel free to call me at |||PHONE_NUMBER|||.", 1)
    assert ck.mask_ips("You can access the server at 192.0.2.146.") == (
        "You can access the server at |||IP_ADDRESS|||.", 1)
    assert ck.mask_emails("No addresses here.") == ("No addresses here.", 0)
    assert ck.mask_pii("mail a@b.com or call +1 415-555-0132")[1] == 2


def test_exact_line_dedup_cs336_fixture(tmp_path):
    src = shared("cs336-a4-fixtures", "documents_with_line_duplicates")
    expected = shared("cs336-a4-fixtures", "documents_line_deduplicated")
    ck.exact_line_dedup(sorted(src.glob("*.txt")), tmp_path / "out")
    names = sorted(p.name for p in expected.iterdir())
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == names
    for name in names:  # doc1 and doc2 lose every line: their files are there, empty
        assert (tmp_path / "out" / name).read_bytes() == (expected / name).read_bytes(), name


def test_exact_line_dedup_writes_an_empty_input_and_files_of_several_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text("shared line\nonly in x\n", encoding="utf-8")
    (tmp_path / "b" / "y.txt").write_text("only in y\nshared line\n", encoding="utf-8")
    (tmp_path / "b" / "empty.txt").write_text("", encoding="utf-8")
    ck.exact_line_dedup([tmp_path / "a" / "x.txt", tmp_path / "b" / "y.txt", tmp_path / "b" / "empty.txt"],
                        tmp_path / "out")
    out = tmp_path / "out"
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == {
        "x.txt": "only in x\n", "y.txt": "only in y\n", "empty.txt": ""}


def test_minhash_dedup_cs336_fixture(tmp_path):
    src = shared("cs336-a4-fixtures", "documents_with_fuzzy_duplicates")
    files = sorted(src.glob("*.txt"))
    for i, params in enumerate([{}, {"num_hashes": 100, "num_bands": 10, "ngrams": 5, "jaccard_threshold": 0.8}]):
        out = tmp_path / f"out{i}"
        ck.minhash_dedup(files, out, **params)
        kept = sorted(p.name for p in out.iterdir())
        assert len(kept) == 2 and "pytorch_license.txt" in kept and sum("mit_license" in k for k in kept) == 1
        for name in kept:
            assert (out / name).read_bytes() == (src / name).read_bytes()
    with pytest.raises(ValueError, match="divide"):
        ck.minhash_dedup(files, tmp_path / "bad", num_hashes=128, num_bands=10)


# -- the same answers as the stages in a pipeline ------------------------------------------------

def _pipeline_rows(tmp_path, texts: list[str], stage: dict, fmt: str = "jsonl") -> list[dict]:
    """Every document after a pipeline of the one stage: kept rows, and rejected ones with their reason."""
    src = tmp_path / "in"
    src.mkdir()
    if fmt == "jsonl":
        (src / "docs.jsonl").write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts),
                                        encoding="utf-8")
    else:
        for i, t in enumerate(texts):
            (src / f"p{i}.html").write_text(t, encoding="utf-8")
    out = tmp_path / "out"
    corpuskit.run({"input": {"paths": [str(src)], "format": fmt}, "output": str(out), "stages": [stage],
                   "executor": {"workers": 1}}, report=False)
    return read_rows(out / "kept") + read_rows(out / "rejected")


def _documents() -> list[str]:
    fx = shared("cs336-a4-fixtures")
    return [ENGLISH, CHINESE, INSULT, CIVIL, GOPHER_VALID, "你这个蠢货，去死吧，垃圾东西",
            (fx / "low_quality_cc.txt").read_text(encoding="utf-8"),
            (fx / "moby_extracted.txt").read_text(encoding="utf-8")]


def test_language_as_in_a_pipeline(tmp_path):
    for row in _pipeline_rows(tmp_path, _documents(), {"language": {}}):
        lang, score = ck.identify_language(row["text"])
        assert lang == row["language"] and score == pytest.approx(row["language_score"], abs=1e-6)


def test_toxicity_as_in_a_pipeline(tmp_path):
    rows = _pipeline_rows(tmp_path, _documents(), {"toxicity": {}})
    assert {r.get("rejected_by") for r in rows} == {None, "toxicity"}
    for row in rows:
        label, score = ck.classify_toxicity(row["text"])
        assert label == ("toxic" if row.get("rejected_by") else "non-toxic")
        assert score == pytest.approx(row["toxicity_score"], abs=1e-6)


def test_quality_as_in_a_pipeline(tmp_path):
    rows = _pipeline_rows(tmp_path, _documents(), {"quality": {}})
    assert {r.get("rejected_by") for r in rows} == {None, "quality"}
    for row in rows:
        label, score = ck.classify_quality(row["text"])
        assert label == ("low" if row.get("rejected_by") else "high")
        assert score == pytest.approx(row["quality_score"], abs=1e-6)


def test_gopher_quality_as_in_a_pipeline(tmp_path):
    rows = _pipeline_rows(tmp_path, _documents(), {"gopher_quality": {}})
    assert {r.get("rejected_by") for r in rows} == {None, "gopher_quality"}
    for row in rows:
        reasons = ck.gopher_quality_reasons(row["text"])
        assert (reasons[0] if reasons else None) == row.get("reason")
        assert ck.gopher_quality(row["text"]) == (row.get("rejected_by") is None)


def test_extract_as_in_a_pipeline(tmp_path):
    fx = shared("cs336-a4-fixtures")
    article = ("<html><head><title>A page</title></head><body><nav>Home | News</nav><article>"
               + "".join(f"<p>Paragraph {i} of a short article about extraction, long enough to be main text.</p>"
                         for i in range(6)) + "</article><footer>Copyright</footer></body></html>")
    pages = [(fx / "moby.html").read_text(encoding="utf-8"), article, "<html><body><p>hi</p></body></html>"]
    rows = _pipeline_rows(tmp_path, pages, {"extract": {}}, fmt="html")
    by_page = {int(r["id"][1:].split(".")[0]): r for r in rows}
    for i, page in enumerate(pages):
        row = by_page[i]
        assert ck.extract_text(page) == (None if row.get("rejected_by") else row["text"])


def test_dedup_refuses_two_files_of_one_name(tmp_path):
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.txt").write_text("a line\n", encoding="utf-8")
    with pytest.raises(ValueError, match="same name"):
        ck.exact_line_dedup([tmp_path / "a" / "x.txt", tmp_path / "b" / "x.txt"], tmp_path / "out")
