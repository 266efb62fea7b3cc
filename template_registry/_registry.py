"""The template registry: YAML files -> validated :class:`Template` objects.

Templates are data (promptsource's lesson): one YAML file per task family and
language under ``template_registry/templates/`` (``<task>.<language>.yaml``),
plus ``datasets.yaml`` binding every dataset key to a family and its labels.
Files are validated strictly when loaded; an error names the file, the
template and the fix.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ._languages import normalize_language
from ._template import Template, TemplateError

__all__ = [
    "get_template",
    "list_templates",
    "register_template",
    "load_templates",
    "list_tasks",
    "dataset_info",
]

logger = logging.getLogger(__name__)

_FILE_KEYS = {
    "task",
    "language",
    "fields",
    "labels",
    "verbalizer",
    "switch",
    "templates",
    "description",
    "example",
}
_TEMPLATE_KEYS = {"name", "statements", "label_statement", "verbalizer", "description"}
_BINDING_KEYS = {"family", "labels", "description"}


class _Registry:
    """Family templates per (task, language), dataset bindings, derived cache."""

    def __init__(self) -> None:
        self.families: dict[tuple[str, str], list[Template]] = {}
        self.bindings: dict[str, dict[str, Any]] = {}
        self.dataset_templates: dict[tuple[str, str], list[Template]] = {}
        self._derived: dict[tuple[str, str], list[Template]] = {}
        self.loaded = False

    # ----------------------------------------------------------------- loading
    def ensure_loaded(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        root = resources.files("template_registry")
        with resources.as_file(root / "datasets.yaml") as path:
            self._load_bindings(Path(path))
        with resources.as_file(root / "templates") as folder:
            for path in sorted(Path(folder).glob("*.yaml")):
                templates = _read_template_file(path)
                _check_builtin_file_name(path, templates)
                for template in templates:
                    self.add(template, overwrite=False)
        _check_native_families(self.families)

    def _load_bindings(self, path: Path) -> None:
        data = _read_yaml(path)
        for key, spec in data.items():
            where = f"{path}: dataset {key!r}"
            if (
                not isinstance(spec, Mapping)
                or "family" not in spec
                or "labels" not in spec
            ):
                raise TemplateError(f"{where}: needs 'family' and 'labels'")
            unknown = set(spec) - _BINDING_KEYS
            if unknown:
                raise TemplateError(
                    f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_BINDING_KEYS)}"
                )
            labels = spec["labels"]
            if isinstance(labels, Mapping):
                mapping = dict(labels)
            elif isinstance(labels, list):
                if len(set(labels)) != len(labels):
                    raise TemplateError(f"{where}: duplicate labels {labels}")
                mapping = {lab: lab for lab in labels}
            else:
                raise TemplateError(
                    f"{where}: 'labels' must be a list or a mapping, got {type(labels).__name__}"
                )
            self.bindings[key] = {"family": spec["family"], "labels": mapping}

    # ---------------------------------------------------------------- mutation
    def add(self, template: Template, overwrite: bool) -> None:
        if not isinstance(template, Template):
            raise TypeError(
                f"register_template expects a Template, got {type(template).__name__}"
            )
        key = (template.dataset or template.task, template.language)
        store = self.dataset_templates if template.dataset else self.families
        bucket = store.setdefault(key, [])
        for i, old in enumerate(bucket):
            if old.name == template.name:
                if not overwrite:
                    raise TemplateError(
                        f"{template._where()}: a template named {template.name!r} is already registered for "
                        f"task {key[0]!r} in language {key[1]!r}"
                        + (f" (from {old.source})" if old.source else "")
                        + "; pick another name or pass overwrite=True"
                    )
                bucket[i] = template
                break
        else:
            bucket.append(template)
        self._derived.clear()

    # ----------------------------------------------------------------- queries
    def derive(self, dataset: str, language: str) -> list[Template]:
        key = (dataset, language)
        if key not in self._derived:
            binding = self.bindings[dataset]
            family, mapping = binding["family"], binding["labels"]
            out = []
            for fam in self.families.get((family, language), []):
                out.append(_bind(fam, dataset, mapping))
            out += self.dataset_templates.get(key, [])
            self._derived[key] = [t for t in out if t is not None]
        return self._derived[key]

    def candidates(self, task: str, language: str) -> list[Template]:
        if task in self.bindings:
            return self.derive(task, language)
        return list(self.families.get((task, language), [])) + list(
            self.dataset_templates.get((task, language), [])
        )

    def known_tasks(self) -> list[str]:
        fams = {t for t, _ in self.families} | {t for t, _ in self.dataset_templates}
        return sorted(fams | set(self.bindings))


def _bind(
    fam: Template, dataset: str, mapping: Mapping[Hashable, Hashable]
) -> Template | None:
    """Family template -> dataset template with the dataset's label values."""
    statements = {d: fam.patterns[f] for d, f in mapping.items() if f in fam.patterns}
    if len(statements) < len(mapping) and not fam.is_open:
        return None  # this family variant does not cover the dataset's labels
    return fam.replace(
        statements=statements,
        labels=tuple(mapping),
        verbalizer={d: fam.verbalize(f) for d, f in mapping.items()},
        dataset=dataset,
    )


