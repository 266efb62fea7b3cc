"""Few-shot adaptation: statement-tune a copy of the model on labeled examples.

The few-shot setting of Statement-Tuning (arXiv 2404.12897, Sec. 5.3): the k
labeled examples of a new task are turned into statements with the task's
template (the gold label's statement is true, every other label's is false)
and statement tuning continues on them.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.utils import check_random_state

from template_registry import Template, render_statements

__all__ = ["few_shot_statements", "few_shot_tuner"]


def few_shot_statements(
    templates: Sequence[Template],
    examples: Sequence[Mapping[str, Any]],
    y: Any,
    *,
    tokenizer: Any = None,
    max_length: int | None = None,
) -> tuple[list[str], np.ndarray]:
    """All statements of the labeled examples with their truth values.

    Example ``i`` uses template ``templates[i % len(templates)]``, so an
    ensemble's variants share the examples.

    Parameters
    ----------
    templates : sequence of Template
        Templates with the classifier's labels.
    examples : sequence of mapping
        Validated examples (see ``check_examples``).
    y : array-like of shape (n_examples,)
        Gold labels, each one of the templates' labels.
    tokenizer, max_length : optional
        Fit statements into the token budget by truncating input fields.

    Returns
    -------
    statements : list of str, length n_examples * n_labels
    targets : ndarray of int64
        1 for the gold label's statement, 0 for the others.

    Raises
    ------
    ValueError
        If ``y`` has a different length or a label that is not a class.
    """
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != len(examples):
        raise ValueError(
            f"y must be 1-D with one label per example ({len(examples)}), got shape {y.shape}"
        )
    labels: list[Hashable] = list(templates[0].labels)
    unknown = sorted({repr(v) for v in y.tolist() if v not in labels})
    if unknown:
        raise ValueError(f"y has label(s) {unknown} that are not classes {labels}")
    statements: list[str] = []
    targets: list[int] = []
    for i, (example, gold) in enumerate(zip(examples, y.tolist())):
        template = templates[i % len(templates)]
        rendered, _ = render_statements(
            template, [example], tokenizer=tokenizer, max_length=max_length
        )
        for label, text in rendered[0].items():
            statements.append(text)
            targets.append(int(label == gold))
    return statements, np.asarray(targets, dtype=np.int64)


def few_shot_tuner(clf: Any, statements: Sequence[str], targets: np.ndarray) -> Any:
    """Statement-tune a copy of ``clf``'s model on few-shot statements.

    Parameters
    ----------
    clf : ZeroShotStatementClassifier
        The classifier being fitted (its ``model``, ``few_shot_epochs``,
        ``few_shot_lr``, ``random_state``, ``device``, ``precision`` and
        ``max_length_`` are used).
    statements : sequence of str
    targets : ndarray of {0, 1}

    Returns
    -------
    StatementTuner
        A fitted tuner; the model given to ``clf`` is left untouched.
    """
    from ..training import StatementTuner
    from ..utils import unwrap_frozen

    base = unwrap_frozen(clf.model)
    seed = clf.random_state
    if seed is not None and not isinstance(seed, (int, np.integer)):
        seed = int(check_random_state(seed).randint(2**31 - 1))
    params = {
        "max_epochs": clf.few_shot_epochs,
        "lr": clf.few_shot_lr,
        "verbose": 0,
        "random_state": seed,
    }
    if isinstance(base, StatementTuner):
        tuner = copy.deepcopy(base)
        tuner.set_params(warm_start=True, **params)
        tuner.initialize_callbacks()  # drop the progress bar of a verbose original
    else:
        tuner = StatementTuner(
            os.fspath(base),
            max_length=clf.max_length_,
            device=clf.device,
            precision=clf.precision,
            **params,
        )
    return tuner.fit(list(statements), targets)
