"""Sphinx extension of the sklearn-statement docs: pages generated from the code.

- API pages: at ``config-inited`` one page per public name (each package's
  ``__all__``) is written under ``gen_modules/api/``; the ``api-summary``
  directive renders a package's table of names and links those pages, so a new
  public name gets its page without editing any ``.rst`` file;
  ``subpackage-summary`` lists a subpackage of ``sklearn_statement``.
- ``template-catalogue`` / ``template-family``: the registered templates
  (task family x language, then one page per family), from
  ``template_registry`` at build time.
- ``benchmark-results``: the figures in ``benchmarks/results/*.json`` (and its
  PNG plots), or a note that none exist yet; numbers are never typed in.
- ``cli-help``: the ``--help`` text of every ``sklearn-statement`` sub-command.
- Offline builds: Sphinx's "failed to reach any of the inventories" warning
  (intersphinx) is logged as information instead, so ``-W`` keeps guarding
  every other warning on a machine without internet.
"""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import os
import pkgutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util import logging as sphinx_logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

logger = sphinx_logging.getLogger(__name__)

PACKAGES = ("sklearn_statement", "template_registry", "datasets_builders")
API_DIR = "gen_modules/api"
REPO = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO / "benchmarks" / "results"

#: Methods inherited from skorch that belong to the estimator's documented API;
#: the other ~80 skorch members are documented by skorch itself.
SKORCH_API = {
    "fit",
    "partial_fit",
    "predict",
    "predict_proba",
    "score",
    "initialize",
    "save_params",
    "load_params",
    "get_params",
    "set_params",
    "forward",
}


# --------------------------------------------------------------------- helpers
def _parse(directive: SphinxDirective, lines: Iterable[str]) -> list[nodes.Node]:
    """Parse generated reStructuredText in the directive's document."""
    source = directive.get_source_info()[0]
    content = StringList()
    for i, line in enumerate(lines):
        content.append(line, source, i)
    container = nodes.Element()  # sections allowed: nested_parse_with_titles
    nested_parse_with_titles(directive.state, content, container)
    return container.children


def _public_names(package: str) -> list[tuple[str, Any]]:
    module = importlib.import_module(package)
    return [(name, getattr(module, name)) for name in getattr(module, "__all__", [])]


def _kind(obj: Any) -> str:
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if callable(obj):
        return "function"
    return "data"


def _data_doc(package: str, name: str) -> str:
    """The ``#:`` comment documenting a module-level name, looked up in the
    package, its subpackages and their private modules (where public
    constants are defined)."""
    from sphinx.pycode import ModuleAnalyzer

    module = importlib.import_module(package)
    candidates = [package] + [
        m.name for m in pkgutil.walk_packages(module.__path__, prefix=f"{package}.")
    ]
    for modname in candidates:
        try:
            docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
        except Exception:  # noqa: BLE001 - a module without source is skipped
            continue
        if ("", name) in docs:
            return " ".join(line.strip() for line in docs[("", name)]).strip()
    if name == "__version__":
        return (
            f"Version of the installed ``sklearn-statement`` distribution ({package})."
        )
    return ""


def _summary(package: str, name: str, obj: Any) -> str:
    if _kind(obj) == "data":
        doc = _data_doc(package, name)
    else:
        doc = inspect.getdoc(obj) or ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ").strip()
    return first


def _page(package: str, name: str, obj: Any) -> str:
    full = f"{package}.{name}"
    lines = [full, "=" * len(full), ""]
    lines += [f".. currentmodule:: {package}", ""]
    kind = _kind(obj)
    if kind == "class":
        lines += [f".. autoclass:: {name}", "   :members:", "   :inherited-members:"]
        lines += ["   :special-members: __call__", ""]
    elif kind == "exception":
        lines += [f".. autoexception:: {name}", "   :no-inherited-members:", ""]
    elif kind == "function":
        lines += [f".. autofunction:: {name}", ""]
    else:
        lines += [f".. py:data:: {name}", f"   :value: {obj!r}", ""]
        doc = _data_doc(package, name)
        if doc:
            lines += [f"   {doc}", ""]
    lines += [
        f".. minigallery:: {full}",
        f"   :add-heading: Examples using ``{full}``",
        "   :heading-level: -",
        "",
    ]
    return "\n".join(lines)


