"""``sklearn-statement demo``: the main job end to end (tune, then evaluate zero-shot)."""

from __future__ import annotations

import argparse

from ..utils import RECIPE_NAMES
from ._options import HUB, data_dir, positive_float, positive_int

NAME = "demo"
HELP = "statement-tune multilingual-e5-small on real data, then evaluate zero-shot"
DESCRIPTION = (
    "The main job end to end: build English training statements "
    "(the families of the evaluated tasks held out), statement-tune an encoder "
    "(default: multilingual-e5-small, built offline from the demo extra's packages) "
    "as a cross-encoder and a bi-encoder, then classify SIB-200 (24 languages), "
    "XNLI (15), PAWS-X (7), XCOPA (11) and XWinograd (5) zero-shot with their "
    "hybrid, next to the untuned encoder's embeddings (with its prompt) and the "
    "majority class on the same rows, with per-dataset averages. "
    "Writes the model and results.json to --output-dir."
)
#: The shared options (``_options.parents``) it takes.
PARENTS = ("data", "device", "seed", "overwrite")


def options(p: argparse.ArgumentParser) -> None:
    """The options of ``sklearn-statement demo`` besides the shared ones."""
    p.add_argument(
        "--output-dir",
        default="statement_demo_output",
        help="where the model and results.json go",
    )
    p.add_argument(
        "--model",
        default=None,
        help="encoder to tune: a local directory or hub id (default: multilingual-e5-small, "
        "built offline by `sklearn-statement offline-model`)",
    )
    p.add_argument(
        "--recipe",
        choices=RECIPE_NAMES,
        default="demo",
        help="the named recipe: demo (training about 5 minutes on 2 CPU cores) or full "
        "(about 30-35 minutes of training: the cross-encoder on 61k statements of ten datasets; needs "
        "--data-dir ../shared/data or hub, the bundled sample is too small)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="smoke run of a few minutes (200 statements per task, 20 examples per set)",
    )
    p.add_argument(
        "--n-per-task",
        type=positive_int,
        default=None,
        help="statements per English task (default: the recipe's, --quick: fewer)",
    )
    p.add_argument(
        "--n-mt",
        type=positive_int,
        default=None,
        help="MT statements per language, when the recipe has MT languages",
    )
    p.add_argument(
        "--epochs",
        type=positive_int,
        default=None,
        help="training epochs (default: the recipe's)",
    )
    p.add_argument(
        "--max-samples",
        type=positive_int,
        default=None,
        help="examples per evaluated set and language (default: 100, --quick: 20)",
    )
    p.add_argument(
        "--lr",
        type=positive_float,
        default=None,
        help="peak learning rate (default: the recipe's)",
    )


def run(args: argparse.Namespace) -> int:
    from ..recipes import run_demo

    source = data_dir(args, "the demo's datasets")
    run_demo(
        data_dir=HUB if source is None else source,
        output_dir=args.output_dir,
        model=args.model,
        recipe=args.recipe,
        quick=args.quick,
        n_per_task=args.n_per_task,
        n_mt=args.n_mt,
        max_epochs=args.epochs,
        max_samples=args.max_samples,
        lr=args.lr,
        device=args.device,
        precision=args.precision,
        random_state=args.seed,
        overwrite=args.overwrite,
    )
    return 0
