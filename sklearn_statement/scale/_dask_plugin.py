"""The distributed worker plugin that loads a statement model once per Dask worker.

Kept apart from ``_dask.py`` because the class must inherit from
``distributed.WorkerPlugin`` (distributed refuses duck-typed plugins), and
``score_dataframe`` also runs without distributed (a local Dask scheduler).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

try:
    from distributed import WorkerPlugin
except ImportError:  # pragma: no cover - without the [scale] extra
    # never registered then (score_dataframe uses a local scheduler); this
    # only keeps the module importable, e.g. for pytest --doctest-modules
    WorkerPlugin = object

__all__ = ["StatementModelPlugin"]


class StatementModelPlugin(WorkerPlugin):
    """Load a :class:`ZeroShotStatementClassifier` on every worker, once.

    Registered by :func:`score_dataframe` with ``client.register_plugin``:
    the scheduler sends the plugin (a model *path* and the classifier's
    parameters, a few hundred bytes, no weights) to every worker, present
    and future; each worker's ``setup`` loads the model from that path, in a
    thread so the worker keeps answering the scheduler. Tasks then find the
    classifier in ``get_worker().plugins[name]``. A load error (a path the
    worker cannot read) is raised on the client by ``register_plugin``.

    Parameters
    ----------
    spec : ModelSpec
        What to load (see ``sklearn_statement.scale._dask.ModelSpec``).

    Attributes
    ----------
    classifier : ZeroShotStatementClassifier
        The fitted classifier (after ``setup``).
    lock : threading.Lock
        Serialises scoring on this worker (fast tokenizers must not be used
        from two threads at once; torch already uses every core given).
    """

    idempotent = True  # a second score_dataframe with the same model reuses it

    def __init__(self, spec: Any) -> None:
        self.spec = spec
        self.name = spec.plugin_name
        self.classifier = None
        self.lock = threading.Lock()

    def __getstate__(self):
        return {"spec": self.spec, "name": self.name}

    def __setstate__(self, state):
        self.__init__(state["spec"])

    async def setup(self, worker: Any) -> None:
        where = f"on Dask worker {getattr(worker, 'address', '?')}"
        loop = asyncio.get_running_loop()
        self.classifier = await loop.run_in_executor(None, self.spec.load, where)

    def teardown(self, worker: Any) -> None:
        self.classifier = None
