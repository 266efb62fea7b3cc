"""``StatementTuner``: fine-tune an encoder to judge statements true or false.

The class holds skorch's hooks; the rest lives beside it: the training data
and its checks (``_data``), batching and the sampler choice (``_batching``),
the objectives (``_objectives``), callbacks (``_callbacks``), what a pickle
keeps (``_pickling``) and what ``save_pretrained`` writes (``_save``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from functools import partial
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from skorch import NeuralNetClassifier
from skorch.dataset import ValidSplit
from skorch.utils import TeeGenerator, is_dataset, to_tensor

from ..models import (
    SAVED_PARAMS,
    bitsandbytes_config,
    check_max_length,
    freeze_word_embeddings,
    load_statement_model,
    saved_params,
    with_peft,
)
from ..utils import (
    OBJECTIVES,
    PEFT_METHODS,
    PRECISIONS,
    autocast,
    check_binary_targets,
    quiet_transformers,
    resolve_device,
    resolve_precision,
)
from ._batching import EXAMPLE_ID, StatementCollator, batch_options, token_lengths
from ._callbacks import tuner_callbacks
from ._data import (
    check_both_truths,
    group_split,
    statement_array,
    statement_table,
    table_summary,
    training_data,
    training_stats,
    warn_without_example_ids,
)
from ._objectives import objective_loss
from ._pickling import pickle_state, unpickle_state
from ._save import push_tuner, save_tuner

__all__ = ["DEFAULT_MODEL", "StatementTuner"]

DEFAULT_MODEL = "microsoft/mdeberta-v3-base"


class StatementTuner(NeuralNetClassifier):
    """Statement-tune an encoder: a 2-way (false, true) classifier over statements.

    A skorch net around a transformers sequence-classification model
    (Statement-Tuning, Elshabrawy et al., 2024, arXiv 2404.12897, Sec. 3;
    multilingual: arXiv 2506.01592). Training runs through skorch's loop, so
    history, callbacks, ``set_params(optimizer__weight_decay=...)``,
    ``partial_fit`` and ``warm_start`` work as in skorch; statements are
    tokenized per batch and padded dynamically, and batches group statements
    of similar length.

    Parameters
    ----------
    model : str, default="microsoft/mdeberta-v3-base"
        Hub id or local directory of the encoder (a plain encoder gets a new
        2-way head; a statement model or peft adapter directory continues
        training). The model is loaded in ``fit``, never in ``__init__``.
    max_length : int, default=128
        Token limit per statement, special tokens included. A longer
        statement keeps its first and last tokens and loses the middle (see
        :class:`~sklearn_statement.training.StatementCollator`): the end of
        a statement, where templates usually put the label part ("... is
        about sports."), always survives; the same rule applies in ``fit``
        and ``predict_proba``. It may not exceed the model's position limit
        (``config.max_position_embeddings``): a larger value is an error
        when the model is loaded or used.
    batch_size : int, default=32
        Statements per forward pass.
    max_epochs : int, default=3
        Passes over the statements.
    lr : float, default=2e-5
        Peak learning rate of AdamW (linear warmup + decay, see
        :class:`WarmupLinearSchedule`; the paper fine-tunes at 1e-5 to 5e-5).
    peft : {None, "lora", "qlora", "prompt"}, default=None
        Parameter-efficient fine-tuning: LoRA (Hu et al., 2021), QLoRA (4-bit
        NF4 base + LoRA, Dettmers et al., 2023; CUDA only) or soft prompt
        tuning (Lester et al., 2021). Options go in ``peft__*`` parameters,
        e.g. ``peft__r=16``, ``peft__num_virtual_tokens=10``.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
        "auto" is CUDA when available, else CPU.
    precision : {"auto", "fp32", "bf16", "fp16"}, default="auto"
        Autocast dtype: "auto" is bf16 on GPUs that support it, else fp32.
    random_state : int or None, default=None
        Seeds the head initialisation, dropout, batch order and validation
        split.
    objective : {"binary", "listwise"}, default="binary"
        Training loss. ``"binary"``: the paper's cross-entropy of each
        statement's true/false label (arXiv 2404.12897, Sec. 3). ``"listwise"``:
        that loss plus the cross-entropy of a softmax over the true-logits of
        each example's candidate statements, the true one being the target
        (:func:`~sklearn_statement.training.listwise_loss`; the rule used at
        prediction time); it needs ``fit(X, y, example_id=...)`` with exactly
        one true statement per example.
    group_by_length : bool, default=True
        Batch statements of similar length together (transformers'
        ``LengthGroupedSampler`` on token counts, as its ``Trainer`` does) to
        waste less compute on padding. With ``example_id``, whole examples are
        grouped by their statements' character count instead (the ordering
        the demo's recipe was measured with).
    max_grad_norm : float or None, default=1.0
        Clip the gradient's global L2 norm to this value before every
        optimizer step (skorch ``GradientNormClipping``; 1.0 is the default of
        transformers' ``Trainer``); None does not clip.
    gradient_accumulation_steps : int, default=1
        Batches whose gradients are summed before an optimizer step (the
        effective batch is ``batch_size * gradient_accumulation_steps``).
    early_stopping : int or None, default=None
        Patience in epochs: stop when the validation loss has not improved
        for this many epochs and restore the best weights (skorch
        ``EarlyStopping(load_best=True)``). Without ``train_split``, 10% of
        the statements (stratified) are held out for validation.
    checkpoint_dir : str, PathLike or None, default=None
        Save the training state after every epoch and resume an interrupted
        ``fit`` from it (see :class:`ResumableCheckpoint`).
    freeze_embeddings : bool, default=False
        Keep the word-embedding matrix fixed: no gradient, optimizer state or
        update for it. For encoders with large multilingual vocabularies
        (multilingual-e5-small: 96M of its 118M parameters are the 250k x 384
        embedding matrix) this removes most of the optimizer's work and
        memory, and leaves the rows of tokens absent from the training
        statements (other languages' words) where pretraining put them.
    optimizer : torch optimizer class, default=torch.optim.AdamW
        Adam and AdamW use PyTorch's fused implementation (``fused=True``)
        unless ``optimizer__fused`` or ``optimizer__foreach`` is given: one
        fused step is several times faster than the default per-tensor loop
        on a CPU, which matters next to the forward and backward passes of a
        small encoder (``benchmarks/bench_training.py``; its figures against
        the ``Trainer`` are in ``benchmarks/results/bench_training.json``).
    train_split : callable or None, default=None
        skorch validation split (e.g. ``skorch.dataset.ValidSplit(0.1)``);
        None trains on everything (unless ``early_stopping`` is set).
    callbacks : list or None, default=None
        Extra skorch callbacks. Default callbacks add ``lr_schedule``
        (:class:`WarmupLinearSchedule`), a progress bar (when ``verbose``),
        and ``early_stopping`` / ``checkpoint`` when asked for.
    verbose : int, default=1
        Print skorch's epoch table and a progress bar, and transformers'
        loading messages (its weight-loading bar and load report); 0 prints
        nothing.
    warm_start : bool, default=False
        Keep training the fitted model on the next ``fit`` call. A pickled
        tuner keeps its weights but not the optimizer's moments (they would
        double its size): after loading, training starts new ones.
    **kwargs
        Other skorch parameters, with their prefixes (``optimizer__*``,
        ``iterator_train__*``, ``callbacks__*``, ``peft__*``, and
        ``model__*`` for ``from_pretrained``).

    Attributes
    ----------
    module_ : transformers.PreTrainedModel or peft.PeftModel
        The statement model.
    tokenizer_ : transformers tokenizer
    classes_ : ndarray of shape (2,)
        ``[0, 1]``: column 1 of ``predict_proba`` is P(true).
    history_ : skorch.History
        Per-epoch losses and timings.
    training_stats_ : dict
        Statements and true statements of the last training call.
    training_data_ : dict or None
        The tasks, task families and languages of the statement table the
        last ``fit`` got (None for statements given as a list); the model
        card reports them.

    See Also
    --------
    ZeroShotStatementClassifier : classify with a statement model.
    datasets_builders.build_multitask : build statement data.

    Examples
    --------
    >>> from sklearn_statement import StatementTuner
    >>> tuner = StatementTuner("path/or/hub-id", max_epochs=1)  # doctest: +SKIP
    >>> tuner.fit(["Paris is in France.", "Paris is in Peru."], [1, 0])  # doctest: +SKIP
    >>> tuner.predict_proba(["Rome is in Italy."])[:, 1]  # P(true)  # doctest: +SKIP
    """

    prefixes_ = NeuralNetClassifier.prefixes_ + ["peft", "model"]

    _parameter_constraints: dict = {
        "model": [str, os.PathLike],
        "max_length": [Interval(Integral, 8, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "peft": [StrOptions(set(PEFT_METHODS)), None],
        "device": "no_validation",  # str or torch.device, checked by resolve_device
        "precision": [StrOptions(set(PRECISIONS))],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
        "objective": [StrOptions(set(OBJECTIVES))],
        "group_by_length": ["boolean"],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "gradient_accumulation_steps": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": [Interval(Integral, 1, None, closed="left"), None],
        "checkpoint_dir": [str, os.PathLike, None],
        "freeze_embeddings": ["boolean"],
    }

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        max_length: int = 128,
        batch_size: int = 32,
        max_epochs: int = 3,
        lr: float = 2e-5,
        peft: str | None = None,
        device: str = "auto",
        precision: str = "auto",
        random_state: int | None = None,
        objective: str = "binary",
        group_by_length: bool = True,
        max_grad_norm: float | None = 1.0,
        gradient_accumulation_steps: int = 1,
        early_stopping: int | None = None,
        checkpoint_dir: str | os.PathLike | None = None,
        freeze_embeddings: bool = False,
        optimizer: type = torch.optim.AdamW,
        train_split: Any = None,
        callbacks: Any = None,
        verbose: int = 1,
        warm_start: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("criterion", torch.nn.CrossEntropyLoss)
        kwargs.setdefault("classes", [0, 1])
        # pickle.load of a whole net runs code anyway; full module objects need it
        kwargs.setdefault("torch_load_kwargs", {"weights_only": False})
        module = kwargs.pop("module", None)
        super().__init__(
            module,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            train_split=train_split,
            callbacks=callbacks,
            verbose=verbose,
            warm_start=warm_start,
            device=device,
            **kwargs,
        )
        self.model = model
        self.max_length = max_length
        self.peft = peft
        self.precision = precision
        self.random_state = random_state
        self.objective = objective
        self.group_by_length = group_by_length
        self.max_grad_norm = max_grad_norm
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.early_stopping = early_stopping
        self.checkpoint_dir = checkpoint_dir
        self.freeze_embeddings = freeze_embeddings

    def get_params(self, deep=True, **kwargs):
        params = super().get_params(deep=deep, **kwargs)
        params.pop("_params_to_validate", None)  # skorch bookkeeping, not a parameter
        return params

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.classifier_tags.multi_class = False
        tags.non_deterministic = self.random_state is None
        return tags

    # ------------------------------------------------------------ parameters
    def _check_params(self) -> None:
        """Validate every parameter (in ``fit``, ``partial_fit`` and ``initialize``)."""
        params = {name: getattr(self, name) for name in self._parameter_constraints}
        validate_parameter_constraints(
            self._parameter_constraints, params, type(self).__name__
        )
        device = self._torch_device()
        resolve_precision(self.precision, device)
        if self.peft == "qlora" and device.type != "cuda":
            raise ValueError(
                "peft='qlora' needs a CUDA GPU (bitsandbytes 4-bit NF4 quantisation); on this "
                "machine use peft='lora' (same adapters, full-precision base model)"
            )
        if not str(self.model):
            raise ValueError("model is empty; pass a hub id or a local model directory")

    # ------------------------------------------------------------ devices
    def _torch_device(self) -> torch.device:
        return resolve_device(self.device)

    @contextlib.contextmanager
    def _skorch_device(self):
        """Let skorch's own code see a torch device where ``device="auto"``.

        skorch moves the module and criterion with ``to_device(m,
        self.device)`` (after ``initialize_module``) and maps loaded tensors to
        ``self.device``; "auto" is no torch device, and ``get_params`` must
        keep returning it. No skorch hook takes the device as an argument,
        so this is the one place where ``device`` is resolved for skorch.
        """
        raw = self.__dict__.get("device")
        self.device = self._torch_device()
        try:
            yield
        finally:
            self.device = raw

    def initialize(self):
        self._check_params()
        with self._skorch_device():
            return super().initialize()

    def load_params(self, *args, **kwargs):
        with self._skorch_device():
            return super().load_params(*args, **kwargs)

    def get_all_learnable_params(self):
        """The parameters that train: frozen ones (word embeddings, a peft base) are
        left out of the optimizer, its state and gradient clipping altogether."""
        for name, param in super().get_all_learnable_params():
            if param.requires_grad:
                yield name, param

    def get_params_for_optimizer(self, prefix, named_parameters):
        args, kwargs = super().get_params_for_optimizer(prefix, named_parameters)
        fusable = self.optimizer in (torch.optim.AdamW, torch.optim.Adam)
        if (
            fusable
            and "fused" not in kwargs
            and "foreach" not in kwargs
            and self._torch_device().type in ("cpu", "cuda")
        ):
            kwargs["fused"] = True
        return args, kwargs

    # ------------------------------------------------------------ pickling
    def __getstate__(self):
        return pickle_state(self, super().__getstate__)

    def __setstate__(self, state):
        state, device = unpickle_state(state)
        super().__setstate__(state)
        self.device = device

    # ------------------------------------------------------------ initialization
    def get_default_callbacks(self):
        return list(super().get_default_callbacks()) + tuner_callbacks(
            checkpoint_dir=self.checkpoint_dir,
            early_stopping=self.early_stopping,
            max_grad_norm=self.max_grad_norm,
            verbose=self.verbose,
        )

    def initialize_module(self):
        """Load the encoder and tokenizer (and wrap it with peft) into ``module_``."""
        if self.random_state is not None:
            torch.manual_seed(self.random_state)
        model_kwargs = self.get_params_for("model")
        if self.peft == "qlora":
            model_kwargs.setdefault("quantization_config", bitsandbytes_config())
            model_kwargs.setdefault("device_map", {"": self._torch_device().index or 0})
        with quiet_transformers(not self.verbose):
            model, tokenizer = load_statement_model(
                os.fspath(self.model),
                new_head=True,
                trainable=True,
                model_kwargs=model_kwargs,
            )
        model = with_peft(model, self.peft, self.get_params_for("peft"))
        if self.freeze_embeddings:
            freeze_word_embeddings(model)
        check_max_length(self.max_length, model, "max_length")
        self.module_ = model
        self.tokenizer_ = tokenizer
        self.precision_dtype_ = resolve_precision(self.precision, self._torch_device())
        seed = self.random_state
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        self.generator_ = torch.Generator().manual_seed(int(seed))
        return self

    # ------------------------------------------------------------ training
    def fit(self, X, y=None, example_id=None, **fit_params):
        """Statement-tune on ``X`` (statements) and ``y`` (1 = true).

        Parameters
        ----------
        X : array-like of str, shape (n_statements,), or a statement table
            The statements; or a ``datasets.Dataset`` / DataFrame with a
            ``statement`` column, such as ``build_multitask``'s output, whose
            ``label`` and ``example_id`` columns are used as ``y`` and
            ``example_id`` unless those are given.
        y : array-like of {0, 1} or bool, shape (n_statements,), optional
            Required unless ``X`` is a table with a ``label`` column. Both
            truth values must occur.
        example_id : array-like of int or str, shape (n_statements,), optional
            The example each statement was built from (``build_multitask``'s
            ``example_id`` column). Statements of one example are kept in the
            same batch, so the model sees an example's true and false
            statements side by side (without them, a one-time ``UserWarning``
            says how to pass them); required by ``objective="listwise"``.
            Like ``sample_weight`` in scikit-learn, it is indexed along with
            ``X`` by ``cross_val_score(..., params={"example_id": ids})``.
        **fit_params
            Passed to skorch (``NeuralNet.fit``).

        Returns
        -------
        self

        Raises
        ------
        TypeError, ValueError
            For invalid statements, targets or example ids (see
            ``check_statements`` / ``check_binary_targets`` /
            ``check_example_ids``), targets that are all true or all false,
            a table without a ``statement`` column (or without ``label`` and
            ``y``), ``objective="listwise"`` without ``example_id`` or with an
            example that has not exactly one true statement, and invalid
            parameters (``sklearn.utils._param_validation.InvalidParameterError``).

        Warns
        -----
        UserWarning
            Once per process, when the statements come without example ids.
        """
        self._check_params()
        self.training_data_ = table_summary(X)  # for the model card
        X, y, example_id = statement_table(X, y, example_id)
        X, y = training_data(X, y, example_id, self.objective)
        if not is_dataset(X):
            check_both_truths(y)
            if not isinstance(X, dict):
                warn_without_example_ids()
        return super().fit(X, y, **fit_params)

    def partial_fit(self, X, y=None, classes=None, example_id=None, **fit_params):
        """Continue statement tuning for ``max_epochs`` on ``X``, ``y`` (see :meth:`fit`)."""
        self._check_params()
        X, y, example_id = statement_table(X, y, example_id)
        X, y = training_data(X, y, example_id, self.objective)
        return super().partial_fit(X, y, classes=classes, **fit_params)

    def check_data(self, X, y):
        if not is_dataset(X):
            self.training_stats_ = training_stats(X, y)
        super().check_data(X, y)

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        if training:  # the last batch of an epoch always steps the optimizer
            self.batches_per_epoch_ = len(iterator)
        return super().run_single_epoch(
            iterator, training, prefix, step_fn, **fit_params
        )

    def train_step(self, batch, **fit_params):
        """One batch; the optimizer steps every ``gradient_accumulation_steps`` batches.

        skorch's gradient-accumulation recipe (its FAQ): ``train_step_single``
        on every batch, the optimizer step on every n-th training batch of
        the epoch (counted in the history) and on the epoch's last one. The
        summed gradient is divided by the accumulation steps before the
        step, so it is that of the mean loss over the effective batch, while
        the loss recorded in the history stays the batch's own. Callbacks'
        ``on_grad_computed`` (gradient clipping) runs once per optimizer
        step, on the accumulated gradient.
        """
        steps = self.gradient_accumulation_steps
        if steps == 1:
            self.optimizer_stepped_ = True
            return super().train_step(batch, **fit_params)
        step = self.train_step_single(batch, **fit_params)
        done = len(self.history[-1, "batches"])  # this one included
        last = done >= getattr(self, "batches_per_epoch_", 0)
        self.optimizer_stepped_ = done % steps == 0 or last
        if self.optimizer_stepped_:
            for _, param in self.get_all_learnable_params():
                if param.grad is not None:
                    param.grad.div_(steps)
            # the gradient is complete only now: clipping sees the accumulated sum
            self.notify(
                "on_grad_computed",
                named_parameters=TeeGenerator(self.get_all_learnable_params()),
                batch=batch,
                training=True,
            )
            self._step_optimizer(None)
            self._zero_grad_optimizer()
        return step

    def get_split_datasets(self, X, y=None, **fit_params):
        if self.early_stopping is not None and self.train_split is None:
            dataset = self.get_dataset(X, y)
            if isinstance(X, dict):  # whole examples on either side
                return group_split(dataset, X[EXAMPLE_ID], self.random_state)
            return ValidSplit(0.1, stratified=True, random_state=self.random_state)(
                dataset, y, **fit_params
            )
        return super().get_split_datasets(X, y, **fit_params)

    # ------------------------------------------------------------ data hooks
    def get_dataset(self, X, y=None):
        if is_dataset(X):
            return X
        if isinstance(X, dict) and EXAMPLE_ID in X:  # checked by training_data
            return super().get_dataset(X, y)
        X = statement_array(X)
        if y is not None:
            y = check_binary_targets(y, len(X))
        return super().get_dataset(X, y)

    def get_iterator(self, dataset, training=False):
        prefix = "iterator_train" if training else "iterator_valid"
        kwargs = self.get_params_for(prefix)
        kwargs.setdefault("batch_size", self.batch_size)
        check_max_length(self.max_length, self.module_, "max_length")
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        kwargs.setdefault(
            "collate_fn", StatementCollator(self.tokenizer_, self.max_length)
        )
        kwargs = batch_options(
            dataset,
            kwargs,
            training=training,
            # the listwise loss needs whole examples in validation batches too
            whole_examples=self.objective == "listwise",
            group_by_length=self.group_by_length,
            generator=self.generator_,
            token_lengths=partial(token_lengths, self.tokenizer_, self.max_length),
        )
        iterator = self.iterator_train if training else self.iterator_valid
        return iterator(dataset, **kwargs)

    # ------------------------------------------------------------ forward
    def infer(self, x, **fit_params):
        device = self._torch_device()
        if isinstance(x, dict) and EXAMPLE_ID in x:
            x = {k: v for k, v in x.items() if k != EXAMPLE_ID}
        x = to_tensor(x, device=device)
        with autocast(device, getattr(self, "precision_dtype_", None)):
            out = self.module_(**x, **fit_params)
        logits = out.logits if hasattr(out, "logits") else out
        return logits.float()

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """The loss of ``objective`` (see :func:`~sklearn_statement.training.objective_loss`)."""
        y_true = to_tensor(y_true, device=self._torch_device())
        ids = X.get(EXAMPLE_ID) if isinstance(X, dict) else None
        record = self.history.record_batch if training else None
        binary = self.criterion_(y_pred, y_true)
        return objective_loss(self.objective, binary, y_pred, y_true, ids, record)

    # ------------------------------------------------------------ persistence
    def save_pretrained(
        self,
        save_directory: str | os.PathLike,
        *,
        merge: bool = False,
        overwrite: bool = False,
        scores: dict[str, Any] | None = None,
        templates: Sequence[Any] | None = None,
        trained_families: Sequence[str] | None = None,
        recipe: Any = None,
        evaluation: Any = None,
    ) -> Path:
        """Save the statement model so that plain transformers can load it.

        Writes ``config.json`` + ``model.safetensors`` (or, for peft models,
        ``adapter_config.json`` + ``adapter_model.safetensors`` naming the
        base model), the tokenizer, ``statement_tuner.json`` (the hub model
        it was tuned from, parameters and settings, training statistics and
        task families, recipe, history, scores, evaluation),
        ``templates.json`` (when ``templates`` are given) and a model card
        ``README.md`` whose metadata huggingface_hub parses (``base_model``
        is a hub id, never a local path: see
        :func:`~sklearn_statement.models.base_model_origin`).

        Parameters
        ----------
        save_directory : str or PathLike
        merge : bool, default=False
            For LoRA models: merge the adapters into the base weights and save
            a full model (loadable without peft).
        overwrite : bool, default=False
            Replace files in a non-empty directory. Without it a non-empty
            directory is an error: files a user owns are not overwritten.
        scores : dict, optional
            Measured scores to list in the model card (name -> value).
        templates : sequence of Template, optional
            The templates that built the training statements.
        trained_families : sequence of str, optional
            The task families of the training statements (``build_multitask``'s
            ``family`` column; default: the families of ``templates``).
            :func:`~sklearn_statement.evaluate_zero_shot` reads them to say
            which evaluated tasks were unseen in training.
        recipe : Recipe or mapping, optional
            What the training statements were, for the model card:
            ``tasks``, ``languages``, ``exclude_families`` (held out),
            ``n_per_task``... (a :class:`~sklearn_statement.recipes.Recipe` or
            a dict with those keys).
        evaluation : list of dict, mapping or path, optional
            A zero-shot evaluation shown as a table in the model card: rows
            of :func:`~sklearn_statement.evaluate_zero_shot`, or a report
            written by ``sklearn-statement evaluate --output-dir`` (its
            directory or ``results.json``).

        Returns
        -------
        pathlib.Path
            The directory.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the tuner is not fitted.
        FileExistsError
            If the directory is not empty and ``overwrite`` is False.
        ValueError
            If ``merge=True`` for a soft-prompt model (prompts cannot merge).
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "module_")
        return save_tuner(
            self,
            save_directory,
            merge=merge,
            overwrite=overwrite,
            scores=scores,
            templates=templates,
            trained_families=trained_families,
            recipe=recipe,
            evaluation=evaluation,
        )

    def push_to_hub(
        self,
        repo_id: str,
        *,
        private: bool = True,
        token: str | None = None,
        commit_message: str | None = None,
        exist_ok: bool = True,
        save_directory: str | os.PathLike | None = None,
        create_pr: bool = False,
        **save_options: Any,
    ) -> str:
        """Save the statement model and upload it to the Hugging Face hub.

        Writes what :meth:`save_pretrained` writes (into ``save_directory``,
        else a temporary directory) with a model card whose code loads
        ``repo_id``, creates the model repository (``create_repo``) and
        uploads the directory in one commit (``upload_folder``); see
        :func:`~sklearn_statement.models.push_model_dir`. Private by
        default, as in SetFit and sentence-transformers.

        Parameters
        ----------
        repo_id : str
            ``"user/name"`` or ``"organization/name"``.
        private : bool, default=True
            Create the repository private (an existing one keeps its visibility).
        token : str, optional
            A token with write access; default: the ``HF_TOKEN`` environment
            variable, else the login stored by ``hf auth login``.
        commit_message : str, optional
        exist_ok : bool, default=True
            Upload into an existing repository.
        save_directory : str or PathLike, optional
            Keep the saved files there (as :meth:`save_pretrained`).
        create_pr : bool, default=False
            Open a pull request instead of committing to ``main``.
        **save_options
            ``merge``, ``overwrite``, ``scores``, ``templates``,
            ``trained_families``, ``recipe``, ``evaluation``: as in
            :meth:`save_pretrained`.

        Returns
        -------
        url : str
            Where the upload is: its commit, or its pull request.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the tuner is not fitted.
        huggingface_hub.errors.LocalTokenNotFoundError
            Without a token (the message says how to log in); nothing is
            written or sent.
        huggingface_hub.errors.HfHubHTTPError
            If the hub refuses a request.
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "module_")
        hub = dict(private=private, commit_message=commit_message, exist_ok=exist_ok)
        return push_tuner(
            self,
            repo_id,
            save_directory=save_directory,
            token=token,
            hub={**hub, "create_pr": create_pr},
            **save_options,
        )

    def export(
        self,
        directory: str | os.PathLike,
        *,
        backend: str = "onnx",
        quantize: str | None = "int8",
        validation: Any = None,
        overwrite: bool = False,
        **gate: Any,
    ) -> dict[str, Any]:
        """Save the model and export it for ONNX Runtime or OpenVINO, gated on accuracy.

        Writes what :meth:`save_pretrained` writes (LoRA adapters merged),
        then the exported graph in ``directory/onnx/`` or
        ``directory/openvino/``; load it with
        ``ZeroShotStatementClassifier(directory, backend="onnx")`` (no
        training code or torch model needed). Every file is scored against
        this fp32 model on ``validation`` and refused when its decisions
        agree on fewer than 99% of the cases or accuracy drops by more than
        0.5 points (see :func:`sklearn_statement.export_statement_model`).

        Parameters
        ----------
        directory : str or PathLike
        backend : {"onnx", "openvino"}, default="onnx"
            Needs ``pip install 'sklearn-statement[onnx]'`` (or ``[openvino]``).
        quantize : {"int8", None}, default="int8"
        validation : tuple, table or path
            Labelled statements for the gate, required:
            ``(statements, labels[, example_ids])``, a table with
            ``statement`` / ``label`` (/ ``example_id``) columns such as
            ``build_multitask``'s output, or a file with them. The training
            statements are not kept after ``fit``; give held-out ones.
        overwrite : bool, default=False
            Write into a non-empty directory (as in :meth:`save_pretrained`).
        **gate
            ``min_agreement``, ``max_accuracy_drop``, ``on_fail``
            (``"raise"`` or ``"warn"``), ``calibration``,
            ``quantize_options``, ``batch_size``: see
            :func:`~sklearn_statement.export_statement_model`.

        Returns
        -------
        dict
            The exported file's record, with its gate figures.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the tuner is not fitted.
        ImportError
            If the backend's packages are missing (the message names the extra).
        sklearn_statement.ExportGateError
            If the export fails its gate (and ``on_fail="raise"``).
        """
        from sklearn.utils.validation import check_is_fitted

        from ..backends import require_backend
        from ..export import export_statement_model, validation_statements

        check_is_fitted(self, "module_")
        require_backend(backend, what="exporting")
        validation_statements(validation)  # fail before anything is written
        self.save_pretrained(directory, merge=True, overwrite=overwrite)
        gate.setdefault("max_length", self.max_length)
        return export_statement_model(
            directory, backend=backend, quantize=quantize, validation=validation, **gate
        )

    @classmethod
    def from_pretrained(
        cls, directory: str | os.PathLike, **params: Any
    ) -> StatementTuner:
        """Load a statement model saved by :meth:`save_pretrained` (or any
        transformers statement model directory / hub id).

        The weights are read from safetensors files; no code from the
        directory is executed. The returned tuner is fitted (ready for
        ``predict_proba``) and ``fit`` continues training from these weights.

        Parameters
        ----------
        directory : str or PathLike
            A saved directory or a hub id.
        **params
            Override the saved parameters (``device``, ``batch_size``…).

        Returns
        -------
        StatementTuner

        Raises
        ------
        FileNotFoundError
            If the directory lacks the config or safetensors weights.
        ValueError
            If a file is corrupt or ``statement_tuner.json`` is unreadable.
        """
        directory = os.fspath(directory)
        kwargs = {k: v for k, v in saved_params(directory).items() if k in SAVED_PARAMS}
        kwargs.update(params)
        kwargs.setdefault("verbose", 0)
        tuner = cls(model=directory, **kwargs)
        tuner.initialize()
        return tuner
