"""What :class:`AcceleratedStatementTuner` needs around accelerate: data loaders
that shard example-grouped batches whole, a checkpoint written by the main
process, and main-process-only calls (what a pickle keeps of an Accelerator is
in ``_pickling``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import torch
from torch.utils.data import DataLoader

from ._batching import ExampleBatchSampler
from ._callbacks import ResumableCheckpoint

__all__ = ["AcceleratedCheckpoint", "ShardableDataLoader", "on_main_process"]

T = TypeVar("T")


def on_main_process(accelerator: Any, fn: Callable[[], T]) -> T | None:
    """Run ``fn`` on the main process only; raise its error on every process.

    A collective call: every process must make it. Without the broadcast of
    the outcome, an exception on the main process would leave the others
    waiting at the next barrier forever.

    Returns
    -------
    The result of ``fn`` on the main process, None on the others.

    Raises
    ------
    Exception
        The main process's exception, on the main process; a RuntimeError
        quoting it on the others.
    """
    result, error = None, None
    if accelerator.is_main_process:
        try:
            result = fn()
        except Exception as exc:  # re-raised below, after telling the others
            error = exc
    if accelerator.num_processes > 1:
        from accelerate.utils import broadcast_object_list

        status = [None if error is None else f"{type(error).__name__}: {error}"]
        broadcast_object_list(status)
        # a barrier after the broadcast: gloo's worker thread releases the
        # broadcast's tensors after the caller has moved on, and needs the GIL
        # to do so; a process that exits right after this call (save_pretrained
        # as a script's last line) could be finalizing by then, and that
        # thread aborts the process ("terminate called without an active
        # exception", SIGABRT; torch 2.13, pytorch/pytorch#190489). The barrier's round
        # trip may give it the time, and the barrier holds no Python tensors: a
        # mitigation, not a fix (the test job measured 3 aborts in 8 launches
        # without it, 1 in 20 with it).
        accelerator.wait_for_everyone()
        if error is None and status[0] is not None:
            raise RuntimeError(f"the main process failed: {status[0]}")
    if error is not None:
        raise error
    return result


def _silent(*args: Any, **kwargs: Any) -> None:
    """A print sink that prints nothing (``verbose=0``)."""


def _print_on_main(*args: Any, **kwargs: Any) -> None:
    """``print`` on the main process only (accelerate's ``PartialState.print``)."""
    from accelerate import PartialState

    PartialState().print(*args, **kwargs)


def _is_epoch_scoring(callback: Any) -> bool:
    from skorch.callbacks import EpochScoring

    return isinstance(callback, EpochScoring) or callback is EpochScoring


class _VariableBatches:
    """An example-grouped batch sampler as accelerate must see it: no ``batch_size``.

    ``BatchSamplerShard`` yields a batch only when its length equals the
    sampler's ``batch_size`` attribute, or when that attribute is None
    (batches "of dynamic length"). Example-grouped batches differ in length
    by up to one example, so the attribute is hidden.
    """

    batch_size = None

    def __init__(self, sampler: ExampleBatchSampler) -> None:
        self.sampler = sampler

    def __len__(self) -> int:
        return len(self.sampler)

    def __iter__(self):
        return iter(self.sampler)


class ShardableDataLoader(DataLoader):
    """``torch.utils.data.DataLoader`` whose example-grouped batches accelerate shards whole.

    The default ``iterator_train`` / ``iterator_valid`` of
    :class:`AcceleratedStatementTuner`. Same parameters as ``DataLoader``.
    """

    def __init__(self, dataset: Any, batch_sampler: Any = None, **kwargs: Any) -> None:
        if isinstance(batch_sampler, ExampleBatchSampler):
            batch_sampler = _VariableBatches(batch_sampler)
        super().__init__(dataset, batch_sampler=batch_sampler, **kwargs)


class AcceleratedCheckpoint(ResumableCheckpoint):
    """:class:`ResumableCheckpoint` for several processes: the main process writes.

    Every process takes part (the weights are saved from the unwrapped model
    by :meth:`AcceleratedStatementTuner.save_params`; the random state of
    every process is gathered into ``rng.pt``); only the main process writes
    files. On resume every process reads the checkpoint (so ``dirname`` must
    be on a filesystem all of them read) and gets its own random state back.

    Parameters
    ----------
    dirname : str or PathLike
        Checkpoint directory.
    """

    def restore_rng(self, net, state: dict[str, Any]) -> None:
        super().restore_rng(net, state)
        states = state.get("torch_per_process")
        accelerator = net.accelerator
        if states is not None and len(states) == accelerator.num_processes:
            torch.set_rng_state(states[accelerator.process_index])

    def save_model(self, net) -> None:
        """A collective call: gather the random states, then the main process writes."""
        accelerator = net.accelerator
        rng = self.rng_state(net)
        states = [rng["torch"]]
        if accelerator.num_processes > 1:
            from accelerate.utils import gather_object

            states = gather_object(states)
        rng["torch_per_process"] = states
        on_main_process(accelerator, self.make_dir)
        self.save_state(net)  # net.save_params: the main process writes
        on_main_process(accelerator, lambda: self.write_resume_files(rng))
