"""Training the NumPy GPT: loss falls below the unigram entropy; resuming gives the uninterrupted run's losses."""

from __future__ import annotations

import json

import numpy as np
import pytest

from corpuskit.errors import CorpuskitError
from corpuskit.gpt.optim import AdamW, lr_at
from corpuskit.gpt.train import TrainConfig, load_checkpoint, train
from corpuskit.tokenizer import train_char

TEXT = ("First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n"
        "First Citizen:\nYou are all resolved rather to die than to famish?\n\nAll:\nResolved. resolved.\n\n") * 60


def _token_dir(tmp_path, text=TEXT):
    """A token directory as `corpuskit tokenize --kind char` writes it, for one document."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from corpuskit.tokenizer import describe

    tok = train_char([text])
    ids = tok.encode(text).ids + [0]
    out = tmp_path / "tokens"
    (out / "kept").mkdir(parents=True)
    pq.write_table(pa.table({"id": ["doc"], "tokens": pa.array([ids], pa.list_(pa.uint16())),
                             "n_tokens": [len(ids)], "split": ["train"]}), out / "kept" / "part-0.parquet")
    tok.save(str(out / "tokenizer.json"))
    meta = {"tokenizer": describe(tok).as_dict(), "files": ["kept/part-0.parquet"],
            "columns": {"tokens": "tokens", "n_tokens": "n_tokens", "split": "split"}}
    (out / "meta.json").write_text(json.dumps(meta))
    return out, np.array(ids)


SMALL = dict(n_layer=2, n_head=2, n_embd=32, block_size=32, batch_size=8, lr=3e-3, min_lr=3e-4, warmup_iters=10,
             val_from="tail", val_fraction=0.1, eval_iters=4, log_interval=5)


def test_lr_schedule_and_adamw():
    assert lr_at(0, 1.0, 0.1, 10, 100) == pytest.approx(1 / 11)
    assert lr_at(10, 1.0, 0.1, 10, 100) == pytest.approx(1.0)
    assert lr_at(55, 1.0, 0.1, 10, 100) == pytest.approx(0.55)
    assert lr_at(200, 1.0, 0.1, 10, 100) == 0.1
    # one AdamW step by the formula (torch.optim.AdamW semantics)
    p = {"w": np.array([[1.0, -2.0]]), "b": np.array([0.5])}
    g = {"w": np.array([[0.1, 0.3]]), "b": np.array([-0.2])}
    opt = AdamW(p, lr=0.1, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.5)
    opt.step(g)
    w = np.array([[1.0, -2.0]]) * (1 - 0.1 * 0.5)
    m, v = 0.1 * g["w"], 0.01 * g["w"] ** 2
    expected = w - 0.1 * (m / 0.1) / (np.sqrt(v / 0.01) + 1e-8)
    np.testing.assert_allclose(p["w"], expected)
    np.testing.assert_allclose(p["b"], [0.5 - 0.1 * (-1.0)], rtol=1e-6)  # no decay on a vector


def test_loss_falls_well_below_the_unigram_entropy(tmp_path):
    tokens, ids = _token_dir(tmp_path)
    counts = np.bincount(ids)
    p = counts[counts > 0] / counts.sum()
    entropy = float(-(p * np.log(p)).sum())
    result = train(tokens, tmp_path / "run", TrainConfig(**SMALL, max_iters=300, eval_interval=100), log=lambda m: None)
    assert result.val_loss < entropy - 1.0, (result.val_loss, entropy)
    assert (tmp_path / "run" / "loss.svg").read_text().startswith("<svg")
    log = [json.loads(x) for x in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    assert {"loss", "lr", "grad_norm", "tokens_per_s", "mfu"} <= set(log[1])


@pytest.mark.parametrize("threads", [1, 3])
def test_resume_reproduces_the_uninterrupted_run(tmp_path, threads):
    """With one part per batch and with three uneven parts on a thread pool (dropout on: per-part generators)."""
    tokens, _ = _token_dir(tmp_path)
    cfg = TrainConfig(**SMALL, max_iters=30, eval_interval=10, dropout=0.1, threads=threads)
    full = train(tokens, tmp_path / "full", cfg, log=lambda m: None)
    first = train(tokens, tmp_path / "cut", cfg, log=lambda m: None, stop_after=17)
    assert first.step == 17
    second = train(tokens, tmp_path / "cut", cfg, log=lambda m: None)
    assert second.step == 30
    assert second.history == full.history or [(h["step"], h.get("loss"), h.get("val_loss")) for h in second.history] \
        == [(h["step"], h.get("loss"), h.get("val_loss")) for h in full.history]
    _, a, _, _ = load_checkpoint(tmp_path / "full" / "ckpt.npz")
    _, b, _, _ = load_checkpoint(tmp_path / "cut" / "ckpt.npz")
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


def test_resume_redoes_the_log_lines_after_the_checkpoint(tmp_path):
    """Lines logged after the last checkpoint (a crash before the next one), a torn one among them, are redone."""
    tokens, _ = _token_dir(tmp_path)
    cfg = TrainConfig(**SMALL, max_iters=20, eval_interval=10)
    full = train(tokens, tmp_path / "full", cfg, log=lambda m: None)
    train(tokens, tmp_path / "cut", cfg, log=lambda m: None, stop_after=12)
    with open(tmp_path / "cut" / "log.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"step": 15, "loss": 99.0}) + "\n" + '{"step": 20, "lo')
    second = train(tokens, tmp_path / "cut", cfg, log=lambda m: None)
    assert [(h["step"], h.get("loss"), h.get("val_loss")) for h in second.history] == \
        [(h["step"], h.get("loss"), h.get("val_loss")) for h in full.history]
    lines = [json.loads(line) for line in (tmp_path / "cut" / "log.jsonl").read_text().splitlines()]
    assert [h["step"] for h in lines] == [h["step"] for h in full.history]


def test_clear_errors(tmp_path):
    short, _ = _token_dir(tmp_path / "short", TEXT[:60])
    with pytest.raises(CorpuskitError, match="block_size"):
        train(short, tmp_path / "r1", TrainConfig(**{**SMALL, "block_size": 512}), log=lambda m: None)
    tokens, _ = _token_dir(tmp_path)
    with pytest.raises(CorpuskitError, match="GiB"):
        train(tokens, tmp_path / "r2", TrainConfig(**{**SMALL, "block_size": 8, "batch_size": 10**7}),
              log=lambda m: None)
    with pytest.raises(CorpuskitError, match="meta.json"):
        train(tmp_path / "nowhere", tmp_path / "r3", TrainConfig(), log=lambda m: None)
    tokens2, _ = _token_dir(tmp_path / "other", TEXT.upper())
    small = TrainConfig(**{**SMALL, "block_size": 8, "max_iters": 2, "eval_interval": 1})
    train(tokens, tmp_path / "r4", small, log=lambda m: None)
    with pytest.raises(CorpuskitError, match="tokenizer"):
        train(tokens2, tmp_path / "r4", small, log=lambda m: None)


def test_train_and_generate_commands_english_and_chinese(tmp_path):
    from click.testing import CliRunner

    from corpuskit.cli import main

    runner = CliRunner()
    docs = tmp_path / "docs.jsonl"
    zh = "孙悟空道：师父，前面有座高山，我们过去看看。八戒说：猴哥，我饿了。"
    docs.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in [TEXT[:2000], zh * 40] * 3))
    res = runner.invoke(main, ["tokenize", str(docs), "-o", str(tmp_path / "tok"), "--vocab-size", "400",
                               "--val-fraction", "0", "-w", "1", "-q"])
    assert res.exit_code == 0, res.output
    (tmp_path / "train.yaml").write_text("train:\n  n_layer: 1\n  n_embd: 32\n  n_head: 2\n  block_size: 16\n"
                                         "  val_from: tail\n  eval_iters: 2\n  eval_interval: 10\n")
    res = runner.invoke(main, ["train", str(tmp_path / "tok"), "-o", str(tmp_path / "run"), "-c",
                               str(tmp_path / "train.yaml"), "--set", "batch_size=4", "--max-iters", "20"])
    assert res.exit_code == 0, res.output
    assert "done at step 20" in res.output and (tmp_path / "run" / "tokenizer.json").exists()
    for prompt, window in (("First Citizen:", "slide"), ("孙悟空道：", "slide"), ("First Citizen:", "half")):
        res = runner.invoke(main, ["generate", str(tmp_path / "run"), "--prompt", prompt, "--max-new-tokens", "30",
                                   "--top-k", "20", "--seed", "1", "--window", window])
        assert res.exit_code == 0, res.output
        assert res.output.startswith(prompt) and len(res.output) > len(prompt)  # (an untrained byte model may emit broken bytes)
    res = runner.invoke(main, ["train", str(tmp_path / "tok"), "-o", str(tmp_path / "run2"), "--set", "n_layers=2"])
    assert res.exit_code == 2 and "unknown setting" in res.output
    res = runner.invoke(main, ["train", str(tmp_path / "tok"), "-o", str(tmp_path / "run2"), "--set", "lr=fast"])
    assert res.exit_code == 2 and "expected" in res.output


def test_sigkill_then_rerun_gives_the_uninterrupted_losses(tmp_path):
    """`corpuskit train` killed (SIGKILL) after its first checkpoints, then run again: same log, same weights."""
    import signal
    import subprocess
    import sys
    import time

    tokens, _ = _token_dir(tmp_path)
    args = ["--set", "n_layer=2", "--set", "n_head=2", "--set", "n_embd=32", "--set", "block_size=32",
            "--set", "batch_size=8", "--set", "val_from=tail", "--set", "eval_iters=2", "--set", "eval_interval=5",
            "--set", "log_interval=1", "--set", "dropout=0.1", "--set", "threads=2", "--max-iters", "60"]

    def cmd(run):
        return [sys.executable, "-m", "corpuskit.cli", "train", str(tokens), "-o", str(run), *args]

    subprocess.run(cmd(tmp_path / "full"), check=True, capture_output=True)
    proc = subprocess.Popen(cmd(tmp_path / "cut"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = tmp_path / "cut" / "log.jsonl"
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if log.exists() and sum(1 for line in log.read_text().splitlines() if '"val_loss"' in line) >= 3:
            break
        time.sleep(0.01)
    killed = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    subprocess.run(cmd(tmp_path / "cut"), check=True, capture_output=True)

    def losses(run):
        return [(h["step"], h.get("loss"), h.get("val_loss"))
                for h in map(json.loads, (run / "log.jsonl").read_text().splitlines())]

    assert killed and losses(tmp_path / "cut") == losses(tmp_path / "full")
    _, a, _, _ = load_checkpoint(tmp_path / "full" / "ckpt.npz")
    _, b, _, _ = load_checkpoint(tmp_path / "cut" / "ckpt.npz")
    assert all(np.array_equal(a[k], b[k]) for k in a)