def _check_builtin_file_name(path: Path, templates: list[Template]) -> None:
    """A built-in file is named ``<task>.<language>.yaml`` after its content."""
    task, language = templates[0].task, templates[0].language
    expected = f"{task}.{language}.yaml"
    if path.name != expected:
        raise TemplateError(
            f"{path}: the file holds task {task!r} in language {language!r}; built-in "
            f"template files are named <task>.<language>.yaml, so rename it to {expected!r} "
            "(or fix its 'task' / 'language')"
        )


def _family_shape(template: Template) -> dict[str, Any]:
    cases = None
    if template.switch is not None:
        first = next(iter(template.patterns.values()))
        cases = sorted(map(str, first))
    return {
        "fields": template.fields,
        "label keys": sorted(map(str, template.patterns)),
        "switch": template.switch,
        "switch cases": cases,
        "open label set": template.is_open,
    }


def _check_native_families(families: Mapping[tuple[str, str], list[Template]]) -> None:
    """Native built-in templates must have the English family's shape.

    Dataset templates are derived from family templates of the requested
    language (:func:`_bind`), so a native file with other fields, label keys or
    switch cases would silently serve a dataset with other columns, or not at
    all; an open template whose verbalizer lacks a label key would write that
    label in English inside a native statement.
    """
    for (task, language), templates in families.items():
        english = families.get((task, "en"))
        if language == "en" or not english:
            continue
        want = _family_shape(english[0])
        for template in templates:
            got = _family_shape(template)
            for key, value in want.items():
                if got[key] != value:
                    raise TemplateError(
                        f"{template._where()}: {key} {got[key]!r} differ from the English "
                        f"{task!r} templates ({value!r}, {english[0].source}); a native "
                        "template keeps the English family's fields, label keys and switch "
                        "cases so that every dataset bound to the family derives from it"
                    )
            missing = [k for k in english[0].verbalizer if k not in template.verbalizer]
            if missing:
                raise TemplateError(
                    f"{template._where()}: the verbalizer lacks label(s) {missing} that the "
                    f"English {task!r} verbalizer has; add their {language!r} words"
                )


_REGISTRY = _Registry()


def _read_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from None


def _read_template_file(path: Path) -> list[Template]:
    data = _read_yaml(path)
    if not isinstance(data, Mapping):
        raise TemplateError(
            f"{path}: a template file must be a mapping with 'task', 'language' and 'templates'"
        )
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise TemplateError(
            f"{path}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_FILE_KEYS)}"
        )
    for key in ("task", "language", "templates"):
        if key not in data:
            raise TemplateError(f"{path}: missing key {key!r}")
    if not isinstance(data["templates"], list) or not data["templates"]:
        raise TemplateError(f"{path}: 'templates' must be a non-empty list")
    example = data.get("example")
    if example is not None:
        if not isinstance(example, Mapping):
            raise TemplateError(f"{path}: 'example' must be a mapping of field -> text")
        missing = [f for f in data.get("fields") or [] if f not in example]
        if missing:
            raise TemplateError(f"{path}: 'example' lacks field(s) {missing}")
    out: list[Template] = []
    names: set[str] = set()
    for i, spec in enumerate(data["templates"]):
        if not isinstance(spec, Mapping) or "name" not in spec:
            raise TemplateError(
                f"{path}: template #{i + 1} must be a mapping with a 'name'"
            )
        unknown = set(spec) - _TEMPLATE_KEYS
        if unknown:
            raise TemplateError(
                f"{path}: template {spec['name']!r}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_TEMPLATE_KEYS)}"
            )
        if spec["name"] in names:
            raise TemplateError(
                f"{path}: duplicate template name {spec['name']!r}; names must be unique per file"
            )
        names.add(spec["name"])
        verbalizer = dict(data.get("verbalizer") or {})
        verbalizer.update(spec.get("verbalizer") or {})
        out.append(
            Template(
                data["task"],
                spec.get("statements"),
                language=data["language"],
                name=spec["name"],
                fields=data.get("fields"),
                labels=data.get("labels"),
                label_statement=spec.get("label_statement"),
                verbalizer=verbalizer,
                switch=data.get("switch"),
                source=str(path),
                example=data.get("example"),
            )
        )
    return out


