"""Leaf helpers of ``sklearn_statement``: they import nothing else of the package.

- device and precision: :func:`resolve_device`, :func:`resolve_precision`,
  :func:`autocast` (``_device``); what the CPU can do: :func:`cpu_flags`,
  :func:`has_native_bf16`, :func:`int8_kernel`, :func:`cpu_summary` (``_cpu``);
- optional dependencies: :func:`require`, the one import that names the extra
  to install (``_optional``);
- quiet loading of transformers: :func:`quiet_transformers` (``_quiet``);
- input validation: :func:`check_statements`, :func:`check_binary_targets`,
  :func:`check_examples`, :func:`unwrap_frozen`, :func:`text_input_tags`
  (``_validation``);
- tables: :func:`read_table` (the one table reader), :func:`read_statements`,
  :func:`examples_from_table`, :func:`truth_values`, :func:`write_table`
  (``_tables``); the evaluation table :func:`format_table` (``_evaluation_table``:
  evaluation reports and model cards print it);
- option values shared by the estimators and the command line (``_constants``).

Importing it loads no torch: the command line builds its parser from it.
"""

from ._constants import (
    BACKENDS,
    EXPORT_BACKENDS,
    FEW_SHOT_METHODS,
    INPUT_FORMATS,
    NORMALIZE,
    OBJECTIVES,
    OFFLINE_MODELS,
    ON_FAIL,
    OUTPUT_FORMATS,
    PEFT_METHODS,
    PRECISIONS,
    PROGRESS_STATEMENTS,
    QUANTIZE,
    RECIPE_NAMES,
)
from ._cpu import (
    INT8_KERNELS,
    cpu_flags,
    cpu_model,
    cpu_summary,
    has_native_bf16,
    int8_kernel,
    parse_cpuinfo,
)
from ._device import autocast, resolve_device, resolve_precision
from ._evaluation_table import (
    UNKNOWN_FAMILIES,
    average_rows,
    format_averages,
    format_table,
)
from ._optional import EXTRAS, require
from ._quiet import quiet_transformers
from ._tables import (
    STATEMENT_FORMATS,
    check_output_path,
    examples_from_table,
    format_of,
    read_statements,
    read_table,
    truth_values,
    write_table,
)
from ._validation import (
    check_binary_targets,
    check_examples,
    check_statements,
    text_input_tags,
    unwrap_frozen,
)

__all__ = [
    "BACKENDS",
    "EXPORT_BACKENDS",
    "EXTRAS",
    "FEW_SHOT_METHODS",
    "INPUT_FORMATS",
    "INT8_KERNELS",
    "NORMALIZE",
    "OBJECTIVES",
    "OFFLINE_MODELS",
    "RECIPE_NAMES",
    "ON_FAIL",
    "OUTPUT_FORMATS",
    "PEFT_METHODS",
    "PRECISIONS",
    "PROGRESS_STATEMENTS",
    "QUANTIZE",
    "STATEMENT_FORMATS",
    "UNKNOWN_FAMILIES",
    "autocast",
    "check_binary_targets",
    "check_examples",
    "check_output_path",
    "check_statements",
    "cpu_flags",
    "cpu_model",
    "cpu_summary",
    "examples_from_table",
    "average_rows",
    "format_averages",
    "format_table",
    "format_of",
    "has_native_bf16",
    "int8_kernel",
    "parse_cpuinfo",
    "quiet_transformers",
    "read_statements",
    "read_table",
    "require",
    "resolve_device",
    "resolve_precision",
    "text_input_tags",
    "truth_values",
    "unwrap_frozen",
    "write_table",
]
