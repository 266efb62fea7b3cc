"""Export a statement model to ONNX Runtime or OpenVINO (int8), behind an accuracy gate.

- :func:`export_statement_model` (``_export``), and :func:`quantize_int8` with
  its int8 settings (:data:`ONNX_INT8`) for quantization studies;
- the gate: :func:`gate_report`, :func:`validation_statements` and
  :class:`ExportGateError` (``_gate``).
"""

from ._export import ONNX_INT8, export_statement_model, file_name, quantize_int8
from ._gate import ExportGateError, gate_report, validation_statements

__all__ = [
    "ONNX_INT8",
    "ExportGateError",
    "export_statement_model",
    "file_name",
    "gate_report",
    "quantize_int8",
    "validation_statements",
]
