"""A whole pipeline, as ``corpuskit run`` runs it: the stages, then the GPT's ``train:`` and ``generate:`` sections,
then the report. The Python API and the command are this one function, so they give the same output.

    import corpuskit

    result = corpuskit.run("pipelines/quickstart.yaml", workers=4)        # a pipeline file
    result = corpuskit.run({"input": {...}, "output": "out/x", "stages": [...]})   # the same structure as a dict
    result.stats["output"]["kept_docs"], result.model, result.report

It sits above the runner, the trainer and the report: nothing below imports it.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .config import PipelineConfig, load_config, parse_config
from .errors import CorpuskitError
from .lock import DirectoryLock
from .progress import Progress
from .runner import RunResult, Runner, input_output_overlap


@dataclass
class PipelineResult:
    """What a pipeline run leaves: the stages' result, the model's (None without ``train:``) and the report."""

    run: RunResult
    model: dict | None
    report: Path | None

    @property
    def output(self) -> Path:
        return self.run.output

    @property
    def stats(self) -> dict:
        return self.run.stats


def config_from_dict(data: dict, *, name: str = "<pipeline>", base_dir: str | os.PathLike = ".",
                     inputs: list[str] | None = None, output: str | os.PathLike | None = None) -> PipelineConfig:
    """Validate a pipeline given as a dict (the structure of a pipeline file), with the code that validates files;
    relative paths are relative to ``base_dir``. The dict is not modified."""
    return parse_config(copy.deepcopy(data), {}, filename=name, base_dir=str(base_dir), inputs=inputs, output=output)


def as_config(pipeline: PipelineConfig | dict | str | os.PathLike, *, inputs: list[str] | None = None,
              output: str | os.PathLike | None = None) -> PipelineConfig:
    """A validated configuration from a pipeline file's path, a dict, or a configuration (used as it is)."""
    if isinstance(pipeline, PipelineConfig):
        if inputs is not None or output is not None:
            raise CorpuskitError("inputs and output replace a pipeline file's or dict's paths; "
                                 "a PipelineConfig is used as it is")
        return pipeline
    if isinstance(pipeline, dict):
        return config_from_dict(pipeline, inputs=inputs, output=output)
    return load_config(pipeline, inputs=inputs, output=output)


def run(pipeline: PipelineConfig | dict | str | os.PathLike, *, inputs: list[str] | None = None,
        output: str | os.PathLike | None = None, workers: int | None = None, force: bool = False,
        progress: Progress | None = None, log: Callable[[str], Any] | None = None,
        after_stages: Callable[[RunResult], Any] | None = None, report: bool = True) -> PipelineResult:
    """Run a pipeline: its stages, then its ``train:`` and ``generate:`` sections, then the report (OUT/report.html
    and OUT/report.json; ``report=False`` leaves it out). ``inputs`` / ``output`` replace the pipeline's paths,
    as ``-i`` / ``-o`` do. One lock on the output directory is held throughout, so a second run on the same
    directory (even with ``force``) waits for nothing and fails at once. ``log`` receives the trainer's lines
    (default: none); ``progress`` shows the stages' progress (default: none); ``after_stages`` is called with the
    stages' result before training starts (the command prints its summary there)."""
    config = as_config(pipeline, inputs=inputs, output=output)
    problem = input_output_overlap(config.inputs, config.output)
    if problem:
        raise CorpuskitError(problem)
    with DirectoryLock(config.output, what="corpuskit run"):
        result = Runner(config, force=force, workers=workers,
                        progress=progress or Progress(enabled=False)).run()
        if after_stages is not None:
            after_stages(result)
        model = None
        if config.train is not None:
            from .gpt.pipeline import run_model_steps

            log = log or (lambda message: None)
            log(f"\ntraining a GPT on the token shards in {config.output}")
            model = run_model_steps(config, log=log, force=force)
        report_path = None
        if report:
            from .report import write_report

            report_path, _ = write_report(result.output)
    return PipelineResult(result, model, report_path)
