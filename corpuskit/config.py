"""Pipeline configuration: a YAML file, validated with errors that name the key and the line.

All relative paths in a pipeline file resolve against the file's own directory, so a pipeline
runs the same from any working directory. The file is read with ``yaml.safe_load`` semantics:
no tags that construct Python objects.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import os
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import __version__
from .errors import ConfigError, CorpuskitError
from .inputs import is_glob
from .readers import READERS, ReaderOptions
from .readers.base import DEFAULT_SHARD_BYTES
from .registry import stage_registry
from .stage import Stage
from .storage import check_bucket, check_writable, is_url, local_path, redact
from .values import check_type, parse_size, type_name
from .writers import FORMATS

# ---------------------------------------------------------------------------------------------
# Remote paths

_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")  # s3://, hf://, https://; not a local name with a colon
REMOTE_NOT_SUPPORTED = "remote paths (s3://, gs://, hf://, http(s)://) are not supported here"


def remote_path_problem(path: Any, *, output: bool = False) -> str | None:
    """Why ``path`` cannot be used where only local paths are (a pipeline file, a stage's model file) if it is
    a URL (``scheme://...``), else None. Checked before the path is made absolute: ``Path("s3://b/x")`` is the
    local ``s3:/b/x``, which a run would create or report as missing. Inputs and outputs may be URLs
    (:func:`output_location`, :func:`_input_paths`)."""
    if path is None or not _URL_SCHEME.match(os.fspath(path) if isinstance(path, os.PathLike) else str(path)):
        return None
    fix = ("write to a local directory and upload it afterwards" if output
           else "download it first and give the local path")
    return f"{redact(str(path))!r} is a remote path: {REMOTE_NOT_SUPPORTED}; {fix}"


def check_local_path(path: Any, what: str, *, output: bool = False) -> None:
    """Raise a ConfigError naming ``what`` (e.g. ``-o/--output``) if ``path`` is a remote path."""
    problem = remote_path_problem(path, output=output)
    if problem:
        raise ConfigError(f"{what}: {problem}")


def output_location(path: str | os.PathLike, base: str | os.PathLike = ".") -> str:
    """An output directory as the run keeps it: a URL as given (``s3://bucket/out``, checked to be writable, in
    a bucket that exists, with its scheme's package installed), a local path absolute (against ``base``)."""
    text = os.fspath(path)
    if is_url(text):
        check_writable(text)
        return text.rstrip("/")
    text = os.path.expanduser(local_path(text))
    return text if os.path.isabs(text) else str((Path(base) / text).resolve())


# ---------------------------------------------------------------------------------------------
# YAML with line numbers


def _line_map(node, path=(), out=None) -> dict[tuple, int]:
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            out[path + (key,)] = k.start_mark.line + 1
            _line_map(v, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _line_map(v, path + (i,), out)
    return out


MAX_YAML_NODES = 100_000  # after expanding aliases: a pipeline file is a few hundred


def _expanded_size_exceeds(node, limit: int) -> bool:
    """Whether the document, with every alias expanded, has more than ``limit`` nodes. Aliases make a YAML
    "billion laughs" a few lines long; anything that walks the data (validation, fingerprints) would expand it."""
    count, stack = 0, [node]
    while stack:
        n = stack.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                stack += (k, v)
        elif isinstance(n, yaml.SequenceNode):
            stack += n.value
    return False


class YamlLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` (no tags that construct Python objects) that also reads ``3e-4`` and ``1E6`` as
    numbers, as YAML 1.2 and JSON do: PyYAML follows YAML 1.1, where a float needs a dot, so ``lr: 3e-4`` was
    the string "3e-4" and a type error."""


YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


def yaml_value(text: str) -> Any:
    """One value as a pipeline file would read it (``--set KEY=VALUE`` on the command line)."""
    return yaml.load(text, Loader=YamlLoader)  # noqa: S506 (a SafeLoader)


def load_yaml(text: str, filename: str = "<pipeline>") -> tuple[Any, dict[tuple, int]]:
    """Parse YAML safely (no tags that construct Python objects; aliases bounded); returns the data and a map
    from key paths to line numbers."""
    try:
        node = yaml.compose(text, Loader=YamlLoader)
        if node is not None and _expanded_size_exceeds(node, MAX_YAML_NODES):
            raise ConfigError(f"{filename}: more than {MAX_YAML_NODES:,} values once its aliases are expanded "
                              "(a YAML alias bomb?)")
        data = yaml.load(text, Loader=YamlLoader)  # noqa: S506 (a SafeLoader)
    except RecursionError:
        raise ConfigError(f"{filename}: nested too deeply to be a pipeline file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{filename}{where}: invalid YAML: {problem}") from None
    return data, (_line_map(node) if node is not None else {})


# ---------------------------------------------------------------------------------------------
# Stage parameters


def stage_parameters(cls: type[Stage]) -> dict[str, tuple[Any, Any]]:
    """``{param: (type hint, default)}`` of a stage's constructor."""
    sig = inspect.signature(cls.__init__)
    hints = typing.get_type_hints(cls.__init__)
    return {name: (hints.get(name, Any), p.default) for name, p in sig.parameters.items()
            if name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


# ---------------------------------------------------------------------------------------------
# The configuration


@dataclass
class StageSpec:
    """A stage of a pipeline: its name, its parameters, and the class the name stood for when the pipeline was read.

    The class travels with the spec to the workers (pickled by reference: its module and name), so a stage
    registered by the user's own code runs in worker processes that never ran that registration; the names of the
    built-in stages resolve the same way either way."""

    name: str
    params: dict[str, Any]
    line: int | None = None
    stage_class: type[Stage] | None = field(default=None, compare=False, repr=False)

    def resolve(self) -> type[Stage]:
        return self.stage_class if self.stage_class is not None else stage_registry()[self.name]

    def effective_params(self) -> dict[str, Any]:
        """Every parameter with the value the stage runs with: the file's, else the default (JSON-safe)."""
        defaults = {k: d for k, (_, d) in stage_parameters(self.resolve()).items()
                    if d is not inspect.Parameter.empty}
        return json.loads(json.dumps({**defaults, **self.params}, default=str))

    def build(self) -> Stage:
        return self.resolve()(**self.params)  # the stage keeps its arguments (Stage.__new__)


# The layout of a run's work and state files (dedup lists keyed by row, id hashes...): a run left by a corpuskit
# with another layout is not resumed (its fingerprint differs), it is started again with --force.
WORK_FORMAT = 2


@dataclass
class PipelineConfig:
    inputs: list[str]
    output: str
    name: str = "pipeline"
    input_format: str = "auto"
    reader: ReaderOptions = field(default_factory=ReaderOptions)
    output_format: str = "parquet"
    max_rows_per_shard: int = 1_000_000
    max_bytes_per_shard: int = 512 * 1024**2
    stages: list[StageSpec] = field(default_factory=list)
    executor: dict[str, Any] = field(default_factory=lambda: {"type": "local"})
    source_file: str | None = None
    train: dict[str, Any] | None = None  # after the stages: a GPT on the token shards (gpt/pipeline.py)
    generate: dict[str, Any] | None = None  # then text sampled from it

    def build_stages(self) -> list[Stage]:
        return [spec.build() for spec in self.stages]

    def fingerprint(self) -> str:
        """What determines the output: a re-run with another fingerprint must not resume this one. A limited run
        (``input.limit``) has a fingerprint of its own, so it is never resumed as a full one (nor the reverse);
        without a limit the fingerprint is what it was before the option existed."""
        reader = dataclasses.asdict(self.reader)
        if reader.get("limit") is None:
            reader.pop("limit", None)
        if reader.get("shard_bytes") is None:  # chosen per run (kept in its plan): fingerprints stay as they were
            reader["shard_bytes"] = DEFAULT_SHARD_BYTES
        payload = {
            "inputs": sorted(self.inputs), "input_format": self.input_format,
            "reader": reader, "output_format": self.output_format,
            "max_rows_per_shard": self.max_rows_per_shard, "max_bytes_per_shard": self.max_bytes_per_shard,
            "stages": [[s.name, s.params] for s in self.stages], "version": __version__,
            "work_format": WORK_FORMAT,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def describe(self) -> dict:
        return {"name": self.name, "inputs": self.inputs, "output": self.output,
                "stages": [{s.name: s.params} for s in self.stages], "executor": self.executor,
                "source_file": self.source_file, "train": self.train, "generate": self.generate}


_OUTPUT_KEYS = {"path", "format", "max_rows_per_shard", "max_bytes_per_shard"}
_EXECUTOR_TYPES = {"local": {"type", "workers"}, "dask": {"type", "workers", "address", "threads_per_worker"}}
_READER_FIELDS = {f.name: f for f in dataclasses.fields(ReaderOptions)}
_READER_SIZES = {"max_doc_bytes", "max_decompressed_bytes", "batch_bytes", "shard_bytes"}
#: the sections of a pipeline document this module reads (``corpuskit.recipe`` adds ``train`` and ``generate``)
SECTIONS = {"name", "input", "output", "stages", "executor"}


class Checker:
    """Raises ConfigError messages that name the file, the line and the key path (``stages[2].c.min_words``)."""

    def __init__(self, filename: str, lines: dict[tuple, int]):
        self.filename = filename
        self.lines = lines

    def fail(self, path: tuple, message: str):
        line = None
        p = path
        while line is None and p is not None:
            line = self.lines.get(p)
            p = p[:-1] if p else None
        key = ".".join(str(x) if not isinstance(x, int) else f"[{x}]" for x in path).replace(".[", "[")
        where = f"{self.filename}:{line}" if line else self.filename
        raise ConfigError(f"{where}: {key or 'pipeline'}: {message}")

    def mapping(self, value, path, allowed: set[str] | None = None) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, f"expected a mapping, got {type(value).__name__}")
        if allowed is not None:
            for k in value:
                if k not in allowed:
                    self.fail(path + (k,), f"unknown key; expected one of: {', '.join(sorted(allowed))}")
        return value


class _Paths:
    """Relative paths of a pipeline resolve against its file's directory (or the dict's ``base_dir``)."""

    def __init__(self, base_dir: str | os.PathLike):
        self.base = Path(base_dir)

    def resolve(self, p: str) -> str:
        return str((self.base / os.path.expanduser(p)).resolve()) if not os.path.isabs(p) else p

    def absolute(self, p: str) -> str:
        """Absolute, but links not followed: a broken link is named as itself (the reader says why)."""
        return p if os.path.isabs(p) else os.path.abspath(self.base / os.path.expanduser(p))


def _override_inputs(inputs: list[str]) -> list[str]:
    """``-i`` paths: relative to the current directory (globs as given); checked like the file's own."""
    if not inputs or not all(isinstance(p, (str, os.PathLike)) for p in inputs):
        raise ConfigError("-i/--input: expected one or more paths")
    for p in inputs:
        if is_url(p):
            try:
                check_bucket(str(p))
            except CorpuskitError as exc:
                raise ConfigError(f"-i/--input: {exc}") from None
    inputs = [str(p) if is_glob(str(p)) or is_url(p) else str(Path(local_path(p)).absolute()) for p in inputs]
    missing = [p for p in inputs if not is_glob(p) and not is_url(p) and not os.path.lexists(p)]
    if missing:
        raise ConfigError(f"-i/--input: no such file or directory: {', '.join(missing)}")
    return inputs


def parse_pipeline_sections(top: dict, c: Checker, *, filename: str = "<pipeline>", base_dir: str = ".",
                            inputs: list[str] | None = None,
                            output: str | os.PathLike | None = None) -> PipelineConfig:
    """Validate the data part of a pipeline document (``name``, ``input``, ``output``, ``stages``, ``executor``;
    ``top`` is its mapping, other keys are the caller's). ``inputs`` and ``output`` (the command line's ``-i`` and
    ``-o``, relative to the current directory) replace ``input.paths`` and ``output.path`` *before* validation:
    the file's own paths are then neither required nor checked, so a copy of a pipeline file runs anywhere."""
    paths = _Paths(base_dir)
    if output is not None:
        try:
            output = output_location(output)
        except CorpuskitError as exc:
            raise ConfigError(f"-o/--output: {exc}") from None
    if inputs is not None:
        inputs = _override_inputs(list(inputs))
    name = top.get("name", Path(filename).stem)
    if not isinstance(name, str):
        c.fail(("name",), "expected a string")
    inputs, input_format, reader = _parse_input(top, c, paths, inputs)
    output, output_format, shard_limits = _parse_output(top, c, paths, output)
    return PipelineConfig(
        inputs=inputs, output=output, name=name, input_format=input_format, reader=reader,
        output_format=output_format, **shard_limits, stages=_parse_stages(top.get("stages"), c, paths),
        executor=_parse_executor(top.get("executor"), c), source_file=filename)


def _parse_input(top: dict, c: Checker, paths: _Paths, inputs: list[str] | None):
    """``input:`` → (input paths, format, ReaderOptions)."""
    if "input" not in top and inputs is None:
        c.fail((), "missing key 'input'")
    inp = top.get("input")
    if isinstance(inp, (str, list)):
        inp = {"paths": inp}
    inp = c.mapping(inp, ("input",), {"paths", "format"} | set(_READER_FIELDS))
    if inputs is None:
        inputs = _input_paths(inp.get("paths"), c, paths)
    fmt = inp.get("format", "auto")
    if fmt != "auto" and fmt not in READERS:
        c.fail(("input", "format"), f"expected auto or one of: {', '.join(READERS)}; got {fmt!r}")
    return inputs, fmt, _reader_options(inp, c)


def _input_paths(given: Any, c: Checker, paths: _Paths) -> list[str]:
    listed = [given] if isinstance(given, str) else given
    if not listed or not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
        c.fail(("input", "paths"), "expected a path or a list of paths")
    inputs = []
    for i, p in enumerate(listed):
        where = ("input", "paths", i) if isinstance(given, list) else ("input", "paths")
        if is_url(p):  # its files are listed (and a missing one named) when the run plans its tasks
            try:
                check_bucket(p)
            except CorpuskitError as exc:
                c.fail(where, str(exc))
            inputs.append(p)
            continue
        full = paths.absolute(local_path(p))
        if not is_glob(p) and not os.path.lexists(full):
            c.fail(where, f"no such file or directory: {full}")
        inputs.append(full)
    return inputs


def _reader_options(inp: dict, c: Checker) -> ReaderOptions:
    reader_kwargs = {}
    for k, v in inp.items():
        if k in ("paths", "format"):
            continue
        if k in _READER_SIZES:
            try:
                v = parse_size(v)
            except ValueError as exc:
                c.fail(("input", k), str(exc))
        hint = typing.get_type_hints(ReaderOptions)[k]
        if not check_type(v, hint):
            c.fail(("input", k), f"expected {type_name(hint)}, got {v!r}")
        reader_kwargs[k] = v
    if reader_kwargs.get("encoding_errors", "reject") not in ("reject", "replace"):
        c.fail(("input", "encoding_errors"), "expected 'reject' or 'replace'")
    if reader_kwargs.get("limit") is not None and limit_problem(reader_kwargs["limit"]):
        c.fail(("input", "limit"), limit_problem(reader_kwargs["limit"]))
    return ReaderOptions(**reader_kwargs)


def limit_problem(limit: Any) -> str | None:
    """Why ``limit`` (``input.limit``, ``--limit``) is not a number of documents to read, else None."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        return f"expected a positive number of documents, got {limit!r}"
    return None


def _parse_output(top: dict, c: Checker, paths: _Paths, output: str | None):
    """``output:`` → (output directory, format, shard limits)."""
    out = top.get("output")
    if out is None and output is None:
        c.fail((), "missing key 'output'")
    if isinstance(out, str):
        out = {"path": out}
    out = c.mapping(out, ("output",), _OUTPUT_KEYS)
    if output is None:
        if not isinstance(out.get("path"), str):
            c.fail(("output", "path"), "expected a directory path")
        try:
            output = output_location(out["path"], paths.base)
        except CorpuskitError as exc:
            c.fail(("output", "path"), str(exc))
    out_fmt = out.get("format", "parquet")
    if out_fmt not in FORMATS:
        c.fail(("output", "format"), f"expected one of: {', '.join(FORMATS)}; got {out_fmt!r}")
    limits = {}
    for key, default in (("max_rows_per_shard", 1_000_000), ("max_bytes_per_shard", 512 * 1024**2)):
        v = out.get(key, default)
        try:
            v = parse_size(v)
        except ValueError as exc:
            c.fail(("output", key), str(exc))
        if v < 1:
            c.fail(("output", key), "must be at least 1")
        limits[key] = v
    return output, out_fmt, limits


def _parse_stages(raw_stages: Any, c: Checker, paths: _Paths) -> list[StageSpec]:
    """``stages:`` — each item a stage name, a one-key mapping ``{name: {param: value}}``, or a stage object
    (a :class:`Stage` instance, or a subclass for its defaults) — checked and built once to validate it."""
    raw_stages = raw_stages or []
    if not isinstance(raw_stages, list):
        c.fail(("stages",), "expected a list of stages, e.g. '- length: {min_chars: 200}'")
    return [_parse_stage(item, ("stages", i), c, paths) for i, item in enumerate(raw_stages)]


def _parse_stage(item: Any, path: tuple, c: Checker, paths: _Paths) -> StageSpec:
    stage_name, params, cls = _stage_item(item, path, c)
    params = c.mapping(params, path + (stage_name,))
    signature = stage_parameters(cls)
    for k, v in params.items():
        if k not in signature:
            c.fail(path + (stage_name, k), f"unknown parameter of stage {stage_name!r}; "
                   f"expected one of: {', '.join(signature) or '(none)'}")
        hint = signature[k][0]
        if not check_type(v, hint):
            c.fail(path + (stage_name, k), f"expected {type_name(hint)}, got {v!r}")
    for k, (_, default) in signature.items():
        if default is inspect.Parameter.empty and k not in params:
            c.fail(path + (stage_name,), f"missing required parameter {k!r}")
    params = _resolve_stage_paths(cls, params, path + (stage_name,), c, paths)
    spec = StageSpec(stage_name, params, c.lines.get(path), cls)
    try:
        spec.build()
    except (ValueError, TypeError) as exc:
        # a stage may say which parameter (and item) is wrong: ValueError.param = "keep" or ("keep", 1)
        param = getattr(exc, "param", ())
        c.fail(path + (stage_name, *((param,) if isinstance(param, str) else param)), str(exc))
    return spec


def _stage_item(item: Any, path: tuple, c: Checker) -> tuple[str, Any, type[Stage]]:
    """(name, parameters, class) of one item of ``stages:``."""
    if isinstance(item, Stage):
        return _object_name(type(item)), item.params(), type(item)
    if isinstance(item, type) and issubclass(item, Stage):
        return _object_name(item), {}, item
    if isinstance(item, str):
        item = {item: None}
    if not isinstance(item, dict) or len(item) != 1:
        c.fail(path, "each stage is a one-key mapping: '- STAGE_NAME: {param: value}'")
    (stage_name, params), = item.items()
    stages = stage_registry()
    if stage_name not in stages:
        c.fail(path, f"unknown stage {stage_name!r}; available: {', '.join(sorted(stages))}")
    return stage_name, params, stages[stage_name]


def _object_name(cls: type[Stage]) -> str:
    """A stage object's name in the stats and the ``rejected_by`` column: its ``name``, else its class name."""
    return cls.name or cls.__name__


def _resolve_stage_paths(cls: type[Stage], params: dict, where: tuple, c: Checker, paths: _Paths) -> dict:
    """The files a stage reads (its ``path_params``), made absolute relative to the pipeline's directory."""
    params = dict(params)
    for k in getattr(cls, "path_params", ()):
        value = params.get(k)
        if isinstance(value, os.PathLike):
            value = params[k] = os.fspath(value)
        if isinstance(value, str):
            problem = remote_path_problem(value)
            if problem:
                c.fail(where + (k,), problem)
            params[k] = paths.resolve(value)
        elif isinstance(value, dict):  # e.g. models: {en: PATH, zh: PATH}
            for key, v in value.items():
                if isinstance(v, (str, os.PathLike)):
                    problem = remote_path_problem(v)
                    if problem:
                        c.fail(where + (k, key), problem)
            params[k] = {key: paths.resolve(os.fspath(v)) if isinstance(v, (str, os.PathLike)) else v
                         for key, v in value.items()}
    return params


def _parse_executor(ex: Any, c: Checker) -> dict[str, Any]:
    """``executor:`` → ``{"type": ..., "workers": ..., ...}``."""
    ex = ex or {"type": "local"}
    if isinstance(ex, str):
        ex = {"type": ex}
    ex = c.mapping(ex, ("executor",))
    ex_type = ex.get("type", "local")
    if ex_type not in _EXECUTOR_TYPES:
        c.fail(("executor", "type"), f"unknown executor; expected one of: {', '.join(_EXECUTOR_TYPES)}")
    c.mapping(ex, ("executor",), _EXECUTOR_TYPES[ex_type])
    workers = ex.get("workers")
    if workers is not None and (not check_type(workers, int) or workers < 1):
        c.fail(("executor", "workers"), f"expected a positive integer, got {workers!r}")
    if ex.get("address") is not None and not isinstance(ex["address"], str):
        c.fail(("executor", "address"), "expected a scheduler address such as tcp://host:8786")
    tpw = ex.get("threads_per_worker")
    if tpw is not None and (not check_type(tpw, int) or tpw < 1):
        c.fail(("executor", "threads_per_worker"), f"expected a positive integer, got {tpw!r}")
    return {"type": ex_type, "workers": workers,
            **{k: ex[k] for k in ("address", "threads_per_worker") if ex.get(k) is not None}}
