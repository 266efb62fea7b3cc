"""The templates a zero-shot classifier scores with: a task name, a Template, a dict or a list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from template_registry import Template, get_template, list_templates

from ..utils import check_examples

__all__ = ["check_inputs", "scoring_templates", "template_fields"]


def _one_template(template: Any, language: str) -> Template:
    if isinstance(template, Template):
        return template
    if isinstance(template, str):
        return get_template(template, language=language)
    if isinstance(template, Mapping):
        if not template:
            raise ValueError(
                "template dict is empty; give one statement pattern per label"
            )
        return Template("custom", dict(template), name="custom")
    raise TypeError(
        "template must be a task name, a Template, a dict {label: pattern} or a list of "
        f"those, got {type(template).__name__}"
    )


def scoring_templates(
    template: Any, language: str, ensemble: bool = False
) -> list[Template]:
    """The template(s) to score with: one, a given list, or a task's variants.

    Raises
    ------
    ValueError
        If ``template`` is missing or an empty list, or ``ensemble=True`` is
        combined with a single ``Template`` or dict (whose variants are
        unknown: pass a task name or a list of templates instead).
    """
    if template is None:
        raise ValueError(
            "template is required: a registered task name (e.g. 'xnli', 'topic'), a "
            "Template, a dict {label: 'statement with {field} slots'}, or a list of them"
        )
    if isinstance(template, (list, tuple)):
        if not template:
            raise ValueError("template list is empty; give at least one template")
        return [_one_template(t, language) for t in template]
    first = _one_template(template, language)
    if ensemble and not isinstance(template, str):
        name = (
            f" (e.g. template={first.dataset or first.task!r})"
            if isinstance(template, Template)
            else ""
        )
        raise ValueError(
            f"ensemble=True averages the registered variants of a task, but template is "
            f"a {type(template).__name__}, which has none; pass the task name{name} or "
            "a list of templates (a list is always an ensemble), or set ensemble=False"
        )
    if ensemble:
        native = list_templates(template, language=first.language)
        return native or [first]
    return [first]


def template_fields(templates: Any) -> tuple[str, ...]:
    """The input fields the templates read, each once, in order of appearance."""
    fields: list[str] = []
    for template in templates:
        fields += [f for f in template.fields if f not in fields]
    return tuple(fields)


def check_inputs(templates: Any, X: Any) -> list[Any] | None:
    """``X`` checked against the templates' fields (None stays None).

    Empty or missing field values are reported at ``fit``, not at predict.
    """
    if X is None:
        return None
    examples = check_examples(X, template_fields(templates))
    for template in templates:
        for example in examples:
            template.field_values(example)
    return examples
