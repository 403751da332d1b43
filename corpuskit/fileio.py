"""Opening input files: transparent gzip/zstd decompression with bounds, and atomic, durable writes.

Decompression is bounded two ways, so that a gzip bomb cannot fill the disk or run forever:
a cap on decompressed bytes per file and a cap on the decompressed/compressed ratio.

A file is durable once its data is fsynced *and* the directory entry that names it is: a rename (or a new
file) is only safe after a power loss once its directory is fsynced too. :func:`atomic_write` does both, and
:func:`fsync_file`, :func:`fsync_dir` and :func:`make_dirs` are there for code that renames files itself
(the shard writers, markers). Files written through a temporary file get the mode an ordinary ``open``
would give them, ``0o666 & ~umask``, not the 0600 of :func:`tempfile.mkstemp`.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import os
import tempfile
import threading
import zlib
from pathlib import Path


from . import storage
from .errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024**3  # 64 GiB per file
DEFAULT_MAX_RATIO = 1000.0  # decompressed / compressed, checked after the first 64 MiB
_RATIO_GRACE = 64 * 1024**2
_READ_CHUNK = 64 * 1024  # small reads, so little is lost when a stream turns out truncated
_ZSTD_WALK_BLOCK = 1024**2  # the read-ahead of the zstd frame walk at a URL (block headers are <= 128 KiB apart)


def compression_of(path: str | os.PathLike) -> str | None:
    """``'gzip'``, ``'zstd'`` or None, from the file's magic bytes (not its name; one ranged read at a URL)."""
    if storage.is_url(path):
        head = storage.read_range(path, 0, 4)
    else:
        with open(path, "rb") as fh:
            head = fh.read(4)
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


def strip_compression_suffix(name: str) -> str:
    for suffix in (".gz", ".zst", ".zstd"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


class BoundedReader(io.RawIOBase):
    """Wraps a decompressing stream; counts bytes and enforces the decompression limits.

    ``raw_position()`` is the position in the compressed file, used for progress.
    """

    def __init__(self, inner, raw_file, path, max_bytes: int, max_ratio: float, check_end=None,
                 extra_errors: tuple = ()):
        self._inner = inner
        self._extra_errors = extra_errors  # the decompressor's own exception types (zstandard.ZstdError)
        self._check_end = check_end  # called at the end of the stream: an error message, or None
        self._raw = raw_file
        self._path = path
        self._max_bytes = max_bytes
        self._max_ratio = max_ratio
        self.decompressed = 0

    def readable(self):
        return True

    def raw_position(self) -> int:
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def readinto(self, b):
        try:
            data = self._inner.read(min(len(b), _READ_CHUNK))
        except (EOFError, OSError, zlib.error, *self._extra_errors) as exc:
            raise InputError(self._path, f"corrupt or truncated compressed data ({exc})",
                             position=f"decompressed byte {self.decompressed}") from exc
        n = len(data)
        if n == 0 and self._check_end is not None:
            problem, self._check_end = self._check_end(), None
            if problem:
                raise InputError(self._path, problem, position=f"decompressed byte {self.decompressed}")
        b[:n] = data
        self.decompressed += n
        if self.decompressed > self._max_bytes:
            raise InputError(self._path, f"decompressed size exceeds the limit of {self._max_bytes} bytes "
                             "(max_decompressed_bytes)")
        if self.decompressed > _RATIO_GRACE:
            raw = max(self.raw_position(), 1)
            if self.decompressed / raw > self._max_ratio:
                raise InputError(self._path, f"decompression ratio above {self._max_ratio:g}: "
                                 "looks like a decompression bomb (max_decompression_ratio)")
        return n

    def close(self):
        with contextlib.suppress(Exception):
            self._inner.close()
        with contextlib.suppress(Exception):
            self._raw.close()
        super().close()


class PlainReader(io.RawIOBase):
    """An uncompressed file with the same ``raw_position`` interface as BoundedReader."""

    def __init__(self, raw_file):
        self._raw = raw_file

    def readable(self):
        return True

    def raw_position(self) -> int:
        return self._raw.tell()

    def readinto(self, b):
        return self._raw.readinto(b)

    def seek(self, pos, whence=0):
        return self._raw.seek(pos, whence)

    def seekable(self):
        return True

    def tell(self):
        return self._raw.tell()

    def close(self):
        self._raw.close()
        super().close()


def zstd_truncation(path) -> str | None:
    """Why a zstd file is incomplete, or None. zstandard's stream reader ends quietly at the end of the input
    even inside a frame, so a cut download would lose its tail silently; this walks the frame and block headers
    (RFC 8878; no decompression) and checks that the last frame ends where the file does. At a URL the headers
    are read through a small read-ahead window, not the whole object again."""
    if storage.is_url(path):
        size = storage.info(path)["size"]
        fh = storage.open_read(path, _ZSTD_WALK_BLOCK)
    else:
        size = os.path.getsize(path)
        fh = open(path, "rb")
    with fh:
        return _zstd_frames_end(fh, size)


def _zstd_frames_end(fh, size: int) -> str | None:
    """:func:`zstd_truncation` of the open file ``fh`` of ``size`` bytes."""
    pos = 0
    while pos < size:
        fh.seek(pos)
        magic = fh.read(4)
        if len(magic) < 4:
            return f"truncated zstd stream: {size - pos} stray bytes at the end"
        if magic[1:] == b"\x2a\x4d\x18" and 0x50 <= magic[0] <= 0x5F:  # skippable frame
            n = fh.read(4)
            if len(n) < 4:
                return "truncated zstd stream (inside a skippable frame)"
            pos += 8 + int.from_bytes(n, "little")
            continue
        if magic != ZSTD_MAGIC:
            return f"not a zstd frame at byte {pos}"
        (desc,) = fh.read(1) or b"\x00"
        fcs_flag, single, checksum, did_flag = desc >> 6, (desc >> 5) & 1, (desc >> 2) & 1, desc & 3
        header = 1 + (0 if single else 1) + (0, 1, 2, 4)[did_flag] + ((1 if single else 0), 2, 4, 8)[fcs_flag]
        pos += 4 + header
        while True:
            fh.seek(pos)
            bh = fh.read(3)
            if len(bh) < 3:
                return f"truncated zstd stream (ends inside a frame, at byte {size})"
            v = int.from_bytes(bh, "little")
            last, kind, bsize = v & 1, (v >> 1) & 3, v >> 3
            pos += 3 + (1 if kind == 1 else bsize)
            if last:
                break
        pos += 4 if checksum else 0
        if pos > size:
            return f"truncated zstd stream (ends inside a frame, at byte {size})"
    return None


def open_raw(path: str | os.PathLike, block_size: int = storage.STREAM_BLOCK, buffering: int = -1):
    """A local file (``open(path, "rb")``, its OSError as is) or an object at a URL, opened for binary reading:
    seekable, through ranged requests of ``block_size`` bytes; a URL that cannot be opened is an InputError
    naming it (the reason in one line: no such object, no bucket, access denied...)."""
    if not storage.is_url(path):
        return open(path, "rb", buffering=buffering)
    try:
        remote = storage.open_read(path, block_size)
    except Exception as exc:  # noqa: BLE001 (the client's errors: a missing object, a denied access...)
        raise storage.input_problem(exc, str(path)) from exc
    # the interface of a local file (``readline(limit)``, ``peek``, ``read1``), which fsspec's files lack
    return io.BufferedReader(remote, buffer_size=_READ_CHUNK)


def open_input(path: str | os.PathLike, *, max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
               max_ratio: float = DEFAULT_MAX_RATIO, buffer_size: int = 1 << 20) -> io.BufferedReader:
    """Open a file for binary reading, decompressing gzip or zstd by magic bytes.

    The returned stream's ``.raw.raw_position()`` gives the on-disk position for progress.
    """
    try:
        raw = open_raw(path)
    except OSError as exc:
        raise InputError(path, f"cannot open: {exc.strerror or exc}") from exc
    head = raw.read(4)
    raw.seek(0)
    if head.startswith(GZIP_MAGIC):
        inner = gzip.GzipFile(fileobj=raw, mode="rb")
        stream = BoundedReader(inner, raw, path, max_decompressed_bytes, max_ratio)
    elif head.startswith(ZSTD_MAGIC):
        import zstandard  # only for zstd input: the rest of corpuskit (the trainer) runs without it

        inner = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
        stream = BoundedReader(inner, raw, path, max_decompressed_bytes, max_ratio,
                               check_end=lambda: zstd_truncation(path), extra_errors=(zstandard.ZstdError,))
    else:
        stream = PlainReader(raw)
    return io.BufferedReader(stream, buffer_size=buffer_size)


_UMASK_LOCK = threading.Lock()
# fsync on a directory is refused by some file systems (and is meaningless there): that is not an error
_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, getattr(errno, "EOPNOTSUPP", errno.ENOTSUP)}


