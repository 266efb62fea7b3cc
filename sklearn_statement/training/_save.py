"""What a tuner writes with ``save_pretrained``: its record, then the model's files.

:func:`tuner_record` is the content of ``statement_tuner.json`` (parameters,
training statistics and task families, history, measured scores); the files
themselves are written by :func:`sklearn_statement.models.save_statement_model`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..models import SAVED_PARAMS, save_statement_model

__all__ = ["save_tuner", "tuner_record"]


def tuner_record(
    tuner: Any,
    *,
    scores: dict[str, Any] | None = None,
    trained_families: Sequence[str] | None = None,
    templates: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """The content of ``statement_tuner.json`` for a fitted tuner.

    ``trained_families`` default to the task families of ``templates``
    (None, "unknown", without either).
    """
    if trained_families is None and templates:
        trained_families = [t.task for t in templates]
    if isinstance(trained_families, str):
        raise TypeError(
            f"trained_families must be a list of task families, got the string "
            f"{trained_families!r}; e.g. trained_families=[{trained_families!r}]"
        )
    history = tuner.history_ or []
    return {
        "base_model": os.fspath(tuner.model),
        "params": {k: getattr(tuner, k) for k in SAVED_PARAMS},
        "training_stats": getattr(tuner, "training_stats_", None),
        "trained_families": None
        if trained_families is None
        else sorted({str(f) for f in trained_families}),
        "epochs_trained": len(history),
        "history": [
            {
                k: row[k]
                for k in ("epoch", "train_loss", "valid_loss", "dur")
                if k in row
            }
            for row in history
        ],
        "scores": scores or {},
    }


def save_tuner(
    tuner: Any,
    save_directory: str | os.PathLike,
    *,
    merge: bool = False,
    overwrite: bool = False,
    templates: Sequence[Any] | None = None,
    **record: Any,
) -> Path:
    """Write a fitted tuner's model, tokenizer, record, templates and card.

    ``record``: ``scores`` and ``trained_families`` (:func:`tuner_record`).
    See :meth:`StatementTuner.save_pretrained` for the parameters.
    """
    return save_statement_model(
        save_directory,
        tuner.module_,
        tuner.tokenizer_,
        tuner_record(tuner, templates=templates, **record),
        merge=merge,
        overwrite=overwrite,
        templates=templates,
        quiet=not getattr(tuner, "verbose", 0),
    )
