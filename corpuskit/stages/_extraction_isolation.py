"""Running a page-extraction function under a per-page time limit, isolated from the worker.

The function is named ``module:name`` and called as ``extract(html, url, kwargs) -> (text, meta)``; a second
function, also ``module:name``, prepares the process that runs it (``prepare(kwargs)``: quiet loggers, warm
caches). Both are named rather than passed so that a child process can import them; nothing here knows what
they extract.

* :class:`ProcessBackend` (``isolation: process``) runs the function in a persistent child Python process and
  sends it pages over a pipe (8-byte length + pickle, read and written with deadlines), in chunks. When a
  page's deadline passes, or the child dies, the child is killed, reaped and restarted, only that page fails,
  and the rest of its chunk is sent again. The child runs with an address-space limit, dies with its parent
  (:func:`corpuskit.processes.die_with_parent`) and ignores ``SIGINT``.
* :class:`InlineBackend` (``isolation: inline``) calls the function in this process with a ``SIGALRM`` timer
  (main thread only; it cannot interrupt a long C call).

Both answer :meth:`run` with ``{row: ("ok", text, meta) | ("timeout",) | ("error", message)}`` and add to the
counters ``extract_seconds``, ``timeouts`` and (process) ``crashes``, ``child_restarts`` or (inline)
``untimed_docs``.
"""

from __future__ import annotations

import atexit
import json
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from ..processes import die_with_parent

#: One page to extract: ``(row, html, url)``.
Job = tuple[int, str, str | None]


def resolve_function(spec: str):
    """The function named ``module:name``."""
    import importlib

    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


# ---------------------------------------------------------------------------------------------
# Framing over pipes: 8-byte length + pickle, read and written with deadlines


class _Deadline(Exception):
    pass


def _wait(fd: int, for_write: bool, deadline: float | None) -> None:
    remaining = None
    if deadline is not None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Deadline()
    if hasattr(select, "poll"):  # no FD_SETSIZE limit
        poller = select.poll()
        poller.register(fd, select.POLLOUT if for_write else select.POLLIN)
        ready = poller.poll(None if remaining is None else max(1, int(remaining * 1000 + 0.999)))
    else:  # pragma: no cover
        r, w, _ = select.select([] if for_write else [fd], [fd] if for_write else [], [], remaining)
        ready = r or w
    if not ready:
        raise _Deadline()


def _write_all(fd: int, data: bytes, deadline: float | None) -> None:
    view = memoryview(data)
    while view:
        _wait(fd, True, deadline)
        try:
            n = os.write(fd, view[: 1 << 20])
        except BlockingIOError:
            continue
        view = view[n:]


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, got = [], 0
    while got < n:
        _wait(fd, False, deadline)
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _send(fd: int, obj: Any, deadline: float | None = None) -> None:
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    _write_all(fd, struct.pack("<Q", len(payload)) + payload, deadline)


def _recv(fd: int, deadline: float | None = None) -> Any:
    (size,) = struct.unpack("<Q", _read_exact(fd, 8, deadline))
    return pickle.loads(_read_exact(fd, size, deadline))


# ---------------------------------------------------------------------------------------------
# The child process


def child_main() -> None:
    """Entry point of the extraction child (see ``_BOOT``): set up, say ``ready``, then extract batches until EOF."""
    rfd, wfd = _take_protocol_fds()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    die_with_parent(int(os.environ.get("CORPUSKIT_EXTRACT_PARENT", "0")) or os.getppid())
    try:
        init = _recv(rfd)
    except EOFError:
        return
    kwargs = init["kwargs"]
    extract = resolve_function(init["extract"])
    resolve_function(init["prepare"])(kwargs)
    _limit_memory(init.get("max_memory_mb"))
    _send(wfd, ("ready", os.getpid()))
    _serve(rfd, wfd, extract, kwargs)


def _take_protocol_fds() -> tuple[int, int]:
    """The protocol's ends (the original stdin and stdout); from now on anything a library prints goes to stderr."""
    rfd, wfd = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return rfd, wfd


