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


_CORE_SHARE: int | None = None


def set_core_share(cores: int | None) -> None:
    """This process's share of the machine when it is one of several workers: :func:`usable_cores` answers at most
    ``cores`` from then on (None: no limit), so that what sizes itself by the cores (the GPT's batch parts and their
    BLAS threads) does not take every core in every worker."""
    global _CORE_SHARE
    _CORE_SHARE = None if cores is None else max(1, int(cores))


def machine_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS has one), whatever its share."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def usable_cores() -> int:
    """The cores this process may use: :func:`machine_cores`, or its share of them in a pool of workers."""
    cores = machine_cores()
    return min(cores, _CORE_SHARE) if _CORE_SHARE else cores
