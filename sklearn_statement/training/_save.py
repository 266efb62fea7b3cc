"""What a tuner writes with ``save_pretrained``, and how it shares it with ``push_to_hub``.

:func:`tuner_record` is the content of ``statement_tuner.json`` (the hub
model it was tuned from, parameters and settings, training statistics and
task families, the recipe of its data, history, measured scores and
evaluation); the files themselves are written by
:func:`sklearn_statement.models.save_statement_model`, and
:func:`push_tuner` uploads them with
:func:`sklearn_statement.models.push_model_dir`.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..models import (
    SAVED_PARAMS,
    base_model_origin,
    evaluation_record,
    hub_token,
    push_model_dir,
    save_statement_model,
)

__all__ = ["RECORDED_SETTINGS", "push_tuner", "save_tuner", "tuner_record"]

#: Tuner settings recorded (for the model card) but not restored by
#: ``from_pretrained``: a loaded model keeps training with the caller's choices.
RECORDED_SETTINGS = (
    "objective",
    "random_state",
    "gradient_accumulation_steps",
    "max_grad_norm",
    "early_stopping",
)


def _recipe_record(recipe: Any) -> dict[str, Any] | None:
    """A recipe (``sklearn_statement.recipes.Recipe`` or a mapping) as a plain dict."""
    if recipe is None:
        return None
    if dataclasses.is_dataclass(recipe) and not isinstance(recipe, type):
        recipe = dataclasses.asdict(recipe)
    if not isinstance(recipe, Mapping):
        raise TypeError(
            "recipe must be a Recipe or a mapping (tasks, languages, "
            f"exclude_families, n_per_task...), got {type(recipe).__name__}"
        )
    return {k: list(v) if isinstance(v, tuple) else v for k, v in dict(recipe).items()}


def _settings(tuner: Any) -> dict[str, Any]:
    settings = {k: getattr(tuner, k, None) for k in RECORDED_SETTINGS}
    settings["optimizer"] = getattr(tuner.optimizer, "__name__", str(tuner.optimizer))
    settings["peft_options"] = tuner.get_params_for("peft")
    return settings


def tuner_record(
    tuner: Any,
    *,
    scores: dict[str, Any] | None = None,
    trained_families: Sequence[str] | None = None,
    templates: Sequence[Any] | None = None,
    recipe: Any = None,
    evaluation: Any = None,
) -> dict[str, Any]:
    """The content of ``statement_tuner.json`` for a fitted tuner.

    ``trained_families`` default to the task families of ``templates``, else
    of the statement table ``fit`` got (None, "unknown", without either). ``base_model`` is a hub id or None,
    never a local path (:func:`~sklearn_statement.models.base_model_origin`).
    """
    data = getattr(tuner, "training_data_", None) or {}
    if trained_families is None and templates:
        trained_families = [t.task for t in templates]
    if trained_families is None:
        trained_families = data.get("families")
    if isinstance(trained_families, str):
        raise TypeError(
            f"trained_families must be a list of task families, got the string "
            f"{trained_families!r}; e.g. trained_families=[{trained_families!r}]"
        )
    history = tuner.history_ or []
    origin = base_model_origin(tuner.model)
    return {
        "base_model": origin.hub_id,
        "base_model_note": origin.note,
        "params": {k: getattr(tuner, k) for k in SAVED_PARAMS},
        "settings": _settings(tuner),
        "training_stats": getattr(tuner, "training_stats_", None),
        "trained_families": None
        if trained_families is None
        else sorted({str(f) for f in trained_families}),
        "training_data": data or None,
        "recipe": _recipe_record(recipe),
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
        "evaluation": evaluation_record(evaluation),
    }


def save_tuner(
    tuner: Any,
    save_directory: str | os.PathLike,
    *,
    merge: bool = False,
    overwrite: bool = False,
    templates: Sequence[Any] | None = None,
    model_id: str | None = None,
    **record: Any,
) -> Path:
    """Write a fitted tuner's model, tokenizer, record, templates and card.

    ``record``: ``scores``, ``trained_families``, ``recipe`` and
    ``evaluation`` (:func:`tuner_record`); ``model_id``: the hub id the
    card's code loads. See :meth:`StatementTuner.save_pretrained` for the
    parameters.
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
        model_id=model_id,
    )


def push_tuner(
    tuner: Any,
    repo_id: str,
    *,
    save_directory: str | os.PathLike | None = None,
    token: str | None = None,
    hub: Mapping[str, Any] | None = None,
    **save: Any,
) -> str:
    """Save a fitted tuner (into ``save_directory`` or a temporary one) and push it.

    The token is looked up first, so that nothing is written or sent
    without one. ``hub``: ``private``, ``commit_message``, ``exist_ok``,
    ``revision``, ``create_pr`` of :func:`~sklearn_statement.models.push_model_dir`;
    ``save``: the options of :func:`save_tuner`. See
    :meth:`StatementTuner.push_to_hub`.
    """
    token = hub_token(token)
    save.setdefault("model_id", repo_id)
    with tempfile.TemporaryDirectory(prefix="sklearn-statement-push-") as tmp:
        directory = save_tuner(tuner, save_directory or tmp, **save)
        return push_model_dir(directory, repo_id, token=token, **(hub or {}))
