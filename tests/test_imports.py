"""Heavy libraries are imported on first use, not at package import.

``import template_registry``, ``import sklearn_statement`` and the
``sklearn-statement templates`` commands must not load torch, skorch or
``datasets`` (skorch's rule for heavy libraries); the public names still
import as usual, and the static-typing view of each package lists the same
names as its lazy table.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "skorch", "datasets", "transformers")
ROOT = Path(__file__).resolve().parents[1]


def _loaded_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running ``code``."""
    report = f"print('loaded:', *[m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\n{report}"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    (line,) = [x for x in out.stdout.splitlines() if x.startswith("loaded:")]
    return line.split()[1:]


@pytest.mark.parametrize(
    "code",
    [
        "import template_registry; template_registry.get_template('xnli')",
        "import sklearn_statement",
        "from sklearn_statement.cli import main; main(['templates', 'list'])",
        "from sklearn_statement.cli import main; main(['templates', 'show', 'sib200'])",
        "import datasets_builders; datasets_builders.STATEMENT_COLUMNS",
    ],
)
def test_no_heavy_library_is_imported(code):
    assert _loaded_after(code) == []


def test_a_public_name_imports_its_module_on_first_use():
    loaded = _loaded_after("from sklearn_statement import StatementTuner")
    assert "torch" in loaded and "skorch" in loaded  # the check above can fail


@pytest.mark.parametrize("package", ["sklearn_statement", "datasets_builders"])
def test_lazy_public_names(package):
    module = importlib.import_module(package)
    assert set(module.__all__) <= set(dir(module))
    for name in module.__all__:
        value = getattr(module, name)
        if name != "__version__":
            home = importlib.import_module(module._EXPORTS[name], package)
            assert value is getattr(home, name), name
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        module.no_such_name  # noqa: B018


@pytest.mark.parametrize("package", ["sklearn_statement", "datasets_builders"])
def test_type_checking_imports_match_the_lazy_table(package):
    module = importlib.import_module(package)
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    (block,) = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
    ]
    seen = {
        alias.name: "." * node.level + node.module
        for node in block.body
        for alias in node.names
    }
    assert seen == module._EXPORTS