def _sync_folder(out: Path, wanted: dict[str, str]) -> None:
    """Make ``out/*.rst`` exactly ``wanted`` (file name -> text).

    Stale pages are removed; unchanged ones are not rewritten, so Sphinx
    does not re-read them.
    """
    for path in out.glob("*.rst"):
        if path.name not in wanted:
            path.unlink()
    for filename, text in wanted.items():
        path = out / filename
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def write_api_pages(app: Any, config: Any) -> None:
    """Write one page per public name; stale pages of removed names go away."""
    out = Path(app.srcdir) / API_DIR
    out.mkdir(parents=True, exist_ok=True)
    wanted = {}
    for package in PACKAGES:
        for name, obj in _public_names(package):
            wanted[f"{package}.{name}.rst"] = _page(package, name, obj)
    _sync_folder(out, wanted)


# ------------------------------------------------------------------ directives
class ApiSummary(SphinxDirective):
    """``.. api-summary:: package``: the package docstring, a table of its
    public names (``__all__``) by kind, each linked to its generated page."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        package = self.arguments[0]
        names = _public_names(package)
        lines = [f".. automodule:: {package}", "   :no-members:", ""]
        for kind, title in (
            ("class", "Classes"),
            ("function", "Functions"),
            ("exception", "Exceptions"),
            ("data", "Constants"),
        ):
            group = [(n, o) for n, o in names if _kind(o) == kind]
            if not group:
                continue
            lines += [
                f".. rubric:: {title}",
                "",
                ".. list-table::",
                "   :widths: 30 70",
                "   :class: autosummary",
                "",
            ]
            role = {
                "class": "class",
                "function": "func",
                "exception": "exc",
                "data": "data",
            }[kind]
            for name, obj in group:
                summary = _summary(package, name, obj) or " "
                lines += [
                    f"   * - :py:{role}:`~{package}.{name}`",
                    f"     - {summary}",
                ]
            lines.append("")
        lines += [".. toctree::", "   :hidden:", ""]
        lines += [f"   {API_DIR}/{package}.{name}" for name, _ in names]
        lines.append("")
        return _parse(self, lines)


class SubpackageSummary(SphinxDirective):
    """``.. subpackage-summary:: sklearn_statement.training``: a subpackage's
    docstring (its table of contents) and a table of its public names; a name
    the root package exports links to that name's page, the others (the
    building blocks the subpackages share) are listed with their summary."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        package = self.arguments[0]
        root = package.split(".")[0]
        exported = set(getattr(importlib.import_module(root), "__all__", []))
        lines = [f".. automodule:: {package}", "   :no-members:", ""]
        lines += [".. list-table::", "   :widths: 30 70", "   :class: autosummary", ""]
        roles = {"class": "class", "function": "func", "exception": "exc"}
        for name, obj in _public_names(package):
            if name in exported:
                cell = f":py:{roles.get(_kind(obj), 'data')}:`~{root}.{name}`"
            else:
                cell = f"``{name}``"
            lines += [f"   * - {cell}", f"     - {_summary(package, name, obj) or ' '}"]
        lines.append("")
        return _parse(self, lines)


def _coverage(templates: list[Any]) -> tuple[list[str], list[str], dict]:
    counts: dict[tuple[str, str], int] = {}
    for t in templates:
        key = (t.dataset or t.task, t.language)
        counts[key] = counts.get(key, 0) + 1
    tasks = sorted({t for t, _ in counts})
    languages = sorted({lg for _, lg in counts}, key=lambda lg: (lg != "en", lg))
    return tasks, languages, counts


def _literal(text: Any) -> str:
    text = str(text).replace("\n", " ")
    # an inline literal cannot start or end with a space ("query: ", e5's prompt)
    plain = "``" not in text and text.strip() == text and text
    return f"``{text}``" if plain else repr(text)


TEMPLATE_DIR = "gen_modules/templates"
MAX_LABELS_SHOWN = 12


def _language_name(code: str) -> str:
    try:
        import pycountry

        found = pycountry.languages.get(alpha_2=code) or pycountry.languages.get(
            alpha_3=code
        )
    except (ImportError, LookupError, KeyError):
        found = None
    return f"{found.name} ({code})" if found is not None else code


def _labels_text(labels: Iterable[Any]) -> str:
    labels = list(labels)
    shown = ", ".join(_literal(lab) for lab in labels[:MAX_LABELS_SHOWN])
    if len(labels) > MAX_LABELS_SHOWN:
        shown += f", … ({len(labels)} labels)"
    return shown


