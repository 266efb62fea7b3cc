"""Load real datasets and build Statement-Tuning data from them.

``load_task`` reads a dataset from a local folder with the layout of
``shared/data`` (the bundled sample: :func:`sample_data_dir`) or from the
Hugging Face hub; ``build_statements``, ``build_multitask`` and
``build_translation_statements`` turn labeled rows into balanced true/false
statements (arXiv 2404.12897; arXiv 2506.01592); ``build_preset`` builds the
paper's training mixture (``PRESETS``) and ``statement_stats`` counts rows
per task, language and label.
"""

from ._build import OVER_LENGTH, STATEMENT_COLUMNS, build_statements
from ._cache import default_cache_dir
from ._hub import HUB_ONLY_TASKS
from ._load import TASKS, available_data, load_task, sample_data_dir
from ._multitask import build_multitask, statement_stats
from ._presets import PRESETS, Preset, build_preset
from ._translation import build_translation_statements

__all__ = [
    "OVER_LENGTH",
    "HUB_ONLY_TASKS",
    "PRESETS",
    "Preset",
    "STATEMENT_COLUMNS",
    "TASKS",
    "available_data",
    "build_multitask",
    "build_preset",
    "build_statements",
    "build_translation_statements",
    "default_cache_dir",
    "load_task",
    "sample_data_dir",
    "statement_stats",
]
