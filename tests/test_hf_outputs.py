"""An output directory loads without corpuskit: ``datasets.load_dataset(OUT)`` gives the kept documents (the card
``OUT/README.md`` declares a ``kept`` and a ``rejected`` config), in every output format, token shards included;
``transformers.AutoTokenizer.from_pretrained(OUT)`` knows the end-of-text and pad tokens and encodes a text to the
ids in the shards. The card is rewritten byte for byte by a re-run, and a README.md of the user's is left alone."""

from __future__ import annotations

import gzip
import json

import pyarrow.parquet as pq
import pytest

import corpuskit
from corpuskit.dataset_card import CARD_NAME, MARKER, SIDE_CARD_NAME
from corpuskit.tokenizer import EOT, PAD, UNK, load_tokenizer

from .conftest import read_rows

WORDS = "river town hills sea spring water boats market bridge school morning winter harvest village".split()
ZH = ["中国的河流很长，山脉很高。", "今天早上我们去市场买了很多新鲜的水果和蔬菜。", "西游记是一部很有名的古典小说。"]
TRICKY = ["a text that spells <|endoftext|> and <|pad|> in its middle", "tabs\tand\nnewlines  and   spaces ",
          "emoji 🙂 and accents: café, naïve"]


def _english(n: int, min_words: int = 2) -> list[str]:
    import random

    rnd = random.Random(5)
    return [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(min_words, 40))) + "." for _ in range(n)]


def _texts(n: int = 60) -> list[str]:
    return _english(n) + ZH * 3 + TRICKY


def _write_jsonl(path, texts, start=0, extra_lines=()):
    lines = [json.dumps({"id": f"d{start + i}", "text": t, "lang": "en" if i % 2 else "zh"}, ensure_ascii=False)
             for i, t in enumerate(texts)]
    data = "".join(line + "\n" for line in [*extra_lines, *lines]).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return path


def _run(tmp_path, stages, *, name="out", fmt="parquet", inputs=None, **input_options):
    default = tmp_path / "in" / "docs.jsonl"
    if inputs is None and not default.exists():  # written once: a re-run must find its inputs unchanged
        _write_jsonl(default, _texts())
    inputs = inputs or [str(default)]
    return corpuskit.run({"name": "hf-check", "input": {"paths": inputs, "id_field": "id", **input_options},
                          "output": {"path": str(tmp_path / name), "format": fmt}, "stages": stages,
                          "executor": {"type": "local", "workers": 1}}, report=False)


