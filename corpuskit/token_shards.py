"""The files of a token-shard output, written by the ``tokenize`` stage and read by the trainer, the report and the
CLI: one place for their names, so no reader spells them out.

``OUT/meta.json`` (format ``corpuskit-token-shards/1``): the tokenizer's description, the shard files, the columns,
documents and tokens per split; ``OUT/tokenizer.json`` (or the name ``meta["tokenizer_file"]`` gives) beside it, with
``tokenizer_config.json`` and ``special_tokens_map.json``, through which ``transformers.AutoTokenizer`` knows the
special tokens (:func:`transformers_tokenizer_files`).
"""

from __future__ import annotations

import json
from pathlib import Path

META_NAME = "meta.json"
TOKENIZER_NAME = "tokenizer.json"
META_FORMAT = "corpuskit-token-shards/1"
TOKENIZER_CONFIG_NAME = "tokenizer_config.json"
SPECIAL_TOKENS_MAP_NAME = "special_tokens_map.json"


def meta_path(output: str | Path) -> Path:
    return Path(output, META_NAME)


def read_meta(output: str | Path) -> dict | None:
    """The token shards' ``meta.json`` of ``output``, or None when the run wrote no token shards."""
    path = meta_path(output)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def read_tokenizer_config(output: str | Path) -> dict | None:
    """``output``'s ``tokenizer_config.json`` (the special tokens transformers loads), or None when there is none."""
    path = Path(output, TOKENIZER_CONFIG_NAME)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def tokenizer_path(output: str | Path, meta: dict | None = None) -> Path:
    """The tokenizer the shards were encoded with (named in ``meta``, else the default name)."""
    return Path(output, (meta or {}).get("tokenizer_file", TOKENIZER_NAME))


def transformers_tokenizer_files(eos_token: str, pad_token: str, unk_token: str | None = None) -> dict[str, dict]:
    """The contents of ``tokenizer_config.json`` and ``special_tokens_map.json``, by file name, for a
    ``tokenizer.json`` whose end-of-text token is ``eos_token``. With them ``AutoTokenizer.from_pretrained(OUT)``
    gives a ``PreTrainedTokenizerFast`` that encodes a text to the ids corpuskit wrote, less the end-of-text id it
    appends: special-token strings inside a text are encoded as ordinary text (``split_special_tokens``, as corpuskit
    does), and no token is added before or after a text. No ``model_max_length``: the tokenizer is not tied to a
    model's context (transformers then allows any length)."""
    special = {"eos_token": eos_token, "pad_token": pad_token, **({"unk_token": unk_token} if unk_token else {})}
    config = {"tokenizer_class": "PreTrainedTokenizerFast", **special, "split_special_tokens": True,
              "clean_up_tokenization_spaces": False}
    return {TOKENIZER_CONFIG_NAME: config, SPECIAL_TOKENS_MAP_NAME: special}
