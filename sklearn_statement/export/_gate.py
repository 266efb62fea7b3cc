"""The accuracy gate of an export: labelled statements in, agreement and accuracy out.

An exported (int8) model is compared with the fp32 torch model on labelled
statements. With example ids, the decision compared is the zero-shot one
(the most-true statement of each example); without, each statement's
true/false decision. :func:`gate_report` says whether the export is within
the thresholds (99% agreement, 0.5 accuracy points by default).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..utils import read_statements

__all__ = ["ExportGateError", "MIN_VALIDATION", "gate_report", "validation_statements"]

#: The gate needs at least this many decisions to mean anything.
MIN_VALIDATION = 20


class ExportGateError(ValueError):
    """An export scored too far from the fp32 model; ``report`` holds the figures."""

    def __init__(self, message: str, report: dict[str, Any]) -> None:
        super().__init__(message)
        self.report = report


def validation_statements(
    validation: Any,
) -> tuple[list[str], np.ndarray, np.ndarray | None]:
    """Labelled statements for the accuracy gate.

    Parameters
    ----------
    validation : tuple, mapping, DataFrame, datasets.Dataset or path
        ``(statements, labels)`` or ``(statements, labels, example_ids)``;
        or a table with the columns ``statement``, ``label`` and optionally
        ``example_id`` (what :func:`datasets_builders.build_statements` and
        ``build_multitask`` return); or a ``.jsonl`` / ``.csv`` /
        ``.parquet`` file with those columns (read by
        :func:`sklearn_statement.utils.read_statements`). Labels: 1 = true, 0 = false.
        With example ids the gate compares the zero-shot decision, the
        most-true statement of each example; without, each statement's
        true/false decision.

    Returns
    -------
    statements : list of str
    labels : ndarray of int64, shape (n_statements,)
    example_ids : ndarray of shape (n_statements,) or None

    Raises
    ------
    ValueError
        If ``validation`` is missing, has fewer than
        :data:`MIN_VALIDATION` statements, lacks a column, mixes lengths,
        or has labels other than 0/1 or empty statements.
    TypeError
        If it is none of the accepted types.
    """
    if validation is None:
        raise ValueError(
            "validation is required: every export is scored against the fp32 model "
            "before it is kept. Pass labelled statements, e.g. validation=(statements, "
            "labels) or the Dataset of datasets_builders.build_multitask(...) (with "
            "example_id); on the command line: --validation FILE or --validation-tasks"
        )
    ids = None
    if isinstance(validation, (str, os.PathLike)):
        validation = read_statements(validation, "validation file")
        if validation[2] is None:
            validation = validation[:2]
    if isinstance(validation, tuple) or (
        isinstance(validation, list) and len(validation) in (2, 3)
    ):
        if len(validation) not in (2, 3):
            raise ValueError(
                "validation as a tuple is (statements, labels) or (statements, labels, "
                f"example_ids), got {len(validation)} items"
            )
        statements, labels = list(validation[0]), np.asarray(validation[1])
        if len(validation) == 3:
            ids = np.asarray(validation[2])
    elif (
        hasattr(validation, "column_names")
        or hasattr(validation, "columns")
        or isinstance(validation, Mapping)
    ):
        columns = list(
            getattr(validation, "column_names", None)
            or getattr(validation, "columns", None)
            or validation.keys()
        )
        missing = {"statement", "label"} - set(columns)
        if missing:
            raise ValueError(
                f"validation lacks column(s) {sorted(missing)}; it has {columns}"
            )
        statements = list(validation["statement"])
        labels = np.asarray(list(validation["label"]))
        if "example_id" in columns:
            ids = np.asarray(list(validation["example_id"]))
    else:
        raise TypeError(
            "validation must be (statements, labels[, example_ids]), a table with "
            "'statement' and 'label' columns, or a .jsonl/.csv/.parquet file, got "
            f"{type(validation).__name__}"
        )
    if len(statements) != len(labels) or (ids is not None and len(ids) != len(labels)):
        raise ValueError(
            f"validation has {len(statements)} statements but {len(labels)} labels"
            + ("" if ids is None else f" and {len(ids)} example ids")
        )
    if len(statements) < MIN_VALIDATION:
        raise ValueError(
            f"validation has {len(statements)} statements; the gate needs at least "
            f"{MIN_VALIDATION} (a few hundred make a 99% agreement threshold meaningful)"
        )
    bad = [s for s in statements if not isinstance(s, str) or not s.strip()]
    if bad:
        raise ValueError(f"validation has {len(bad)} empty or non-string statement(s)")
    if labels.dtype == bool:
        labels = labels.astype(np.int64)
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(
            f"validation labels must be 0 (false) or 1 (true), got {sorted(set(labels.tolist()))[:5]}"
        )
    return statements, labels.astype(np.int64), ids


def _group_pick(
    scores: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Index of the highest score in each group (ties: the first), and group sizes."""
    _, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    order = np.lexsort((np.arange(len(scores)), -scores, inverse))
    first = np.r_[0, np.flatnonzero(np.diff(inverse[order])) + 1]
    return order[first], counts


