"""The pipeline runner behind ``corpuskit run``: plan, execute shard by shard, resume, merge stats.

Data flows one way: readers -> stages -> writers. The stage list is cut at each global stage
into *segments*. Segment 0 reads the inputs; each later segment reads the Parquet files that
the one before it wrote to ``OUT/_work/``; between them the global stage runs its phases.

Output layout::

    OUT/kept/part-*.parquet       documents that passed every stage
    OUT/rejected/part-*.parquet   every other document, with rejected_by and reason
    OUT/stats.json                per stage: in, kept, rejected per reason, bytes, seconds
    OUT/_state/                   the plan and one marker per finished task (resume)

A task's output files appear (by rename) before its marker is written, and a task that starts
removes whatever an earlier, interrupted attempt left, so killing the run at any moment and
running it again gives exactly the output of one uninterrupted run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fnmatch
import itertools
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import __version__
from .config import PipelineConfig, StageSpec
from .errors import CorpuskitError, InputError, OutputError, TaskError
from .executors import Executor, WorkerDied, make_executor, report_progress
from .fileio import escape_surrogates, write_text_atomic
from .fingerprint import combine, input_digest, stage_files_digest
from .lock import DirectoryLock
from .output_root import OutputRoot
from . import storage
from .ids import IDS_DIR, count_repeated_ids, id_hashes_of, write_id_hashes
from .inputs import expand_inputs, group_shards, is_glob, limit_tasks, plan_tasks, task_bytes
from .progress import Progress
from .readers import BatchBuilder, ProgressSink, ReaderOptions, ReadTask, make_reader
from .schema import CORE_NAMES, kept_schema, rejected_schema, text_bytes
from .stage import GlobalContext, GlobalStage, Stage, apply_stage
from .stats import StageStats, check_conservation, format_table, merge_stage_lists
from .writers import ShardWriter

STATE_DIR = "_state"
WORK_DIR = "_work"
READ_STAGE = "read"


# ---------------------------------------------------------------------------------------------
# Segments


@dataclass
class Segment:
    index: int
    specs: list[StageSpec]  # per-shard stages; specs[0] is the global stage when ``global_first``
    stages: list[Stage] = field(default_factory=list)  # built from ``specs`` once, in the main process
    global_first: bool = False  # the segment starts by applying a global stage's decisions
    ends_with_global: StageSpec | None = None  # the global stage whose phases run after it


def split_segments(specs: list[StageSpec], stages: list[Stage]) -> list[Segment]:
    segments = [Segment(0, [])]
    for spec, stage in zip(specs, stages):
        if isinstance(stage, GlobalStage):
            segments[-1].ends_with_global = spec
            segments.append(Segment(len(segments), [spec], [stage], global_first=True))
        else:
            segments[-1].specs.append(spec)
            segments[-1].stages.append(stage)
    return segments


# ---------------------------------------------------------------------------------------------
# Work done in the workers (module-level functions: they must pickle)


@dataclass(frozen=True)
class RunOutput:
    """What every shard of a run writes to, and how: the same for all of them."""

    rejected_dir: str
    state_dir: str
    format: str  # of the rejected output and of the last segment's kept output
    max_rows: int
    max_bytes: int
    fingerprint: str  # of the run: written in each shard's marker
    root: OutputRoot | None = None  # the output directory (its paths above are in the main process's copy of it)


@dataclass
class SegmentWork:
    """What every shard of one segment does: read (segment 0) or take the last segment's files, run the stages."""

    index: int
    specs: list[StageSpec]
    global_ctx: dict | None  # GlobalContext fields for the segment's global stage
    reader: ReaderOptions
    annotation_fields: list[pa.Field]  # every stage's columns (rejected output, final kept output)
    kept_fields: list[pa.Field]  # the columns known up to this segment (intermediate kept output)
    kept_dir: str
    kept_format: str
    batch_docs: int
    output: RunOutput


@dataclass
class ShardJob:
    work: SegmentWork
    task: int
    source: dict  # {"read": [ReadTask dict, ...]} or {"parquet": path}
    ids_file: str | None = None  # segment 0: where the sorted hashes of the ids read go (repeated-id count)


# Stages set up in this process, per thread: a Dask worker may run several shards at once on threads, and a
# global stage holds the state of the shard it is on (its decisions, the next row), so threads never share one.
_LOCAL = threading.local()


def _stage_cache() -> dict[tuple, list[Stage]]:
    if not hasattr(_LOCAL, "stages"):
        _LOCAL.stages = {}
    return _LOCAL.stages


def _stages_for(job: ShardJob) -> list[Stage]:
    """Build and set up a segment's stages once per worker process (and thread), for this output directory."""
    cache = _stage_cache()
    work = job.work
    key = (work.output.fingerprint, work.index, work.output.state_dir)
    if key not in cache:
        stages = [spec.build() for spec in work.specs]
        for stage in stages:
            stage.setup()
        if work.global_ctx is not None:
            stages[0].bind(GlobalContext(**work.global_ctx))
        cache[key] = stages
    return cache[key]


def release_stages() -> None:
    """Close the stages this thread set up (the in-process executor runs shards here)."""
    cache = _stage_cache()
    while cache:
        _, stages = cache.popitem()
        for stage in stages:
            stage.close()


def shard_prefix(segment: int, task: int) -> str:
    return f"part-s{segment:02d}-t{task:06d}"


def marker_path(state_dir: str | Path, segment: int, task: int) -> Path:
    return Path(state_dir) / f"s{segment:02d}-t{task:06d}.json"


