"""scikit-learn estimators for Statement-Tuning.

Fine-tune an encoder to judge natural-language statements true or false
(:class:`StatementTuner`), then classify any task zero-shot by turning each
candidate label into a statement and picking the most-true one
(:class:`ZeroShotStatementClassifier`). Method: Elshabrawy et al., 2024
(arXiv 2404.12897); multilingual: arXiv 2506.01592 (ACL 2025).
"""

from importlib.metadata import PackageNotFoundError, version

from ._accelerate import AcceleratedStatementTuner
from ._callbacks import WarmupLinearSchedule
from ._convert import convert_to_safetensors
from ._dask import score_dataframe
from ._embedding import EmbeddingZeroShotClassifier
from ._evaluate import evaluate_zero_shot, suite_triples
from ._export import ExportGateError, export_statement_model
from ._report import write_report
from ._shortlist import Shortlist
from ._tuner import StatementTuner
from ._zero_shot import ZeroShotStatementClassifier

try:
    __version__ = version("sklearn-statement")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "AcceleratedStatementTuner",
    "EmbeddingZeroShotClassifier",
    "ExportGateError",
    "Shortlist",
    "StatementTuner",
    "WarmupLinearSchedule",
    "ZeroShotStatementClassifier",
    "convert_to_safetensors",
    "evaluate_zero_shot",
    "score_dataframe",
    "export_statement_model",
    "suite_triples",
    "write_report",
    "__version__",
]
