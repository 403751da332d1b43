"""Pipeline YAML validation: every error names the key and the line."""

from __future__ import annotations

import pytest

from corpuskit.config import parse_size
from corpuskit.recipe import load_config
from corpuskit.errors import ConfigError


def write(tmp_path, text):
    (tmp_path / "data.jsonl").write_text('{"text": "x"}\n')
    p = tmp_path / "p.yaml"
    p.write_text(text)
    return p


GOOD = """\
name: ok
input:
  paths: [data.jsonl]
  shard_bytes: 64MiB
output:
  path: out
  max_rows_per_shard: 5000
stages:
  - length: {min_chars: 10}
  - length
executor:
  type: local
  workers: 2
"""


def test_good_config_resolves_paths_against_the_file(tmp_path):
    cfg = load_config(write(tmp_path, GOOD))
    assert cfg.inputs == [str(tmp_path / "data.jsonl")]
    assert cfg.output == str(tmp_path / "out")
    assert cfg.reader.shard_bytes == 64 * 1024**2
    assert [(s.name, s.params) for s in cfg.stages] == [("length", {"min_chars": 10}), ("length", {})]
    assert cfg.executor == {"type": "local", "workers": 2}


@pytest.mark.parametrize("text, expected", [
    (GOOD.replace("  workers: 2", "  workers: 2\n  wrokers: 3"), r"p.yaml:14: executor.wrokers: unknown key"),
    (GOOD.replace("name: ok", "name: ok\nstagse: []"), r"p.yaml:2: stagse: unknown key"),
    (GOOD.replace("min_chars: 10", "min_chars: ten"), r"p.yaml:9: stages\[0\].length.min_chars: expected int"),
    (GOOD.replace("min_chars: 10", "min_char: 10"), r"p.yaml:9: stages\[0\].length.min_char: unknown parameter"),
    (GOOD.replace("- length\n", "- lenght\n"), r"p.yaml:10: stages\[1\]: unknown stage 'lenght'"),
    (GOOD.replace("data.jsonl]", "missing.jsonl]"), r"p.yaml:3: input.paths\[0\]: no such file"),
    (GOOD.replace("shard_bytes: 64MiB", "shard_bytes: lots"), r"p.yaml:4: input.shard_bytes: expected a size"),
    (GOOD.replace("workers: 2", "workers: 0"), r"p.yaml:13: executor.workers: expected a positive integer"),
    (GOOD.replace("type: local", "type: spark"), r"p.yaml:12: executor.type: unknown executor"),
    (GOOD.replace("  path: out\n", ""), r"output.path: expected a directory path"),
    ("input: [data.jsonl]\n", r"p.yaml:1: pipeline: missing key 'output'"),
    ("input: [data.jsonl\noutput: out\n", r"p.yaml:2: invalid YAML"),
    ("input: !!python/object/apply:os.system ['echo hi']\noutput: out\n", r"p.yaml:1: invalid YAML"),
])
def test_errors_name_key_and_line(tmp_path, text, expected):
    with pytest.raises(ConfigError, match=expected):
        load_config(write(tmp_path, text))


def test_parse_size():
    assert parse_size(10) == 10
    assert parse_size("1.5 GB") == 1_500_000_000
    assert parse_size("256MiB") == 256 * 1024**2
    with pytest.raises(ValueError):
        parse_size("many")


def _pipeline(tmp_path, body: str):
    (tmp_path / "in.jsonl").write_text('{"text": "hello"}\n')
    path = tmp_path / "p.yaml"
    path.write_text("input: in.jsonl\noutput: {path: out}\n" + body)
    return path


def test_train_and_generate_sections_are_validated(tmp_path):
    from corpuskit.recipe import load_config
    from corpuskit.errors import ConfigError

    ok = load_config(_pipeline(tmp_path, "stages:\n  - tokenize: {kind: char}\ntrain: {max_iters: 5}\n"
                                         "generate: {prompts: hi}\n"))
    assert ok.train == {"run_dir": "model", "max_iters": 5}
    assert ok.generate["prompts"] == ["hi"] and ok.generate["max_new_tokens"] == 200
    assert ok.generate["window"] == "slide"
    bad = {
        "stages:\n  - exact_dedup: {}\ntrain: {max_iters: 5}\n": "tokenize stage",
        "stages:\n  - tokenize: {}\ntrain:\n  max_iters: five\n": r"p.yaml:6: train.max_iters: expected int",
        "stages:\n  - tokenize: {}\ntrain:\n  nlayers: 2\n": "unknown key",
        "stages:\n  - tokenize: {}\ntrain: {run_dir: ../escape}\n": "inside the output directory",
        "stages:\n  - tokenize: {}\ntrain: {run_dir: /tmp/x}\n": "inside the output directory",
        "stages:\n  - tokenize: {}\ngenerate: {prompts: [a]}\n": "needs a train section",
        "stages:\n  - tokenize: {}\ntrain: {}\ngenerate: {top_p: 2}\n": "top_p",
        "stages:\n  - tokenize: {}\ntrain: {}\ngenerate: {window: full}\n": "generate.window",
        "stages:\n  - tokenize: {}\ntrain: {val_from: head}\n": "val_from",
    }
    for body, message in bad.items():
        with pytest.raises(ConfigError, match=message):
            load_config(_pipeline(tmp_path, body))


def test_numbers_in_e_notation_are_numbers(tmp_path):
    """PyYAML reads YAML 1.1, where ``3e-4`` (no dot) is a string: a learning rate written the usual way was a type
    error. Pipeline files and ``--set`` read it as YAML 1.2 and JSON do."""
    from corpuskit.config import yaml_value

    ok = load_config(_pipeline(tmp_path, "stages:\n  - tokenize: {kind: char}\ntrain: {max_iters: 5, lr: 3e-4, "
                                         "min_lr: 1E-5}\n"))
    assert ok.train["lr"] == pytest.approx(3e-4) and ok.train["min_lr"] == pytest.approx(1e-5)
    assert [yaml_value(v) for v in ("3e-3", "-2.5e+3", "1.0", "12", ".inf")] == [0.003, -2500.0, 1.0, 12, float("inf")]
    assert [yaml_value(v) for v in ("1e", "e5", "3e-3x", "v1e5")] == ["1e", "e5", "3e-3x", "v1e5"]