def _remove_task_outputs(directory: str, prefix: str, root: OutputRoot | None = None) -> None:
    """Delete what an interrupted attempt of a task left (here, and in the bucket for a remote output)."""
    if root is not None and root.remote:
        root.remove(os.path.join(directory, f"{prefix}-"), prefix=True)
    d = Path(directory)
    if not d.is_dir():
        return
    for p in list(d.glob(f"{prefix}-*")) + list(d.glob(f".{prefix}-*")):
        p.unlink(missing_ok=True)


@dataclass
class ReadLog:
    """What reading a shard noted besides documents: file errors, warnings, reader counters, id hashes."""

    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    counters: dict[str, float] = field(default_factory=dict)
    id_hashes: list | None = None  # hashes of the ids read, when the run counts repeated ids


def _source_batches(job: ShardJob, read_stats: StageStats | None, log: ReadLog):
    """Yield ``(documents, reader_rejects)``: from a reader (segment 0) or an intermediate Parquet file."""
    if "parquet" in job.source:
        pf = pq.ParquetFile(job.source["parquet"])
        for batch in pf.iter_batches(batch_size=job.work.batch_docs):
            table = pa.Table.from_batches([batch])
            report_progress(docs=table.num_rows, nbytes=text_bytes(table))
            yield table, None
        return
    for piece in job.source["read"]:
        yield from _read_piece(ReadTask.from_dict(piece), job, read_stats, log)


def _read_piece(task: ReadTask, job: ShardJob, read_stats: StageStats, log: ReadLog):
    reader = make_reader(task.format, job.work.reader)
    reported = [0]

    def on_bytes(delta):
        reported[0] += delta

    sink = ProgressSink(on_bytes)
    builder = BatchBuilder(task.rel, job.work.batch_docs, job.work.reader.batch_bytes)
    t0 = time.perf_counter()
    if task.error is not None:
        log.errors.append({"file": task.rel, "error": task.error, "position": None})
        return
    docs_before, errors_before = read_stats.docs_in, len(log.errors)
    docs = reader.iter_docs(task, sink)
    if task.max_docs is not None:  # input.limit: the plan says how many documents of this task to read
        docs = itertools.islice(docs, task.max_docs)
    try:
        for doc in docs:
            if builder.add(doc):
                read_stats.seconds += time.perf_counter() - t0
                yield _route_read_batch(builder.take(), read_stats, reported, log)
                t0 = time.perf_counter()
    except InputError as exc:
        log.errors.append({"file": task.rel, "error": exc.message, "position": exc.position})
    except (OSError, ValueError, UnicodeError, MemoryError) as exc:
        log.errors.append({"file": task.rel, "error": f"{type(exc).__name__}: {exc}", "position": None})
    read_stats.seconds += time.perf_counter() - t0
    if len(builder):
        yield _route_read_batch(builder.take(), read_stats, reported, log)
    if (read_stats.docs_in == docs_before and len(log.errors) == errors_before and task.start == 0
            and task.end is None):
        log.warnings.append({"file": task.rel, "warning": "no documents in this file (is it empty?)"})
    for key, n in reader.counters().items():
        log.counters[key] = log.counters.get(key, 0) + n
    if reported[0]:
        report_progress(nbytes=reported[0])


def _route_read_batch(table: pa.Table, read_stats: StageStats, reported: list, log: ReadLog):
    """Count the reader's verdicts and split its rejects from the documents."""
    if log.id_hashes is not None:
        log.id_hashes.append(id_hashes_of(table.column("id")))
    is_rej = pc.is_valid(table.column("reason"))
    rejected = table.filter(is_rej)
    kept = table.filter(pc.invert(is_rej)).select(CORE_NAMES)
    read_stats.docs_in += table.num_rows
    read_stats.docs_kept += kept.num_rows
    read_stats.docs_rejected += rejected.num_rows
    read_stats.bytes_in += text_bytes(table)
    read_stats.bytes_kept += text_bytes(kept)
    if rejected.num_rows:
        read_stats.add_reasons(rejected.column("reason").to_pylist())
    report_progress(docs=table.num_rows, nbytes=reported[0])
    reported[0] = 0
    return kept, rejected


def _describe_source(source: dict) -> str:
    if "read" in source:
        pieces = source["read"]
        t = pieces[0]
        part = f" (from byte/row group {t['start']})" if t["start"] or t["end"] is not None else ""
        more = f" and {len(pieces) - 1} more file(s)" if len(pieces) > 1 else ""
        return f"{t['rel']}{part}{more}"
    return os.path.basename(source["parquet"])


def storage_error(exc: BaseException, where: str) -> OutputError | None:
    """A clear one-line error for a write that failed for want of space or permission, else None."""
    if not isinstance(exc, OSError):
        return None
    path = exc.filename or where
    text = str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT) or "No space left on device" in text or "quota exceeded" in text:
        return OutputError(f"no space left on the device (ENOSPC) while writing {path}: free some space, then run "
                           "the same command again to continue")
    if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
        return OutputError(f"cannot access {path}: {exc.strerror} (check its permissions)")
    return None


def run_shard(job: ShardJob) -> dict:
    """Process one shard through one segment's stages; commit outputs, then write the marker."""
    try:
        root = job.work.output.root
        if root is not None and root.remote:
            return _run_remote_shard(job, root)
        return _run_shard(job)
    except CorpuskitError:
        raise
    except Exception as exc:
        clear = storage_error(exc, job.work.kept_dir)
        if clear is not None:
            raise clear from None
        import traceback

        raise TaskError(f"shard {_describe_source(job.source)} failed: {type(exc).__name__}: {exc}\n"
                        f"{traceback.format_exc()}") from None


