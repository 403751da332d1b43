"""Tokenization into token shards, as a global stage: train (or take) a tokenizer, then encode every shard.

Phase ``train`` (one task): with ``tokenizer: FILE`` the given ``tokenizer.json`` is checked (it must
have the end-of-text token) and used as it is; otherwise a byte-level BPE (``kind: bpe``) or character
(``kind: char``) tokenizer is trained on a deterministic sample of the documents that reach the stage:
every k-th document, k chosen from the Parquet metadata so that about ``train_sample_mb`` of text is read.

Then per shard (all workers): ``encode_batch`` on each batch, the end-of-text id appended to every
document, and three columns added to the kept documents: ``tokens`` (``list<uint16>`` when the
vocabulary fits in 16 bits, else ``list<uint32>``), ``n_tokens`` and ``split`` (``train`` or ``val``, from
a seeded hash of the document id: the same on every run and executor; ``val_fraction`` of the
documents). Documents are rejected, with a reason, when they are empty (``tokenize:empty``) or hold
lone surrogates, which no tokenizer can encode (``tokenize:invalid-unicode``).

When the run is complete (``finish``), ``OUT/tokenizer.json`` and ``OUT/meta.json`` are written beside
the shards: vocabulary size, special token ids, token dtype, the tokenizer's SHA-256 (so that a trainer
can refuse shards made with another tokenizer), and document and token counts per split; and
``tokenizer_config.json`` and ``special_tokens_map.json``, so that ``transformers.AutoTokenizer.from_pretrained(OUT)``
knows the end-of-text token (``eos_token``) and the pad token, and encodes as the stage did.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .. import __version__
from ..errors import CorpuskitError
from ..fileio import atomic_write, write_text_atomic
from ..schema import with_columns
from ..stage import GlobalStage, Phase, StageResult, register
from ..token_shards import META_FORMAT, TOKENIZER_NAME, meta_path, transformers_tokenizer_files
from ..tokenizer import (EOT, KINDS, PAD, describe, eot_id_of, load_tokenizer, sample_every, token_dtype,
                         train_tokenizer)

_MiB = 1 << 20


def _valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:  # lone surrogates
        return False


def split_of(ids: list[str], val_fraction: float, seed: int = 0) -> list[str]:
    """``"val"`` for the documents whose seeded 64-bit id hash falls below ``val_fraction``, else ``"train"``."""
    if val_fraction <= 0:
        return ["train"] * len(ids)
    cut = int(val_fraction * 2**64)
    out = []
    for i in ids:
        h = int.from_bytes(hashlib.blake2b(f"{seed}\x00{i}".encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                           "big")
        out.append("val" if h < cut else "train")
    return out


@register
class Tokenize(GlobalStage):
    name = "tokenize"
    path_params = ("tokenizer",)
    min_batch_docs = 8192  # encode_batch on 1,000 short documents at a time is ~20 % slower than on 8,000+

    def __init__(self, tokenizer: str | None = None, kind: str = "bpe", vocab_size: int = 8192,
                 min_frequency: int = 2, train_sample_mb: int = 256, val_fraction: float = 0.01, seed: int = 0,
                 eot_token: str = EOT):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if not 0.0 <= val_fraction < 1.0:
            raise ValueError(f"val_fraction must be within [0, 1), got {val_fraction}")
        if train_sample_mb < 1 or min_frequency < 1:
            raise ValueError("train_sample_mb and min_frequency must be at least 1")
        if tokenizer is not None:
            if not Path(tokenizer).is_file():
                raise ValueError(f"tokenizer file {tokenizer} not found")
            try:
                tok = load_tokenizer(tokenizer)
                eot_id_of(tok, eot_token)
            except CorpuskitError as exc:
                raise ValueError(str(exc)) from None
            vocab_size = tok.get_vocab_size(with_added_tokens=True)
        elif kind == "bpe" and vocab_size < 258:
            raise ValueError(f"a byte-level BPE vocabulary needs at least 258 entries, got {vocab_size}")
        elif vocab_size < 4:
            raise ValueError(f"vocab_size must be at least 4, got {vocab_size}")
        self.tokenizer, self.kind, self.vocab_size, self.min_frequency = tokenizer, kind, vocab_size, min_frequency
        self.train_sample_mb, self.val_fraction, self.seed, self.eot_token = train_sample_mb, val_fraction, seed, eot_token
        self.dtype = token_dtype(vocab_size)
        self._tok = None

    def output_fields(self):
        value = pa.uint16() if self.dtype == "uint16" else pa.uint32()
        return [pa.field("tokens", pa.list_(value)), pa.field("n_tokens", pa.int32()), pa.field("split", pa.string())]

    def phases(self):
        return [Phase("train", lambda ctx: [0], self._train)]

    # -- phase: the tokenizer -------------------------------------------------------------------
    def _sample(self, ctx):
        """Texts of every k-th document, k from the text column's size in the Parquet metadata."""
        total = 0
        for path in ctx.shards:
            meta = pq.ParquetFile(path).metadata
            col = meta.schema.names.index("text")
            total += sum(meta.row_group(g).column(col).total_uncompressed_size for g in range(meta.num_row_groups))
        stride = max(1, math.ceil(total / (self.train_sample_mb * _MiB)))

        def texts():
            for path in ctx.shards:
                for batch in pq.ParquetFile(path).iter_batches(batch_size=4096, columns=["text"]):
                    for t in batch.column(0).to_pylist():
                        if t and _valid_unicode(t):
                            yield t
        return sample_every(texts(), stride)

    def _train(self, _, ctx) -> None:
        target = Path(ctx.workdir, TOKENIZER_NAME)
        if self.tokenizer is not None:
            with open(self.tokenizer, "rb") as src, atomic_write(target, "wb") as fh:  # durable, like the marker after it
                shutil.copyfileobj(src, fh)
            return
        tok = train_tokenizer(self.kind, self._sample(ctx), self.vocab_size, self.min_frequency)
        with atomic_write(target, "w") as fh:
            fh.write(tok.to_str(pretty=False))

    # -- per shard --------------------------------------------------------------------------------
    def _tokenizer(self):
        if self._tok is None:
            self._tok = load_tokenizer(Path(self.ctx.workdir, TOKENIZER_NAME))
            self._eot = eot_id_of(self._tok, self.eot_token)
        return self._tok

    def process(self, table: pa.Table) -> StageResult:
        tok = self._tokenizer()
        texts = table.column("text").to_pylist()
        reasons = [None if t and t.strip() and _valid_unicode(t) else
                   ("tokenize:empty" if not (t and t.strip()) else "tokenize:invalid-unicode") for t in texts]
        keep = np.array([r is None for r in reasons], dtype=bool)
        good = [t for t, k in zip(texts, keep) if k]
        # encode_batch, not encode_batch_fast: measured 40 % slower on short English documents with tokenizers 0.23
        ids = [e.ids for e in tok.encode_batch(good, add_special_tokens=False)] if good else []
        for row in ids:
            row.append(self._eot)
        kept = table.filter(pa.array(keep))
        value = pa.uint16() if self.dtype == "uint16" else pa.uint32()
        n_tokens = np.fromiter(map(len, ids), np.int32, len(ids))
        split = split_of(kept.column("id").to_pylist(), self.val_fraction, self.seed)
        kept = with_columns(kept, {"tokens": pa.array(ids, pa.list_(value)), "n_tokens": pa.array(n_tokens),
                                   "split": pa.array(split, pa.string())})
        rejected = None
        if not keep.all():
            rejected = table.filter(pa.array(~keep))
            rejected = with_columns(rejected, {"tokens": pa.nulls(rejected.num_rows, pa.list_(value)),
                                               "n_tokens": pa.nulls(rejected.num_rows, pa.int32()),
                                               "split": pa.nulls(rejected.num_rows, pa.string())})
            rejected = rejected.append_column("reason", pa.array([r for r in reasons if r is not None], pa.string()))
        val = np.array([s == "val" for s in split], dtype=bool)
        counters = {"tokens": int(n_tokens.sum()), "tokens_val": int(n_tokens[val].sum()), "docs_val": int(val.sum())}
        return StageResult(kept, rejected, counters)

    # -- when the run is complete -----------------------------------------------------------------
    def main_reads(self, ctx) -> list[str]:
        return [str(Path(ctx.workdir, TOKENIZER_NAME))]  # what finish writes beside the shards

    def finish(self, output: Path, stats: dict) -> None:
        tok = load_tokenizer(Path(self.ctx.workdir, TOKENIZER_NAME))
        info = describe(tok, self.eot_token)
        with atomic_write(Path(output, TOKENIZER_NAME), "w") as fh:
            fh.write(tok.to_str(pretty=True))
        mine = next(s for s in stats["stages"] if s["name"] == self.name)
        c = mine["counters"]
        docs, tokens = mine["docs_kept"], int(c.get("tokens", 0))
        meta = {
            "format": META_FORMAT,
            "tokenizer": info.as_dict(), "tokenizer_file": TOKENIZER_NAME,
            "eot_token": self.eot_token, "files": stats["output"]["kept_files"],
            "columns": {"tokens": "tokens", "n_tokens": "n_tokens", "split": "split"},
            "val_fraction": self.val_fraction, "split_seed": self.seed,
            "documents": {"train": docs - int(c.get("docs_val", 0)), "val": int(c.get("docs_val", 0))},
            "tokens": {"train": tokens - int(c.get("tokens_val", 0)), "val": int(c.get("tokens_val", 0))},
            "note": "every document's tokens end with the end-of-text id; counts are of the documents this stage "
                    "kept (stages after it may drop some)",
            "corpuskit_version": __version__,
        }
        self._write_transformers_files(output, tok)
        write_text_atomic(meta_path(output), json.dumps(meta, indent=2, ensure_ascii=False) + "\n")

    def _write_transformers_files(self, output: Path, tok) -> None:
        """``tokenizer_config.json`` and ``special_tokens_map.json`` beside ``tokenizer.json``: the end-of-text token
        as ``eos_token``; as ``pad_token`` the tokenizer's own ``<|pad|>`` (both kinds trained here have one, never
        used in the shards), else the end-of-text token, as for GPT-2 (a collator that masks the pad id in the labels
        then masks the end-of-text ids too); the model's unknown token, where it has one (``char``)."""
        pad = PAD if tok.token_to_id(PAD) is not None else self.eot_token
        unk = json.loads(tok.to_str())["model"].get("unk_token")
        unk = unk if unk is not None and tok.token_to_id(unk) is not None else None
        for name, content in transformers_tokenizer_files(self.eot_token, pad, unk).items():
            write_text_atomic(Path(output, name), json.dumps(content, indent=2, ensure_ascii=False) + "\n")
