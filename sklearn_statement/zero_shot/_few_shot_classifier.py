"""``FewShotStatementClassifier``: adapt a statement model to a task from k examples per class.

The few-shot sibling of :class:`ZeroShotStatementClassifier`, in the way
skorch's ``llm`` module pairs ``ZeroShotClassifier`` with
``FewShotClassifier``: ``fit(X, y)`` trains on k labeled examples per class,
then a :class:`ZeroShotStatementClassifier` on the tuned model predicts
(``classifier_``). ``method="prompt"`` trains a soft prompt of a frozen
statement model (the RoSPrompt idea, Philippy et al., 2025, arXiv
2503.19469, in this project's terms; ``_prompt``, ``_smoothing``);
``method="full"`` continues statement tuning of the whole model (the few-shot
setting of arXiv 2404.12897, Sec. 5.3; ``_few_shot``).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from dataclasses import replace
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from template_registry import render_statements

from ..models import position_limit
from ..utils import FEW_SHOT_METHODS, PRECISIONS, text_input_tags, unwrap_frozen
from ._classifier import ZeroShotStatementClassifier, _check_fitted_tuner
from ._few_shot import (
    few_shot_seed,
    few_shot_statements,
    few_shot_templates,
    few_shot_tuner,
    seeded,
    select_shots,
)
from ._labels import fit_labels
from ._prompt import (
    PromptTraining,
    add_soft_prompt,
    check_plain_model,
    train_soft_prompt,
)
from ._shortlist import Shortlist, _Embedder
from ._smoothing import label_similarity, smoothed_targets
from ._templates import check_inputs

__all__ = ["FewShotStatementClassifier"]

#: Defaults of ``epochs`` and ``lr`` per ``method`` (None picks them). "full":
#: those of ``ZeroShotStatementClassifier(few_shot=True)``; "prompt": AdamW on
#: embeddings whose entries have a standard deviation of about 0.08
#: (multilingual-e5-small), so 70 steps at 3e-3 can move each by about 0.2.
METHOD_DEFAULTS = {"prompt": (10, 3e-3), "full": (3, 2e-5)}


def _own_tuner(model: Any, device: Any, precision: str, max_length: int | None) -> Any:
    """A fitted StatementTuner of ``model`` that may be modified (a copy, or loaded)."""
    from ..training import StatementTuner

    if model is None:
        raise ValueError(
            "model is required: a fitted StatementTuner, FrozenEstimator(tuner), a "
            "saved directory or a hub id"
        )
    if isinstance(model, StatementTuner):
        _check_fitted_tuner(model)
        return copy.deepcopy(model)
    if isinstance(model, (str, os.PathLike)):
        params = {"device": device, "precision": precision, "verbose": 0}
        if max_length is not None:
            params["max_length"] = max_length
        return StatementTuner.from_pretrained(model, **params)
    raise TypeError(
        "model must be a fitted StatementTuner, FrozenEstimator(tuner), a directory "
        f"or a hub id, got {type(model).__name__}"
    )


def _on_disk(model: Any) -> bool:
    """Whether the statement model's weights are those of its directory or hub id.

    A directory or hub id, or a tuner loaded from one (``from_pretrained``:
    no epochs trained); a tuner trained in memory is not.
    """
    return isinstance(model, (str, os.PathLike)) or not len(model.history_)


def _training_ids(
    templates: Sequence[Any], examples: Sequence[Any], tokenizer: Any, budget: int
) -> list[list[list[int]]]:
    """Each example's statements as token ids, template by template, in class order."""
    per_template = [
        render_statements(t, examples, tokenizer=tokenizer, max_length=budget)[1]
        for t in templates
    ]
    return [
        [seq for ids in per_template for seq in ids[i]] for i in range(len(examples))
    ]


