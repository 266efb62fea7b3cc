"""The :class:`Template`: one natural-language statement pattern per label.

Statement-Tuning (Elshabrawy et al., 2024, arXiv 2404.12897, Sec. 3) turns an
example of any discriminative task into one statement per candidate label; an
encoder judges each statement true or false and the label of the most-true
statement wins. A template is the data that does this rewriting.

Pattern syntax is Python's :meth:`str.format` field syntax restricted to plain
names: ``{premise}`` inserts the example's ``premise`` field, ``{{`` and ``}}``
are literal braces, ``{label}`` (only in a ``label_statement``) inserts the
label's verbalization, and ``{sentence:_=option1}`` inserts ``sentence`` with
its blank ``_`` filled by the example's ``option1`` (Winograd-style tasks).
"""

from __future__ import annotations

import string
from collections.abc import Hashable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from ._languages import normalize_language

__all__ = ["Template", "TemplateError"]

_BLANK = "_"


class TemplateError(ValueError):
    """A template (or a template file) is malformed.

    The message names the template, the file it came from (when it was loaded
    from one) and what to change.
    """


def _parse(pattern: str, where: str) -> list[tuple[str, str | None, str | None]]:
    """Split a pattern into ``(literal, field, fill_field)`` segments."""
    if not isinstance(pattern, str):
        raise TemplateError(
            f"{where}: a statement pattern must be a string, got {type(pattern).__name__}"
        )
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise TemplateError(
            f"{where}: cannot parse pattern {pattern!r} ({exc}); write literal braces as '{{{{' and '}}}}'"
        ) from None
    segments = []
    for literal, field, spec, conversion in parsed:
        fill = None
        if field is not None:
            if not field.isidentifier():
                raise TemplateError(
                    f"{where}: placeholder {{{field}}} in {pattern!r} is not a plain field name; "
                    "use {name}, and '{{' / '}}' for literal braces"
                )
            if conversion:
                raise TemplateError(
                    f"{where}: conversion '!{conversion}' in {pattern!r} is not supported"
                )
            if spec:
                if not (spec.startswith(_BLANK + "=") and spec[2:].isidentifier()):
                    raise TemplateError(
                        f"{where}: format spec ':{spec}' in {pattern!r} is not supported; the only spec is "
                        "'{field:_=other}' (fill the blank '_' of field with other)"
                    )
                fill = spec[2:]
        segments.append((literal, field, fill))
    return segments


def _placeholders(segments) -> list[str]:
    names: list[str] = []
    for _, field, fill in segments:
        for name in (field, fill):
            if name is not None and name not in names:
                names.append(name)
    return names


