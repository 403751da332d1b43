"""Paths that may be URLs: ``s3://``, ``gs://``, ``hf://`` (read), ``http(s)://`` (read), ``memory://`` (tests)
and local paths, through fsspec.

Local paths are never routed through fsspec: every local code path stays what it was (atomic renames, fsync).
A URL is recognised by its ``scheme://``; ``file://`` URLs are local paths.

Credentials are never part of a pipeline file or a URL: they come from where each file system looks for them (for
S3 the environment, ``~/.aws`` profiles and instance roles; ``AWS_ENDPOINT_URL`` points at another S3 server; for
GCS ``GOOGLE_APPLICATION_CREDENTIALS`` or the gcloud login; for the Hub ``HF_TOKEN``). :func:`redact` strips a
``user:password@`` from any URL that is shown in a message, a log or ``stats.json``.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from .errors import ConfigError, OutputError, redact

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")

# the package that brings each protocol, and the extra of corpuskit that installs it
_EXTRAS = {
    "s3": ("s3fs", "s3"), "s3a": ("s3fs", "s3"),
    "gs": ("gcsfs", "gcs"), "gcs": ("gcsfs", "gcs"),
    "hf": ("huggingface_hub", "hf"),
    "http": ("aiohttp", "http"), "https": ("aiohttp", "http"),
}
READ_ONLY = {"http", "https", "hf"}  # hf:// is read here: writing to the Hub is a commit, not a file write


def scheme(path) -> str | None:
    """The URL scheme of ``path`` (``"s3"``), or None for a local path (``file://`` URLs count as local)."""
    m = _SCHEME.match(str(path))
    if not m or m.group(1).lower() == "file":
        return None
    return m.group(1).lower()


def is_url(path) -> bool:
    return scheme(path) is not None


def local_path(path) -> str:
    """A local path given as a path or a ``file://`` URL, as a path."""
    text = os.fspath(path)
    return text[len("file://"):] if text.startswith("file://") else text




def filesystem(url: str):
    """``(fs, path)`` for a URL. A protocol whose package is missing is a ConfigError naming the extra to install."""
    import fsspec  # noqa: F401  (a dependency of pyarrow's fsspec glue, and of corpuskit)

    proto = scheme(url)
    try:
        return fsspec.core.url_to_fs(url)
    except ImportError as exc:
        package, extra = _EXTRAS.get(proto, (None, None))
        if extra is None:
            raise ConfigError(f"cannot read {redact(url)}: {exc}") from None
        raise ConfigError(f"{redact(url)} needs the {package} package: pip install 'corpuskit[{extra}]'") from None
    except ValueError as exc:  # an unknown protocol
        raise ConfigError(f"{redact(url)}: {exc}") from None


def join(base: str, *parts: str) -> str:
    """``base/part/...`` for a URL or a local path."""
    if not is_url(base):
        return os.path.join(local_path(base), *parts)
    return "/".join([base.rstrip("/"), *(p.strip("/") for p in parts if p)])


def open_binary(path, mode: str = "rb"):
    """A binary file object for a local path or a URL (seekable for reading: ranged requests)."""
    if not is_url(path):
        return open(local_path(path), mode)
    fs, p = filesystem(str(path))
    return fs.open(p, mode)


def info(path) -> dict:
    """``{"size", "version"}``: the size and what changes when the object is written again (the local file's
    ``mtime_ns``; an object's ETag, generation or modification time)."""
    if not is_url(path):
        st = os.stat(local_path(path))
        return {"size": st.st_size, "version": st.st_mtime_ns}
    fs, p = filesystem(str(path))
    meta = fs.info(p)
    version = next((meta[k] for k in ("ETag", "etag", "generation", "md5Hash", "LastModified", "mtime",
                                      "last_modified", "updated", "created") if meta.get(k) is not None), None)
    return {"size": int(meta.get("size") or 0), "version": str(version) if version is not None else None}


def exists(path) -> bool:
    if not is_url(path):
        return os.path.exists(local_path(path))
    fs, p = filesystem(str(path))
    return fs.exists(p)


def scratch_root() -> Path:
    """Where a process keeps its local copies of a remote output: ``CORPUSKIT_SCRATCH``, else the system's
    temporary directory. Each worker of a cluster has its own; nothing there is shared or needed after a task."""
    root = os.environ.get("CORPUSKIT_SCRATCH") or os.path.join(tempfile.gettempdir(), "corpuskit-scratch")
    return Path(root)


def scratch_dir(*keys: str) -> Path:
    """A directory under :func:`scratch_root` named by a hash of ``keys`` (an output URL and its run id)."""
    digest = hashlib.sha256("\0".join(keys).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return scratch_root() / f"out-{digest}"


def storage_problem(exc: BaseException, url: str) -> str | None:
    """A one-line reason for a failed access to a URL (no bucket, access denied, unreachable), or None."""
    text = f"{type(exc).__name__}: {exc}"
    where = redact(url)
    if isinstance(exc, FileNotFoundError) and ("NoSuchBucket" in text or "bucket does not exist" in text.lower()):
        return f"{where}: the bucket does not exist (create it first, or check the name)"
    if isinstance(exc, PermissionError) or "AccessDenied" in text or "Forbidden" in text or "403" in text:
        return (f"{where}: access denied (check the credentials in the environment or profile, and the bucket's "
                "permissions)")
    if "NoCredentials" in text or "Unable to locate credentials" in text:
        return f"{where}: no credentials found (set them in the environment or a profile)"
    if "Could not connect" in text or "ConnectionError" in text or "EndpointConnectionError" in text:
        return f"{where}: cannot connect to the storage server ({exc})"
    return None


def check_writable(url: str) -> None:
    """An output URL must be on a file system that can be written, in a bucket that exists."""
    proto = scheme(url)
    if proto in READ_ONLY:
        raise OutputError(f"cannot write output to {redact(url)}: {proto}:// is read-only here "
                          "(write to s3://, gs:// or a local directory)")
    check_bucket(url, OutputError)


def check_bucket(url: str, error: type[Exception] = ConfigError) -> None:
    """The bucket of an object-store URL exists and can be listed with the credentials at hand (else ``error``,
    one line: no bucket, access denied, no credentials, no server). Checked before a run writes anything."""
    proto = scheme(url)
    fs, p = filesystem(url)
    bucket = p.split("/", 1)[0]
    if proto in ("memory", "http", "https", "hf") or not bucket:
        return
    try:
        fs.ls(bucket, detail=False)  # raises what exists() would swallow: no bucket, no access, no server
    except Exception as exc:  # noqa: BLE001 (any client error: named in one line)
        problem = storage_problem(exc, url)
        if problem is None:
            raise error(f"{redact(url)}: cannot list the bucket {bucket!r}: {type(exc).__name__}: "
                        f"{redact(str(exc))}") from None
        raise error(problem) from None


# --- reading inputs at URLs ----------------------------------------------------------------------------------------

STREAM_BLOCK = 8 * 1024**2  # a URL read front to back fetches ranges of this size (s3fs's default is 50 MiB)


def url_of(url: str, fs, path: str) -> str:
    """The URL of ``path``, a path of ``fs`` as its listings give it, in the scheme ``url`` was written in
    (``s3://bucket/key``; a ``memory://`` path keeps no leading ``/``). http(s) paths are URLs already."""
    proto = scheme(url)
    if proto in ("http", "https"):
        return path
    return f"{proto}://{path.lstrip('/')}"


def read_range(path, start: int, end: int) -> bytes:
    """Bytes ``[start, end)`` of a file or an object: one ranged request for a URL, whatever its block size."""
    if not is_url(path):
        with open(local_path(path), "rb") as fh:
            fh.seek(start)
            return fh.read(max(end - start, 0))
    if end <= start:
        return b""
    fs, p = filesystem(str(path))
    return fs.cat_file(p, start=start, end=end)


def open_read(path, block_size: int = STREAM_BLOCK):
    """A seekable binary file for reading. For a URL, each miss fetches ``block_size`` bytes from the position
    (read-ahead): large for a stream read front to back, small for scattered reads (headers, page headers)."""
    if not is_url(path):
        return open(local_path(path), "rb")
    fs, p = filesystem(str(path))
    return fs.open(p, "rb", block_size=block_size, cache_type="readahead")  # (memory:// ignores both)


def input_problem(exc: BaseException, url: str):
    """An :class:`~corpuskit.errors.InputError` naming ``url`` (redacted) for a failed read of it."""
    from .errors import InputError

    where = redact(url)
    problem = storage_problem(exc, url)
    if problem is not None:
        reason = problem[len(where) + 2:]
    elif isinstance(exc, FileNotFoundError):
        reason = "no such file or object"
    elif isinstance(exc, OSError):
        reason = f"cannot read: {exc.strerror or exc}"
    else:
        reason = f"cannot read: {type(exc).__name__}: {exc}"
    return InputError(where, redact(reason))