def load_templates(
    path: str | Path, *, register: bool = True, overwrite: bool = False
) -> list[Template]:
    """Load templates from a YAML file or a directory of ``*.yaml`` files.

    Parameters
    ----------
    path : str or Path
        A YAML file in the registry's schema (``task``, ``language``,
        ``fields``, optional ``labels`` / ``verbalizer`` / ``switch``, and a
        list of ``templates`` each with a ``name`` and ``statements`` or a
        ``label_statement``), or a directory holding such files.
    register : bool, default=True
        Also add the templates to the registry (see
        :func:`register_template`).
    overwrite : bool, default=False
        Replace registered templates of the same task, language and name.

    Returns
    -------
    list of Template

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist or a directory holds no ``*.yaml`` file.
    TemplateError
        If a file is malformed; the message names the file and template.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no template file or directory at {path}")
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        raise FileNotFoundError(f"{path} holds no *.yaml template file")
    templates = [t for f in files for t in _read_template_file(f)]
    if register:
        _REGISTRY.ensure_loaded()
        for t in templates:
            _REGISTRY.add(t, overwrite=overwrite)
    return templates


def register_template(template: Template, *, overwrite: bool = False) -> Template:
    """Add ``template`` to the registry.

    A family template (``template.dataset is None``) also serves every dataset
    bound to its family whose labels it covers.

    Parameters
    ----------
    template : Template
    overwrite : bool, default=False
        Replace a registered template with the same task, language and name.

    Returns
    -------
    Template
        The template, for chaining.

    Raises
    ------
    TypeError
        If ``template`` is not a :class:`Template`.
    TemplateError
        If the name is taken and ``overwrite`` is False.
    """
    _REGISTRY.ensure_loaded()
    _REGISTRY.add(template, overwrite=overwrite)
    return template


def _unknown_task(task: str) -> ValueError:
    return ValueError(
        f"unknown task {task!r}; known tasks (families and datasets): {_REGISTRY.known_tasks()}"
    )


def get_template(task: str, language: str = "en", name: str | None = None) -> Template:
    """Return a registered template.

    Parameters
    ----------
    task : str
        A task family (``"nli"``, ``"topic"``…) or a dataset key (``"xnli"``,
        ``"sib200"``…). A dataset key gives the family's template with that
        dataset's label values and field names.
    language : str, default="en"
        Language of the input texts, as an ISO 639-1/639-3 or FLORES-200
        code (normalised, see :func:`normalize_language`). The native
        template of this language is returned when one is registered, else
        the English one (see Notes).
    name : str, optional
        Variant name; the first registered variant when omitted. Native
        templates that translate an English variant share its name
        (``"implies"``, ``"given"``, ``"based_on"`` for ``nli``).

    Returns
    -------
    Template
        ``template.language`` is the language the statements are written
        in: the requested one, or ``"en"`` after a fallback.

    Raises
    ------
    ValueError
        If the task, language or name is unknown (the message lists the
        known ones).

    Notes
    -----
    English fallback: Statement-Tuning found English templates as good as
    translated ones for input in any language (arXiv 2506.01592, Sec. 5),
    so a task without a native template in ``language`` gets its English
    template. Compare ``template.language`` with the requested language
    (after :func:`normalize_language`) to know which one you got; the
    fallback is also logged at INFO level by the ``template_registry``
    logger. To use English templates on purpose, pass ``language="en"``.
    :func:`list_templates` with a ``language`` lists only native templates
    (no fallback), and :func:`coverage_table` shows which task and language
    pairs have them.

    Examples
    --------
    >>> from template_registry import get_template
    >>> t = get_template("xnli")
    >>> t.task, t.fields, t.labels
    ('nli', ('premise', 'hypothesis'), ('entailment', 'neutral', 'contradiction'))
    >>> get_template("xnli", language="deu_Latn").language  # native German template
    'de'
    >>> get_template("xnli", language="quy").language  # no Quechua template: English
    'en'
    """
    _REGISTRY.ensure_loaded()
    if not isinstance(task, str):
        raise TypeError(f"task must be a string, got {type(task).__name__}")
    lang = normalize_language(language)
    if task not in _REGISTRY.known_tasks():
        raise _unknown_task(task)
    found = _REGISTRY.candidates(task, lang)
    if not found and lang != "en":
        logger.info(
            "task %r has no native template in language %r; returning the English one "
            "(template.language == 'en'), which works for input in any language",
            task,
            lang,
        )
        found = _REGISTRY.candidates(task, "en")
    if not found:
        raise ValueError(
            f"task {task!r} has no template in language {lang!r} nor in English"
        )
    if name is None:
        return found[0]
    for t in found:
        if t.name == name:
            return t
    hint = ""
    if found[0].language != "en" and any(
        t.name == name for t in _REGISTRY.candidates(task, "en")
    ):
        hint = "; the English templates have one (pass language='en' to use it)"
    raise ValueError(
        f"task {task!r} has no template named {name!r} in language {found[0].language!r}; "
        f"names: {[t.name for t in found]}{hint}"
    )


def list_templates(
    task: str | None = None, language: str | None = None
) -> list[Template]:
    """List registered templates.

    Parameters
    ----------
    task : str, optional
        A family or dataset key; with None, every family template (dataset
        templates are derived from them, see :func:`get_template`).
    language : str, optional
        Only templates written in this language (no English fallback).

    Returns
    -------
    list of Template
        Sorted by task, language and registration order.

    Raises
    ------
    ValueError
        If ``task`` or ``language`` is unknown.
    """
    _REGISTRY.ensure_loaded()
    lang = normalize_language(language) if language is not None else None
    if task is not None:
        if task not in _REGISTRY.known_tasks():
            raise _unknown_task(task)
        languages = sorted(
            {lg for t, lg in _REGISTRY.families}
            | {lg for t, lg in _REGISTRY.dataset_templates}
        )
        return [
            t
            for lg in languages
            if lang in (None, lg)
            for t in _REGISTRY.candidates(task, lg)
        ]
    out: list[Template] = []
    for key in sorted(set(_REGISTRY.families) | set(_REGISTRY.dataset_templates)):
        if lang in (None, key[1]):
            out += _REGISTRY.families.get(key, []) + _REGISTRY.dataset_templates.get(
                key, []
            )
    return out


def list_tasks() -> dict[str, str]:
    """Map every known task key to its family (a family maps to itself).

    Returns
    -------
    dict of str -> str
    """
    _REGISTRY.ensure_loaded()
    out = {t: t for t, _ in _REGISTRY.families}
    out.update({d: b["family"] for d, b in _REGISTRY.bindings.items()})
    return dict(sorted(out.items()))


def dataset_info(dataset: str) -> dict[str, Any]:
    """The binding of a dataset key: its ``family``, ``fields`` and ``labels``.

    Parameters
    ----------
    dataset : str
        A dataset key of ``datasets.yaml`` (``"xnli"``, ``"sst2"``…).

    Returns
    -------
    dict
        ``{"family": str, "fields": tuple of str, "labels": tuple}``.

    Raises
    ------
    ValueError
        If ``dataset`` is not a known dataset key.
    """
    _REGISTRY.ensure_loaded()
    if dataset not in _REGISTRY.bindings:
        raise ValueError(
            f"unknown dataset {dataset!r}; known datasets: {sorted(_REGISTRY.bindings)}"
        )
    binding = _REGISTRY.bindings[dataset]
    template = get_template(dataset)
    return {
        "family": binding["family"],
        "fields": template.fields,
        "labels": tuple(binding["labels"]),
    }


def _iter_all_dataset_templates() -> Iterable[Template]:
    _REGISTRY.ensure_loaded()
    for dataset in _REGISTRY.bindings:
        languages = sorted(
            {
                lg
                for fam, lg in _REGISTRY.families
                if fam == _REGISTRY.bindings[dataset]["family"]
            }
        )
        for lg in languages:
            yield from _REGISTRY.derive(dataset, lg)
