"""The files of a training run directory (``corpuskit train``, a pipeline's ``train:``): one place for their names
and readers, used by the trainer, the sampler, the pipeline's ``generate:`` and the report.

``RUN/ckpt.npz`` (the checkpoint), ``RUN/log.jsonl`` (one JSON line per logged step or evaluation),
``RUN/tokenizer.json`` (a copy of the shards' tokenizer), ``RUN/samples.jsonl`` (a pipeline's ``generate:``),
``RUN/loss.svg`` (the loss curve).
"""

from __future__ import annotations

import json
from pathlib import Path

CHECKPOINT_NAME = "ckpt.npz"
LOG_NAME = "log.jsonl"
TOKENIZER_NAME = "tokenizer.json"
SAMPLES_NAME = "samples.jsonl"
LOSS_CHART_NAME = "loss.svg"


def read_log(run_dir: str | Path) -> list[dict]:
    """The entries of ``log.jsonl``; a line cut short by a crash is ignored (it is redone after the checkpoint)."""
    path = Path(run_dir, LOG_NAME)
    out = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
    return out


def read_samples(run_dir: str | Path) -> list[dict]:
    """The samples a pipeline's ``generate:`` wrote (none if it had no ``generate:``)."""
    path = Path(run_dir, SAMPLES_NAME)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def find_training_runs(output: str | Path) -> list[Path]:
    """The training run directories directly inside a pipeline's output directory, in name order."""
    return sorted(p.parent for p in Path(output).glob(f"*/{CHECKPOINT_NAME}") if (p.parent / LOG_NAME).exists())
