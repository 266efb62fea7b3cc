"""Batches of statements for training: per-batch tokenization, dynamic padding,
and batches that keep an example's candidate statements together.

A statement longer than the token budget loses its middle
(:func:`sklearn_statement.models.cut_middle`, the rule prediction uses too).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from ..models import cut_middle

__all__ = [
    "StatementCollator",
    "ExampleBatchSampler",
    "batch_options",
    "token_lengths",
    "texts_of",
    "example_ids_of",
]

#: Key of the example ids in a batch's inputs (removed before the forward pass).
EXAMPLE_ID = "example_id"


class StatementCollator:
    """Tokenize a batch of statements and pad it to its longest member.

    Dynamic padding: each batch is padded to its own longest statement
    (at most ``max_length`` tokens), not to ``max_length``.

    A statement longer than ``max_length`` tokens loses its **middle**: its
    first and last tokens are kept (half of the budget each, see
    :func:`cut_middle`). Cutting the end instead would drop the label part
    that templates put last ("... is about sports."), so two statements
    that differ only there would become identical inputs with opposite
    targets. To cut input fields rather than statements, build statements
    with ``datasets_builders.build_statements(..., tokenizer=,
    max_length=)``.

    Parameters
    ----------
    tokenizer : transformers tokenizer
    max_length : int
        Token limit per statement, special tokens included.

    Returns
    -------
    (dict of torch.Tensor, torch.Tensor)
        ``input_ids``, ``attention_mask`` (and ``token_type_ids`` where the
        tokenizer makes them) of shape (batch, longest), ``example_id``
        (int64, shape (batch,)) when the items carry one, and the int64
        targets of shape (batch,).
    """

    def __init__(self, tokenizer: Any, max_length: int) -> None:
        self.tokenizer = tokenizer
        self.max_length = max_length

    def encode(self, texts: list[str]) -> dict[str, Any]:
        """Token ids (and token types) of ``texts``, each cut to ``max_length``."""
        enc = self.tokenizer(
            texts, truncation=False, return_special_tokens_mask=True, verbose=False
        )
        special = enc.pop("special_tokens_mask")
        out: dict[str, list] = {key: [] for key in enc}
        for row in range(len(texts)):
            ids = enc["input_ids"][row]
            if len(ids) <= self.max_length:
                for key in enc:
                    out[key].append(enc[key][row])
                continue
            kept = cut_middle(list(range(len(ids))), special[row], self.max_length)
            for key in enc:
                out[key].append([enc[key][row][i] for i in kept])
        return out

    def __call__(
        self, batch: list[tuple[Any, Any]]
    ) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
        grouped = bool(batch) and isinstance(batch[0][0], dict)
        texts = [str(x["statement"] if grouped else x) for x, _ in batch]
        enc = self.tokenizer.pad(self.encode(texts), padding=True, return_tensors="pt")
        y = torch.as_tensor(
            np.asarray([np.asarray(t).reshape(-1)[0] for _, t in batch]),
            dtype=torch.long,
        )
        enc = dict(enc)
        if grouped:
            enc[EXAMPLE_ID] = torch.as_tensor(
                np.asarray([int(x[EXAMPLE_ID]) for x, _ in batch]), dtype=torch.long
            )
        return enc, y


class ExampleBatchSampler(torch.utils.data.Sampler):
    """Batches of whole examples: statements sharing an example id stay together.

    The examples are shuffled (or kept in order), optionally grouped by
    length the way transformers' ``LengthGroupedSampler`` does it
    (mega-batches of 50 batches, sorted longest first inside), laid end to
    end and cut into ``ceil(n_statements / batch_size)`` batches at the
    example boundaries closest to equal shares. So a batch holds about
    ``batch_size`` statements (it may differ by up to one example's
    statements) and never splits an example; the number of batches is
    fixed, whatever the order.

    Parameters
    ----------
    example_ids : array-like of int, shape (n_statements,)
        Example of each statement (dense codes, as made by ``np.unique``).
    batch_size : int
        Statements per batch, on average.
    lengths : sequence of int, optional
        Statement lengths; with them, examples of similar (longest member)
        length are batched together.
    shuffle : bool, default=True
        Draw a new example order on every pass (from ``generator``). Without
        it, examples come in order of first appearance, so statements stored
        example by example come out in dataset order (what skorch's scoring
        callbacks expect of a validation pass).
    generator : torch.Generator, optional
        Source of the order (seeded by the tuner's ``random_state``).

    Attributes
    ----------
    groups : list of ndarray
        Statement indices of each example.
    contiguous : bool
        Whether each example's statements are consecutive in the data (then
        an unshuffled pass keeps the data's order).

    Yields
    ------
    list of int
        Statement indices of one batch.
    """

    MEGABATCH = 50

    def __init__(
        self,
        example_ids: Sequence[int],
        batch_size: int,
        *,
        lengths: Sequence[int] | None = None,
        shuffle: bool = True,
        generator: torch.Generator | None = None,
    ) -> None:
        codes = np.asarray(example_ids, dtype=np.int64)
        # examples in order of first appearance, statements in dataset order:
        # without shuffling, group-contiguous data comes out in dataset order
        _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
        rank = np.argsort(np.argsort(first))[inverse]
        order = np.argsort(rank, kind="stable")
        starts = np.flatnonzero(np.diff(rank[order])) + 1
        self.groups = np.split(order, starts)
        self.contiguous = bool(np.all(order == np.arange(len(codes))))
        self.n_statements = len(codes)
        self.batch_size = int(batch_size)
        self.group_lengths = (
            None
            if lengths is None
            else np.asarray([max(lengths[i] for i in g) for g in self.groups])
        )
        self.shuffle = shuffle
        self.generator = generator

    def __len__(self) -> int:
        return max(
            1,
            min(math.ceil(self.n_statements / self.batch_size), len(self.groups)),
        )

    def _group_order(self) -> np.ndarray:
        n = len(self.groups)
        if not self.shuffle:
            return np.arange(n)
        order = torch.randperm(n, generator=self.generator).numpy()
        if self.group_lengths is None:
            return order
        groups_per_batch = max(1, round(n / len(self)))
        step = self.MEGABATCH * groups_per_batch
        mega = [order[s : s + step] for s in range(0, n, step)]
        mega = [m[np.argsort(-self.group_lengths[m], kind="stable")] for m in mega]
        return np.concatenate(mega)

    def __iter__(self):
        order = self._group_order()
        sizes = np.asarray([len(self.groups[g]) for g in order])
        ends = np.cumsum(sizes)  # statements up to and including each example
        n_batches, n_groups = len(self), len(order)
        cuts, previous = [], 0
        for k in range(1, n_batches):
            target = k * self.n_statements / n_batches
            at = int(np.searchsorted(ends, target))  # first example ending >= target
            if at > 0 and target - ends[at - 1] < ends[at] - target:
                at -= 1
            cut = min(max(at + 1, previous + 1), n_groups - (n_batches - k))
            cuts.append(cut)
            previous = cut
        for group_slice in np.split(order, cuts):
            yield [int(i) for g in group_slice for i in self.groups[g]]


def texts_of(dataset: Any) -> list[str] | None:
    """The statements behind a skorch Dataset (or a Subset of one), if reachable."""
    if isinstance(dataset, torch.utils.data.Subset):
        inner = texts_of(dataset.dataset)
        return None if inner is None else [inner[i] for i in dataset.indices]
    X = getattr(dataset, "X", None)
    if isinstance(X, dict) and "statement" in X:
        X = X["statement"]
    if isinstance(X, (list, np.ndarray)) and getattr(X, "ndim", 1) == 1:
        return [str(x) for x in X]
    return None


def example_ids_of(dataset: Any) -> np.ndarray | None:
    """The example ids behind a skorch Dataset (or a Subset of one), if any."""
    if isinstance(dataset, torch.utils.data.Subset):
        inner = example_ids_of(dataset.dataset)
        return None if inner is None else inner[np.asarray(dataset.indices)]
    X = getattr(dataset, "X", None)
    if isinstance(X, dict) and EXAMPLE_ID in X:
        return np.asarray(X[EXAMPLE_ID], dtype=np.int64)
    return None


def batch_options(
    dataset: Any,
    options: dict[str, Any],
    *,
    training: bool,
    whole_examples: bool,
    group_by_length: bool,
    generator: torch.Generator,
    token_lengths: Callable[[list[str]], list[int]],
) -> dict[str, Any]:
    """How a data loader batches ``dataset``: the tuner's sampler choice.

    - With example ids, in training (and in validation when ``whole_examples``:
      the listwise loss), an :class:`ExampleBatchSampler` keeps each example's
      statements in one batch, grouped by length when ``group_by_length``;
    - else, in training, transformers' ``LengthGroupedSampler`` on token counts
      (as its ``Trainer`` groups) when ``group_by_length``, or a shuffle;
    - else (prediction, validation) the data's order.

    A ``sampler`` or ``batch_sampler`` given by the user (``iterator_train__*``)
    is left alone.

    Parameters
    ----------
    dataset : skorch Dataset or Subset
    options : dict
        The loader's keyword arguments so far (``batch_size`` resolved).
    training : bool
    whole_examples : bool
        Validation batches must keep examples whole too.
    group_by_length : bool
    generator : torch.Generator
        The tuner's source of batch orders.
    token_lengths : callable
        Token counts of statements (after the tuner's cut).

    Returns
    -------
    dict
        ``options`` with ``batch_sampler``, ``sampler`` or ``shuffle`` set.

    Raises
    ------
    ValueError
        If validation batches must keep examples whole but an example's
        statements are not consecutive in the validation data.
    """
    options = dict(options)
    if "sampler" in options or "batch_sampler" in options:
        return options
    ids = example_ids_of(dataset)
    if ids is not None and (training or whole_examples):
        shuffle = options.pop("shuffle", training)
        texts = texts_of(dataset) if (training and group_by_length) else None
        sampler = ExampleBatchSampler(
            ids,
            options.pop("batch_size"),
            lengths=None if texts is None else [len(t) for t in texts],
            shuffle=shuffle,
            generator=generator,
        )
        if not training and not sampler.contiguous:
            # skorch's scoring callbacks pair predictions with targets in
            # dataset order; a pass over scattered examples would not keep it
            raise ValueError(
                "objective='listwise' validates whole examples, so each example's "
                "statements must be consecutive in the validation data; split with "
                "early_stopping (a group-aware split is made) or a train_split that "
                "keeps examples together (e.g. sklearn's GroupShuffleSplit on "
                "example_id, statements sorted by example)"
            )
        options["batch_sampler"] = sampler
    elif training:
        shuffle = options.pop("shuffle", True)
        texts = texts_of(dataset) if (shuffle and group_by_length) else None
        if texts is not None and len(texts) > options["batch_size"]:
            from transformers.trainer_pt_utils import LengthGroupedSampler

            # Token counts, as transformers' Trainer groups: characters
            # padded 11% more tokens on bench_training's statements.
            options["sampler"] = LengthGroupedSampler(
                options["batch_size"], lengths=token_lengths(texts), generator=generator
            )
        elif shuffle:
            options["shuffle"] = True
            options["generator"] = generator
    return options


def token_lengths(tokenizer: Any, max_length: int, texts: list[str]) -> list[int]:
    """Tokens per statement after the ``max_length`` cut (the padded batch length)."""
    ids = tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]
    return [len(i) for i in ids]
