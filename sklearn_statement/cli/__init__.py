"""The ``sklearn-statement`` command line: :func:`main` and :func:`build_parser`."""

from ._main import build_parser, main

__all__ = ["build_parser", "main"]
