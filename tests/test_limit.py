"""`--limit N` / `input.limit`: a trial on the first N documents of the inputs, in plan order. Exactly N are read
(reader rejects included), with any number of workers, the same ones every time; the rest is not read; stats.json
says so; a limited run is never resumed as a full one."""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

import corpuskit
from corpuskit.cli import main
from corpuskit.errors import ConfigError
from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline

from .conftest import read_rows, read_stats, write_pipeline

FILES, PER_FILE = 4, 6


def _inputs(tmp_path):
    """Four files of six documents; the second line of f0 is not JSON (a reader reject, which counts as read)."""
    root = tmp_path / "in"
    root.mkdir()
    for f in range(FILES):
        lines = [json.dumps({"id": f"f{f}-{i}", "text": "word " * (2 * i + 1)}) for i in range(PER_FILE)]
        if f == 0:
            lines[1] = "{not json"
        (root / f"f{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _pipeline(tmp_path, root, out, limit=None, name=None):
    inp = {"paths": [str(root)], "id_field": "id", "shard_bytes": 100}  # a few documents per shard: many shards
    if limit is not None:
        inp["limit"] = limit
    return write_pipeline(tmp_path, {"input": inp, "output": str(out), "executor": {"type": "local", "workers": 2},
                                     "stages": [{"length": {"min_words": 4}}]}, name=name or f"{out.name}.yaml")


def _ids(out):
    return sorted(r["id"] for side in ("kept", "rejected") for r in read_rows(out / side))


# the first ten documents in plan order: f0 (six, one of them invalid JSON: its id is path#index) and four of f1
FIRST_TEN = sorted(["f0-0", "f0.jsonl#1", "f0-2", "f0-3", "f0-4", "f0-5", "f1-0", "f1-1", "f1-2", "f1-3"])


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("limit")
    root = _inputs(tmp_path)
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        run_pipeline(load_config(_pipeline(tmp_path, root, out, limit=10)))
    return tmp_path, root, outs


def test_exactly_the_first_documents_are_read_with_two_workers(limited):
    _, _, (a, b) = limited
    stats = read_stats(a)
    assert stats["input"]["shards"] > 2  # several shards, run by two workers
    assert stats["stages"][0]["docs_in"] == 10
    assert _ids(a) == FIRST_TEN == _ids(b)  # the same documents every time
    assert stats["input"]["limit"] == {"documents": 10, "reached": True, "files_read": 2, "files_not_read": 2}
    assert stats["input"]["files"] == FILES  # every input is still planned (and checked on a resume)


def test_every_document_read_is_accounted_for(limited):
    _, _, (a, _) = limited
    stats = read_stats(a)
    read, length = stats["stages"]
    assert read["docs_in"] == read["docs_kept"] + read["docs_rejected"] == 10
    assert read["rejected_by_reason"] == {"read:invalid-json": 1}
    assert length["docs_in"] == 9 == length["docs_kept"] + length["docs_rejected"]
    assert stats["output"]["kept_docs"] + stats["output"]["rejected_docs"] == 10
    assert len(read_rows(a / "kept")) == stats["output"]["kept_docs"]


def test_a_full_run_in_the_same_directory_is_refused_then_starts_over_with_force(limited):
    tmp_path, root, (a, _) = limited
    full_file = _pipeline(tmp_path, root, a, name="a-full.yaml")
    full = load_config(full_file)
    assert full.fingerprint() != load_config(tmp_path / "a.yaml").fingerprint()
    result = CliRunner().invoke(main, ["run", str(tmp_path / "a.yaml"), "--limit", "12"])
    assert result.exit_code == 2 and "holds a run of the first 10 documents, this one is of the first 12" in \
        result.output
    result = CliRunner().invoke(main, ["run", str(full_file)])
    assert result.exit_code == 2 and "this one is of every document" in result.output and "--force" in result.output
    stats = run_pipeline(full, force=True).stats
    assert stats["stages"][0]["docs_in"] == FILES * PER_FILE and stats["input"]["limit"] is None
    assert "max_docs" not in json.dumps(json.loads((a / "_state" / "plan.json").read_text()))


def test_a_limited_run_resumes_to_the_same_output(tmp_path):
    root = _inputs(tmp_path)
    out = tmp_path / "out"
    config = load_config(_pipeline(tmp_path, root, out, limit=10))
    run_pipeline(config)
    before = _ids(out)
    (out / "stats.json").unlink()
    markers = sorted((out / "_state").glob("s00-t*.json"))
    markers[-1].unlink()  # as if the run had died before the last shard
    assert run_pipeline(config).stats["stages"][0]["docs_in"] == 10 and _ids(out) == before


def test_a_limit_above_the_input_reads_everything(tmp_path):
    root = _inputs(tmp_path)
    stats = run_pipeline(load_config(_pipeline(tmp_path, root, tmp_path / "out", limit=1000))).stats
    assert stats["stages"][0]["docs_in"] == FILES * PER_FILE
    assert stats["input"]["limit"] == {"documents": 1000, "reached": False, "files_read": 4, "files_not_read": 0}


def test_the_command_line_and_the_api(tmp_path):
    root = _inputs(tmp_path)
    stages = tmp_path / "stages.yaml"
    stages.write_text("stages:\n  - length: {min_words: 4}\n", encoding="utf-8")
    args = ["clean", str(root), "-o", str(tmp_path / "clean"), "--id-field", "id", "--stages", str(stages),
            "--limit", "7", "-w", "2"]
    printed = CliRunner().invoke(main, [*args, "--print-pipeline"])
    assert printed.exit_code == 0 and "limit: 7" in printed.output
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert read_stats(tmp_path / "clean")["stages"][0]["docs_in"] == 7
    api = corpuskit.run({"input": {"paths": [str(root)], "limit": 3}, "output": str(tmp_path / "api"),
                         "stages": [{"length": {"min_words": 4}}]}, workers=1, report=False)
    assert api.stats["stages"][0]["docs_in"] == 3 and api.stats["input"]["limit"]["documents"] == 3
    doc = {"input": {"paths": [str(root)]}, "output": str(tmp_path / "api_arg"), "stages": [{"length": {}}]}
    config = corpuskit.config_from_dict(doc)
    by_argument = corpuskit.run(config, limit=5, workers=1, report=False)
    assert by_argument.stats["stages"][0]["docs_in"] == 5 and config.reader.limit is None  # the config is unchanged
    with pytest.raises(corpuskit.CorpuskitError, match="limit"):
        corpuskit.run(doc, limit=0)


@pytest.mark.parametrize("value", [0, -3, "ten", True, 2.5])
def test_a_limit_must_be_a_positive_number(tmp_path, value):
    root = _inputs(tmp_path)
    with pytest.raises(ConfigError, match=r"input\.limit"):
        load_config(_pipeline(tmp_path, root, tmp_path / "out", limit=value))


def test_the_documents_after_the_limit_are_not_read(tmp_path):
    """A file after the limit is never opened: a truncated one there is no error of a limited run."""
    root = _inputs(tmp_path)
    blob = gzip.compress("".join(json.dumps({"id": f"late{i}", "text": f"x {i * i}"}) + "\n"
                                 for i in range(5000)).encode())
    (root / "zz-late.jsonl.gz").write_bytes(blob[: len(blob) // 2])
    limited = run_pipeline(load_config(_pipeline(tmp_path, root, tmp_path / "limited", limit=5))).stats
    assert limited["errors"] == [] and limited["stages"][0]["docs_in"] == 5
    assert limited["input"]["limit"]["files_read"] == 1 and limited["input"]["limit"]["files_not_read"] == 4
    full = run_pipeline(load_config(_pipeline(tmp_path, root, tmp_path / "full"))).stats
    assert [e["file"] for e in full["errors"]] == ["zz-late.jsonl.gz"]
