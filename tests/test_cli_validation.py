"""Command-line values that used to be accepted silently (or checked against the wrong thing) are clear errors:
-i/-o replace a pipeline's paths before it is validated; --skip and language codes are checked; remote
(scheme://) paths are refused before anything is written."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpuskit.cli import main
from corpuskit.recipe import load_config
from corpuskit.errors import ConfigError

from .conftest import ROOT, write_pipeline

DOCS = ["The quick brown fox jumps over the lazy dog near the river bank today.",
        "A completely different sentence about the weather and the long summer holidays.",
        "Numbers and letters make up most of the text in this third small document."]


def _docs(directory: Path, name: str = "a.jsonl") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in DOCS), encoding="utf-8")
    return path


def _invoke(args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


# --- 12: -i / -o are applied before the pipeline file is validated ------------------------------------------


def test_run_with_overrides_on_a_pipeline_copied_out_of_the_repository(tmp_path, monkeypatch):
    """A copy of a shipped pipeline, whose input.paths (sample-crawl/...) do not exist next to it, runs with -i/-o;
    -i/-o are relative to the current directory, and nothing is written where the file's output.path points."""
    recipes = tmp_path / "recipes"
    recipes.mkdir()
    shutil.copy(ROOT / "pipelines" / "dedup-only.yaml", recipes / "my.yaml")
    _docs(tmp_path / "pages")
    monkeypatch.chdir(tmp_path)
    code, output = _invoke(["run", "recipes/my.yaml", "-i", "pages/", "-o", "o", "-q"])
    assert code == 0, output
    assert "no such file" not in output
    stats = json.loads((tmp_path / "o" / "stats.json").read_text(encoding="utf-8"))
    assert stats["output"]["kept_docs"] == len(DOCS)
    assert not (tmp_path / "out").exists()  # the file's own output.path (../out/dedup-only) is not used


def test_web_en_copy_validates_against_the_effective_paths(tmp_path, monkeypatch):
    shutil.copy(ROOT / "pipelines" / "web-en.yaml", tmp_path / "web-en.yaml")
    with pytest.raises(ConfigError, match=r"web-en.yaml:\d+: input.paths\[0\]: no such file"):
        load_config(tmp_path / "web-en.yaml")  # without overrides, its own paths are still checked
    _docs(tmp_path / "pages")
    monkeypatch.chdir(tmp_path)
    config = load_config(tmp_path / "web-en.yaml", inputs=["pages"], output="o")
    assert config.inputs == [str(tmp_path / "pages")]
    assert config.output == str(tmp_path / "o")
    assert [s.name for s in config.stages][-1] == "tokenize"
    # relative paths inside the file still resolve against the file's directory
    (tmp_path / "sub").mkdir()
    write_pipeline(tmp_path / "sub", {"input": {"paths": ["../pages"]}, "output": "o2"}, "p.yaml")
    config = load_config(tmp_path / "sub" / "p.yaml")
    assert config.inputs == [str(tmp_path / "pages")] and config.output == str(tmp_path / "sub" / "o2")


def test_run_override_input_that_does_not_exist_is_named(tmp_path, monkeypatch):
    shutil.copy(ROOT / "pipelines" / "dedup-only.yaml", tmp_path / "my.yaml")
    monkeypatch.chdir(tmp_path)
    code, output = _invoke(["run", "my.yaml", "-i", "nowhere/", "-o", "o"])
    assert code == 2
    assert "nowhere" in output and "no such file or directory" in output and "-i/--input" in output
    assert "sample-crawl" not in output  # the file's own (replaced) paths are not what is reported
    assert not (tmp_path / "o").exists()


# --- 13: --skip, language codes ------------------------------------------------------------------------------


