"""Statement tuning: the estimators, their batches, objectives and callbacks.

- :class:`StatementTuner`: the skorch net, a cross-encoder (``_tuner``);
  :class:`BiEncoderStatementTuner`: statement tuning of a sentence encoder
  (a bi-encoder; sentence-transformers' trainer, ``_bi_encoder``);
  :class:`AcceleratedStatementTuner`: the same through Hugging Face
  ``accelerate`` (``_accelerate``, helpers in ``_accelerate_support``);
- batches: :class:`StatementCollator` (per-batch tokenization, dynamic
  padding), :class:`ExampleBatchSampler` (an example's statements in one
  batch) (``_batching``);
- objectives: the paper's binary loss, :func:`listwise_loss` and its
  soft-target form :func:`soft_listwise_loss` (``_objectives``);
- callbacks: :class:`WarmupLinearSchedule`, :class:`ResumableCheckpoint`
  (``_callbacks``).

A new objective is a name in ``utils.OBJECTIVES``, its data check in
:func:`check_objective_data` and its loss term in :func:`objective_loss`
(``_objectives.py``).
"""

from ._accelerate import AcceleratedStatementTuner
from ._batching import EXAMPLE_ID, ExampleBatchSampler, StatementCollator
from ._bi_encoder import BiEncoderStatementTuner, candidates_loss, description_triplets
from ._callbacks import ResumableCheckpoint, WarmupLinearSchedule
from ._objectives import (
    check_example_ids,
    check_objective_data,
    listwise_loss,
    objective_loss,
    soft_listwise_loss,
)
from ._tuner import DEFAULT_MODEL, StatementTuner

__all__ = [
    "DEFAULT_MODEL",
    "EXAMPLE_ID",
    "AcceleratedStatementTuner",
    "BiEncoderStatementTuner",
    "ExampleBatchSampler",
    "ResumableCheckpoint",
    "StatementCollator",
    "StatementTuner",
    "WarmupLinearSchedule",
    "candidates_loss",
    "check_example_ids",
    "check_objective_data",
    "description_triplets",
    "listwise_loss",
    "objective_loss",
    "soft_listwise_loss",
]
