"""Training objectives over statements: the paper's binary loss and a listwise one."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..utils import OBJECTIVES

__all__ = ["OBJECTIVES", "listwise_loss", "check_example_ids"]


def listwise_loss(
    true_logits: torch.Tensor, targets: torch.Tensor, example_ids: torch.Tensor
) -> torch.Tensor:
    """Cross-entropy over each example's candidate statements.

    For every example, a softmax over the true-logits of its candidate
    statements, with the true statement as the target: the zero-shot
    decision rule (the label whose statement is most likely true wins,
    arXiv 2404.12897 Sec. 3.3) turned into a loss, as in listwise
    learning to rank (ListNet's top-one probability, Cao et al., 2007,
    Sec. 4). With two candidates it is the logistic loss of the difference
    of their true-logits, ``softplus(z_false - z_true)``.

    Parameters
    ----------
    true_logits : torch.Tensor of shape (n_statements,)
        ``logit[true] - logit[false]`` of each statement.
    targets : torch.Tensor of shape (n_statements,)
        1 for the true statement of an example, 0 for the others.
    example_ids : torch.Tensor of shape (n_statements,)
        Example of each statement (any integers).

    Returns
    -------
    torch.Tensor
        Scalar: the mean over examples.

    Raises
    ------
    ValueError
        If an example has no true statement, more than one, or no false one
        (its statements were split across batches, or the data is not one
        true statement per example).
    """
    _, group = torch.unique(example_ids, return_inverse=True)
    n = int(group.max()) + 1 if group.numel() else 0
    z = true_logits.float()
    y = targets.to(z.dtype)
    positives = torch.zeros(n, dtype=z.dtype, device=z.device).scatter_add_(0, group, y)
    sizes = torch.bincount(group, minlength=n)
    bad = (positives != 1) | (sizes < 2)
    if bool(bad.any()):
        i = int(torch.nonzero(bad)[0])
        raise ValueError(
            "objective='listwise' needs every example's statements in one batch, "
            f"exactly one of them true and at least one false; an example in this "
            f"batch has {int(positives[i])} true of {int(sizes[i])} statement(s). "
            "Pass example_id= ids that are unique per example (build_multitask's "
            "example_id column), do not split an example's statements between the "
            "training and validation sets, or use objective='binary'"
        )
    peak = torch.full((n,), -torch.inf, dtype=z.dtype, device=z.device)
    peak = peak.scatter_reduce(0, group, z.detach(), reduce="amax")
    total = torch.zeros(n, dtype=z.dtype, device=z.device).scatter_add(
        0, group, torch.exp(z - peak[group])
    )
    log_partition = torch.log(total) + peak
    true_z = torch.zeros(n, dtype=z.dtype, device=z.device).scatter_add(0, group, z * y)
    return (log_partition - true_z).mean()


def check_example_ids(example_id: Any, n: int) -> np.ndarray:
    """Validate example ids and turn them into dense int64 codes.

    Parameters
    ----------
    example_id : array-like of int or str, shape (n_statements,)
        The example each statement was built from: statements with the same
        id are the candidate statements of one example.
    n : int
        Number of statements.

    Returns
    -------
    numpy.ndarray of int64, shape (n_statements,)
        Codes ``0..n_examples-1`` (in order of first appearance).

    Raises
    ------
    TypeError
        If ``example_id`` is a string, not 1-D, or holds floats or objects
        other than integers and strings.
    ValueError
        If its length differs from ``n`` or it holds None or NaN.
    """
    if isinstance(example_id, (str, bytes)):
        raise TypeError(
            "example_id is a single string; pass one id per statement, shape (n_statements,)"
        )
    try:
        values = list(example_id)
    except TypeError:
        raise TypeError(
            f"example_id must be an array-like of ids, got {type(example_id).__name__}"
        ) from None
    if len(values) != n:
        raise ValueError(f"X has {n} statements but example_id has {len(values)} ids")
    for i, value in enumerate(values):
        if value is None or (isinstance(value, float) and value != value):
            raise ValueError(
                f"example_id[{i}] is {value!r}; every statement needs the id of its example"
            )
        if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, np.integer, str)
        ):
            raise TypeError(
                f"example_id[{i}] is a {type(value).__name__} ({value!r}); ids must be "
                "integers or strings"
            )
    codes: dict[Any, int] = {}
    return np.fromiter(
        (codes.setdefault((type(v) is str, v), len(codes)) for v in values),
        dtype=np.int64,
        count=n,
    )
