"""Training objectives over statements: the paper's binary loss and a listwise one.

All of the listwise objective lives here: its data requirement checked before
training (:func:`check_objective_data`: example ids, one true statement per
example), its loss (:func:`listwise_loss`) and the loss of a batch under an
objective (:func:`objective_loss`). A new objective is a name in
``utils.OBJECTIVES``, its data check in :func:`check_objective_data` and its
term in :func:`objective_loss`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ..utils import OBJECTIVES

__all__ = [
    "OBJECTIVES",
    "check_example_ids",
    "check_objective_data",
    "listwise_loss",
    "objective_loss",
    "soft_listwise_loss",
]


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


def soft_listwise_loss(
    true_logits: torch.Tensor, targets: torch.Tensor
) -> torch.Tensor:
    """Cross-entropy of each example's candidate distribution with a target distribution.

    The listwise loss (:func:`listwise_loss`) with the candidates of an
    example laid out in a row and a target *distribution* over them instead
    of one true candidate: ``-sum_j q_ij log softmax(z_i)_j``, averaged over
    examples. With one-hot targets it is :func:`listwise_loss`; a smoothed
    target (label smoothing, Szegedy et al., 2016, Sec. 7) spreads some mass
    over the false candidates.

    Parameters
    ----------
    true_logits : torch.Tensor of shape (n_examples, n_candidates)
        True-logit of each candidate statement of each example.
    targets : torch.Tensor of shape (n_examples, n_candidates)
        Rows of non-negative weights summing to 1.

    Returns
    -------
    torch.Tensor
        Scalar: the mean over examples.
    """
    log_p = torch.log_softmax(true_logits.float(), dim=1)
    return -(targets.to(log_p.dtype) * log_p).sum(dim=1).mean()


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


def check_objective_data(
    objective: str, y: np.ndarray, example_ids: np.ndarray | None
) -> None:
    """Refuse training data the objective cannot learn from, before any model loads.

    Parameters
    ----------
    objective : {"binary", "listwise"}
    y : ndarray of int64, shape (n_statements,)
        1 = true statement.
    example_ids : ndarray of int64, shape (n_statements,) or None
        Dense codes from :func:`check_example_ids`.

    Raises
    ------
    ValueError
        ``"listwise"`` without example ids, or with an example that has not
        exactly one true statement and at least one false one.
    """
    if objective != "listwise":
        return
    if example_ids is None:
        raise ValueError(
            "objective='listwise' needs example_id=: the example each statement "
            "was built from, so that the candidate statements of one example are "
            "compared (build_multitask's example_id column; build statements with "
            "balance=False for every label's statement), or use objective='binary'"
        )
    n = int(example_ids.max()) + 1
    positives = np.bincount(example_ids, weights=y, minlength=n)
    sizes = np.bincount(example_ids, minlength=n)
    bad = np.flatnonzero((positives != 1) | (sizes < 2))
    if len(bad):
        first = np.flatnonzero(example_ids == bad[0])[:3].tolist()
        raise ValueError(
            f"objective='listwise' needs exactly one true statement and at least "
            f"one false one per example; {len(bad)} of {len(sizes)} examples do "
            f"not (e.g. the example of statements {first}: "
            f"{int(positives[bad[0]])} true of {int(sizes[bad[0]])}). Check that "
            "example_id is unique per example, or use objective='binary'"
        )


def objective_loss(
    objective: str,
    binary_loss: torch.Tensor,
    y_pred: torch.Tensor,
    y_true: torch.Tensor,
    example_ids: torch.Tensor | None,
    record: Callable[[str, float], Any] | None = None,
) -> torch.Tensor:
    """The loss of a batch: the paper's binary loss, plus the listwise term.

    Parameters
    ----------
    objective : {"binary", "listwise"}
    binary_loss : torch.Tensor
        The criterion's cross-entropy of the batch (the paper's loss).
    y_pred : torch.Tensor of shape (batch, 2)
        Logits (false, true).
    y_true : torch.Tensor of shape (batch,)
    example_ids : torch.Tensor of shape (batch,) or None
    record : callable, optional
        ``record(name, value)`` of each term (training batches: the history).

    Returns
    -------
    torch.Tensor
        Scalar.

    Raises
    ------
    ValueError
        ``"listwise"`` with a batch that has no example ids.
    """
    if objective != "listwise":
        return binary_loss
    if example_ids is None:
        raise ValueError(
            "objective='listwise' got a batch without example ids; pass "
            "example_id= to fit"
        )
    true_logits = y_pred[:, 1] - y_pred[:, 0]
    listwise = listwise_loss(true_logits, y_true, example_ids.to(y_true.device))
    if record is not None:  # the two terms (train_loss is their sum)
        record("binary_loss", float(binary_loss.detach()))
        record("listwise_loss", float(listwise.detach()))
    return binary_loss + listwise
