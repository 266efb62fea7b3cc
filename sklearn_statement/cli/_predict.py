"""``sklearn-statement predict``: zero-shot labels for the rows of a table or of stdin."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..utils import BACKENDS, INPUT_FORMATS, PROGRESS_STATEMENTS
from ._options import (
    check_model_path,
    field_column,
    positive_int,
    probability,
)


def _input_options(p: argparse.ArgumentParser) -> None:
    """Where the texts come from and which columns hold the template's fields."""
    p.add_argument(
        "--input", default="-", help="input file ('-': stdin, one text per line)"
    )
    p.add_argument(
        "--input-format",
        default="auto",
        choices=["auto", *dict.fromkeys(INPUT_FORMATS.values())],
        help="format of --input ('auto': by its extension)",
    )
    p.add_argument(
        "--text-column",
        default=None,
        help="column holding the text of a one-field template (default: the field's "
        "name, else 'text', else the only column)",
    )
    p.add_argument(
        "--field",
        type=field_column,
        action="append",
        default=[],
        metavar="NAME=COLUMN",
        help="column of a template field (repeat for multi-field templates, e.g. "
        "--field premise=sentence1 --field hypothesis=sentence2)",
    )


NAME = "predict"
HELP = "zero-shot labels for the rows of a CSV/TSV/JSONL/JSON/Parquet/text file"
DESCRIPTION = (
    "Classify every row of a table zero-shot. The input format "
    "follows the extension (.csv, .tsv, .jsonl, .json, .parquet; .txt and stdin: "
    "one text or JSON object per line). Without --output, one JSON line per row "
    "(row, label, probabilities) goes to stdout; the input is never echoed."
)
#: The shared options (``_options.parents``) it takes.
PARENTS = ("scoring", "device", "overwrite")


def options(p: argparse.ArgumentParser) -> None:
    """The options of ``sklearn-statement predict`` besides the shared ones."""
    p.add_argument(
        "--template",
        required=True,
        help="registered task name, e.g. topic, xnli, sentiment",
    )
    p.add_argument(
        "--labels",
        nargs="+",
        default=None,
        help="candidate labels (needed for open templates such as topic)",
    )
    p.add_argument("--language", default="en", help="language of the template")
    _input_options(p)
    p.add_argument(
        "--output",
        default=None,
        help="write label and one probability column per class (classes_ order) to "
        "this .csv/.tsv/.jsonl/.parquet file",
    )
    p.add_argument(
        "--multi-label",
        action="store_true",
        help="independent P(true) per label; predict every label above --threshold",
    )
    p.add_argument(
        "--threshold",
        type=probability,
        default=None,
        help="with --multi-label: P(true) above which a label is predicted (default: 0.5)",
    )
    p.add_argument(
        "--no-progress",
        action="store_true",
        help=f"no progress bar (shown on stderr from {PROGRESS_ROWS} rows)",
    )
    p.add_argument(
        "--backend",
        choices=BACKENDS,
        default="torch",
        help="onnx/openvino: the graph written by 'sklearn-statement export'",
    )
    p.add_argument(
        "--shortlist",
        type=positive_int,
        default=None,
        help="score only the K most similar labels per text (many labels)",
    )


#: ``predict`` shows a progress bar from this many rows on (unless --no-progress).
PROGRESS_ROWS = PROGRESS_STATEMENTS


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _examples(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The input table's rows as template field values."""
    from ..utils import examples_from_table, read_table
    from ..zero_shot import scoring_templates

    fields = scoring_templates(args.template, args.language)[0].fields
    frame = read_table(args.input, args.input_format, stdin=sys.stdin)
    field_columns = dict(args.field)
    if len(field_columns) != len(args.field):
        raise ValueError("--field names a template field twice")
    return examples_from_table(
        frame,
        fields,
        text_column=args.text_column,
        field_columns=field_columns,
        name="stdin" if args.input == "-" else args.input,
    )


def _write(args, out_format, classes, proba, chosen) -> None:
    """One row per example: the label (or 0/1 per label), then P per class."""
    import numpy as np
    import pandas as pd

    from ..utils import write_table

    table: dict[str, Any] = {"row": np.arange(len(proba))}
    if args.multi_label:
        for j, c in enumerate(classes):
            table[f"pred_{c}"] = chosen[:, j].astype(np.int64)
    else:
        table["label"] = [classes[j] for j in chosen]
    for j, c in enumerate(classes):
        table[f"proba_{c}"] = proba[:, j]
    write_table(pd.DataFrame(table), args.output, out_format)
    print(
        f"wrote {len(proba)} predictions to {args.output} (classes: "
        f"{', '.join(map(str, classes))})"
    )


def _print(args, classes, proba, chosen) -> None:
    """One JSON line per example (the input is never echoed)."""
    for i, row in enumerate(proba):
        line: dict[str, Any] = {"row": i}
        if args.multi_label:
            line["labels"] = [c for c, on in zip(classes, chosen[i]) if on]
        else:
            line["label"] = classes[chosen[i]]
            line["probability"] = round(float(row[chosen[i]]), 4)
        line["probabilities"] = {
            str(c): round(float(p), 4) for c, p in zip(classes, row)
        }
        print(json.dumps(line, ensure_ascii=False))


def run(args: argparse.Namespace) -> int:
    from ..utils import check_output_path
    from ..zero_shot import ZeroShotStatementClassifier

    if args.threshold is not None and not args.multi_label:
        raise ValueError("--threshold goes with --multi-label")
    out_format = None
    if args.output is not None:  # before any model is loaded
        out_format = check_output_path(args.output, args.overwrite)
    check_model_path(args.model)
    examples = _examples(args)
    clf = ZeroShotStatementClassifier(
        args.model,
        template=args.template,
        labels=args.labels,
        language=args.language,
        device=args.device,
        precision=args.precision,
        batch_size=args.batch_size,
        max_length=args.max_length,
        multi_label=args.multi_label,
        threshold=args.threshold,
        backend=args.backend,
        shortlist=args.shortlist,
        progress_bar=not args.no_progress and len(examples) >= PROGRESS_ROWS,
    ).fit(examples)
    proba = clf.predict_proba(examples)
    classes = [_plain(c) for c in clf.classes_]
    if args.multi_label:
        threshold = 0.5 if args.threshold is None else args.threshold
        chosen = proba > threshold
    else:
        chosen = proba.argmax(axis=1)
    if out_format is not None:
        _write(args, out_format, classes, proba, chosen)
    else:
        _print(args, classes, proba, chosen)
    return 0
