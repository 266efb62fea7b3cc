"""Worked examples for showing templates."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from template_registry import Template

__all__ = ["worked_example", "worked_labels"]

#: Labels shown for an open template (``label_statement``) that has no
#: verbalizer; only for display.
_FALLBACK_LABELS = ("sports", "politics", "science/technology")
#: At most this many verbalizer labels are shown (MASSIVE has 60 intents).
_MAX_SHOWN_LABELS = 6


def worked_example(template: Template) -> dict[str, Any]:
    """The template's own example, else placeholder texts ``<field>``.

    Parameters
    ----------
    template : Template

    Returns
    -------
    dict of str -> str
        Field -> text; a ``switch`` field gets its first case.
    """
    if template.example:
        return dict(template.example)
    example = {f: f"<{f} with a _ blank>" for f in template.fields}
    if template.switch:
        cases = next(iter(template.patterns.values()))
        example[template.switch] = next(iter(cases))
    return example


def worked_labels(template: Template) -> tuple[Hashable, ...]:
    """Labels to show statements for.

    Parameters
    ----------
    template : Template

    Returns
    -------
    tuple
        The template's labels; for an open template (no labels yet), the
        first six keys of its verbalizer, else a few topic labels.
    """
    if template.labels:
        return tuple(template.labels)
    keys = tuple(template.verbalizer)[:_MAX_SHOWN_LABELS]
    return keys or _FALLBACK_LABELS