def test_clean_skip_unknown_stage_is_an_error_with_a_suggestion(tmp_path):
    data = _docs(tmp_path / "in")
    code, output = _invoke(["clean", data, "-o", tmp_path / "out", "--skip", "gopher_qualty", "-q"])
    assert code == 2, output
    assert "'gopher_qualty'" in output and "did you mean 'gopher_quality'" in output
    for name in ("extract", "language", "toxicity", "gopher_repetition", "c4", "fineweb", "quality"):
        assert name in output  # the valid names are listed
    assert "Traceback" not in output
    assert not (tmp_path / "out").exists()
    code, output = _invoke(["clean", data, "-o", tmp_path / "out", "--skip", "tokenize", "-q"])
    assert code == 2 and "'tokenize'" in output and "default chain" in output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("lang, suggestion", [("english", "en"), ("en,chinese", "zh"), ("mandarin", "zh"),
                                              ("EN", "en"), ("en-US", "en"), ("zh_CN", "zh"), ("jp", "ja"),
                                              ("englsh", "en")])
def test_clean_lang_name_is_an_error_suggesting_the_iso_code(tmp_path, lang, suggestion):
    data = _docs(tmp_path / "in")
    code, output = _invoke(["clean", data, "-o", tmp_path / "out", "--lang", lang, "-q"])
    assert code == 2, output
    bad = [x for x in lang.split(",") if x != "en"][0]
    assert f"unknown language {bad!r}" in output and f"did you mean {suggestion!r}" in output
    assert "--lang" in output and "ISO 639-1" in output
    assert not (tmp_path / "out").exists()


def test_pipeline_language_keep_is_checked_with_file_and_line(tmp_path):
    _docs(tmp_path / "in")
    path = tmp_path / "p.yaml"
    path.write_text("input: in\noutput: out\nstages:\n  - length: {}\n  - language:\n      keep: [en, chinese]\n",
                    encoding="utf-8")
    code, output = _invoke(["run", path])
    assert code == 2, output
    assert "p.yaml:6: stages[1].language.keep[1]: unknown language 'chinese'; did you mean 'zh'?" in output
    assert not (tmp_path / "out").exists()
    # a variety lid.176 reports but the default merge folds into zh would never be kept: also an error
    path.write_text("input: in\noutput: out\nstages:\n  - language: {keep: [yue]}\n", encoding="utf-8")
    code, output = _invoke(["run", path])
    assert code == 2 and "'yue' is merged into 'zh'" in output
    # ... unless the merge is switched off
    path.write_text("input: in\noutput: out\nstages:\n  - language: {keep: [yue, en], merge: {}}\n", encoding="utf-8")
    assert load_config(path).stages[0].params["keep"] == ["yue", "en"]


def test_language_codes_are_the_models_labels():
    import fasttext

    from corpuskit.stages.language import LID176_LANGUAGES, default_model_path

    labels = {label.removeprefix("__label__") for label in fasttext.load_model(default_model_path()).get_labels()}
    assert set(LID176_LANGUAGES) == labels and len(LID176_LANGUAGES) == 176


# --- 13: remote (scheme://) paths ----------------------------------------------------------------------------


def _pipeline_file(tmp_path: Path, inputs, output, name: str = "p.yaml") -> Path:
    return write_pipeline(tmp_path, {"input": {"paths": inputs}, "output": output, "stages": [{"length": {}}]},
                          name)


def _no_s3_credentials(monkeypatch, tmp_path):
    """No S3 credentials or endpoint: as on a machine where none is set up."""
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-role lookup on a machine without one
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    try:  # fsspec keeps one S3 client per process: not one a test before made for its own S3 server (and the one
        from s3fs import S3FileSystem  # made here without credentials is not kept for the tests after)

        S3FileSystem.clear_instance_cache()
        monkeypatch.setattr(S3FileSystem, "_cache", {})
    except ImportError:
        pass


@pytest.mark.parametrize("case", ["run -o", "clean -o", "dedup -o", "tokenize -o", "run -i", "clean INPUT",
                                  "dedup glob INPUT", "file input.paths", "file output.path", "run PIPELINE"])
