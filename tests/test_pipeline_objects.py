"""A pipeline built from Python objects (``corpuskit.Pipeline`` with stage instances and a ``TrainConfig``) is the
same pipeline as the file with those sections: the same files, byte for byte. A stage class written in a user's
script, not registered, runs as an object in the workers of the local executor and of Dask."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

import corpuskit
from corpuskit.cli import main
from corpuskit.stages import ExactDedup, LanguageFilter, LengthFilter, Tokenize

from .conftest import ROOT, write_pipeline
from .test_api import _digest, _pipeline


def test_objects_and_file_write_the_same_run(tmp_path):
    doc = _pipeline(tmp_path, "cli")
    result = CliRunner().invoke(main, ["run", str(write_pipeline(tmp_path, doc, name="p.yaml")), "-q"])
    assert result.exit_code == 0, result.output
    train = {k: v for k, v in doc["train"].items() if k != "run_dir"}
    pipeline = corpuskit.Pipeline(
        [LengthFilter(min_words=10), ExactDedup(), Tokenize(kind="char", val_fraction=0.2)],
        input=doc["input"], output=tmp_path / "objects", name="api-check", executor=doc["executor"],
        train=corpuskit.TrainConfig(**train), generate=doc["generate"])
    objects = pipeline.run()
    assert _digest(tmp_path / "cli") == _digest(objects.output)
    assert objects.model["step"] == 12 and (objects.output / "report.html").is_file()


def test_stage_objects_keep_their_arguments_as_given():
    assert LengthFilter(5, min_words=3).params() == {"min_chars": 5, "min_words": 3}
    assert LanguageFilter(keep=["zh"]).params() == {"keep": ["zh"]}
    config = corpuskit.Pipeline([LanguageFilter(keep=["zh"]), "exact_dedup", {"length": {"min_chars": 9}}],
                                input=str(ROOT / "README.md"), output="/tmp/never-written").config()
    assert [(s.name, s.params) for s in config.stages] == [
        ("language", {"keep": ["zh"]}), ("exact_dedup", {}), ("length", {"min_chars": 9})]


def test_errors_name_the_stage_of_an_object(tmp_path):
    def config(*stages, **kw):
        return corpuskit.Pipeline(list(stages), input=str(ROOT / "README.md"), output=tmp_path / "o", **kw).config()

    with pytest.raises(corpuskit.CorpuskitError, match=r"stages\[1\]\.length\.min_chars: expected int"):
        config(ExactDedup(), LengthFilter(min_chars="9"))
    with pytest.raises(corpuskit.CorpuskitError, match=r"stages\[0\]: each stage is a one-key mapping"):
        config(object())
    with pytest.raises(corpuskit.CorpuskitError, match="training needs token shards"):
        config(ExactDedup(), train=corpuskit.TrainConfig())


SCRIPT = '''
import json, sys
import pyarrow as pa
import corpuskit


class ShortOut(corpuskit.Filter):  # a user's stage: at the script's top level, not registered
    name = "short_out"

    def __init__(self, min_chars: int = 30):
        self.min_chars = min_chars

    def output_fields(self):
        return [pa.field("short_out_chars", pa.int64())]

    def score(self, table):
        return {"short_out_chars": pa.array([len(t) for t in table.column("text").to_pylist()], pa.int64())}

    def decide(self, table):
        return [None if n >= self.min_chars else f"short_out:chars<{self.min_chars}"
                for n in table.column("short_out_chars").to_pylist()]


if __name__ == "__main__":
    corpus, out, executor = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    result = corpuskit.Pipeline([ShortOut(min_chars=40), corpuskit.stages.ExactDedup()],
                                input={"paths": [corpus], "id_field": "id", "shard_bytes": 1},
                                output=out, executor=executor).run(report=False)
    print(json.dumps(result.stats["output"]))
'''


@pytest.mark.parametrize("executor", [{"type": "local", "workers": 2}, {"type": "dask", "workers": 2}],
                         ids=["local-2-workers", "dask"])
def test_a_stage_class_of_a_script_runs_in_workers(tmp_path, executor):
    if executor["type"] == "dask":
        pytest.importorskip("distributed")
    (tmp_path / "in").mkdir()
    for f in range(4):  # four files: four shards, so both workers get some
        docs = [{"id": f"f{f}-{j}", "text": f"file {'abcd'[f]} " + ("word " * (j * 3)).strip()} for j in range(12)]
        (tmp_path / "in" / f"p{f}.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    script = tmp_path / "my_pipeline.py"
    script.write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "in"), str(tmp_path / "out"),
                           json.dumps(executor)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    stats = json.loads((tmp_path / "out" / "stats.json").read_text(encoding="utf-8"))
    short_out = next(s for s in stats["stages"] if s["name"] == "short_out")
    # "file a " + 3j words of 5 characters: j = 0, 1, 2 are under 40 characters, j = 3 .. 11 are kept
    assert short_out["docs_in"] == 48 and short_out["docs_kept"] == 36
    assert short_out["rejected_by_reason"] == {"short_out:chars<40": 12}
    assert stats["output"]["kept_docs"] == 36


def test_an_executor_object_runs_the_stages(tmp_path):
    from corpuskit.executors.local import LocalExecutor

    from .conftest import run_outputs

    (tmp_path / "in").mkdir()
    for f in range(3):
        docs = [{"id": f"f{f}-{j}", "text": f"file {'abc'[f]} " + "word " * j} for j in range(20)]
        (tmp_path / "in" / f"p{f}.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")

    def pipeline(out):
        return corpuskit.Pipeline([LengthFilter(min_words=8), ExactDedup()], output=tmp_path / out,
                                  input={"paths": [str(tmp_path / "in")], "id_field": "id", "shard_bytes": 300})

    one = pipeline("one").run(workers=1, report=False)
    two = pipeline("two").run(executor=LocalExecutor(workers=2), report=False)
    assert run_outputs(one.output)[:2] == run_outputs(two.output)[:2]
    assert two.stats["output"]["kept_docs"] == 3 * 14  # "file a" + j words: at least 8 words from j = 6
