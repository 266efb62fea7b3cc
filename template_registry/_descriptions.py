"""A label's description: its statement with the input left out.

What an input is compared with when a label is not scored by a cross-encoder
statement model: by the embedding baseline and the hybrid
(``sklearn_statement.EmbeddingZeroShotClassifier``), by label shortlists
(``sklearn_statement.Shortlist``), and what a bi-encoder is statement-tuned on
(``datasets_builders.build_multitask``'s ``description`` column,
``sklearn_statement.BiEncoderStatementTuner``). One rule for all, so they
describe a label alike; it lives with the templates because it is a rule about
templates, and both packages above use it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ._template import Template

__all__ = ["label_description", "label_descriptions"]

#: Stands for an input field while a label description is derived from a statement.
_SLOT = "@@input@@"
_QUOTES = "\"'“”„«»「」『』"
# Empty quotes or brackets left where an input field was removed.
_EMPTY_PAIRS = re.compile(r"(\"\s*\"|'\s*'|“\s*”|„\s*“|«\s*»|「\s*」|\(\s*\)|\[\s*\])")


def _check_describable(template: Template) -> None:
    if template.switch is not None or template.blank_fields:
        raise ValueError(
            f"{template!r} has no label descriptions: its label statements depend on "
            "the input (it uses a switch field or fills blanks, as COPA and Winograd "
            "do); label descriptions (embedding similarity, shortlists) are for tasks "
            "whose labels read on their own, such as topics or intents"
        )


def label_description(template: Template, label: Any) -> str:
    """A label's statement with the input left out: what the input is compared with.

    The statement is rendered with each input field replaced: a quoted or
    mid-sentence field becomes "this text" in English templates (and is
    removed in others), a field that opens or closes the statement is
    removed; quotes or brackets left empty go too. ``'"{text}" is about
    {label}.'`` gives ``'this text is about sports.'``, ``'{text} This text is
    about {label}.'`` gives ``'This text is about sports.'``, ``'The author of
    "{text}" feels {label}.'`` gives ``'The author of this text feels joy.'``.
    A statement that is only the input gives the label's words.

    Parameters
    ----------
    template : Template
        ``label`` among its labels; no ``switch`` field and no blanks.
    label : hashable

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the template's statements depend on the input beyond its fields'
        text (a switch field or blanks: COPA, Winograd).

    Examples
    --------
    >>> from ._template import Template
    >>> t = Template("topic", label_statement='"{text}" is about {label}.', name="q")
    >>> label_description(t.with_labels(["sports"]), "sports")
    'this text is about sports.'
    """
    _check_describable(template)
    text = template.statements(dict.fromkeys(template.fields, _SLOT))[label]
    stand_in = "this text" if template.language == "en" else ""
    slot = rf"[{_QUOTES}]?\s*{re.escape(_SLOT)}\s*[{_QUOTES}]?"
    text = re.sub(rf"^\s*{re.escape(_SLOT)}\s+", "", text)  # opens the statement
    text = re.sub(rf"\s+{re.escape(_SLOT)}\s*$", "", text)  # closes it
    text = re.sub(slot, stand_in, text)
    text = re.sub(r"\b([Tt])he text this text\b", r"\1his text", text)
    text = " ".join(_EMPTY_PAIRS.sub(" ", text).split())
    return text or str(template.verbalize(label))


def label_descriptions(
    template: Template, labels: Sequence[Any] | None = None
) -> list[str]:
    """:func:`label_description` of each label (default: ``template.labels``), in order."""
    return [
        label_description(template, label)
        for label in (template.labels if labels is None else labels)
    ]
