"""Fast true-logit scoring of many statements.

One forward pass per distinct statement (Statement-Tuning, arXiv 2404.12897,
Sec. 3.3: the label whose statement is most likely true wins). Statements
are de-duplicated, sorted by token length and padded per batch (dynamic
padding, so a batch of short statements costs little), and run under
``torch.inference_mode`` with optional bf16 autocast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from ._device import autocast

__all__ = ["true_logits", "pad_batch"]


def pad_batch(
    sequences: Sequence[Sequence[int]], pad_id: int
) -> dict[str, torch.Tensor]:
    """Right-pad token id lists to the longest one.

    Returns
    -------
    dict
        ``input_ids`` and ``attention_mask``, int64 tensors of shape
        (batch, longest).
    """
    longest = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), longest), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), longest), dtype=torch.long)
    for row, seq in enumerate(sequences):
        ids[row, : len(seq)] = torch.as_tensor(seq, dtype=torch.long)
        mask[row, : len(seq)] = 1
    return {"input_ids": ids, "attention_mask": mask}


def true_logits(
    model: torch.nn.Module,
    input_ids: Sequence[Sequence[int]],
    *,
    pad_id: int,
    true_index: int = 1,
    false_index: int = 0,
    batch_size: int = 64,
    device: torch.device | str = "cpu",
    dtype: torch.dtype | None = None,
    progress: bool = False,
    desc: str = "scoring statements",
) -> np.ndarray:
    """Log-odds that each statement is true.

    Parameters
    ----------
    model : torch.nn.Module
        A sequence-classification model returning ``.logits`` of shape
        (batch, n_labels), already on ``device``.
    input_ids : sequence of sequence of int
        Token ids of each statement (special tokens included), already
        within the model's length limit.
    pad_id : int
        The tokenizer's padding id.
    true_index, false_index : int, default=1, 0
        Columns of the "true" and "false" logits.
    batch_size : int, default=64
        Statements per forward pass.
    device : torch.device or str, default="cpu"
    dtype : torch.dtype, optional
        Autocast dtype (``torch.bfloat16``); None runs in the weights' dtype.
    progress : bool, default=False
        Show a tqdm progress bar over batches.
    desc : str
        Progress bar label.

    Returns
    -------
    numpy.ndarray of float64, shape (n_statements,)
        ``logit[true] - logit[false]``: the true-logit, i.e. the log-odds
        ``log P(true) / P(false)`` of the 2-way head.
    """
    n = len(input_ids)
    if n == 0:
        return np.zeros(0)
    keys = [tuple(ids) for ids in input_ids]
    position: dict[tuple, int] = {}
    inverse = np.fromiter(
        (position.setdefault(k, len(position)) for k in keys), dtype=np.int64, count=n
    )
    unique = list(position)
    order = sorted(range(len(unique)), key=lambda i: len(unique[i]), reverse=True)
    scores = np.empty(len(unique), dtype=np.float64)
    device = torch.device(device)
    was_training = model.training
    model.eval()
    batches = length_batches([len(unique[i]) for i in order], batch_size)
    try:
        with torch.inference_mode(), autocast(device, dtype):
            for start, stop in tqdm(
                batches, desc=desc, disable=not progress, leave=False
            ):
                idx = order[start:stop]
                batch = pad_batch([unique[i] for i in idx], pad_id)
                batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
                logits = model(**batch).logits.float()
                diff = (logits[:, true_index] - logits[:, false_index]).cpu().numpy()
                scores[idx] = diff
    finally:
        model.train(was_training)
    return scores[inverse]


#: A batch is cut early when a statement is shorter than this fraction of the
#: batch's longest (first) one, so that no batch is mostly padding. Measured
#: with ``benchmarks/bench_inference.py`` before and after (MiniLM, 2 CPU
#: cores, its K=2 curve: 48 texts x 2 labels, batch_size=64): 70.7 -> 152.1
#: statements/s in fp32, 141.5 -> 218.3 in bf16; within noise on 200 texts x
#: 8 labels (175.8 -> 187.7 fp32).
MIN_FILL = 0.75
#: ... but batches are never cut below this size (tiny batches idle the cores).
MIN_BATCH = 8


def length_batches(lengths: Sequence[int], batch_size: int) -> list[tuple[int, int]]:
    """Split statements sorted by decreasing length into batches.

    Parameters
    ----------
    lengths : sequence of int
        Token counts, in decreasing order.
    batch_size : int
        The most statements per batch.

    Returns
    -------
    list of (int, int)
        ``(start, stop)`` index ranges covering ``range(len(lengths))`` in
        order. A batch ends after ``batch_size`` statements, or earlier (but
        not before :data:`MIN_BATCH` statements) at the first statement
        shorter than :data:`MIN_FILL` times the batch's first one.
    """
    out, start = [], 0
    n = len(lengths)
    while start < n:
        stop = min(start + batch_size, n)
        for i in range(start + MIN_BATCH, stop):
            if lengths[i] < MIN_FILL * lengths[start]:
                stop = i
                break
        out.append((start, stop))
        start = stop
    return out


def encode_statements(
    tokenizer: Any, statements: Sequence[str], max_length: int
) -> list[list[int]]:
    """Token ids of statements (special tokens included), cut at ``max_length``."""
    return tokenizer(
        list(statements),
        add_special_tokens=True,
        truncation=True,
        max_length=max_length,
    )["input_ids"]
