"""Export a statement model to ONNX Runtime or OpenVINO (int8), behind an accuracy gate.

- :func:`export_statement_model` (``_export``);
- the gate: :func:`gate_report`, :func:`validation_statements` and
  :class:`ExportGateError` (``_gate``).
"""

from ._export import export_statement_model, file_name
from ._gate import ExportGateError, gate_report, validation_statements

__all__ = [
    "ExportGateError",
    "export_statement_model",
    "file_name",
    "gate_report",
    "validation_statements",
]
