"""One interface to a statement model, whatever runs it: :class:`ScoringModel`.

A zero-shot classifier needs the same few things of its model whether torch
runs it (a tuner's model, or one loaded from a directory or the hub) or an
exported graph does (ONNX Runtime, OpenVINO): the tokenizer, the token budget,
the true-logits of token-id sequences and, for shortlists, mean-pooled
embeddings. :func:`load_scoring_model` loads one from a directory or hub id
for any backend; :func:`scoring_model` wraps a torch model already in memory.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..utils import quiet_transformers, resolve_device, resolve_precision
from ._exported import load_backend_model
from ._forward import encode_statements, forward_true_logits, mean_pooled

__all__ = ["ScoringModel", "load_scoring_model", "scoring_model"]

#: The longest token budget used when neither the caller nor the model says.
MAX_TOKENS = 512


@dataclass
class ScoringModel:
    """A statement model ready to score statements.

    Attributes
    ----------
    model : torch.nn.Module, OnnxRuntimeModel or OpenVINOModel
    tokenizer : transformers tokenizer
    device : torch.device
        Where a torch model runs (the CPU for an exported one).
    dtype : torch.dtype or None
        Autocast dtype of a torch model (None: its weights' dtype).
    true_index, false_index : int
        Columns of the head's "true" and "false" logits.
    max_length : int
        Token budget per statement.
    """

    model: Any
    tokenizer: Any
    device: Any
    dtype: Any
    true_index: int
    false_index: int
    max_length: int

    def true_logits(
        self,
        input_ids: Sequence[Sequence[int]],
        *,
        batch_size: int,
        progress: bool | None = False,
    ) -> np.ndarray:
        """``log P(true) / P(false)`` of each sequence, shape (n,) (:func:`forward_true_logits`)."""
        return forward_true_logits(
            self.model,
            input_ids,
            pad_id=self.tokenizer.pad_token_id,
            true_index=self.true_index,
            false_index=self.false_index,
            batch_size=batch_size,
            device=self.device,
            dtype=self.dtype,
            progress=progress,
        )

    def embed(self, texts: Sequence[str], *, batch_size: int) -> np.ndarray:
        """Unit-length mean-pooled embeddings of texts, shape (n, hidden) (:func:`mean_pooled`)."""
        ids = encode_statements(self.tokenizer, texts, self.max_length)
        return mean_pooled(
            self.model,
            ids,
            pad_id=self.tokenizer.pad_token_id,
            batch_size=batch_size,
            device=self.device,
            dtype=self.dtype,
        )


def _token_limit(tokenizer: Any, positions: int | None = None) -> int:
    limit = min(
        int(getattr(tokenizer, "model_max_length", MAX_TOKENS) or MAX_TOKENS),
        MAX_TOKENS,
    )
    return limit if positions is None else min(limit, positions)


def scoring_model(
    model: Any,
    tokenizer: Any,
    device: Any,
    *,
    precision: str = "auto",
    max_length: int | None = None,
) -> ScoringModel:
    """A torch statement model in memory (a tuner's) as a :class:`ScoringModel`.

    Parameters
    ----------
    model : torch.nn.Module
        A sequence-classification model on ``device``.
    tokenizer : transformers tokenizer
    device : torch.device
    precision : {"auto", "fp32", "bf16", "fp16"}, default="auto"
    max_length : int, optional
        Default: the tokenizer's limit, at most 512 and the model's position
        limit.

    Raises
    ------
    ValueError
        If ``max_length`` exceeds the model's position limit, or the head has
        no true/false (or entailment/contradiction) labels.
    """
    from ..models import check_max_length, position_limit, true_false_index

    true_index, false_index = true_false_index(model)
    max_length = int(max_length or _token_limit(tokenizer, position_limit(model)))
    check_max_length(max_length, model, "max_length")
    dtype = resolve_precision(precision, device)
    return ScoringModel(
        model, tokenizer, device, dtype, true_index, false_index, max_length
    )


def load_scoring_model(
    spec: str | os.PathLike,
    *,
    backend: str = "torch",
    device: Any = "auto",
    precision: str = "auto",
    max_length: int | None = None,
) -> ScoringModel:
    """Load a statement model from a directory or hub id, for any backend.

    Parameters
    ----------
    spec : str or PathLike
        A saved directory or a hub id (``backend="torch"``); a directory with
        an export, or an exported file in it, for ``"onnx"`` / ``"openvino"``.
    backend : {"torch", "onnx", "openvino"}, default="torch"
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
        torch only: exported models run on the CPU.
    precision : {"auto", "fp32", "bf16", "fp16"}, default="auto"
        torch: the autocast dtype; OpenVINO: ``"bf16"`` runs the operations
        that are not int8 in bf16; ONNX Runtime runs the graph as exported.
    max_length : int, optional
        Default: the saved tuner's ``max_length``, else the tokenizer's limit
        (at most 512).

    Raises
    ------
    FileNotFoundError, ValueError, ImportError
        As :func:`sklearn_statement.models.load_statement_model` and
        :func:`load_backend_model`.
    """
    from .. import models  # looked up on call (tests replace the loader)

    spec = os.fspath(spec)
    if backend == "torch":
        device = resolve_device(device)
        with quiet_transformers():
            model, tokenizer = models.load_statement_model(spec)
        model.to(device)
        saved = models.saved_params(spec).get("max_length")
        return scoring_model(
            model,
            tokenizer,
            device,
            precision=precision,
            max_length=max_length or saved,
        )
    cpu = resolve_device("cpu")
    resolve_precision(precision, cpu)  # fp16 on a CPU is an error
    model, tokenizer = load_backend_model(
        spec, backend, precision="bf16" if precision == "bf16" else "fp32"
    )
    true_index, false_index = models.true_false_index(model)
    saved = models.saved_params(os.fspath(model.directory)).get("max_length")
    max_length = int(max_length or saved or _token_limit(tokenizer))
    return ScoringModel(
        model, tokenizer, cpu, None, true_index, false_index, max_length
    )
