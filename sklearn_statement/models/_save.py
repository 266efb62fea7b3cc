"""Saving a fitted :class:`StatementTuner` as a plain transformers directory."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..utils import quiet_transformers
from ._card import write_model_card
from ._load import CONFIG_NAME
from ._peft import is_peft
from ._tokenizers import save_tokenizer

__all__ = ["save_tuner", "SAVED_PARAMS", "TEMPLATES_NAME"]

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
#: File listing the templates that built the training statements.
TEMPLATES_NAME = "templates.json"


def save_tuner(
    tuner: Any,
    save_directory: str | os.PathLike,
    *,
    merge: bool,
    overwrite: bool,
    scores: dict[str, Any] | None,
    templates: Sequence[Any] | None,
) -> Path:
    """Write a fitted tuner's model, tokenizer, parameters, templates and card.

    See :meth:`StatementTuner.save_pretrained` for the parameters (and
    their defaults).
    """
    path = Path(save_directory)
    if path.exists() and (not path.is_dir() or any(path.iterdir())) and not overwrite:
        raise FileExistsError(
            f"{path} exists and is not empty; pass overwrite=True to replace its files"
        )
    model = tuner.module_
    if merge and is_peft(model):
        if model.peft_config[model.active_adapter].is_prompt_learning:
            raise ValueError(
                "merge=True works for LoRA adapters only; soft prompts cannot be merged"
            )
        model = copy.deepcopy(model).merge_and_unload()
    path.mkdir(parents=True, exist_ok=True)
    with quiet_transformers(not getattr(tuner, "verbose", 0)):
        model.save_pretrained(path, safe_serialization=True)
        save_tokenizer(tuner.tokenizer_, path)
    params = {k: getattr(tuner, k) for k in SAVED_PARAMS}
    if merge:
        params["peft"] = None
    history = tuner.history_ or []
    info = {
        "base_model": os.fspath(tuner.model),
        "params": params,
        "training_stats": getattr(tuner, "training_stats_", None),
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
        "templates": [
            f"{t.dataset or t.task}/{t.language}/{t.name}" for t in templates or []
        ],
    }
    with open(path / CONFIG_NAME, "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2, default=str)
    if templates:
        with open(path / TEMPLATES_NAME, "w", encoding="utf-8") as f:
            json.dump(
                [t.to_dict() for t in templates],
                f,
                indent=2,
                ensure_ascii=False,
                default=str,
            )
    write_model_card(path, info, adapter=is_peft(model))
    return path