def _run_shard(job: ShardJob) -> dict:
    work, out = job.work, job.work.output
    stages = _stages_for(job)
    if work.global_ctx is not None:
        stages[0].begin_shard(job.task)  # segment k > 0: task i reads ctx.shards[i]
    prefix = shard_prefix(work.index, job.task)
    _remove_task_outputs(work.kept_dir, prefix, out.root)
    _remove_task_outputs(out.rejected_dir, prefix, out.root)
    kept_w = ShardWriter(work.kept_dir, prefix, kept_schema(work.kept_fields), fmt=work.kept_format,
                         max_rows=out.max_rows, max_bytes=out.max_bytes)
    rej_w = ShardWriter(out.rejected_dir, prefix, rejected_schema(work.annotation_fields), fmt=out.format,
                        max_rows=out.max_rows, max_bytes=out.max_bytes)
    read_stats = StageStats(READ_STAGE) if "read" in job.source else None
    stats = [StageStats(spec.name) for spec in work.specs]
    log = ReadLog(id_hashes=[] if job.ids_file and "read" in job.source else None)
    t_start = time.perf_counter()
    try:
        for table, read_rejects in _source_batches(job, read_stats, log):
            rej_w.write(read_rejects)
            for stage, st in zip(stages, stats):
                if table.num_rows == 0:
                    break
                table, rejected = apply_stage(stage, table, st)
                if rejected is not None:
                    rej_w.write(rejected)
            kept_w.write(table)
        kept_files = kept_w.commit()
        rejected_files = rej_w.commit()
    except BaseException:
        kept_w.abort()
        rej_w.abort()
        raise
    if read_stats is not None:
        read_stats.counters.update(log.counters)
    all_stats = ([read_stats] if read_stats is not None else []) + stats
    check_conservation(all_stats)
    written = [*map(str, kept_files), *map(str, rejected_files)]
    if log.id_hashes is not None:
        write_id_hashes(job.ids_file, log.id_hashes)
        written.append(job.ids_file)
    root = out.root or OutputRoot(str(Path(out.state_dir).parent))
    marker = {
        "segment": work.index, "task": job.task, "fingerprint": out.fingerprint,
        "stats": [s.to_dict() for s in all_stats], "errors": log.errors, "warnings": log.warnings,
        # relative to the output directory: a remote output's copies are elsewhere on each machine
        "kept_files": [root.rel(p) for p in kept_files], "kept_docs": kept_w.rows_written,
        "rejected_docs": rej_w.rows_written, "seconds": time.perf_counter() - t_start,
    }
    root.push(*written)  # a remote output: the task's files, each one whole, before its marker
    marker_file = marker_path(out.state_dir, work.index, job.task)
    write_text_atomic(marker_file, json.dumps(marker))
    root.push(marker_file)
    return marker


def _run_remote_shard(job: ShardJob, main_root: OutputRoot) -> dict:
    """A shard of a run whose output is in object storage, in this process's scratch copy of the output: fetch
    what the task reads (its input Parquet file and its global stage's decisions), run it, push its files and
    then its marker (in :func:`_run_shard`), and delete the local copies of the files it wrote."""
    root = main_root.for_this_process()
    job = _rebased_shard_job(job, root, main_root)
    if "parquet" in job.source:
        root.pull(job.source["parquet"])
    if job.work.global_ctx is not None:
        _pull_global_inputs(job, root)
    marker = _run_shard(job)
    for rel in marker["kept_files"]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(root.local, rel))  # pushed: a later task pulls what it reads
    return marker


def _pull_global_inputs(job: ShardJob, root: OutputRoot) -> None:
    """The files a global stage's ``begin_shard`` reads: those its ``shard_files`` names, else its whole work
    directory (each file fetched once per machine)."""
    stages = _stages_for(job)
    wanted = stages[0].shard_files(job.task)
    if wanted is None:
        root.pull_tree(job.work.global_ctx["workdir"])
    else:
        for path in wanted:
            root.pull(path)


def _rebased_shard_job(job: ShardJob, root: OutputRoot, main_root: OutputRoot) -> ShardJob:
    """``job`` with the output's paths in this process's copy instead of the main process's."""
    if root.local == main_root.local:
        return job

    def move(path):
        return root.rebase(path, main_root) if isinstance(path, str) else path

    work = job.work
    output = dataclasses.replace(work.output, rejected_dir=move(work.output.rejected_dir),
                                 state_dir=move(work.output.state_dir), root=root)
    gctx = None if work.global_ctx is None else dict(
        work.global_ctx, workdir=move(work.global_ctx["workdir"]), shards=[move(p) for p in work.global_ctx["shards"]])
    work = dataclasses.replace(work, output=output, global_ctx=gctx, kept_dir=move(work.kept_dir))
    source = {"parquet": move(job.source["parquet"])} if "parquet" in job.source else job.source
    return dataclasses.replace(job, work=work, source=source, ids_file=move(job.ids_file))


@dataclass
class PhaseJob:
    spec: StageSpec
    phase: str
    index: int
    task: Any
    ctx: dict
    marker: str
    root: OutputRoot | None = None  # the output directory; ``ctx`` and ``marker`` are paths in the main's copy


def run_phase_task(job: PhaseJob) -> dict:
    try:
        if job.root is not None and job.root.remote:
            return _run_remote_phase_task(job)
        return _run_phase_task(job)
    except CorpuskitError:
        raise
    except Exception as exc:
        clear = storage_error(exc, job.ctx["workdir"])
        if clear is not None:
            raise clear from None
        raise


