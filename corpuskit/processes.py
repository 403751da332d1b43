"""Helpers for the processes corpuskit starts (executor workers, extraction children)."""

from __future__ import annotations

import os
import signal
import sys


def die_with_parent(parent_pid: int | None = None) -> None:
    """On Linux, ask the kernel to kill this process when its parent dies (no orphaned writers after a kill).

    With ``parent_pid``, also exit at once if the parent has already died (it may die before the request takes
    effect, and then this process would be an orphan whose parent is init)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(0)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
