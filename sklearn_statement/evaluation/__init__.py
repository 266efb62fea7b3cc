"""Zero-shot evaluation over datasets and languages, and its reports.

- :func:`evaluate_zero_shot`, :func:`suite_triples`, :func:`bootstrap_ci`,
  :data:`PAPER_SUITE`, :data:`PAPER_REPORTED` (``_evaluate``);
- :func:`format_table` (``_evaluate``);
- :func:`write_report` (JSON, CSV, markdown and one plot per dataset),
  :func:`report_files`, :func:`dataset_averages` (``_report``).
"""

from ._evaluate import (
    PAPER_REPORTED,
    PAPER_SUITE,
    bootstrap_ci,
    evaluate_zero_shot,
    format_table,
    suite_triples,
)
from ._report import dataset_averages, report_files, write_report

__all__ = [
    "PAPER_REPORTED",
    "PAPER_SUITE",
    "bootstrap_ci",
    "dataset_averages",
    "evaluate_zero_shot",
    "format_table",
    "report_files",
    "suite_triples",
    "write_report",
]