# The gallery runs in the build's process and registers its own templates
# (``plot_custom_template.py``); the catalogue shows the built-in ones only,
# as the registry held them when the build started (``config-inited``).
_BUILTIN: dict[str, Any] = {}


def _snapshot_registry() -> None:
    from template_registry import list_tasks, list_templates

    if not _BUILTIN:
        _BUILTIN["keys"] = {(t.task, t.language, t.name) for t in list_templates()}
        _BUILTIN["tasks"] = dict(list_tasks())


def _builtin_templates() -> list[Any]:
    from template_registry import list_templates

    _snapshot_registry()
    return [
        t for t in list_templates() if (t.task, t.language, t.name) in _BUILTIN["keys"]
    ]


def _builtin_tasks() -> dict[str, str]:
    _snapshot_registry()
    return dict(_BUILTIN["tasks"])


def _families() -> list[str]:
    return sorted({t.dataset or t.task for t in _builtin_templates()})


def write_template_pages(app: Any, config: Any) -> None:
    """One catalogue page per task family (rendered by ``template-family``)."""
    out = Path(app.srcdir) / TEMPLATE_DIR
    out.mkdir(parents=True, exist_ok=True)
    wanted = {}
    for family in _families():
        title = f"Templates: ``{family}``"
        wanted[f"{family}.rst"] = (
            f"{title}\n{'=' * len(title)}\n\n.. template-family:: {family}\n"
        )
    _sync_folder(out, wanted)


class TemplateCatalogue(SphinxDirective):
    """``.. template-catalogue::``: coverage (task family x language) and the
    dataset bindings, read from ``template_registry`` at build time; each
    family links to its page of templates (``template-family``)."""

    def run(self) -> list[nodes.Node]:
        from template_registry import dataset_info

        templates = _builtin_templates()
        tasks, languages, counts = _coverage(templates)
        families = _builtin_tasks()
        lines = [
            f"{len(templates)} templates for {len(tasks)} task families in "
            f"{len(languages)} language(s). A cell counts the variants (``name``) of a "
            "family in a language; where a family has no template in a language, "
            ":func:`template_registry.get_template` returns the English one. Each "
            "family links to its templates, shown on worked examples.",
            "",
            ".. list-table:: Template variants per task family and language",
            "   :header-rows: 1",
            "   :stub-columns: 1",
            "",
            "   * - family",
            "     - datasets",
        ]
        lines += [f"     - {lg}" for lg in languages]
        for task in tasks:
            bound = sorted(d for d, f in families.items() if f == task and d != task)
            lines.append(f"   * - :doc:`{task} <{TEMPLATE_DIR}/{task}>`")
            lines.append(f"     - {', '.join(bound) or ' '}")
            lines += [f"     - {counts.get((task, lg), '') or ''}" for lg in languages]
        lines.append("")

        bindings = {k: v for k, v in families.items() if k != v}
        if bindings:
            lines += [
                "Datasets and their task families",
                "--------------------------------",
                "",
                "Every dataset key of :func:`datasets_builders.load_task` is also a template "
                "key: it resolves to its family's templates with the dataset's labels and "
                "field names, so a dataset's columns are the template's fields plus "
                "``label``.",
                "",
                ".. list-table::",
                "   :header-rows: 1",
                "   :widths: 15 15 30 40",
                "",
                "   * - dataset",
                "     - family",
                "     - fields",
                "     - labels (template order; ``classes_`` sorts them)",
            ]
            for key, family in bindings.items():
                info = dataset_info(key)
                lines += [
                    f"   * - ``{key}``",
                    f"     - ``{family}``",
                    f"     - {', '.join(_literal(f) for f in info['fields'])}",
                    f"     - {_labels_text(info['labels'])}",
                ]
            lines.append("")
        lines += [".. toctree::", "   :hidden:", ""]
        lines += [f"   {TEMPLATE_DIR}/{family}" for family in _families()]
        lines.append("")
        return _parse(self, lines)


