"""The stages a pipeline can name: the built-in ones and any registered with :func:`corpuskit.stage.register`.

It sits above the stage contract (``stage``) and the built-in stages (``stages``), so that the contract never
imports its implementations.
"""

from __future__ import annotations

from . import stages as _builtin  # noqa: F401  (importing the package registers every built-in stage)
from .stage import STAGES, Stage


def stage_registry() -> dict[str, type[Stage]]:
    """All registered stages, the built-in ones included (they are imported with this module, so a worker
    process that starts empty finds them too)."""
    return STAGES
