"""corpuskit ablate: shared stages once, one tokenizer, equal token budgets, seeds, bits per byte, resume."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from corpuskit.ablate import parse_ablation, run_ablation, summarise
from corpuskit.errors import ConfigError

GOOD = ("The river runs past the old mill and the children walk along its bank to school every morning. "
        "In the evening the farmers bring their cattle down to drink, and the miller counts his sacks of flour. ")


def _corpus(tmp_path):
    rng = np.random.default_rng(0)
    words = GOOD.split()
    docs = []
    for i in range(120):
        if i % 3 == 0:  # junk: short lines of shuffled words and symbols, rejected by gopher_quality
            text = "\n".join(" ".join(rng.permutation(words)[:4]) + " $$ ##" for _ in range(6))
        else:
            text = " ".join(GOOD for _ in range(2))
        docs.append({"id": f"d{i}", "text": text})
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    (tmp_path / "ref.jsonl").write_text("".join(json.dumps({"text": GOOD * 2}) + "\n" for _ in range(5)))


def _file(tmp_path, **over):
    spec = {"input": {"paths": ["docs.jsonl"], "id_field": "id"}, "output": "out",
            "stages": [{"length": {"min_chars": 10}}, "gopher_quality"], "executor": {"workers": 1},
            "ablations": {"variants": {"raw": {"only": ["length"]}, "full": {}},
                          "tokenizer": {"vocab_size": 300}, "budget_tokens": 3000, "seeds": [1, 2],
                          "train": {"n_layer": 1, "n_head": 2, "n_embd": 16, "block_size": 16, "batch_size": 4,
                                    "warmup_iters": 0, "lr": 0.003},
                          "references": {"good": "ref.jsonl"}}}
    spec["ablations"].update(over)
    path = tmp_path / "ablation.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def _load(path, output=None):
    return parse_ablation(yaml.safe_load(path.read_text()), path.parent, output)


def test_ablation_runs_variants_on_one_tokenizer_and_equal_budgets(tmp_path):
    _corpus(tmp_path)
    ablation = _load(_file(tmp_path))
    assert ablation.shared_stages() == [("length", {"min_chars": 10})]
    result = run_ablation(ablation, log=lambda m: None)
    out = tmp_path / "out"
    rows = {r["variant"]: r for r in result.rows}
    assert set(rows) == {"raw", "full"}
    # shared stage ran once; gopher_quality only in the full variant
    assert (out / "shared" / "kept").is_dir()
    assert rows["raw"]["docs_kept"] == 120 and rows["full"]["docs_kept"] < 120
    # one tokenizer: every variant's token directory carries the same file
    tok = (out / "tokenizer" / "tokenizer.json").read_bytes()
    for name in rows:
        assert (out / "variants" / name / "tokenizer.json").read_bytes() == tok
    # equal budgets: the same number of steps of the same size for every variant and seed
    steps = {_step(out / "variants" / n / f"seed-{s}") for n in rows for s in (1, 2)}
    assert steps == {int(np.ceil(3000 / (4 * 16)))}
    for row in rows.values():
        assert row["tokens_drawn"] >= min(3000, row["tokens_kept"])
        assert row["epochs"] == pytest.approx(3000 / row["tokens_drawn"], rel=1e-3)
        assert set(row["bpb"]["good"]) == {"mean", "sd", "values"} and len(row["bpb"]["good"]["values"]) == 2
        assert all(0 < v < 20 for v in row["bpb"]["good"]["values"])
    saved = json.loads((out / "ablations.json").read_text())
    assert [r["variant"] for r in saved["rows"]] == ["raw", "full"] and saved["baseline"] == "raw"
    assert "bits/byte" in result.table()


def _step(run_dir):
    from corpuskit.gpt.train import load_checkpoint

    header, _, _, _ = load_checkpoint(run_dir / "ckpt.npz")
    return header["step"]


def test_an_interrupted_ablation_resumes_to_the_same_result(tmp_path, monkeypatch):
    """The uninterrupted run has its models trained as tasks of a pool of 2 workers, the interrupted one in this
    process: the same table either way."""
    import corpuskit.ablate as ablate

    _corpus(tmp_path)
    path = _file(tmp_path)
    lines = []
    full = run_ablation(_load(path, str(tmp_path / "whole")), workers=2, log=lines.append)
    assert any("4 models (2 variants x 2 seeds)" in line and "2 workers" in line for line in lines), lines
    calls = []
    real = ablate._train

    def dies_on_the_third(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(ablate, "_train", dies_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        run_ablation(_load(path, str(tmp_path / "cut")), log=lambda m: None)
    monkeypatch.setattr(ablate, "_train", real)
    again = run_ablation(_load(path, str(tmp_path / "cut")), log=lambda m: None)
    for a, b in zip(full.rows, again.rows):
        assert a["variant"] == b["variant"] and a["docs_kept"] == b["docs_kept"]
        assert a["bpb"]["good"]["values"] == pytest.approx(b["bpb"]["good"]["values"], rel=1e-6)


def test_models_as_dask_tasks_give_the_in_process_table(tmp_path):
    pytest.importorskip("distributed")
    _corpus(tmp_path)
    path = _file(tmp_path)
    here = run_ablation(_load(path, str(tmp_path / "here")), log=lambda m: None)
    spec = yaml.safe_load(path.read_text())
    spec["executor"] = {"type": "dask", "workers": 2}
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    lines = []
    dask = run_ablation(_load(path, str(tmp_path / "dask")), log=lines.append)
    assert any("on the dask executor (2 workers)" in line for line in lines), lines
    for a, b in zip(here.rows, dask.rows):
        assert a["variant"] == b["variant"] and a["docs_kept"] == b["docs_kept"]
        assert a["bpb"]["good"]["values"] == pytest.approx(b["bpb"]["good"]["values"], rel=1e-6)


def test_ablation_file_errors(tmp_path):
    _corpus(tmp_path)
    bad = {
        "variants": ({"only": {"only": ["length"]}}, "at least two"),
        "seeds": ([1], "at least two"),
        "budget_tokens": (0, "budget_tokens"),
        "baseline": ("nope", "not a variant"),
        "train": ({"max_iters": 5}, "set by the ablation"),
    }
    for key, (value, message) in bad.items():
        with pytest.raises(ConfigError, match=message):
            _load(_file(tmp_path, **{key: value}))
    with pytest.raises(ConfigError, match="not among the stages"):
        _load(_file(tmp_path, variants={"a": {"drop": ["toxicity"]}, "b": {}}))


def test_summary_marks_differences_within_the_seed_spread():
    rows = [{"variant": "raw", "scores": {1: {"x": 2.0}, 2: {"x": 2.2}}},
            {"variant": "a", "scores": {1: {"x": 1.5}, 2: {"x": 1.52}}},
            {"variant": "b", "scores": {1: {"x": 2.0}, 2: {"x": 2.1}}}]
    out = {r["variant"]: r for r in summarise(rows, ["x"], "raw")}
    assert out["a"]["vs_baseline"]["x"]["diff"] == pytest.approx(-0.59)
    assert out["a"]["vs_baseline"]["x"]["within_spread"] is False
    assert out["b"]["vs_baseline"]["x"]["within_spread"] is True
    assert out["raw"]["bpb"]["x"]["sd"] == pytest.approx(np.std([2.0, 2.2], ddof=1))


def test_ablate_command(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from corpuskit.cli import main

    _corpus(tmp_path)
    path = _file(tmp_path)
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    res = CliRunner().invoke(main, ["ablate", str(path), "-o", "cli", "-w", "1"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "here" / "cli" / "ablations.json").exists()  # -o is relative to the current directory
    assert "good bits/byte" in res.output and "raw" in res.output and "ablations.json" in res.output
    res = CliRunner().invoke(main, ["ablate", str(path), "-o", str(tmp_path / "here" / "cli"), "--json"])  # done
    rows = json.loads(res.output.strip().splitlines()[-1])
    assert [r["variant"] for r in rows] == ["raw", "full"]
    (tmp_path / "plain.yaml").write_text("input: docs.jsonl\noutput: x\nstages: [length]\n")
    res = CliRunner().invoke(main, ["ablate", str(tmp_path / "plain.yaml")])
    assert res.exit_code == 2 and "ablations:" in res.output


@pytest.mark.parametrize("where", ["column", "meta"])
def test_budget_draw_keeps_the_language_mix(tmp_path, where):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from corpuskit.ablate import _budget_draw, _tokens_by_language, plan_budget

    vdir = tmp_path / "v"
    (vdir / "kept").mkdir(parents=True)
    rng = np.random.default_rng(0)
    n = rng.integers(5, 20, 400)
    langs = ["en" if i % 5 else "zh" for i in range(400)]  # 80 % of the documents English
    columns = {"id": [f"d{i}" for i in range(400)], "tokens": [[1] * int(k) for k in n], "n_tokens": n.astype(np.int32)}
    if where == "column":
        columns["language"] = langs
    else:
        columns["meta"] = [json.dumps({"language": lg}) for lg in langs]
    pq.write_table(pa.table(columns), vdir / "kept" / "part-0.parquet")
    (vdir / "meta.json").write_text(json.dumps({"files": ["kept/part-0.parquet"]}))
    (vdir / "tokenizer.json").write_text("{}")
    available = {"v": _tokens_by_language(vdir, True), "other": {"en": 10**6, "zh": 10**6, "de": 50}}
    amounts, cut = plan_budget(available, 1000, {"zh": 0.5, "en": 0.4, "de": 0.1})
    assert cut is None and amounts == {"zh": 556, "en": 444}  # no German in v: renormalised over en and zh
    got = _budget_draw(vdir, amounts, 1000, seed=0)
    by = got["tokens_drawn_by_language"]
    assert 556 <= by["zh"] < 556 + 20 and 444 <= by["en"] < 444 + 20
    drawn = pq.read_table(vdir / "budget" / "kept")
    assert drawn.column("n_tokens").to_numpy().sum() == got["tokens_drawn"] == by["en"] + by["zh"]
    assert set(drawn.column("split").to_pylist()) == {"train"}
    assert _budget_draw(vdir, amounts, 1000, seed=0) == got  # seeded: the same draw on a re-run


def test_the_budget_is_cut_to_what_every_variant_has():
    from corpuskit.ablate import plan_budget

    available = {"raw": {"en": 1000, "zh": 600}, "clean": {"en": 500, "zh": 550}}
    amounts, cut = plan_budget(available, 1000, {"en": 0.7, "zh": 0.3})
    assert amounts == {"en": 500, "zh": 300}  # English cut to the clean variant's 500; Chinese as the mix asks
    assert "en 700 -> 500" in cut and "'clean'" in cut and "1.25 epochs" in cut
    amounts, cut = plan_budget({"a": {"*": 800}, "b": {"*": 2000}}, 1000, None)
    assert amounts == {"*": 800} and "'a'" in cut
    assert plan_budget({"a": {"*": 5000}}, 1000, None) == ({"*": 1000}, None)


def test_a_changed_budget_trains_the_models_again(tmp_path):
    _corpus(tmp_path)
    path = _file(tmp_path)
    first = run_ablation(_load(path), log=lambda m: None)
    lines = []
    path2 = _file(tmp_path, budget_tokens=2000)
    second = run_ablation(_load(path2), log=lines.append)
    assert any("training its models again" in line for line in lines)
    assert _step(tmp_path / "out" / "variants" / "raw" / "seed-1") == int(np.ceil(2000 / 64))
    assert first.rows[0]["bpb"] != second.rows[0]["bpb"]
