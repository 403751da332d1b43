"""Untrusted configuration and artefacts: a pipeline file cannot run code or blow up on aliases, nesting or paths;
checkpoints load without pickle and broken ones are clear errors; output stays inside the output directory."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from corpuskit.recipe import load_config
from corpuskit.errors import ConfigError, CorpuskitError
from corpuskit.gpt.train import load_checkpoint

from .conftest import read_rows


def _yaml(tmp_path, text, name="p.yaml"):
    (tmp_path / "in.jsonl").write_text('{"text": "hello"}\n')
    path = tmp_path / name
    path.write_text(text)
    return path


class _Sentinel:
    """Unpickling this touches a file: proof that something was unpickled."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['touch {s}']",
                                 "!!python/object/new:builtins.open ['{s}', 'w']",
                                 "!!python/name:os.system"])
def test_pipeline_yaml_cannot_run_code(tmp_path, tag):
    sentinel = tmp_path / "pwned"
    path = _yaml(tmp_path, f"input: in.jsonl\noutput: {{path: out}}\nname: {tag.format(s=sentinel)}\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_config(path)
    assert not sentinel.exists()


def test_yaml_alias_bomb_and_deep_nesting_are_refused_quickly(tmp_path):
    import time

    levels = ["a: &a [" + ",".join(['"lol"'] * 10) + "]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")  # 10^9 values when expanded
    path = _yaml(tmp_path, "\n".join(levels) + "\ninput: in.jsonl\nstages:\n  - gopher_quality: {stop_words: *i}\n")
    t0 = time.time()
    with pytest.raises(ConfigError, match="alias bomb"):
        load_config(path)
    assert time.time() - t0 < 5
    deep = _yaml(tmp_path, "input: in.jsonl\nname: " + "[" * 20000 + "]" * 20000 + "\n", "deep.yaml")
    with pytest.raises(ConfigError):
        load_config(deep)


def test_model_run_dir_cannot_escape_the_output_directory(tmp_path):
    for bad in ("../elsewhere", "/etc", "~/x", "a/../../b"):
        path = _yaml(tmp_path, f"input: in.jsonl\noutput: {{path: out}}\nstages:\n  - tokenize: {{kind: char}}\n"
                           f"train: {{run_dir: '{bad}'}}\n")
        with pytest.raises(ConfigError, match="inside the output directory"):
            load_config(path)


def test_checkpoints_never_unpickle(tmp_path):
    sentinel = tmp_path / "pwned"
    evil = tmp_path / "evil.npz"
    objects = np.empty(1, dtype=object)
    objects[0] = _Sentinel(str(sentinel))
    np.savez(evil, header=np.frombuffer(b"{}", dtype=np.uint8), **{"param.wte": objects})
    assert pickle.dumps(_Sentinel(str(sentinel)))  # the payload is real
    with pytest.raises(CorpuskitError, match="not a corpuskit checkpoint"):
        load_checkpoint(evil)
    assert not sentinel.exists()
    cut = tmp_path / "cut.npz"
    np.savez(cut, header=np.frombuffer(b'{"step": 1}', dtype=np.uint8), **{"param.wte": np.zeros((50, 50))})
    cut.write_bytes(cut.read_bytes()[:300])
    with pytest.raises(CorpuskitError, match="not a corpuskit checkpoint"):
        load_checkpoint(cut)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(CorpuskitError, match="not a corpuskit checkpoint"):
        load_checkpoint(junk)


def test_document_ids_never_become_file_names(tmp_path):
    """Ids come from the data (id_field); output file names come from shard numbers only."""
    import json

    from corpuskit.runner import run_pipeline

    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"id": i, "text": f"document {n} text"}) + "\n"
                                               for n, i in enumerate(["../../escape", "/etc/passwd", "a/b"])))
    path = tmp_path / "p.yaml"
    path.write_text("input: {paths: [in.jsonl], id_field: id}\noutput: {path: out}\nstages:\n"
                    "  - length: {min_words: 1}\n")
    run_pipeline(load_config(path))
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert all(w.startswith("out/") for w in written - {"in.jsonl", "p.yaml"})
    assert not (tmp_path.parent / "escape").exists()


def test_links_out_of_a_named_directory_are_not_read(tmp_path):
    import json

    from corpuskit.runner import run_pipeline

    secret = tmp_path / "secret.jsonl"
    secret.write_text(json.dumps({"text": "private words that must not be read"}) + "\n")
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "ok.jsonl").write_text(json.dumps({"text": "public words one two three"}) + "\n")
    (data / "sub" / "inner.jsonl").symlink_to(data / "ok.jsonl")  # a link inside the directory: read
    (data / "leak.jsonl").symlink_to(secret)  # a link out of it: skipped and reported
    path = tmp_path / "p.yaml"
    path.write_text(f"input: {{paths: ['{data}']}}\noutput: {{path: '{tmp_path / 'out'}'}}\nstages:\n"
                    "  - length: {min_words: 1}\n")
    result = run_pipeline(load_config(path))
    texts = [r["text"] for r in read_rows(tmp_path / "out" / "kept")]
    assert texts == ["public words one two three"] * 2
    (skipped,) = result.stats["input"]["skipped_files"]
    assert "leak.jsonl" in skipped and "outside" in skipped
