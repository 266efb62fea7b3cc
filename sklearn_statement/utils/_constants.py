"""Option values of the estimators and the command line, each defined once.

This module imports nothing heavy (no torch, skorch or ``datasets``): the
CLI builds its argument parser from it, and the estimators'
``_parameter_constraints`` and checks use the same tuples.
"""

from __future__ import annotations

__all__ = [
    "PROGRESS_STATEMENTS",
    "BACKENDS",
    "EXPORT_BACKENDS",
    "FEW_SHOT_METHODS",
    "INPUT_FORMATS",
    "NORMALIZE",
    "OBJECTIVES",
    "OFFLINE_MODELS",
    "ON_FAIL",
    "OUTPUT_FORMATS",
    "PEFT_METHODS",
    "PRECISIONS",
    "QUANTIZE",
    "RECIPE_NAMES",
]

#: Autocast precisions (``precision=``): "auto" is bf16 on GPUs that support it.
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
#: Training objectives of :class:`~sklearn_statement.StatementTuner`.
OBJECTIVES = ("binary", "listwise")
#: Parameter-efficient fine-tuning methods (``peft=``).
PEFT_METHODS = ("lora", "qlora", "prompt")
#: What few-shot adaptation trains (``FewShotStatementClassifier(method=)``).
FEW_SHOT_METHODS = ("prompt", "full")
#: What runs a statement model at prediction time (``backend=``).
BACKENDS = ("torch", "onnx", "openvino")
#: The backends a saved model can be exported for.
EXPORT_BACKENDS = ("onnx", "openvino")
#: How ``predict_proba`` turns true-logits into a distribution (``normalize=``).
NORMALIZE = ("softmax", "sum")
#: Models :func:`~sklearn_statement.offline_model` builds from installed packages.
OFFLINE_MODELS = ("multilingual-e5-small",)
#: The named recipes of ``sklearn-statement demo --recipe`` (``recipes.RECIPES``' keys).
RECIPE_NAMES = ("demo", "full")
#: Export quantization (None: fp32 only).
QUANTIZE = (None, "int8")
#: What an export does with a file that fails its accuracy gate.
ON_FAIL = ("raise", "warn")
#: Input table formats by file extension; ``txt`` is one text (or JSON object) per line.
INPUT_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".txt": "txt",
}
#: Output table formats by file extension.
OUTPUT_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".parquet": "parquet",
}

#: Statements (or rows) from which long work shows a progress bar on a terminal
#: when ``progress_bar=None`` (the default of the Python API and the CLI).
PROGRESS_STATEMENTS = 1000