def _run_phase_task(job: PhaseJob) -> dict:
    stage = job.spec.build()
    stage.setup()
    ctx = GlobalContext(**job.ctx)
    phase = next(p for p in stage.phases() if p.name == job.phase)
    t0 = time.perf_counter()
    phase.run(job.task, ctx)
    result = {"phase": job.phase, "index": job.index, "seconds": time.perf_counter() - t0}
    write_text_atomic(job.marker, json.dumps(result))
    return result


def _run_remote_phase_task(job: PhaseJob) -> dict:
    """A phase task of a run whose output is in object storage: fetch the stage's work directory (the files
    missing from this machine's copy), run the task, push what it wrote, then its marker. Phase tasks write
    under fixed names, so another task's files pushed again on the way are the same bytes."""
    root = job.root.for_this_process()
    main_root = job.root
    move = (lambda p: root.rebase(p, main_root))
    ctx = dict(job.ctx, workdir=move(job.ctx["workdir"]), shards=[move(p) for p in job.ctx["shards"]])
    workdir = ctx["workdir"]
    os.makedirs(workdir, exist_ok=True)
    phase = next(p for p in job.spec.build().phases() if p.name == job.phase)
    reads = phase.reads(job.task, GlobalContext(**ctx)) if phase.reads is not None else None
    if reads is None:  # the phase does not say: all it could read
        root.pull_tree(workdir)
        reads = ctx["shards"]
    for path in reads:
        root.pull(path)
    root.snapshot(workdir)
    marker = move(job.marker)
    local = dataclasses.replace(job, ctx=ctx, marker=os.path.join(os.path.dirname(marker), "." + os.path.basename(
        marker)), root=None)
    result = _run_phase_task(local)  # its marker under a temporary (dot) name: pushed last, under its own
    root.push_changed(workdir)
    os.replace(local.marker, marker)
    root.push(marker)
    return result


# ---------------------------------------------------------------------------------------------
# The runner


@dataclass
class RunResult:
    stats: dict
    output: Path  # where this process read and wrote the output: the directory, or its scratch copy (a URL's)
    errors: list = field(default_factory=list)
    already_complete: bool = False
    location: str = ""  # the output as named (``s3://bucket/out``, shown without credentials), else ``output``

    def shown(self, *parts: str) -> str:
        """A path of the output as the user knows it: in the bucket for a remote output."""
        return storage.join(self.location or str(self.output), *parts)


