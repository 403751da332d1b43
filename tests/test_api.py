"""The Python API and the command are one: ``corpuskit.run`` on a pipeline (file or dict) writes what
``corpuskit run`` writes, byte for byte (kept and rejected documents, stats but for timings, token shards,
tokenizer, checkpoint, samples), and ``-q`` changes only what is printed (the report is written too)."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

import corpuskit
from corpuskit.cli import main

from .conftest import comparable_stats, write_pipeline

WORDS = "river town hills sea spring water boats market bridge school morning winter harvest village road".split()


def _pipeline(tmp_path, out: str) -> dict:
    import random

    rnd = random.Random(17)
    (tmp_path / "in").mkdir(exist_ok=True)
    with open(tmp_path / "in" / "docs.jsonl", "w", encoding="utf-8") as fh:
        for i in range(80):
            text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 60))) + "."
            fh.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    return {"name": "api-check", "input": {"paths": [str(tmp_path / "in")], "id_field": "id"},
            "output": {"path": str(tmp_path / out)},
            "stages": [{"length": {"min_words": 10}}, {"exact_dedup": {}},
                       {"tokenize": {"kind": "char", "val_fraction": 0.2}}],
            "train": {"run_dir": "model", "n_layer": 1, "n_head": 2, "n_embd": 16, "block_size": 16,
                      "batch_size": 4, "max_iters": 12, "eval_interval": 6, "eval_iters": 2, "dropout": 0.0},
            "generate": {"prompts": ["river "], "max_new_tokens": 12},
            "executor": {"type": "local", "workers": 1}}


def _digest(out) -> dict:
    """Every file of a run but the ones that record times, by relative path; stats.json without timings."""
    files = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if not path.is_file() or rel.startswith(("_state", "_work")) or rel.endswith(".lock") or \
                rel in ("stats.json", "report.html", "report.json", "model/log.jsonl", "model/loss.svg"):
            continue
        files[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    files["stats.json"] = comparable_stats(json.loads((out / "stats.json").read_text(encoding="utf-8")))
    if (out / "report.json").exists():
        files["report.json"] = comparable_report(json.loads((out / "report.json").read_text(encoding="utf-8")))
    return files


def comparable_report(report: dict) -> dict:
    """report.json without what two runs of one pipeline differ in: the output path, times, speed."""
    keep = {k: v for k, v in report.items() if k not in ("run", "finished", "wall_seconds")}
    keep["funnel"] = [{k: v for k, v in f.items() if k != "seconds"} for f in report["funnel"]]
    if keep.get("training"):
        keep["training"] = {k: v for k, v in keep["training"].items() if k != "tokens_per_s"}
    return keep


def test_api_and_command_write_the_same_run(tmp_path):
    doc = _pipeline(tmp_path, "cli")
    path = write_pipeline(tmp_path, doc, name="p.yaml")
    result = CliRunner().invoke(main, ["run", str(path), "-q"])
    assert result.exit_code == 0, result.output
    # from a dict, and from the file with another output
    api = corpuskit.run({**doc, "output": {"path": str(tmp_path / "api")}})
    api_file = corpuskit.run(path, output=tmp_path / "api_file")
    a, b, c = _digest(tmp_path / "cli"), _digest(api.output), _digest(api_file.output)
    assert a == b == c
    assert any(k.startswith("kept/") for k in a) and "model/ckpt.npz" in a and "model/samples.jsonl" in a
    assert a["report.json"]["training"]["samples"] and a["report.json"]["funnel"]
    assert api.model is not None and api.model["step"] == 12 and api.model["samples"][0]["prompt"] == "river "
    assert api.stats["output"]["kept_docs"] > 30
    # -q wrote the report too: quiet changes only what is printed
    for out in (tmp_path / "cli", api.output):
        assert (out / "report.html").is_file() and (out / "report.json").is_file()
    assert api.report == api.output / "report.html"


def test_api_errors_are_corpuskit_errors(tmp_path):
    doc = _pipeline(tmp_path, "bad")
    with pytest.raises(corpuskit.CorpuskitError, match="unknown stage"):
        corpuskit.run({**doc, "stages": [{"no_such_stage": {}}]})
    with pytest.raises(corpuskit.CorpuskitError, match="inside"):
        corpuskit.run({**doc, "output": {"path": str(tmp_path / "in" / "out")}})
    assert not (tmp_path / "in" / "out").exists()


def test_config_from_dict_leaves_the_dict_alone(tmp_path):
    doc = _pipeline(tmp_path, "x")
    before = json.dumps(doc, sort_keys=True)
    config = corpuskit.config_from_dict(doc)
    assert json.dumps(doc, sort_keys=True) == before
    assert [s.name for s in config.stages] == ["length", "exact_dedup", "tokenize"] and config.train["max_iters"] == 12