@pytest.fixture
def hf_cache(tmp_path, monkeypatch):
    """datasets and transformers kept off the network and out of the user's cache."""
    for variable in ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.setenv(variable, "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    datasets = pytest.importorskip("datasets")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
    return str(tmp_path / "hf-cache")


def _load(out, cache, *config):
    import datasets

    return datasets.load_dataset(str(out), *config, cache_dir=cache)


def _by_id(rows) -> dict:
    return {row["id"]: row for row in rows}


TOKENIZE = {"tokenize": {"kind": "bpe", "vocab_size": 400, "val_fraction": 0.2}}


def test_kept_and_rejected_load_with_datasets(tmp_path, hf_cache):
    import datasets

    result = _run(tmp_path, [{"length": {"min_words": 5}}, {"exact_dedup": {}}, TOKENIZE])
    out = result.output
    assert result.card == out / CARD_NAME
    kept = _load(out, hf_cache)
    assert list(kept) == ["kept"]  # the default config: only the kept documents
    kept_file = sorted((out / "kept").glob("part-*.parquet"))[0]
    assert kept["kept"].features == datasets.Features.from_arrow_schema(pq.read_schema(kept_file))
    assert _by_id(kept["kept"]) == _by_id(read_rows(out / "kept"))
    assert kept["kept"].num_rows == result.stats["output"]["kept_docs"] > 40
    rejected = _load(out, hf_cache, "rejected")["rejected"]
    assert _by_id(rejected) == _by_id(read_rows(out / "rejected"))
    assert rejected.column_names == kept["kept"].column_names + ["rejected_by", "reason"]
    assert {"length", "exact_dedup"} <= set(rejected["rejected_by"]) and rejected.num_rows == \
        result.stats["output"]["rejected_docs"]
    row = next(r for r in kept["kept"] if r["meta"])
    assert json.loads(row["meta"])["lang"] in ("en", "zh")  # meta: a JSON object in a string, as the card says


@pytest.mark.parametrize("fmt", ["jsonl", "jsonl.gz"])
def test_json_lines_output_loads_with_the_declared_types(tmp_path, hf_cache, fmt):
    """Two input files, two shards: the first one's rejected file holds only the reader's rejects (no length
    columns at all: nulls), the second one's the length filter's; the card's features give both files one type."""
    first = _write_jsonl(tmp_path / "in" / "a.jsonl.gz", _english(20, 5) + ZH, extra_lines=["{not json"])
    second = _write_jsonl(tmp_path / "in" / "b.jsonl.gz", ["too short", "short too"] + _english(10, 5), start=100)
    result = _run(tmp_path, [{"length": {"min_words": 3}}, TOKENIZE], fmt=fmt,
                  inputs=[str(first), str(second)], shard_bytes=1)
    out = result.output
    assert len(list((out / "rejected").glob(f"part-*.{fmt}"))) == 2
    kept = _load(out, hf_cache)["kept"]
    rejected = _load(out, hf_cache, "rejected")["rejected"]
    assert kept.num_rows == result.stats["output"]["kept_docs"] and rejected.num_rows == 3
    assert kept.features["tokens"].feature.dtype == "uint16" and kept.features["n_words"].dtype == "int64"
    assert rejected.features["n_words"].dtype == "int64" and rejected.features["n_tokens"].dtype == "int32"
    assert sorted(rejected["reason"]) == ["length:words<3", "length:words<3", "read:invalid-json"]
    by_id = _by_id(kept)
    assert by_id["d20"]["text"] == ZH[0] and by_id["d20"]["tokens"][-1] == load_tokenizer(
        out / "tokenizer.json").token_to_id(EOT)


@pytest.mark.parametrize("kind", ["bpe", "char"])
def test_the_tokenizer_loads_in_transformers_and_encodes_as_the_shards(tmp_path, hf_cache, kind):
    transformers = pytest.importorskip("transformers")
    result = _run(tmp_path, [{"tokenize": {"kind": kind, "vocab_size": 500 if kind == "bpe" else 4000}}])
    tok = transformers.AutoTokenizer.from_pretrained(str(result.output))
    assert isinstance(tok, transformers.PreTrainedTokenizerFast)
    assert (tok.eos_token, tok.pad_token) == (EOT, PAD) and tok.eos_token_id != tok.pad_token_id
    assert tok.eos_token_id == tok.convert_tokens_to_ids(EOT) and tok.unk_token == (UNK if kind == "char" else None)
    rows = read_rows(result.output / "kept")
    assert {r["text"] for r in rows} >= set(ZH + TRICKY)
    for row in rows:
        assert tok(row["text"])["input_ids"] + [tok.eos_token_id] == row["tokens"], row["text"]
    assert tok.decode(tok(ZH[1])["input_ids"]) == ZH[1]
    card = (result.output / CARD_NAME).read_text(encoding="utf-8")
    assert "## Token shards" in card and f"pad token is `{PAD}`" in card


def test_a_given_tokenizer_without_a_pad_token_pads_with_its_end_of_text(tmp_path, hf_cache):
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(_texts(), trainers.BpeTrainer(vocab_size=300, special_tokens=[EOT], show_progress=False,
                                                          initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    given = tmp_path / "given" / "my-tokenizer.json"
    given.parent.mkdir()
    tok.save(str(given))
    result = _run(tmp_path, [{"tokenize": {"tokenizer": str(given)}}])
    loaded = transformers.AutoTokenizer.from_pretrained(str(result.output))
    assert (loaded.eos_token, loaded.pad_token, loaded.unk_token) == (EOT, EOT, None)
    for row in read_rows(result.output / "kept"):
        assert loaded(row["text"])["input_ids"] + [loaded.eos_token_id] == row["tokens"]
    card = (result.output / CARD_NAME).read_text(encoding="utf-8")
    assert "pad token is `<|endoftext|>` (the end-of-text token)" in card
    assert str(tmp_path) not in card and '`tokenizer="my-tokenizer.json"`' in card  # a file by its name only


def test_the_card_describes_the_run_and_a_rerun_rewrites_it_identically(tmp_path):
    result = _run(tmp_path, [{"length": {"min_words": 5}}, {"exact_dedup": {}}])
    card_path = result.output / CARD_NAME
    card = card_path.read_text(encoding="utf-8")
    assert card.startswith("---\nconfigs:\n") and MARKER in card and "license: unknown" in card
    assert "## Licence" in card and "To be filled in" in card and "json.loads" in card
    length = next(s for s in result.stats["stages"] if s["name"] == "length")
    assert f"| `length` | `min_chars=0`, `max_chars=null`, `min_words=5`, `max_words=null` | {length['docs_in']:,} | " \
           f"{length['docs_kept']:,} | {length['docs_rejected']:,} |" in card
    assert "## Token shards" not in card and str(tmp_path) not in card and result.stats["finished"] not in card
    before = card_path.stat().st_mtime_ns
    again = _run(tmp_path, [{"length": {"min_words": 5}}, {"exact_dedup": {}}])
    assert again.run.already_complete and card_path.read_text(encoding="utf-8") == card
    assert card_path.stat().st_mtime_ns == before  # the same card: the file is not even rewritten
    other = _run(tmp_path, [{"length": {"min_words": 5}}, {"exact_dedup": {}}], name="elsewhere")
    assert (other.output / CARD_NAME).read_bytes() == card_path.read_bytes()


def test_a_readme_of_the_users_is_left_alone(tmp_path, hf_cache, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / CARD_NAME).write_text("# My corpus\n\nWritten by hand.\n", encoding="utf-8")
    result = _run(tmp_path, [{"length": {"min_words": 5}}])
    assert (out / CARD_NAME).read_text(encoding="utf-8") == "# My corpus\n\nWritten by hand.\n"
    assert result.card == out / SIDE_CARD_NAME and MARKER in result.card.read_text(encoding="utf-8")
    assert "was not written by corpuskit" in capsys.readouterr().err
    # a card of corpuskit's, edited but with its marker line, is corpuskit's to rewrite
    (out / CARD_NAME).write_text(result.card.read_text(encoding="utf-8") + "\nmy note\n", encoding="utf-8")
    again = _run(tmp_path, [{"length": {"min_words": 5}}])
    assert again.card == out / CARD_NAME and "my note" not in again.card.read_text(encoding="utf-8")
    assert _load(out, hf_cache)["kept"].num_rows == result.stats["output"]["kept_docs"]


def test_a_run_that_rejects_nothing_declares_the_kept_config_only(tmp_path, hf_cache):
    result = _run(tmp_path, [{"length": {"min_chars": 1}}])
    assert result.stats["output"]["rejected_docs"] == 0
    card = (result.output / CARD_NAME).read_text(encoding="utf-8")
    assert "config_name: rejected" not in card
    assert _load(result.output, hf_cache)["kept"].num_rows == result.stats["output"]["kept_docs"]
