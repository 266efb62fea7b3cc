"""The hybrid: a statement model's true-logits plus an embedding model's similarities.

With ``embedding_model``, :class:`ZeroShotStatementClassifier` adds
``embedding_weight`` times the cosine similarity between the input and each
label's description (:class:`EmbeddingZeroShotClassifier`, same template and
labels) to the true-logits: the product of the two models' label
distributions (``softmax(20 * cos)`` is the embedding model's own).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["fit_embedding", "hybrid_logits"]


def fit_embedding(
    embedding_model: Any,
    template: Any,
    classes: Any,
    X: Any,
    *,
    batch_size: int,
    device: Any,
    multi_label: bool,
    normalize: str,
) -> Any:
    """The hybrid's fitted embedding classifier, or None without ``embedding_model``.

    Also None without ``classes`` (an open template fitted without labels):
    ``rank`` then fits one for each call's candidate labels.

    Raises
    ------
    ValueError
        With ``multi_label`` or ``normalize="sum"``: a hybrid is a softmax of
        summed scores, not independent P(true) per label.
    """
    if embedding_model is None:
        return None
    if multi_label or normalize != "softmax":
        raise ValueError(
            "embedding_model makes a hybrid of two label distributions (softmax of "
            "the summed scores); it cannot give independent P(true) per label: use "
            "it with multi_label=False and normalize='softmax'"
        )
    if not len(classes):
        return None
    from ._embedding import EmbeddingZeroShotClassifier

    return EmbeddingZeroShotClassifier(
        embedding_model,
        template=template,
        labels=list(classes),
        batch_size=batch_size,
        device=device,
    ).fit(X)


def hybrid_logits(
    true_logits: np.ndarray, embedding: Any, weight: float, X: Any
) -> np.ndarray:
    """``true_logits`` plus ``weight`` x the similarities of ``embedding`` (if any)."""
    if embedding is None:
        return true_logits
    return true_logits + weight * embedding.similarities(X)
