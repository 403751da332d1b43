"""The ``train:`` and ``generate:`` sections of a pipeline file: after the stages, a GPT trained on the token
shards the ``tokenize`` stage wrote, then text sampled from it — crawl to model in one ``corpuskit run``.

```yaml
train:                # any TrainConfig setting (corpuskit/gpt/train.py), plus run_dir
  run_dir: model      # inside the pipeline's output directory (default "model")
  n_layer: 4
  max_iters: 600
generate:
  prompts: ["The ", "中国"]
  max_new_tokens: 120
  temperature: 0.8
  top_k: 40
  seed: 0
  window: slide       # or half (see corpuskit/gpt/sample.py)
```

Training resumes from its checkpoint like ``corpuskit train``; ``--force`` starts it again. The samples are printed
and written to ``OUT/<run_dir>/samples.jsonl``. The run directory is locked as ``corpuskit train`` locks it, from
the clearing ``--force`` does to the samples.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import fields
from pathlib import Path, PurePosixPath
from typing import Any

from ..fileio import write_text_atomic
from .runfiles import SAMPLES_NAME

GENERATE_DEFAULTS: dict[str, Any] = {"prompts": [""], "max_new_tokens": 200, "temperature": 0.8, "top_k": None,
                                     "top_p": None, "seed": 0, "window": "slide"}


def parse_model_sections(top: dict, checker, stage_names: list[str]) -> tuple[dict | None, dict | None]:
    """Validate ``train:`` and ``generate:`` (errors name the key and its line); returns them with defaults."""
    train_section, generate_section = None, None
    if top.get("train") is not None:
        train_section = _parse_train_section(top["train"], checker, stage_names)
    if top.get("generate") is not None:
        if train_section is None:
            checker.fail(("generate",), "generate needs a train section")
        generate_section = _parse_generate_section(top["generate"], checker)
    return train_section, generate_section


def _parse_train_section(section, checker, stage_names: list[str]) -> dict:
    """``run_dir`` and the TrainConfig settings of ``train:``."""
    from ..errors import CorpuskitError
    from .train import TrainConfig

    known = {f.name for f in fields(TrainConfig)}
    data = checker.mapping(section, ("train",), known | {"run_dir"})
    wrong = TrainConfig.mistyped(data)
    if wrong:
        checker.fail(("train", wrong[0]), f"expected {wrong[1]}, got {data[wrong[0]]!r}")
    run_dir = data.get("run_dir", "model")
    parts = PurePosixPath(str(run_dir)).parts
    if not isinstance(run_dir, str) or not run_dir or run_dir.startswith(("/", "~")) or ".." in parts:
        checker.fail(("train", "run_dir"), "expected a directory name inside the output directory")
    if "tokenize" not in stage_names:
        checker.fail(("train",), "training needs token shards: add a tokenize stage to the stages")
    settings = {k: v for k, v in data.items() if k != "run_dir"}
    try:
        TrainConfig.from_dict(settings)
    except (CorpuskitError, TypeError, ValueError) as exc:
        checker.fail(("train",), str(exc))
    return {"run_dir": run_dir, **settings}


def _parse_generate_section(section, checker) -> dict:
    """The settings of ``generate:`` over :data:`GENERATE_DEFAULTS`, ``prompts`` always a list."""
    from .sample import WINDOWS

    data = checker.mapping(section, ("generate",), set(GENERATE_DEFAULTS))
    gen = {**GENERATE_DEFAULTS, **data}
    prompts = [gen["prompts"]] if isinstance(gen["prompts"], str) else gen["prompts"]
    if not isinstance(prompts, list) or not prompts or not all(isinstance(p, str) for p in prompts):
        checker.fail(("generate", "prompts"), "expected a prompt or a list of prompts")
    gen["prompts"] = prompts
    checks = {"max_new_tokens": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
              "temperature": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0,
              "top_k": lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 1),
              "top_p": lambda v: v is None or (isinstance(v, (int, float)) and 0 < v <= 1),
              "seed": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "window": lambda v: v in WINDOWS}
    for key, ok in checks.items():
        if not ok(gen[key]):
            checker.fail(("generate", key), f"invalid value {gen[key]!r}")
    return gen


def run_model_steps(config, *, log=print, force: bool = False) -> dict:
    """Train on ``config.output``'s token shards, then sample; returns the training result and the samples.
    ``val_loss`` is the last evaluation's, also for a run that was already complete (NaN only when neither the
    log nor the checkpoint knows one)."""
    from ..lock import DirectoryLock

    out = Path(config.output)
    run_dir = out / config.train["run_dir"]
    with DirectoryLock(run_dir, what="corpuskit train"):
        if force:
            _empty_run_dir(run_dir)
        result, samples = _train_and_sample(config, out, run_dir, log)
    return {"run_dir": str(run_dir), "step": result.step, "train_loss": result.train_loss,
            "val_loss": result.val_loss if result.val_loss is not None else float("nan"), "samples": samples}


def _empty_run_dir(run_dir: Path) -> None:
    """Remove what ``run_dir`` holds except its lock file: this process holds the lock, and another process could
    lock a new file of the same name while this one trains."""
    from ..lock import LOCK_NAME

    for entry in run_dir.iterdir():
        if entry.name == LOCK_NAME:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _train_and_sample(config, out: Path, run_dir: Path, log):
    from .sample import complete, load_run
    from .train import TrainConfig, train

    cfg = TrainConfig.from_dict({k: v for k, v in config.train.items() if k != "run_dir"})
    result = train(out, run_dir, cfg, log=log)
    samples = []
    if config.generate:
        gen = config.generate
        run = load_run(run_dir)
        for i, prompt in enumerate(gen["prompts"]):
            text = complete(run, prompt, gen["max_new_tokens"], temperature=gen["temperature"], top_k=gen["top_k"],
                            top_p=gen["top_p"], seed=gen["seed"] + i, window=gen["window"])
            samples.append({"prompt": prompt, "text": text, "seed": gen["seed"] + i})
        write_text_atomic(run_dir / SAMPLES_NAME,
                          "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in samples))
    return result, samples
