"""``EmbeddingZeroShotClassifier``: the sentence-embedding baseline, same templates."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from template_registry import label_description, render_statements

from ..backends import encode_sentences, load_sentence_encoder
from ..models import cut_middle
from ..utils import check_examples, text_input_tags
from ._labels import check_distinct_statements, fit_labels
from ._probabilities import softmax
from ._templates import check_inputs, scoring_templates

__all__ = ["EmbeddingZeroShotClassifier"]


def _encoder_of(model: Any) -> Any:
    """A fitted bi-encoder tuner's encoder (FrozenEstimator-wrapped or not), else ``model``."""
    from ..training import BiEncoderStatementTuner
    from ..utils import unwrap_frozen

    inner = unwrap_frozen(model)
    if isinstance(inner, BiEncoderStatementTuner):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(inner, "encoder_")
        return inner.encoder_
    return model


def _check_hypothesis(hypothesis: str) -> None:
    """A label description must have exactly the ``{label}`` slot."""
    import string

    example = "'This text is about {label}.'"
    try:
        names = {
            f for _, f, _, _ in string.Formatter().parse(hypothesis) if f is not None
        }
    except ValueError as exc:
        raise ValueError(
            f"hypothesis {hypothesis!r} is not a valid pattern ({exc}); write literal "
            f"braces as '{{{{' and '}}}}', e.g. {example}"
        ) from None
    if names != {"label"}:
        raise ValueError(
            f"hypothesis {hypothesis!r} must have one '{{label}}' slot and no other "
            f"placeholder (it has {sorted(names)}), e.g. {example}"
        )


