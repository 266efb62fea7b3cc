"""``sklearn-statement evaluate``: zero-shot accuracy per dataset and language."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ._options import check_model_path, data_dir, positive_int

NAME = "evaluate"
HELP = "zero-shot accuracy of a statement model per dataset and language"
DESCRIPTION = (
    "Classify the evaluation sets zero-shot with a saved statement "
    "model and print its accuracy (95% bootstrap interval), macro-F1 and the "
    "majority class per dataset and language, and whether each task family was "
    "absent from the model's training (read from the model's "
    "statement_tuner.json). Optionally write the rows as JSON (--output) or a "
    "report with plots (--output-dir)."
)
#: The shared options (``_options.parents``) it takes.
PARENTS = ("scoring", "data", "device", "seed", "overwrite")


def options(p: argparse.ArgumentParser) -> None:
    """The options of ``sklearn-statement evaluate`` besides the shared ones."""
    p.add_argument(
        "--suite",
        default=None,
        help="'paper': XNLI, XCOPA, PAWS-X, XWinograd and SIB-200 in every language the data has",
    )
    p.add_argument(
        "--tasks",
        nargs="+",
        default=None,
        help="datasets (default: the paper suite's five)",
    )
    p.add_argument(
        "--languages", nargs="+", default=None, help="keep only these languages"
    )
    p.add_argument(
        "--split", default=None, help="split (default: each dataset's evaluation split)"
    )
    p.add_argument(
        "--max-samples",
        type=positive_int,
        default=None,
        help="cap examples per dataset and language (default: all)",
    )
    p.add_argument(
        "--template-language",
        default="en",
        help="template language ('native' = the data's)",
    )
    p.add_argument(
        "--ensemble",
        action="store_true",
        help="average over the task's template variants",
    )
    p.add_argument("--output", default=None, help="write the rows as JSON here")
    p.add_argument(
        "--output-dir",
        default=None,
        help="write results.json/.csv/.md and one PNG per dataset here",
    )


def _print_row(row: dict[str, Any]) -> None:
    print(
        f"  {row['dataset']:<10} {row['language']:<8} n={row['n']:<5} accuracy {100 * row['accuracy']:5.1f} "
        f"[{100 * row['ci_low']:.1f}, {100 * row['ci_high']:.1f}]  majority {100 * row['majority']:5.1f}  "
        f"({row['seconds']:.1f}s)",
        flush=True,
    )


def _check_outputs(args: argparse.Namespace, datasets: list[str]) -> None:
    """Refuse existing outputs before a long run, not after it."""
    from ..evaluation import report_files

    if args.output and Path(args.output).exists() and not args.overwrite:
        raise FileExistsError(
            f"{args.output} exists; pass --overwrite to replace it, or another --output"
        )
    if args.output_dir and not args.overwrite:
        clash = [str(f) for f in report_files(args.output_dir, datasets) if f.exists()]
        if clash:
            raise FileExistsError(
                f"{args.output_dir} already holds {clash}; pass --overwrite or another "
                "--output-dir"
            )


def _write_outputs(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    from ..evaluation import PAPER_SUITE, write_report
    from ..recipes import environment

    if args.output:
        Path(args.output).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    if args.output_dir:
        meta = {
            **environment(),
            "model": args.model,
            "data_dir": args.data_dir,
            "max_samples": args.max_samples,
            "suite": args.suite or "custom",
            "splits": PAPER_SUITE,
        }
        files = write_report(rows, args.output_dir, meta=meta, overwrite=args.overwrite)
        print("wrote " + ", ".join(str(p) for p in files.values()))


def run(args: argparse.Namespace) -> int:
    from ..evaluation import evaluate_zero_shot, format_table, suite_triples

    if args.suite is not None and args.tasks is not None:
        raise ValueError("pass either --suite or --tasks, not both")
    check_model_path(args.model)
    source = data_dir(args, "the evaluation datasets")
    triples = suite_triples(
        args.tasks or args.suite or "paper", data_dir=source, languages=args.languages
    )
    if args.split is not None:
        triples = [(name, lang, args.split) for name, lang, _ in triples]
    _check_outputs(args, [t[0] for t in triples])
    print(
        f"evaluating {args.model} on {len(triples)} dataset-language pairs "
        f"({', '.join(sorted({t[0] for t in triples}))})",
        flush=True,
    )
    native = args.template_language == "native"
    rows = evaluate_zero_shot(
        args.model,
        triples,
        data_dir=source,
        max_samples=args.max_samples,
        template_language=None if native else args.template_language,
        ensemble=args.ensemble,
        batch_size=args.batch_size,
        max_length=args.max_length,
        device=args.device,
        precision=args.precision,
        random_state=args.seed,
        callback=_print_row,
    )
    print(format_table(rows))
    _write_outputs(args, rows)
    return 0
