"""Errors a user can act on: each names the file, key or stage it is about."""

import re


class CorpuskitError(Exception):
    """Base class for errors that are reported to the user without a traceback."""


class ConfigError(CorpuskitError):
    """A pipeline configuration is invalid (unknown key, wrong type, missing file)."""


def redact(text: str) -> str:
    """``s3://user:secret@bucket/key`` -> ``s3://***@bucket/key``: no credentials in a message or a file."""
    return re.sub(r"(://)[^/@\s]+@", r"\1***@", str(text))


class InputError(CorpuskitError):
    """An input file cannot be read (corrupt, truncated, unsupported). Always names the file (a URL without any
    credentials it holds)."""

    def __init__(self, path, message: str, position: str | None = None):
        self.path = redact(str(path))
        self.position = position
        where = f" at {position}" if position else ""
        super().__init__(f"{self.path}{where}: {message}")
        self.message = message


class OutputError(CorpuskitError):
    """The output directory is in a state that forbids the run (e.g. holds a different run)."""


class TaskError(CorpuskitError):
    """A task failed in a worker; the message names the shard and holds the worker's traceback."""