def current_umask() -> int:
    """The process's umask, without changing it where the system can tell (Linux: ``/proc/self/status``).

    Elsewhere it is read by setting and restoring it (``os.umask`` is the only way), under a lock and through a
    restrictive mask, so that a file another thread creates in that instant is at worst too private."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def default_file_mode() -> int:
    """The mode ``open(path, "w")`` gives a new file: ``0o666`` less the umask."""
    return 0o666 & ~current_umask()


def fsync_file(path: str | os.PathLike) -> None:
    """Flush a closed file's data and metadata to the disk (by path: any descriptor of the file will do)."""
    flags = os.O_RDWR if os.name == "nt" else os.O_RDONLY  # Windows flushes only through a writable handle
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: str | os.PathLike) -> None:
    """Make the names in a directory durable: the files created, renamed or removed in it since.

    A no-op on Windows (directories cannot be opened there; NTFS journals its renames), and where the file
    system refuses to fsync a directory or the directory cannot be opened for reading."""
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except PermissionError:  # a write-only directory: nothing to be done from here
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def make_dirs(path: str | os.PathLike) -> list[Path]:
    """``mkdir -p``; returns the directories it created, outermost first. Each one's entry is durable only once
    its parent is fsynced (see :func:`fsync_new_dirs`)."""
    path = Path(path)
    missing = []
    p = path
    while not p.is_dir() and p != p.parent:
        missing.append(p)
        p = p.parent
    path.mkdir(parents=True, exist_ok=True)
    return missing[::-1]


def fsync_new_dirs(created: list[Path]) -> None:
    """fsync the parents of directories :func:`make_dirs` created (the innermost one is the caller's to sync)."""
    for d in created:
        fsync_dir(d.parent)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb"):
    """Write to a temporary file beside ``path`` and rename it into place on success.

    The file gets the mode the umask gives a new file and is fsynced before the rename, and its directory after,
    so that once this returns the new content survives a power loss."""
    path = Path(path)
    created = make_dirs(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as fh:
            yield fh
            fh.flush()
            if os.chmod in os.supports_fd:
                os.chmod(fh.fileno(), default_file_mode())
            else:
                os.chmod(tmp, default_file_mode())
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)
    fsync_new_dirs(created)


def escape_surrogates(text: str) -> str:
    """``text`` with lone surrogates (file names that are not valid UTF-8, decoded with surrogateescape) written as
    backslash escapes: in JSON text they read back as the same characters, in HTML they show as ``\\udcff``."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    with atomic_write(path, "w") as fh:
        fh.write(text)
