"""Batches of statements for training: per-batch tokenization and dynamic padding."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

__all__ = ["StatementCollator", "texts_of"]


class StatementCollator:
    """Tokenize a batch of statements and pad it to its longest member.

    Dynamic padding: each batch is padded to its own longest statement
    (at most ``max_length`` tokens), not to ``max_length``.

    Parameters
    ----------
    tokenizer : transformers tokenizer
    max_length : int
        Longer statements are cut at the end (build statements with
        ``datasets_builders.build_statements(..., tokenizer=, max_length=)``
        to truncate input fields instead).

    Returns
    -------
    (dict of torch.Tensor, torch.Tensor)
        ``input_ids``, ``attention_mask`` (and ``token_type_ids`` where the
        tokenizer makes them) of shape (batch, longest), and the int64
        targets of shape (batch,).
    """

    def __init__(self, tokenizer: Any, max_length: int) -> None:
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(
        self, batch: list[tuple[Any, Any]]
    ) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
        texts = [str(x) for x, _ in batch]
        enc = self.tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        y = torch.as_tensor(
            np.asarray([np.asarray(t).reshape(-1)[0] for _, t in batch]),
            dtype=torch.long,
        )
        return dict(enc), y


def texts_of(dataset: Any) -> list[str] | None:
    """The statements behind a skorch Dataset (or a Subset of one), if reachable."""
    if isinstance(dataset, torch.utils.data.Subset):
        inner = texts_of(dataset.dataset)
        return None if inner is None else [inner[i] for i in dataset.indices]
    X = getattr(dataset, "X", None)
    if isinstance(X, (list, np.ndarray)) and getattr(X, "ndim", 1) == 1:
        return [str(x) for x in X]
    return None
