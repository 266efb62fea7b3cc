"""From true-logits (or similarities) to probabilities: softmax across labels, sigmoid per label."""

from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "softmax"]


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))
