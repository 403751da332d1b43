"""A whole pipeline, as ``corpuskit run`` runs it: the stages, then the GPT's ``train:`` and ``generate:`` sections,
then the report. The Python API and the command are this one function, so they give the same output.

    import corpuskit

    result = corpuskit.run("pipelines/quickstart.yaml", workers=4)        # a pipeline file
    result = corpuskit.run({"input": {...}, "output": "out/x", "stages": [...]})   # the same structure as a dict
    result.stats["output"]["kept_docs"], result.model, result.report

It sits above the runner, the trainer and the report: nothing below imports it.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Callable

from .config import PipelineConfig, limit_problem
from .dataset_card import CARD_NAME, write_dataset_card
from .errors import CorpuskitError
from .executors import Executor
from .gpt.train import TrainConfig
from .lock import DirectoryLock
from .progress import Progress
from .recipe import config_from_dict, load_config
from .runner import RunResult, Runner, input_output_overlap, lock_directory
from .stage import Stage


@dataclass
class PipelineResult:
    """What a pipeline run leaves: the stages' result, the model's (None without ``train:``), the report and the
    dataset card (``OUT/README.md``, or ``OUT/README.corpuskit.md`` beside a README.md of the user's)."""

    run: RunResult
    model: dict | None
    report: Path | None
    card: Path | None = None

    @property
    def output(self) -> Path:
        return self.run.output

    @property
    def stats(self) -> dict:
        return self.run.stats


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


def with_limit(config: PipelineConfig, limit: int | None) -> PipelineConfig:
    """``config`` reading only its first ``limit`` documents (``input.limit``, as ``--limit``; a limit the
    pipeline sets stays when ``limit`` is None); the configuration given is not modified."""
    if limit is None:
        return config
    problem = limit_problem(limit)
    if problem:
        raise CorpuskitError(f"limit: {problem}")
    return replace(config, reader=replace(config.reader, limit=limit))


def write_card(result: RunResult, stages: list[Stage], progress: Progress) -> Path:
    """The run's dataset card (``corpuskit.dataset_card``), so that ``datasets.load_dataset(OUT)`` loads it; a note
    when ``OUT/README.md`` is the user's and the card went beside it."""
    path = write_dataset_card(result.output, result.stats, stages)
    if path.name != CARD_NAME:
        progress.message(f"note: {result.output / CARD_NAME} was not written by corpuskit and is left as it is; "
                         f"the dataset card is in {path} (copy its front matter into README.md for load_dataset)")
    return path


def run(pipeline: PipelineConfig | dict | str | os.PathLike, *, inputs: list[str] | None = None,
        output: str | os.PathLike | None = None, workers: int | None = None, force: bool = False,
        progress: Progress | None = None, log: Callable[[str], Any] | None = None,
        after_stages: Callable[[RunResult], Any] | None = None, report: bool = True,
        executor: Executor | None = None, limit: int | None = None) -> PipelineResult:
    """Run a pipeline: its stages (and the dataset card, OUT/README.md: see ``corpuskit.dataset_card``), then its
    ``train:`` and ``generate:`` sections, then the report (OUT/report.html and OUT/report.json; ``report=False``
    leaves it out). ``inputs`` / ``output`` replace the pipeline's paths, as ``-i`` / ``-o`` do. One lock on the
    output directory is held throughout, so a second run on the same directory (even with ``force``) waits for
    nothing and fails at once. ``log`` receives the trainer's lines (default: none); ``progress`` shows the stages'
    progress (default: none); ``after_stages`` is called with the stages' result before training starts (the
    command prints its summary there). ``executor`` runs the stages' tasks instead of the one the pipeline's
    ``executor:`` section describes (e.g. a ``DaskExecutor`` on a cluster of your own); it is closed when the stages
    are done. ``limit`` reads only the first N documents of the inputs, as ``--limit`` does."""
    config = with_limit(as_config(pipeline, inputs=inputs, output=output), limit)
    problem = input_output_overlap(config.inputs, config.output)
    if problem:
        raise CorpuskitError(problem)
    with DirectoryLock(lock_directory(config.output), what="corpuskit run"):
        progress = progress or Progress(enabled=False)
        runner = Runner(config, force=force, workers=workers, executor=executor, progress=progress)
        result = runner.run()
        root = runner.root  # a remote output: what follows works in its scratch copy, then uploads what it wrote
        if root.remote and (config.train is not None or report):
            names = ["kept", "rejected"]  # the token shards to train on, the documents the report shows
            if config.train is not None:
                names.append(config.train["run_dir"])  # its checkpoint, to resume from
            for name in names:
                root.pull_tree(result.output / name)
        root.snapshot()
        card = write_card(result, runner.stages, progress)
        root.push_changed()
        if after_stages is not None:
            after_stages(result)
        model = None
        if config.train is not None:
            from .gpt.pipeline import run_model_steps

            log = log or (lambda message: None)
            if root.remote:  # the trainer names its scratch copy: say where the files end up
                log = _naming(log, str(result.output), root.shown)
            log(f"\ntraining a GPT on the token shards in {root.shown}")
            model = run_model_steps(replace(config, output=str(result.output)), log=log, force=force)
            root.push_changed()
        report_path = None
        if report:
            from .report import write_report

            report_path, _ = write_report(result.output)
            root.push_changed()
    return PipelineResult(result, model, report_path, card)


def _naming(log: Callable[[str], Any], local: str, shown: str) -> Callable[[str], Any]:
    return lambda message: log(message.replace(local, shown))


@dataclass
class Pipeline:
    """A pipeline built in Python, the same thing as a pipeline file::

        from corpuskit import Pipeline, TrainConfig
        from corpuskit.stages import ExtractStage, LanguageFilter, MinHashDedup, Tokenize

        pipeline = Pipeline(
            [ExtractStage(), LanguageFilter(keep=["zh"]), MinHashDedup(threshold=0.7), Tokenize(vocab_size=4096)],
            input="crawl/", output="out/zh", train=TrainConfig(max_iters=600), generate={"prompts": ["中国"]})
        result = pipeline.run(workers=4)          # stages, train, generate, report: as `corpuskit run`
        result.stats["output"]["kept_docs"]

    ``stages`` holds stage objects (a :class:`corpuskit.Stage` or ``Filter`` instance, built with its parameters;
    a class of one of your own need not be registered, but must be defined at a module's top level so that
    worker processes can import it), stage names, or ``{name: {param: value}}`` items as in a file. ``input`` is
    a path, a list of paths, or the ``input:`` mapping of a file (``{"paths": [...], "format": "jsonl", ...}``);
    ``output`` a directory or the ``output:`` mapping; ``executor`` ``"local"``, ``"dask"`` or its mapping;
    ``train`` a :class:`TrainConfig` or the ``train:`` mapping (``run_dir`` with it); ``generate`` the
    ``generate:`` mapping. Relative paths resolve against ``base_dir``."""

    stages: list[Stage | type[Stage] | str | dict]
    input: str | os.PathLike | list | dict
    output: str | os.PathLike | dict
    name: str = "pipeline"
    executor: str | dict | None = None
    train: TrainConfig | dict | None = None
    generate: dict | None = None
    base_dir: str | os.PathLike = "."

    def document(self) -> dict:
        """The pipeline as a pipeline file's structure (stage objects left as they are)."""
        given = {"name": self.name, "input": self.input, "output": self.output, "stages": list(self.stages),
                 "executor": self.executor, "train": self.train, "generate": self.generate}
        if isinstance(given["train"], TrainConfig):
            given["train"] = asdict(given["train"])
        for key in ("input", "output"):
            value = given[key]
            if isinstance(value, os.PathLike):
                given[key] = os.fspath(value)
            elif isinstance(value, list):
                given[key] = [os.fspath(p) for p in value]
        return {k: v for k, v in given.items() if v is not None}

    def config(self) -> PipelineConfig:
        """The validated configuration (errors name the section and key, e.g. ``stages[1].language.keep``)."""
        return config_from_dict(self.document(), name=self.name, base_dir=self.base_dir)

    def run(self, **options) -> PipelineResult:
        """Run it as ``corpuskit run`` runs a file (``options``: those of :func:`run` but ``inputs``/``output``)."""
        return run(self.config(), **options)
