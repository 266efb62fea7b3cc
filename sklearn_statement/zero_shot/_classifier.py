"""``ZeroShotStatementClassifier``: classify by picking the most-true statement."""

from __future__ import annotations

import os
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from template_registry import render_statements

from ..backends import ScoringModel, load_scoring_model, scoring_model
from ..utils import (
    BACKENDS,
    NORMALIZE,
    PRECISIONS,
    check_examples,
    text_input_tags,
    unwrap_frozen,
)
from ._few_shot import few_shot_statements, few_shot_tuner
from ._hybrid import fit_embedding, hybrid_logits
from ._labels import check_distinct_statements, fit_labels
from ._probabilities import sigmoid, softmax
from ._rank import (
    check_candidate_labels,
    fit_labels_or_open,
    rank_embedding,
    rank_similarities,
    rank_true_logits,
    ranked,
    shortlist_keep,
)
from ._shortlist import Shortlist, fit_shortlist, place, shortlisted_ids
from ._templates import check_inputs, scoring_templates, template_fields

__all__ = ["ZeroShotStatementClassifier"]


def _check_fitted_tuner(tuner: Any) -> None:
    if not getattr(tuner, "initialized_", False) or not hasattr(tuner, "module_"):
        raise ValueError(
            "model is an unfitted StatementTuner. Fit it first; for model "
            "selection or cross-validation (where clone() makes unfitted copies) "
            "pass sklearn.frozen.FrozenEstimator(tuner) so clones share its "
            "weights, or pass the directory written by tuner.save_pretrained(dir)"
        )


