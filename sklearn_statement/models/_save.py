"""Saving a statement model as a plain transformers directory, with its record and card.

:func:`save_statement_model` writes what a tuner's ``save_pretrained`` needs:
the model (a peft adapter, or LoRA merged into full weights), its tokenizer,
the tuner's record (``statement_tuner.json``: base model, parameters,
training statistics and families, recipe, history, scores, evaluation), the
templates and a model card. What goes into the record is the tuner's
business; the files are this module's. :func:`record_evaluation` adds an
evaluation to a saved model's record and card.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..utils import quiet_transformers
from ._card import evaluation_record, write_model_card
from ._layout import TEMPLATES, TUNER_RECORD
from ._peft import is_peft
from ._tokenizers import save_tokenizer

__all__ = ["SAVED_PARAMS", "record_evaluation", "save_statement_model"]

#: Tuner parameters written to ``statement_tuner.json`` and restored by ``from_pretrained``.
SAVED_PARAMS = (
    "max_length",
    "batch_size",
    "max_epochs",
    "lr",
    "peft",
    "precision",
    "group_by_length",
)


def _check_target(path: Path, overwrite: bool) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())) and not overwrite:
        raise FileExistsError(
            f"{path} exists and is not empty; pass overwrite=True to replace its files"
        )


def _merged(model: Any) -> Any:
    """A copy of a LoRA model with its adapters merged into the base weights."""
    if model.peft_config[model.active_adapter].is_prompt_learning:
        raise ValueError(
            "merge=True works for LoRA adapters only; soft prompts cannot be merged"
        )
    return copy.deepcopy(model).merge_and_unload()


def save_statement_model(
    directory: str | os.PathLike,
    model: Any,
    tokenizer: Any,
    record: Mapping[str, Any],
    *,
    merge: bool = False,
    overwrite: bool = False,
    templates: Sequence[Any] | None = None,
    quiet: bool = True,
    model_id: str | None = None,
) -> Path:
    """Write a statement model, its tokenizer, record, templates and model card.

    Parameters
    ----------
    directory : str or os.PathLike
    model : transformers.PreTrainedModel or peft.PeftModel
    tokenizer : transformers tokenizer
    record : mapping
        The content of ``statement_tuner.json`` (``base_model``, ``params``,
        ``training_stats``, ``trained_families``, ``history``, ``scores``...);
        with ``merge``, ``params["peft"]`` is written as None.
    merge : bool, default=False
        Merge LoRA adapters into the base weights (a full model, loadable
        without peft).
    overwrite : bool, default=False
        Replace files in a non-empty directory.
    templates : sequence of Template, optional
        Written to ``templates.json`` and named in the record.
    quiet : bool, default=True
        Hide transformers' saving messages.
    model_id : str, optional
        The hub id the model card's code loads (``push_to_hub`` gives the
        repo id).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileExistsError
        If the directory is not empty and ``overwrite`` is False.
    ValueError
        If ``merge=True`` for a soft-prompt model (prompts cannot merge).
    """
    path = Path(directory)
    _check_target(path, overwrite)
    if merge and is_peft(model):
        model = _merged(model)
    path.mkdir(parents=True, exist_ok=True)
    with quiet_transformers(quiet):
        model.save_pretrained(path, safe_serialization=True)
        save_tokenizer(tokenizer, path)
    info = dict(record)
    if merge:
        info["params"] = {**info.get("params", {}), "peft": None}
    info["templates"] = [
        f"{t.dataset or t.task}/{t.language}/{t.name}" for t in templates or []
    ]
    _write_record(path, info)
    if templates:
        with open(path / TEMPLATES, "w", encoding="utf-8") as f:
            json.dump(
                [t.to_dict() for t in templates],
                f,
                indent=2,
                ensure_ascii=False,
                default=str,
            )
    write_model_card(path, info, adapter=is_peft(model), model_id=model_id)
    return path


def _write_record(path: Path, info: Mapping[str, Any]) -> None:
    with open(path / TUNER_RECORD, "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2, default=str)


def record_evaluation(
    directory: str | os.PathLike, evaluation: Any, *, model_id: str | None = None
) -> Path:
    """Add an evaluation to a saved model: its record and its model card.

    Parameters
    ----------
    directory : str or os.PathLike
        A directory written by ``StatementTuner.save_pretrained``.
    evaluation : sequence of dict, mapping, str or os.PathLike
        Rows of ``evaluate_zero_shot`` or a report (see
        :func:`~sklearn_statement.models.evaluation_record`).
    model_id : str, optional
        The hub id the card's code loads.

    Returns
    -------
    pathlib.Path
        The model card.

    Raises
    ------
    FileNotFoundError
        If the directory has no ``statement_tuner.json``.
    ValueError
        If the evaluation cannot be read (see ``evaluation_record``).
    """
    path = Path(directory)
    if not (path / TUNER_RECORD).is_file():
        raise FileNotFoundError(
            f"{path} has no {TUNER_RECORD}: save the model with "
            "StatementTuner.save_pretrained first"
        )
    with open(path / TUNER_RECORD, encoding="utf-8") as f:
        info = json.load(f)
    info["evaluation"] = evaluation_record(evaluation)
    _write_record(path, info)
    return write_model_card(path, info, model_id=model_id)
