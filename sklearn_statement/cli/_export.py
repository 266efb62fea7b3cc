"""``sklearn-statement export``: an accuracy-gated ONNX Runtime / OpenVINO copy of a saved model."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..utils import EXPORT_BACKENDS, ON_FAIL, QUANTIZE
from ._options import data_dir, positive_int

NAME = "export"
HELP = (
    "export a saved statement model for ONNX Runtime or OpenVINO (int8), accuracy-gated"
)
DESCRIPTION = (
    "Write DIR/onnx/ (or DIR/openvino/): the fp32 graph and, with --quantize int8, "
    "the int8 one. Each file is scored against the fp32 torch model on labelled "
    "statements (--validation FILE or --validation-tasks) and refused when the "
    "decisions agree on fewer than --min-agreement of the cases or accuracy drops "
    "by more than --max-accuracy-drop. Then: ZeroShotStatementClassifier(DIR, "
    "backend='onnx'). Needs pip install 'sklearn-statement[onnx]' (or [openvino])."
)
#: The shared options (``_options.parents``) it takes.
PARENTS = ("data", "seed")


def options(p: argparse.ArgumentParser) -> None:
    """The options of ``sklearn-statement export`` besides the shared ones."""
    p.add_argument("directory", help="a model saved by StatementTuner.save_pretrained")
    p.add_argument("--backend", choices=EXPORT_BACKENDS, default=EXPORT_BACKENDS[0])
    p.add_argument(
        "--quantize",
        choices=[q or "none" for q in QUANTIZE],
        default="int8",
        help="default: int8",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--validation",
        help="jsonl/csv/parquet with 'statement', 'label' (1 = true) and optionally "
        "'example_id' columns",
    )
    src.add_argument(
        "--validation-tasks",
        nargs="+",
        help="build validation statements from these datasets (build_multitask)",
    )
    p.add_argument(
        "--validation-splits",
        nargs="+",
        default=["validation", "test"],
        help="splits for --validation-tasks (default: validation test)",
    )
    p.add_argument(
        "--n-per-task",
        type=positive_int,
        default=200,
        help="validation statements per task with --validation-tasks",
    )
    p.add_argument("--min-agreement", type=float, default=0.99)
    p.add_argument(
        "--max-accuracy-drop",
        type=float,
        default=0.005,
        help="largest accuracy loss, as a fraction (default 0.005 = 0.5 points)",
    )
    p.add_argument(
        "--on-fail",
        choices=ON_FAIL,
        default="raise",
        help="raise: refuse a file that fails the gate; warn: keep it with a warning",
    )
    p.add_argument(
        "--calibration",
        default=None,
        help="OpenVINO int8: jsonl/csv/parquet file with a 'statement' column to calibrate on "
        "(default: the validation statements)",
    )
    p.add_argument(
        "--max-length",
        type=positive_int,
        default=None,
        help="token budget of the validation statements (default: the model's)",
    )
    p.add_argument(
        "--batch-size",
        type=positive_int,
        default=64,
        help="statements per forward pass while gating",
    )


def run(args: argparse.Namespace) -> int:
    import warnings

    from ..export import export_statement_model

    if args.validation:
        validation: Any = args.validation
    else:
        from datasets_builders import build_multitask

        validation = build_multitask(
            args.validation_tasks,
            n_per_task=args.n_per_task,
            data_dir=data_dir(args, "the --validation-tasks datasets"),
            splits=args.validation_splits,
            random_state=args.seed,
        )
    calibration = None
    if args.calibration:  # a 'statement' column is enough (labels are not used)
        from ..utils import read_statements

        calibration = read_statements(args.calibration, "--calibration", labels=False)[
            0
        ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record = export_statement_model(
            args.directory,
            backend=args.backend,
            quantize=None if args.quantize == "none" else args.quantize,
            validation=validation,
            min_agreement=args.min_agreement,
            max_accuracy_drop=args.max_accuracy_drop,
            on_fail=args.on_fail,
            calibration=calibration,
            max_length=args.max_length,
            batch_size=args.batch_size,
        )
    for w in caught:
        print(f"WARNING: {w.message}", file=sys.stderr)
    gate = record["gate"]
    print(
        f"wrote {record['file']}: {gate['level']} decisions agree with fp32 on "
        f"{100 * gate['agreement']:.2f}% of {gate['n_decisions']}, accuracy {100 * gate['accuracy']:.2f}% "
        f"(fp32 {100 * gate['accuracy_fp32']:.2f}%), gate {'passed' if gate['passed'] else 'FAILED'}"
    )
    print(
        f"load it with ZeroShotStatementClassifier({args.directory!r}, backend={args.backend!r}, template=...)"
    )
    return 0