def test_unreachable_remote_paths_fail_clearly_before_anything_is_written(tmp_path, monkeypatch, case):
    """Inputs and outputs may be URLs (tests/test_object_storage.py runs them against an S3 server); without
    credentials (none here) each is one clear error naming the URL, and nothing is written, no ./s3:/bucket/out.
    A pipeline file must still be local."""
    monkeypatch.chdir(tmp_path)
    _no_s3_credentials(monkeypatch, tmp_path)
    _docs(tmp_path / "in")
    before = _tree(tmp_path)
    url = "s3://ck-bucket/out" if case.endswith("-o") or "output" in case else "s3://ck-bucket/corpus"
    local = _pipeline_file(tmp_path, ["in"], "out")
    remote_in = _pipeline_file(tmp_path, ["in", url], "out", "p-in.yaml")
    remote_out = _pipeline_file(tmp_path, ["in"], url, "p-out.yaml")
    before |= {"p.yaml", "p-in.yaml", "p-out.yaml"}
    args = {
        "run -o": ["run", local, "-o", url],
        "clean -o": ["clean", "in", "-o", url],
        "dedup -o": ["dedup", "in", "-o", url],
        "tokenize -o": ["tokenize", "in", "-o", url],
        "run -i": ["run", local, "-i", url, "-o", "o"],
        "clean INPUT": ["clean", url, "-o", "o"],
        "dedup glob INPUT": ["dedup", "s3://ck-bucket/*.jsonl", "-o", "o"],
        "file input.paths": ["run", remote_in],
        "file output.path": ["run", remote_out],
        "run PIPELINE": ["run", "https://example.com/p.yaml", "-o", "o"],
    }[case]
    code, output = _invoke([*args, "-q"])
    assert code != 0, output
    assert "Traceback" not in output
    if case == "run PIPELINE":
        assert "remote paths (s3://, gs://, hf://, http(s)://) are not supported here" in output
    else:
        assert "ck-bucket" in output and "credentials" in output, output
    if case == "file output.path":
        assert f"{args[1].name}:" in output  # the file:line style
    assert _tree(tmp_path) == before  # no ./s3:/bucket/out, no o/, no out/


def test_a_local_file_with_a_colon_in_its_name_still_works(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _docs(tmp_path, "crawl:2024-01.jsonl")
    code, output = _invoke(["dedup", "crawl:2024-01.jsonl", "-o", "out:1", "-q"])
    assert code == 0, output
    assert json.loads((tmp_path / "out:1" / "stats.json").read_text())["output"]["kept_docs"] == len(DOCS)
    path = _pipeline_file(tmp_path, ["crawl:2024-01.jsonl"], "out:2")
    code, output = _invoke(["run", path, "-q"])
    assert code == 0, output


def test_report_to_a_remote_path_is_refused(tmp_path):
    from click.testing import CliRunner

    from corpuskit.cli import main

    result = CliRunner().invoke(main, ["report", str(tmp_path), "-o", "s3://bucket/report.html"])
    assert result.exit_code != 0 and "remote path" in result.output
    assert not Path("s3:").exists()


@pytest.mark.parametrize("args", [["s3://ck-bucket/tokens", "-o", "run"], ["TOKENS", "-o", "s3://ck-bucket/run"]])
def test_train_with_unreachable_remote_paths_fails_clearly(tmp_path, monkeypatch, args):
    from click.testing import CliRunner

    from corpuskit.cli import main

    monkeypatch.chdir(tmp_path)
    _no_s3_credentials(monkeypatch, tmp_path)
    (tmp_path / "TOKENS").mkdir()
    result = CliRunner().invoke(main, ["train", *args])
    assert result.exit_code != 0 and "ck-bucket" in result.output and "credentials" in result.output, result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["TOKENS"]  # nothing written, no local s3:/