class ZeroShotStatementClassifier(ClassifierMixin, BaseEstimator):
    """Zero-shot classifier: one statement per label, the most-true one wins.

    For each example, the template writes one statement per candidate label;
    a statement model (see :class:`StatementTuner`) scores each statement's
    log-odds of being true (its true-logit), and the label whose statement
    is most likely true is predicted (Statement-Tuning, arXiv 2404.12897,
    Sec. 3.3). ``fit`` trains nothing (unless ``few_shot=True``): it
    resolves the template, loads the model and sets ``classes_``.

    Parameters
    ----------
    model : StatementTuner, FrozenEstimator, str, default=None
        A fitted :class:`StatementTuner`, ``sklearn.frozen.FrozenEstimator``
        wrapping one (clones share its weights: use this in
        ``GridSearchCV``/``cross_val_score``), a directory saved with
        ``save_pretrained``, or a hub id. Required.
    template : str, Template, dict or list of them, default=None
        A registered task name (``"xnli"``, ``"sib200"``, ``"topic"``…), a
        :class:`template_registry.Template`, a dict ``{label: "statement
        with {field} slots"}``, or a list of these (their true-logits are
        averaged: a template ensemble). Required.
    language : str, default="en"
        Language of the registered template to use; English templates are
        used where no native one exists (and work for any input language,
        arXiv 2506.01592).
    labels : array-like, optional
        Candidate labels: strings, or numbers (a registered open template
        needs words, so there a number needs its own statement or
        verbalizer entry). Default: the labels of ``y`` in ``fit``, else
        the template's labels. ``classes_`` holds them sorted, whatever
        order they are given in. Fixing them keeps ``predict_proba``
        full-width in folds that miss a class (with ``labels=None``, a fold
        whose ``y`` has one class is an error). An open template
        (``"topic"``) writes any string label into its ``{label}`` slot.
    normalize : {"softmax", "sum"}, default="softmax"
        How ``predict_proba`` turns true-logits into a distribution over
        labels: softmax over the true-logits, or P(true) of each statement
        divided by their sum.
    multi_label : bool, default=False
        Score every label independently: ``predict_proba`` gives P(true) per
        label (rows need not sum to 1) and ``predict`` a 0/1 indicator
        matrix (1 where P(true) > ``threshold``).
    threshold : float in (0, 1) or None, default=None
        With ``multi_label=True``: a label is predicted when its P(true) is
        above this. None means 0.5. Setting it without ``multi_label`` is an
        error (single-label ``predict`` is the argmax).
    ensemble : bool, default=False
        With a task name as ``template``, average the true-logits of all of
        the task's registered variants in ``language`` (template ensembling).
        A ``Template`` or dict has no registered variants: ``ensemble=True``
        with one is an error (pass a list of templates instead; a list is
        always averaged).
    batch_size : int, default=64
        Statements per forward pass.
    max_length : int or None, default=None
        Token budget per statement: input fields are truncated so that the
        label part always survives. None: the tuner's ``max_length`` (also
        when read from a directory saved by ``save_pretrained``), else the
        tokenizer's limit (at most 512). It may not exceed the model's
        position limit (``config.max_position_embeddings``, less the
        padding offset of RoBERTa-style models): a larger value is an error
        in ``fit``.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
        Used when the model is loaded from a directory or the hub; a tuner's
        model stays on the tuner's device.
    precision : {"auto", "fp32", "bf16", "fp16"}, default="auto"
        Autocast dtype for scoring ("auto": bf16 on GPUs that support it,
        fp32 on CPUs; "bf16" also speeds up CPUs with AVX-512 BF16/AMX).
    progress_bar : bool or None, default=None
        Show a tqdm progress bar while scoring: None (default) follows tqdm's
        usual rule, a bar on a terminal for work of at least
        :data:`~sklearn_statement.utils.PROGRESS_STATEMENTS` statements
        (nothing in notebooks' captured output, logs or pipes); True always;
        False never.
    few_shot : bool, default=False
        Make ``fit(X, y)`` statement-tune a copy of the model on the labeled
        examples (each example gives the true statement of its label and
        false statements of the others), the few-shot setting of
        arXiv 2404.12897 (Sec. 5.3). The model given is never modified.
    few_shot_epochs : int, default=3
        Epochs of few-shot tuning.
    few_shot_lr : float, default=2e-5
        Peak learning rate of few-shot tuning.
    random_state : int or None, default=None
        Seed of few-shot tuning.
    embedding_model : str, sentence_transformers.SentenceTransformer or None, default=None
        A sentence-embedding model (e.g. the untuned backbone, if it is a
        sentence-transformers model). With it, the classifier is a hybrid:
        each label's score is its true-logit plus ``embedding_weight`` times
        the cosine similarity between the input and the label's description
        (:class:`EmbeddingZeroShotClassifier`, same template and labels), a
        product of the two models' label distributions.
        ``benchmarks/results/bench_quality.md`` measures when it helps.
    embedding_weight : float, default=20.0
        Weight of the cosine similarity in the hybrid score. 20 is the scale
        at which sentence-transformers' contrastive
        ``MultipleNegativesRankingLoss`` turns similarities into logits, so
        ``softmax(20 * cos)`` is the embedding model's own label
        distribution and the sum of scores multiplies the two
        distributions.
    backend : {"torch", "onnx", "openvino"}, default="torch"
        What runs the statement model. "onnx" (ONNX Runtime) and "openvino"
        load the graph exported into ``model`` (a directory) by
        ``StatementTuner.export`` / ``sklearn-statement export``, int8 when it
        was exported so (and gated on accuracy then), or the exported file
        ``model`` names (``"DIR/onnx/model.onnx"``); they run on the CPU,
        need ``pip install 'sklearn-statement[onnx]'`` (or ``[openvino]``)
        and no training code. With "openvino", ``precision="bf16"`` runs the
        operations that are not int8 in bf16 (not gated); "onnx" runs the
        graph as exported.
    shortlist : int, Shortlist or None, default=None
        With many labels (K >= 32), score only the ``k`` labels whose
        description is most similar to each example (see
        :class:`Shortlist`; an int means ``Shortlist(k)``: the statement
        model's own mean-pooled encoder). The other labels get a true-logit
        of ``-inf``, so probability 0; rows still sum to 1. Cost: N x k
        statement passes + N text passes instead of N x K.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted (as ``np.unique`` sorts them): the column order
        of ``predict_proba``, ``true_logits`` and a multi-label ``predict``.
        Empty when an open template (``"topic"``) is fitted with neither
        ``labels`` nor ``y``: then only :meth:`rank`, which takes each
        text's own candidate labels, works (it never reads ``classes_``).
    template_labels_ : tuple
        The same labels in the order they were given (``labels``, else the
        template's order; sorted when they come from ``y``).
    templates_ : list of Template
        The resolved template(s), with ``classes_`` as labels.
    template_ : Template
        ``templates_[0]``.
    model_ : torch.nn.Module
        The statement model (shared with a tuner, not copied, unless
        ``few_shot=True``).
    tokenizer_ : transformers tokenizer
    max_length_ : int
        The token budget in use.
    tuner_ : StatementTuner
        Only with ``few_shot=True``: the tuned copy.
    embedding_ : EmbeddingZeroShotClassifier
        Only with ``embedding_model``: the fitted embedding classifier.
    shortlist_ : ShortlistIndex or None
        The label embeddings of ``shortlist`` (None when it keeps every label).

    See Also
    --------
    StatementTuner : train a statement model.
    FewShotStatementClassifier : train a soft prompt (or the whole model) from
        k labeled examples per class.
    template_registry.get_template : registered templates.
    ZeroShotStatementClassifier.rank : each text's own candidate labels.

    Examples
    --------
    >>> from sklearn_statement import ZeroShotStatementClassifier
    >>> clf = ZeroShotStatementClassifier(model="path/to/statement-model", template="topic",
    ...                                   labels=["sports", "politics"])  # doctest: +SKIP
    >>> clf.fit(["Messi scored twice."]).predict(["Messi scored twice."])  # doctest: +SKIP
    array(['sports'], dtype='<U8')
    >>> clf.classes_  # sorted, like every scikit-learn classifier  # doctest: +SKIP
    array(['politics', 'sports'], dtype='<U8')
    """

    _parameter_constraints: dict = {
        "model": "no_validation",  # checked in fit with a message naming the fixes
        "template": "no_validation",  # likewise
        "language": [str],
        "labels": ["array-like", None],
        "normalize": [StrOptions(set(NORMALIZE))],
        "multi_label": ["boolean"],
        "threshold": [Interval(Real, 0, 1, closed="neither"), None],
        "ensemble": ["boolean"],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_length": [Interval(Integral, 8, None, closed="left"), None],
        "device": "no_validation",  # str or torch.device, checked by resolve_device
        "precision": [StrOptions(set(PRECISIONS))],
        "progress_bar": ["boolean", None],
        "few_shot": ["boolean"],
        "few_shot_epochs": [Interval(Integral, 1, None, closed="left")],
        "few_shot_lr": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
        "embedding_model": "no_validation",  # a path, hub id or SentenceTransformer
        "embedding_weight": [Interval(Real, 0, None, closed="left")],
        "backend": [StrOptions(set(BACKENDS))],
        "shortlist": [Interval(Integral, 1, None, closed="left"), Shortlist, None],
    }

    def __init__(
        self,
        model: Any = None,
        *,
        template: Any = None,
        language: str = "en",
        labels: Sequence[Any] | None = None,
        normalize: str = "softmax",
        multi_label: bool = False,
        threshold: float | None = None,
        ensemble: bool = False,
        batch_size: int = 64,
        max_length: int | None = None,
        device: str = "auto",
        precision: str = "auto",
        progress_bar: bool | None = None,
        few_shot: bool = False,
        few_shot_epochs: int = 3,
        few_shot_lr: float = 2e-5,
        random_state: int | None = None,
        embedding_model: Any = None,
        embedding_weight: float = 20.0,
        backend: str = "torch",
        shortlist: int | Shortlist | None = None,
    ) -> None:
        self.model = model
        self.template = template
        self.language = language
        self.labels = labels
        self.normalize = normalize
        self.multi_label = multi_label
        self.threshold = threshold
        self.ensemble = ensemble
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = device
        self.precision = precision
        self.progress_bar = progress_bar
        self.few_shot = few_shot
        self.few_shot_epochs = few_shot_epochs
        self.few_shot_lr = few_shot_lr
        self.random_state = random_state
        self.embedding_model = embedding_model
        self.embedding_weight = embedding_weight
        self.backend = backend
        self.shortlist = shortlist

    def __sklearn_tags__(self):
        tags = text_input_tags(super().__sklearn_tags__())
        tags.target_tags.required = bool(self.few_shot)
        tags.classifier_tags.multi_label = bool(self.multi_label)
        tags.non_deterministic = bool(self.few_shot) and self.random_state is None
        return tags

    # ---------------------------------------------------------------- pickling
    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: object's is __dict__ itself
        tuner = unwrap_frozen(self.model)
        shared = getattr(tuner, "module_", None)
        if shared is not None and state.get("model_") is shared:
            # the tuner's own model and tokenizer: pickled once, with the tuner
            del state["model_"], state["tokenizer_"]
            state["_model_of_tuner"] = True
        return state

    def __setstate__(self, state):
        if state.pop("_model_of_tuner", False):
            tuner = unwrap_frozen(state["model"])
            state["model_"], state["tokenizer_"] = tuner.module_, tuner.tokenizer_
        super().__setstate__(state)

    # ---------------------------------------------------------------- fit
    def _load_model(self) -> None:
        """Load (or take the tuner's) statement model: ``model_``, ``tokenizer_``,
        ``device_``, ``dtype_``, ``true_index_``, ``false_index_``, ``max_length_``."""
        from ..training import StatementTuner

        model = unwrap_frozen(self.model)
        if model is None:
            raise ValueError(
                "model is required: a fitted StatementTuner, FrozenEstimator(tuner), a "
                "saved directory or a hub id"
            )
        if self.backend != "torch" and not isinstance(model, (str, os.PathLike)):
            raise ValueError(
                f"backend={self.backend!r} runs a model exported into a directory, got a "
                f"{type(model).__name__}. Export it first: tuner.export(dir, backend="
                f"{self.backend!r}, quantize='int8', validation=...), then "
                f"ZeroShotStatementClassifier(dir, backend={self.backend!r})"
            )
        if self.backend != "torch" and self.few_shot:
            raise ValueError(
                f"few_shot=True trains the model, which needs backend='torch' (got {self.backend!r})"
            )
        if isinstance(model, StatementTuner):
            _check_fitted_tuner(model)
            scorer = scoring_model(
                model.module_,
                model.tokenizer_,
                model._torch_device(),
                precision=self.precision,
                max_length=self.max_length or model.max_length,
            )
        elif isinstance(model, (str, os.PathLike)):
            scorer = load_scoring_model(
                model,
                backend=self.backend,
                device=self.device,
                precision=self.precision,
                max_length=self.max_length,
            )
        else:
            raise TypeError(
                "model must be a fitted StatementTuner, FrozenEstimator(tuner), a "
                f"directory or a hub id, got {type(model).__name__}"
            )
        self.model_, self.tokenizer_ = scorer.model, scorer.tokenizer
        self.device_, self.dtype_ = scorer.device, scorer.dtype
        self.true_index_, self.false_index_ = scorer.true_index, scorer.false_index
        self.max_length_ = scorer.max_length

    def _scorer(self) -> ScoringModel:
        """The fitted statement model behind one interface (its fitted attributes)."""
        return ScoringModel(
            self.model_,
            self.tokenizer_,
            self.device_,
            self.dtype_,
            self.true_index_,
            self.false_index_,
            self.max_length_,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any = None, y: Any = None) -> ZeroShotStatementClassifier:
        """Resolve the template, load the model and set ``classes_``.

        Nothing is trained unless ``few_shot=True``.

        Parameters
        ----------
        X : list of str, list of dict, DataFrame, datasets.Dataset or None
            Examples; when given, their fields are checked against the
            template. Required (with ``y``) for ``few_shot=True``.
        y : array-like of shape (n_samples,), optional
            Labels; when ``labels`` is None, ``classes_`` is their sorted
            set. Every label needs a statement in the template. With
            neither ``labels`` nor ``y``, an open template (``"topic"``)
            gets an empty ``classes_``: only :meth:`rank` can use it.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If the template or model is missing/invalid, a label has no
            statement, fewer than two labels are found (one class in ``y``,
            a one-entry template; unless ``multi_label``), two labels give
            the same statement, a label is empty or only differs from
            another in whitespace, an open template would write a number as
            a label, ``y`` holds None, ``X`` lacks a template field,
            ``max_length`` exceeds the model's position limit, ``threshold``
            is set without ``multi_label``, ``ensemble=True`` comes with a
            single Template or dict, or ``few_shot=True`` without ``X`` and
            ``y``.
        TypeError
            If a parameter has the wrong type, or labels mix strings and
            numbers.
        """
        if self.threshold is not None and not self.multi_label:
            raise ValueError(
                f"threshold={self.threshold} applies to multi_label=True only (a "
                "single-label predict takes the most-true label); set "
                "multi_label=True or leave threshold=None"
            )
        templates = scoring_templates(self.template, self.language, self.ensemble)
        given, labels, self.templates_, y = fit_labels_or_open(
            templates, self.labels, y, self.multi_label
        ) or fit_labels(templates, self.labels, y, X, multi_label=self.multi_label)
        self.template_ = self.templates_[0]
        examples = check_inputs(self.templates_, X)
        self._load_model()
        if labels:  # none for an open template fitted without labels (rank)
            check_distinct_statements(self.templates_, labels, self.tokenizer_)
        self.template_labels_ = tuple(given)
        self.classes_ = np.asarray(labels)
        self.shortlist_ = fit_shortlist(self.shortlist, self.template_, self._scorer())
        if self.few_shot:
            self._fit_few_shot(examples, y)
        self.__dict__.pop("embedding_", None)
        embedding = fit_embedding(
            self.embedding_model,
            self.template_,
            self.classes_,
            X,
            batch_size=self.batch_size,
            device=self.device,
            multi_label=self.multi_label,
            normalize=self.normalize,
        )
        if embedding is not None:
            self.embedding_ = embedding
        return self

    def _fit_few_shot(self, examples: Any, y: Any) -> None:
        """Statement-tune a copy of the model on the labeled examples (``tuner_``)."""
        if examples is None or y is None:
            raise ValueError("few_shot=True needs labeled examples: call fit(X, y)")
        statements, targets = few_shot_statements(
            self.templates_,
            examples,
            y,
            tokenizer=self.tokenizer_,
            max_length=self.max_length_,
        )
        self.tuner_ = few_shot_tuner(
            unwrap_frozen(self.model),
            statements,
            targets,
            epochs=self.few_shot_epochs,
            lr=self.few_shot_lr,
            random_state=self.random_state,
            device=self.device,
            precision=self.precision,
            max_length=self.max_length_,
            n_examples=len(examples),
        )
        self.model_, self.tokenizer_ = self.tuner_.module_, self.tuner_.tokenizer_

    def _fields(self) -> tuple[str, ...]:
        return template_fields(self.templates_)

    # ---------------------------------------------------------------- predict
    def true_logits(self, X: Any) -> np.ndarray:
        """True-logit of every (example, label) statement.

        With several templates (an ensemble), the true-logits are averaged
        over the templates.

        Parameters
        ----------
        X : list of str, list of dict, DataFrame or datasets.Dataset
            Examples with the template's fields.

        Returns
        -------
        ndarray of float64, shape (n_samples, n_classes)
            ``log P(true)/P(false)`` of each label's statement, columns in
            ``classes_`` order; ``-inf`` for labels left out of an example's
            ``shortlist``.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If ``fit`` was not called.
        ValueError, TypeError
            For invalid input (see :func:`check_examples`); a ValueError
            when ``classes_`` is empty (an open template fitted without
            labels: use :meth:`rank`, or fit with ``labels``).
        """
        check_is_fitted(self, "classes_")
        self._check_classes()
        examples = check_examples(X, self._fields())
        k, n = len(self.classes_), len(examples)
        scorer = self._scorer()
        index = getattr(self, "shortlist_", None)
        keep = index.mask(self.template_, examples, scorer) if index else None
        flat: list[list[int]] = []
        for template in self.templates_:
            if keep is not None:  # only the shortlisted labels' statements
                flat += shortlisted_ids(
                    template, examples, keep, self.tokenizer_, self.max_length_
                )
                continue
            _, ids = render_statements(
                template,
                examples,
                tokenizer=self.tokenizer_,
                max_length=self.max_length_,
            )
            flat += [seq for row in ids for seq in row]
        z = scorer.true_logits(
            flat, batch_size=self.batch_size, progress=self.progress_bar
        )
        if keep is not None:
            return place(z, keep, len(self.templates_)).mean(axis=0)
        return z.reshape(len(self.templates_), n, k).mean(axis=0)

    def _logits(self, X: Any) -> np.ndarray:
        """True-logits, plus the weighted similarities of a hybrid."""
        return hybrid_logits(
            self.true_logits(X),
            getattr(self, "embedding_", None),
            self.embedding_weight,
            X,
        )

    def decision_function(self, X: Any) -> np.ndarray:
        """Confidence scores: the true-logits (of a hybrid: plus the weighted similarities).

        Returns
        -------
        ndarray
            Shape (n_samples, n_classes): the true-logits (see
            :meth:`true_logits`), plus ``embedding_weight`` times the cosine
            similarities with ``embedding_model``. With two classes and
            ``multi_label=False``, scikit-learn's binary convention applies:
            shape (n_samples,), the score of ``classes_[1]`` minus that of
            ``classes_[0]`` (positive means ``classes_[1]``).
        """
        z = self._logits(X)
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
        return self._probabilities(self._logits(X))

    def _probabilities(self, z: np.ndarray) -> np.ndarray:
        """Scores (n, k) -> probabilities: ``multi_label``, ``normalize``."""
        if self.multi_label:
            return sigmoid(z)
        if self.normalize == "softmax":
            return softmax(z)
        p = sigmoid(z)
        return p / np.clip(p.sum(axis=1, keepdims=True), 1e-300, None)

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels.

        Returns
        -------
        ndarray
            Shape (n_samples,) with labels from ``classes_``; with
            ``multi_label=True`` a 0/1 int64 indicator matrix (n_samples,
            n_classes), columns in ``classes_`` order, 1 where P(true) >
            ``threshold`` (0.5 when None).
        """
        z = self._logits(X)
        if self.multi_label:
            threshold = 0.5 if self.threshold is None else self.threshold
            return (sigmoid(z) > threshold).astype(np.int64)
        return self.classes_[np.argmax(z, axis=1)]

    def _check_classes(self) -> None:
        """The fixed-label methods need ``classes_``; an open template fitted without
        labels has none (only :meth:`rank` works then)."""
        if len(self.classes_):
            return
        fix = "labels=[...]" if self.multi_label else "labels=[...] (or y to fit)"
        raise ValueError(
            f"{self.template_!r} has an open label set and fit was given no labels, so "
            f"classes_ is empty: pass {fix} for true_logits/predict/predict_proba/"
            "decision_function, or give each text its own labels with "
            "rank(X, candidate_labels)"
        )

    # ---------------------------------------------------------------- rank
    def rank(self, X: Any, candidate_labels: Any) -> list[dict[str, Any]]:
        """Rank each text's own candidate labels, most probable first.

        Where ``predict_proba`` scores every text against the same
        ``classes_``, ``rank`` takes one list of labels per text (support
        tickets, product categories, intents, each with its own candidates;
        lengths may differ). All (text, label) statements of all texts are
        scored in one batched pass and split back per text. The output has
        the shape of transformers' zero-shot pipeline (``"sequence"``,
        ``"labels"``, ``"scores"``), so code written for the pipeline reads
        it unchanged.

        ``classes_`` plays no part: it stays what ``fit`` set (the labels of
        ``predict_proba``), and the template decides which labels can be
        written. An open template (``"topic"``) writes any label into its
        ``{label}`` slot, so it may be fitted without labels (``classes_`` is
        then empty and only ``rank`` works); a closed one (``"sib200"``,
        ``"xnli"``, a dict) takes candidates among its labels.

        Parameters
        ----------
        X : list of str, list of dict, DataFrame or datasets.Dataset
            Examples with the template's fields.
        candidate_labels : sequence of sequences of labels
            ``candidate_labels[i]``: the candidates of ``X[i]``, each listed
            once (a list, tuple or array; at least one).

        Returns
        -------
        list of dict, one per text, in ``X``'s order
            ``{"sequence": ..., "labels": [...], "scores": [...]}``:
            ``sequence`` is the text (one-field templates) or the example
            (a dict of the template's fields); ``labels`` the text's
            candidates sorted by ``scores`` (Python floats), highest first,
            ties in the given order. Scores are what ``predict_proba`` of a
            classifier fitted with ``labels=candidate_labels[i]`` gives
            ``X[i]``: softmax over that text's true-logits (plus the hybrid's
            weighted similarities), so they sum to 1 per text; with
            ``normalize="sum"`` P(true) divided by their sum; with
            ``multi_label=True`` independent P(true) per label (not summing
            to 1). With ``shortlist`` (k), a text with more than k candidates
            scores the k whose description is closest to it; the others get
            0 and come last.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If ``fit`` was not called.
        ValueError
            Naming the text (index from 0) and the fix: a number of lists
            other than the number of texts, an empty or None list, a None,
            NaN or empty label, a label listed twice for one text (or twice up
            to whitespace), a label the template has no statement for, a
            number written into a registered open template; invalid ``X``.
        TypeError
            A string or set instead of a text's list, a label that is not a
            string or number, strings mixed with numbers.

        See Also
        --------
        predict_proba : the same labels for every text, in ``classes_`` order.

        Examples
        --------
        >>> clf = ZeroShotStatementClassifier("path/to/statement-model",
        ...                                   template="topic").fit()  # doctest: +SKIP
        >>> clf.rank(["Messi scored twice.", "The vaccine works."],
        ...          [["sports", "politics"], ["health", "travel", "sports"]])  # doctest: +SKIP
        [{'sequence': 'Messi scored twice.', 'labels': ['sports', 'politics'],
          'scores': [0.93, 0.07]},
         {'sequence': 'The vaccine works.', 'labels': ['health', 'sports', 'travel'],
          'scores': [0.88, 0.07, 0.05]}]
        """
        check_is_fitted(self, "classes_")
        examples = check_examples(X, self._fields())
        rows = check_candidate_labels(candidate_labels, len(examples), self.templates_)
        scorer = self._scorer()
        keep = shortlist_keep(
            self.shortlist,
            getattr(self, "shortlist_", None),
            self.template_,
            examples,
            rows,
            scorer,
        )
        z = rank_true_logits(
            self.templates_,
            examples,
            rows,
            scorer,
            keep=keep,
            batch_size=self.batch_size,
            progress=self.progress_bar,
        )
        embedding = rank_embedding(
            self.embedding_model,
            getattr(self, "embedding_", None),
            self.template_,
            rows,
            batch_size=self.batch_size,
            device=self.device,
            multi_label=self.multi_label,
            normalize=self.normalize,
        )
        if embedding is not None:
            similarities = rank_similarities(embedding, examples, rows)
            z = [a + self.embedding_weight * s for a, s in zip(z, similarities)]
        probabilities = [self._probabilities(a[None, :])[0] for a in z]
        return ranked(self._sequences(examples), rows, probabilities)

    def _sequences(self, examples: list[Any]) -> list[Any]:
        """What ``rank`` returns as each ``"sequence"``: the text, or the example."""
        fields = self._fields()
        if len(fields) == 1:
            return [ex[fields[0]] for ex in examples]
        return [{f: ex[f] for f in fields} for ex in examples]
