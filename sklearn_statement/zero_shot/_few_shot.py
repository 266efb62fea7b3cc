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


def few_shot_tuner(
    model: Any,
    statements: Sequence[str],
    targets: np.ndarray,
    *,
    epochs: int,
    lr: float,
    random_state: Any,
    device: Any,
    precision: str,
    max_length: int,
) -> Any:
    """Statement-tune a copy of ``model`` on few-shot statements.

    Parameters
    ----------
    model : StatementTuner or str
        A fitted tuner (copied, never modified) or a model directory / hub id.
    statements : sequence of str
    targets : ndarray of {0, 1}
    epochs, lr : int, float
        ``max_epochs`` and ``lr`` of the few-shot tuning.
    random_state : int, RandomState or None
    device, precision : str
        For a model loaded from a directory (a tuner keeps its own).
    max_length : int
        Token budget, for a model loaded from a directory.

    Returns
    -------
    StatementTuner
        A fitted tuner; the model given is left untouched.
    """
    from ..training import StatementTuner

    seed = random_state
    if seed is not None and not isinstance(seed, (int, np.integer)):
        seed = int(check_random_state(seed).randint(2**31 - 1))
    params = {"max_epochs": epochs, "lr": lr, "verbose": 0, "random_state": seed}
    if isinstance(model, StatementTuner):
        tuner = copy.deepcopy(model)
        tuner.set_params(warm_start=True, **params)
        tuner.initialize_callbacks()  # drop the progress bar of a verbose original
    else:
        tuner = StatementTuner(
            os.fspath(model),
            max_length=max_length,
            device=device,
            precision=precision,
            **params,
        )
    return tuner.fit(list(statements), targets)
