"""``sklearn-statement tune``: statement-tune an encoder on statement data and save it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..utils import OBJECTIVES, PEFT_METHODS
from ._options import (
    check_model_path,
    data_dir,
    positive_float,
    positive_int,
)

NAME = "tune"
HELP = "statement-tune an encoder on statement data and save it"
DESCRIPTION = (
    "Statement-tune an encoder (a hub id or a local directory; a "
    "plain encoder gets a new 2-way head) on labelled statements, from a file "
    "(--statements) or built from datasets (--tasks, with each example's "
    "statements kept in one batch), and save it with save_pretrained to --out "
    "(safetensors, tokenizer, statement_tuner.json with the training families, "
    "model card)."
)
#: The shared options (``_options.parents``) it takes.
PARENTS = ("data", "device", "seed", "overwrite")


def options(p: argparse.ArgumentParser) -> None:
    """The options of ``sklearn-statement tune`` besides the shared ones."""
    p.add_argument(
        "--model", required=True, help="hub id or local directory of the encoder"
    )
    p.add_argument("--out", required=True, help="directory to save the tuned model")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--statements",
        help="csv/tsv/jsonl/json/parquet file with 'statement' and 'label' columns "
        "(label: 1/0, true/false or yes/no; 1 = the statement is true) and "
        "optionally 'example_id' (statements of one example are kept in one batch)",
    )
    src.add_argument(
        "--tasks",
        nargs="+",
        help="build statements from these datasets (see load_task)",
    )
    p.add_argument(
        "--languages", nargs="+", default=["en"], help="languages of --tasks"
    )
    p.add_argument(
        "--exclude-families",
        nargs="*",
        default=[],
        help="task families left out of --tasks (held out for zero-shot)",
    )
    p.add_argument(
        "--n-per-task",
        type=positive_int,
        default=1500,
        help="statements per task and language with --tasks",
    )
    p.add_argument("--epochs", type=positive_int, default=3, help="training epochs")
    p.add_argument("--lr", type=positive_float, default=2e-5, help="peak learning rate")
    p.add_argument(
        "--batch-size", type=positive_int, default=32, help="statements per batch"
    )
    p.add_argument(
        "--max-length",
        type=positive_int,
        default=128,
        help="token limit per statement (longer ones lose their middle)",
    )
    p.add_argument(
        "--objective",
        choices=OBJECTIVES,
        default="binary",
        help="loss: the paper's binary cross-entropy, or listwise over each "
        "example's statements (needs example ids: --tasks, or an example_id column)",
    )
    p.add_argument(
        "--peft",
        choices=PEFT_METHODS,
        default=None,
        help="parameter-efficient tuning (default: full fine-tuning)",
    )


def _training_data(
    args: argparse.Namespace,
) -> tuple[list[str], list[int], list[Any] | None, list[str] | None]:
    """Statements, labels, example ids and task families (None: unknown)."""
    if args.statements:
        from ..utils import read_statements

        statements, labels, ids = read_statements(args.statements, "--statements")
        return statements, labels, ids, None
    from datasets_builders import build_multitask

    ds = build_multitask(
        args.tasks,
        languages=args.languages,
        n_per_task=args.n_per_task,
        data_dir=data_dir(args, "the --tasks datasets"),
        exclude_families=args.exclude_families,
        random_state=args.seed,
    )
    families = sorted(set(ds["family"]))
    # each example's statements in one batch
    return list(ds["statement"]), list(ds["label"]), list(ds["example_id"]), families


def _recipe(args: argparse.Namespace) -> dict | None:
    """What the model card says of the training statements (None for --statements)."""
    if args.statements:
        return None
    keys = ("tasks", "languages", "exclude_families", "n_per_task")
    return {key: getattr(args, key) for key in keys}


def run(args: argparse.Namespace) -> int:
    from ..training import StatementTuner

    out = Path(args.out)
    if out.exists() and any(out.iterdir()) and not args.overwrite:
        raise FileExistsError(f"{out} is not empty; pass --overwrite or another --out")
    check_model_path(args.model)
    statements, labels, example_ids, families = _training_data(args)
    print(
        f"statement-tuning {args.model} on {len(statements)} statements ({sum(labels)} true)",
        flush=True,
    )
    tuner = StatementTuner(
        args.model,
        max_length=args.max_length,
        batch_size=args.batch_size,
        max_epochs=args.epochs,
        lr=args.lr,
        objective=args.objective,
        peft=args.peft,
        device=args.device,
        precision=args.precision,
        random_state=args.seed,
    )
    tuner.fit(statements, labels, example_id=example_ids)
    tuner.save_pretrained(
        out, overwrite=args.overwrite, trained_families=families, recipe=_recipe(args)
    )
    print(f"saved to {out}")
    return 0
