"""Parameter-efficient fine-tuning: peft configs (LoRA, prompt tuning) and QLoRA's 4-bit load."""

from __future__ import annotations

from typing import Any

__all__ = ["bitsandbytes_config", "is_peft", "peft_config_for", "with_peft"]

# LoRA target modules per architecture (attention query/value projections, as
# in Hu et al. 2021, Sec. 7.1); other architectures use peft's own defaults.
LORA_TARGETS = {
    "bert": ["query", "value"],
    "xlm-roberta": ["query", "value"],
    "roberta": ["query", "value"],
    "deberta-v2": ["query_proj", "value_proj"],
}
# Newly initialised head modules that must be trained (and saved) with PEFT.
HEAD_MODULES = {"deberta-v2": ["classifier", "pooler"]}


def is_peft(model: Any) -> bool:
    """Whether ``model`` is a ``peft.PeftModel``."""
    try:
        from peft import PeftModel
    except ImportError:  # pragma: no cover - peft is a dependency
        return False
    return isinstance(model, PeftModel)


def peft_config_for(kind: str, model_type: str, options: dict[str, Any]) -> Any:
    """Build the peft config for ``peft="lora"|"qlora"|"prompt"``.

    Parameters
    ----------
    kind : {"lora", "qlora", "prompt"}
    model_type : str
        ``config.model_type`` of the base model (picks LoRA targets).
    options : dict
        Overrides (``r``, ``lora_alpha``, ``lora_dropout``,
        ``target_modules``, ``num_virtual_tokens``…), from ``peft__*``
        parameters.

    Returns
    -------
    peft.PeftConfig
    """
    from peft import LoraConfig, PromptTuningConfig, TaskType

    options = dict(options)
    if kind in ("lora", "qlora"):
        defaults = {"r": 8, "lora_alpha": 16, "lora_dropout": 0.1}
        if model_type in LORA_TARGETS:
            defaults["target_modules"] = LORA_TARGETS[model_type]
        if model_type in HEAD_MODULES:
            defaults["modules_to_save"] = HEAD_MODULES[model_type]
        return LoraConfig(task_type=TaskType.SEQ_CLS, **{**defaults, **options})
    if kind == "prompt":
        defaults = {"num_virtual_tokens": 20}
        if model_type in HEAD_MODULES:
            defaults["modules_to_save"] = HEAD_MODULES[model_type]
        return PromptTuningConfig(task_type=TaskType.SEQ_CLS, **{**defaults, **options})
    raise ValueError(f"peft must be None, 'lora', 'qlora' or 'prompt', got {kind!r}")


def bitsandbytes_config() -> Any:
    """4-bit NF4 quantisation with double quantisation (QLoRA, Dettmers et al., 2023, Sec. 3).

    Raises
    ------
    ImportError
        If bitsandbytes is not installed (the ``gpu`` extra).
    """
    import torch
    from transformers import BitsAndBytesConfig

    from ..utils import require

    require("bitsandbytes", "peft='qlora' (on a CPU, use peft='lora')")

    dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=dtype,
    )


def with_peft(model: Any, kind: str | None, options: dict[str, Any]) -> Any:
    """``model`` wrapped for ``peft=kind`` (None, or a peft model already: as it is).

    QLoRA prepares the 4-bit model for training first
    (``prepare_model_for_kbit_training``); ``options`` are the ``peft__*``
    parameters (see :func:`peft_config_for`).
    """
    if kind is None or is_peft(model):
        return model
    from peft import get_peft_model, prepare_model_for_kbit_training

    if kind == "qlora":
        model = prepare_model_for_kbit_training(model)
    return get_peft_model(
        model, peft_config_for(kind, model.config.model_type, options)
    )


def freeze_word_embeddings(model: Any) -> int:
    """Stop training a model's word-embedding matrix (``requires_grad=False``).

    Parameters
    ----------
    model : torch.nn.Module
        A transformers model, or a peft model wrapping one.

    Returns
    -------
    int
        The number of parameters frozen (0 if the model has no parameter
        named ``*word_embeddings.weight``).
    """
    frozen = 0
    for name, param in model.named_parameters():
        if name.endswith("word_embeddings.weight") and param.requires_grad:
            param.requires_grad_(False)
            frozen += param.numel()
    return frozen
