"""Zero-shot evaluation over datasets and languages, and its reports.

- :func:`evaluate_zero_shot`, :func:`suite_triples`, :func:`bootstrap_ci`,
  :func:`recorded_families`, :data:`PAPER_SUITE`, :data:`PAPER_REPORTED`
  (``_evaluate``);
- the table: :func:`format_table` (from ``sklearn_statement.utils``, which
  model cards print too);
- reports: :func:`write_report` (JSON, CSV, markdown and one plot per dataset),
  :func:`report_files`, :func:`dataset_averages` (``_report``; the plot:
  ``_plots``).
"""

from ..utils import UNKNOWN_FAMILIES, average_rows, format_averages, format_table
from ._evaluate import (
    PAPER_REPORTED,
    PAPER_SUITE,
    bootstrap_ci,
    evaluate_zero_shot,
    recorded_families,
    suite_triples,
)
from ._report import dataset_averages, report_files, write_report

__all__ = [
    "PAPER_REPORTED",
    "PAPER_SUITE",
    "UNKNOWN_FAMILIES",
    "bootstrap_ci",
    "dataset_averages",
    "evaluate_zero_shot",
    "average_rows",
    "format_averages",
    "format_table",
    "recorded_families",
    "report_files",
    "suite_triples",
    "write_report",
]