class FewShotStatementClassifier(ClassifierMixin, BaseEstimator):
    """Few-shot classifier: tune a statement model on k labeled examples per class.

    ``fit(X, y)`` draws ``shots`` examples of every class from ``X`` (all of
    them when a class has exactly ``shots``), trains on them, and predicts
    like :class:`ZeroShotStatementClassifier` with the tuned model: one
    statement per label, the most-true one wins.

    ``method="prompt"`` (default) trains a soft prompt (Lester et al., 2021)
    for the frozen statement model: ``num_virtual_tokens`` vectors before
    every statement, nothing else changes. It follows RoSPrompt (Philippy et
    al., 2025, arXiv 2503.19469: soft prompts for a small multilingual
    encoder, trained from 8 examples per class in one language, with a loss
    penalty, contrastive label smoothing and label verbalizations in several
    languages). RoSPrompt's exact formulas were not available offline; what
    is implemented instead, each part switchable:

    - **listwise training**: the candidate statements of an example are
      scored together and the loss is the cross-entropy of the softmax over
      their true-logits (the prediction rule) with a target distribution;
    - **contrastive label smoothing** (``label_smoothing``, ``contrastive``):
      the target gives the gold label ``1 - eps`` and spreads ``eps`` over
      the other labels by the softmax (temperature ``smoothing_temperature``)
      of their label descriptions' cosine similarity to the gold label's;
      ``contrastive=False`` spreads it uniformly, ``label_smoothing=0`` not
      at all;
    - **prompt penalty** (``prompt_penalty``): ``prompt_penalty *
      ||P - P0||_F^2``, the squared distance of the virtual-token embeddings
      ``P`` from their initial values (L2-SP, Li et al., 2018); 0 turns it off;
    - **label statements in several languages** (``languages``): the task's
      registered template in each language; a class's true-logit is the mean
      over the languages, in training and in prediction;
      ``languages=["en"]`` uses English only.

    The loss of a batch ``B`` of examples:
    ``(1/|B|) sum_i -sum_j q_ij log softmax(zbar_i)_j + prompt_penalty *
    ||P - P0||_F^2``, where ``zbar_ij`` is the true-logit of example ``i``'s
    statement for class ``j`` averaged over the languages and ``q_i`` its
    target distribution.

    ``method="full"`` instead continues statement tuning of a copy of the
    whole model with the paper's binary loss (arXiv 2404.12897, Sec. 5.3;
    what ``ZeroShotStatementClassifier(few_shot=True)`` does): the baseline
    to compare with. The prompt's parameters (``num_virtual_tokens``,
    ``label_smoothing``, ``contrastive``, ``smoothing_temperature``,
    ``similarity_encoder``, ``prompt_penalty``, ``batch_size``) do not apply
    to it; with several languages, example ``i`` is written with the
    ``i % n_languages``-th template.

    Parameters
    ----------
    model : StatementTuner, FrozenEstimator, str, default=None
        A fitted statement model: a :class:`StatementTuner` (copied, never
        modified), ``FrozenEstimator(tuner)``, a directory saved with
        ``save_pretrained`` or a hub id. Required.
    template : str, Template, dict or list of them, default=None
        A registered task name (``"sib200"``, ``"topic"``...), whose template
        in each of ``languages`` is used; or a Template, a dict ``{label:
        "statement with {field} slots"}``, or a list of these (averaged: give
        one per language for your own verbalizations). Required.
    languages : sequence of str, default=("en",)
        Languages of the label statements, for a task name: each must have a
        native template (``template_registry.list_templates(task)``). Several
        languages cost as many statements per example, in training and in
        prediction.
    labels : array-like, optional
        The classes; default: the labels of ``y``. Each needs ``shots``
        examples.
    shots : int or None, default=8
        Examples per class to train on, drawn with ``random_state`` when a
        class has more. A class with fewer is an error. None: every example.
    method : {"prompt", "full"}, default="prompt"
        Train a soft prompt of the frozen model, or the whole model.
    num_virtual_tokens : int, default=10
        Length of the soft prompt. Each statement gets this many more
        positions (its token budget shrinks so that the model's position
        limit holds). The first virtual token starts as the ``[CLS]``
        embedding (the heads read the first position), the others as
        embeddings of tokens drawn from the training statements.
    label_smoothing : float in [0, 1), default=0.1
        ``eps``: the target mass given to the labels that are not the gold one.
    contrastive : bool, default=True
        Spread ``eps`` by label similarity (True) or uniformly (False).
    smoothing_temperature : float, default=0.05
        Temperature of the softmax over label similarities.
    similarity_encoder : None, str, PathLike or callable, default=None
        What embeds the label descriptions for ``contrastive``: None, the
        statement model's own encoder (mean-pooled last hidden states); a
        sentence-transformers directory; or ``f(texts) -> (n, dim) array``.
    prompt_penalty : float, default=0.01
        Weight of ``||P - P0||_F^2`` in the loss.
    epochs : int or None, default=None
        Passes over the examples; None: 10 for "prompt", 3 for "full".
    lr : float or None, default=None
        Peak learning rate (AdamW, linear warmup and decay); None: 3e-3 for
        "prompt", 2e-5 for "full".
    batch_size : int, default=8
        Examples per optimizer step ("prompt").
    statement_batch_size : int, default=64
        Statements per forward pass in training ("prompt"; whole examples)
        and prediction.
    max_length : int or None, default=None
        Token budget per statement (the virtual tokens not counted); None:
        the tuner's ``max_length``, or the tokenizer's limit.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
        For a model loaded from a directory; a tuner's copy stays on its device.
    precision : {"auto", "fp32", "bf16", "fp16"}, default="auto"
        Autocast dtype for training and scoring.
    random_state : int, RandomState or None, default=None
        Which examples are drawn, the prompt's initial tokens, the example
        order and dropout: two fits with the same int are identical.
    verbose : int, default=0
        Print the losses of every epoch ("prompt").

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted: the column order of ``predict_proba``.
    templates_ : list of Template
        The templates scored (one per language), with ``classes_`` as labels.
    shot_indices_ : ndarray of int64, shape (n_shots,)
        Rows of ``X`` trained on, in input order.
    targets_ : ndarray of shape (n_shots, n_classes)
        "prompt": the target distribution of each example trained on.
    label_similarity_ : ndarray of shape (n_classes, n_classes)
        "prompt" with ``contrastive`` and ``label_smoothing > 0``: the label
        similarities the targets were smoothed with.
    history_ : list of dict
        "prompt": per epoch, ``loss`` (cross-entropy) and ``penalty``.
    tuner_ : StatementTuner
        The tuned model: a soft-prompt adapter ("prompt") or a tuned copy
        ("full"). ``tuner_.save_pretrained(dir)`` writes the prompt as a peft
        adapter whose base is the statement model's directory; a
        ``ZeroShotStatementClassifier(dir, ...)`` loads it. Start from a
        directory (or a tuner loaded from one) to share a prompt: the
        adapter of a tuner trained in memory names no base model, and
        loading it is an error.
    classifier_ : ZeroShotStatementClassifier
        The fitted classifier that predicts with ``tuner_``.
    max_length_ : int
        The token budget per statement.

    See Also
    --------
    ZeroShotStatementClassifier : the same prediction rule without training.
    StatementTuner : train a statement model (``peft="prompt"``: prompt tuning
        with the binary loss on statements).

    Examples
    --------
    >>> from sklearn_statement import FewShotStatementClassifier
    >>> clf = FewShotStatementClassifier("path/to/statement-model", template="sib200",
    ...                                  languages=["en", "de", "sw"],
    ...                                  random_state=0)  # doctest: +SKIP
    >>> clf.fit(texts, topics).predict(["Messi scored twice."])  # doctest: +SKIP
    array(['sports'], dtype='<U18')
    """

    _parameter_constraints: dict = {
        "model": "no_validation",  # checked in fit with a message naming the fixes
        "template": "no_validation",  # likewise
        "languages": "no_validation",  # likewise (few_shot_templates)
        "labels": ["array-like", None],
        "shots": [Interval(Integral, 1, None, closed="left"), None],
        "method": [StrOptions(set(FEW_SHOT_METHODS))],
        "device": "no_validation",  # str or torch.device, checked by resolve_device
        "precision": [StrOptions(set(PRECISIONS))],
        "random_state": ["random_state"],
        "num_virtual_tokens": [Interval(Integral, 1, None, closed="left")],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "contrastive": ["boolean"],
        "smoothing_temperature": [Interval(Real, 0, None, closed="neither")],
        "similarity_encoder": "no_validation",  # checked by Shortlist
        "prompt_penalty": [Interval(Real, 0, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left"), None],
        "lr": [Interval(Real, 0, None, closed="neither"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "statement_batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_length": [Interval(Integral, 8, None, closed="left"), None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        model: Any = None,
        *,
        template: Any = None,
        languages: Sequence[str] = ("en",),
        labels: Sequence[Any] | None = None,
        shots: int | None = 8,
        method: str = "prompt",
        num_virtual_tokens: int = 10,
        label_smoothing: float = 0.1,
        contrastive: bool = True,
        smoothing_temperature: float = 0.05,
        similarity_encoder: Any = None,
        prompt_penalty: float = 0.01,
        epochs: int | None = None,
        lr: float | None = None,
        batch_size: int = 8,
        statement_batch_size: int = 64,
        max_length: int | None = None,
        device: str = "auto",
        precision: str = "auto",
        random_state: Any = None,
        verbose: int = 0,
    ) -> None:
        # stored as given; fit validates them (_parameter_constraints)
        self.model, self.template, self.languages = model, template, languages
        self.labels = labels
        self.shots = shots
        self.method = method
        self.num_virtual_tokens = num_virtual_tokens
        self.label_smoothing = label_smoothing
        self.contrastive = contrastive
        self.smoothing_temperature = smoothing_temperature
        self.similarity_encoder = similarity_encoder
        self.prompt_penalty = prompt_penalty
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.statement_batch_size = statement_batch_size
        self.max_length = max_length
        self.device = device
        self.precision = precision
        self.random_state = random_state
        self.verbose = verbose

    # ---------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any) -> FewShotStatementClassifier:
        """Draw ``shots`` examples per class, train on them and set ``classes_``.

        Parameters
        ----------
        X : list of str, list of dict, DataFrame or datasets.Dataset
            Labeled examples with the template's fields.
        y : array-like of shape (n_samples,)
            Their labels.

        Returns
        -------
        FewShotStatementClassifier
            ``self``, fitted.

        Raises
        ------
        ValueError
            If ``X`` or ``y`` is missing, fewer than two classes are given, a
            class has fewer than ``shots`` examples, ``y`` holds a label that
            is not among ``labels``, a language has no template of the task,
            the template or model is invalid (as in
            :meth:`ZeroShotStatementClassifier.fit`), or the model already
            carries a peft adapter (``method="prompt"``).
        TypeError
            If a parameter has the wrong type.
        """
        if X is None or y is None:
            raise ValueError(
                "FewShotStatementClassifier.fit needs labeled examples: fit(X, y) with "
                f"{self.shots or 'some'} examples of every class"
            )
        templates = few_shot_templates(self.template, self.languages)
        given, classes, templates, y = fit_labels(templates, self.labels, y, X)
        examples = check_inputs(templates, X)
        seed = few_shot_seed(self.random_state)
        self.shot_indices_ = select_shots(y, classes, self.shots, seed)
        examples = [examples[i] for i in self.shot_indices_]
        y = y[self.shot_indices_]
        for name in ("targets_", "label_similarity_", "history_"):
            self.__dict__.pop(name, None)
        fit_method = self._fit_prompt if self.method == "prompt" else self._fit_full
        self.tuner_ = fit_method(templates, given, examples, y, seed)
        self.classifier_ = self._zero_shot(
            self.tuner_, templates, given, self.max_length_
        ).fit()
        self.classes_ = self.classifier_.classes_
        self.templates_ = self.classifier_.templates_
        return self

    def _zero_shot(
        self, model: Any, templates: Any, labels: Any, max_length: int | None
    ) -> ZeroShotStatementClassifier:
        """The zero-shot classifier of ``model`` with this classifier's settings."""
        return ZeroShotStatementClassifier(
            model,
            template=list(templates),
            labels=list(labels),
            batch_size=self.statement_batch_size,
            max_length=max_length,
            device=self.device,
            precision=self.precision,
        )

    def _epochs_lr(self) -> tuple[int, float]:
        epochs, lr = METHOD_DEFAULTS[self.method]
        return self.epochs or epochs, self.lr or lr

    def _fit_full(
        self, templates: Any, labels: Any, examples: Any, y: Any, seed: Any
    ) -> Any:
        """Statement-tune a copy of the whole model (``few_shot_tuner``)."""
        model = unwrap_frozen(self.model)
        base = self._zero_shot(model, templates, labels, self.max_length)
        base.fit(examples, y)
        statements, truth = few_shot_statements(
            base.templates_,
            examples,
            y,
            tokenizer=base.tokenizer_,
            max_length=base.max_length_,
        )
        epochs, lr = self._epochs_lr()
        self.max_length_ = base.max_length_
        with seeded(seed):  # dropout too: a tuner's copy is not re-initialized
            return few_shot_tuner(
                model,
                statements,
                truth,
                epochs=epochs,
                lr=lr,
                random_state=seed,
                device=self.device,
                precision=self.precision,
                max_length=base.max_length_,
                n_examples=len(examples),
            )

    def _fit_prompt(
        self, templates: Any, labels: Any, examples: Any, y: Any, seed: Any
    ) -> Any:
        """Train a soft prompt of a frozen copy of the model (``_prompt``)."""
        tuner = _own_tuner(
            unwrap_frozen(self.model), self.device, self.precision, self.max_length
        )
        check_plain_model(tuner.module_)
        base = self._zero_shot(tuner, templates, labels, self.max_length)
        base.fit(examples, y)
        scorer = base._scorer()  # the tuner's own model, shared
        limit = position_limit(scorer.model)
        budget = base.max_length_
        if limit is not None:
            budget = min(budget, limit - self.num_virtual_tokens)
        ids = _training_ids(base.templates_, examples, base.tokenizer_, budget)
        self.targets_ = self._targets(base, y)
        n = self.num_virtual_tokens
        init = [token for row in ids for seq in row for token in seq]
        tuner.module_ = add_soft_prompt(tuner.module_, base.tokenizer_, n, init, seed)
        if not _on_disk(unwrap_frozen(self.model)):
            # the statement model's weights exist in memory only: a saved prompt
            # must not name a directory that holds other weights as its base
            config = tuner.module_.peft_config[tuner.module_.active_adapter]
            config.base_model_name_or_path = ""
        tuner.set_params(max_length=budget)
        # set as skorch's set_params sets these prefixed names, without it
        # re-initializing the fitted net: a refit would build the same prompt
        tuner.peft, tuner.peft__num_virtual_tokens = "prompt", n
        epochs, lr = self._epochs_lr()
        config = PromptTraining(
            epochs=epochs,
            batch_size=self.batch_size,
            lr=lr,
            penalty=self.prompt_penalty,
            statement_batch_size=self.statement_batch_size,
            seed=seed,
            verbose=self.verbose,
        )
        prompted = replace(scorer, model=tuner.module_)
        self.history_ = train_soft_prompt(prompted, ids, self.targets_, config)
        self.max_length_ = budget
        return tuner

    def _targets(self, base: ZeroShotStatementClassifier, y: np.ndarray) -> np.ndarray:
        """The target distribution of each training example (``smoothed_targets``)."""
        classes = list(base.classes_)
        gold = np.asarray([classes.index(label) for label in y.tolist()])
        similarity = None
        if self.contrastive and self.label_smoothing > 0:
            spec = Shortlist(
                1, encoder=self.similarity_encoder, batch_size=self.statement_batch_size
            )
            embedder, scorer = _Embedder(spec), base._scorer()
            similarity = label_similarity(
                base.templates_, lambda texts: embedder(scorer, texts)
            )
            self.label_similarity_ = similarity
        return smoothed_targets(
            gold,
            len(classes),
            eps=self.label_smoothing,
            similarity=similarity,
            temperature=self.smoothing_temperature,
        )

    def __sklearn_tags__(self):
        tags = text_input_tags(super().__sklearn_tags__())
        tags.non_deterministic = self.random_state is None
        tags.target_tags.required = True  # fit trains on labeled examples
        return tags

    # ---------------------------------------------------------------- predict
    def true_logits(self, X: Any) -> np.ndarray:
        """True-logit of every (example, class), averaged over the languages.

        Returns
        -------
        ndarray of float64, shape (n_samples, n_classes)
            Columns in ``classes_`` order.
        """
        check_is_fitted(self, "classifier_")
        return self.classifier_.true_logits(X)

    def decision_function(self, X: Any) -> np.ndarray:
        """The true-logits; with two classes, ``classes_[1]``'s minus ``classes_[0]``'s."""
        check_is_fitted(self, "classifier_")
        return self.classifier_.decision_function(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Softmax over the true-logits, shape (n_samples, n_classes), ``classes_`` order."""
        check_is_fitted(self, "classifier_")
        return self.classifier_.predict_proba(X)

    def predict(self, X: Any) -> np.ndarray:
        """The class whose statement is most likely true, shape (n_samples,)."""
        check_is_fitted(self, "classifier_")
        return self.classifier_.predict(X)
