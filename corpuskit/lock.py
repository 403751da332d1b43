"""Exclusive directory locks: one writer per output directory (``corpuskit run``) or run directory
(``corpuskit train``), held for the whole command.

A lock is an ``flock`` on ``DIR/.corpuskit.lock``, so it goes away with the process that holds it (a killed
run leaves no stale lock). Within one process the lock is re-entrant: ``corpuskit run`` takes its output
directory's lock before the stages and keeps it through training and the report, and the runner it calls
takes the same lock again without blocking itself.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .errors import OutputError

LOCK_NAME = ".corpuskit.lock"

_held: dict[str, list] = {}  # resolved directory -> [open lock file, depth]


class DirectoryLock:
    """``with DirectoryLock(path, what="run"):`` — fails at once (OutputError) when another process holds it."""

    def __init__(self, directory: str | os.PathLike, what: str = "corpuskit run"):
        self.directory = Path(directory)
        self.what = what
        self._key: str | None = None

    def acquire(self) -> "DirectoryLock":
        if self._key is not None:
            return self
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create {self.directory}: {exc.strerror or exc}") from None
        key = os.path.realpath(self.directory)
        entry = _held.get(key)
        if entry is not None:
            entry[1] += 1
        else:
            try:
                fh = open(os.path.join(key, LOCK_NAME), "w")
            except OSError as exc:
                raise OutputError(f"cannot write to {self.directory}: {exc.strerror or exc}") from None
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.close()
                raise OutputError(f"another {self.what} is using {self.directory} "
                                  "(wait for it to finish, or choose another directory)") from None
            _held[key] = [fh, 1]
        self._key = key
        return self

    def release(self) -> None:
        if self._key is None:
            return
        key, self._key = self._key, None
        entry = _held.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] <= 0:
            del _held[key]
            entry[0].close()

    @property
    def held(self) -> bool:
        return self._key is not None

    def __enter__(self) -> "DirectoryLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
