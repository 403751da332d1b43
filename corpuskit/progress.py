"""A live progress line (documents/s, MB/s, ETA) on a terminal; silent otherwise.

When stderr is not a terminal the display prints nothing but an occasional line with
``--verbose``, so logs of batch jobs stay readable.
"""

from __future__ import annotations

import sys
import time


def _fmt_duration(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf"):
        return "--:--"
    seconds = int(seconds)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class Progress:
    def __init__(self, *, enabled: bool | None = None, verbose: bool = False, stream=None, interval: float = 0.5):
        self.stream = stream or sys.stderr
        self.tty = enabled if enabled is not None else self.stream.isatty()
        self.verbose = verbose
        self.interval = interval if self.tty else 30.0
        self._last = 0.0
        self._width = 0
        self.begin("", 0, 0)

    def begin(self, label: str, total_tasks: int, total_bytes: int, base_docs: int = 0, base_bytes: int = 0):
        """Start a phase. ``base_*`` are counter values at its start (counters are cumulative)."""
        self.label, self.total_tasks, self.total_bytes = label, total_tasks, total_bytes
        self.tasks_done = 0
        self.base_docs, self.base_bytes = base_docs, base_bytes
        self.start = time.monotonic()
        self.docs = self.bytes = 0

    def update(self, docs_total: int, bytes_total: int, tasks_done: int | None = None, force: bool = False):
        self.docs = docs_total - self.base_docs
        self.bytes = bytes_total - self.base_bytes
        if tasks_done is not None:
            self.tasks_done = tasks_done
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        if self.tty or self.verbose:
            self._render(self.line())

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.start, 1e-9)
        docs_rate = self.docs / elapsed
        mb_rate = self.bytes / elapsed / 1e6
        if self.total_bytes and self.bytes:
            eta = elapsed * (self.total_bytes - self.bytes) / self.bytes
        elif self.total_tasks and self.tasks_done:
            eta = elapsed * (self.total_tasks - self.tasks_done) / self.tasks_done
        else:
            eta = float("nan")
        return (f"{self.label}  {self.tasks_done}/{self.total_tasks} tasks  {self.docs:,} docs  "
                f"{docs_rate:,.0f} docs/s  {mb_rate:.1f} MB/s  elapsed {_fmt_duration(elapsed)}  "
                f"ETA {_fmt_duration(max(eta, 0) if eta == eta else eta)}")

    def _render(self, text: str):
        if self.tty:
            pad = max(self._width - len(text), 0)
            self.stream.write("\r" + text + " " * pad)
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self):
        if self.tty:
            self._render(self.line())
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0
        elif self.verbose:
            self._render(self.line())

    def message(self, text: str):
        if self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0
        self.stream.write(text + "\n")
        self.stream.flush()
