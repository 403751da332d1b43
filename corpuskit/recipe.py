"""A pipeline document: the data sections (``input``, ``output``, ``stages``, ``executor``: ``corpuskit.config``)
and the model sections (``train:``, ``generate:``: ``corpuskit.gpt.pipeline``), read from a YAML file, a dict or
Python objects, validated with errors that name the key (and, for a file, the line).

All relative paths in a pipeline file resolve against the file's own directory, so a pipeline runs the same from
any working directory; those of a dict or of :class:`Pipeline` against ``base_dir`` (the current directory by
default). The file is read with ``yaml.safe_load`` semantics: no tags that construct Python objects.

This module sits above both the data part and the GPT, so that neither imports the other.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from .config import SECTIONS, Checker, PipelineConfig, check_local_path, load_yaml, parse_pipeline_sections
from .errors import ConfigError
from .gpt.pipeline import parse_model_sections

TOP_KEYS = SECTIONS | {"train", "generate"}


def parse_config(data: Any, lines: dict[tuple, int], *, filename: str = "<pipeline>", base_dir: str = ".",
                 inputs: list[str] | None = None, output: str | os.PathLike | None = None) -> PipelineConfig:
    """Validate a parsed pipeline document (``lines``: key path → line number, empty for a dict). ``inputs`` and
    ``output`` (``-i`` / ``-o``) replace the document's paths before validation."""
    checker = Checker(filename, lines)
    top = checker.mapping(data, (), TOP_KEYS)
    config = parse_pipeline_sections(top, checker, filename=filename, base_dir=base_dir, inputs=inputs,
                                     output=output)
    config.train, config.generate = parse_model_sections(top, checker, [s.name for s in config.stages])
    return config


def load_config(path: str | os.PathLike, *, inputs: list[str] | None = None,
                output: str | os.PathLike | None = None) -> PipelineConfig:
    """Read and validate a pipeline file; ``inputs``/``output`` (``-i``/``-o``) replace its paths first."""
    check_local_path(path, "pipeline file")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read pipeline file: {exc.strerror or exc}") from None
    data, lines = load_yaml(text, str(path))
    return parse_config(data, lines, filename=str(path), base_dir=str(path.parent), inputs=inputs, output=output)


def config_from_dict(data: dict, *, name: str = "<pipeline>", base_dir: str | os.PathLike = ".",
                     inputs: list[str] | None = None, output: str | os.PathLike | None = None) -> PipelineConfig:
    """Validate a pipeline given as a dict (the structure of a pipeline file; ``stages`` may also hold stage
    objects), with the code that validates files. The dict is not modified."""
    data = {k: (v if k == "stages" else copy.deepcopy(v)) for k, v in data.items()} if isinstance(data, dict) else data
    return parse_config(data, {}, filename=name, base_dir=str(base_dir), inputs=inputs, output=output)
