"""`corpuskit head`: the first documents of an output directory, kept or rejected (by reason and stage globs), with
their scores and the first lines of their text; Parquet and JSONL(.gz) outputs, Chinese text, partial runs."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from click.testing import CliRunner

from corpuskit.cli import main
from corpuskit.errors import CorpuskitError
from corpuskit.outputs import Match, display_width, excerpt, head, shorten_line
from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline

from .conftest import read_rows, write_pipeline

ENGLISH = ("The river rises in the hills above the town and runs for forty miles to the sea. In spring the water "
           "is high and the fishermen wait for the floods to pass before they take their boats out again.")
CHINESE = "这条河发源于镇子上方的山中，流经四十英里后入海。春天水位很高，渔民们要等洪水过去后才再出船捕鱼。"


def _docs() -> list[dict]:
    """Long English and Chinese documents of several lines, and short ones that a length rule rejects."""
    docs = []
    for i in range(12):
        if i % 3 == 2:
            docs.append({"id": f"short{i:02d}", "url": f"https://example.org/s{i}", "text": "Click here."})
        elif i % 3 == 1:
            docs.append({"id": f"zh{i:02d}", "url": f"https://example.cn/{i}",
                         "text": "\n".join([f"第{k}段" + CHINESE * 2 for k in range(14)])})
        else:
            docs.append({"id": f"en{i:02d}", "url": f"https://example.org/{i}",
                         "text": "\n".join([f"Part {k}. " + ENGLISH for k in range(14)])})
    docs.append({"id": "escape", "url": None, "text": "\x1b[31mred\x1b[0m and a\ttab"})  # rejected: too short
    return docs


def _run(tmp_path, output_format: str):
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in _docs()),
                                         encoding="utf-8")
    path = write_pipeline(tmp_path, {
        "input": {"paths": [str(tmp_path / "docs.jsonl")], "id_field": "id"},
        "output": {"path": str(tmp_path / "out"), "format": output_format},
        "executor": {"type": "local", "workers": 1},
        "stages": [{"length": {"min_chars": 50}}, {"language": {"keep": ["en", "zh"]}}]})
    run_pipeline(load_config(path))
    return tmp_path / "out"


@pytest.fixture(scope="module")
def parquet_out(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("head-parquet"), "parquet")


def _head(*args):
    return CliRunner().invoke(main, ["head", *map(str, args)])


def test_head_prints_the_first_kept_documents_with_scores_and_lines(parquet_out):
    result = _head(parquet_out, "-n", "2", "--lines", "3")
    assert result.exit_code == 0, result.output
    kept_ids = [r["id"] for r in read_rows(parquet_out / "kept")]
    assert kept_ids[:2] == ["en00", "zh01"]  # plan order
    assert "── en00  https://example.org/0" in result.output and "── zh01  https://example.cn/1" in result.output
    assert "en03" not in result.output
    assert "language_score 0.9" in result.output  # a score column the language stage declares
    assert "│ Part 0. The river" in result.output and "│ 第0段这条河" in result.output
    assert result.output.count("… (11 more lines)") == 2  # 14 lines, 3 shown
    assert "2 document(s) of" in result.output


def test_head_rejected_with_a_reason_glob_and_a_stage_glob(parquet_out):
    result = _head(parquet_out, "--rejected", "--reason", "length:*", "-n", "3")
    assert result.exit_code == 0, result.output
    assert result.output.count("rejected by length: length:chars<50") == 3
    assert "short02" in result.output and "short05" in result.output and "short08" in result.output
    assert "short11" not in result.output  # -n 3
    by_stage = _head(parquet_out, "--stage", "len*", "-n", "10")  # --stage implies --rejected
    assert by_stage.output.count("rejected by length") == 5
    none = _head(parquet_out, "--reason", "gopher:*")
    assert none.exit_code == 0 and "no document in" in none.output and "reason 'gopher:*'" in none.output


def test_head_api_reads_only_the_columns_and_rows_it_needs(parquet_out):
    look = head(parquet_out, 2, reason="length:chars<*")
    assert [d["id"] for d in look.documents] == ["short02", "short05"]
    # rejected by the first stage: the language stage's column is there, with no score
    assert set(look.documents[0]) == {"id", "url", "rejected_by", "reason", "language_score", "text"}
    assert look.documents[0]["language_score"] is None and look.documents[0]["text"] == "Click here."
    assert look.side == "rejected" and look.finished
    kept = head(parquet_out, 100)
    assert len(kept.documents) == len(read_rows(parquet_out / "kept")) and kept.score_columns == ["language_score"]
    assert all(set(d) == {"id", "url", "language_score", "text"} for d in kept.documents)


def test_head_escapes_control_characters(parquet_out):
    result = _head(parquet_out, "--reason", "length:*", "-n", "5")
    assert "\x1b" not in result.output and "\\x1b[31mred\\x1b[0m and a    tab" in result.output


def test_head_json_prints_whole_documents(parquet_out):
    result = CliRunner().invoke(main, ["head", str(parquet_out), "-n", "1", "--json"])
    assert result.exit_code == 0, result.output
    (doc,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert doc["id"] == "en00" and doc["text"].count("\n") == 13


@pytest.mark.parametrize("output_format", ["jsonl", "jsonl.gz"])
def test_head_reads_jsonl_outputs(tmp_path, output_format):
    out = _run(tmp_path, output_format)
    result = _head(out, "-n", "1", "--lines", "2", "--width", "24")
    assert result.exit_code == 0, result.output
    assert "── en00" in result.output and "language_score" in result.output
    zh = head(out, 1, stage="language").documents + head(out, 5).documents
    assert any(d["id"].startswith("zh") for d in zh)
    rejected = head(out, 10, reason="length:*").documents
    assert [d["id"] for d in rejected] == ["short02", "short05", "short08", "short11", "escape"]


def test_chinese_lines_are_cut_by_display_width(parquet_out):
    result = _head(parquet_out, "-n", "2", "--lines", "1", "--width", "20")
    line = next(x for x in result.output.splitlines() if x.startswith("   │ 第0段"))
    shown = line[len("   │ "):]
    assert shown.endswith("…") and sum(display_width(c) for c in shown) <= 20
    assert shorten_line("中文" * 20, 9) == ("中文中文…", True)  # 8 columns of characters, 1 of ellipsis
    assert shorten_line("short", 9) == ("short", False)
    cut = excerpt("a\nb\nc\n", 2, 10)
    assert cut.lines == ["a", "b"] and cut.more_lines == 1 and cut.truncated


def test_head_errors_name_the_directory(tmp_path, parquet_out):
    result = _head(tmp_path)
    assert result.exit_code == 2 and f"{tmp_path} is not the output directory of a corpuskit run" in result.output
    assert "Traceback" not in result.output
    missing = _head(tmp_path / "nowhere")
    assert missing.exit_code == 2 and "nowhere: no such directory" in missing.output
    with pytest.raises(CorpuskitError, match="is a file"):
        head(parquet_out / "stats.json")


def test_head_of_a_run_that_has_not_finished(tmp_path):
    out = _run(tmp_path, "parquet")
    (out / "stats.json").unlink()  # as while the run is going: the finished shards' files are in place
    result = _head(out, "-n", "1")
    assert result.exit_code == 0 and "── en00" in result.output and "has not finished" in result.output


def test_globs_pick_rows_by_arrow_as_fnmatch_does():
    batch = pa.record_batch({"reason": ["a:x", None, "b:y", "a:z"], "rejected_by": ["s1", "s1", "s2", "s2"]})
    assert Match({"reason": "a:*"}).indices(batch) == [0, 3]
    assert Match({"reason": "a:*", "rejected_by": "s2"}).indices(batch) == [3]
    assert Match({"reason": "*"}).indices(batch) == [0, 1, 2, 3]  # a missing reason is the empty string
    assert Match({"reason": "[ab]:?"}).indices(batch) == [0, 2, 3]
    assert Match({"absent": "x"}).indices(batch) == [] and Match({"absent": "*"}).indices(batch) == [0, 1, 2, 3]
    assert Match({"reason": "a:*"}).accepts({"reason": "a:q"}) and not Match({"reason": "a:*"}).accepts({})
