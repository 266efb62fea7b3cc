"""Evaluation reports: JSON, CSV, a markdown table and one accuracy plot per dataset (``_plots``)."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..utils import format_table
from ._evaluate import PAPER_REPORTED
from ._plots import accuracy_plot

__all__ = ["write_report", "dataset_averages", "report_files"]


def dataset_averages(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Macro-average over languages per dataset, in % (:func:`~sklearn_statement.utils.average_rows`).

    Returns
    -------
    dict
        ``{dataset: {"accuracy": %, "majority": %, "random": %, "languages": int}}``
        (and ``statement_accuracy``, ``embedding_accuracy``,
        ``baseline_accuracy`` where every row of the dataset has them), the
        figure the paper reports per dataset (an average over languages).
    """
    from ..utils import average_rows

    return {
        m["dataset"]: {
            **{
                k: round(100 * v, 2)
                for k, v in m.items()
                if k not in ("dataset", "languages")
            },
            "languages": m["languages"],
        }
        for m in average_rows(rows)
        if m["dataset"] != "all rows"
    }


def report_files(
    output_dir: str | os.PathLike, datasets: Sequence[str], plots: bool = True
) -> list[Path]:
    """The files :func:`write_report` writes for these datasets.

    Lets a caller refuse an existing report *before* a long evaluation.

    Returns
    -------
    list of pathlib.Path
        ``results.json``, ``results.csv``, ``results.md`` and, with
        ``plots``, one ``<dataset>.png`` per dataset.
    """
    out = Path(output_dir)
    names = ["results.json", "results.csv", "results.md"]
    if plots:
        names += [f"{d}.png" for d in sorted(set(datasets))]
    return [out / name for name in names]


def write_report(
    rows: Sequence[dict[str, Any]],
    output_dir: str | os.PathLike,
    *,
    meta: dict[str, Any] | None = None,
    plots: bool = True,
    overwrite: bool = False,
) -> dict[str, Path]:
    """Write ``results.json``, ``results.csv``, ``results.md`` and ``<dataset>.png`` plots.

    Parameters
    ----------
    rows : sequence of dict
        Rows from :func:`evaluate_zero_shot`.
    output_dir : str or PathLike
    meta : dict, optional
        Command, versions, machine, model… saved in ``results.json``.
    plots : bool, default=True
        Draw one PNG per dataset (accuracy by language with its 95% CI, the
        majority and random baselines, and the paper's reported average,
        labelled as such, where there is one).
    overwrite : bool, default=False
        Replace existing report files; otherwise an existing file is an error.

    Returns
    -------
    dict of str -> pathlib.Path
        The files written.

    Raises
    ------
    FileExistsError
        If a report file exists and ``overwrite`` is False.
    ValueError
        If ``rows`` is empty (there is nothing to report).
    """
    if rows is None or isinstance(rows, (str, dict)):
        raise TypeError(
            "rows must be the list of result rows from evaluate_zero_shot, got "
            f"{type(rows).__name__}"
        )
    rows = list(rows)
    if not rows:
        raise ValueError(
            "rows is empty: evaluate at least one dataset and language first"
        )
    out = Path(output_dir)
    datasets = sorted({r["dataset"] for r in rows})
    clash = [p.name for p in report_files(out, datasets, plots) if p.exists()]
    if clash and not overwrite:
        raise FileExistsError(
            f"{out} already holds {clash}; pass overwrite=True (--overwrite) or another directory"
        )
    out.mkdir(parents=True, exist_ok=True)
    averages = dataset_averages(rows)
    files = {}
    with open(out / "results.json", "w", encoding="utf-8") as f:
        json.dump(
            {
                "meta": meta or {},
                "averages": averages,
                "paper_reported": PAPER_REPORTED,
                "rows": list(rows),
            },
            f,
            indent=2,
        )
    files["json"] = out / "results.json"
    columns = list(rows[0]) if rows else []
    with open(out / "results.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    files["csv"] = out / "results.csv"
    lines = [
        "# Zero-shot evaluation",
        "",
        format_table(rows),
        "",
        "## Averages over languages (%)",
        "",
    ]
    lines += [
        "| dataset | languages | ours | majority | random | reported (mDeBERTa-v3, 25 languages) |",
        "|---|---|---|---|---|---|",
    ]
    for name, avg in sorted(averages.items()):
        reported = f"{PAPER_REPORTED[name]:.2f}" if name in PAPER_REPORTED else "–"
        lines.append(
            f"| {name} | {avg['languages']} | {avg['accuracy']:.2f} | {avg['majority']:.2f} | "
            f"{avg['random']:.2f} | {reported} |"
        )
    lines += [
        "",
        "Reported figures are the averages of arXiv 2506.01592 (ACL 2025) for a statement-tuned "
        "mDeBERTa-v3 (276M) trained on 25 languages: a different model, data and setup, shown for "
        "reference, not a comparison of equals.",
    ]
    (out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    files["markdown"] = out / "results.md"
    if plots:
        for name in datasets:
            accuracy_plot(
                name, [r for r in rows if r["dataset"] == name], out / f"{name}.png"
            )
            files[f"plot_{name}"] = out / f"{name}.png"
    return files
