"""Few-shot adaptation: the labeled examples, their templates, and full-model tuning.

The few-shot setting of Statement-Tuning (arXiv 2404.12897, Sec. 5.3): the k
labeled examples of a new task are turned into statements with the task's
template (the gold label's statement is true, every other label's is false)
and statement tuning continues on them (:func:`few_shot_statements`,
:func:`few_shot_tuner`: ``ZeroShotStatementClassifier(few_shot=True)`` and
``FewShotStatementClassifier(method="full")``). What the soft-prompt variant
shares with it is here too: the k examples per class (:func:`select_shots`),
the templates of several languages (:func:`few_shot_templates`) and the seed
(:func:`few_shot_seed`).
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from sklearn.utils import check_random_state

from template_registry import (
    Template,
    get_template,
    list_templates,
    normalize_language,
    render_statements,
)

from ._templates import scoring_templates

__all__ = [
    "few_shot_seed",
    "few_shot_statements",
    "few_shot_templates",
    "few_shot_tuner",
    "seeded",
    "select_shots",
]


@contextlib.contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Run a block with torch's generators (CPU and CUDA) seeded, then restore them.

    Dropout and the example order of few-shot training draw from torch's
    global generators; seeding them inside this block makes a fit
    reproducible without changing the caller's random state. None: not
    seeded (but still restored).
    """
    devices = (
        list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    )
    with torch.random.fork_rng(devices=devices):
        if seed is not None:
            torch.manual_seed(seed)
        yield


def few_shot_seed(random_state: Any) -> int | None:
    """An integer seed from ``random_state`` (an int stays as it is; None stays None)."""
    if random_state is None or isinstance(random_state, (int, np.integer)):
        return None if random_state is None else int(random_state)
    return int(check_random_state(random_state).randint(2**31 - 1))


def few_shot_templates(template: Any, languages: Any) -> list[Template]:
    """The templates of a few-shot classifier: a task's template in each language.

    Parameters
    ----------
    template : str, Template, dict or list of them
        A registered task name gives its (first) template in each of
        ``languages``; anything else is taken as it is (a list: averaged).
    languages : sequence of str
        Language codes (ISO 639-1/639-3 or FLORES-200, normalised; repeats
        dropped).

    Returns
    -------
    list of Template
        One per language for a task name.

    Raises
    ------
    TypeError
        If ``languages`` is a single string.
    ValueError
        If ``languages`` is empty, a language has no native template of the
        task (the message lists those that do), or several languages come
        with a ``Template``, dict or list.
    """
    if isinstance(languages, (str, bytes)):
        raise TypeError(
            f"languages must be a list of language codes, got the string {languages!r}; "
            f"e.g. languages=[{languages!r}]"
        )
    codes = list(dict.fromkeys(normalize_language(str(code)) for code in languages))
    if not codes:
        raise ValueError("languages is empty; give at least one language, e.g. ['en']")
    if not isinstance(template, str):
        if len(codes) > 1:
            raise ValueError(
                f"languages={codes} picks a registered task's template per language, "
                f"but template is a {type(template).__name__}; pass the task name, or "
                "a list of templates (one per language: their true-logits are averaged)"
            )
        return scoring_templates(template, codes[0])
    out = []
    for code in codes:
        found = get_template(template, language=code)
        if found.language != code:
            native = sorted({t.language for t in list_templates(template)})
            raise ValueError(
                f"the task {template!r} has no template in language {code!r} (it would "
                f"fall back to English); languages with one: {native}"
            )
        out.append(found)
    return out


def select_shots(
    y: np.ndarray, classes: Sequence[Any], shots: int | None, seed: int | None
) -> np.ndarray:
    """Indices of ``shots`` examples of each class, drawn with ``seed``, in input order.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Checked labels.
    classes : sequence
        The classifier's classes (at least two).
    shots : int or None
        Examples per class; a class with more is subsampled (without
        replacement). None keeps every example.
    seed : int or None

    Returns
    -------
    ndarray of int64
        Sorted indices into ``y``.

    Raises
    ------
    ValueError
        If there are fewer than two classes, ``y`` holds a label that is not
        a class, or a class has fewer than ``shots`` examples (or none).
    """
    if len(classes) < 2:
        raise ValueError(
            f"few-shot classification needs at least two classes, got {list(classes)}"
        )
    known = set(classes)
    unknown = sorted({repr(v) for v in y.tolist() if v not in known})
    if unknown:
        raise ValueError(
            f"y has label(s) {unknown} that are not classes {list(classes)}"
        )
    rng = np.random.default_rng(seed)
    need = 1 if shots is None else shots
    chosen = []
    for label in classes:
        rows = np.flatnonzero(y == label)
        if len(rows) < need:
            raise ValueError(
                f"class {label!r} has {len(rows)} labeled example(s); shots={shots} "
                "needs that many of every class (lower shots, or give more examples)"
            )
        chosen.append(rows if shots is None else rng.choice(rows, shots, replace=False))
    return np.sort(np.concatenate(chosen)).astype(np.int64)


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
    n_examples: int | None = None,
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
    n_examples : int, optional
        Number of labeled examples, when ``statements`` holds each example's
        statements as one block, in :func:`few_shot_statements`' order:
        every block becomes one ``example_id``, so that an example's true and
        false statements share a batch (the tuner's example-grouped
        batching). Without it the statements are batched at random.

    Returns
    -------
    StatementTuner
        A fitted tuner; the model given is left untouched.

    Raises
    ------
    ValueError
        If ``len(statements)`` is not a multiple of ``n_examples``.
    """
    from ..training import StatementTuner

    example_id = None
    if n_examples is not None:
        per_example, rest = (
            divmod(len(statements), n_examples) if n_examples >= 1 else (0, 1)
        )
        if rest or not per_example:
            raise ValueError(
                f"{len(statements)} statements are not {n_examples} blocks of equal "
                "size; pass the statements of few_shot_statements unchanged"
            )
        example_id = np.repeat(np.arange(n_examples), per_example)
    seed = few_shot_seed(random_state)
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
    return tuner.fit(list(statements), targets, example_id=example_id)
