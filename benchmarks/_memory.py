"""Peak memory of a benchmark's process tree (the runner and its worker processes)."""

from __future__ import annotations

import threading

import psutil


class PeakRSS:
    """Peak of the summed RSS of this process and its children, sampled in a thread."""

    def __init__(self, interval: float = 0.05):
        self.interval, self.peak, self.peak_main, self.peak_child = interval, 0, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        me = psutil.Process()
        while not self._stop.is_set():
            main, kids = me.memory_info().rss, []
            for child in me.children(recursive=True):
                try:
                    kids.append(child.memory_info().rss)
                except psutil.Error:  # it ended between listing and reading
                    pass
            self.peak = max(self.peak, main + sum(kids))
            self.peak_main = max(self.peak_main, main)
            self.peak_child = max([self.peak_child] + kids)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
