"""Contrastive label smoothing: target distributions over an example's candidate labels.

Label smoothing (Szegedy et al., 2016, Sec. 7) trains towards ``1 - eps`` on
the gold label and ``eps`` spread over the others, uniformly. Contrastive
label smoothing spreads ``eps`` by how similar each other label is to the
gold one: a label whose description is close to the gold label's (sports vs
entertainment) gets more of it than an unrelated one, so a few examples do
not push apart labels that are near in meaning. The idea is RoSPrompt's
(Philippy et al., 2025, arXiv 2503.19469); its exact formula was not
available offline, so :func:`smoothed_targets` defines it.

Similarities are cosine similarities of the labels' descriptions
(:func:`label_description`: ``"this text is about sports."``), averaged
over the templates (one per language), embedded by the statement model's
own encoder (mean-pooled last hidden states) or a sentence encoder given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from template_registry import label_descriptions

__all__ = ["label_similarity", "smoothed_targets"]


def label_similarity(
    templates: Sequence[Any], embed: Callable[[list[str]], np.ndarray]
) -> np.ndarray:
    """Cosine similarity of every pair of labels, averaged over the templates.

    Parameters
    ----------
    templates : sequence of Template
        With the classifier's classes as labels, all in the same order.
    embed : callable
        ``embed(texts) -> ndarray (len(texts), dim)`` of unit vectors.

    Returns
    -------
    ndarray of float64, shape (n_classes, n_classes)
        ``S[a, b]``: the mean over templates of the cosine similarity of
        labels ``a`` and ``b``'s descriptions (1 on the diagonal).

    Raises
    ------
    ValueError
        If a template's labels have no description (their statements
        depend on the input, as COPA's do).
    """
    out = []
    for template in templates:
        vectors = np.asarray(embed(label_descriptions(template)), dtype=np.float64)
        out.append(vectors @ vectors.T)
    return np.mean(out, axis=0)


def smoothed_targets(
    gold: np.ndarray,
    n_classes: int,
    *,
    eps: float,
    similarity: np.ndarray | None = None,
    temperature: float = 0.05,
) -> np.ndarray:
    """Target distributions over the candidate labels of each example.

    For an example with gold label ``y`` among ``K`` candidates, the
    target puts ``1 - eps`` on ``y`` and spreads ``eps`` over the others:

    - uniform (``similarity=None``): ``q_j = eps / (K - 1)`` for ``j != y``;
    - contrastive: ``q_j = eps * exp(S[y, j] / T) / sum_{m != y} exp(S[y, m] / T)``
      for ``j != y``, the softmax of the other labels' similarities to the
      gold one at temperature ``T``: the more similar a label, the more of
      ``eps`` it gets.

    ``eps = 0`` gives one-hot targets (the plain listwise loss).

    Parameters
    ----------
    gold : ndarray of int, shape (n_examples,)
        Index of each example's gold label in ``range(n_classes)``.
    n_classes : int
        ``K``, at least 2.
    eps : float in [0, 1)
        The smoothing mass.
    similarity : ndarray of shape (n_classes, n_classes), optional
        ``S``, e.g. :func:`label_similarity`; None smooths uniformly.
    temperature : float > 0, default=0.05
        ``T``. Label descriptions share their frame ("this text is about
        ..."), so their cosine similarities differ by a few hundredths;
        0.05 (SimCSE's temperature, Gao et al., 2021) turns a difference of
        0.05 into a factor of e.

    Returns
    -------
    ndarray of float64, shape (n_examples, n_classes)
        Rows sum to 1.
    """
    gold = np.asarray(gold, dtype=np.int64)
    rows = np.arange(len(gold))
    if similarity is None:
        weights = np.ones((len(gold), n_classes))
    else:
        logits = np.asarray(similarity, dtype=np.float64)[gold] / temperature
        logits[rows, gold] = -np.inf  # the softmax runs over the other labels
        weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    weights[rows, gold] = 0.0
    targets = eps * weights / weights.sum(axis=1, keepdims=True)
    targets[rows, gold] = 1.0 - eps
    return targets
