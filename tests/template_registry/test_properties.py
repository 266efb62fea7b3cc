"""Property tests (hypothesis) over every built-in template, all languages.

For any field values (quotes, braces, emoji, right-to-left text, newlines,
control characters), a template gives exactly one statement per label, in
label order, and each statement holds the texts its pattern names verbatim:
a plain ``{field}`` its value, a blank fill ``{sentence:_=option1}`` the
sentence with its first ``_`` replaced by the option, ``{label}`` the
label's verbalization. A value that is empty after ``str.strip`` is an error.
"""

from __future__ import annotations

import string
from collections.abc import Hashable, Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from template_registry import Template, list_templates
from template_registry._registry import _iter_all_dataset_templates

# Deterministic (derandomize) and without an example database, so that runs
# are reproducible and write nothing into the checkout; 50 examples per task
# keep the whole file at a few seconds.
SETTINGS = settings(
    max_examples=50,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

BUILTIN: list[Template] = list_templates() + list(_iter_all_dataset_templates())
BY_TASK: dict[str, list[Template]] = {}
for _t in BUILTIN:
    BY_TASK.setdefault(_t.dataset or _t.task, []).append(_t)

# Hand-picked hard cases mixed into the random text.
TRICKY = [
    "\"double\" and 'single' quotes",
    "«guillemets» „low“ “curly” 「かぎ」",
    "{braces} {{doubled}} {0} {field} }{ {",
    "emoji 😀👍🏽👨‍👩‍👧 flags 🇩🇪",
    "שלום עולם",  # Hebrew, right to left
    "مرحبا بالعالم \u200f",  # Arabic with a right-to-left mark
    "line one\nline two\r\n\ttabbed",
    "under_score _ and __ blanks",
    "back\\slash %s %(x)s $x ${x}",
    "\u200bzero width",
    "x",
]
WHITESPACE = " \t\n\r\u00a0\u2003\u3000"


def _text() -> st.SearchStrategy[str]:
    """Any text that is non-empty after ``strip`` (all Unicode categories)."""
    return st.one_of(st.sampled_from(TRICKY), st.text(min_size=1, max_size=40)).filter(
        lambda s: s.strip() != ""
    )


def _blank_fields(template: Template) -> set[str]:
    """Fields used as ``{field:_=other}`` (they must contain a blank)."""
    pats: list[str] = []
    for pattern in template.patterns.values():
        pats += list(pattern.values()) if isinstance(pattern, Mapping) else [pattern]
    if template.label_statement is not None:
        pats.append(template.label_statement)
    return {
        field
        for pat in pats
        for _, field, spec, _ in string.Formatter().parse(pat)
        if field is not None and spec
    }


def _pattern(template: Template, label: Hashable, values: Mapping[str, str]) -> str:
    if label not in template.patterns:
        return template.label_statement
    pattern = template.patterns[label]
    if template.switch is not None:
        pattern = pattern[values[template.switch].strip()]
    return pattern


def _expected_pieces(
    template: Template, label: Hashable, values: Mapping[str, str]
) -> list[str]:
    pieces = []
    for _, field, spec, _ in string.Formatter().parse(
        _pattern(template, label, values)
    ):
        if field is None:
            continue
        if field == "label":
            pieces.append(template.verbalize(label))
        elif spec:  # "_=other": the blank filled with the other field
            pieces.append(values[field].replace("_", values[spec[2:]], 1))
        else:
            pieces.append(values[field])
    return pieces


@st.composite
def _examples(draw, template: Template) -> tuple[Template, dict[str, str]]:
    blanks = _blank_fields(template)
    values = {}
    for field in template.fields:
        if field == template.switch:
            case = draw(st.sampled_from(sorted(next(iter(template.patterns.values())))))
            pad = draw(st.sampled_from(["", " ", "\n"]))
            values[field] = pad + case + pad
        elif field in blanks:
            values[field] = draw(_text()) + "_" + draw(st.text(max_size=20))
        else:
            values[field] = draw(_text())
    if not template.labels:  # open label set: verbalizer labels and any others
        known = list(template.verbalizer)
        labels = draw(
            st.lists(
                st.one_of(st.sampled_from(known), _text()) if known else _text(),
                min_size=1,
                max_size=6,
                unique=True,
            )
        )
        template = template.with_labels(labels)
    return template, values


def _check(template: Template, values: dict[str, str]) -> None:
    statements = template.statements(values)
    assert list(statements) == list(template.labels)
    for label, statement in statements.items():
        assert isinstance(statement, str)
        for piece in _expected_pieces(template, label, values):
            assert piece in statement, (template, label, piece, statement)


def test_every_task_is_covered():
    assert len(BUILTIN) > 300
    assert {"nli", "xnli", "copa", "xcopa", "winograd", "story_ending", "topic"} <= set(
        BY_TASK
    )


@pytest.mark.parametrize("task", sorted(BY_TASK))
@SETTINGS
@given(data=st.data())
def test_one_statement_per_label_holding_the_inputs_verbatim(task, data):
    template = data.draw(st.sampled_from(BY_TASK[task]), label="template")
    template, values = data.draw(_examples(template), label="example")
    _check(template, values)


@pytest.mark.parametrize("task", sorted(BY_TASK))
@SETTINGS
@given(data=st.data())
def test_value_empty_after_strip_is_an_error(task, data):
    template = data.draw(st.sampled_from(BY_TASK[task]), label="template")
    template, values = data.draw(_examples(template), label="example")
    field = data.draw(st.sampled_from(template.fields), label="emptied field")
    values[field] = data.draw(st.text(alphabet=WHITESPACE, max_size=5))
    with pytest.raises(ValueError, match="empty"):
        template.statements(values)


@pytest.mark.parametrize("task", sorted(BY_TASK))
def test_every_builtin_template_with_every_tricky_text(task):
    """Each built-in template (every variant and language) with each hard text."""
    for template in BY_TASK[task]:
        blanks = _blank_fields(template)
        if not template.labels:
            template = template.with_labels(list(template.verbalizer)[:3] or ["a", "b"])
        case = None
        if template.switch is not None:
            case = sorted(next(iter(template.patterns.values())))[0]
        for i in range(len(TRICKY)):
            values = {}
            for j, field in enumerate(template.fields):
                value = TRICKY[(i + j) % len(TRICKY)]
                if field in blanks and "_" not in value:
                    value += " _"
                values[field] = case if field == template.switch else value
            _check(template, values)
