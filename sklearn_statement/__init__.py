"""scikit-learn estimators for Statement-Tuning.

Fine-tune an encoder to judge natural-language statements true or false
(:class:`StatementTuner`), then classify any task zero-shot by turning each
candidate label into a statement and picking the most-true one
(:class:`ZeroShotStatementClassifier`). Method: Elshabrawy et al., 2024
(arXiv 2404.12897); multilingual: arXiv 2506.01592 (ACL 2025).

The public names are imported on first use (PEP 562), so ``import
sklearn_statement`` and the ``sklearn-statement templates`` command do not
load torch, skorch or ``datasets``; ``from sklearn_statement import X``
works as usual. Each name lives in a subpackage, one per concern
(``utils``, ``models``, ``backends``, ``training``, ``zero_shot``, ``export``,
``evaluation``, ``scale``, ``recipes``, ``cli``; see the docs' "Architecture"
page); module paths of version 0.1 (``sklearn_statement._tuner``...) still
resolve, so older pickles load.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from . import _legacy

try:
    __version__ = version("sklearn-statement")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

_legacy.install()  # old module paths (pickles of version 0.1) resolve

#: Public name -> the subpackage that defines it (imported on first use).
_EXPORTS = {
    "AcceleratedStatementTuner": ".training",
    "BiEncoderStatementTuner": ".training",
    "EmbeddingZeroShotClassifier": ".zero_shot",
    "ExportGateError": ".export",
    "FewShotStatementClassifier": ".zero_shot",
    "Shortlist": ".zero_shot",
    "StatementTuner": ".training",
    "WarmupLinearSchedule": ".training",
    "ZeroShotStatementClassifier": ".zero_shot",
    "convert_to_safetensors": ".models",
    "evaluate_zero_shot": ".evaluation",
    "offline_model": ".models",
    "score_dataframe": ".scale",
    "export_statement_model": ".export",
    "suite_triples": ".evaluation",
    "write_report": ".evaluation",
}

__all__ = [*_EXPORTS, "__version__"]

if TYPE_CHECKING:  # static analysers see the names (a test keeps this = _EXPORTS)
    from .evaluation import evaluate_zero_shot as evaluate_zero_shot
    from .evaluation import suite_triples as suite_triples
    from .evaluation import write_report as write_report
    from .export import ExportGateError as ExportGateError
    from .export import export_statement_model as export_statement_model
    from .models import convert_to_safetensors as convert_to_safetensors
    from .models import offline_model as offline_model
    from .scale import score_dataframe as score_dataframe
    from .training import AcceleratedStatementTuner as AcceleratedStatementTuner
    from .training import BiEncoderStatementTuner as BiEncoderStatementTuner
    from .training import StatementTuner as StatementTuner
    from .training import WarmupLinearSchedule as WarmupLinearSchedule
    from .zero_shot import EmbeddingZeroShotClassifier as EmbeddingZeroShotClassifier
    from .zero_shot import FewShotStatementClassifier as FewShotStatementClassifier
    from .zero_shot import Shortlist as Shortlist
    from .zero_shot import ZeroShotStatementClassifier as ZeroShotStatementClassifier


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value  # later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