def _limit_memory(max_memory_mb: int | None) -> None:
    """An address-space limit, so that runaway allocation is a ``MemoryError`` instead of the OOM killer."""
    if not max_memory_mb:
        return
    try:
        import resource

        limit = int(max_memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _serve(rfd: int, wfd: int, extract, kwargs: dict) -> None:
    """Answer each page of each batch with ``(status, value, meta, seconds, fatal)``, until EOF or a fatal error."""
    while True:
        try:
            msg = _recv(rfd)
        except EOFError:
            return
        if msg[0] != "batch":
            return
        for html, url in msg[1]:
            t0 = time.perf_counter()
            result, fatal = _extract_in_child(extract, html, url, kwargs)
            _send(wfd, result + (time.perf_counter() - t0, fatal))
            if fatal:  # the heap may be in a sorry state: let the parent start a fresh child
                return


def _extract_in_child(extract, html: str, url: str | None, kwargs: dict) -> tuple[tuple, bool]:
    """``(("ok", text, meta) | ("error", message, None), fatal)``: a ``MemoryError`` is fatal to the child."""
    try:
        text, meta = extract(html, url, kwargs)
        return ("ok", text, meta), False
    except MemoryError:
        return ("error", "MemoryError", None), True
    except RecursionError:
        return ("error", "RecursionError", None), False
    except Exception as exc:  # noqa: BLE001 - any failure of a page is that page's problem
        return ("error", f"{type(exc).__name__}: {exc}"[:300], None), False


def _grow_pipe(fd: int, size: int = 1 << 20) -> None:
    """A 1 MiB pipe instead of 64 KiB: fewer wake-ups per page sent (Linux; best effort)."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), size)
    except (ImportError, OSError):
        pass


# The child sees the parent's sys.path (as multiprocessing's spawn does), so it imports this very corpuskit.
_BOOT = ("import json, os, sys; sys.path[:] = json.loads(os.environ['CORPUSKIT_EXTRACT_SYSPATH']); "
         f"from {__name__} import child_main; child_main()")


class _ChildProcess:
    """Parent-side handle on one extraction child."""

    def __init__(self, init: dict, startup_timeout: float):
        self.init = init
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(os.environ)
        env["CORPUSKIT_EXTRACT_SYSPATH"] = json.dumps([str(Path(p).resolve()) if p else os.getcwd()
                                                       for p in sys.path])
        env["CORPUSKIT_EXTRACT_PARENT"] = str(os.getpid())
        self.proc = subprocess.Popen([sys.executable, "-c", _BOOT], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env, close_fds=True)
        self.wfd, self.rfd = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        os.set_blocking(self.wfd, False)  # writes honour their deadline even if the child stops reading
        _grow_pipe(self.wfd)
        deadline = time.monotonic() + self.startup_timeout
        try:
            _send(self.wfd, self.init, deadline)
            reply = _recv(self.rfd, deadline)
        except (_Deadline, EOFError, OSError) as exc:
            code = self.kill()
            raise RuntimeError(f"the extraction child process did not start ({type(exc).__name__}, "
                               f"exit code {code}); see its error output above") from None
        if reply[0] != "ready":
            self.kill()
            raise RuntimeError(f"the extraction child process answered {reply!r}")

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def send_batch(self, docs: list[tuple[str, str | None]], deadline: float) -> None:
        _send(self.wfd, ("batch", docs), deadline)

    def result(self, deadline: float):
        return _recv(self.rfd, deadline)

    def kill(self) -> int | None:
        """Kill and reap the child; returns its exit status."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        try:
            proc.kill()
        except OSError:
            pass
        code = proc.wait()
        for f in (proc.stdin, proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        return code

    def close(self, grace: float = 2.0) -> None:
        """Ask the child to exit (EOF on its input), then kill it if it does not."""
        proc = self.proc
        if proc is None:
            return
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
        self.kill()


_LIVE_CHILDREN: "weakref.WeakSet[ProcessBackend]" = weakref.WeakSet()


@atexit.register
def _close_children() -> None:
    for backend in list(_LIVE_CHILDREN):
        backend.close()


# ---------------------------------------------------------------------------------------------
# The backends


class ProcessBackend:
    """Sends pages to a child process; enforces the per-page deadline; restarts the child after a crash."""

    def __init__(self, kwargs: dict, timeout: float, max_memory_mb: int | None, chunk_docs: int,
                 chunk_bytes: int, *, extract: str, prepare: str, startup_timeout: float = 120.0):
        self.init = {"kwargs": kwargs, "max_memory_mb": max_memory_mb, "extract": extract, "prepare": prepare}
        self.timeout = timeout
        self.chunk_docs, self.chunk_bytes = chunk_docs, chunk_bytes
        self.startup_timeout = startup_timeout
        self.child: _ChildProcess | None = None
        self.owner = os.getpid()
        self.starts = 0
        _LIVE_CHILDREN.add(self)

    def start(self) -> None:
        """Start the child now (it is started on first use otherwise)."""
        self._ensure_child()

    def _ensure_child(self) -> _ChildProcess:
        if self.owner != os.getpid():  # forked: the child belongs to the parent process
            self.child, self.owner = None, os.getpid()
            _LIVE_CHILDREN.add(self)
        if self.child is None or not self.child.alive:
            if self.child is not None:
                self.child.kill()
            self.child = _ChildProcess(self.init, self.startup_timeout)
            self.child.start()
            self.starts += 1
        return self.child

    def _chunks(self, jobs: list[Job]):
        chunk, size = [], 0
        for job in jobs:
            n = len(job[1])
            if chunk and (len(chunk) >= self.chunk_docs or size + n > self.chunk_bytes):
                yield chunk
                chunk, size = [], 0
            chunk.append(job)
            size += n
        if chunk:
            yield chunk

    def run(self, jobs: list[Job], counters: dict[str, float]) -> dict[int, tuple]:
        """``{row: ("ok", text, meta) | ("timeout",) | ("error", message)}`` for each job."""
        out: dict[int, tuple] = {}
        queue = list(self._chunks(jobs))
        send_failures = 0
        while queue:
            chunk = queue.pop(0)
            child = self._child_for_chunk(counters)
            if not self._send_chunk(child, chunk):
                # the child died while idle (or its pipe broke): nobody to blame, try again
                send_failures += 1
                if send_failures > 3:
                    raise RuntimeError("the extraction child process keeps dying before it gets a page")
                queue.insert(0, chunk)
                continue
            rest = self._collect(child, chunk, out, counters)
            if rest:
                queue.insert(0, rest)
        return out

    def _child_for_chunk(self, counters: dict[str, float]) -> _ChildProcess:
        """A live child; counts a restart when a child had to be started again."""
        starts_before = self.starts
        child = self._ensure_child()
        if starts_before and self.starts > starts_before:
            counters["child_restarts"] += 1
        return child

    @staticmethod
    def _send_chunk(child: _ChildProcess, chunk: list[Job]) -> bool:
        """Send the chunk's pages; False (the child killed) if the child could not take them."""
        try:
            child.send_batch([(html, url) for _, html, url in chunk],
                             time.monotonic() + 30.0 + sum(len(h) for _, h, _ in chunk) / 1e6)
        except (_Deadline, OSError):
            child.kill()
            return False
        return True

    def _collect(self, child: _ChildProcess, chunk: list[Job], out: dict[int, tuple],
                 counters: dict[str, float]) -> list[Job]:
        """Read the chunk's results into ``out``; returns the pages still to send after the child was killed."""
        for k, (row, _, _) in enumerate(chunk):
            if not self._collect_one(child, row, out, counters):
                return chunk[k + 1:]
        return []

    def _collect_one(self, child: _ChildProcess, row: int, out: dict[int, tuple],
                     counters: dict[str, float]) -> bool:
        """One page's result, within the deadline; False when the child was killed (timeout, crash, fatal error)."""
        deadline = time.monotonic() + self.timeout
        try:
            status, value, meta, seconds, fatal = child.result(deadline)
        except _Deadline:
            child.kill()
            out[row] = ("timeout",)
            counters["timeouts"] += 1
            counters["extract_seconds"] += self.timeout
            return False
        except (EOFError, OSError):
            code = child.kill()
            out[row] = ("error", f"extraction process died (exit status {code})")
            counters["crashes"] += 1
            return False
        counters["extract_seconds"] += seconds
        out[row] = (status, value, meta) if status == "ok" else (status, value)
        if fatal:
            child.kill()
            counters["crashes"] += 1
        return not fatal

    def close(self) -> None:
        if self.child is not None and self.owner == os.getpid():
            self.child.close()
        self.child = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


class _PageTimeout(BaseException):
    """Raised by the SIGALRM handler; a BaseException so that an ``except Exception`` in the extraction function
    (trafilatura has many) cannot swallow it."""


def _raise_page_timeout(signum, frame):
    raise _PageTimeout()


class InlineBackend:
    """Extract in this process, with a SIGALRM timer where one is available (main thread, Unix)."""

    def __init__(self, kwargs: dict, timeout: float, *, extract: str, prepare: str):
        self.kwargs, self.timeout, self.extract = kwargs, timeout, resolve_function(extract)
        resolve_function(prepare)(kwargs)

    def run(self, jobs: list[Job], counters: dict[str, float]) -> dict[int, tuple]:
        """``{row: ("ok", text, meta) | ("timeout",) | ("error", message)}`` for each job."""
        out: dict[int, tuple] = {}
        use_timer = (self.timeout > 0 and hasattr(signal, "setitimer")
                     and threading.current_thread() is threading.main_thread())
        if not use_timer:
            counters["untimed_docs"] += len(jobs)
        previous = signal.signal(signal.SIGALRM, _raise_page_timeout) if use_timer else None
        try:
            for row, html, url in jobs:
                t0 = time.perf_counter()
                out[row] = self._extract_timed(html, url, use_timer, counters)
                counters["extract_seconds"] += time.perf_counter() - t0
        finally:
            if use_timer:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        return out

    def _extract_timed(self, html: str, url: str | None, use_timer: bool, counters: dict[str, float]) -> tuple:
        """One page's result, the timer armed around the call when ``use_timer``."""
        try:
            if use_timer:
                signal.setitimer(signal.ITIMER_REAL, self.timeout)
            try:
                text, meta = self.extract(html, url, self.kwargs)
            finally:
                if use_timer:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            return ("ok", text, meta)
        except _PageTimeout:
            counters["timeouts"] += 1
            return ("timeout",)
        except (Exception, RecursionError) as exc:  # noqa: BLE001
            return ("error", f"{type(exc).__name__}: {exc}"[:300])

    def close(self) -> None:
        pass
