"""Faults for the extraction tests, injected where the page is extracted (in the extraction child process too):
a page whose HTML starts with ``<!--corpuskit-test:COMMAND-->`` sleeps (``sleep=SECONDS``), exits (``exit``),
crashes the interpreter (``segfault``) or allocates without end (``memory``). Installed by the tests with
``monkeypatch.setattr(ExtractStage, "extract_function", FAULTY_EXTRACT)``; production code knows nothing of them."""

from __future__ import annotations

import os
import time

from corpuskit.stages.extract import extract_html

FAULTY_EXTRACT = "tests._faults:extract_with_faults"
PREFIX = "<!--corpuskit-test:"


def extract_with_faults(html: str, url, kwargs):
    start = html.find(PREFIX, 0, 4096)
    if start >= 0:
        command = html[start + len(PREFIX):html.find("-->", start)]
        if command.startswith("sleep="):
            time.sleep(float(command.split("=", 1)[1]))
        elif command == "exit":
            os._exit(3)
        elif command == "segfault":
            import ctypes

            ctypes.string_at(0)
        elif command == "memory":
            hog = []
            while True:
                hog.append(bytearray(64 * 1024 * 1024))
    return extract_html(html, url, kwargs)
