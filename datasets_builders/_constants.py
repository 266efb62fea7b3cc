"""Names of the statement data, defined once; imports nothing heavy (no ``datasets``).

The ``sklearn-statement`` command line builds its argument parser from these
without loading ``datasets``.
"""

from __future__ import annotations

__all__ = ["OVER_LENGTH", "STATEMENT_COLUMNS"]

#: Columns of every statement dataset (DESIGN.md).
STATEMENT_COLUMNS = (
    "statement",
    "label",
    "task",
    "family",
    "language",
    "template",
    "example_id",
)

#: What ``build_statements`` does with a statement longer than ``max_length``.
OVER_LENGTH = ("truncate", "drop")
