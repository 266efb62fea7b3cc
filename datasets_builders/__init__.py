"""Load real datasets and build Statement-Tuning data from them.

``load_task`` reads a dataset from a local folder with the layout of
``shared/data`` (the bundled sample: :func:`sample_data_dir`) or from the
Hugging Face hub; ``build_statements``, ``build_multitask`` and
``build_translation_statements`` turn labeled rows into balanced true/false
statements (arXiv 2404.12897; arXiv 2506.01592); ``build_preset`` builds the
paper's training mixture (``PRESETS``) and ``statement_stats`` counts rows
per task, language and label.

The public names are imported on first use (PEP 562), so importing this
package (or its ``_constants``) does not load ``datasets``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: Public name -> the private module that defines it (imported on first use).
_EXPORTS = {
    "OVER_LENGTH": "._constants",
    "HUB_ONLY_TASKS": "._hub",
    "HUB_SOURCES": "._hub",
    "PRESETS": "._presets",
    "Preset": "._presets",
    "STATEMENT_COLUMNS": "._constants",
    "TASKS": "._load",
    "available_data": "._load",
    "build_multitask": "._multitask",
    "build_preset": "._presets",
    "build_statements": "._build",
    "build_translation_statements": "._translation",
    "default_cache_dir": "._cache",
    "load_task": "._load",
    "sample_data_dir": "._load",
    "statement_stats": "._multitask",
}

__all__ = list(_EXPORTS)

if TYPE_CHECKING:  # static analysers see the names (a test keeps this = _EXPORTS)
    from ._build import build_statements as build_statements
    from ._cache import default_cache_dir as default_cache_dir
    from ._constants import OVER_LENGTH as OVER_LENGTH
    from ._constants import STATEMENT_COLUMNS as STATEMENT_COLUMNS
    from ._hub import HUB_ONLY_TASKS as HUB_ONLY_TASKS
    from ._hub import HUB_SOURCES as HUB_SOURCES
    from ._load import TASKS as TASKS
    from ._load import available_data as available_data
    from ._load import load_task as load_task
    from ._load import sample_data_dir as sample_data_dir
    from ._multitask import build_multitask as build_multitask
    from ._multitask import statement_stats as statement_stats
    from ._presets import PRESETS as PRESETS
    from ._presets import Preset as Preset
    from ._presets import build_preset as build_preset
    from ._translation import (
        build_translation_statements as build_translation_statements,
    )


# The same PEP 562 hooks as sklearn_statement's: the packages may not import
# each other's internals (datasets_builders does not depend on sklearn_statement).
def __getattr__(name: str) -> Any:
    """Import a public name's module on first access (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value  # later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
