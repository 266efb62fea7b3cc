"""The forward pass: the true-logits (or mean-pooled embeddings) of many statements.

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

from ..utils import PROGRESS_STATEMENTS, autocast

__all__ = [
    "encode_statements",
    "forward_true_logits",
    "length_batches",
    "mean_pooled",
    "pad_batch",
    "release_output_hooks",
]


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


def forward_true_logits(
    model: Any,
    input_ids: Sequence[Sequence[int]],
    *,
    pad_id: int,
    true_index: int = 1,
    false_index: int = 0,
    batch_size: int = 64,
    device: torch.device | str = "cpu",
    dtype: torch.dtype | None = None,
    progress: bool | None = False,
    desc: str = "scoring statements",
) -> np.ndarray:
    """Log-odds that each statement is true.

    Parameters
    ----------
    model : torch.nn.Module or exported backend model
        A sequence-classification model returning ``.logits`` of shape
        (batch, n_labels), already on ``device``; or an exported model of
        :mod:`sklearn_statement.backends` (ONNX Runtime, OpenVINO), whose
        ``logits(input_ids, attention_mask)`` takes and returns numpy arrays
        (``device`` and ``dtype`` are then ignored: its precision was fixed
        at export and load).
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
    progress : bool or None, default=False
        Show a tqdm progress bar over batches: True always, False never, None
        tqdm's usual rule: on a terminal only, and only for at least
        :data:`~sklearn_statement.utils.PROGRESS_STATEMENTS` statements.
    desc : str
        Progress bar label.

    Returns
    -------
    numpy.ndarray of float64, shape (n_statements,)
        ``logit[true] - logit[false]``: the true-logit, i.e. the log-odds
        ``log P(true) / P(false)`` of the 2-way head.
    """

    def diff(logits: np.ndarray) -> np.ndarray:
        return logits[:, true_index] - logits[:, false_index]

    if isinstance(model, torch.nn.Module):

        def forward(batch: dict[str, torch.Tensor]) -> np.ndarray:
            logits = model(**batch).logits.float()
            return (logits[:, true_index] - logits[:, false_index]).cpu().numpy()

    else:  # an exported backend: numpy in, numpy out

        def forward(batch: dict[str, torch.Tensor]) -> np.ndarray:
            ids, mask = batch["input_ids"].numpy(), batch["attention_mask"].numpy()
            return diff(np.asarray(model.logits(ids, mask), dtype=np.float64))

    out = _run_sorted(
        model,
        input_ids,
        forward,
        pad_id=pad_id,
        batch_size=batch_size,
        device=device,
        dtype=dtype,
        progress=progress,
        desc=desc,
    )
    return out.astype(np.float64, copy=False)


def mean_pooled(
    model: Any,
    input_ids: Sequence[Sequence[int]],
    *,
    pad_id: int,
    batch_size: int = 64,
    device: torch.device | str = "cpu",
    dtype: torch.dtype | None = None,
) -> np.ndarray:
    """Mean-pooled last hidden states of the model's encoder (unit length).

    The sentence embedding of Reimers & Gurevych (2019): the average of the
    last layer's token vectors over the attention mask, here L2-normalised
    so that a dot product is the cosine similarity. Same batching as
    :func:`forward_true_logits`.

    Parameters
    ----------
    model : torch.nn.Module or exported backend model
        A transformers model that returns ``hidden_states`` when asked
        (``output_hidden_states=True``), or an exported backend model with a
        ``hidden_states(input_ids, attention_mask)`` method.
    input_ids : sequence of sequence of int
    pad_id : int
    batch_size : int, default=64
    device : torch.device or str, default="cpu"
    dtype : torch.dtype, optional

    Returns
    -------
    numpy.ndarray of float32, shape (n_sequences, hidden_size)
    """

    def pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        weights = mask[..., None].astype(np.float32)
        summed = (hidden.astype(np.float32) * weights).sum(axis=1)
        vectors = summed / np.clip(weights.sum(axis=1), 1.0, None)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.clip(norms, 1e-12, None)

    if isinstance(model, torch.nn.Module):

        def forward(batch: dict[str, torch.Tensor]) -> np.ndarray:
            hidden = model(**batch, output_hidden_states=True).hidden_states[-1]
            return pool(
                hidden.float().cpu().numpy(), batch["attention_mask"].cpu().numpy()
            )

    else:

        def forward(batch: dict[str, torch.Tensor]) -> np.ndarray:
            ids, mask = batch["input_ids"].numpy(), batch["attention_mask"].numpy()
            return pool(np.asarray(model.hidden_states(ids, mask)), mask)

    try:
        out = _run_sorted(
            model,
            input_ids,
            forward,
            pad_id=pad_id,
            batch_size=batch_size,
            device=device,
            dtype=dtype,
            progress=False,
            desc="embedding",
        )
    finally:
        if isinstance(model, torch.nn.Module):
            release_output_hooks(model)
    return out.astype(np.float32, copy=False)


def release_output_hooks(model: torch.nn.Module) -> None:
    """Remove the hooks transformers leaves on a model asked for hidden states.

    transformers 5 installs forward hooks (local functions) on a model's layers
    the first time ``output_hidden_states=True`` is passed, and keeps them: the
    model (and a tuner or classifier holding it) then fails to pickle
    ("Can't pickle local object ... output_capturing_hook"). They are removed
    here, after each embedding pass; transformers installs them again when
    hidden states are next asked for.
    """
    for module in model.modules():
        hooks = getattr(module, "_forward_hooks", None) or {}
        for key, hook in list(hooks.items()):
            if "output_capturing_hook" in getattr(hook, "__qualname__", ""):
                del hooks[key]
        if module.__dict__.get("_output_capturing_hooks_installed"):
            del module.__dict__["_output_capturing_hooks_installed"]


def _run_sorted(
    model: Any,
    input_ids: Sequence[Sequence[int]],
    forward: Any,
    *,
    pad_id: int,
    batch_size: int,
    device: torch.device | str,
    dtype: torch.dtype | None,
    progress: bool | None,
    desc: str,
) -> np.ndarray:
    """Run ``forward`` once per distinct sequence: de-duplicated, longest
    first, padded per batch; rows come back in the input order."""
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
    results: np.ndarray | None = None
    device = torch.device(device)
    is_torch = isinstance(model, torch.nn.Module)
    was_training = model.training if is_torch else False
    if is_torch:
        model.eval()
    batches = length_batches([len(unique[i]) for i in order], batch_size)
    try:
        with (
            torch.inference_mode(),
            autocast(
                device if is_torch else torch.device("cpu"), dtype if is_torch else None
            ),
        ):
            for start, stop in tqdm(
                batches,
                desc=desc,
                disable=_disabled(progress, len(unique)),
                leave=False,
            ):
                idx = order[start:stop]
                batch = pad_batch([unique[i] for i in idx], pad_id)
                if is_torch:
                    batch = {
                        k: v.to(device, non_blocking=True) for k, v in batch.items()
                    }
                rows = forward(batch)
                if results is None:
                    results = np.empty((len(unique), *rows.shape[1:]), dtype=rows.dtype)
                results[idx] = rows
    finally:
        if is_torch:
            model.train(was_training)
    return results[inverse]


#: A batch is cut early when a statement is shorter than this fraction of the
#: batch's longest (first) one, so that no batch is mostly padding (it pays
#: most on short batches of few labels: ``benchmarks/bench_inference.py``,
#: figures in ``benchmarks/results/bench_inference.json``, ``curve_k``).
MIN_FILL = 0.75
#: ... but batches are never cut below this size (tiny batches idle the cores).
MIN_BATCH = 8


def _disabled(progress: bool | None, n: int) -> bool | None:
    """tqdm's ``disable``: None (auto) shows a bar on a terminal for long work only."""
    if progress is None:
        return None if n >= PROGRESS_STATEMENTS else True
    return not progress


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