class TemplateFamily(SphinxDirective):
    """``.. template-family:: name``: every registered template of a task
    family, by language (English first), each variant's statements on the
    template's worked example."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        from sklearn_statement.cli import worked_example

        family = self.arguments[0]
        templates = [t for t in _builtin_templates() if (t.dataset or t.task) == family]
        templates.sort(key=lambda t: (t.language != "en", t.language))
        bound = sorted(
            d for d, f in _builtin_tasks().items() if f == family and d != family
        )
        first = templates[0]
        lines = [f"Fields: {', '.join(_literal(f) for f in first.fields)}."]
        if first.labels:
            lines.append(f"Labels: {_labels_text(first.labels)}.")
        else:
            lines.append("Labels: open (any label, written into the ``{label}`` slot).")
        if bound:
            lines.append(f"Datasets: {', '.join(f'``{d}``' for d in bound)}.")
        lines += [
            "",
            f"Use: ``get_template({family!r}, language=..., name=...)`` or "
            f"``ZeroShotStatementClassifier(..., template={family!r})``.",
            "",
        ]
        language = None
        for t in templates:
            if t.language != language:
                language = t.language
                title = _language_name(language)
                lines += [title, "-" * len(title), ""]
            lines += self._template_block(t, worked_example)
        return _parse(self, lines)

    @staticmethod
    def _template_block(t: Any, worked_example: Any) -> list[str]:
        example = worked_example(t)
        labels = list(t.labels) or list(t.verbalizer)[:3] or ["<label>"]
        shown = t if t.labels else t.with_labels(labels)
        try:
            statements = shown.statements(example)
        except (ValueError, TypeError) as exc:  # a template its example cannot fill
            statements = {"(error)": str(exc)}
        source = Path(t.source).name if t.source else "registered in code"
        lines = [f".. rubric:: {t.name}", ""]
        lines += [f"Source: ``{source}``. Worked example: "]
        lines += [
            "; ".join(f"*{k}* = {_literal(v)}" for k, v in example.items()) + ".",
            "",
        ]
        lines += [".. list-table::", "   :widths: 20 80", ""]
        for label, text in list(statements.items())[:MAX_LABELS_SHOWN]:
            lines += [f"   * - {_literal(label)}", f"     - {_literal(text)}"]
        lines.append("")
        return lines


def _flat(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            out += _flat(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    return [(prefix, value)]


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)) and len(value) > 8:
        return f"({len(value)} values)"
    text = str(value).replace("\n", " ")
    return text if len(text) < 120 else text[:117] + "..."


def _table(rows: list[dict[str, Any]]) -> list[str]:
    columns: list[str] = []
    for row in rows:
        for key, _ in _flat(row):
            if key not in columns:
                columns.append(key)
    lines = [".. list-table::", "   :header-rows: 1", ""]
    lines += [f"   * - {_literal(columns[0])}"] + [
        f"     - {_literal(c)}" for c in columns[1:]
    ]
    for row in rows:
        flat = dict(_flat(row))
        cells = [_cell(flat.get(c, "")) for c in columns]
        lines += [f"   * - {_literal(cells[0])}"] + [
            f"     - {_literal(c)}" for c in cells[1:]
        ]
    return lines + [""]


class BenchmarkResults(SphinxDirective):
    """``.. benchmark-results::``: what ``benchmarks/results`` holds, as
    written by the benchmark scripts; a note when there is nothing yet."""

    option_spec = {"pattern": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        pattern = self.options.get("pattern", "*.json")
        files = sorted(RESULTS_DIR.glob(pattern)) if RESULTS_DIR.is_dir() else []
        self.env.note_dependency(str(RESULTS_DIR))
        if not files:
            return _parse(
                self,
                [
                    ".. note::",
                    "",
                    "   No benchmark results in ``benchmarks/results/`` when these docs were "
                    "built. Run the scripts in ``benchmarks/`` (each writes "
                    "``benchmarks/results/<name>.json``) and rebuild the docs to show "
                    "their figures here.",
                    "",
                ],
            )
        lines: list[str] = []
        for path in files:
            self.env.note_dependency(str(path))
            title = f"``{path.name}``"
            lines += [title, "~" * len(title), ""]
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                logger.info("benchmark-results: %s is unreadable (%s)", path, exc)
                lines += [f"*Unreadable results file* ({_literal(exc)}).", ""]
                continue
            lines += self._render(data)
            for png in sorted(RESULTS_DIR.glob(f"{path.stem}*.png")):
                rel = os.path.relpath(png, Path(self.env.srcdir))
                lines += [f".. image:: /{Path(rel).as_posix()}", "   :width: 80%", ""]
        return _parse(self, lines)

    def _render(self, data: Any) -> list[str]:
        if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
            return _table(data)
        if not isinstance(data, dict):
            return ["::", "", "   " + json.dumps(data)[:2000], ""]
        lines: list[str] = []
        scalars = [
            (k, v)
            for k, v in _flat(
                {k: v for k, v in data.items() if not isinstance(v, list)}
            )
        ]
        if scalars:
            lines += [".. list-table::", "   :widths: 35 65", ""]
            for key, value in scalars:
                lines += [f"   * - {_literal(key)}", f"     - {_literal(_cell(value))}"]
            lines.append("")
        for key, value in data.items():
            if isinstance(value, list) and value:
                lines += [f".. rubric:: {key}", ""]
                if all(isinstance(r, dict) for r in value):
                    lines += _table(value)
                else:
                    lines += [_literal(_cell(value)), ""]
        return lines


class CliHelp(SphinxDirective):
    """``.. cli-help::``: ``sklearn-statement --help`` and each sub-command's."""

    def run(self) -> list[nodes.Node]:
        import argparse

        from sklearn_statement.cli import build_parser

        old = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = "88"
        try:
            parser = build_parser()
            parser.prog = "sklearn-statement"
            blocks = [("sklearn-statement", parser.format_help())]

            def walk(p: argparse.ArgumentParser, prefix: str) -> None:
                for action in p._actions:
                    if isinstance(action, argparse._SubParsersAction):
                        for name, sub in action.choices.items():
                            sub.prog = f"{prefix} {name}"
                            blocks.append((sub.prog, sub.format_help()))
                            walk(sub, sub.prog)

            walk(parser, "sklearn-statement")
        finally:
            if old is None:
                os.environ.pop("COLUMNS", None)
            else:
                os.environ["COLUMNS"] = old
        lines: list[str] = []
        for prog, text in blocks[1:]:
            title = f"``{prog}``"
            lines += [title, "-" * len(title), "", ".. code-block:: text", ""]
            lines += [f"   {line}".rstrip() for line in text.splitlines()]
            lines.append("")
        top = (
            [".. code-block:: text", ""]
            + [f"   {line}".rstrip() for line in blocks[0][1].splitlines()]
            + [""]
        )
        return _parse(self, top + lines)


