"""Bits per byte of a trained GPT (corpuskit.gpt.evaluate): windows, equality with the model's own loss, the
command line, and the perplexity stages built on it."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from corpuskit.gpt.evaluate import Score, score_documents, windows
from corpuskit.gpt.model import GPT, GPTConfig, init_params


def _model(block_size=16, vocab=50, seed=0):
    cfg = GPTConfig(vocab_size=vocab, block_size=block_size, n_layer=2, n_head=2, n_embd=16)
    params = init_params(cfg, seed=seed)
    # a model that is not uniform: scale the embeddings so predictions differ between tokens and contexts
    params["wte"] = params["wte"] * 20
    return cfg, params


@pytest.mark.parametrize("n", [2, 3, 16, 17, 18, 40, 101])
@pytest.mark.parametrize("stride", [1, 5, 8, 16])
def test_windows_score_every_position_once_within_the_block(n, stride):
    T = 16
    seen = []
    for start, end, first in windows(n, T, stride):
        assert 0 <= start < first <= end <= n - 1
        assert end - start <= T  # the inputs seq[start:end] fit the block
        seen.extend(range(first, end + 1))
        if start:  # past the first window, every scored token has at least T - stride tokens of context
            assert first - start >= T - stride
    assert seen == list(range(1, n))


def test_windows_reject_a_stride_past_the_block():
    with pytest.raises(ValueError):
        windows(10, 8, 9)
    with pytest.raises(ValueError):
        windows(10, 8, 0)


def _reference_nll(cfg, params, ids, eot):
    """Each token's negative log-likelihood from one forward pass per token over all the context the block
    allows (the slowest, most obvious way), summed."""
    model = GPT(cfg, params)
    seq = [eot] + list(ids)
    total = 0.0
    for p in range(1, len(seq)):
        ctx = seq[max(0, p - cfg.block_size):p]
        logits, _ = model.forward(np.array([ctx]))
        z = logits[0, -1].astype(np.float64)
        total += float(np.log(np.exp(z - z.max()).sum()) + z.max() - z[seq[p]])
    return total


def test_a_document_that_fits_the_block_scores_as_the_models_own_mean_loss():
    cfg, params = _model()
    ids = [3, 7, 7, 1, 9, 12, 4, 4, 30]
    eot = 0
    nll, counts = score_documents(params, cfg, [ids], eot)
    assert counts.tolist() == [len(ids)]
    seq = np.array([[eot] + ids])
    _, loss = GPT(cfg, params).forward(seq[:, :-1], seq[:, 1:])
    assert nll[0] == pytest.approx(float(loss) * len(ids), rel=1e-5)
    assert nll[0] == pytest.approx(_reference_nll(cfg, params, ids, eot), rel=1e-4)


def test_long_documents_with_stride_one_equal_a_forward_per_token_with_the_full_block_of_context():
    cfg, params = _model(block_size=8)
    rng = np.random.default_rng(1)
    docs = [rng.integers(1, 50, n).tolist() for n in (1, 5, 8, 9, 23)]
    nll, counts = score_documents(params, cfg, docs, 0, stride=1, batch_tokens=40)
    assert counts.tolist() == [len(d) for d in docs]
    for d, value in zip(docs, nll):
        assert value == pytest.approx(_reference_nll(cfg, params, d, 0), rel=1e-4)


def test_batching_does_not_change_the_scores():
    cfg, params = _model()
    rng = np.random.default_rng(2)
    docs = [rng.integers(1, 50, n).tolist() for n in rng.integers(1, 60, 30)]
    one_by_one = np.concatenate([score_documents(params, cfg, [d], 0)[0] for d in docs])
    together, _ = score_documents(params, cfg, docs, 0, batch_tokens=4096)
    assert np.allclose(together, one_by_one, rtol=1e-5)
    small, _ = score_documents(params, cfg, docs, 0, batch_tokens=16)
    assert np.allclose(small, one_by_one, rtol=1e-5)


def test_more_context_predicts_a_repeated_pattern_better():
    """A model that has learned a period-4 pattern: with stride 1 every token (past the first block) sees the whole
    block, with disjoint blocks the first tokens of each block see little, so the loss is higher."""
    from corpuskit.gpt.optim import AdamW
    cfg = GPTConfig(vocab_size=8, block_size=8, n_layer=1, n_head=2, n_embd=16)
    params = init_params(cfg, seed=0)
    rng = np.random.default_rng(0)
    opt = AdamW(params, lr=1e-2, weight_decay=0.0)
    model = GPT(cfg, params)
    for _ in range(150):
        phase = rng.integers(0, 4, 16)
        x = np.array([[(p + k) % 4 + 1 for k in range(9)] for p in phase])
        model.forward(x[:, :-1], x[:, 1:])
        opt.step(model.backward())
    doc = [(k % 4) + 1 for k in range(64)]
    sliding, _ = score_documents(params, cfg, [doc], 0, stride=1)
    disjoint, _ = score_documents(params, cfg, [doc], 0, stride=8)
    assert sliding[0] < disjoint[0]


def test_score_totals_are_corpus_ratios():
    s = Score(nll=10 * math.log(2), tokens=5, bytes=20, documents=2).add(Score(0.0, 0, 0, 1))
    assert s.bits_per_byte == pytest.approx(0.5)
    assert s.loss == pytest.approx(2 * math.log(2))
    assert s.documents == 3
    assert math.isnan(Score().bits_per_byte)


def test_eval_command_prints_bits_per_byte_of_each_set(tmp_path):
    """A tiny run trained with ``corpuskit train`` on its own tokens, then ``corpuskit eval`` on two sets: the
    text it was trained on scores lower than shuffled characters of that text."""
    from click.testing import CliRunner

    from corpuskit.cli import main
    from corpuskit.gpt.evaluate import score_texts
    from corpuskit.gpt.sample import load_run

    run_dir = _tiny_run(tmp_path)
    text = [t for t in (_TRAIN_TEXT * 3).split("\n\n") if t]
    rng = np.random.default_rng(0)
    shuffled = ["".join(rng.permutation(list(t))) for t in text]
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text("".join(json.dumps({"text": t}) + "\n" for t in text), encoding="utf-8")
    bad.write_text("".join(json.dumps({"text": t}) + "\n" for t in shuffled), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(run_dir), "--data", str(good), "--data", str(bad), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["documents"] for r in rows] == [len(text), len(text)]
    assert rows[0]["bytes"] == sum(len(t.encode()) for t in text)
    assert rows[0]["bits_per_byte"] < rows[1]["bits_per_byte"]
    score, per_doc = score_texts(load_run(run_dir), text)
    assert score.bits_per_byte == pytest.approx(rows[0]["bits_per_byte"], rel=1e-6)
    # the corpus figure is the byte-weighted mean of the documents'
    weights = np.array([len(t.encode()) for t in text], float)
    assert np.average(per_doc, weights=weights) == pytest.approx(score.bits_per_byte, rel=1e-6)
    table = CliRunner().invoke(main, ["eval", str(run_dir), "--data", str(good)])
    assert table.exit_code == 0 and "bits/byte" in table.output


def test_eval_command_errors_name_the_problem(tmp_path):
    from click.testing import CliRunner

    from corpuskit.cli import main

    missing = CliRunner().invoke(main, ["eval", str(tmp_path / "nope"), "--data", str(tmp_path)])
    assert missing.exit_code == 2 and "no such file" in missing.output
    run_dir = _tiny_run(tmp_path)
    html = tmp_path / "page.html"
    html.write_text("<html><body><p>hello</p></body></html>")
    out = CliRunner().invoke(main, ["eval", str(run_dir), "--data", str(html)])
    assert out.exit_code == 2 and "extract" in out.output
    wide = CliRunner().invoke(main, ["eval", str(run_dir), "--data", str(html), "--stride", "1000"])
    assert wide.exit_code == 2 and "block_size" in wide.output


_TRAIN_TEXT = ("The cat sat on the mat. The dog sat on the log. The cat and the dog sat together.\n\n"
               "A bird sang in the tree, and the cat looked up at the bird in the tree.\n\n"
               "The dog ran to the tree and the bird flew away over the mat and the log.\n\n")


def _tiny_run(tmp_path):
    """Tokens of a small English text (`corpuskit tokenize`) and a GPT trained on them for a few steps."""
    from click.testing import CliRunner

    from corpuskit.cli import main

    src = tmp_path / "train.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in (_TRAIN_TEXT * 20).split("\n\n") if t),
                   encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["tokenize", str(src), "-o", str(tmp_path / "tok"), "--vocab-size", "300",
                               "--val-fraction", "0", "-w", "1", "-q"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["train", str(tmp_path / "tok"), "-o", str(tmp_path / "run"), "--max-iters", "40",
                               "--set", "n_layer=1", "--set", "n_embd=32", "--set", "n_head=2", "--set",
                               "block_size=32", "--set", "batch_size=8", "--set", "val_from=tail", "--set",
                               "eval_iters=2", "--set", "eval_interval=40", "--set", "lr=3e-3", "--set",
                               "warmup_iters=0"])
    assert res.exit_code == 0, res.output
    return tmp_path / "run"


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    return _tiny_run(tmp_path_factory.mktemp("tiny"))


def _good_and_junk():
    good = [t for t in (_TRAIN_TEXT * 4).split("\n\n") if t]
    rng = np.random.default_rng(3)
    junk = ["".join(rng.permutation(list(t))) for t in good]
    return good, junk


def test_perplexity_stage_scores_as_eval_and_drops_text_unlike_the_reference(tmp_path, tiny_run):
    from corpuskit.gpt.evaluate import score_texts
    from corpuskit.gpt.sample import load_run
    from corpuskit.pipeline import run
    import pyarrow.parquet as pq

    good, junk = _good_and_junk()
    _, good_bpb = score_texts(load_run(tiny_run), good)
    _, junk_bpb = score_texts(load_run(tiny_run), junk)
    assert max(good_bpb) < min(junk_bpb)
    cut = (max(good_bpb) + min(junk_bpb)) / 2
    src = tmp_path / "docs.jsonl"
    docs = [{"id": f"g{i}", "text": t} for i, t in enumerate(good)] + [{"id": f"j{i}", "text": t}
                                                                      for i, t in enumerate(junk)]
    src.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    out = tmp_path / "out"
    result = run({"input": {"paths": [str(src)], "id_field": "id"}, "output": str(out),
                  "stages": [{"perplexity": {"model": str(tiny_run), "max_bits_per_byte": round(cut, 4)}}],
                  "executor": {"workers": 1}}, report=False)
    kept = pq.read_table(out / "kept").to_pydict()
    rejected = pq.read_table(out / "rejected").to_pydict()
    assert sorted(kept["id"]) == sorted(d["id"] for d in docs if d["id"].startswith("g"))
    assert sorted(rejected["id"]) == sorted(d["id"] for d in docs if d["id"].startswith("j"))
    assert set(rejected["reason"]) == {f"perplexity:bpb>{round(cut, 4):g}"}
    by_id = dict(zip(kept["id"] + rejected["id"], kept["perplexity_bpb"] + rejected["perplexity_bpb"]))
    for i, value in enumerate(good_bpb):
        assert by_id[f"g{i}"] == pytest.approx(value, rel=1e-5)  # the stage's score is eval's (float32 column)
    assert result.stats["stages"][1]["name"] == "perplexity"


def test_perplexity_percentile_keeps_the_lowest_fraction_with_two_workers(tmp_path, tiny_run):
    from corpuskit.pipeline import run
    import pyarrow.parquet as pq

    good, junk = _good_and_junk()
    texts = good + junk
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    outs = {}
    for stage in ({"perplexity": {"model": str(tiny_run)}},
                  {"perplexity_percentile": {"model": str(tiny_run), "keep_fraction": 0.5}}):
        name = next(iter(stage))
        out = tmp_path / name
        run({"input": {"paths": [str(src)], "id_field": "id", "shard_bytes": "1KB"}, "output": str(out),
             "stages": [stage], "executor": {"workers": 2}}, report=False)
        outs[name] = out
    everything = pq.read_table(outs["perplexity"] / "kept").to_pydict()  # no bounds: all kept, all scored
    scores = dict(zip(everything["id"], everything["perplexity_bpb"]))
    assert len(scores) == len(texts) and all(v is not None for v in scores.values())
    kept = pq.read_table(outs["perplexity_percentile"] / "kept").to_pydict()
    rejected = pq.read_table(outs["perplexity_percentile"] / "rejected").to_pydict()
    lowest = sorted(scores, key=scores.get)[:len(texts) // 2]
    assert sorted(kept["id"]) == sorted(lowest)
    assert set(rejected["reason"]) == {"perplexity:above-lowest-0.5"}
    for i, v in zip(kept["id"] + rejected["id"], kept["perplexity_bpb"] + rejected["perplexity_bpb"]):
        assert v == pytest.approx(scores[i], rel=1e-5)  # stored by the score phase, not scored again
    stats = json.loads((outs["perplexity_percentile"] / "stats.json").read_text())
    assert stats["stages"][1]["global"]["scored"] == len(texts)


def test_perplexity_languages_and_max_tokens(tiny_run):
    import pyarrow as pa

    from corpuskit.gpt.evaluate import score_texts
    from corpuskit.gpt.sample import load_run
    from corpuskit.stages import PerplexityFilter

    good, _ = _good_and_junk()
    long_text = " ".join(good)
    stage = PerplexityFilter(model=str(tiny_run), languages=["en"], max_tokens=20)
    table = pa.table({"id": ["a", "b", "c", "d"], "text": [long_text, long_text, "", None],
                      "language": ["en", "zh", "en", "en"]})
    result = stage.process(table)
    assert result.kept.num_rows == 4 and result.counters == {"not_scored": 3}
    bpb = result.kept.column("perplexity_bpb").to_pylist()
    assert bpb[1:] == [None, None, None]
    run = load_run(tiny_run)
    tok = run[2]
    enc = tok.encode(long_text, add_special_tokens=False)
    prefix = long_text[:enc.offsets[19][1]]
    assert tok.encode(prefix, add_special_tokens=False).ids == enc.ids[:20]
    _, (expected,) = score_texts(run, [prefix])
    assert bpb[0] == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError):
        PerplexityFilter(model=str(tiny_run), min_bits_per_byte=2, max_bits_per_byte=1)
    with pytest.raises(ValueError):
        PerplexityFilter(model="")