def _preview(text: str, limit: int = 80) -> str:
    """``repr(text)``, shortened for error messages (inputs may be very long)."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"


def _as_text(value: Any, field: str) -> str:
    if value is None:
        raise ValueError(
            f"field {field!r} is None; every template field needs a non-empty text"
        )
    if isinstance(value, float) and value != value:  # NaN from pandas
        raise ValueError(
            f"field {field!r} is NaN (a missing value); every template field needs a text"
        )
    text = value if isinstance(value, str) else str(value)
    if not text.strip():
        raise ValueError(
            f"field {field!r} is empty; every template field needs a non-empty text"
        )
    return text


class Template:
    """Statement patterns for one task (family), language and variant.

    Parameters
    ----------
    task : str
        Task family, e.g. ``"nli"``, ``"topic"``, ``"copa"``.
    statements : mapping of label -> str, or label -> mapping of case -> str
        One statement pattern per label. With ``switch``, each label maps the
        values of the ``switch`` field to a pattern (e.g. COPA's ``cause`` /
        ``effect`` questions).
    language : str, default="en"
        Language of the template text (normalised, see
        :func:`normalize_language`).
    name : str, default="default"
        Variant name, unique per task and language.
    fields : sequence of str, optional
        Input fields, in order. Inferred from the patterns when omitted; when
        given, an unknown or unused field is an error.
    labels : sequence of hashable, optional
        Labels, in the template's order (a classifier's ``classes_`` holds
        them sorted). Defaults to the keys of ``statements``.
        Labels without an explicit pattern use ``label_statement``.
    label_statement : str, optional
        A pattern with a ``{label}`` slot for labels that have no explicit
        pattern (an open label set, e.g. topic classification with any
        topics).
    verbalizer : mapping of label -> str, optional
        Words that ``{label}`` is replaced with; a label missing here is
        written as ``str(label)``.
    switch : str, optional
        Field whose value selects the pattern (see ``statements``).
    dataset : str, optional
        Dataset key the template is bound to (``"xnli"``), or None for a
        family template.
    source : str, optional
        File the template was loaded from (used in error messages).
    example : mapping of str -> str, optional
        A worked example (field values) for documentation and
        ``sklearn-statement templates show``.

    Attributes
    ----------
    fields : tuple of str
        Input field names.
    labels : tuple
        Labels, in the template's order (empty for an open template that
        has not been given labels); classifiers sort them into
        ``classes_``.

    Raises
    ------
    TemplateError
        If a pattern has an unknown or missing placeholder, a label has no
        statement, or the switch cases disagree. The message names the file
        (``source``) and the template.

    See Also
    --------
    get_template : look a registered template up.
    register_template : add a template to the registry.

    Examples
    --------
    >>> from template_registry import Template
    >>> t = Template("sentiment", {"pos": "{text} It was great.", "neg": "{text} It was terrible."})
    >>> t.fields, t.labels
    (('text',), ('pos', 'neg'))
    >>> t.statements({"text": "I loved it."})["pos"]
    'I loved it. It was great.'
    """

    def __init__(
        self,
        task: str,
        statements: Mapping[Hashable, Any] | None = None,
        *,
        language: str = "en",
        name: str = "default",
        fields: Iterable[str] | None = None,
        labels: Iterable[Hashable] | None = None,
        label_statement: str | None = None,
        verbalizer: Mapping[Hashable, str] | None = None,
        switch: str | None = None,
        dataset: str | None = None,
        source: str | None = None,
        example: Mapping[str, Any] | None = None,
    ) -> None:
        for attr, value in (("task", task), ("name", name)):
            if not isinstance(value, str) or not value.strip():
                raise TemplateError(
                    f"template {attr} must be a non-empty string, got {value!r}"
                )
        self.task = task
        self.name = name
        self.source = source
        self._example = dict(example) if example else None
        self.dataset = dataset
        try:
            self.language = normalize_language(language)
        except ValueError as exc:
            raise TemplateError(f"{self._where()}: {exc}") from None
        where = self._where()
        statements = dict(statements or {})
        if not statements and label_statement is None:
            raise TemplateError(
                f"{where}: give a statement per label ('statements') or a 'label_statement'"
            )
        self.switch = switch
        used = self._parse_statements(statements, switch, where)
        self._label_segments = None
        if label_statement is not None:
            self._label_segments = _parse(label_statement, f"{where}, label_statement")
            names = _placeholders(self._label_segments)
            if "label" not in names:
                raise TemplateError(
                    f"{where}: label_statement {label_statement!r} has no '{{label}}' slot"
                )
            used += [p for p in names if p != "label" and p not in used]
        self.label_statement = label_statement
        self._verbalizer = dict(verbalizer or {})
        self._patterns = statements
        if switch is not None and switch not in used:
            used.append(switch)
        self.fields = self._check_fields(fields, used, where)
        self.labels = self._check_labels(labels, statements, where)

    def _parse_statements(
        self, statements: dict[Hashable, Any], switch: str | None, where: str
    ) -> list[str]:
        """Parse every label's pattern(s) into ``_segments``; the placeholders used."""
        self._segments: dict[Hashable, dict[str | None, list]] = {}
        used: list[str] = []
        cases_seen: set[str] | None = None
        for label, pattern in statements.items():
            if switch is None:
                if isinstance(pattern, Mapping):
                    raise TemplateError(
                        f"{where}: label {label!r} maps cases to patterns, but the template has no 'switch' field"
                    )
                cases = {None: pattern}
            else:
                if not isinstance(pattern, Mapping) or not pattern:
                    raise TemplateError(
                        f"{where}: with switch={switch!r}, label {label!r} needs a mapping of "
                        f"{switch} values to patterns"
                    )
                cases = {str(k): v for k, v in pattern.items()}
                if cases_seen is None:
                    cases_seen = set(cases)
                elif set(cases) != cases_seen:
                    raise TemplateError(
                        f"{where}: label {label!r} covers {switch} cases {sorted(cases)}, "
                        f"other labels cover {sorted(cases_seen)}; give every label the same cases"
                    )
            self._segments[label] = {}
            for case, text in cases.items():
                segs = _parse(text, f"{where}, label {label!r}")
                self._segments[label][case] = segs
                names = _placeholders(segs)
                if statements and not names:
                    raise TemplateError(
                        f"{where}: label {label!r}'s statement {text!r} uses no input field, "
                        "so it would be the same for every input and its label would win or "
                        "lose regardless of the text; add the input's placeholder (e.g. "
                        "'{text} It was great.')"
                    )
                used += [p for p in names if p not in used]
        if "label" in used:
            raise TemplateError(
                f"{where}: '{{label}}' may only appear in 'label_statement'; explicit statements "
                "write the label's words out"
            )
        return used

    @staticmethod
    def _check_fields(
        fields: Iterable[str] | None, used: list[str], where: str
    ) -> tuple[str, ...]:
        """The declared fields (checked against the placeholders used), else those used."""
        if fields is None:
            fields = tuple(used)
        else:
            fields = tuple(fields)
            if len(set(fields)) != len(fields):
                raise TemplateError(f"{where}: duplicate field names in {fields}")
            unknown = [p for p in used if p not in fields]
            if unknown:
                raise TemplateError(
                    f"{where}: unknown placeholder(s) {unknown}; declared fields are {list(fields)} "
                    "(add them to 'fields' or fix the spelling)"
                )
            missing = [f for f in fields if f not in used]
            if missing:
                raise TemplateError(
                    f"{where}: field(s) {missing} are declared but no statement uses them "
                    "(use them in a pattern or remove them from 'fields')"
                )
        if not fields:
            raise TemplateError(
                f"{where}: the patterns use no input field; add a placeholder such as '{{text}}'"
            )
        return fields

    def _check_labels(
        self,
        labels: Iterable[Hashable] | None,
        statements: dict[Hashable, Any],
        where: str,
    ) -> tuple[Hashable, ...]:
        """The labels, in order (default: the keys of ``statements``), each with a statement."""
        if labels is None:
            return tuple(statements)
        labels = tuple(labels)
        if len(set(labels)) != len(labels):
            raise TemplateError(f"{where}: duplicate labels in {labels}")
        if self.label_statement is None:
            missing = [lab for lab in labels if lab not in self._segments]
            if missing:
                raise TemplateError(
                    f"{where}: label(s) {missing} have no statement; known labels are "
                    f"{list(self._segments)} (add a statement or a 'label_statement')"
                )
        return labels

    # ------------------------------------------------------------------ helpers
    def _where(self) -> str:
        where = f"template {self.name!r} of task {self.dataset or self.task!r}"
        return f"{self.source}: {where}" if self.source else where

    @property
    def blank_fields(self) -> frozenset[str]:
        """Fields whose blank ``_`` some statement fills (``{sentence:_=option1}``)."""
        segments = [
            seg
            for cases in self._segments.values()
            for segs in cases.values()
            for seg in segs
        ]
        segments += self._label_segments or []
        return frozenset(field for _, field, fill in segments if fill is not None)

    @property
    def is_open(self) -> bool:
        """Whether labels without an explicit statement can be added (``label_statement``)."""
        return self._label_segments is not None

    @property
    def patterns(self) -> Mapping[Hashable, Any]:
        """The explicit statement patterns, label -> pattern (read-only)."""
        return MappingProxyType(self._patterns)

    @property
    def verbalizer(self) -> Mapping[Hashable, str]:
        """Label -> words written into a ``label_statement`` (read-only)."""
        return MappingProxyType(self._verbalizer)

    @property
    def example(self) -> Mapping[str, Any] | None:
        """A worked example (field -> text), or None (read-only)."""
        return None if self._example is None else MappingProxyType(self._example)

    def verbalize(self, label: Hashable) -> str:
        """The words written for ``label`` in a ``label_statement``."""
        return self._verbalizer.get(label, str(label))

    def with_labels(
        self, labels: Iterable[Hashable], verbalizer: Mapping | None = None
    ) -> Template:
        """Return a copy restricted or extended to ``labels``, in that order.

        Parameters
        ----------
        labels : iterable of hashable
            The labels, in this order. For a template without a
            ``label_statement``, every label needs an explicit statement.
        verbalizer : mapping, optional
            Extra label words, merged over the template's own verbalizer.

        Returns
        -------
        Template

        Raises
        ------
        TemplateError
            If a label has no statement.
        """
        merged = dict(self.verbalizer)
        merged.update(verbalizer or {})
        return self.replace(labels=tuple(labels), verbalizer=merged)

    def replace(self, **changes: Any) -> Template:
        """Return a new template with some constructor arguments changed.

        Like :func:`dataclasses.replace`: every argument of :class:`Template`
        not given keeps this template's value (``statements`` is the explicit
        patterns, :attr:`patterns`), and the new template is validated as
        any other.

        Parameters
        ----------
        **changes
            Arguments of :class:`Template` (``task``, ``statements``,
            ``language``, ``name``, ``fields``, ``labels``,
            ``label_statement``, ``verbalizer``, ``switch``, ``dataset``,
            ``source``, ``example``).

        Returns
        -------
        Template

        Raises
        ------
        TypeError
            If a change names no argument of :class:`Template`.
        TemplateError
            If the changed template is invalid (as in the constructor).

        Examples
        --------
        >>> from template_registry import get_template
        >>> t = get_template("sst2").replace(name="mine", language="de")
        >>> t.name, t.language, t.labels
        ('mine', 'de', (0, 1))
        """
        arguments = {
            "task": self.task,
            "statements": dict(self._patterns),
            "language": self.language,
            "name": self.name,
            "fields": self.fields,
            "labels": self.labels,
            "label_statement": self.label_statement,
            "verbalizer": dict(self._verbalizer),
            "switch": self.switch,
            "dataset": self.dataset,
            "source": self.source,
            "example": self.example,
        }
        unknown = sorted(set(changes) - set(arguments))
        if unknown:
            raise TypeError(
                f"Template.replace() got unknown argument(s) {unknown}; "
                f"the arguments are {list(arguments)}"
            )
        arguments.update(changes)
        task = arguments.pop("task")
        statements = arguments.pop("statements")
        return Template(task, statements, **arguments)

    def _segments_for(self, label: Hashable, values: Mapping[str, str]):
        if label in self._segments:
            cases = self._segments[label]
            if self.switch is None:
                return cases[None]
            case = values[self.switch].strip()
            if case not in cases:
                raise ValueError(
                    f"{self._where()}: field {self.switch!r} is {_preview(case)}; expected one of {sorted(cases)}"
                )
            return cases[case]
        if self._label_segments is None:
            raise ValueError(
                f"{self._where()}: label {label!r} has no statement; labels are {list(self.labels)}"
            )
        return self._label_segments

    def _render(self, segments, values: Mapping[str, str], label: Hashable) -> str:
        out = []
        for literal, field, fill in segments:
            out.append(literal)
            if field is None:
                continue
            if field == "label":  # only a label_statement may hold {label}
                out.append(self.verbalize(label))
                continue
            value = values[field]
            if fill is not None:
                if _BLANK not in value:
                    raise ValueError(
                        f"{self._where()}: field {field!r} must contain the blank {_BLANK!r} to fill with "
                        f"{fill!r}, got {_preview(value)}"
                    )
                value = value.replace(_BLANK, values[fill], 1)
            out.append(value)
        return "".join(out)

    def field_values(self, example: Mapping[str, Any]) -> dict[str, str]:
        """The example's text for each of the template's fields, validated.

        Parameters
        ----------
        example : mapping of str -> Any
            Field name -> value; keys that are not fields are ignored.

        Returns
        -------
        dict of str -> str
            ``{field: text}`` in :attr:`fields` order, each value as ``str``.

        Raises
        ------
        TypeError
            If ``example`` is not a mapping.
        ValueError
            If a field is missing, None, NaN or empty (the message names it
            and the template).

        Examples
        --------
        >>> from template_registry import get_template
        >>> get_template("xnli").field_values({"premise": "A.", "hypothesis": 2, "id": 7})
        {'premise': 'A.', 'hypothesis': '2'}
        """
        if not isinstance(example, Mapping):
            raise TypeError(
                f"an example must be a mapping of field -> text with fields {list(self.fields)}, "
                f"got {type(example).__name__}"
            )
        missing = [f for f in self.fields if f not in example]
        if missing:
            raise ValueError(
                f"example is missing template field(s) {missing}; {self._where()} needs {list(self.fields)}, "
                f"the example has {list(example)}"
            )
        return {f: _as_text(example[f], f) for f in self.fields}

    def render(
        self, values: Mapping[str, str], labels: Iterable[Hashable] | None = None
    ) -> dict[Hashable, str]:
        """Render already validated field texts (no checks; used for truncation)."""
        labels = self.labels if labels is None else labels
        return {
            lab: self._render(self._segments_for(lab, values), values, lab)
            for lab in labels
        }

    # ------------------------------------------------------------------ public
    def statements(self, example: Mapping[str, Any]) -> dict[Hashable, str]:
        """Build one statement per label for ``example``.

        Parameters
        ----------
        example : mapping of str -> str
            The example's fields (extra keys are ignored). Non-string values
            are converted with ``str``.

        Returns
        -------
        dict
            ``{label: statement}`` in ``labels`` order; each field's text
            appears verbatim.

        Raises
        ------
        ValueError
            If the template has no labels yet (an open template: call
            :meth:`with_labels`), a field is missing, None, NaN or empty, or a
            switch value has no pattern.
        TypeError
            If ``example`` is not a mapping.
        """
        if not self.labels:
            raise ValueError(
                f"{self._where()} has an open label set; give it labels with "
                "template.with_labels([...]) (or labels=[...] in ZeroShotStatementClassifier)"
            )
        return self.render(self.field_values(example))

    def to_dict(self) -> dict[str, Any]:
        """The template as plain data (the YAML schema of the registry files)."""
        out: dict[str, Any] = {
            "task": self.task,
            "language": self.language,
            "name": self.name,
        }
        out["fields"] = list(self.fields)
        if self.dataset:
            out["dataset"] = self.dataset
        if self.switch:
            out["switch"] = self.switch
        if self._patterns:
            out["statements"] = {
                k: (dict(v) if isinstance(v, Mapping) else v)
                for k, v in self._patterns.items()
            }
        if self.label_statement is not None:
            out["label_statement"] = self.label_statement
        if self.verbalizer:
            out["verbalizer"] = dict(self.verbalizer)
        out["labels"] = list(self.labels)
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Template) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(
            (
                self.task,
                self.dataset,
                self.language,
                self.name,
                self.fields,
                self.labels,
            )
        )

    def __repr__(self) -> str:
        key = self.dataset or self.task
        return (
            f"Template({key!r}, language={self.language!r}, name={self.name!r}, "
            f"fields={self.fields}, labels={self.labels})"
        )
