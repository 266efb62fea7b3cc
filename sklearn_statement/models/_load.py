"""Loading statement models (transformers + peft), and what their configs say.

A statement model is a transformers sequence-classification model with a
2-way head, label 0 = ``"false"`` and label 1 = ``"true"``, saved as a plain
transformers directory (``config.json``, ``model.safetensors``, tokenizer
files) or as a peft adapter directory (``adapter_config.json``,
``adapter_model.safetensors``) that names its base model. Local weights are
only read from safetensors files (:func:`sklearn_statement.convert_to_safetensors`
converts pickle-only checkpoints, tensors only); from the hub, transformers
reads safetensors or, failing that, tensors only (``torch.load(weights_only=True)``,
which ``model_kwargs`` cannot turn off). ``trust_remote_code`` is always
False, so loading a model never executes code from it.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._layout import ADAPTER_CONFIG, CONFIG, TOKENIZER_FILES, TUNER_RECORD
from ._tokenizers import load_tokenizer

if TYPE_CHECKING:
    import torch

__all__ = [
    "check_max_length",
    "load_statement_model",
    "model_source",
    "ModelSource",
    "position_limit",
    "true_false_index",
    "saved_params",
    "saved_record",
    "ID2LABEL",
]

ID2LABEL = {0: "false", 1: "true"}
LABEL2ID = {"false": 0, "true": 1}


def _is_local(spec: str) -> bool:
    return Path(spec).expanduser().is_dir()


def looks_like_path(spec: str) -> bool:
    """A spec that cannot be a hub id (``org/name``): absolute, ``./``, ``~``, deeper."""
    return spec.startswith(("/", ".", "~")) or "\\" in spec or spec.count("/") > 1


def _check_tokenizer_files(path: Path) -> None:
    """Refuse a directory without a vocabulary: every token would be unknown."""
    if any((path / name).is_file() for name in TOKENIZER_FILES) or list(
        path.glob("*.model")
    ):
        return
    raise FileNotFoundError(
        f"{path} has no tokenizer vocabulary: none of {list(TOKENIZER_FILES)} is "
        "there, so every token would become unknown and every statement score the "
        "same; copy the tokenizer files next to the weights "
        "(tokenizer.save_pretrained(dir)) or re-save with StatementTuner.save_pretrained"
    )


def _check_local_dir(path: Path) -> None:
    if not (path / CONFIG).exists() and not (path / ADAPTER_CONFIG).exists():
        raise FileNotFoundError(
            f"{path} is not a saved model directory: it has neither {CONFIG} nor {ADAPTER_CONFIG} "
            "(save one with StatementTuner.save_pretrained)"
        )
    if (path / CONFIG).exists() and not (path / ADAPTER_CONFIG).exists():
        if not list(path.glob("*.safetensors")):
            pickles = sorted(p.name for p in path.glob("*.bin"))
            if pickles:
                raise FileNotFoundError(
                    f"{path} has no *.safetensors weights: it holds pickle weights ({', '.join(pickles)}), "
                    "which are never loaded. Convert them once, reading tensors only "
                    "(torch.load(weights_only=True)): sklearn-statement convert "
                    f"{shlex.quote(str(path))} (or sklearn_statement.convert_to_safetensors({str(path)!r}))"
                )
            raise FileNotFoundError(
                f"{path} has no *.safetensors weights; re-save the model with "
                "model.save_pretrained(dir) (transformers writes model.safetensors)"
            )


def _load_adapter(
    model: torch.nn.Module, path: Path, trainable: bool
) -> torch.nn.Module:
    """Wrap ``model`` with the peft adapter saved in ``path``."""
    from peft import PeftConfig, PeftModel

    prompt_learning = PeftConfig.from_pretrained(str(path)).is_prompt_learning
    # peft refuses is_trainable=True for prompt-learning adapters; their prompt
    # (and the saved head) are made trainable by hand below.
    model = PeftModel.from_pretrained(
        model, str(path), is_trainable=trainable and not prompt_learning
    )
    if trainable and prompt_learning:
        for name, param in model.named_parameters():
            if "prompt_encoder" in name or "modules_to_save" in name:
                param.requires_grad_(True)
    return model


def _load_error(spec: str, exc: Exception) -> ValueError:
    return ValueError(
        f"could not load a model from {spec!r}: {type(exc).__name__}: {exc}"
    )


def _base_from_adapter(path: Path) -> str:
    try:
        with open(path / ADAPTER_CONFIG, encoding="utf-8") as f:
            cfg = json.load(f)
    except (OSError, json.JSONDecodeError) as exc:
        raise _load_error(str(path), exc) from exc
    base = cfg.get("base_model_name_or_path")
    if not base:
        raise ValueError(
            f"{path / ADAPTER_CONFIG} does not name its base model (base_model_name_or_path)"
        )
    return base


@dataclass(frozen=True)
class ModelSource:
    """Where a model's files are and what its config says, read before any weights.

    Attributes
    ----------
    spec : str
        The directory or hub id asked for.
    path : pathlib.Path or None
        The local directory (None for a hub id).
    adapter : bool
        Whether ``path`` is a peft adapter directory.
    base : str
        What the config and weights are read from (an adapter's base model).
    config : transformers.PretrainedConfig
    """

    spec: str
    path: Path | None
    adapter: bool
    base: str
    config: Any

    @property
    def has_head(self) -> bool:
        """Whether the checkpoint has a sequence-classification head."""
        return any(
            a.endswith("ForSequenceClassification")
            for a in (self.config.architectures or [])
        )

    @property
    def is_statement_model(self) -> bool:
        """A full model with a 2-way head: loadable as a fitted tuner."""
        return self.has_head and not self.adapter and self.config.num_labels == 2


def model_source(spec: str, **kwargs: Any) -> ModelSource:
    """Check a model directory (or hub id) and read its config.

    Parameters
    ----------
    spec : str
        A local directory (a transformers model or a peft adapter directory)
        or a Hugging Face hub id.
    **kwargs
        Passed to ``AutoConfig.from_pretrained`` (``revision``…);
        ``trust_remote_code`` is always False.

    Returns
    -------
    ModelSource

    Raises
    ------
    TypeError
        If ``spec`` is not a non-empty string.
    FileNotFoundError
        As :func:`load_statement_model` (missing config, safetensors
        weights or tokenizer vocabulary; a path that does not exist).
    ValueError
        If the config cannot be read, or an adapter names no base model.
    """
    from transformers import AutoConfig

    if not isinstance(spec, str) or not spec:
        raise TypeError(
            f"model must be a directory path or a hub id (str), got {spec!r}"
        )
    local = _is_local(spec)
    path = Path(spec).expanduser() if local else None
    adapter = local and (path / ADAPTER_CONFIG).exists()
    if local:
        _check_local_dir(path)
        _check_tokenizer_files(path)
    elif Path(spec).expanduser().exists():
        raise FileNotFoundError(
            f"model {spec!r} is a file, not a model directory; pass the directory "
            "written by StatementTuner.save_pretrained"
        )
    elif looks_like_path(spec):
        raise FileNotFoundError(
            f"model directory {spec!r} does not exist (and it is not a hub id "
            "'org/name'); check the path"
        )
    base = _base_from_adapter(path) if adapter else spec
    try:
        config = AutoConfig.from_pretrained(
            base, **{**kwargs, "trust_remote_code": False}
        )
    except Exception as exc:  # noqa: BLE001 - re-raised with the path
        raise _load_error(base, exc) from exc
    return ModelSource(spec, path, adapter, base, config)


def _head_kwargs(source: ModelSource, new_head: bool) -> dict[str, Any]:
    """``from_pretrained`` arguments that give the model a 2-way (false, true) head."""
    if not source.has_head or source.adapter:
        return {"num_labels": 2, "id2label": ID2LABEL, "label2id": LABEL2ID}
    if new_head and source.config.num_labels != 2:
        # e.g. an NLI head, replaced by a 2-way one
        return {
            "num_labels": 2,
            "id2label": ID2LABEL,
            "label2id": LABEL2ID,
            "ignore_mismatched_sizes": True,
        }
    return {}


def load_statement_model(
    spec: str,
    *,
    new_head: bool = False,
    trainable: bool = False,
    model_kwargs: dict[str, Any] | None = None,
) -> tuple[torch.nn.Module, Any]:
    """Load a statement model and its tokenizer from a directory or the hub.

    Parameters
    ----------
    spec : str
        A local directory (a transformers model or a peft adapter
        directory) or a Hugging Face hub id.
    new_head : bool, default=False
        Allow a checkpoint without a sequence-classification head (a plain
        encoder): a new 2-way head is initialised (for statement tuning).
        With False such a checkpoint is an error (zero-shot needs a tuned
        head).
    trainable : bool, default=False
        Load a peft adapter with trainable weights.
    model_kwargs : dict, optional
        Extra keyword arguments for ``from_pretrained`` (``revision``,
        ``attn_implementation``…). ``trust_remote_code`` cannot be enabled,
        nor ``weights_only`` disabled.

    Returns
    -------
    model : torch.nn.Module
        A ``PreTrainedModel`` (or ``PeftModel``) in eval mode on the CPU.
    tokenizer : transformers tokenizer

    Raises
    ------
    FileNotFoundError
        If a local directory lacks config / safetensors weights (a
        directory of pickle weights only: the message names
        ``sklearn-statement convert``) or a tokenizer vocabulary, or
        ``spec`` is a path that does not exist.
    ImportError
        If the tokenizer is a sentencepiece model and ``sentencepiece`` or
        ``protobuf`` is not installed (the message names the packages).
    ValueError
        If a file is corrupt or cannot be loaded, the checkpoint has no
        sequence-classification head and ``new_head`` is False,
        ``model_kwargs`` enables ``trust_remote_code`` or disables
        ``weights_only``, or a statement model (a 2-way head kept as is)
        lacks weights such as ``classifier.*``.
    """
    from transformers import AutoModelForSequenceClassification

    kwargs = dict(model_kwargs or {})
    if kwargs.pop("trust_remote_code", False):
        raise ValueError(
            "trust_remote_code=True is not allowed: loading a model must not execute downloaded code"
        )
    if kwargs.get("weights_only", True) is not True:
        raise ValueError(
            "weights_only=False is not allowed: it unpickles arbitrary objects (and runs their code); "
            "convert pickle weights with `sklearn-statement convert DIR` instead"
        )
    common = {"trust_remote_code": False, **kwargs}
    source = model_source(spec, **common)
    path, adapter, config = source.path, source.adapter, source.config
    has_head, local = source.has_head, path is not None
    if not has_head and not new_head and not adapter:
        raise ValueError(
            f"{spec!r} is a {config.model_type} checkpoint without a sequence-classification head "
            f"(architectures: {config.architectures}); statement-tune it first with StatementTuner"
        )
    head_kwargs = _head_kwargs(source, new_head)
    try:  # before the weights: a missing sentencepiece fails fast
        tokenizer = load_tokenizer(spec, path, **common)
    except ImportError:  # names the package to install
        raise
    except Exception as exc:  # noqa: BLE001 - corrupt or incompatible files
        raise _load_error(spec, exc) from exc
    try:
        model, info = AutoModelForSequenceClassification.from_pretrained(
            source.base,
            use_safetensors=True if (local and not adapter) else None,
            output_loading_info=True,
            **head_kwargs,
            **common,
        )
        if adapter:
            model = _load_adapter(model, path, trainable)
    except Exception as exc:  # noqa: BLE001 - corrupt or incompatible files
        raise _load_error(spec, exc) from exc
    missing = sorted(info.get("missing_keys") or [])
    if missing and has_head and not head_kwargs:
        # A statement model (its own 2-way head) with weights absent from the
        # checkpoint would score with randomly initialised ones.
        shown = ", ".join(missing[:6]) + (" ..." if len(missing) > 6 else "")
        raise ValueError(
            f"{spec!r} is a statement model ({config.architectures[0]}) but its weights "
            f"lack {len(missing)} tensor(s): {shown}; they would be random. Re-save "
            "the model with StatementTuner.save_pretrained (or pass the plain encoder "
            "to StatementTuner to train a new head)"
        )
    if tokenizer.pad_token_id is None:
        raise ValueError(
            f"the tokenizer of {spec!r} has no padding token; set one and save it again"
        )
    model.eval()
    return model, tokenizer


def saved_record(spec: str) -> dict[str, Any]:
    """The tuner's record (``statement_tuner.json``) of a local model directory.

    Returns
    -------
    dict
        Its content: ``params``, ``training_stats``, ``trained_families``,
        ``history``, ``scores``... Empty for a hub id or a directory without
        the file.

    Raises
    ------
    ValueError
        If the file exists but is not valid JSON.
    """
    path = Path(spec).expanduser() / TUNER_RECORD
    if not path.is_file():
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            record = json.load(f)
        if not isinstance(record, dict):
            raise ValueError(f"a JSON {type(record).__name__}, not an object")
    except (OSError, ValueError) as exc:
        raise ValueError(
            f"{path} is not valid JSON ({exc}); delete it or re-save the model"
        ) from exc
    return record


def saved_params(spec: str) -> dict[str, Any]:
    """The tuner parameters saved in ``statement_tuner.json`` of a local directory.

    Returns
    -------
    dict
        Empty for a hub id or a directory without the file.

    Raises
    ------
    ValueError
        If the file exists but is not valid JSON.
    """
    return dict(saved_record(spec).get("params") or {})


#: Model types whose position ids start after the padding index (RoBERTa-style).
_PADDING_OFFSET_TYPES = ("roberta", "xlm-roberta", "xlm-roberta-xl", "camembert")


def position_limit(model: torch.nn.Module) -> int | None:
    """The longest input (tokens) that the model's position embeddings cover.

    ``config.max_position_embeddings``, less ``pad_token_id + 1`` for
    RoBERTa-style models (their positions start after the padding index:
    XLM-R's 514 allow 512 tokens). None for models with relative positions
    only (DeBERTa-v2 without ``position_biased_input``) or no such field.
    """
    while not hasattr(model, "config") and hasattr(model, "module"):
        model = model.module  # DistributedDataParallel (accelerate) wraps the model
    config = getattr(model, "config", None)
    n = getattr(config, "max_position_embeddings", None)
    if not isinstance(n, int) or n <= 0:
        return None
    model_type = getattr(config, "model_type", "")
    if model_type.startswith("deberta") and not getattr(
        config, "position_biased_input", True
    ):
        return None
    if model_type in _PADDING_OFFSET_TYPES:
        n -= int(getattr(config, "pad_token_id", 1) or 0) + 1
    return n


def check_max_length(max_length: int, model: torch.nn.Module, name: str) -> None:
    """Refuse a token budget longer than the model's position embeddings.

    Raises
    ------
    ValueError
        Naming ``config.max_position_embeddings`` and the largest valid value.
    """
    limit = position_limit(model)
    if limit is not None and max_length > limit:
        config = model.config
        raise ValueError(
            f"{name}={max_length} is longer than the model accepts: its position "
            f"embeddings cover {limit} tokens (config.max_position_embeddings="
            f"{config.max_position_embeddings}, {config.model_type}); use "
            f"{name}<={limit}"
        )


def true_false_index(model: torch.nn.Module) -> tuple[int, int]:
    """Indices of the "true" and "false" logits of a classification head.

    A 2-way head uses the label named ``true`` (or ``entailment``, ``yes``)
    as true, else index 1. A 3-way NLI head uses ``entailment`` vs
    ``contradiction``, as transformers' zero-shot pipeline does.

    Raises
    ------
    ValueError
        If the head has neither 2 labels nor named entailment/contradiction
        labels.
    """
    config = model.config
    names = {str(v).lower(): int(k) for k, v in (config.id2label or {}).items()}
    n = config.num_labels
    for true_name, false_name in (
        ("true", "false"),
        ("entailment", "contradiction"),
        ("yes", "no"),
    ):
        if true_name in names and (false_name in names or n == 2):
            t = names[true_name]
            f = names.get(false_name, 1 - t)
            return t, f
    if n == 2:
        return 1, 0
    raise ValueError(
        f"the model's head has {n} labels {config.id2label}; a statement model needs a 2-way (false, true) "
        "head or an NLI head with entailment/contradiction labels"
    )
