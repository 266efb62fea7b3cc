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

__all__ = ["group_split", "statement_array", "training_data", "training_stats"]


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
