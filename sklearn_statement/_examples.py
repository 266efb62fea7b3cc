"""Worked examples for showing templates."""

from __future__ import annotations

from typing import Any

from template_registry import Template

__all__ = ["worked_example"]


def worked_example(template: Template) -> dict[str, Any]:
    """The template's own example, else placeholder texts ``<field>``."""
    if template.example:
        return dict(template.example)
    example = {f: f"<{f} with a _ blank>" for f in template.fields}
    if template.switch:
        cases = next(iter(template.patterns.values()))
        example[template.switch] = next(iter(cases))
    return example
