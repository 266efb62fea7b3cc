"""Saving a statement model as a plain transformers directory, with its record and card.

:func:`save_statement_model` writes what a tuner's ``save_pretrained`` needs:
the model (a peft adapter, or LoRA merged into full weights), its tokenizer,
the tuner's record (``statement_tuner.json``: parameters, training statistics
and families, history, scores), the templates and a model card. What goes into
the record is the tuner's business; the files are this module's.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..utils import quiet_transformers
from ._card import write_model_card
from ._layout import TEMPLATES, TUNER_RECORD
from ._peft import is_peft
from ._tokenizers import save_tokenizer

__all__ = ["SAVED_PARAMS", "save_statement_model"]

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
    with open(path / TUNER_RECORD, "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2, default=str)
    if templates:
        with open(path / TEMPLATES, "w", encoding="utf-8") as f:
            json.dump(
                [t.to_dict() for t in templates],
                f,
                indent=2,
                ensure_ascii=False,
                default=str,
            )
    write_model_card(path, info, adapter=is_peft(model))
    return path