def gate_report(
    reference: np.ndarray,
    candidate: np.ndarray,
    labels: np.ndarray,
    example_ids: np.ndarray | None = None,
    *,
    min_agreement: float = 0.99,
    max_accuracy_drop: float = 0.005,
) -> dict[str, Any]:
    """Compare an export's true-logits with the fp32 model's.

    Parameters
    ----------
    reference, candidate : ndarray of shape (n_statements,)
        True-logits of the fp32 torch model and of the export.
    labels : ndarray of shape (n_statements,)
        1 = true statement, 0 = false.
    example_ids : ndarray of shape (n_statements,), optional
        With them, decisions are per example (the most-true statement, the
        zero-shot rule; examples with one statement are left out, and a pick
        whose fp32 true-logit ties the fp32 best within 1e-6 counts as the
        same decision); without, per statement (true-logit > 0).
    min_agreement : float, default=0.99
        Least fraction of decisions that must agree.
    max_accuracy_drop : float, default=0.005
        Largest accuracy loss allowed, as a fraction (0.005 = 0.5 points).

    Returns
    -------
    dict
        ``level`` ("example" or "statement"), ``n_decisions``,
        ``agreement``, ``accuracy_fp32``, ``accuracy``, ``accuracy_drop``,
        ``max_abs_true_logit_diff``, ``mean_abs_true_logit_diff``, the
        thresholds, ``passed`` (bool) and ``reason``.
    """
    reference = np.asarray(reference, dtype=np.float64)
    candidate = np.asarray(candidate, dtype=np.float64)
    labels = np.asarray(labels)
    level = "statement"
    if example_ids is not None:
        ref_pick, counts = _group_pick(reference, np.asarray(example_ids))
        cand_pick, _ = _group_pick(candidate, np.asarray(example_ids))
        keep = counts >= 2
        if keep.any():
            level = "example"
            ref_pick, cand_pick = ref_pick[keep], cand_pick[keep]
            # a pick that ties the fp32 best (saturated logits) is the same decision
            agree = (ref_pick == cand_pick) | np.isclose(
                reference[cand_pick], reference[ref_pick], rtol=1e-6, atol=1e-6
            )
            acc_ref = float(labels[ref_pick].mean())
            acc = float(labels[cand_pick].mean())
            n = int(keep.sum())
    if level == "statement":
        agree = (reference > 0) == (candidate > 0)
        acc_ref = float(((reference > 0) == (labels == 1)).mean())
        acc = float(((candidate > 0) == (labels == 1)).mean())
        n = len(labels)
    agreement = float(agree.mean())
    drop = acc_ref - acc
    reasons = []
    if agreement < min_agreement:
        reasons.append(
            f"{level} decisions agree with fp32 on {100 * agreement:.2f}% < {100 * min_agreement:.2f}%"
        )
    if drop > max_accuracy_drop + 1e-12:
        reasons.append(
            f"accuracy {100 * acc:.2f}% vs fp32 {100 * acc_ref:.2f}%: a drop of "
            f"{100 * drop:.2f} > {100 * max_accuracy_drop:.2f} points"
        )
    diff = np.abs(reference - candidate)
    return {
        "level": level,
        "n_decisions": n,
        "n_statements": len(labels),
        "agreement": agreement,
        "accuracy_fp32": acc_ref,
        "accuracy": acc,
        "accuracy_drop": drop,
        "max_abs_true_logit_diff": float(diff.max()),
        "mean_abs_true_logit_diff": float(diff.mean()),
        "min_agreement": min_agreement,
        "max_accuracy_drop": max_accuracy_drop,
        "passed": not reasons,
        "reason": "; ".join(reasons) or "within the thresholds",
    }
