"""Tokenizers (byte-level BPE, characters) and the tokenize stage / command."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from corpuskit.cli import main
from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline
from corpuskit.stages.tokenize import Tokenize, split_of
from corpuskit.tokenizer import (EOT, PAD, UNK, describe, load_tokenizer, token_dtype, tokenizer_sha256, train_bpe,
                                 train_char)

from .conftest import (comparable_stats, kill_during_phases_then_resume, read_rows, read_stats, shared,
                       write_pipeline)

EN = ["The committee met on Tuesday to discuss the new budget for the public libraries.",
      "After a long debate, the members agreed to increase funding by 12 percent.",
      "Readers in the city have asked for longer opening hours and more books."] * 40
ZH = ["委员会于周二召开会议，讨论公共图书馆的新预算方案。", "经过长时间的辩论，委员们同意将经费提高百分之十二。",
      "市民希望图书馆延长开放时间，并增加更多的图书。"] * 40
ROUND_TRIP = ["Hello, world!", "  leading and trailing spaces  ", "tabs\tand\nnew\n\nlines\r\n",
              "你好，世界！这是一个测试。", "混合 mixed 文本 with English 和中文。", "emoji 😀👍🏽 🇨🇳 and ZWJ 👨‍👩‍👧",
              "Ünïcödé ＦＵＬＬ　ＷＩＤＴＨ ①②", "<|endoftext|> is written as text here"]


@pytest.fixture(scope="module")
def bpe():
    return train_bpe(EN + ZH, vocab_size=2000, min_frequency=2)


def test_bpe_round_trips_everything(bpe):
    for text in ROUND_TRIP:
        ids = bpe.encode(text, add_special_tokens=False).ids
        assert bpe.decode(ids) == text
    assert bpe.token_to_id(EOT) == 0 and bpe.token_to_id(PAD) == 1
    # "<|endoftext|>" written in a document is text: the end-of-text id only ever separates documents
    assert 0 not in bpe.encode(ROUND_TRIP[-1]).ids


def test_bpe_learns_chinese_characters_and_words():
    """On real Chinese (a novel), common characters become single tokens and frequent words tokens of their own."""
    from collections import Counter

    novel = shared("zh-classics-novels", "hongloumeng.txt").read_text(encoding="utf-8")[:1_000_000]
    paras = [p.strip() for p in novel.split("\n") if p.strip()]
    tok = train_bpe(paras, vocab_size=6000)
    counts = Counter(c for c in novel if "\u4e00" <= c <= "\u9fff")
    common = [c for c, _ in counts.most_common(300)]
    assert sum(len(tok.encode(c).ids) == 1 for c in common) >= 295
    text = "".join(paras[-40:])
    pieces = [tok.decode([i]) for i in tok.encode(text).ids]
    words = [p for p in pieces if len(p) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in p)]
    assert len(words) > 0.1 * len(pieces) and "宝玉" in words
    assert len(text) / len(pieces) > 1.0


def test_training_is_deterministic():
    a, b = train_bpe(EN + ZH, 500), train_bpe(EN + ZH, 500)
    assert tokenizer_sha256(a) == tokenizer_sha256(b)
    assert tokenizer_sha256(a) != tokenizer_sha256(train_bpe(EN, 500))


def test_char_tokenizer():
    tok = train_char(["hello world\n", "你好"], vocab_size=100)
    assert tok.get_vocab_size() == 3 + len(set("hello world\n你好"))
    for text in ["hello\nworld", "你好 hello", "  "]:
        assert tok.decode(tok.encode(text).ids) == text
    assert tok.encode("z").tokens == [UNK]
    capped = train_char(["aaaabbbc"], vocab_size=5)  # the two most frequent characters
    assert sorted(capped.get_vocab()) == sorted([EOT, PAD, UNK, "a", "b"])


def test_saved_file_loads_in_tokenizers_and_transformers(tmp_path, bpe):
    path = tmp_path / "tokenizer.json"
    bpe.save(str(path))
    again = load_tokenizer(path)
    text = ROUND_TRIP[4]
    assert again.encode(text).ids == bpe.encode(text).ids
    transformers = pytest.importorskip("transformers")
    fast = transformers.PreTrainedTokenizerFast(tokenizer_file=str(path), eos_token=EOT, pad_token=PAD)
    assert fast(text)["input_ids"] == bpe.encode(text).ids
    assert fast.decode(fast(text)["input_ids"]) == text
    assert fast.eos_token_id == 0 and fast.pad_token_id == 1


def test_dtype_and_split():
    assert token_dtype(65536) == "uint16" and token_dtype(65537) == "uint32"
    ids = [f"doc{i}" for i in range(5000)]
    split = split_of(ids, 0.1, seed=3)
    assert split == split_of(ids, 0.1, seed=3) and 400 < split.count("val") < 600
    assert split != split_of(ids, 0.1, seed=4)
    assert set(split_of(ids, 0.0)) == {"train"}


def _corpus(tmp_path, texts):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    return path


def _run(tmp_path, src, params, name="out", workers=1, extra_stages=()):
    cfg = {"name": "tok", "input": {"paths": [str(src)], "id_field": "id"}, "output": str(tmp_path / name),
           "stages": [{"tokenize": params}, *extra_stages], "executor": {"workers": workers}}
    return run_pipeline(load_config(write_pipeline(tmp_path, cfg, f"{name}.yaml")))


def test_stage_writes_token_shards_that_decode_to_the_text(tmp_path):
    texts = ROUND_TRIP * 30 + EN + ZH + ["", "   \n "]
    src = _corpus(tmp_path, texts)
    result = _run(tmp_path, src, {"vocab_size": 700, "val_fraction": 0.2}, workers=2)
    meta = json.loads((tmp_path / "out" / "meta.json").read_text())
    tok = load_tokenizer(tmp_path / "out" / "tokenizer.json")
    assert meta["tokenizer"] == describe(tok).as_dict() and meta["tokenizer"]["token_dtype"] == "uint16"
    table = pq.read_table(tmp_path / "out" / "kept")
    assert table.schema.field("tokens").type == pa.list_(pa.uint16())
    eot = meta["tokenizer"]["eot_id"]
    by_id = dict(zip(table.column("id").to_pylist(), table.column("tokens").to_pylist()))
    for i, text in enumerate(texts):
        if text.strip():
            assert by_id[f"d{i}"][-1] == eot and tok.decode(by_id[f"d{i}"][:-1]) == text
    assert sum(table.column("n_tokens").to_pylist()) == meta["tokens"]["train"] + meta["tokens"]["val"]
    val = [s == "val" for s in table.column("split").to_pylist()]
    assert meta["documents"]["val"] == sum(val) and 0 < sum(val) < len(val)
    rejected = read_rows(tmp_path / "out" / "rejected")
    assert sorted(r["reason"] for r in rejected) == ["tokenize:empty", "tokenize:empty"]
    assert result.stats["stages"][-1]["counters"]["tokens"] == sum(table.column("n_tokens").to_pylist())


def test_given_tokenizer_is_used_unchanged_and_lone_surrogates_are_rejected(tmp_path, bpe):
    path = tmp_path / "given.json"
    bpe.save(str(path))
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "ok", "text": "fine text"}\n{"id": "bad", "text": "broken \\ud800 text"}\n')
    _run(tmp_path, src, {"tokenizer": str(path)})
    meta = json.loads((tmp_path / "out" / "meta.json").read_text())
    assert meta["tokenizer"]["sha256"] == tokenizer_sha256(bpe)
    assert [r["reason"] for r in read_rows(tmp_path / "out" / "rejected")] == ["read:invalid-unicode"]
    with pytest.raises(Exception):  # what the stage guards against, should such text reach it
        bpe.encode("broken \ud800 text")


def test_large_vocabulary_gives_uint32(tmp_path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    vocab = {EOT: 0, PAD: 1, UNK: 2, **{chr(0x4E00 + i): 3 + i for i in range(20000)},
             **{f"w{i}": 20003 + i for i in range(50000)}}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token=UNK))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.decoder = decoders.Fuse()
    path = tmp_path / "big.json"
    tok.save(str(path))
    assert Tokenize(tokenizer=str(path)).dtype == "uint32"
    _run(tmp_path, _corpus(tmp_path, ["w49999 w1", "一 丁"]), {"tokenizer": str(path)})
    table = pq.read_table(tmp_path / "out" / "kept")
    assert table.schema.field("tokens").type == pa.list_(pa.uint32())
    assert max(max(t) for t in table.column("tokens").to_pylist()) == 70002


def test_parameters_are_checked(tmp_path):
    for bad in ({"kind": "wordpiece"}, {"val_fraction": 1.0}, {"vocab_size": 100}, {"tokenizer": "nowhere.json"}):
        with pytest.raises(ValueError):
            Tokenize(**bad)
    no_eot = tmp_path / "t.json"
    train_char(["abc"]).save(str(no_eot))
    with pytest.raises(ValueError, match="end-of-text"):
        Tokenize(tokenizer=str(no_eot), eot_token="</s>")


def test_resume_after_kills_gives_identical_shards(tmp_path):
    texts = [f"{EN[i % 3]} {ZH[i % 3]} number {i}" for i in range(3000)]
    src = _corpus(tmp_path, texts)

    def config(name):
        return {"name": "tok", "input": {"paths": [str(src)], "id_field": "id", "shard_bytes": 60_000},
                "output": str(tmp_path / name), "stages": [{"tokenize": {"vocab_size": 400}}],
                "executor": {"workers": 2}}

    run_pipeline(load_config(write_pipeline(tmp_path, config("ref"), "ref.yaml")))
    path = write_pipeline(tmp_path, config("out"), "out.yaml")
    assert kill_during_phases_then_resume(tmp_path, path, tmp_path / "out", ["train"]) >= 1
    assert read_rows(tmp_path / "out" / "kept") == read_rows(tmp_path / "ref" / "kept")
    assert comparable_stats(read_stats(tmp_path / "out")) == comparable_stats(read_stats(tmp_path / "ref"))
    assert (tmp_path / "out" / "meta.json").read_text() == (tmp_path / "ref" / "meta.json").read_text()


def test_tokenize_command_on_real_chinese_and_english(tmp_path):
    novel = shared("zh-classics-novels", "xiyouji.txt").read_text(encoding="utf-8")
    play = shared("tiny-shakespeare", "input.txt").read_text(encoding="utf-8")
    paras = [p.strip() for p in novel.split("\n") if len(p.strip()) > 20][:1500] + play.split("\n\n")[:1500]
    src = _corpus(tmp_path, paras)
    res = CliRunner().invoke(main, ["tokenize", str(src), "--id-field", "id", "-o", str(tmp_path / "out"),
                                    "--vocab-size", "4000", "-w", "1"])
    assert res.exit_code == 0, res.output
    assert "tokenizer bpe with 4,000 tokens (uint16)" in res.output
    table = pq.read_table(tmp_path / "out" / "kept", columns=["id", "n_tokens"])
    n = dict(zip(table.column("id").to_pylist(), table.column("n_tokens").to_pylist()))
    zh_chars = sum(len(p) for p in paras[:1500])
    en_chars = sum(len(p) for p in paras[1500:])
    zh_tokens = sum(n[f"d{i}"] - 1 for i in range(1500))
    en_tokens = sum(n[f"d{i}"] - 1 for i in range(1500, len(paras)))
    assert zh_chars / zh_tokens > 1.1  # Chinese gets character and word tokens, not bytes (3 per character)
    assert en_chars / en_tokens > 2.5
    assert np.isfinite(zh_chars / zh_tokens)
