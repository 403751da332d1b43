"""The command line, driven in-process with click's runner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from corpuskit import __version__
from corpuskit.cli import main

from .conftest import write_pipeline


def test_help_and_version():
    runner = CliRunner()
    assert __version__ in runner.invoke(main, ["--version"]).output
    for args in (["--help"], ["run", "--help"], ["stats", "--help"], ["head", "--help"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0 and "Usage:" in result.output


def test_run_then_stats(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text("\n".join(json.dumps({"text": "w " * n}) for n in range(1, 30)) + "\n")
    path = write_pipeline(tmp_path, {"input": {"paths": ["in"]}, "output": "out",
                                     "stages": [{"length": {"min_words": 10}}]})
    runner = CliRunner()
    result = runner.invoke(main, ["run", str(path), "-w", "1"])
    assert result.exit_code == 0, result.output
    assert "length:words<10" in result.output and "kept 20 documents" in result.output
    result = runner.invoke(main, ["stats", str(tmp_path / "out")])
    assert result.exit_code == 0 and "length:words<10" in result.output
    data = json.loads(runner.invoke(main, ["stats", str(tmp_path / "out"), "--json"]).output)
    assert data["output"]["kept_docs"] == 20 and data["output"]["rejected_docs"] == 9


def test_run_with_a_limit_then_head(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text("\n".join(json.dumps({"text": f"w{n} " * n}) for n in range(1, 30)) + "\n")
    path = write_pipeline(tmp_path, {"input": {"paths": ["in"]}, "output": "out",
                                     "stages": [{"length": {"min_words": 10}}]})
    runner = CliRunner()
    result = runner.invoke(main, ["run", str(path), "-w", "1", "--limit", "12"])
    assert result.exit_code == 0, result.output
    assert "kept 3 documents" in result.output and "rejected 9" in result.output
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert stats["input"]["limit"]["documents"] == 12 and stats["stages"][0]["docs_in"] == 12
    result = runner.invoke(main, ["head", str(tmp_path / "out"), "-n", "1", "--width", "20"])
    assert result.exit_code == 0 and "── a.jsonl#9" in result.output and "│ w10 w10 w10 w10 w10…" in result.output
    result = runner.invoke(main, ["head", str(tmp_path / "out"), "--reason", "length:*", "-n", "2"])
    assert result.output.count("rejected by length: length:words<10") == 2


def test_errors_are_one_line_messages(tmp_path):
    path = write_pipeline(tmp_path, {"input": {"paths": ["nowhere"]}, "output": "out"})
    result = CliRunner().invoke(main, ["run", str(path)])
    assert result.exit_code == 2
    assert "error:" in result.output and "input.paths[0]: no such file or directory" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["stats", str(tmp_path)])
    assert result.exit_code == 2 and "has not finished" in result.output


def test_progress_line_shows_rates_and_eta():
    import io

    from corpuskit.progress import Progress

    stream = io.StringIO()
    p = Progress(enabled=True, stream=stream, interval=0)
    p.begin("demo", total_tasks=4, total_bytes=1_000_000)
    p.start -= 10  # pretend 10 s have passed
    p.update(5_000, 250_000, tasks_done=1, force=True)
    line = stream.getvalue()
    assert "demo  1/4 tasks  5,000 docs" in line
    assert "500 docs/s" in line and "0.0 MB/s" in line
    assert "ETA 00:30" in line  # a quarter of the bytes in 10 s: 30 s to go
    p.finish()
    assert stream.getvalue().endswith("\n")
    quiet = io.StringIO()
    q = Progress(enabled=False, stream=quiet)
    q.update(1, 1, force=True)
    q.finish()
    assert quiet.getvalue() == ""


def test_run_trains_and_prints_samples_after_the_stages(tmp_path):
    """`corpuskit run` on a file with train and generate sections: stages, then a GPT, then its samples."""
    docs = [{"id": f"d{i}", "text": "To be, or not to be, that is the question. 生存还是毁灭，这是一个问题。" * 3}
            for i in range(30)]
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))
    (tmp_path / "p.yaml").write_text(
        "input: docs.jsonl\noutput: {path: out}\nstages:\n  - tokenize: {kind: char}\n"
        "train: {n_layer: 1, n_head: 2, n_embd: 16, block_size: 16, batch_size: 4, max_iters: 6, eval_interval: 3,\n"
        "        eval_iters: 1, val_from: tail, run_dir: gpt}\n"
        "generate: {prompts: ['To be', '生存'], max_new_tokens: 8, seed: 3}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "p.yaml")])
    assert result.exit_code == 0, result.output
    assert "--- sample (prompt 'To be', seed 3) ---" in result.output
    assert "--- sample (prompt '生存', seed 4) ---" in result.output
    assert (tmp_path / "out" / "gpt" / "ckpt.npz").exists() and (tmp_path / "out" / "gpt" / "samples.jsonl").exists()
