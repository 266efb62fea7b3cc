"""Zero-shot evaluation of a statement model over datasets and languages."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from datasets_builders import load_task

from ._zero_shot import ZeroShotStatementClassifier

__all__ = ["evaluate_zero_shot", "format_table"]


def _subsample(ds: Any, max_samples: int | None, random_state: int) -> Any:
    if max_samples is None or len(ds) <= max_samples:
        return ds
    rng = np.random.default_rng(random_state)
    idx = np.sort(rng.choice(len(ds), size=max_samples, replace=False))
    return ds.select(idx.tolist())


def evaluate_zero_shot(
    model: Any,
    suite: Iterable[tuple[str, str, str]],
    *,
    data_dir: str | os.PathLike | None = None,
    max_samples: int | None = None,
    template_language: str | None = "en",
    template_name: str | None = None,
    batch_size: int = 64,
    max_length: int | None = None,
    precision: str = "auto",
    random_state: int = 0,
    progress_bar: bool = False,
    trained_families: Sequence[str] | None = None,
    callback: Any = None,
) -> list[dict[str, Any]]:
    """Zero-shot accuracy of a statement model on (dataset, language, split) triples.

    Parameters
    ----------
    model : StatementTuner, FrozenEstimator, str
        Anything :class:`ZeroShotStatementClassifier` accepts as ``model``.
    suite : iterable of (str, str, str)
        ``(dataset, language, split)`` triples (see
        :func:`datasets_builders.load_task`).
    data_dir : str or PathLike, optional
        Local data directory; None loads from the hub.
    max_samples : int, optional
        Evaluate a random subset of at most this many examples per triple
        (seeded by ``random_state``).
    template_language : str or None, default="en"
        Language of the templates; None uses each dataset's own language
        (native templates where the registry has them, else English).
    template_name : str, optional
        Template variant (default: the registry's first one).
    batch_size, max_length, precision, progress_bar
        Passed to :class:`ZeroShotStatementClassifier`.
    random_state : int, default=0
    trained_families : sequence of str, optional
        Task families in the model's training data; each row records
        whether its family was unseen (``held_out``), so tables can say which
        results are zero-shot on an unseen task and which only on an unseen
        dataset of a seen family.
    callback : callable, optional
        Called with each result row as soon as it is ready.

    Returns
    -------
    list of dict
        One row per triple: ``dataset``, ``language``, ``split``, ``n``,
        ``accuracy``, ``macro_f1``, ``majority`` (accuracy of always
        predicting the most frequent gold label of the evaluated rows),
        ``n_classes``, ``template`` (name and language), ``held_out``,
        ``seconds``.
    """
    from template_registry import dataset_info, get_template

    rows = []
    for dataset, language, split in suite:
        start = time.perf_counter()
        ds = _subsample(
            load_task(dataset, language=language, split=split, data_dir=data_dir),
            max_samples,
            random_state,
        )
        template = dataset
        if template_name is not None:
            template = get_template(
                dataset, language=template_language or language, name=template_name
            )
        clf = ZeroShotStatementClassifier(
            model,
            template=template,
            language=template_language or language,
            batch_size=batch_size,
            max_length=max_length,
            precision=precision,
            progress_bar=progress_bar,
        )
        clf.fit(ds)
        gold = np.asarray(ds["label"])
        pred = clf.predict(ds)
        counts = Counter(gold.tolist())
        family = dataset_info(dataset)["family"]
        row = {
            "dataset": dataset,
            "language": language,
            "split": split,
            "n": len(ds),
            "accuracy": float(accuracy_score(gold, pred)),
            "macro_f1": float(
                f1_score(
                    gold, pred, average="macro", labels=clf.classes_, zero_division=0
                )
            ),
            "majority": max(counts.values()) / len(gold),
            "n_classes": len(clf.classes_),
            "template": f"{clf.template_.name} ({clf.template_.language})",
            "family": family,
            "held_out": None
            if trained_families is None
            else family not in trained_families,
            "seconds": round(time.perf_counter() - start, 2),
        }
        rows.append(row)
        if callback is not None:
            callback(row)
    return rows


def format_table(rows: Sequence[dict[str, Any]], markdown: bool = True) -> str:
    """Render evaluation rows as a (markdown) table.

    Columns: dataset, language, n, accuracy, majority baseline, macro-F1,
    and whether the task family was absent from training.
    """
    head = [
        "dataset",
        "language",
        "n",
        "accuracy",
        "majority",
        "macro-F1",
        "unseen task family",
    ]
    body = [
        [
            r["dataset"],
            r["language"],
            str(r["n"]),
            f"{100 * r['accuracy']:.1f}",
            f"{100 * r['majority']:.1f}",
            f"{100 * r['macro_f1']:.1f}",
            {True: "yes", False: "no", None: "?"}[r.get("held_out")],
        ]
        for r in rows
    ]
    widths = [
        max(len(h), *(len(b[i]) for b in body)) if body else len(h)
        for i, h in enumerate(head)
    ]
    fmt = (
        (
            lambda cells: (
                "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
            )
        )
        if markdown
        else (lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)))
    )
    lines = [fmt(head)]
    if markdown:
        lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += [fmt(b) for b in body]
    return "\n".join(lines)