# ---------------------------------------------------------------- autodoc hooks
def skip_skorch_internals(app, what, name, obj, skip, options):
    """Keep the sklearn-facing API of skorch-derived estimators, hide the rest
    (and sklearn's generated metadata-routing setters)."""
    if what != "class" or skip:
        return None
    if name == "get_metadata_routing" or (
        name.startswith("set_") and name.endswith("_request")
    ):
        return True  # sklearn's metadata-routing plumbing, documented by sklearn
    module = getattr(obj, "__module__", "") or ""
    if module.startswith("skorch") and name not in SKORCH_API:
        return True
    return None


THIRD_PARTY_DOCSTRINGS = ("docstring of sklearn.", "docstring of skorch.")


def unlinked_third_party_refs(app, env, node, contnode):
    """Inherited sklearn/skorch docstrings use labels of their own docs
    (``:ref:`accuracy_score```...); when intersphinx could not resolve them
    (offline), render the text unlinked instead of warning. Runs after
    intersphinx; references in our own pages and docstrings still warn."""
    if node.get("refdomain") != "std" or node.get("reftype") not in ("ref", "term"):
        return None
    source = str(node.source or "")
    if any(marker in source for marker in THIRD_PARTY_DOCSTRINGS):
        return contnode
    return None


class _OfflineInventories(logging.Filter):
    """Log intersphinx's unreachable-inventory warning as information."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and str(record.msg).startswith(
            "failed to reach any of the inventories"
        ):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg = (
                "intersphinx: inventories unreachable (offline?); names of that "
                "project are not linked: " + str(record.msg)
            )
        return True


def setup(app: Any) -> dict[str, Any]:
    for name in ("sphinx.ext.intersphinx._load", "sphinx.ext.intersphinx"):
        logging.getLogger(f"sphinx.{name}").addFilter(_OfflineInventories())
    app.connect("config-inited", write_api_pages)
    app.connect("config-inited", write_template_pages)
    app.connect("autodoc-skip-member", skip_skorch_internals)
    app.connect("missing-reference", unlinked_third_party_refs, priority=900)
    app.add_directive("api-summary", ApiSummary)
    app.add_directive("subpackage-summary", SubpackageSummary)
    app.add_directive("template-catalogue", TemplateCatalogue)
    app.add_directive("template-family", TemplateFamily)
    app.add_directive("benchmark-results", BenchmarkResults)
    app.add_directive("cli-help", CliHelp)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
