"""Candidate labels and ``classes_`` of the zero-shot classifiers.

Shared by :class:`ZeroShotStatementClassifier` and
:class:`EmbeddingZeroShotClassifier`: where the labels come from (``labels``,
``y``, the template), their checks (a label set that cannot give a
meaningful answer is an error, not a degenerate classifier), and their
order (``classes_`` is sorted, as in every scikit-learn classifier).
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Number
from typing import Any

import numpy as np

from template_registry import Template

__all__ = [
    "fit_labels",
    "restrict_template",
    "candidate_labels",
    "check_distinct_statements",
    "check_label_words",
    "check_labels",
    "resolve_classes",
]


def _is_missing_label(value: Any) -> bool:
    if value is None or (isinstance(value, float) and value != value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")  # pandas missing values


def _label_kind(value: Any) -> str:
    """``"str"`` or ``"number"``; anything else cannot be a candidate label."""
    if isinstance(value, (str, np.str_)):
        return "str"
    if isinstance(value, (Number, np.number, np.bool_)):
        return "number"
    return type(value).__name__


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value (``np.int64(1)`` -> ``1``)."""
    return value.item() if isinstance(value, np.generic) else value


def check_labels(y: Any, X: Any) -> np.ndarray:
    """1-D, finite, categorical labels matching ``X`` in length (sklearn conventions).

    Raises
    ------
    ValueError
        If ``y`` is not 1-D, holds None/NaN or continuous values, or its
        length differs from ``X``'s.
    TypeError
        If ``y`` mixes strings and numbers, or holds other objects.
    """
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import column_or_1d

    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = column_or_1d(arr, warn=True)
        y = arr
    if arr.ndim != 1:
        raise ValueError(
            f"y must be 1-D (n_samples,), got shape {arr.shape}; use multi_label=True for indicators"
        )
    if arr.dtype.kind in "OUS":  # check the items themselves: numpy stringifies mixes
        items = np.asarray(y, dtype=object).reshape(-1)
        kinds: dict[str, Any] = {}
        for i, value in enumerate(items):
            if _is_missing_label(value):
                raise ValueError(
                    f"y[{i}] is {value!r}; every example needs a label (drop the "
                    "unlabeled rows, or pass labels=[...] and fit without y)"
                )
            kinds.setdefault(_label_kind(value), value)
        bad = [k for k in kinds if k not in ("str", "number")]
        if bad:
            raise TypeError(
                f"y holds a {bad[0]} ({kinds[bad[0]]!r}); labels must be strings or numbers"
            )
        if len(kinds) > 1:
            raise TypeError(
                f"y mixes strings and numbers (e.g. {kinds['str']!r} and "
                f"{kinds['number']!r}); use one type for every label"
            )
        if "number" in kinds:
            arr = np.asarray(items.tolist())
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(
            "Input y contains NaN or infinity; every label must be a class"
        )
    # before sklearn casts them to int (a RuntimeWarning for huge values)
    if arr.dtype.kind == "f" and (
        np.any(np.abs(arr) > 2**53) or np.any(np.mod(arr, 1) != 0)
    ):
        raise ValueError(
            "Unknown label type: continuous. y holds non-integer numbers; every "
            "label must be a class (a string or an integer)"
        )
    check_classification_targets(arr)
    if (
        X is not None
        and hasattr(X, "__len__")
        and not isinstance(X, (str, bytes))
        and len(X) != len(arr)
    ):
        raise ValueError(f"X has {len(X)} examples but y has {len(arr)} labels")
    return arr


