"""Reading and writing the tables users have (CSV, TSV, JSON lines, JSON, Parquet).

The one table reader of the package: :func:`read_table` reads a file through
pandas, chosen by its extension; :func:`read_statements` reads a table of
labelled statements (``statement``, ``label``, optionally ``example_id``:
training data, an export's validation set); :func:`examples_from_table` maps
a template's fields to a table's columns. Predictions are written back in the
same formats without ever replacing a file unless asked to.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._constants import INPUT_FORMATS, OUTPUT_FORMATS

__all__ = [
    "INPUT_FORMATS",
    "OUTPUT_FORMATS",
    "check_output_path",
    "examples_from_table",
    "format_of",
    "read_statements",
    "read_table",
    "truth_values",
    "write_table",
]


def format_of(path: str, formats: Mapping[str, str], what: str) -> str:
    """The format named by ``path``'s extension.

    Raises
    ------
    ValueError
        If the extension is not one of ``formats`` (the message lists them).
    """
    suffix = Path(path).suffix.lower()
    if suffix not in formats:
        raise ValueError(
            f"{what} {path!r} has an unknown extension {suffix or '(none)'!r}; use one "
            f"of {', '.join(formats)}"
        )
    return formats[suffix]


def _read_lines(stream: Any, name: str) -> Any:
    import pandas as pd

    records: list[dict[str, Any]] = []
    for number, line in enumerate(stream, start=1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(
                    f"{name} line {number} is not valid JSON: {exc}"
                ) from None
            if not isinstance(value, dict):
                raise ValueError(f"{name} line {number} is JSON but not an object")
            records.append(value)
        else:
            records.append({"text": line})
    return pd.DataFrame.from_records(records)


def read_table(path: str, fmt: str = "auto", *, stdin: Any = None) -> Any:
    """Read a table of examples with pandas.

    Parameters
    ----------
    path : str
        A file, or ``"-"`` for ``stdin``.
    fmt : {"auto", "csv", "tsv", "jsonl", "json", "parquet", "txt"}
        ``"auto"``: by the extension (``"-"`` is ``"txt"``). CSV and TSV
        cells are read as text (empty cells stay empty strings); ``txt`` is
        one text per line, or a JSON object of fields per line.
    stdin : file object, optional
        Read for ``path="-"``.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the extension is unknown, the file cannot be parsed, or it has
        no rows.
    """
    import pandas as pd

    if fmt == "auto":
        fmt = "txt" if path == "-" else format_of(path, INPUT_FORMATS, "input")
    if path != "-" and not Path(path).is_file():
        raise FileNotFoundError(f"input file {path!r} does not exist")
    name = "stdin" if path == "-" else path
    try:
        if fmt == "txt":
            if path == "-":
                frame = _read_lines(stdin, name)
            else:
                with open(path, encoding="utf-8") as stream:
                    frame = _read_lines(stream, name)
        elif fmt in ("csv", "tsv"):
            frame = pd.read_csv(
                stdin if path == "-" else path,
                sep="," if fmt == "csv" else "\t",
                dtype=str,
                keep_default_na=False,
                quoting=csv.QUOTE_MINIMAL if fmt == "csv" else csv.QUOTE_NONE,
            )
        elif fmt in ("jsonl", "json"):
            frame = pd.read_json(
                stdin if path == "-" else path, lines=fmt == "jsonl", dtype=False
            )
        else:  # parquet
            frame = pd.read_parquet(stdin.buffer if path == "-" else path)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ValueError(f"cannot read {name} as {fmt}: {exc}") from None
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame()
    except ImportError as exc:  # pragma: no cover - pyarrow comes with datasets
        raise ImportError(f"reading {fmt} needs pyarrow: {exc}") from exc
    if len(frame) == 0:
        raise ValueError(f"{name} has no rows: nothing to classify")
    frame.columns = [str(c) for c in frame.columns]
    return frame


#: Formats of a statement table: every input format but one text per line.
STATEMENT_FORMATS = {k: v for k, v in INPUT_FORMATS.items() if v != "txt"}


def read_statements(
    path: str | os.PathLike, what: str = "statements", *, labels: bool = True
) -> tuple[list[str], list[int] | None, list[Any] | None]:
    """Statements, their truth labels and example ids from a table file.

    Parameters
    ----------
    path : str or PathLike
        A ``.csv``, ``.tsv``, ``.jsonl``, ``.json`` or ``.parquet`` file with
        a ``statement`` column, a ``label`` column (1/0, true/false or
        yes/no: see :func:`truth_values`) and optionally ``example_id``.
    what : str
        The file's role, for messages (``"--statements"``, ``"validation"``).
    labels : bool, default=True
        Whether the ``label`` column is required and read (a calibration set
        needs statements only).

    Returns
    -------
    statements : list of str
    labels : list of int or None
        1 = the statement is true; None with ``labels=False``.
    example_ids : list or None
        The ``example_id`` column, if there is one.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the extension is unknown, a column is missing, a statement is
        empty or a label is not a truth value (the message names the row).
    """
    path = os.fspath(path)
    frame = read_table(path, format_of(path, STATEMENT_FORMATS, what))
    needed = ["statement", "label"] if labels else ["statement"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} {path} lacks column(s) {missing}; it has {list(frame.columns)}"
        )
    statements = frame["statement"].tolist()
    for row, text in enumerate(statements):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{path} row {row + 1}: the statement is empty")
    ids = frame["example_id"].tolist() if "example_id" in frame.columns else None
    truth = truth_values(frame["label"].tolist(), path).tolist() if labels else None
    return statements, truth, ids


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()


def examples_from_table(
    frame: Any,
    fields: Sequence[str],
    *,
    text_column: str | None = None,
    field_columns: Mapping[str, str] | None = None,
    name: str = "the input",
) -> list[dict[str, Any]]:
    """Map a template's fields to a table's columns.

    A field takes the column named by ``field_columns`` (``--field
    NAME=COLUMN``), else, for a one-field template, ``text_column``
    (``--text-column``), else the column of the same name, else (one field)
    a ``text`` column or the table's only column.

    Parameters
    ----------
    frame : pandas.DataFrame
    fields : sequence of str
        The template's fields.
    text_column : str, optional
    field_columns : mapping of str -> str, optional
    name : str
        The input, for messages.

    Returns
    -------
    list of dict
        One ``{field: value}`` per row.

    Raises
    ------
    ValueError
        If a field has no column, a named column or field does not exist,
        ``text_column`` is given for a multi-field template, or a cell is
        empty or missing (the message names its row and column).
    """
    field_columns = dict(field_columns or {})
    columns = list(frame.columns)
    unknown = [f for f in field_columns if f not in fields]
    if unknown:
        raise ValueError(
            f"--field {unknown[0]}=...: the template has no field {unknown[0]!r}; its "
            f"fields are {list(fields)}"
        )
    if text_column is not None and len(fields) != 1:
        raise ValueError(
            f"--text-column is for one-field templates; this one has the fields "
            f"{list(fields)}: map each with --field NAME=COLUMN"
        )
    mapping: dict[str, str] = {}
    for field in fields:
        if field in field_columns:
            column, option = (
                field_columns[field],
                f"--field {field}={field_columns[field]}",
            )
        elif text_column is not None:
            column, option = text_column, f"--text-column {text_column}"
        elif field in columns:
            column, option = field, None
        elif len(fields) == 1 and "text" in columns:
            column, option = "text", None
        elif len(fields) == 1 and len(columns) == 1:
            column, option = columns[0], None
        else:
            hint = "--text-column COLUMN" if len(fields) == 1 else "--field NAME=COLUMN"
            raise ValueError(
                f"{name} has no column for the template field {field!r} (its columns: "
                f"{columns}; the template needs {list(fields)}); name it with {hint}"
            )
        if column not in columns:
            raise ValueError(
                f"{option}: {name} has no column {column!r}; it has {columns}"
            )
        mapping[field] = column
    records = []
    values = {f: frame[c].tolist() for f, c in mapping.items()}
    for row in range(len(frame)):
        example = {}
        for field, column in mapping.items():
            value = values[field][row]
            if _missing(value):
                raise ValueError(
                    f"{name} row {row + 1}, column {column!r} is empty; every row needs "
                    f"a text for the template field {field!r} (drop or fill that row)"
                )
            example[field] = value if isinstance(value, str) else str(value)
        records.append(example)
    return records


_TRUE = {"1", "true", "yes", "t", "y"}
_FALSE = {"0", "false", "no", "f", "n"}


def truth_values(values: Sequence[Any], name: str) -> np.ndarray:
    """Statement truth labels (1 = true) from 0/1, booleans or true/false, yes/no.

    Raises
    ------
    ValueError
        If a value is missing or not one of those (the message names the
        row and the accepted values).
    """
    out = np.empty(len(values), dtype=np.int64)
    for row, value in enumerate(values):
        if isinstance(value, (bool, np.bool_)):
            out[row] = int(value)
            continue
        if _missing(value):
            raise ValueError(f"{name} row {row + 1}: the label is empty")
        text = str(value).strip().lower()
        if text.endswith(".0"):  # 1.0 from a float column
            text = text[:-2]
        if text in _TRUE:
            out[row] = 1
        elif text in _FALSE:
            out[row] = 0
        else:
            raise ValueError(
                f"{name} row {row + 1}: label {value!r} is not a truth value; use 1/0, "
                "true/false or yes/no (1, true, yes = the statement is true)"
            )
    return out


def check_output_path(path: str, overwrite: bool) -> str:
    """The output format of ``path``; refuses an existing file without ``overwrite``.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is False.
    ValueError
        If the extension is not an output format, or ``path`` is a directory.
    """
    fmt = format_of(path, OUTPUT_FORMATS, "--output")
    if Path(path).is_dir():
        raise ValueError(f"--output {path!r} is a directory; give a file name")
    if Path(path).exists() and not overwrite:
        raise FileExistsError(
            f"{path} exists; pass --overwrite to replace it, or another --output"
        )
    return fmt


def write_table(frame: Any, path: str, fmt: str) -> None:
    """Write ``frame`` atomically (a temporary file, then ``os.replace``)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    os.close(fd)
    try:
        if fmt == "csv":
            frame.to_csv(tmp, index=False)
        elif fmt == "tsv":
            frame.to_csv(tmp, sep="\t", index=False)
        elif fmt == "jsonl":
            frame.to_json(tmp, orient="records", lines=True, force_ascii=False)
        else:
            frame.to_parquet(tmp, index=False)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
