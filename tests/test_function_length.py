"""Functions a reader can hold in their head: none in ``corpuskit/`` is over 80 lines, unless a comment on the
line of its ``def`` (or the line above) starts with ``# long:`` and says why."""

from __future__ import annotations

import ast

from .conftest import ROOT

MAX_LINES = 80


def long_functions(max_lines: int = MAX_LINES) -> list[str]:
    found = []
    for path in sorted((ROOT / "corpuskit").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            length = node.end_lineno - node.lineno + 1
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            said_why = any("# long:" in lines[i - 1] for i in (first - 1, node.lineno) if i >= 1)
            if length > max_lines and not said_why:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_is_over_80_lines_without_a_reason():
    long = long_functions()
    assert not long, "split these, or say why on their def line with '# long: ...':\n" + "\n".join(long)


def test_the_check_sees_a_long_function():
    assert long_functions(max_lines=20), "some function of corpuskit is over 20 lines: the walk must find it"
