"""Load real datasets and build Statement-Tuning data from them.

``load_task`` reads a dataset from a local folder with the layout of
``shared/data`` (the bundled sample: :func:`sample_data_dir`) or from the
Hugging Face hub; ``build_statements``, ``build_multitask`` and
``build_translation_statements`` turn labeled rows into balanced true/false
statements (arXiv 2404.12897; arXiv 2506.01592).
"""

from ._build import (
    STATEMENT_COLUMNS,
    build_multitask,
    build_statements,
    build_translation_statements,
)
from ._load import TASKS, available_data, load_task, sample_data_dir

__all__ = [
    "STATEMENT_COLUMNS",
    "TASKS",
    "available_data",
    "build_multitask",
    "build_statements",
    "build_translation_statements",
    "load_task",
    "sample_data_dir",
]
