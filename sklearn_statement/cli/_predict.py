"""``sklearn-statement predict``: zero-shot labels for the rows of a table or of stdin."""

from __future__ import annotations

import argparse
import contextlib
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
    "(row, label, probabilities) goes to stdout; the input is never echoed. With "
    "--labels-column, each row is scored against its own candidate labels (rank) "
    "and gets label (the top one), labels (sorted, highest first) and scores."
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
    _labels_column_options(p)


def _labels_column_options(p: argparse.ArgumentParser) -> None:
    """Candidate labels per row (``ZeroShotStatementClassifier.rank``)."""
    column = (
        "column holding each row's own candidate labels: a JSON list string "
        '(\'["sports", "politics"]\') in CSV/TSV/text, a list in JSONL/JSON/Parquet, '
        "or 'a|b|c' with --labels-sep; output: label (the top one), labels and "
        "scores (JSON lists, highest first)"
    )
    sep = (
        "with --labels-column: cells that are not JSON lists are split on SEP "
        "(e.g. '|'); without it such a cell is an error"
    )
    for flag, metavar, text in (
        ("--labels-column", "COLUMN", column),
        ("--labels-sep", "SEP", sep),
    ):
        p.add_argument(flag, default=None, metavar=metavar, help=text)


#: ``predict`` shows a progress bar from this many rows on (unless --no-progress).
PROGRESS_ROWS = PROGRESS_STATEMENTS


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _examples(args: argparse.Namespace) -> tuple[list[dict[str, Any]], Any]:
    """The input table's rows as template field values, and their candidate labels."""
    from ..utils import examples_from_table, read_table
    from ..zero_shot import scoring_templates

    fields = scoring_templates(args.template, args.language)[0].fields
    frame = read_table(args.input, args.input_format, stdin=sys.stdin)
    field_columns = dict(args.field)
    if len(field_columns) != len(args.field):
        raise ValueError("--field names a template field twice")
    name = "stdin" if args.input == "-" else args.input
    examples = examples_from_table(
        frame,
        fields,
        text_column=args.text_column,
        field_columns=field_columns,
        name=name,
    )
    if args.labels_column is None:
        return examples, None
    if args.labels_column not in frame.columns:
        raise ValueError(
            f"--labels-column {args.labels_column}: {name} has no column "
            f"{args.labels_column!r}; it has {list(frame.columns)}"
        )
    cells = frame[args.labels_column].tolist()
    where = f"{name} column {args.labels_column!r}"
    return examples, [
        _candidates(cell, f"{where}, row {i + 1}", args.labels_sep)
        for i, cell in enumerate(cells)
    ]


def _candidates(cell: Any, where: str, sep: str | None) -> list[Any]:
    """One cell of --labels-column as a list of labels (see its help)."""
    forms = 'a JSON list (["sports", "politics"])' + (
        "" if sep else ", or labels joined by a separator with --labels-sep '|'"
    )
    if hasattr(cell, "tolist") and not isinstance(cell, str):  # Parquet: an array
        cell = cell.tolist()
    if isinstance(cell, (list, tuple)):
        return list(cell)
    if not isinstance(cell, str) or not cell.strip():
        raise ValueError(f"{where} holds {cell!r}, not candidate labels; write {forms}")
    text = cell.strip()
    if text.startswith("["):
        value = None
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(text)
        if isinstance(value, list):
            return value
        raise ValueError(f"{where} is not a valid JSON list: {text[:80]!r}")
    if sep is None:
        raise ValueError(f"{where} holds {text[:80]!r}; write {forms}")
    return [part.strip() for part in text.split(sep)]


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


def _check_labels_column(args: argparse.Namespace) -> None:
    if args.labels_column is None:
        if args.labels_sep is not None:
            raise ValueError("--labels-sep goes with --labels-column")
        return
    if args.labels is not None:
        raise ValueError(
            "--labels-column gives every row its own candidate labels; drop --labels"
        )
    if args.threshold is not None:
        raise ValueError(
            "--threshold picks labels from fixed ones; with --labels-column every row "
            "gets its labels sorted by score (P(true) each with --multi-label)"
        )


def _rank(args, out_format, clf, examples, candidates) -> None:
    """One row per example: the top label, then labels and scores, highest first."""
    ranked = clf.rank(examples, candidates)
    if out_format is None:
        for i, result in enumerate(ranked):
            line = {
                "row": i,
                "label": result["labels"][0],
                "labels": result["labels"],
                "scores": [round(s, 4) for s in result["scores"]],
            }
            print(json.dumps(line, ensure_ascii=False))
        return
    import pandas as pd

    from ..utils import write_table

    table = {
        "row": list(range(len(ranked))),
        "label": [r["labels"][0] for r in ranked],
        "labels": [json.dumps(r["labels"], ensure_ascii=False) for r in ranked],
        "scores": [json.dumps(r["scores"]) for r in ranked],
    }
    write_table(pd.DataFrame(table), args.output, out_format)
    print(f"wrote {len(ranked)} rankings to {args.output}")


def run(args: argparse.Namespace) -> int:
    from ..utils import check_output_path
    from ..zero_shot import ZeroShotStatementClassifier

    if args.threshold is not None and not args.multi_label:
        raise ValueError("--threshold goes with --multi-label")
    _check_labels_column(args)
    out_format = None
    if args.output is not None:  # before any model is loaded
        out_format = check_output_path(args.output, args.overwrite)
    check_model_path(args.model)
    examples, candidates = _examples(args)
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
    if candidates is not None:
        _rank(args, out_format, clf, examples, candidates)
        return 0
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
