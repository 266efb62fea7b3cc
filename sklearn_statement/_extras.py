"""Optional dependencies: import them where they are needed, with an error naming the extra."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require"]

#: The extra that installs each optional module (``pip install "sklearn-statement[EXTRA]"``).
EXTRAS = {
    "accelerate": "scale",
    "dask": "scale",
    "dask.dataframe": "scale",
    "distributed": "scale",
    "pyarrow": "scale",
}


def require(module: str, purpose: str) -> ModuleType:
    """Import an optional ``module`` or fail with an error that names its extra.

    Parameters
    ----------
    module : str
        Dotted module name, a key of :data:`EXTRAS`.
    purpose : str
        What needs it, for the message (``"AcceleratedStatementTuner"``).

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    ImportError
        If the module cannot be imported; the message names the extra
        (``pip install "sklearn-statement[scale]"``).
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        extra = EXTRAS.get(module, "scale")
        raise ImportError(
            f"{purpose} needs {module!r}, which is not installed ({exc}). Install the "
            f'[{extra}] extra: pip install "sklearn-statement[{extra}]"'
        ) from exc
