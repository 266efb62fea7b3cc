"""The ``sklearn-statement`` command line.

:func:`main` (the console script) and :func:`build_parser`; one private module
per sub-command (``_demo``, ``_tune``, ``_evaluate``, ``_predict``,
``_templates``, ``_build``, ``_convert``, ``_export``, ``_offline_model``,
``_push``), each with its parser and its handler, and the options they share
(``_options``).
Also :func:`worked_example` / :func:`worked_labels`, the examples ``templates
show`` (and the docs' template catalogue) write statements for.
"""

from ._main import build_parser, main
from ._templates import worked_example, worked_labels

__all__ = ["build_parser", "main", "worked_example", "worked_labels"]