class EmbeddingZeroShotClassifier(ClassifierMixin, BaseEstimator):
    """Zero-shot classifier by sentence-embedding similarity (a baseline).

    What a user without a statement model does today: embed the input and
    one description per label with a sentence encoder (mean-pooled
    sentence-transformers model, Reimers & Gurevych, 2019) and pick the
    label whose description is closest in cosine similarity. It takes the
    same ``template`` / ``labels`` as :class:`ZeroShotStatementClassifier`,
    so both can be compared on the same rows; ``benchmarks/bench_quality.py``
    and ``sklearn-statement demo`` report it next to every statement-tuned
    figure.

    Parameters
    ----------
    model : str, SentenceTransformer or BiEncoderStatementTuner, default=None
        A sentence-transformers model directory or hub id (e.g.
        :func:`sklearn_statement.offline_model`, multilingual-e5-small), or a
        fitted :class:`~sklearn_statement.BiEncoderStatementTuner` (its tuned
        encoder is shared, not copied). Required.
    template : str, Template, dict or list, default=None
        As for :class:`ZeroShotStatementClassifier` (the first template is
        used); its labels and fields define the task.
    language : str, default="en"
        Language of a registered template.
    labels : array-like, optional
        Candidate labels (default: the labels of ``y``, else the
        template's); ``classes_`` holds them sorted. The same checks as in
        :class:`ZeroShotStatementClassifier` apply (at least two, one type,
        no empty or whitespace-duplicate labels).
    hypothesis : str, optional
        A label description with a ``{label}`` slot, e.g. ``"This text is
        about {label}."`` (the ``hypothesis_template`` of transformers'
        zero-shot pipeline); the label is written with the template's
        verbalizer. None (default): a one-field template's statement with
        the input left out (:func:`label_description`: ``'"{text}" is about
        {label}.'`` gives ``"this text is about sports."``); for templates
        of several fields, each label's full statement. The input compared
        with it is the example's fields joined by spaces.
    scale : float, default=20.0
        Cosine similarities are multiplied by ``scale`` before the softmax of
        ``predict_proba`` (the scale of sentence-transformers'
        ``MultipleNegativesRankingLoss``); it does not change ``predict``.
    prompt : str or None, default=None
        Text put before every input and label description before they are
        embedded. None: the encoder's own default prompt, if its
        sentence-transformers configuration names one
        (``config_sentence_transformers.json``'s ``default_prompt_name``;
        multilingual-e5 models built by :func:`sklearn_statement.offline_model`
        use ``"query: "``, the prompt their authors prescribe for symmetric
        tasks, Wang et al., 2024, arXiv 2402.05672); ``""``: no prompt, even
        if the encoder has a default one.
    batch_size : int, default=64
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted: the column order of ``predict_proba``.
    template_labels_ : tuple
        The labels in the order they were given (``labels``, else the
        template's order).
    template_ : Template
        The template, with ``classes_`` as labels.
    encoder_ : sentence_transformers.SentenceTransformer

    See Also
    --------
    ZeroShotStatementClassifier : the statement-model classifier it is a
        baseline for.

    Examples
    --------
    >>> from sklearn_statement import EmbeddingZeroShotClassifier
    >>> clf = EmbeddingZeroShotClassifier("path/to/sentence-model", template="topic",
    ...     labels=["sports", "politics"], hypothesis="This text is about {label}.")  # doctest: +SKIP
    >>> clf.fit().predict(["Messi scored twice."])  # doctest: +SKIP
    array(['sports'], dtype='<U8')
    """

    _parameter_constraints: dict = {
        "model": "no_validation",
        "template": "no_validation",
        "language": [str],
        "labels": ["array-like", None],
        "hypothesis": [str, None],
        "scale": [Interval(Real, 0, None, closed="neither")],
        "prompt": [str, None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": "no_validation",
    }

    def __init__(
        self,
        model: Any = None,
        *,
        template: Any = None,
        language: str = "en",
        labels: Sequence[Any] | None = None,
        hypothesis: str | None = None,
        scale: float = 20.0,
        prompt: str | None = None,
        batch_size: int = 64,
        device: str = "auto",
    ) -> None:
        self.model = model
        self.template = template
        self.language = language
        self.labels = labels
        self.hypothesis = hypothesis
        self.scale = scale
        self.prompt = prompt
        self.batch_size = batch_size
        self.device = device

    def __sklearn_tags__(self):
        tags = text_input_tags(super().__sklearn_tags__())
        tags.target_tags.required = False
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any = None, y: Any = None) -> EmbeddingZeroShotClassifier:
        """Resolve the template and labels, load the encoder; nothing is trained.

        Parameters
        ----------
        X : list of str, list of dict, DataFrame, datasets.Dataset or None
            Examples; when given, their fields are checked against the
            template.
        y : array-like of shape (n_samples,), optional
            Labels; when ``labels`` is None, ``classes_`` is their sorted set.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If the model or template is missing, ``hypothesis`` has no
            ``{label}`` slot, a label has no statement, fewer than two
            labels are found, two labels give the same text to embed, a
            label is empty, ``y`` holds None, or ``X`` lacks a template
            field.
        TypeError
            If labels mix strings and numbers or are other objects.
        """
        if self.model is None:
            raise ValueError(
                "model is required: a sentence-transformers directory or hub id"
            )
        if self.hypothesis is not None:
            _check_hypothesis(self.hypothesis)
        template = scoring_templates(self.template, self.language)[0]
        given, labels, (self.template_,), _ = fit_labels(
            [template], self.labels, y, X, label_words=self.hypothesis is None
        )
        check_inputs([self.template_], X)
        self.encoder_ = load_sentence_encoder(_encoder_of(self.model), self.device)
        tokenizer = getattr(self.encoder_, "tokenizer", None)
        self.template_labels_ = tuple(given)
        self.classes_ = np.asarray(labels)
        described = self.label_descriptions()
        if described is None:
            check_distinct_statements([self.template_], labels, tokenizer)
        else:
            keys = (
                described
                if tokenizer is None
                else [tuple(ids) for ids in tokenizer(described)["input_ids"]]
            )
            if len(set(keys)) != len(keys):
                raise ValueError(
                    f"two labels give the same description ({described}); give each "
                    "label its own words (labels=, or a hypothesis='... {label} ...')"
                )
        return self

    def _fit_to_encoder(self, texts: list[str]) -> list[str]:
        """Texts over the encoder's ``max_seq_length`` lose their middle.

        The same rule as the statement side (:func:`~sklearn_statement.models.cut_middle`):
        SentenceTransformer would silently drop a long text's end, where a
        review's verdict or a headline's topic often is.
        """
        tokenizer = getattr(self.encoder_, "tokenizer", None)
        limit = getattr(self.encoder_, "max_seq_length", None)
        if tokenizer is None or not limit:
            return texts
        prompt = self.prompt_text()
        if prompt:  # the prompt's tokens count against the encoder's limit too
            limit -= len(tokenizer(prompt, add_special_tokens=False)["input_ids"])

        # a token covers at least one byte (plus a few special tokens), so
        # only texts of more bytes than the limit can be too long: the others
        # are not tokenized twice
        maybe = [i for i, t in enumerate(texts) if len(t.encode("utf-8")) + 4 > limit]
        if not maybe:
            return texts
        encoded = tokenizer(
            [texts[i] for i in maybe], return_special_tokens_mask=True, verbose=False
        )
        out = list(texts)
        for i, ids, special in zip(
            maybe, encoded["input_ids"], encoded["special_tokens_mask"]
        ):
            if len(ids) > limit:
                kept = cut_middle(ids, special, limit)
                out[i] = tokenizer.decode(kept, skip_special_tokens=True)
        return out

    def prompt_text(self) -> str:
        """The prompt put before every text: ``prompt``, else the encoder's default.

        Returns
        -------
        str
            ``""`` when there is none.
        """
        check_is_fitted(self, "encoder_")
        if self.prompt is not None:
            return self.prompt
        name = getattr(self.encoder_, "default_prompt_name", None)
        return (
            (getattr(self.encoder_, "prompts", None) or {}).get(name, "")
            if name
            else ""
        )

    def _embed(self, texts: list[str]) -> np.ndarray:
        unique = list(dict.fromkeys(texts))
        vectors = encode_sentences(
            self.encoder_,
            self._fit_to_encoder(unique),
            self.batch_size,
            prompt=self.prompt,
        )
        index = {t: i for i, t in enumerate(unique)}
        return vectors[[index[t] for t in texts]].astype(np.float64)

    def similarities(self, X: Any) -> np.ndarray:
        """Cosine similarity of each example with each label's description.

        Parameters
        ----------
        X : list of str, list of dict, DataFrame or datasets.Dataset

        Returns
        -------
        ndarray of float64, shape (n_samples, n_classes)
            In [-1, 1], columns in ``classes_`` order.
        """
        check_is_fitted(self, "classes_")
        examples = check_examples(X, self.template_.fields)
        values = [self.template_.field_values(ex) for ex in examples]
        inputs = self._embed([" ".join(v.values()) for v in values])
        k = len(self.classes_)
        described = self.label_descriptions()
        if described is not None:
            return inputs @ self._embed(described).T
        rendered, _ = render_statements(self.template_, examples)
        statements = self._embed(
            [row[lab] for row in rendered for lab in self.classes_]
        )
        return np.einsum("nd,nkd->nk", inputs, statements.reshape(len(examples), k, -1))

    def label_descriptions(self) -> list[str] | None:
        """The text each example is compared with, per label (``classes_`` order).

        Returns
        -------
        list of str or None
            From ``hypothesis``, else derived from a one-field template
            (:func:`label_description`); None for templates of several
            fields, whose full statements are used.
        """
        check_is_fitted(self, "classes_")
        if self.hypothesis is not None:
            return [
                self.hypothesis.format(label=self.template_.verbalize(lab))
                for lab in self.classes_
            ]
        if len(self.template_.fields) == 1:
            return [label_description(self.template_, lab) for lab in self.classes_]
        return None

    def decision_function(self, X: Any) -> np.ndarray:
        """The cosine similarities, shape (n_samples, n_classes)."""
        return self.similarities(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Softmax of ``scale`` x the similarities, shape (n_samples, n_classes)."""
        return softmax(self.scale * self.similarities(X))

    def predict(self, X: Any) -> np.ndarray:
        """The label with the most similar description, shape (n_samples,)."""
        return self.classes_[np.argmax(self.similarities(X), axis=1)]