class Runner:
    def __init__(self, config: PipelineConfig, *, force: bool = False, workers: int | None = None,
                 progress: Progress | None = None, executor: Executor | None = None):
        self.config = config
        self.root = OutputRoot(str(config.output))
        self._bind_paths()  # a remote output: again once the run's id is known (its scratch copy)
        self.force = force
        self.progress = progress or Progress(enabled=False)
        self.executor = executor or make_executor(config.executor, workers)
        self.config_fingerprint = config.fingerprint()
        self.stages = config.build_stages()  # once, in this process: workers build their own from the specs
        self.stage_files = stage_files_digest(self.stages)
        self.fingerprint = combine(self.config_fingerprint, self.stage_files)

    # -- state ----------------------------------------------------------------------------
    def _bind_paths(self) -> None:
        self.out = Path(self.root.local)  # where this process reads and writes: the output, or its scratch copy
        self.state = self.out / STATE_DIR
        self.work = self.out / WORK_DIR

    def _attach_remote(self, owned: list[str]) -> dict:
        """A remote output: clear it with ``--force``, read its run id (or make one), work in the scratch copy of
        that run, and fetch the run's state (markers, plan) and stats.json into it. Returns what run.json adds."""
        root = self.root
        if self.force:
            for name in owned:
                root.remove(os.path.join(root.local, name))
        text = root.read_text(os.path.join(root.local, STATE_DIR, "run.json"))
        previous = json.loads(text) if text else {}
        if not previous and any(name in owned for name in root.names()):
            raise OutputError(f"{root.shown} holds output that is not from this pipeline; "
                              "use --force to replace it, or choose another output directory")
        import uuid

        run_id = previous.get("run_id") or uuid.uuid4().hex
        root.bind_run(run_id)
        self._bind_paths()
        root.pull_tree(self.state, refresh=True)
        root.pull(self.out / "stats.json", refresh=True)
        return {"run_id": run_id, "output": root.shown}

    def _prepare_output(self) -> None:
        owned = ["kept", "rejected", STATE_DIR, WORK_DIR, "stats.json"]
        remote = self._attach_remote(owned) if self.root.remote else {}
        if self.force:
            for name in owned:
                p = self.out / name
                if p.is_dir():
                    shutil.rmtree(p)
                elif p.exists():
                    p.unlink()
        run_file = self.state / "run.json"
        if run_file.exists():
            previous = json.loads(run_file.read_text())
            if previous.get("fingerprint") != self.fingerprint:
                self._refuse_other_limit(previous)
                changed = _changed_files(previous, self.config_fingerprint, self.stage_files)
                if changed:
                    raise OutputError(f"{changed} since the run in {self.out} started, and the output depends on "
                                      "its content: restore it, or use --force to start over")
                raise OutputError(f"{self.out} holds a run of a different pipeline or different inputs "
                                  f"(fingerprint {previous.get('fingerprint')} != {self.fingerprint}); "
                                  "use --force to start over, or choose another output directory")
        elif any((self.out / name).exists() for name in owned):
            raise OutputError(f"{self.out} holds output that is not from this pipeline; "
                              "use --force to replace it, or choose another output directory")
        self.state.mkdir(parents=True, exist_ok=True)
        for directory in (self.state, self.state / IDS_DIR, self.out / "kept", self.out / "rejected"):
            # temporary files of an interrupted run (this run holds the lock: nobody else writes here)
            for tmp in directory.glob(".*.tmp") if directory.is_dir() else []:
                tmp.unlink(missing_ok=True)
        write_text_atomic(run_file, json.dumps({"fingerprint": self.fingerprint, "version": __version__,
                                                "config_fingerprint": self.config_fingerprint,
                                                "stage_files": self.stage_files, "limit": self.config.reader.limit,
                                                "config": self.config.describe(), **remote}, indent=2, default=str))
        self.root.push(run_file)

    def _refuse_other_limit(self, previous: dict) -> None:
        """A run limited to a number of documents (``input.limit``, ``--limit``) and one with another limit, or
        none, are different runs: the error says which (the fingerprints differ)."""
        before, now = previous.get("limit"), self.config.reader.limit
        if before != now:
            raise OutputError(f"{self.out} holds a run of {_documents_read(before)}, this one is of "
                              f"{_documents_read(now)} (--limit, input.limit): use --force to start over, or "
                              "choose another output directory")

    def _plan(self) -> dict:
        plan_file = self.state / "plan.json"
        if plan_file.exists():
            plan = json.loads(plan_file.read_text())
            self._check_inputs(plan)
            return plan
        files, root, skipped = expand_inputs(self.config.inputs, self.config.input_format)
        workers = self.executor.workers
        size = task_bytes(sum(f.size for f in files), workers, self.config.reader)
        if sum(f.size for f in files) > size:  # more than one task: the workers start while the inputs are cut
            self.executor.start()
        options = dataclasses.replace(self.config.reader, shard_bytes=size)
        tasks, limit = plan_tasks(files, root, options, workers), None
        if self.config.reader.limit is not None:
            tasks, limit = self._limit_tasks(tasks, len(files))
        shards = group_shards(tasks, size)
        plan = {"root": root, "skipped_files": skipped, "task_bytes": size,
                "files": [{"path": f.path, "format": f.format, **input_digest(f.path)} for f in files],
                "shards": [[t.to_plan_dict() for t in shard] for shard in shards]}
        if limit is not None:  # only then: plans of runs without a limit stay as they were
            plan["limit"] = limit
        write_text_atomic(plan_file, json.dumps(plan))
        self.root.push(plan_file)
        return plan

    def _limit_tasks(self, tasks: list[ReadTask], n_files: int) -> tuple[list[ReadTask], dict]:
        """The tasks of the first ``input.limit`` documents (:func:`corpuskit.inputs.limit_tasks`), and what the
        plan and stats.json say of the limit: ``{"documents", "reached", "files_read", "files_not_read"}``."""
        limit = self.config.reader.limit
        chosen, reached = limit_tasks(tasks, self.config.reader, limit)
        files_read = len({t.path for t in chosen})
        self.progress.message(f"limit: the first {limit:,} documents, from {files_read:,} of {n_files:,} input "
                              f"file(s){'' if reached else ' (the inputs hold fewer)'}")
        return chosen, {"documents": limit, "reached": reached, "files_read": files_read,
                        "files_not_read": n_files - files_read}

    def _check_inputs(self, plan: dict, *, complete: bool = False) -> None:
        """The inputs as they are now against the plan: the same files, with the same size, time and edges. A new
        or changed input is an error (the output would not be theirs); a vanished one too while the run has work
        left, but a finished run stands (its output is still what those inputs gave): a note says so."""
        planned = {f["path"]: f for f in plan["files"]}
        try:
            files, _, _ = expand_inputs(self.config.inputs, self.config.input_format)
        except InputError:
            files = []  # every input has gone
        now = {f.path for f in files}
        changed = [f"{p} is new" for p in sorted(now - planned.keys())]
        gone = [f"{p} has gone" for p in sorted(planned.keys() - now)]
        for path in sorted(now & planned.keys()):
            recorded = planned[path]  # plans of older work formats never get here: their fingerprint differs
            if input_digest(path) != {k: recorded[k] for k in ("size", "mtime_ns", "edges")}:
                changed.append(f"{path} changed")
        problems = changed + gone
        listed = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
        if changed or (gone and not complete):
            raise OutputError(f"the inputs changed since the run in {self.out} started: {listed}; "
                              "use --force to start over with the inputs as they are now")
        if gone:
            self.progress.message(f"note: inputs of the finished run in {self.out} have gone ({listed}); "
                                  "its output stays as they gave it")

    # -- run ------------------------------------------------------------------------------
    def run(self) -> RunResult:
        """Run (or resume) the pipeline, holding the output directory's lock throughout. A caller that does more
        with the output afterwards (training, the report) holds the same lock around this call:
        ``with DirectoryLock(out): Runner(config).run(); ...`` (the lock is re-entrant within a process)."""
        problem = input_output_overlap(self.config.inputs, self.root.location)
        if problem:
            raise OutputError(problem)
        with DirectoryLock(lock_directory(self.root.location), what="corpuskit run"):
            try:
                return self._run()
            except OSError as exc:
                clear = storage_error(exc, str(self.out))
                if clear is None:
                    raise
                raise clear from None

    def _run(self) -> RunResult:
        self._prepare_output()
        stats_file = self.out / "stats.json"  # after: a remote output's copy is known once its run id is
        plan_file = self.state / "plan.json"
        if stats_file.exists() and not self.force:
            stats = json.loads(stats_file.read_text())
            if stats.get("fingerprint") == self.fingerprint:
                if plan_file.exists():  # inputs edited or added since are an error, never ignored
                    self._check_inputs(json.loads(plan_file.read_text()), complete=True)
                self.root.remove(self.work)  # in case the last run died just before this
                return RunResult(stats, self.out, stats.get("errors", []), already_complete=True,
                                 location=self.root.shown)
        plan = self._plan()
        t0 = time.time()
        for path in plan["skipped_files"]:
            self.progress.message(f"skipping {path}")
        annotation_fields = _annotation_fields(self.stages)
        segments = self._segments = split_segments(self.config.stages, self.stages)
        markers: dict[int, list[dict]] = {}
        self._phase_reports: dict[int, dict] = {}
        global_ctxs: dict[int, dict] = {}
        sources: list[dict] = [{"read": shard} for shard in plan["shards"]]
        total_bytes = sum(t["size"] for shard in plan["shards"] for t in shard)
        try:
            for seg in segments:
                gctx = None
                if seg.global_first:
                    gctx = global_ctxs[seg.index] = self._global_ctx(seg.index - 1, sources)
                    self._phase_reports[seg.index] = self._run_phases(seg.specs[0], seg.stages[0], gctx)
                markers[seg.index] = self._run_segment(seg, sources, len(segments), annotation_fields, gctx,
                                                       total_bytes)
                sources = [{"parquet": f} for m in markers[seg.index] for f in m["kept_files"]]
                total_bytes = 0
        finally:
            self.executor.close()
            release_stages()
        stats = self._merge(markers, segments, plan, t0)
        if stats["stages"] and stats["stages"][0]["docs_in"] == 0:
            self.progress.message("warning: no documents were read from the inputs")
        self._finish_stages(segments, global_ctxs, stats)
        self.root.push_changed(skip=(STATE_DIR, WORK_DIR, "kept", "rejected"))  # what the stages' finish added
        # paths that are not valid UTF-8 hold lone surrogates: written as JSON escapes, read back the same
        write_text_atomic(stats_file, escape_surrogates(json.dumps(stats, indent=2, ensure_ascii=False)))
        self.root.push(stats_file)  # last: stats.json in the output marks the run complete
        self.root.remove(self.work)
        return RunResult(stats, self.out, stats["errors"], location=self.root.shown)

    def _finish_stages(self, segments: list[Segment], global_ctxs: dict[int, dict], stats: dict) -> None:
        """Each stage's ``finish`` (files it adds beside the output), before stats.json marks the run done."""
        for seg in segments:
            for k, stage in enumerate(seg.stages):
                if k == 0 and seg.index in global_ctxs:
                    stage.bind(GlobalContext(**global_ctxs[seg.index]))
                stage.finish(self.out, stats)

    def _global_ctx(self, segment_before: int, sources: list[dict]) -> dict:
        workdir = self.work / f"global-{segment_before:02d}"
        workdir.mkdir(parents=True, exist_ok=True)
        return {"workdir": str(workdir), "shards": [s["parquet"] for s in sources]}

    def _run_phases(self, spec: StageSpec, stage: GlobalStage, gctx: dict) -> dict:
        """Run a global stage's phases (skipping tasks done before a resume); returns the stage's
        ``phase_report`` with the task-seconds of each phase."""
        ctx = GlobalContext(**gctx)
        task_seconds = {}
        for phase in stage.phases():
            items = phase.plan(ctx)
            jobs, markers = [], []
            self._pull_phase_markers(gctx["workdir"])
            for i, item in enumerate(items):
                m = Path(gctx["workdir"]) / f"phase-{phase.name}-{i:06d}.done"
                markers.append(m)
                if not m.exists():
                    jobs.append(PhaseJob(spec, phase.name, i, item, gctx, str(m), self.root))
            self.progress.begin(f"{spec.name}:{phase.name}", len(items), 0)
            done = len(items) - len(jobs)
            with _naming_dead_workers(lambda k: f"task {jobs[k].index} of phase {phase.name!r} of stage "
                                                f"{spec.name!r}"):
                for _ in self.executor.map_unordered(run_phase_task, jobs, poll=self._poll):
                    done += 1
                    self._poll(done)
            self.progress.finish()
            self._pull_phase_markers(gctx["workdir"])  # the workers' markers, for the seconds they took
            task_seconds[phase.name] = round(sum(json.loads(m.read_text())["seconds"] for m in markers), 3)
        self._pull_main_reads(stage, ctx)
        return {"phase_task_seconds": task_seconds, **stage.phase_report(ctx)}

    def _pull_main_reads(self, stage: GlobalStage, ctx: GlobalContext) -> None:
        """What a global stage's report and ``finish`` read here, from a remote output's bucket."""
        if not self.root.remote:
            return
        reads = stage.main_reads(ctx)
        if reads is None:
            self.root.pull_tree(ctx.workdir)
        for path in reads or []:
            self.root.pull(path)

    def _pull_phase_markers(self, workdir: str) -> None:
        if self.root.remote:
            os.makedirs(workdir, exist_ok=True)
            self.root.pull_tree(workdir, match=lambda name: name.startswith("phase-") and name.endswith(".done"))

    def _poll(self, tasks_done: int | None = None):
        counters = self.executor.counters()
        if counters is None:
            self.progress.update(0, 0, tasks_done)
        else:
            self.progress.update(counters[0].value, counters[1].value, tasks_done)

    def _segment_work(self, seg: Segment, n_segments: int, annotation_fields, gctx) -> SegmentWork:
        last = seg.index == n_segments - 1
        config = self.config
        output = RunOutput(rejected_dir=str(self.out / "rejected"), state_dir=str(self.state),
                           format=config.output_format, max_rows=config.max_rows_per_shard,
                           max_bytes=config.max_bytes_per_shard, fingerprint=self.fingerprint, root=self.root)
        return SegmentWork(
            index=seg.index, specs=seg.specs, global_ctx=gctx, reader=config.reader,
            annotation_fields=annotation_fields,
            # an intermediate segment's output holds the columns known so far (later stages add theirs)
            kept_fields=annotation_fields if last else _annotation_fields(
                [stage for s in self._segments[: seg.index + 1] for stage in s.stages]),
            kept_dir=str(self.out / "kept") if last else str(self.work / f"segment-{seg.index:02d}"),
            kept_format=config.output_format if last else "parquet",
            batch_docs=max([config.reader.batch_docs] + [stage.min_batch_docs for stage in seg.stages]),
            output=output)

    def _run_segment(self, seg: Segment, sources: list[dict], n_segments: int, annotation_fields, gctx,
                     total_bytes: int) -> list[dict]:
        work = self._segment_work(seg, n_segments, annotation_fields, gctx)
        jobs, results = [], {}
        # a remote output's kept files: one listing of the bucket, not a request per file
        present = self.root.files_under(work.kept_dir) if self.root.remote else None
        for i, src in enumerate(sources):
            m = marker_path(self.state, seg.index, i)
            if m.exists():
                marker = self._with_local_paths(json.loads(m.read_text()))
                if marker.get("fingerprint") == self.fingerprint and all(
                        (f in present) if present is not None else os.path.exists(f) for f in marker["kept_files"]):
                    results[i] = marker
                    continue
            ids_file = (str(self.state / IDS_DIR / f"s{seg.index:02d}-t{i:06d}.npy")
                        if seg.index == 0 and self.config.reader.id_field else None)
            jobs.append(ShardJob(work, i, src, ids_file))
        label = self.config.name if n_segments == 1 else f"{self.config.name} [segment {seg.index}]"
        counters = self.executor.counters()
        base = (counters[0].value, counters[1].value) if counters else (0, 0)
        done_bytes = sum(t["size"] for i in results if "read" in sources[i] for t in sources[i]["read"])
        self.progress.begin(label, len(sources), max(total_bytes - done_bytes, 0), *base)
        self.progress.tasks_done = len(results)
        if results and jobs:
            self.progress.message(f"resuming: {len(results)} of {len(sources)} tasks done"
                                  f"{'' if n_segments == 1 else f' (segment {seg.index})'}")
        done = len(results)
        with _naming_dead_workers(lambda k: f"shard {_describe_source(jobs[k].source)} (segment {seg.index}, "
                                            f"task {jobs[k].task})"):
            for k, marker in self.executor.map_unordered(run_shard, jobs, poll=self._poll):
                marker = results[jobs[k].task] = self._with_local_paths(marker)
                done += 1
                self._poll(done)
                for err in marker["errors"]:
                    self.progress.message(f"error: {err['file']}"
                                          f"{' at ' + err['position'] if err.get('position') else ''}: "
                                          f"{err['error']}")
                for warning in marker.get("warnings", []):
                    self.progress.message(f"warning: {warning['file']}: {warning['warning']}")
        self.progress.update(*(c.value for c in counters) if counters else (0, 0), done, force=True)
        self.progress.finish()
        return [results[i] for i in range(len(sources))]

    def _with_local_paths(self, marker: dict) -> dict:
        """A marker's kept files (relative to the output directory; absolute in markers of older versions) as
        paths in this process's copy of the output."""
        return dict(marker, kept_files=[str(self.out / f) for f in marker["kept_files"]])

    def _repeated_ids(self, plan: dict) -> dict | None:
        """How many ids the input repeats (decisions never depend on them: this is for the user to know). None
        without ``id_field``: ids are then ``path#index``, distinct by construction, and not counted."""
        if not self.config.reader.id_field:
            return None
        self.root.pull_tree(self.state / IDS_DIR)
        paths = [p for p in (self.state / IDS_DIR / f"s00-t{i:06d}.npy" for i in range(len(plan["shards"])))
                 if p.exists()]
        repeated = count_repeated_ids(paths)
        if repeated["ids"]:
            self.progress.message(f"note: {repeated['documents']:,} documents share {repeated['ids']:,} ids "
                                  f"(input.id_field {self.config.reader.id_field!r}); every document is still "
                                  "kept or rejected on its own (stats.json input.repeated_ids)")
        return repeated

    def _merge(self, markers: dict[int, list[dict]], segments: list[Segment], plan: dict, t0: float) -> dict:
        stage_lists = []
        errors, warnings = [], []
        reports = {}  # position in the stage list -> the global stage's phase report
        position = 0
        for seg in segments:
            if seg.index in self._phase_reports:
                reports[position] = self._phase_reports[seg.index]
            position += len(seg.specs) + (1 if seg.index == 0 else 0)
            lists = [[StageStats.from_dict(s) for s in m["stats"]] for m in markers[seg.index]]
            if lists:
                stage_lists.extend(merge_stage_lists(lists))
            else:  # no input shards reached this segment
                names = ([READ_STAGE] if seg.index == 0 else []) + [s.name for s in seg.specs]
                stage_lists.extend(StageStats(n) for n in names)
            for m in markers[seg.index]:
                errors.extend(m["errors"])
                warnings.extend(m.get("warnings", []))
        check_conservation(stage_lists)
        last = markers[segments[-1].index]
        kept_files = sorted(os.path.relpath(f, self.out) for m in last for f in m["kept_files"])
        rejected_docs = sum(m["rejected_docs"] for ms in markers.values() for m in ms)
        kept_docs = sum(m["kept_docs"] for m in last)
        if stage_lists and kept_docs != stage_lists[-1].docs_kept:
            raise CorpuskitError(f"kept output holds {kept_docs} documents but the last stage kept "
                                 f"{stage_lists[-1].docs_kept}")
        total_in = stage_lists[0].docs_in if stage_lists else 0
        added = sum(s.docs_added for s in stage_lists)
        if total_in + added != kept_docs + rejected_docs:
            raise CorpuskitError(f"{total_in} documents read and {added} added, but {kept_docs} kept + "
                                 f"{rejected_docs} rejected written")
        # each configured stage's parameters (its thresholds, for the report); stage 0 is the reader
        offset = len(stage_lists) - len(self.config.stages)
        params = {k + offset: spec.effective_params() for k, spec in enumerate(self.config.stages)
                  if 0 <= k + offset < len(stage_lists) and stage_lists[k + offset].name == spec.name}
        return {
            "pipeline": self.config.name, "corpuskit_version": __version__, "fingerprint": self.fingerprint,
            "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "wall_seconds": round(time.time() - t0, 3),
            "input": {"root": plan["root"], "files": len(plan["files"]),
                      "bytes": sum(f["size"] for f in plan["files"]), "shards": len(plan["shards"]),
                      "skipped_files": plan["skipped_files"], "repeated_ids": self._repeated_ids(plan),
                      "limit": plan.get("limit")},
            "output": {"kept_docs": kept_docs, "rejected_docs": rejected_docs, "kept_files": kept_files,
                       "format": self.config.output_format},
            "stages": [dict(s.to_dict(), **({"global": reports[k]} if k in reports else {}),
                            **({"params": params[k]} if k in params else {}))
                       for k, s in enumerate(stage_lists)],
            "errors": errors,
            "warnings": warnings,
        }


