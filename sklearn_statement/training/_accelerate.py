"""``AcceleratedStatementTuner``: statement tuning on several processes through accelerate.

skorch's :class:`~skorch.hf.AccelerateMixin` on top of :class:`StatementTuner`:
Hugging Face ``accelerate`` prepares the model (DistributedDataParallel on
several GPUs or CPU processes), the optimizer and the data loaders, and does
mixed precision and gradient accumulation. What this module adds for
statements:

- example-grouped batches (:class:`ExampleBatchSampler`) are sharded *whole*:
  accelerate's ``BatchSamplerShard`` drops batches whose length differs from
  the sampler's ``batch_size``, so the sampler is shown to it as a sampler of
  variable-size batches; process ``p`` of ``n`` trains on batches
  ``p, p + n, p + 2n, ...`` of the one order every process draws;
- only the main process writes: ``save_pretrained``, checkpoints, the epoch
  table; an error on the main process is raised on every process (no hang);
- losses in the history are means over all processes; the checkpoint keeps
  every process's random state, so a killed run resumes exactly.

The helpers (data loader, checkpoint, main-process calls) are in
``_accelerate_support.py``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from pathlib import Path
from typing import Any

import torch
from skorch.dataset import unpack_data
from skorch.hf import AccelerateMixin
from skorch.net import NeuralNet
from skorch.utils import TeeGenerator

from ..utils import require
from ._accelerate_support import (
    AcceleratedCheckpoint,
    ShardableDataLoader,
    _is_epoch_scoring,
    _print_on_main,
    _silent,
    on_main_process,
)
from ._tuner import DEFAULT_MODEL, StatementTuner

__all__ = ["AcceleratedStatementTuner"]


class AcceleratedStatementTuner(AccelerateMixin, StatementTuner):
    """:class:`StatementTuner` trained through Hugging Face ``accelerate``.

    skorch's :class:`~skorch.hf.AccelerateMixin`: the ``Accelerator`` places
    the model, wraps it for data-parallel training (several GPUs, nodes, or
    CPU processes with the gloo backend), runs mixed precision and gradient
    accumulation. Write one script and start it with ``accelerate launch``
    (see the user guide, "Scaling out"); the same script runs as one process
    with ``python``.

    With ``n`` processes the effective batch is ``n * batch_size *
    gradient_accumulation_steps`` statements: every process draws the same
    batch order and takes every ``n``-th batch, whole (an example's
    statements stay together, as in one process). When the number of
    batches is not a multiple of ``n``, accelerate repeats the first batches
    so that every process steps equally often (``even_batches``).

    On several processes, give ``random_state`` when a validation split is
    made (``early_stopping``, ``train_split``): every process must hold out
    the same statements. skorch ``EpochScoring`` callbacks are refused there
    (each process would score its own share of the predictions against all
    targets), and the default ``valid_acc`` is left out; the losses in the
    history are over all processes.

    Parameters
    ----------
    model : str, default="microsoft/mdeberta-v3-base"
        As in :class:`StatementTuner`.
    accelerator : accelerate.Accelerator
        Its ``mixed_precision`` ("no", "bf16", "fp16") is the training
        precision; leave its ``gradient_accumulation_steps`` at 1 and set the
        tuner's (the tuner passes it on).
    unwrap_after_train : bool, default=True
        Unwrap the model after ``fit`` (needed to pickle the tuner, to use it
        in :class:`ZeroShotStatementClassifier`, or to save it); False keeps
        the prepared model for more ``partial_fit`` calls.
    gradient_accumulation_steps : int, default=1
        Batches per optimizer step on each process; accelerate accumulates
        (skipping the gradient all-reduce between steps).
    precision : {"auto", "fp32"}, default="auto"
        Both mean: the accelerator's ``mixed_precision``. "bf16"/"fp16" are
        errors here (set them on the ``Accelerator``).
    checkpoint_dir : str, PathLike or None, default=None
        As in :class:`StatementTuner`, with :class:`AcceleratedCheckpoint`:
        the main process writes, every process reads it on resume.
    **kwargs
        Every other :class:`StatementTuner` parameter (``device`` must stay
        None: the accelerator places the model).

    Attributes
    ----------
    module_, tokenizer_, classes_, history_, training_stats_
        As in :class:`StatementTuner`; ``module_`` is the prepared (wrapped)
        model while training, the plain model after ``fit`` when
        ``unwrap_after_train=True``. ``history_`` losses are means over the
        processes.

    See Also
    --------
    StatementTuner : the single-process tuner.
    score_dataframe : zero-shot scoring of a Dask DataFrame.

    Examples
    --------
    >>> from accelerate import Accelerator  # doctest: +SKIP
    >>> from sklearn_statement import AcceleratedStatementTuner
    >>> tuner = AcceleratedStatementTuner(
    ...     "microsoft/mdeberta-v3-base", accelerator=Accelerator(mixed_precision="bf16"),
    ...     batch_size=16, gradient_accumulation_steps=2, random_state=0,
    ... )  # doctest: +SKIP
    >>> tuner.fit(statements, labels, example_id=ids)  # doctest: +SKIP
    >>> tuner.save_pretrained("statement-model")  # main process only  # doctest: +SKIP
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        accelerator: Any,
        unwrap_after_train: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("iterator_train", ShardableDataLoader)
        kwargs.setdefault("iterator_valid", ShardableDataLoader)
        super().__init__(
            model,
            accelerator=accelerator,
            unwrap_after_train=unwrap_after_train,
            **kwargs,
        )

    # ------------------------------------------------------------ set-up
    def _torch_device(self) -> torch.device:
        device = torch.device(self.accelerator.device)
        # accelerate's CPU processes use "cpu:0", which torch.load cannot map to
        return torch.device("cpu") if device.type == "cpu" else device

    def _check_params(self) -> None:
        require("accelerate", type(self).__name__)
        accelerator = self.accelerator
        if not hasattr(accelerator, "prepare") or not hasattr(
            accelerator, "gradient_accumulation_steps"
        ):
            raise TypeError(
                "accelerator must be an accelerate.Accelerator, got "
                f"{type(accelerator).__name__}"
            )
        super()._check_params()
        if (
            accelerator.num_processes > 1
            and self.early_stopping is not None
            and self.random_state is None
        ):
            raise ValueError(
                "early_stopping on several processes needs random_state: every "
                "process must hold out the same validation statements"
            )
        if self.precision not in ("auto", "fp32"):
            raise ValueError(
                f"precision={self.precision!r}: with accelerate the precision is the "
                "Accelerator's; pass Accelerator(mixed_precision="
                f"{self.precision!r}) and leave precision='auto'"
            )
        theirs, ours = (
            accelerator.gradient_accumulation_steps,
            self.gradient_accumulation_steps,
        )
        if theirs not in (1, ours):
            raise ValueError(
                f"the Accelerator accumulates {theirs} batches and the tuner "
                f"{ours}; set gradient_accumulation_steps={theirs} on the tuner and "
                "leave the Accelerator's at 1 (the tuner passes it on)"
            )
        accelerator.gradient_accumulation_steps = ours

    def initialize(self):
        """Check the parameters, load the model and prepare everything with the accelerator."""
        self._check_params()
        return super().initialize()  # AccelerateMixin.initialize

    def _initialize_accelerator(self):
        """Prepare the modules, criteria *with trainable parameters*, and optimizers.

        skorch's version also prepares a parameterless criterion
        (``CrossEntropyLoss``), which DistributedDataParallel refuses ("not
        needed when a module doesn't have any parameter that requires a
        gradient").
        """
        if self._wrapped_with_accelerator:
            return self
        prepare = self.accelerator.prepare
        for kind, names in (
            ("criterion", self._criteria),
            ("module", self._modules),
            ("optimizer", self._optimizers),
        ):
            with self._current_init_context(kind):
                for name in names:
                    obj = getattr(self, name + "_")
                    if kind == "optimizer":
                        if isinstance(obj, torch.optim.Optimizer):
                            setattr(self, name + "_", prepare(obj))
                    elif isinstance(obj, torch.nn.Module) and any(
                        p.requires_grad for p in obj.parameters()
                    ):
                        setattr(self, name + "_", prepare(obj))
        self._wrapped_with_accelerator = True
        return self

    def initialize_module(self):
        """Load the model (see :meth:`StatementTuner.initialize_module`); same batch order everywhere."""
        super().initialize_module()
        self.precision_dtype_ = None  # the Accelerator's mixed_precision applies
        accelerator = self.accelerator
        if accelerator.num_processes > 1:
            seed = self.random_state
            if seed is None:  # every process must draw the same batch order
                from accelerate.utils import broadcast_object_list

                seed = broadcast_object_list([self.generator_.initial_seed()])[0]
                self.generator_ = torch.Generator().manual_seed(int(seed))
            # the same head everywhere (DDP also broadcasts it); dropout differs
            torch.manual_seed(int(seed) + accelerator.process_index)
        return self

    def _initialize_callbacks(self):
        if self.callbacks__print_log__sink == "auto":
            # not accelerator.print: a bound method would pickle the accelerator
            # with the net; and skorch's PrintLog ignores verbose=0 for any sink
            # but print
            self.callbacks__print_log__sink = (
                _print_on_main if self.verbose else _silent
            )
        super()._initialize_callbacks()
        self._check_scoring_callbacks()
        return self

    def _check_scoring_callbacks(self) -> None:
        """Refuse epoch scoring on several processes (it would score one shard).

        skorch's ``EpochScoring`` scores the predictions this process cached
        (its share of the batches) against the targets of the whole dataset.
        """
        if self.accelerator.num_processes < 2:
            return
        bad = [name for name, cb in self.callbacks_ if _is_epoch_scoring(cb)]
        if bad:
            raise ValueError(
                f"callbacks {bad} (skorch EpochScoring) cannot run on "
                f"{self.accelerator.num_processes} processes: each process caches the "
                "predictions of its own share of the batches. Use the validation loss "
                "(valid_loss, averaged over the processes; early_stopping uses it), or "
                "score after fit on the main process"
            )

    def get_default_callbacks(self):
        callbacks = []
        several = self.accelerator.num_processes > 1
        for name, callback in super().get_default_callbacks():
            if name == "gradient_clipping":  # done by accelerator.clip_grad_norm_
                continue
            if several and _is_epoch_scoring(callback):
                continue  # valid_acc: see _check_scoring_callbacks
            if name == "checkpoint":
                callback = AcceleratedCheckpoint(self.checkpoint_dir)
            if name == "progress_bar" and not self.accelerator.is_main_process:
                continue
            callbacks.append((name, callback))
        return callbacks

    def get_iterator(self, dataset, training=False):
        """The tuner's data loader, prepared (sharded) by the accelerator."""
        return self.accelerator.prepare(
            StatementTuner.get_iterator(self, dataset, training=training)
        )

    @contextlib.contextmanager
    def _unwrapped_modules(self):
        """Let ``module_`` be the plain model for a while (no re-``prepare`` after)."""
        wrapped = {
            name: getattr(self, name + "_")
            for name in self._modules
            if isinstance(getattr(self, name + "_", None), torch.nn.Module)
        }
        for name, module in wrapped.items():
            setattr(self, name + "_", self.accelerator.unwrap_model(module))
        try:
            yield
        finally:
            for name, module in wrapped.items():
                setattr(self, name + "_", module)

    # ------------------------------------------------------------ training
    def partial_fit(self, X, y=None, classes=None, example_id=None, **fit_params):
        """Continue training (see :meth:`StatementTuner.partial_fit`), then unwrap."""
        if getattr(self, "initialized_", False) and not self._wrapped_with_accelerator:
            self._initialize_accelerator()  # unwrapped by an earlier fit
        super().partial_fit(X, y, classes=classes, example_id=example_id, **fit_params)
        if self.unwrap_after_train:
            # here, not in on_train_end: callbacks' on_train_end (EarlyStopping's
            # load_best) run after the net's own and still see the wrapped model
            self._unwrap_accelerator()
        return self

    def on_train_end(self, net, X=None, y=None, **kwargs):
        self.accelerator.wait_for_everyone()
        return StatementTuner.on_train_end(self, net, X=X, y=y, **kwargs)

    def train_step(self, batch, **fit_params):
        """One batch under ``accelerator.accumulate``: the optimizer steps when it syncs.

        ``accelerator.backward`` divides the loss by the accumulation steps;
        the gradient is clipped (``max_grad_norm``, with
        ``accelerator.clip_grad_norm_``, which unscales fp16 gradients
        first) and callbacks' ``on_grad_computed`` run once per optimizer
        step, on the all-reduced, accumulated gradient. The returned loss is
        the mean over the statements of this step's batches on all processes
        (see :meth:`_loss_over_processes`).
        """
        accelerator = self.accelerator
        with accelerator.accumulate(self.module_):
            self._set_training(True)
            Xi, yi = unpack_data(batch)
            with accelerator.autocast():
                y_pred = self.infer(Xi, **fit_params)
                loss = self.get_loss(y_pred, yi, X=Xi, training=True)
            accelerator.backward(loss)
            self.optimizer_stepped_ = accelerator.sync_gradients
            if accelerator.sync_gradients:
                if self.max_grad_norm is not None:
                    accelerator.clip_grad_norm_(
                        self.module_.parameters(), self.max_grad_norm
                    )
                self.notify(
                    "on_grad_computed",
                    named_parameters=TeeGenerator(self.get_all_learnable_params()),
                    batch=batch,
                    training=True,
                )
                for name in self._optimizers:
                    getattr(self, name + "_").step()
                self._zero_grad_optimizer()
        return {"loss": self._loss_over_processes(loss, yi), "y_pred": y_pred}

    def validation_step(self, batch, **fit_params):
        """The validation loss of the batch, over the batches of all processes.

        Every process sees the same validation loss, so that early stopping
        stops all of them in the same epoch.
        """
        step = super().validation_step(batch, **fit_params)
        step["loss"] = self._loss_over_processes(step["loss"], unpack_data(batch)[1])
        return step

    def _loss_over_processes(self, loss: torch.Tensor, y: Any) -> torch.Tensor:
        """The statement-weighted mean loss of this step's batches on all processes.

        Also remembers their statement count, which :meth:`on_batch_end`
        records as the batch size: skorch's epoch loss (the mean of the batch
        losses weighted by batch size) is then that of one process that saw
        all the batches, and the same on every process.
        """
        n = torch.as_tensor(float(len(y)), device=loss.device)
        totals = self.accelerator.reduce(torch.stack([loss.detach() * n, n]), "sum")
        self.statements_in_step_ = int(totals[1].item())
        return totals[0] / totals[1]

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        total = getattr(self, "statements_in_step_", None)
        if total is not None:  # instead of this process's batch size
            self.history.record_batch(
                ("train" if training else "valid") + "_batch_size", total
            )
            self.statements_in_step_ = None
        return super().on_batch_end(net, batch=batch, training=training, **kwargs)

    # ------------------------------------------------------------ persistence
    def save_params(self, *args, **kwargs):
        """skorch's ``save_params`` from the unwrapped model, on the main process only."""
        with self._unwrapped_modules():
            on_main_process(
                self.accelerator, lambda: NeuralNet.save_params(self, *args, **kwargs)
            )

    def load_params(self, *args, **kwargs):
        """skorch's ``load_params`` into the unwrapped model, on every process."""
        self.accelerator.wait_for_everyone()
        with self._unwrapped_modules():
            StatementTuner.load_params(self, *args, **kwargs)

    def save_pretrained(
        self, save_directory: str | os.PathLike, **options: Any
    ) -> Path:
        """:meth:`StatementTuner.save_pretrained`, written by the main process only.

        A collective call: every process makes it, only the main process
        writes; an error there (``FileExistsError``…) is raised on every
        process.

        Parameters
        ----------
        save_directory : str or PathLike
        **options
            ``merge``, ``overwrite``, ``scores``, ``templates``: as in
            :meth:`StatementTuner.save_pretrained`.

        Returns
        -------
        pathlib.Path
            The directory (on every process).

        Raises
        ------
        sklearn.exceptions.NotFittedError, FileExistsError, ValueError
            As :meth:`StatementTuner.save_pretrained` (a RuntimeError quoting
            the main process's error on the other processes).
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "module_")
        with self._unwrapped_modules():
            on_main_process(
                self.accelerator,
                lambda: StatementTuner.save_pretrained(self, save_directory, **options),
            )
        return Path(save_directory)

    def __getstate__(self):
        if getattr(self, "_wrapped_with_accelerator", False):
            raise pickle.PicklingError(
                "an AcceleratedStatementTuner can be pickled only with its model "
                "unwrapped: fit with unwrap_after_train=True (the default), or save it "
                "with save_pretrained(dir)"
            )
        # the optimizer unwrapped and the Accelerator as a recipe: see _pickling
        return super().__getstate__()
