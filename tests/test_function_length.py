"""No function in the packages is longer than 80 lines (docstring excluded).

A longer body is split into named helpers. No file is exempt.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sklearn_statement", "datasets_builders", "template_registry")
EXCLUDED: set[str] = set()  # none: every function is within the limit
LIMIT = 80


def body_lengths(source: str) -> dict[str, int]:
    """Lines of every function's body, its docstring excluded, by qualified name."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = getattr(child, "name", "")
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = child.body
                first = body[0]
                if (
                    isinstance(first, ast.Expr)
                    and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)
                ):
                    body = body[1:]
                if body:
                    lengths[prefix + name] = body[-1].end_lineno - body[0].lineno + 1
            visit(child, prefix + name + "." if name else prefix)

    visit(ast.parse(source), "")
    return lengths


def test_body_lengths_count_code_not_docstrings():
    source = 'def f():\n    """Doc.\n\n    More.\n    """\n    a = 1\n    return a\n'
    assert body_lengths(source) == {"f": 2}
    nested = "class C:\n    def m(self):\n        def g():\n            pass\n        return g\n"
    assert body_lengths(nested) == {"C.m": 3, "C.m.g": 1}


@pytest.mark.parametrize("package", PACKAGES)
def test_no_function_is_longer_than_the_limit(package):
    too_long = []
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in EXCLUDED or "sample_data" in path.parts:
            continue
        for name, length in body_lengths(path.read_text(encoding="utf-8")).items():
            if length > LIMIT:
                too_long.append(f"{relative}: {name} ({length} lines)")
    assert not too_long, "split these into helpers: " + "; ".join(too_long)
