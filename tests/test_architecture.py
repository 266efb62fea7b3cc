"""The import rules of the packages, checked on their source (AST), like the function length.

``sklearn_statement`` is one subpackage per concern, and imports flow one way::

    cli -> recipes -> evaluation -> {zero_shot, training, export, scale}
        -> backends -> datasets_builders -> models -> utils -> template_registry

(``datasets_builders`` and ``template_registry`` are the sibling top-level
packages: the evaluation, the recipes and the command line load data; the
data builders count tokens with the statement models' tokenizer loader,
``sklearn_statement.models.load_tokenizer``; templates import nothing of ours.)

- direction: a module imports only from packages below its own, or from the
  sibling subpackages listed in :data:`SIBLING_EDGES`;
- no import circle anywhere, between modules (module-level *and*
  function-level imports count; ``if TYPE_CHECKING:`` blocks do not);
- siblings meet through the public ``__init__``: outside a subpackage, no code
  imports its private modules or private names (the packages, ``examples/``,
  ``benchmarks/``, ``docs/`` and ``scripts/`` included); a test imports the
  private modules of the subpackage it tests (``tests/sklearn_statement/<sub>/``)
  and no others.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "sklearn_statement"
#: Rank of each layer: imports go from a higher rank to a lower one.
RANKS = {
    f"{PACKAGE}.cli": 9,
    f"{PACKAGE}.recipes": 8,
    f"{PACKAGE}.evaluation": 7,
    f"{PACKAGE}.zero_shot": 6,
    f"{PACKAGE}.training": 6,
    f"{PACKAGE}.export": 6,
    f"{PACKAGE}.scale": 6,
    f"{PACKAGE}.backends": 5,
    "datasets_builders": 4,
    f"{PACKAGE}.models": 3,
    f"{PACKAGE}.utils": 2,
    "template_registry": 1,
}
#: Imports between subpackages of the same rank, each with its reason (they must
#: not make a circle: the cycle check below covers them).
SIBLING_EDGES = {
    (f"{PACKAGE}.zero_shot", f"{PACKAGE}.training"): "few-shot tuning continues "
    "statement tuning; the classifier accepts a fitted StatementTuner as model",
    (f"{PACKAGE}.training", f"{PACKAGE}.export"): "StatementTuner.export saves "
    "the model, then exports it (imported inside the method)",
    (f"{PACKAGE}.scale", f"{PACKAGE}.zero_shot"): "each Dask worker runs a "
    "ZeroShotStatementClassifier",
}
#: Files outside a subpackage that may reach one of its private modules, and why.
PRIVATE_EXCEPTIONS = {
    ("tests/conftest.py", f"{PACKAGE}.utils._cpu"): "the bf16_anywhere fixture "
    "patches has_native_bf16 where resolve_precision looks it up",
}
SOURCES = ("sklearn_statement", "datasets_builders", "template_registry")
OTHER_CODE = ("tests", "examples", "benchmarks", "docs", "scripts")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        getattr(test, "id", "") == "TYPE_CHECKING"
        or getattr(test, "attr", "") == "TYPE_CHECKING"
    )


def imports(
    path: Path, here: str | None = None
) -> list[tuple[str, tuple[str, ...], int]]:
    """(module, names, line) of every import in ``path``, relative ones resolved.

    Imports anywhere count (inside functions too), except those under
    ``if TYPE_CHECKING:``. ``import a.b`` gives ``("a.b", (), line)``.
    ``here``: the file's module name (default: from its path).
    """
    here = here or module_name(path)
    package = here if is_package(path) else here.rpartition(".")[0]
    found = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                continue
            if isinstance(child, ast.Import):
                found.extend((a.name, (), child.lineno) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - child.level + 1]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                names = tuple(a.name for a in child.names)
                found.append((target, names, child.lineno))
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def python_files(*folders: str) -> list[Path]:
    out = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "sample_data" not in path.parts and "auto_examples" not in path.parts:
                out.append(path)
    return out


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in python_files(*SOURCES)}


def targets(module: str, names: tuple[str, ...], known: dict[str, Path]) -> list[str]:
    """The modules an import uses: the submodules named in ``names``, and the
    module itself when other names are imported from it."""
    subs = [f"{module}.{n}" for n in names if f"{module}.{n}" in known]
    whole = module in known and (len(subs) < len(names) or not names)
    return [module] * whole + subs


def layer(module: str) -> str | None:
    """The layer (a key of RANKS) that ``module`` belongs to, if any."""
    for name in sorted(RANKS, key=len, reverse=True):
        if module == name or module.startswith(name + "."):
            return name
    return None


def edges() -> list[tuple[str, str, tuple[str, ...], str]]:
    """(importer, imported module, names, where) between modules of the packages."""
    known = all_modules()
    out = []
    for module, path in known.items():
        for target, names, line in imports(path):
            for hit in targets(target, names, known):
                where = f"{path.relative_to(ROOT).as_posix()}:{line}"
                out.append((module, hit, names, where))
    return out


def test_imports_are_read_from_functions_too(tmp_path):
    source = "import os\n\ndef f():\n    from .x import y\n\nif TYPE_CHECKING:\n    import z\n"
    path = tmp_path / "_probe.py"
    path.write_text(source, encoding="utf-8")
    assert [(m, n) for m, n, _ in imports(path, f"{PACKAGE}.utils._probe")] == [
        ("os", ()),
        (f"{PACKAGE}.utils.x", ("y",)),
    ]


def test_every_module_belongs_to_a_layer():
    loose = [
        m
        for m in all_modules()
        if layer(m) is None and m not in (PACKAGE, f"{PACKAGE}._legacy")
    ]
    assert not loose, f"put these in a subpackage (or give them a rank): {loose}"


def test_imports_flow_one_way():
    wrong = []
    for source, target, names, where in edges():
        a, b = layer(source), layer(target)
        if source == PACKAGE:  # the root imports its old-path finder only
            if target != f"{PACKAGE}._legacy":
                wrong.append(f"{where}: the root package imports {target}")
            continue
        if target == PACKAGE:  # the root's lazy table: only its version
            if set(names) - {"__version__"}:
                wrong.append(f"{where}: {source} imports {names} from {PACKAGE}")
            continue
        if a is None or b is None or a == b:
            continue
        if RANKS[a] < RANKS[b] or (
            RANKS[a] == RANKS[b] and (a, b) not in SIBLING_EDGES
        ):
            wrong.append(f"{where}: {a} -> {b}")
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_siblings_meet_through_the_public_init():
    wrong = []
    for source, target, names, where in edges():
        a, b = layer(source), layer(target)
        if a == b or b is None or target == PACKAGE:
            continue
        private = [n for n in names if n.startswith("_")]
        if target != b or private:
            wrong.append(f"{where}: {source} imports {target} {private or ''}")
    assert not wrong, "import a sibling's public names only:\n" + "\n".join(wrong)


def test_no_import_circle():
    graph = defaultdict(set)
    for source, target, _, _ in edges():
        if source != target:
            graph[source].add(target)
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def strongconnect(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(all_modules()):
        if v not in index:
            strongconnect(v)
    assert not cycles, f"import circles: {cycles}"


def _private_reaches(path: Path) -> list[str]:
    """Private modules or names of ``sklearn_statement`` subpackages ``path`` imports."""
    out = []
    for target, names, line in imports(path):
        if not (target == PACKAGE or target.startswith(PACKAGE + ".")):
            continue
        parts = target.split(".")
        bad = [p for p in parts if p.startswith("_")]
        bad += [n for n in names if n.startswith("_") and n != "__version__"]
        if bad:
            out.append((target, names, line))
    return out


@pytest.mark.parametrize(
    "folder", OTHER_CODE + ("datasets_builders", "template_registry")
)
def test_nothing_outside_reaches_a_private_module(folder):
    wrong = []
    for path in python_files(folder):
        relative = path.relative_to(ROOT).as_posix()
        parts = path.relative_to(ROOT).parts
        # a test of a subpackage (tests/sklearn_statement/<sub>/) may use its
        # private modules; a test of the root (tests/sklearn_statement/) the
        # root's own private modules (_legacy)
        tested = None
        if parts[:2] == ("tests", PACKAGE):
            tested = f"{PACKAGE}.{parts[2]}" if len(parts) > 3 else PACKAGE
        for target, names, line in _private_reaches(path):
            full = [target] + [f"{target}.{n}" for n in names]
            if tested == PACKAGE and target == PACKAGE:
                if all(f"{PACKAGE}.{n}" in all_modules() for n in names if n[0] == "_"):
                    continue
            elif tested and (target == tested or target.startswith(tested + ".")):
                continue
            if any((relative, t) in PRIVATE_EXCEPTIONS for t in full):
                continue
            wrong.append(f"{relative}:{line}: {target} {names}")
    assert not wrong, "use the subpackages' public names:\n" + "\n".join(wrong)
