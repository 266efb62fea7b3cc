"""skorch callbacks of :class:`StatementTuner`: LR schedule, checkpoint + resume, and which it uses."""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch
from skorch.callbacks import (
    Callback,
    Checkpoint,
    EarlyStopping,
    GradientNormClipping,
    ProgressBar,
)

from ..models import CHECKPOINT_FILES

__all__ = ["ResumableCheckpoint", "WarmupLinearSchedule", "tuner_callbacks"]


class WarmupLinearSchedule(Callback):
    """Linear learning-rate warmup then linear decay to 0, stepped per optimizer step.

    The schedule BERT-style fine-tuning uses (Devlin et al., 2019, Sec. A.2;
    ``transformers.get_linear_schedule_with_warmup``), built at the start of
    each ``fit``/``partial_fit`` call from the number of optimizer steps it
    will take (batches / gradient accumulation steps x ``max_epochs``). After
    a resume from a checkpoint (:class:`ResumableCheckpoint`) it continues
    where the interrupted run stopped.

    Parameters
    ----------
    warmup_ratio : float, default=0.06
        Fraction of the steps spent warming up (RoBERTa's fine-tuning
        recipe, Liu et al., 2019, Table 10).

    Attributes
    ----------
    scheduler_ : torch.optim.lr_scheduler.LambdaLR
        The scheduler of the current training call.
    total_steps_ : int
        Optimizer steps planned for the current training call.
    """

    def __init__(self, warmup_ratio: float = 0.06) -> None:
        self.warmup_ratio = warmup_ratio

    def on_train_begin(self, net, X=None, y=None, **kwargs) -> None:
        from transformers import get_linear_schedule_with_warmup

        if not 0 <= self.warmup_ratio < 1:
            raise ValueError(
                f"warmup_ratio must be in [0, 1), got {self.warmup_ratio!r}"
            )
        dataset_train, _ = net.get_split_datasets(X, y)
        # the training iterator knows its batches (example-grouped ones too)
        batches = len(net.get_iterator(dataset_train, training=True))
        steps_per_epoch = math.ceil(
            batches / getattr(net, "gradient_accumulation_steps", 1)
        )
        self.total_steps_ = max(1, steps_per_epoch * net.max_epochs)
        # restart from the base lr on every call
        for group in net.optimizer_.param_groups:
            group["lr"] = group.get("initial_lr", group["lr"])
            group.pop("initial_lr", None)
        self.scheduler_ = get_linear_schedule_with_warmup(
            net.optimizer_,
            int(self.warmup_ratio * self.total_steps_),
            self.total_steps_,
        )
        done = getattr(net, "resumed_epochs_", 0) * steps_per_epoch
        if done:  # continue an interrupted schedule where it stopped
            self.scheduler_.last_epoch = done
            lrs = [
                base * fn(done)
                for base, fn in zip(
                    self.scheduler_.base_lrs, self.scheduler_.lr_lambdas
                )
            ]
            for group, lr in zip(net.optimizer_.param_groups, lrs):
                group["lr"] = lr
            self.scheduler_._last_lr = lrs

    def on_batch_end(self, net, batch=None, training=False, **kwargs) -> None:
        if training and getattr(net, "optimizer_stepped_", True):
            self.scheduler_.step()

    def __getstate__(self):
        # The scheduler is rebuilt by every training call; pickling it would
        # also pickle a second copy of the optimizer, detached from the net's
        # ``optimizer_`` after loading.
        state = self.__dict__.copy()
        state.pop("scheduler_", None)
        return state