@contextlib.contextmanager
def _naming_dead_workers(describe):
    """Turn a worker process that died (out of memory, killed) into an error that names what it was running."""
    try:
        yield
    except WorkerDied as exc:
        what = describe(exc.index) if exc.index is not None else "a task"
        raise TaskError(f"a worker process died ({exc.how}) while running {what}; the tasks finished before "
                        "it are kept: run the same command again to continue (with fewer workers, -w, if memory "
                        "ran out)") from None


def _documents_read(limit: int | None) -> str:
    return "every document" if limit is None else f"the first {limit:,} documents"


def _changed_files(previous: dict, config_fingerprint: str, stage_files: dict) -> str | None:
    """Which file a stage reads changed since the run in the output directory started, if that is the
    only difference (same configuration)."""
    if previous.get("config_fingerprint") != config_fingerprint:
        return None
    before = previous.get("stage_files") or {}
    for path in sorted(set(before) | set(stage_files)):
        if path not in stage_files:
            return f"the stages no longer read {path}"
        if path not in before:
            return f"the stages now read {path}"
        if before[path] != stage_files[path]:
            return f"{path} changed"
    return None


def input_output_overlap(inputs: list[str], output: str | Path) -> str | None:
    """Why a run with these inputs may not write to ``output``, or None. An input inside the output directory
    would be deleted by ``--force`` (and read while it is rewritten); an output inside an input directory would
    be read back as input by the next run. Links are followed: both sides are compared as real paths. Inputs and
    outputs at URLs are not compared (a bucket's keys are not paths a run could follow into)."""
    if storage.is_url(output):
        return None
    out = os.path.realpath(output)

    def inside(path: str, directory: str) -> bool:
        return os.path.commonpath([path, directory]) == directory

    for item in inputs:
        if storage.is_url(item):
            continue
        if not is_glob(item):
            real = os.path.realpath(item)
            if real == out:
                return (f"the output directory {output} is the input directory {item}: its output would be read "
                        "back as input (and --force would delete it); write the output somewhere else")
            if inside(real, out):
                return (f"input {item} lies inside the output directory {output}: a run would overwrite it "
                        "(and --force would delete it); write the output somewhere else")
            if os.path.isdir(real) and inside(out, real):
                return (f"the output directory {output} lies inside the input directory {item}: its output "
                        "would be read back as input; write the output outside the input directory")
            continue
        parts = Path(item).parts
        k = next(i for i, part in enumerate(parts) if is_glob(part))
        base = os.path.realpath(Path(*parts[:k])) if k else os.path.realpath(".")
        pattern = parts[k:]
        if inside(base, out):
            return (f"input pattern {item} reads inside the output directory {output}; "
                    "write the output somewhere else")
        if inside(out, base):
            below = Path(os.path.relpath(out, base)).parts
            n = min(len(below), len(pattern))
            if "**" in pattern or all(fnmatch.fnmatchcase(below[j], pattern[j]) for j in range(n)):
                return (f"input pattern {item} would read the output directory {output}: its output would be "
                        "read back as input; write the output where the pattern cannot reach")
    return None


def lock_directory(output: str) -> str:
    """The directory whose lock a run on ``output`` holds: the output itself, or for a URL its scratch directory on
    this machine (two machines running the same remote output at once are not stopped: don't)."""
    return str(storage.scratch_dir(output)) if storage.is_url(output) else output


def _annotation_fields(stages: list[Stage]) -> list[pa.Field]:
    fields: dict[str, pa.Field] = {}
    for stage in stages:
        for f in stage.output_fields():
            if f.name in CORE_NAMES or f.name in ("rejected_by", "reason"):
                raise ValueError(f"stage {stage.name!r} declares reserved column {f.name!r}")
            if f.name in fields and fields[f.name].type != f.type:
                raise ValueError(f"stages disagree on the type of column {f.name!r}")
            fields[f.name] = f
    return list(fields.values())


def run_pipeline(config: PipelineConfig, **kwargs) -> RunResult:
    """Run a pipeline's stages only (no ``train:``, ``generate:`` or report: :func:`corpuskit.run` runs the whole
    pipeline, as ``corpuskit run`` does)."""
    return Runner(config, **kwargs).run()


def summary(stats: dict) -> str:
    return format_table(stats["stages"])
