"""Values in pipeline files and settings: sizes (``"256MiB"``) and a small structural type check against type hints.

The floor of the package: it imports nothing from corpuskit, so the configuration, the stages and the GPT trainer
can all use it.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from typing import Any

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2, "g": 1000**3, "gb": 1000**3,
          "t": 1000**4, "tb": 1000**4, "ki": 1024, "kib": 1024, "mi": 1024**2, "mib": 1024**2,
          "gi": 1024**3, "gib": 1024**3, "ti": 1024**4, "tib": 1024**4}


def parse_size(value: Any) -> int:
    """``268435456``, ``"256MiB"``, ``"1.5 GB"`` -> bytes."""
    if isinstance(value, bool):
        raise ValueError("expected a size")
    if isinstance(value, int):
        return value
    m = _SIZE.match(str(value))
    if not m or (m.group(2) or "").lower() not in _UNITS:
        raise ValueError(f"expected a size such as 268435456 or '256MiB', got {value!r}")
    return int(float(m.group(1)) * _UNITS[(m.group(2) or "").lower()])


def type_name(hint) -> str:
    """A type hint as a user reads it: ``int``, ``str | None``, ``list[str]``."""
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def check_type(value: Any, hint) -> bool:
    """A small structural check of a YAML value against a type hint (int, float, str, bool, list, dict, unions)."""
    if hint is Any or hint is inspect.Parameter.empty:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(check_type(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin in (list, tuple) or hint in (list, tuple):
        args = typing.get_args(hint)
        return isinstance(value, list) and all(check_type(v, args[0]) for v in value) if args else isinstance(value, list)
    if origin is dict or hint is dict:
        args = typing.get_args(hint)
        if not isinstance(value, dict):
            return False
        return all(check_type(k, args[0]) and check_type(v, args[1]) for k, v in value.items()) if args else True
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True