def _fingerprint(X: Any, y: Any) -> str:
    digest = hashlib.sha1()
    if isinstance(X, dict):  # statements with example ids
        digest.update(np.asarray(X["example_id"], dtype=np.int64).tobytes())
        X = X["statement"]
    for text in X:
        digest.update(str(text).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    digest.update(np.asarray(y, dtype=np.int64).tobytes())
    return digest.hexdigest()


class ResumableCheckpoint(Checkpoint):
    """Save the training state after every epoch; resume an interrupted ``fit``.

    skorch's :class:`~skorch.callbacks.Checkpoint` with ``monitor=None`` (a
    checkpoint after every epoch) writes the weights (``params.pt``), the
    optimizer state (``optimizer.pt``) and the history (``history.json``)
    into ``dirname``; this subclass adds the random states of the batch
    order and of torch (``rng.pt``) and the run's identity (``run.json``:
    model, max_epochs and a SHA-1 of the statements and labels). When
    ``fit`` starts and ``dirname`` holds a checkpoint of the same run, it is
    loaded as skorch's :class:`~skorch.callbacks.LoadInitState` does
    (``net.load_params(checkpoint=self)``), reading tensors only
    (``torch.load(weights_only=True)``: nothing in the files is executed),
    and training continues with the next epoch, up to ``max_epochs`` in
    total: a run killed after epoch k and restarted trains epochs k+1..
    exactly as the uninterrupted run would have (same weights on a
    deterministic device).

    Parameters
    ----------
    dirname : str or PathLike
        Checkpoint directory (created if missing; other files in it are left
        alone).

    Raises
    ------
    ValueError
        (in ``fit``) If ``dirname`` holds a checkpoint of a different run
        (other model, data or ``max_epochs``); delete it or use another
        directory — it is never overwritten silently.
    """

    #: Files besides skorch's ``f_params`` / ``f_optimizer`` / ``f_history``.
    RNG_FILE = CHECKPOINT_FILES["rng"]
    RUN_FILE = CHECKPOINT_FILES["run"]

    def __init__(self, dirname: Any) -> None:
        super().__init__(
            monitor=None,
            f_params=CHECKPOINT_FILES["params"],
            f_optimizer=CHECKPOINT_FILES["optimizer"],
            f_criterion=None,
            f_history=CHECKPOINT_FILES["history"],
            dirname=os.fspath(dirname),
            event_name=None,
        )

    def initialize(self):
        # Checkpoint.initialize would create dirname on every process; it is
        # made when the first checkpoint is written (by the main process only
        # under accelerate). The file names are fixed, so there is nothing to
        # validate.
        return self

    def _path(self, name: str) -> Path:
        return Path(self.dirname) / name

    def make_dir(self) -> None:
        """Create ``dirname`` (and its parents) if missing."""
        Path(self.dirname).mkdir(parents=True, exist_ok=True)

    def _run(self, net, X, y) -> dict[str, Any]:
        return {
            "model": str(net.model),
            "max_epochs": int(net.max_epochs),
            "data_sha1": _fingerprint(X, y) if y is not None else None,
        }

    def on_train_begin(self, net, X=None, y=None, **kwargs) -> None:
        net.resumed_epochs_ = 0
        self.run_ = self._run(net, X, y)
        run_file = self._path(self.RUN_FILE)
        if not run_file.exists():
            return
        saved = json.loads(run_file.read_text(encoding="utf-8"))
        if saved != self.run_:
            raise ValueError(
                f"{self.dirname} holds a checkpoint of a different run ({saved}, this run: {self.run_}); "
                "delete it or pass another checkpoint_dir"
            )
        # weights and optimizer state are plain state dicts: read them as tensors
        # only (weights_only=True), never as full pickles
        torch_load_kwargs = net.torch_load_kwargs
        net.torch_load_kwargs = {**(torch_load_kwargs or {}), "weights_only": True}
        try:
            net.load_params(checkpoint=self)
        finally:
            net.torch_load_kwargs = torch_load_kwargs
        self.restore_rng(net, torch.load(self._path(self.RNG_FILE), weights_only=True))
        net.resumed_epochs_ = len(net.history)

    def on_epoch_begin(self, net, **kwargs) -> None:
        # skorch has opened the row of the coming epoch: stop once max_epochs are done
        if len(net.history) > net.max_epochs:
            net.history.pop()
            raise KeyboardInterrupt  # skorch's way to end training (see EarlyStopping)

    def save_model(self, net) -> None:
        """Write skorch's files, then the random states and the run (see :meth:`save_state`)."""
        self.make_dir()
        self.save_state(net)
        self.write_resume_files(self.rng_state(net))

    def save_state(self, net) -> None:
        """The weights, optimizer state and history, through ``net.save_params``.

        Unlike :meth:`skorch.callbacks.Checkpoint.save_model`, a failed write
        raises: a checkpoint that cannot be resumed must not pass silently.
        """
        net.save_params(**self.get_formatted_files(net))

    def rng_state(self, net) -> dict[str, Any]:
        """The random states a resumed run needs: the batch order's and torch's."""
        return {"generator": net.generator_.get_state(), "torch": torch.get_rng_state()}

    def restore_rng(self, net, state: dict[str, Any]) -> None:
        """Set the random states saved by :meth:`rng_state`."""
        net.generator_.set_state(state["generator"])
        torch.set_rng_state(state["torch"])

    def write_resume_files(self, rng: dict[str, Any]) -> None:
        """``rng.pt`` and ``run.json`` (last: a checkpoint is complete once it exists)."""
        torch.save(rng, self._path(self.RNG_FILE))
        self._path(self.RUN_FILE).write_text(json.dumps(self.run_), encoding="utf-8")


def tuner_callbacks(
    *,
    checkpoint_dir: Any,
    early_stopping: int | None,
    max_grad_norm: float | None,
    verbose: int,
) -> list[tuple[str, Callback]]:
    """The callbacks a tuner adds to skorch's defaults, from its parameters.

    ``checkpoint`` (:class:`ResumableCheckpoint`, with ``checkpoint_dir``),
    ``early_stopping`` (skorch ``EarlyStopping(load_best=True)``),
    ``gradient_clipping`` (``GradientNormClipping``, with ``max_grad_norm``),
    ``lr_schedule`` (:class:`WarmupLinearSchedule`, always) and
    ``progress_bar`` (when ``verbose``).
    """
    callbacks: list[tuple[str, Callback]] = []
    if checkpoint_dir is not None:
        callbacks.append(("checkpoint", ResumableCheckpoint(checkpoint_dir)))
    if early_stopping is not None:
        callbacks.append(
            ("early_stopping", EarlyStopping(patience=early_stopping, load_best=True))
        )
    if max_grad_norm is not None:
        callbacks.append(("gradient_clipping", GradientNormClipping(max_grad_norm)))
    callbacks.append(("lr_schedule", WarmupLinearSchedule()))
    if verbose:
        callbacks.append(("progress_bar", ProgressBar()))
    return callbacks
