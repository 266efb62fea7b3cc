"""skorch callbacks used by :class:`StatementTuner`."""

from __future__ import annotations

import math

from skorch.callbacks import Callback

__all__ = ["WarmupLinearSchedule"]


class WarmupLinearSchedule(Callback):
    """Linear learning-rate warmup then linear decay to 0, stepped per batch.

    The schedule BERT-style fine-tuning uses (Devlin et al., 2019, Sec. A.2;
    ``transformers.get_linear_schedule_with_warmup``), built at the start of
    each ``fit``/``partial_fit`` call from the number of optimizer steps it
    will take.

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
        batches = math.ceil(len(dataset_train) / net.batch_size)
        steps_per_epoch = math.ceil(
            batches / max(1, getattr(net, "gradient_accumulation_steps", 1))
        )
        self.total_steps_ = max(1, steps_per_epoch * net.max_epochs)
        for (
            group
        ) in net.optimizer_.param_groups:  # restart from the base lr on every fit call
            group["lr"] = group.get("initial_lr", group["lr"])
            group.pop("initial_lr", None)
        self.scheduler_ = get_linear_schedule_with_warmup(
            net.optimizer_,
            int(self.warmup_ratio * self.total_steps_),
            self.total_steps_,
        )

    def on_batch_end(self, net, batch=None, training=False, **kwargs) -> None:
        if training and getattr(net, "optimizer_stepped_", True):
            self.scheduler_.step()
