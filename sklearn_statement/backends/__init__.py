"""Run a statement model: the true-logit forward pass, exported (ONNX Runtime, OpenVINO) models,
and sentence encoders.

- one interface to a statement model, whatever runs it: :class:`ScoringModel`,
  from :func:`load_scoring_model` (a directory or hub id, any backend) or
  :func:`scoring_model` (a torch model in memory) (``_model``);
- the forward pass: :func:`forward_true_logits` (de-duplicated, length-sorted,
  padded per batch, under ``inference_mode``) and :func:`mean_pooled`, for a
  torch model or an exported one alike (``_forward``);
- exported models: :func:`load_backend_model` returns an
  :class:`OnnxRuntimeModel` or :class:`OpenVINOModel` with the torch model's
  ``logits`` / ``hidden_states`` interface (``_exported``);
- sentence-transformers encoders: :func:`load_sentence_encoder`,
  :func:`encode_sentences` (``_sentence``).

A new backend is a class with ``logits(input_ids, attention_mask)`` and
``hidden_states(input_ids, attention_mask)`` (numpy in, numpy out) in
``_exported.py``, a branch of :func:`load_backend_model` (which
:func:`load_scoring_model` calls for every backend but torch), its packages in
:data:`BACKEND_PACKAGES` and its name in ``utils.BACKENDS``.
"""

from ._exported import (
    BACKEND_PACKAGES,
    INPUT_NAMES,
    OUTPUT_NAMES,
    OnnxRuntimeModel,
    OpenVINOModel,
    backend_dir,
    load_backend_model,
    read_manifest,
    require_backend,
)
from ._forward import (
    encode_statements,
    forward_true_logits,
    length_batches,
    mean_pooled,
    pad_batch,
)
from ._model import ScoringModel, load_scoring_model, scoring_model
from ._sentence import encode_sentences, load_sentence_encoder

__all__ = [
    "BACKEND_PACKAGES",
    "INPUT_NAMES",
    "OUTPUT_NAMES",
    "OnnxRuntimeModel",
    "OpenVINOModel",
    "ScoringModel",
    "backend_dir",
    "encode_sentences",
    "encode_statements",
    "forward_true_logits",
    "length_batches",
    "load_backend_model",
    "load_scoring_model",
    "load_sentence_encoder",
    "mean_pooled",
    "pad_batch",
    "read_manifest",
    "require_backend",
    "scoring_model",
]
