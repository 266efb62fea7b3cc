"""Soft prompts for a frozen statement model: the prompt, its penalty and its training.

Prompt tuning (Lester et al., 2021): ``n`` trainable vectors in the model's
word-embedding space (virtual tokens) are put before every statement's
tokens, and only they are trained; the statement model, its head included,
stays frozen. The prompt is peft's (``PromptTuningConfig``), the adapter of
``StatementTuner(peft="prompt")``, so a tuned prompt saves and loads like any
peft adapter. Training (:func:`train_soft_prompt`) scores the candidate
statements of an example together and minimises the listwise cross-entropy
with a (smoothed) target distribution
(:func:`~sklearn_statement.training.soft_listwise_loss`), plus a penalty
that keeps the prompt near its initialisation (:func:`prompt_distance`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..backends import ScoringModel, pad_batch
from ..models import is_peft, with_peft
from ..training import soft_listwise_loss
from ..utils import autocast
from ._few_shot import seeded

__all__ = [
    "PromptTraining",
    "add_soft_prompt",
    "check_plain_model",
    "prompt_distance",
    "prompt_weight",
    "train_soft_prompt",
]

#: Fraction of the optimizer steps spent warming the learning rate up (as the tuner).
WARMUP_RATIO = 0.06


@dataclass(frozen=True)
class PromptTraining:
    """How a soft prompt is trained (see :func:`train_soft_prompt`).

    Attributes
    ----------
    epochs : int
    lr : float
        Peak learning rate of AdamW (no weight decay), with linear warmup
        over the first 6% of the steps and linear decay to 0.
    batch_size : int
        Examples per optimizer step.
    statement_batch_size : int
        Statements per forward pass (whole examples: at least one).
    penalty : float
        Weight of :func:`prompt_distance` in the loss.
    seed : int or None
        Seeds the example order and dropout (the caller's random state is
        left as it was).
    verbose : int
        Print the losses of every epoch when positive.
    """

    epochs: int
    lr: float
    batch_size: int
    statement_batch_size: int
    penalty: float
    seed: int | None
    verbose: int = 0


def prompt_weight(model: Any) -> torch.nn.Parameter:
    """The virtual-token embeddings of a peft prompt-tuning model, shape (n, hidden)."""
    return model.prompt_encoder[model.active_adapter].embedding.weight


def prompt_distance(weight: torch.Tensor, initial: torch.Tensor) -> torch.Tensor:
    """``||P - P0||_F^2``: summed squared distance of the virtual tokens from their start.

    Zero at initialisation and growing with the square of the distance: the
    L2-SP penalty (Li et al., 2018), which pulls fine-tuned weights towards
    their starting point rather than towards zero, applied to the prompt.
    """
    return ((weight.float() - initial.float()) ** 2).sum()


def check_plain_model(model: Any) -> None:
    """Refuse a statement model that already carries a peft adapter.

    Raises
    ------
    ValueError
        Naming the fixes.
    """
    if is_peft(model):
        raise ValueError(
            "the statement model already carries a peft adapter (LoRA or a soft "
            "prompt); save LoRA merged first (tuner.save_pretrained(dir, merge=True)) "
            "or start from the statement model without it"
        )


def add_soft_prompt(
    model: Any,
    tokenizer: Any,
    num_virtual_tokens: int,
    init_ids: Sequence[int],
    seed: int | None,
) -> Any:
    """Wrap a statement model with an untrained soft prompt; freeze everything else.

    peft puts the virtual tokens *before* the statement's first token, and
    the classification heads of BERT, XLM-R and DeBERTa read the first
    position. So the first virtual token starts as the embedding of the
    tokenizer's ``[CLS]`` (``<s>``) token, the one the head was trained to
    read; the others start as embeddings of tokens drawn (with ``seed``) from
    ``init_ids``, the token ids of the training statements: the
    sampled-vocabulary initialisation of Lester et al. (2021, Sec. 3),
    restricted to words the task uses.

    Parameters
    ----------
    model : transformers.PreTrainedModel
        A statement model (not a peft model); modified in place (peft wraps
        its head) and returned wrapped.
    tokenizer : transformers tokenizer
    num_virtual_tokens : int
    init_ids : sequence of int
        Candidate token ids for the initialisation (special tokens are
        skipped).
    seed : int or None

    Returns
    -------
    peft.PeftModel
        Only ``prompt_weight(model)`` requires gradients.

    Raises
    ------
    ValueError
        If ``model`` already carries a peft adapter.
    """
    check_plain_model(model)
    embeddings = model.get_input_embeddings().weight
    special = set(tokenizer.all_special_ids)
    pool = sorted({int(i) for i in init_ids} - special) or [tokenizer.unk_token_id]
    rng = np.random.default_rng(seed)
    first = tokenizer.cls_token_id
    if first is None:
        first = tokenizer.bos_token_id
    head = [] if first is None else [int(first)]
    size = num_virtual_tokens - len(head)
    ids = head + rng.choice(pool, size=size, replace=len(pool) < size).tolist()
    wrapped = with_peft(model, "prompt", {"num_virtual_tokens": num_virtual_tokens})
    for name, param in wrapped.named_parameters():
        param.requires_grad_(name.startswith("prompt_encoder."))
    with torch.no_grad():
        weight = prompt_weight(wrapped)
        index = torch.as_tensor(ids, device=embeddings.device)
        weight.copy_(embeddings[index].to(weight.dtype))
    wrapped.eval()
    return wrapped


def _example_true_logits(
    scorer: ScoringModel, rows: Sequence[Sequence[Sequence[int]]], n_classes: int
) -> torch.Tensor:
    """True-logits of examples' statements, averaged over templates: (n_rows, n_classes).

    Each row holds an example's statements template by template, each
    template's in class order.
    """
    flat = [seq for row in rows for seq in row]
    batch = pad_batch(flat, scorer.tokenizer.pad_token_id)
    batch = {key: value.to(scorer.device) for key, value in batch.items()}
    with autocast(scorer.device, scorer.dtype):
        logits = scorer.model(**batch).logits.float()
    z = logits[:, scorer.true_index] - logits[:, scorer.false_index]
    return z.view(len(rows), -1, n_classes).mean(dim=1)


def _epoch(
    scorer: ScoringModel,
    ids: Sequence[Sequence[Sequence[int]]],
    targets: torch.Tensor,
    state: dict[str, Any],
    config: PromptTraining,
) -> dict[str, float]:
    """One pass over the examples in a random order; returns the epoch's mean losses."""
    n, n_classes = targets.shape
    weight, initial = state["weight"], state["initial"]
    per_pass = max(1, config.statement_batch_size // len(ids[0]))
    order = torch.randperm(n).tolist()
    sums = {"loss": 0.0, "penalty": 0.0}
    steps = 0
    for start in range(0, n, config.batch_size):
        batch = order[start : start + config.batch_size]
        state["optimizer"].zero_grad(set_to_none=True)
        for first in range(0, len(batch), per_pass):
            chunk = batch[first : first + per_pass]
            z = _example_true_logits(scorer, [ids[i] for i in chunk], n_classes)
            # the batch's mean loss, accumulated over its forward passes
            loss = soft_listwise_loss(z, targets[chunk]) * (len(chunk) / len(batch))
            loss.backward()
            sums["loss"] += float(loss.detach())
        if config.penalty:
            penalty = config.penalty * prompt_distance(weight, initial)
            penalty.backward()
            sums["penalty"] += float(penalty.detach())
        state["optimizer"].step()
        state["schedule"].step()
        steps += 1
    return {key: value / steps for key, value in sums.items()}


def train_soft_prompt(
    scorer: ScoringModel,
    ids: Sequence[Sequence[Sequence[int]]],
    targets: np.ndarray,
    config: PromptTraining,
) -> list[dict[str, float]]:
    """Train the soft prompt of ``scorer.model`` on examples' candidate statements.

    The loss of a batch of examples ``B`` is

    ``(1/|B|) sum_{i in B} -sum_j q_ij log softmax(zbar_i)_j + penalty * ||P - P0||_F^2``

    where ``zbar_ij`` is the true-logit of example ``i``'s statement for
    class ``j``, averaged over the templates (languages): the score the
    classifier predicts with; ``q_i`` the example's target distribution;
    ``P`` the virtual-token embeddings and ``P0`` their initial values.

    Parameters
    ----------
    scorer : ScoringModel
        The prompted statement model (:func:`add_soft_prompt`) with its
        tokenizer, device, autocast dtype and true/false columns.
    ids : sequence, length n_examples
        Each example's statements as token ids, template by template, each
        template's in class order (``n_templates * n_classes`` sequences).
    targets : ndarray of shape (n_examples, n_classes)
        Target distributions (:func:`smoothed_targets`).
    config : PromptTraining

    Returns
    -------
    list of dict
        Per epoch: ``epoch``, ``loss`` (the cross-entropy) and ``penalty``
        (means over its optimizer steps).
    """
    from transformers import get_linear_schedule_with_warmup

    model = scorer.model
    weight = prompt_weight(model)
    optimizer = torch.optim.AdamW([weight], lr=config.lr, weight_decay=0.0)
    total = config.epochs * math.ceil(len(ids) / config.batch_size)
    state = {
        "weight": weight,
        "initial": weight.detach().clone(),
        "optimizer": optimizer,
        "schedule": get_linear_schedule_with_warmup(
            optimizer, int(WARMUP_RATIO * total), total
        ),
    }
    q = torch.as_tensor(targets, dtype=torch.float32, device=scorer.device)
    history = []
    with seeded(config.seed):
        model.train()
        try:
            for epoch in range(1, config.epochs + 1):
                row = {"epoch": epoch, **_epoch(scorer, ids, q, state, config)}
                history.append(row)
                if config.verbose:
                    print(
                        f"epoch {epoch}: loss {row['loss']:.4f}, "
                        f"penalty {row['penalty']:.4f}",
                        flush=True,
                    )
        finally:
            model.eval()
    return history
