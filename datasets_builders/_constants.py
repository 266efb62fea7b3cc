"""Names of the statement data, defined once; imports nothing heavy (no ``datasets``).

The ``sklearn-statement`` command line builds its argument parser from these
without loading ``datasets``.
"""

from __future__ import annotations

__all__ = ["OVER_LENGTH", "STATEMENT_COLUMNS"]

#: Columns of every statement dataset (DESIGN.md), then the two a bi-encoder
#: tunes on: ``input`` (the example's fields, joined by spaces) and
#: ``description`` (the label's statement with the input left out,
#: ``template_registry.label_description``; the whole statement for templates
#: of several fields or whose statements depend on the input).
STATEMENT_COLUMNS = (
    "statement",
    "label",
    "task",
    "family",
    "language",
    "template",
    "example_id",
    "input",
    "description",
)

#: What ``build_statements`` does with a statement longer than ``max_length``.
OVER_LENGTH = ("truncate", "drop")
