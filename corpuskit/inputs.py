"""Expanding inputs (files, directories, globs) into a sorted, stable list of read tasks.

Document ids are derived from each file's path relative to the common root of all inputs,
so they are unique within a run and the same on every machine and every re-run. A file name
that is not UTF-8 appears in ids, ``source`` and reports with its bad bytes as ``\\xNN``
escapes (:func:`~corpuskit.readers.base.path_text`); the file is opened by its real name.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from . import storage
from .errors import ConfigError, InputError
from .readers import ProgressSink, ReaderOptions, ReadTask, detect_format, make_reader
from .readers.base import DEFAULT_SHARD_BYTES, path_text

_GLOB_CHARS = set("*?[")


def is_glob(path: str) -> bool:
    """Whether an input path is a pattern (expanded when the run plans its inputs) rather than a path."""
    return bool(_GLOB_CHARS & set(path))


@dataclass
class InputFile:
    path: str  # absolute, or a URL (``s3://bucket/key``)
    format: str
    size: int


def _glob_root(pattern: str) -> str:
    parts = Path(pattern).parts
    fixed = []
    for part in parts:
        if is_glob(part):
            break
        fixed.append(part)
    return str(Path(*fixed)) if fixed else "."


def unreadable(path: str) -> str | None:
    """Why ``path`` cannot be read as an input file (a dangling symbolic link, a link loop, a FIFO...), or None."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if os.path.islink(path):
            if exc.errno == errno.ELOOP:
                return "a symbolic link loop"
            if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                return f"a symbolic link to {path_text(os.path.realpath(path))}, which does not exist"
        return f"cannot be read: {exc.strerror or exc}"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    return None


def expand_inputs(inputs: list[str], fmt: str = "auto") -> tuple[list[InputFile], str, list[str]]:
    """Resolve inputs to files. Returns ``(files, root, skipped)``; ``skipped`` lists files not read and why.

    An input that matches nothing, or a named file of unknown type without an explicit format,
    is an error (naming it); unknown files found while walking a directory are skipped and reported, and so are
    symbolic links that lead out of the directory named (a pipeline reads only what it names), dangling links,
    link loops and anything else that is not a regular file (a FIFO would block the reader for ever). A named
    input that is a dangling link or a loop is an error saying so. Paths in ``skipped`` are valid Unicode.
    """
    collected = _InputCollector(fmt)
    for item in inputs:
        collected.add_input(item)
    if not collected.found:
        raise InputError(", ".join(path_text(i) for i in inputs), f"no input files of a known type found"
                         f"{_skipped_summary(collected.skipped)}")
    root = common_root(collected.roots)
    files = [collected.found[p] for p in sorted(collected.found)]
    return files, root, collected.skipped


def common_root(roots: list[str]) -> str:
    """The directory all inputs are under: the common path of local roots, the common prefix (whole path
    components) of URL roots of one scheme (``s3://bucket/crawl``). Local and URL inputs together, or URLs of
    several schemes, have no common root: ``""``, and ids then start with each file's whole path or URL."""
    if not roots:
        return os.getcwd()
    schemes = {storage.scheme(r) for r in roots}
    if schemes == {None}:
        return os.path.commonpath(roots)
    if len(schemes) > 1:
        return ""
    proto = schemes.pop()
    split = [r[len(proto) + 3:].rstrip("/").split("/") for r in roots]
    common = []
    for parts in zip(*split):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    return f"{proto}://" + "/".join(common)


def relative(path: str, root: str) -> str:
    """``path`` relative to ``root`` as it prefixes document ids (``crawl/a.warc.gz``), the same for a tree at a
    URL as for the same tree copied to a local directory."""
    if not storage.is_url(path) and not storage.is_url(root) and root:
        return path_text(Path(os.path.relpath(path, root)).as_posix())
    if root and path.startswith(root.rstrip("/") + "/"):
        return path_text(path[len(root.rstrip("/")) + 1:])
    return path_text(path)


def _skipped_summary(skipped: list[str]) -> str:
    """The first few skipped files, for the error that no input file was found."""
    if not skipped:
        return ""
    return f" (skipped: {'; '.join(skipped[:5])}{'; ...' if len(skipped) > 5 else ''})"


