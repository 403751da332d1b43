"""A run's output directory, local or in object storage, and where each process reads and writes it.

A local output is used in place: every read and write goes to the directory itself, as it always has.

An output at a URL (``s3://bucket/out``) is the one copy that counts; each process (the one that runs the
pipeline, and each worker, on any machine) works in a local *scratch copy* of the part it needs, under
:func:`corpuskit.storage.scratch_root`, and moves files between the two:

* **push**: a file finished locally (written whole, by rename, as for a local run) is uploaded as one object. An
  object store has no rename, but a PUT (or a multipart upload, which is only assembled on completion) makes an
  object appear whole or not at all: there is no half-written object to recognise. A task uploads its data files
  first and its marker last, so a marker in the bucket means the files it names are there, complete.
* **pull**: a file another process wrote is downloaded when it is missing locally or differs in size, to a
  temporary name and renamed, so a local copy is complete too.

A task killed between its uploads and its marker left objects without a marker: the re-run does the task again
and overwrites them under the same names (they are fixed by the plan), and objects of an interrupted attempt that
the new one does not write again are deleted by name prefix before it starts, as for a local run.

The scratch copy is named by the output URL and the run's id (``_state/run.json``), so a run started again with
``--force`` never reads a copy of the one before. Nothing in it is needed once a task's files are pushed: a
worker's copy can be deleted at any time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import storage
from .errors import OutputError


@dataclass
class OutputRoot:
    """``location``: the output directory as the user named it (a path or a URL). ``local``: where this process
    reads and writes it (the directory itself when local). ``run_id``: names the scratch copy (remote only)."""

    location: str
    local: str = ""
    run_id: str = ""
    _seen: dict = field(default_factory=dict, repr=False, compare=False)  # local path -> (size, mtime_ns) synced

    def __getstate__(self):  # what was synced here means nothing in another process: not sent to workers
        return {**self.__dict__, "_seen": {}}

    def __post_init__(self):
        if not self.remote:
            self.local = self.location
        elif not self.local:
            self.local = str(storage.scratch_dir(self.location))

    @property
    def remote(self) -> bool:
        return storage.is_url(self.location)

    @property
    def shown(self) -> str:
        """The location as messages show it (no credentials)."""
        return storage.redact(self.location)

    def bind_run(self, run_id: str) -> None:
        """Work in the scratch copy of this run (remote only)."""
        if self.remote:
            self.run_id = run_id
            self.local = str(storage.scratch_dir(self.location, run_id))

    def for_this_process(self) -> "OutputRoot":
        """The same output as seen from another process (a worker): its own scratch copy."""
        if not self.remote:
            return self
        root = OutputRoot(self.location, run_id=self.run_id)
        root.bind_run(self.run_id)
        return root

    # -- names ----------------------------------------------------------------------------
    def rel(self, path: str | os.PathLike) -> str:
        """``path`` (in this process's copy) relative to the output directory, with ``/``."""
        return Path(os.path.relpath(os.fspath(path), self.local)).as_posix()

    def url(self, path: str | os.PathLike) -> str:
        return storage.join(self.location, self.rel(path))

    def rebase(self, path: str, other: "OutputRoot") -> str:
        """A path in ``other``'s copy, as the same file in this one (paths outside the output pass unchanged)."""
        if self.local == other.local or not _inside(path, other.local):
            return path
        return os.path.join(self.local, os.path.relpath(path, other.local))

    # -- remote operations (no-ops for a local output) ------------------------------------
    def _fs(self):
        fs, base = storage.filesystem(self.location)
        return fs, base.rstrip("/")

    def _key(self, path: str | os.PathLike) -> str:
        fs, base = self._fs()
        rel = self.rel(path)
        return base if rel == "." else f"{base}/{rel}"

    def push(self, *paths: str | os.PathLike) -> None:
        """Upload finished local files, each as one whole object, in the order given (a marker last)."""
        if not self.remote:
            return
        fs, _ = self._fs()
        for path in paths:
            path = os.fspath(path)
            with _storage_errors(self, path):
                fs.put_file(path, self._key(path))
            self._note(path)

    def push_changed(self, directory: str | os.PathLike | None = None, *, skip: tuple[str, ...] = ()) -> list[str]:
        """Upload every file under ``directory`` (default: the whole copy) that is new or changed since it was
        last pulled or pushed; names starting with ``.`` (temporary files) and the top-level names in ``skip``
        are left. Returns the files pushed."""
        if not self.remote:
            return []
        changed = []
        for path in _files_under(directory or self.local):
            rel = self.rel(path)
            if rel.split("/", 1)[0] in skip:
                continue
            st = os.stat(path)
            if self._seen.get(path) != (st.st_size, st.st_mtime_ns):
                changed.append(path)
        self.push(*changed)
        return changed

    def pull(self, path: str | os.PathLike, *, refresh: bool = False) -> bool:
        """Download one file if it is missing here (or always, with ``refresh``); False when there is no such
        object."""
        if not self.remote:
            return os.path.exists(path)
        path = os.fspath(path)
        if os.path.exists(path) and not refresh:
            return True
        fs, _ = self._fs()
        try:
            with _storage_errors(self, path):
                self._download(fs, self._key(path), path)
        except FileNotFoundError:
            return False
        return True

    def pull_tree(self, directory: str | os.PathLike, *, refresh: bool = False, match=None) -> list[str]:
        """Download the files under a directory of the output that are missing here or differ in size (all of
        them with ``refresh``); ``match(name)`` chooses by file name. Returns the local paths pulled."""
        if not self.remote:
            return []
        fs, _ = self._fs()
        key = self._key(directory)
        with _storage_errors(self, directory):
            fs.invalidate_cache(key)
            try:
                listing = fs.find(key, detail=True)
            except FileNotFoundError:
                return []
        pulled = []
        for obj_key, meta in sorted(listing.items()):
            if meta.get("type") == "directory":
                continue
            rel = obj_key[len(key):].lstrip("/")
            if not rel:  # ``directory`` names a file
                continue
            local = os.path.join(os.fspath(directory), *rel.split("/"))
            if match is not None and not match(os.path.basename(local)):
                continue
            if not refresh and os.path.exists(local) and os.path.getsize(local) == int(meta.get("size") or 0):
                continue
            with _storage_errors(self, local):
                self._download(fs, obj_key, local)
            pulled.append(local)
        return pulled

    def files_under(self, directory: str | os.PathLike) -> set[str]:
        """Every file under a directory of the output (in the bucket, for a remote output: one listing), as
        paths in this process's copy."""
        directory = os.fspath(directory)
        if not self.remote:
            return set(_files_under(directory)) if os.path.isdir(directory) else set()
        fs, _ = self._fs()
        key = self._key(directory)
        with _storage_errors(self, directory):
            fs.invalidate_cache(key)
            try:
                found = fs.find(key)
            except FileNotFoundError:
                return set()
        return {os.path.join(directory, *p[len(key):].lstrip("/").split("/")) for p in found}

    def names(self, directory: str | os.PathLike = "") -> list[str]:
        """The names directly under a directory of the output (in the bucket, for a remote output)."""
        directory = os.fspath(directory) or self.local
        if not self.remote:
            return sorted(os.listdir(directory)) if os.path.isdir(directory) else []
        fs, _ = self._fs()
        key = self._key(directory)
        with _storage_errors(self, directory):
            fs.invalidate_cache(key)
            try:
                return sorted(p.rstrip("/").rsplit("/", 1)[-1] for p in fs.ls(key, detail=False))
            except FileNotFoundError:
                return []

    def remove(self, path: str | os.PathLike, *, prefix: bool = False) -> None:
        """Delete a file or a directory tree of the output, here and in the bucket. With ``prefix``, every object
        whose name starts with the path's (the files of an interrupted task attempt)."""
        path = os.fspath(path)
        if prefix:
            parent, stem = os.path.split(path)
            for name in (os.listdir(parent) if os.path.isdir(parent) else []):
                if name.startswith(stem):
                    _remove_local(os.path.join(parent, name))
        else:
            _remove_local(path)
        if not self.remote:
            return
        fs, _ = self._fs()
        key = self._key(path)
        with _storage_errors(self, path):
            if prefix:
                parent, stem = key.rsplit("/", 1)
                fs.invalidate_cache(parent)
                try:  # listed by prefix (S3 and GCS list just those keys, not the whole directory)
                    doomed = [p for p in fs.find(parent, prefix=stem) if p.rsplit("/", 1)[-1].startswith(stem)]
                except FileNotFoundError:
                    doomed = []
                if doomed:
                    fs.rm(doomed)
            else:
                fs.invalidate_cache(key)
                if fs.exists(key):
                    fs.rm(key, recursive=True)

    def read_text(self, path: str | os.PathLike) -> str | None:
        """A small file of the output, read from the bucket itself for a remote output; None if absent."""
        if not self.remote:
            p = Path(path)
            return p.read_text(encoding="utf-8") if p.exists() else None
        fs, _ = self._fs()
        try:
            with _storage_errors(self, path):
                return fs.cat_file(self._key(path)).decode("utf-8")
        except FileNotFoundError:
            return None

    # -- helpers ----------------------------------------------------------------------------
    def _download(self, fs, key: str, local: str) -> None:
        os.makedirs(os.path.dirname(local), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(local)}.", suffix=".tmp", dir=os.path.dirname(local))
        os.close(fd)
        try:
            fs.get_file(key, tmp)
            os.replace(tmp, local)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self._note(local)

    def _note(self, path: str) -> None:
        with contextlib.suppress(OSError):
            st = os.stat(path)
            self._seen[path] = (st.st_size, st.st_mtime_ns)

    def snapshot(self, directory: str | os.PathLike | None = None) -> None:
        """Take every file now under ``directory`` (default: the whole copy) as synced (what
        :meth:`push_changed` compares against)."""
        for path in _files_under(directory or self.local):
            self._note(path)


def _inside(path: str, directory: str) -> bool:
    try:
        return os.path.commonpath([os.path.abspath(path), os.path.abspath(directory)]) == os.path.abspath(directory)
    except ValueError:
        return False


def _files_under(directory: str | os.PathLike):
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield os.path.join(dirpath, name)


def _remove_local(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


@contextlib.contextmanager
def _storage_errors(root: OutputRoot, path):
    """A failed access to the bucket as one clear OutputError (missing bucket, denied, unreachable)."""
    try:
        yield
    except FileNotFoundError as exc:
        problem = storage.storage_problem(exc, root.location)
        if problem and "bucket" in problem:
            raise OutputError(problem) from None
        raise
    except OutputError:
        raise
    except Exception as exc:  # noqa: BLE001
        problem = storage.storage_problem(exc, root.location)
        if problem is None:
            raise
        raise OutputError(f"{problem} (while accessing {root.url(path) if root.remote else path})") from None


def local_tokens(location: str) -> str:
    """A token-shard directory (the output of ``corpuskit tokenize`` or ``run``) where this process can read it:
    the directory itself, or for a URL a scratch copy of ``meta.json``, the tokenizer and the shards it lists."""
    root = OutputRoot(location)
    if not root.remote:
        return location
    import json

    root.bind_run("tokens")
    _remove_local(root.local)  # only what the bucket holds now
    meta_file = os.path.join(root.local, "meta.json")
    if not root.pull(meta_file, refresh=True):
        raise OutputError(f"{root.shown}/meta.json not found: give the output directory of corpuskit tokenize")
    with open(meta_file, encoding="utf-8") as fh:
        meta = json.load(fh)
    for rel in [meta.get("tokenizer_file", "tokenizer.json"), *meta.get("files", [])]:
        root.pull(os.path.join(root.local, *rel.split("/")))
    return root.local


def remote_run_dir(location: str) -> OutputRoot:
    """A training run directory at a URL, as a scratch copy holding what the bucket holds (a checkpoint to resume
    from): train there, then :meth:`OutputRoot.push_changed`. A local directory is used in place."""
    root = OutputRoot(location)
    if root.remote:
        root.bind_run("run")
        _remove_local(root.local)  # only what the bucket holds now: never a checkpoint it no longer has
        os.makedirs(root.local, exist_ok=True)
        root.pull_tree(root.local, refresh=True)
        root.snapshot()
    return root


def local_output_copy(location: str, *, skip: tuple[str, ...] = ("_state", "_work")) -> OutputRoot:
    """A finished run's output where this process can read it (``corpuskit report``): the directory itself, or for a
    URL a scratch copy of everything in it but ``skip``; write beside it, then :meth:`OutputRoot.push_changed`."""
    root = OutputRoot(location)
    if not root.remote:
        return root
    root.bind_run("copy")
    _remove_local(root.local)  # only what the bucket holds now
    os.makedirs(root.local, exist_ok=True)
    for name in root.names():
        if name in skip or name.startswith("."):
            continue
        path = os.path.join(root.local, name)
        if not root.pull_tree(path):  # a file, not a directory
            root.pull(path)
    root.snapshot()
    return root
