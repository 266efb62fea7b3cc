"""scikit-learn estimators for Statement-Tuning.

Fine-tune an encoder to judge natural-language statements true or false
(:class:`StatementTuner`), then classify any task zero-shot by turning each
candidate label into a statement and picking the most-true one
(:class:`ZeroShotStatementClassifier`). Method: Elshabrawy et al., 2024
(arXiv 2404.12897); multilingual: arXiv 2506.01592 (ACL 2025).

The public names are imported on first use (PEP 562), so ``import
sklearn_statement`` and the ``sklearn-statement templates`` command do not
load torch, skorch or ``datasets``; ``from sklearn_statement import X``
works as usual.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("sklearn-statement")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

#: Public name -> the private module that defines it (imported on first use).
_EXPORTS = {
    "AcceleratedStatementTuner": "._accelerate",
    "EmbeddingZeroShotClassifier": "._embedding",
    "ExportGateError": "._export",
    "Shortlist": "._shortlist",
    "StatementTuner": "._tuner",
    "WarmupLinearSchedule": "._callbacks",
    "ZeroShotStatementClassifier": "._zero_shot",
    "convert_to_safetensors": "._convert",
    "evaluate_zero_shot": "._evaluate",
    "offline_model": "._offline",
    "score_dataframe": "._dask",
    "export_statement_model": "._export",
    "suite_triples": "._evaluate",
    "write_report": "._report",
}

__all__ = [*_EXPORTS, "__version__"]

if TYPE_CHECKING:  # static analysers see the names (a test keeps this = _EXPORTS)
    from ._accelerate import AcceleratedStatementTuner as AcceleratedStatementTuner
    from ._callbacks import WarmupLinearSchedule as WarmupLinearSchedule
    from ._convert import convert_to_safetensors as convert_to_safetensors
    from ._dask import score_dataframe as score_dataframe
    from ._embedding import EmbeddingZeroShotClassifier as EmbeddingZeroShotClassifier
    from ._evaluate import evaluate_zero_shot as evaluate_zero_shot
    from ._evaluate import suite_triples as suite_triples
    from ._export import ExportGateError as ExportGateError
    from ._export import export_statement_model as export_statement_model
    from ._offline import offline_model as offline_model
    from ._report import write_report as write_report
    from ._shortlist import Shortlist as Shortlist
    from ._tuner import StatementTuner as StatementTuner
    from ._zero_shot import ZeroShotStatementClassifier as ZeroShotStatementClassifier


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value  # later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