class _InputCollector:
    """The files found so far (by absolute path), the roots of the inputs, and the files skipped with why."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.found: dict[str, InputFile] = {}
        self.roots: list[str] = []
        self.skipped: list[str] = []

    def add_input(self, item: str) -> None:
        """One input as named: a pattern, a directory or a file; anything else is an error."""
        if storage.is_url(item):
            _add_url(self, item)
        elif is_glob(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                raise InputError(item, "the pattern matches no file")
            self.roots.append(os.path.abspath(_glob_root(item)))
            for match in matches:
                if os.path.isdir(match):
                    self.walk(match)
                else:
                    self.add_file(match, explicit=False)
        elif os.path.isdir(item):
            self.roots.append(os.path.abspath(item))
            self.walk(item)
        elif os.path.isfile(item):
            self.roots.append(os.path.dirname(os.path.abspath(item)))
            self.add_file(item, explicit=True)
        elif os.path.lexists(item):  # a dangling link, a link loop, a FIFO...
            raise InputError(path_text(item), unreadable(item) or "not a regular file")
        else:
            raise InputError(path_text(item), "no such file or directory")

    def add_object(self, url: str, size: int, explicit: bool) -> None:
        """An object at a URL, as listed (``size`` from the listing), if its type is known."""
        name = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        f = detect_format(name) if self.fmt == "auto" else self.fmt
        if f is None:
            if explicit:
                raise InputError(storage.redact(url), "unknown input type; name it with --format "
                                 "(jsonl, parquet, warc, html, txt)")
            self.skipped.append(f"{storage.redact(url)} (unknown file type)")
            return
        self.found[url] = InputFile(url, f, size)

    def add_file(self, path: str, explicit: bool) -> None:
        """A file, if its type is known and it can be read; else skipped, or an error when it was named
        (``explicit``)."""
        path = os.path.abspath(path)
        f = detect_format(os.path.basename(path)) if self.fmt == "auto" else self.fmt
        if f is None:
            if explicit:
                raise InputError(path_text(path), "unknown input type; name it with --format "
                                 "(jsonl, parquet, warc, html, txt)")
            self.skipped.append(f"{path_text(path)} (unknown file type)")
            return
        problem = unreadable(path)
        if problem is None:
            try:
                size = os.path.getsize(path)
            except OSError as exc:  # gone since it was listed
                problem = f"cannot be read: {exc.strerror or exc}"
        if problem is not None:
            if explicit:
                raise InputError(path_text(path), problem)
            self.skipped.append(f"{path_text(path)} ({problem})")
            return
        self.found[path] = InputFile(path, f, size)

    def walk(self, directory: str) -> None:
        """The files under a directory, in sorted order, without hidden ones or links leading out of it."""
        inside = os.path.realpath(directory)
        for dirpath, dirnames, filenames in os.walk(directory):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                path = os.path.join(dirpath, name)
                target = os.path.realpath(path)
                if os.path.commonpath([inside, target]) != inside:  # a link out of the named directory
                    self.skipped.append(f"{path_text(os.path.abspath(path))} (a link to {path_text(target)}, "
                                        f"outside {path_text(inside)})")
                    continue
                self.add_file(path, explicit=False)


def _add_url(collected: _InputCollector, item: str) -> None:
    """An input at a URL: an object, a "directory" (every object under the prefix, as a local directory is
    walked: hidden names skipped) or a pattern (``s3://bucket/crawl/**/*.warc.gz``). Sizes come from the
    listing. An http(s) URL is one file (its size from a HEAD request, when the server gives one)."""
    fs, path = storage.filesystem(item)
    try:
        if storage.scheme(item) in ("http", "https"):
            collected.roots.append(item.split("?", 1)[0].rsplit("/", 1)[0])
            collected.add_object(item, int(fs.info(path).get("size") or 0), explicit=True)
        elif is_glob(path):
            _add_url_glob(collected, item, fs, path)
        else:
            meta = fs.info(path)
            name = meta.get("name", path).rstrip("/")
            if meta.get("type") == "directory":
                collected.roots.append(storage.url_of(item, fs, name))
                _add_url_tree(collected, item, fs, name)
            else:
                collected.roots.append(storage.url_of(item, fs, name.rsplit("/", 1)[0]))
                collected.add_object(storage.url_of(item, fs, name), int(meta.get("size") or 0), explicit=True)
    except (InputError, ConfigError):
        raise
    except FileNotFoundError as exc:
        if storage.storage_problem(exc, item) is not None:  # no such bucket
            raise storage.input_problem(exc, item) from None
        raise InputError(storage.redact(item), "no such object or prefix") from None
    except Exception as exc:  # noqa: BLE001 (the client's own errors: access denied, no connection...)
        raise storage.input_problem(exc, item) from None


def _add_url_glob(collected: _InputCollector, item: str, fs, pattern: str) -> None:
    """The objects a pattern matches, and everything under the prefixes it matches."""
    matches = fs.glob(pattern, detail=True)
    if not matches:
        raise InputError(storage.redact(item), "the pattern matches no file")
    fixed = []
    for part in pattern.split("/"):
        if is_glob(part):
            break
        fixed.append(part)
    base = "/".join(fixed).rstrip("/")
    collected.roots.append(storage.url_of(item, fs, base))
    for name in sorted(matches):
        if _hidden(name, base) and not _hidden(pattern, base):  # as glob.glob: ``*`` and ``**`` skip dot names
            continue
        if matches[name].get("type") == "directory":
            _add_url_tree(collected, item, fs, name)
        else:
            collected.add_object(storage.url_of(item, fs, name), int(matches[name].get("size") or 0),
                                 explicit=False)


def _hidden(name: str, base: str) -> bool:
    """Whether a part of ``name`` below ``base`` starts with a dot."""
    rel = name[len(base):] if name.startswith(base) else name
    return any(part.startswith(".") for part in rel.split("/"))


def _add_url_tree(collected: _InputCollector, item: str, fs, prefix: str) -> None:
    """Every object under a prefix, in sorted order, without hidden names (a part starting with ``.``) or
    "directory" markers (keys ending in ``/``)."""
    base = prefix.rstrip("/")
    for name, meta in sorted(fs.find(base, detail=True).items()):
        if meta.get("type") == "directory" or name.endswith("/") or _hidden(name, base):
            continue
        collected.add_object(storage.url_of(item, fs, name), int(meta.get("size") or 0), explicit=False)


MAX_FILES_PER_SHARD = 10_000
TASKS_PER_WORKER = 4  # automatic task size: about this many tasks per worker when the input is large enough
# ... but no smaller than this: a task's fixed cost is a marker and two output files (the stages are set up once
# per worker). `corpuskit clean` on the 519 eval pages (17 MB of HTML), 2 workers, paired runs: one 17 MB task
# 28.5 / 29.4 s, nine ~2 MB tasks 15.6 / 17.1 s (1.8x, the same 147 documents kept)
MIN_TASK_BYTES = 1024**2


def task_bytes(total_bytes: int, workers: int, options: ReaderOptions) -> int:
    """The size of the read tasks a run plans: ``input.shard_bytes`` when the pipeline sets it, else about
    ``TASKS_PER_WORKER`` tasks per worker, between ``MIN_TASK_BYTES`` and ``DEFAULT_SHARD_BYTES``. The run writes
    it into its plan; a resumed run reads the plan back, so another worker count never re-cuts the tasks."""
    if options.shard_bytes:
        return options.shard_bytes
    wanted = -(-total_bytes // max(1, workers * TASKS_PER_WORKER))
    return max(MIN_TASK_BYTES, min(DEFAULT_SHARD_BYTES, wanted))


def plan_tasks(files: list[InputFile], root: str, options: ReaderOptions, workers: int | None = None
               ) -> list[ReadTask]:
    """Split every file into read tasks (whole files, byte ranges, row-group ranges), in a stable order.

    With ``workers``, a compressed file whose split points cost a decompression pass (a WARC of gzip members)
    is split only when the files are too few to give every worker ``TASKS_PER_WORKER`` tasks anyway."""
    tasks: list[ReadTask] = []
    split_compressed = workers is None or len(files) < workers * TASKS_PER_WORKER
    for f in files:
        rel = relative(f.path, root)
        try:
            reader = make_reader(f.format, options)
            reader.split_compressed = split_compressed
            tasks.extend(reader.plan(f.path, rel, f.size))
        except InputError as exc:  # one unreadable file is an error of that file, not of the run
            tasks.append(ReadTask(path=f.path, rel=rel, format=f.format, size=f.size, error=exc.message))
    return tasks


def group_shards(tasks: list[ReadTask], shard_bytes: int) -> list[list[ReadTask]]:
    """Group consecutive small read tasks into shards of about ``shard_bytes``.

    A shard is the unit of parallel work, of output files and of resume: a directory of ten
    thousand small pages becomes a few shards, not ten thousand.
    """
    shards: list[list[ReadTask]] = []
    current: list[ReadTask] = []
    size = 0
    for t in tasks:
        if current and (size + t.size > shard_bytes or len(current) >= MAX_FILES_PER_SHARD):
            shards.append(current)
            current, size = [], 0
        current.append(t)
        size += t.size
    if current:
        shards.append(current)
    return shards


def limit_tasks(tasks: list[ReadTask], options: ReaderOptions, limit: int) -> tuple[list[ReadTask], bool]:
    """The read tasks that hold the first ``limit`` documents of the inputs, in plan order: ``(tasks, reached)``.

    The documents are counted here, at plan time, by reading the tasks in order until ``limit`` of them have come
    (reader rejects count: each is a document read, then rejected). Tasks read whole stay as they are, the task
    where the count reaches ``limit`` gets ``max_docs`` (the documents it still needs) and the tasks after it are
    left out, so the workers, however many, read exactly these documents and no other, and the plan — written
    once, read back on a resume — fixes them for good. ``reached`` is False when the inputs hold fewer."""
    chosen: list[ReadTask] = []
    left = limit
    for task in tasks:
        if left == 0:
            break
        counted, position = _count_documents(task, options, left)
        if counted < left:
            chosen.append(task)
            left -= counted
            continue
        # the last task: read only what the limit leaves; its size (for progress) is the bytes read up to there
        chosen.append(replace(task, max_docs=left, size=min(task.size, position) if position else task.size))
        left = 0
    return chosen, left == 0


def _count_documents(task: ReadTask, options: ReaderOptions, most: int) -> tuple[int, int]:
    """How many documents ``task`` yields, counting no further than ``most``, and the reader's position (bytes)
    when it stopped. An error that stops the file ends the count (the worker that reads it records the error)."""
    if task.error is not None:
        return 0, 0
    sink = ProgressSink()
    docs = make_reader(task.format, options).iter_docs(task, sink)
    counted = 0
    try:
        for _ in docs:
            counted += 1
            if counted == most:
                break
    except (InputError, OSError, ValueError, UnicodeError, MemoryError):
        pass
    finally:
        close = getattr(docs, "close", None)
        if close is not None:
            close()
    return counted, sink.position


def iter_texts(inputs: list[str], fmt: str = "auto", options: ReaderOptions | None = None):
    """``(id, text)`` of every document the inputs hold, in plan order, read by the pipeline's own readers (for
    commands that read text without running a pipeline, such as ``corpuskit eval``). A record a reader rejects
    (invalid UTF-8, too large) is yielded with ``text`` None; HTML must be extracted first (``corpuskit clean``)."""
    options = options or ReaderOptions()
    files, root, _ = expand_inputs(inputs, fmt)
    for task in plan_tasks(files, root, options):
        if task.format in ("html", "warc"):
            raise InputError(path_text(task.path), f"holds HTML ({task.format}): extract its text first "
                                                   "(corpuskit clean) and give the kept documents")
        if task.error:
            raise InputError(path_text(task.path), task.error)
        reader = make_reader(task.format, options)
        for doc in reader.iter_docs(task, ProgressSink()):
            yield doc.id, (None if doc.reason else doc.text)
