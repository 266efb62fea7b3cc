"""A tuner's training data: statements, truth labels and example ids, checked in one place.

:func:`training_data` is the one validation path of ``fit`` and
``partial_fit``: it runs before any model is loaded or any callback sees the
data, and returns what skorch's ``Dataset`` indexes row by row (with example
ids, a dict, so the ids follow every split). :func:`statement_array` checks
the statements of a prediction; :func:`group_split` is the validation split
that keeps examples whole; :func:`training_stats` what a saved model records
of its data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from skorch.utils import is_dataset

from ..utils import check_binary_targets, check_statements
from ._batching import EXAMPLE_ID
from ._objectives import check_example_ids, check_objective_data

__all__ = [
    "check_both_truths",
    "group_split",
    "statement_array",
    "statement_table",
    "table_summary",
    "training_data",
    "training_stats",
    "warn_without_example_ids",
]

#: The columns of a statement table (``build_multitask``'s output) that ``fit`` reads.
TABLE_COLUMNS = ("statement", "label", EXAMPLE_ID)


def _is_table(X: Any) -> bool:
    """A pandas DataFrame or a ``datasets.Dataset`` (anything with named columns)."""
    return hasattr(X, "column_names") or (hasattr(X, "columns") and hasattr(X, "iloc"))


def statement_table(X: Any, y: Any, example_id: Any) -> tuple[Any, Any, Any]:
    """Statements, labels and example ids from a statement table, else as given.

    A ``datasets.Dataset`` or DataFrame with a ``statement`` column (the output
    of ``datasets_builders.build_multitask``) gives its ``statement``
    column as ``X``, its ``label`` column as ``y`` and its ``example_id``
    column as ``example_id``, unless those are passed explicitly.

    Raises
    ------
    ValueError
        If the table has no ``statement`` column, or no ``label`` column and
        no ``y``.
    """
    if not _is_table(X):
        return X, y, example_id
    columns = list(getattr(X, "column_names", None) or X.columns)
    if "statement" not in columns:
        raise ValueError(
            f"X is a table without a 'statement' column (columns: {columns}); pass a "
            "statement table such as datasets_builders.build_multitask's output, or the "
            "statements as a list with y= and example_id="
        )
    if y is None and "label" not in columns:
        raise ValueError(
            "X has no 'label' column and y is None: give each statement's truth (1 = "
            "true) as y= or as a 'label' column"
        )
    if y is None:
        y = list(X["label"])
    if example_id is None and EXAMPLE_ID in columns:
        example_id = list(X[EXAMPLE_ID])
    return list(X["statement"]), y, example_id


#: The columns of a statement table a saved model's card reports (``build_multitask``'s).
SUMMARY_COLUMNS = {"tasks": "task", "families": "family", "languages": "language"}


def table_summary(X: Any) -> dict[str, list[str]] | None:
    """The tasks, task families and languages of a statement table, for the model card.

    Returns
    -------
    dict or None
        ``{"tasks": [...], "families": [...], "languages": [...]}`` (sorted,
        the columns the table has), None when ``X`` is not a table.
    """
    if not _is_table(X):
        return None
    columns = set(getattr(X, "column_names", None) or X.columns)
    return {
        key: sorted({str(v) for v in X[column]})
        for key, column in SUMMARY_COLUMNS.items()
        if column in columns
    }


def check_both_truths(y: np.ndarray) -> None:
    """Refuse training targets that are all true or all false.

    Raises
    ------
    ValueError
        Naming the truth value that is missing: a statement model learns to
        tell true from false statements, so it needs both.
    """
    values = np.unique(y)
    if len(values) == 1:
        have, lack = (
            ("true (1)", "false (0)") if values[0] == 1 else ("false (0)", "true (1)")
        )
        raise ValueError(
            f"y has one class: every statement in y is {have}, there is no {lack} "
            "statement: a statement "
            "model learns to tell true statements from false ones and needs both classes. "
            "Build each example's statements for every label (datasets_builders."
            "build_multitask / build_statements give one true and false ones per example)"
        )


_WARNED: set[str] = set()


def warn_without_example_ids() -> None:
    """Once per process: statements without example ids train in random batches.

    Statement-Tuning learns far less when an example's true and false
    statements land in different batches (``benchmarks/results/
    ablation_training.md``: the same statements in random batches against
    example-grouped ones), so a ``fit`` without ids says how to pass them.
    """
    if "example_id" in _WARNED:
        return
    _WARNED.add("example_id")
    import warnings

    warnings.warn(
        "StatementTuner.fit got statements without example ids, so each example's "
        "true and false statements fall into different random batches, which learns "
        "much less (benchmarks/results/ablation_training.md). Pass example_id= "
        "(build_multitask's 'example_id' column), or fit on the statement table "
        "itself: tuner.fit(build_multitask(...)).",
        UserWarning,
        stacklevel=3,  # the line that called fit
    )


def statement_array(X: Any) -> np.ndarray:
    """The statements of ``X`` (checked) as a 1-D object array."""
    return np.asarray(check_statements(X), dtype=object)


def training_data(
    X: Any, y: Any, example_id: Any, objective: str
) -> tuple[Any, np.ndarray | None]:
    """Checked statements, targets and example ids, as skorch's ``Dataset`` takes them.

    Parameters
    ----------
    X : array-like of str, a torch Dataset, or the dict this function returns
        (skorch's ``fit`` calls ``partial_fit`` with it)
    y : array-like of {0, 1} or bool
    example_id : array-like of int or str, optional
    objective : {"binary", "listwise"}

    Returns
    -------
    X : ndarray of object, or dict
        The statements, or ``{"statement": ..., "example_id": codes}``.
    y : ndarray of int64

    Raises
    ------
    TypeError, ValueError
        For invalid statements, targets or example ids, and for data the
        objective cannot use (:func:`check_objective_data`).
    """
    if is_dataset(X):
        if example_id is not None:
            raise ValueError(
                "example_id= goes with X as statements; a torch Dataset carries "
                "its own inputs"
            )
        return X, y
    if isinstance(X, dict) and set(X) == {"statement", EXAMPLE_ID}:
        if example_id is not None:
            raise ValueError("example_id is given twice: in X and as example_id=")
        X, example_id = X["statement"], X[EXAMPLE_ID]
    statements = statement_array(X)
    y = check_binary_targets(y, len(statements))
    codes = None if example_id is None else check_example_ids(example_id, len(y))
    check_objective_data(objective, y, codes)
    if codes is None:
        return statements, y
    return {"statement": statements, EXAMPLE_ID: codes}, y


def training_stats(X: Any, y: Any) -> dict[str, int]:
    """Statements, true statements (and examples) of a training call."""
    stats = {"n_statements": len(y), "n_true": int(np.sum(y))}
    if isinstance(X, dict):
        stats["n_examples"] = int(len(np.unique(X[EXAMPLE_ID])))
    return stats


def group_split(dataset: Any, example_ids: Any, random_state: Any) -> tuple[Any, Any]:
    """90/10 train/validation split of whole examples (for early stopping)."""
    from sklearn.model_selection import GroupShuffleSplit
    from torch.utils.data import Subset

    splitter = GroupShuffleSplit(n_splits=1, test_size=0.1, random_state=random_state)
    train, valid = next(splitter.split(np.zeros(len(example_ids)), groups=example_ids))
    # statements of one example consecutive: validation passes keep dataset order
    valid = valid[np.argsort(np.asarray(example_ids)[valid], kind="stable")]
    return Subset(dataset, train), Subset(dataset, valid)
