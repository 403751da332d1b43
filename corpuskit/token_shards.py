"""The files of a token-shard output, written by the ``tokenize`` stage and read by the trainer, the report and the
CLI: one place for their names, so no reader spells them out.

``OUT/meta.json`` (format ``corpuskit-token-shards/1``): the tokenizer's description, the shard files, the columns,
documents and tokens per split; ``OUT/tokenizer.json`` (or the name ``meta["tokenizer_file"]`` gives) beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

META_NAME = "meta.json"
TOKENIZER_NAME = "tokenizer.json"
META_FORMAT = "corpuskit-token-shards/1"


def meta_path(output: str | Path) -> Path:
    return Path(output, META_NAME)


def read_meta(output: str | Path) -> dict | None:
    """The token shards' ``meta.json`` of ``output``, or None when the run wrote no token shards."""
    path = meta_path(output)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def tokenizer_path(output: str | Path, meta: dict | None = None) -> Path:
    """The tokenizer the shards were encoded with (named in ``meta``, else the default name)."""
    return Path(output, (meta or {}).get("tokenizer_file", TOKENIZER_NAME))
