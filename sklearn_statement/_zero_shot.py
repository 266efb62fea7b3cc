"""``ZeroShotStatementClassifier``: classify by picking the most-true statement."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from template_registry import Template, get_template, render_statements

from ._device import resolve_device, resolve_precision
from ._model_io import load_statement_model, saved_params, true_false_index
from ._scoring import true_logits
from ._validation import check_examples

__all__ = ["ZeroShotStatementClassifier"]

NORMALIZE = ("softmax", "sum")


def _unwrap(model: Any) -> Any:
    """FrozenEstimator(tuner) -> tuner."""
    from sklearn.frozen import FrozenEstimator

    while isinstance(model, FrozenEstimator):
        model = model.estimator
    return model


def _resolve_template(template: Any, language: str) -> Template:
    if template is None:
        raise ValueError(
            "template is required: a registered task name (e.g. 'xnli', 'topic'), a Template, or a dict "
            "{label: 'statement with {field} slots'}"
        )
    if isinstance(template, Template):
        return template
    if isinstance(template, str):
        return get_template(template, language=language)
    if isinstance(template, Mapping):
        if not template:
            raise ValueError(
                "template dict is empty; give one statement pattern per label"
            )
        return Template("custom", dict(template), name="custom")
    raise TypeError(
        f"template must be a task name, a Template or a dict {{label: pattern}}, got {type(template).__name__}"
    )


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class ZeroShotStatementClassifier(ClassifierMixin, BaseEstimator):
    """Zero-shot classifier: one statement per label, the most-true one wins.

    For each example, the template writes one statement per candidate label;
    a statement model (see :class:`StatementTuner`) scores each statement's
    log-odds of being true (its true-logit), and the label whose statement
    is most likely true is predicted (Statement-Tuning, arXiv 2404.12897,
    Sec. 3.3). ``fit`` trains nothing: it resolves the template, loads the
    model and sets ``classes_``.

    Parameters
    ----------
    model : StatementTuner, FrozenEstimator, str, default=None
        A fitted :class:`StatementTuner`, ``sklearn.frozen.FrozenEstimator``
        wrapping one (clones share its weights: use this in
        ``GridSearchCV``/``cross_val_score``), a directory saved with
        ``save_pretrained``, or a hub id. Required.
    template : str, Template or dict, default=None
        A registered task name (``"xnli"``, ``"sib200"``, ``"topic"``…), a
        :class:`template_registry.Template`, or a dict ``{label: "statement
        with {field} slots"}``. Required.
    language : str, default="en"
        Language of the registered template to use; English templates are
        used where no native one exists (and work for any input language,
        arXiv 2506.01592).
    labels : sequence, optional
        Candidate labels, in ``classes_`` order. Default: the labels of ``y``
        in ``fit`` (sorted), else the template's labels. An open template
        (``"topic"``) writes any label into its ``{label}`` slot.
    normalize : {"softmax", "sum"}, default="softmax"
        How ``predict_proba`` turns true-logits into a distribution over
        labels: softmax over the true-logits, or P(true) of each statement
        divided by their sum.
    multi_label : bool, default=False
        Score every label independently: ``predict_proba`` gives P(true) per
        label (rows need not sum to 1) and ``predict`` a 0/1 indicator
        matrix (threshold 0.5).
    batch_size : int, default=64
        Statements per forward pass.
    max_length : int or None, default=None
        Token budget per statement: input fields are truncated so that the
        label part always survives. None: the tuner's ``max_length`` (also
        when read from a directory saved by ``save_pretrained``), else the
        tokenizer's limit (at most 512).
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
        Used when the model is loaded from a directory or the hub; a tuner's
        model stays on the tuner's device.
    precision : {"auto", "fp32", "bf16", "fp16"}, default="auto"
        Autocast dtype for scoring ("auto": bf16 on GPUs that support it,
        fp32 on CPUs; "bf16" also speeds up CPUs with AVX-512 BF16/AMX).
    progress_bar : bool, default=False
        Show a tqdm progress bar while scoring.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, in the column order of ``predict_proba``.
    template_ : Template
        The resolved template with ``classes_`` as labels.
    model_ : torch.nn.Module
        The statement model (shared with a tuner, not copied).
    tokenizer_ : transformers tokenizer
    max_length_ : int
        The token budget in use.

    See Also
    --------
    StatementTuner : train a statement model.
    template_registry.get_template : registered templates.

    Examples
    --------
    >>> from sklearn_statement import ZeroShotStatementClassifier
    >>> clf = ZeroShotStatementClassifier(model="path/to/statement-model", template="topic",
    ...                                   labels=["sports", "politics"])  # doctest: +SKIP
    >>> clf.fit(["Messi scored twice."]).predict(["Messi scored twice."])  # doctest: +SKIP
    array(['sports'], dtype='<U8')
    """

    def __init__(
        self,
        model: Any = None,
        *,
        template: Any = None,
        language: str = "en",
        labels: Sequence[Any] | None = None,
        normalize: str = "softmax",
        multi_label: bool = False,
        batch_size: int = 64,
        max_length: int | None = None,
        device: str = "auto",
        precision: str = "auto",
        progress_bar: bool = False,
    ) -> None:
        self.model = model
        self.template = template
        self.language = language
        self.labels = labels
        self.normalize = normalize
        self.multi_label = multi_label
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = device
        self.precision = precision
        self.progress_bar = progress_bar

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.dict = True
        tags.input_tags.two_d_array = False
        tags.target_tags.required = False
        tags.classifier_tags.multi_label = bool(self.multi_label)
        return tags

    # ---------------------------------------------------------------- fit
    def _check_params(self) -> None:
        if self.normalize not in NORMALIZE:
            raise ValueError(
                f"normalize must be one of {list(NORMALIZE)}, got {self.normalize!r}"
            )
        if not isinstance(self.batch_size, (int, np.integer)) or self.batch_size < 1:
            raise ValueError(
                f"batch_size must be a positive integer, got {self.batch_size!r}"
            )
        if self.max_length is not None and (
            not isinstance(self.max_length, (int, np.integer)) or self.max_length < 8
        ):
            raise ValueError(
                f"max_length must be None or an integer >= 8, got {self.max_length!r}"
            )

    def _load_model(self) -> None:
        from ._tuner import StatementTuner

        model = _unwrap(self.model)
        if model is None:
            raise ValueError(
                "model is required: a fitted StatementTuner, FrozenEstimator(tuner), a saved directory or a hub id"
            )
        if isinstance(model, StatementTuner):
            if not getattr(model, "initialized_", False) or not hasattr(
                model, "module_"
            ):
                raise ValueError(
                    "model is an unfitted StatementTuner. Fit it first; for model selection or cross-validation "
                    "(where clone() makes unfitted copies) pass sklearn.frozen.FrozenEstimator(tuner) so clones "
                    "share its weights, or pass the directory written by tuner.save_pretrained(dir)"
                )
            self.model_, self.tokenizer_ = model.module_, model.tokenizer_
            self.device_ = model._torch_device()
            tuner_length = model.max_length
        elif isinstance(model, (str, os.PathLike)):
            self.device_ = resolve_device(self.device)
            self.model_, self.tokenizer_ = load_statement_model(os.fspath(model))
            self.model_.to(self.device_)
            tuner_length = saved_params(os.fspath(model)).get("max_length")
        else:
            raise TypeError(
                "model must be a fitted StatementTuner, FrozenEstimator(tuner), a directory or a hub id, "
                f"got {type(model).__name__}"
            )
        self.true_index_, self.false_index_ = true_false_index(self.model_)
        limit = min(int(getattr(self.tokenizer_, "model_max_length", 512) or 512), 512)
        self.max_length_ = int(self.max_length or tuner_length or limit)
        self.dtype_ = resolve_precision(self.precision, self.device_)

    def fit(self, X: Any = None, y: Any = None) -> ZeroShotStatementClassifier:
        """Resolve the template, load the model and set ``classes_`` (no training).

        Parameters
        ----------
        X : list of str, list of dict, DataFrame or None
            Examples; when given, their fields are checked against the
            template.
        y : array-like of shape (n_samples,), optional
            Labels; when ``labels`` is None, ``classes_`` is their sorted
            set. Every label needs a statement in the template.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If the template or model is missing/invalid, a label has no
            statement, or ``X`` lacks a template field.
        TypeError
            If a parameter has the wrong type.
        """
        self._check_params()
        template = _resolve_template(self.template, self.language)
        if self.labels is not None:
            labels = list(self.labels)
            if not labels:
                raise ValueError("labels is empty; give at least two candidate labels")
        elif y is not None and not self.multi_label:
            labels = np.unique(np.asarray(y)).tolist()
        else:
            labels = list(template.labels)
        if not labels:
            raise ValueError(
                f"{template!r} has an open label set; pass labels=[...] (or y to fit)"
            )
        if len(set(labels)) != len(labels):
            raise ValueError(f"labels must be distinct, got {labels}")
        missing = [
            lab
            for lab in labels
            if lab not in template.patterns and not template.is_open
        ]
        if missing:
            raise ValueError(
                f"label(s) {missing} have no statement in {template!r} (its labels: {list(template.labels)}); "
                "pass labels= a subset of them, or use a template with a {label} slot"
            )
        self.template_ = template.with_labels(labels)
        if X is not None:
            check_examples(X, self.template_.fields)
        self._load_model()
        self.classes_ = np.asarray(labels)
        return self

    # ---------------------------------------------------------------- predict
    def true_logits(self, X: Any) -> np.ndarray:
        """True-logit of every (example, label) statement.

        Parameters
        ----------
        X : list of str, list of dict, DataFrame or datasets.Dataset
            Examples with the template's fields.

        Returns
        -------
        ndarray of float64, shape (n_samples, n_classes)
            ``log P(true)/P(false)`` of each label's statement, columns in
            ``classes_`` order.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If ``fit`` was not called.
        ValueError, TypeError
            For invalid input (see :func:`check_examples`).
        """
        check_is_fitted(self, "classes_")
        examples = check_examples(X, self.template_.fields)
        _, ids = render_statements(
            self.template_,
            examples,
            tokenizer=self.tokenizer_,
            max_length=self.max_length_,
        )
        k = len(self.classes_)
        flat = [seq for row in ids for seq in row]
        scores = true_logits(
            self.model_,
            flat,
            pad_id=self.tokenizer_.pad_token_id,
            true_index=self.true_index_,
            false_index=self.false_index_,
            batch_size=self.batch_size,
            device=self.device_,
            dtype=self.dtype_,
            progress=self.progress_bar,
        )
        return scores.reshape(len(examples), k)

    def decision_function(self, X: Any) -> np.ndarray:
        """Confidence scores: the true-logits.

        Returns
        -------
        ndarray
            Shape (n_samples, n_classes): the true-logits (see
            :meth:`true_logits`). With two classes and ``multi_label=False``,
            scikit-learn's binary convention applies: shape (n_samples,), the
            true-logit of ``classes_[1]`` minus that of ``classes_[0]``
            (positive means ``classes_[1]``).
        """
        z = self.true_logits(X)
        if z.shape[1] == 2 and not self.multi_label:
            return z[:, 1] - z[:, 0]
        return z

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities.

        Returns
        -------
        ndarray of float64, shape (n_samples, n_classes)
            Columns in ``classes_`` order. Rows sum to 1 unless
            ``multi_label=True`` (then: independent P(true) per label).
        """
        z = self.true_logits(X)
        if self.multi_label:
            return _sigmoid(z)
        if self.normalize == "softmax":
            return _softmax(z)
        p = _sigmoid(z)
        return p / np.clip(p.sum(axis=1, keepdims=True), 1e-300, None)

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels.

        Returns
        -------
        ndarray
            Shape (n_samples,) with labels from ``classes_``; with
            ``multi_label=True`` a 0/1 indicator matrix (n_samples, n_classes).
        """
        if self.multi_label:
            return (self.true_logits(X) > 0).astype(np.int64)
        z = self.true_logits(X)
        return self.classes_[np.argmax(z, axis=1)]
