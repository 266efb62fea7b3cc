"""Input checks with errors that say what was wrong and how to fix it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "check_statements",
    "check_binary_targets",
    "check_examples",
    "text_input_tags",
    "unwrap_frozen",
]


def text_input_tags(tags: Any) -> Any:
    """Declare text input (strings or dicts of field texts, no 2-D arrays) on sklearn tags."""
    tags.input_tags.string = True
    tags.input_tags.dict = True
    tags.input_tags.two_d_array = False
    return tags


def unwrap_frozen(model: Any) -> Any:
    """The estimator inside ``sklearn.frozen.FrozenEstimator`` wrappers (nested ones too).

    ``ZeroShotStatementClassifier(model=FrozenEstimator(tuner))`` is how clones
    share a fitted tuner; the classifier and few-shot tuning use the tuner
    itself. Anything else is returned unchanged.

    Examples
    --------
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn.linear_model import LogisticRegression
    >>> clf = LogisticRegression()
    >>> unwrap_frozen(FrozenEstimator(FrozenEstimator(clf))) is clf
    True
    """
    from sklearn.frozen import FrozenEstimator

    while isinstance(model, FrozenEstimator):
        model = model.estimator
    return model


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def check_statements(X: Any) -> list[str]:
    """Validate a 1-D collection of statements.

    Parameters
    ----------
    X : array-like of str, shape (n_statements,)
        A list, tuple, 1-D numpy array or pandas Series of strings.

    Returns
    -------
    list of str

    Raises
    ------
    TypeError
        If ``X`` is None, a single string, 2-D, or holds a non-string.
    ValueError
        If ``X`` is empty or holds None/NaN or an empty string.
    """
    if X is None:
        raise TypeError(
            "X is None; pass an array-like of statements (str), shape (n_statements,)"
        )
    if isinstance(X, (str, bytes)):
        raise TypeError("X is a single string; pass a list of statements, e.g. [X]")
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        raise TypeError(
            "X is a DataFrame; StatementTuner takes a 1-D array-like of statements (e.g. df['statement'])"
        )
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise TypeError(
            f"X must be 1-D (n_statements,), got an array of shape {X.shape}"
        )
    try:
        items = list(X)
    except TypeError:
        raise TypeError(
            f"X must be an array-like of str, got {type(X).__name__}"
        ) from None
    if not items:
        raise ValueError("X is empty: pass at least one statement")
    for i, item in enumerate(items):
        if _is_missing(item):
            raise ValueError(
                f"X[{i}] is {item!r}; every statement must be a non-empty string"
            )
        if not isinstance(item, str):
            raise TypeError(
                f"X[{i}] is a {type(item).__name__} ({item!r}); every statement must be a string"
            )
        if not item.strip():
            raise ValueError(
                f"X[{i}] is an empty string; every statement must be a non-empty string"
            )
    return items


def check_binary_targets(y: Any, n: int | None = None) -> np.ndarray:
    """Validate true/false targets.

    Parameters
    ----------
    y : array-like of {0, 1} or bool, shape (n_statements,)
        1 (True) = the statement is true.
    n : int, optional
        Expected length (``len(X)``).

    Returns
    -------
    numpy.ndarray of int64, shape (n_statements,)

    Raises
    ------
    TypeError
        If ``y`` holds strings or objects ("Unknown label type").
    ValueError
        If ``y`` is None, not 1-D (a column vector is ravelled with a
        ``DataConversionWarning``), has values other than 0/1, NaN or
        infinity, or its length differs from ``n``.
    """
    if y is None:
        raise ValueError(
            "StatementTuner requires y to be passed, but the target y is None: give 1 (true) or 0 (false) "
            "per statement"
        )
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        from sklearn.utils.validation import column_or_1d

        arr = column_or_1d(arr, warn=True)  # sklearn's convention: warn and ravel
    if arr.ndim != 1:
        raise ValueError(f"y must be 1-D (n_statements,), got shape {arr.shape}")
    if n is not None and len(arr) != n:
        raise ValueError(f"X has {n} statements but y has {len(arr)} labels")
    if arr.dtype.kind in "OUS":
        raise TypeError(
            f"Unknown label type: y holds {'objects' if arr.dtype.kind == 'O' else 'strings'} "
            f"({arr[:3].tolist()}...); y must be 0/1 or bool (1 = the statement is true)"
        )
    if arr.dtype.kind == "b":
        return arr.astype(np.int64)
    if arr.dtype.kind == "c":
        raise ValueError(
            "Complex data not supported: y must be 0/1 or bool (1 = the statement is true)"
        )
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"y must be 0/1 or bool, got dtype {arr.dtype}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(
            "Input y contains NaN or infinity; y must be 0 (false) or 1 (true) per statement"
        )
    values = set(np.unique(arr).tolist())
    if not values <= {0, 1}:
        from sklearn.utils.multiclass import type_of_target

        raise ValueError(
            f"Only binary classification is supported. The type of the target is {type_of_target(arr)}: "
            f"y must be 0 (false statement) or 1 (true statement), got values {sorted(values)[:10]}; "
            "turn multi-class labels into statements first (datasets_builders.build_statements)"
        )
    return arr.astype(np.int64)


def check_examples(X: Any, fields: Sequence[str]) -> list[Mapping[str, Any]]:
    """Turn zero-shot input into a list of field mappings.

    Parameters
    ----------
    X : list of str, list of dict, pandas DataFrame or datasets.Dataset
        Strings are allowed when the template has exactly one field.
    fields : sequence of str
        The template's fields.

    Returns
    -------
    list of Mapping

    Raises
    ------
    TypeError
        If ``X`` is None, a single string, or of an unsupported type, or
        strings are given for a multi-field template.
    ValueError
        If ``X`` is empty, an item is None, or a field is missing.
    """
    if X is None:
        raise TypeError(
            f"X is None; pass a list of texts or of dicts with the fields {list(fields)}"
        )
    if isinstance(X, (str, bytes, Mapping)):
        raise TypeError(
            f"X is a single {'dict' if isinstance(X, Mapping) else 'string'}; pass a list of them, e.g. [X]"
        )
    if hasattr(X, "columns") and hasattr(X, "to_dict"):  # pandas DataFrame
        missing = [f for f in fields if f not in X.columns]
        if missing:
            raise ValueError(
                f"the DataFrame lacks the template field column(s) {missing}; it has {list(X.columns)}, "
                f"the template needs {list(fields)}"
            )
        if len(X) == 0:
            raise ValueError("X is an empty DataFrame: pass at least one example")
        return X[list(fields)].to_dict("records")
    if hasattr(X, "column_names") and hasattr(X, "to_list"):  # datasets.Dataset
        missing = [f for f in fields if f not in X.column_names]
        if missing:
            raise ValueError(
                f"the dataset lacks field column(s) {missing}; it has {X.column_names}"
            )
        X = X.select_columns(list(fields)).to_list()
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise TypeError(
            f"X must be 1-D, got an array of shape {X.shape}; use a DataFrame for several fields"
        )
    try:
        items = list(X)
    except TypeError:
        raise TypeError(
            f"X must be a list of texts or dicts, got {type(X).__name__}"
        ) from None
    if not items:
        raise ValueError("X is empty: pass at least one example")
    out = []
    for i, item in enumerate(items):
        if _is_missing(item):
            raise ValueError(
                f"X[{i}] is {item!r}; every example must be a text or a dict of fields"
            )
        if isinstance(item, str):
            if len(fields) != 1:
                raise TypeError(
                    f"X[{i}] is a string, but the template has {len(fields)} fields {list(fields)}; "
                    "pass dicts or a DataFrame with those keys"
                )
            out.append({fields[0]: item})
        elif isinstance(item, Mapping):
            missing = [f for f in fields if f not in item]
            if missing:
                raise ValueError(
                    f"X[{i}] lacks the template field(s) {missing}; it has {list(item)}, the template needs "
                    f"{list(fields)}"
                )
            out.append(item)
        else:
            raise TypeError(
                f"X[{i}] is a {type(item).__name__}; every example must be a str or a dict of fields"
            )
    return out