def candidate_labels(
    labels: Any, template: Template, y: Any, multi_label: bool = False
) -> list[Any]:
    """The candidate labels in their given order: ``labels`` if given, else the
    sorted labels of ``y``, else the template's labels.

    Parameters
    ----------
    labels : array-like or None
        The estimator's ``labels`` parameter.
    template : Template
        The (first) template.
    y : ndarray of shape (n_samples,) or None
        Labels checked by :func:`check_labels`; ignored with ``multi_label``.
    multi_label : bool, default=False
        One label is then allowed (an independent P(true)).

    Returns
    -------
    list
        Distinct Python strings or numbers (numpy scalars converted).

    Raises
    ------
    TypeError
        If a label is not a string or number, or strings and numbers are
        mixed.
    ValueError
        If there are no labels, fewer than two (unless ``multi_label``), an
        empty string label, labels that differ only in whitespace, or the
        template has an open label set and nothing else names the labels.
    """
    if labels is not None:
        if isinstance(labels, (str, bytes)):
            raise TypeError(
                f"labels must be a list of labels, got the string {labels!r}; e.g. "
                f"labels=[{labels!r}, ...]"
            )
        source = "labels"
        values = list(labels)
        if not values:
            raise ValueError("labels is empty; give at least two candidate labels")
    elif y is not None and not multi_label:
        source = "y"
        values = np.unique(y).tolist()
    else:
        source = "the template"
        values = list(template.labels)
        if not values:
            fix = (
                "pass labels=[...]"
                if multi_label
                else "pass labels=[...] (or y to fit)"
            )
            raise ValueError(f"{template!r} has an open label set; {fix}")
    kinds: dict[str, Any] = {}
    for label in values:
        if _is_missing_label(label) or _label_kind(label) not in ("str", "number"):
            raise TypeError(
                f"labels must be strings (or numbers), got {label!r} of type "
                f"{type(label).__name__} in {source}; each label is written into a "
                "statement"
            )
        kinds.setdefault(_label_kind(label), label)
    if len(kinds) > 1:
        raise TypeError(
            f"{source} mixes strings and numbers (e.g. {kinds['str']!r} and "
            f"{kinds['number']!r}); use one type for every label, e.g. all strings"
        )
    values = [_plain(v) for v in values]
    for label in values:
        if isinstance(label, str) and not label.strip():
            raise ValueError(
                f"{source} holds the empty label {label!r}; every label needs words "
                "for its statement"
            )
    if len(set(values)) != len(values):
        raise ValueError(f"labels must be distinct, got {values}")
    seen: dict[Any, Any] = {}
    for label in values:
        key = " ".join(label.split()) if isinstance(label, str) else label
        if key in seen:
            raise ValueError(
                f"labels {seen[key]!r} and {label!r} differ only in whitespace, so "
                "their statements are the same and neither can win; keep one"
            )
        seen[key] = label
    if len(values) < 2 and not multi_label:
        if source == "y":
            fix = (
                "y has only one class, so every example would get it. Pass "
                "labels=[...] with every candidate label (this also keeps "
                "cross-validation folds that miss a class full width)"
            )
        else:
            fix = (
                f"{source} gives one label ({values[0]!r}), so every example would "
                "get it; give at least two candidate labels"
            )
        raise ValueError(f"{fix}, or use multi_label=True for an independent P(true)")
    return values


def resolve_classes(
    labels: Any, template: Template, y: Any, multi_label: bool = False
) -> list[Any]:
    """``classes_``: the candidate labels (see :func:`candidate_labels`), sorted.

    scikit-learn classifiers keep ``classes_`` sorted (``np.unique``) and
    ``predict_proba``'s columns in that order; metrics such as
    ``roc_auc_score`` and ``CalibratedClassifierCV`` rely on it.

    Returns
    -------
    list
        Sorted, distinct strings or numbers.

    Raises
    ------
    TypeError, ValueError
        See :func:`candidate_labels`.
    """
    return sorted(candidate_labels(labels, template, y, multi_label))


def check_label_words(templates: Sequence[Template], labels: Sequence[Any]) -> None:
    """Refuse labels that a registered open template would write as a bare number.

    The ``{label}`` slot of a registered template (or of any template with a
    verbalizer) expects the label's words: ``labels=[0, 1]`` with
    ``"topic"`` would write "... is about 0.". A template you build yourself
    without a verbalizer writes numbers as they are (``"{text} belongs to
    class {label}."`` may mean it).

    Raises
    ------
    ValueError
        If such a label (no explicit statement, no verbalizer entry) is not
        a string.
    """
    for template in templates:
        if not template.verbalizer and template.source is None:
            continue
        bare = [
            lab
            for lab in labels
            if lab not in template.patterns
            and lab not in template.verbalizer
            and not isinstance(lab, str)
        ]
        if bare:
            example = template.verbalize(bare[0])
            raise ValueError(
                f"label(s) {bare} would be written into {template!r}'s label_statement "
                f"as the bare number {example!r}; pass string labels (the words of "
                "each class), or a Template(..., verbalizer={label: words})"
            )


def _probe_values(template: Template) -> list[dict[str, str]]:
    """Placeholder field values, one set per ``switch`` case."""
    values = {f: f"<{f} _>" for f in template.fields}
    if template.switch is None:
        return [values]
    cases = sorted({str(c) for pat in template.patterns.values() for c in pat})
    return [{**values, template.switch: case} for case in cases]


def check_distinct_statements(
    templates: Sequence[Template], labels: Sequence[Any], tokenizer: Any = None
) -> None:
    """Refuse labels whose statements are identical (to the model).

    Each template is rendered with placeholder field values and, with a
    tokenizer, tokenized: two labels with the same token ids get the same
    true-logit on every input, so their probabilities would tie forever.

    Raises
    ------
    ValueError
        Naming the labels and their common statement.
    """
    unknown = getattr(tokenizer, "unk_token_id", None)
    for template in templates:
        for values in _probe_values(template):
            rendered = template.render(values, labels)
            texts = [rendered[lab] for lab in labels]
            keys: list[Any] = texts
            if tokenizer is not None:
                keys = [tuple(ids) for ids in tokenizer(texts)["input_ids"]]
            first: dict[Any, Any] = {}
            for label, key, text in zip(labels, keys, texts):
                if key not in first:
                    first[key] = label
                    continue
                how = " once tokenized" if tokenizer is not None else ""
                fix = "give each label its own words"
                if unknown is not None and unknown in key:
                    fix = (
                        "the tokenizer writes their words as unknown tokens: use a "
                        "model whose vocabulary covers the template's language "
                        f"({template.language!r}), or English templates (language='en')"
                    )
                raise ValueError(
                    f"labels {first[key]!r} and {label!r} give the same statement in "
                    f"{template!r} ({text!r}{how}), so the model scores them "
                    f"identically and neither can win; {fix}"
                )


def restrict_template(template: Template, labels: Sequence[Any]) -> Template:
    """``template`` with exactly ``labels`` (sorted ``classes_``), in that order.

    Raises
    ------
    ValueError
        If a label has no statement in a template without a ``{label}`` slot.
    """
    missing = [
        lab for lab in labels if lab not in template.patterns and not template.is_open
    ]
    if missing:
        raise ValueError(
            f"label(s) {missing} have no statement in {template!r} (its labels: "
            f"{list(template.labels)}); pass labels= a subset of them, or use a "
            "template with a {label} slot"
        )
    return template.with_labels(labels)


def fit_labels(
    templates: Sequence[Template],
    labels: Any,
    y: Any,
    X: Any,
    *,
    multi_label: bool = False,
    label_words: bool = True,
) -> tuple[list[Any], list[Any], list[Template], Any]:
    """The labels of a zero-shot classifier's ``fit``, checked.

    Parameters
    ----------
    templates : sequence of Template
    labels : array-like or None
        The classifier's ``labels`` parameter.
    y : array-like or None
        ``fit``'s labels (checked by :func:`check_labels` unless
        ``multi_label``).
    X : any
        ``fit``'s examples (their count is checked against ``y``).
    multi_label : bool, default=False
    label_words : bool, default=True
        Check that registered open templates get words, not numbers
        (:func:`check_label_words`).

    Returns
    -------
    given : list
        The candidate labels in their given order (``template_labels_``).
    classes : list
        The same, sorted (``classes_``).
    templates : list of Template
        ``templates`` with exactly ``classes`` as labels.
    y : ndarray or None
        ``y`` as checked (1-D).

    Raises
    ------
    TypeError, ValueError
        See :func:`check_labels`, :func:`candidate_labels`,
        :func:`restrict_template` and :func:`check_label_words`.
    """
    if y is not None and not multi_label:
        y = check_labels(y, X)
    given = candidate_labels(labels, templates[0], y, multi_label)
    classes = sorted(given)
    resolved = [restrict_template(t, classes) for t in templates]
    if label_words:
        check_label_words(resolved, classes)
    return given, classes, resolved, y
