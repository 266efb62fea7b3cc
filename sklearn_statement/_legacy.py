"""Old module paths (before the subpackages) resolve to their new homes.

Pickles store a class by its module path: a ``StatementTuner`` pickled by
version 0.1 names ``sklearn_statement._tuner``, its schedule
``sklearn_statement._callbacks``, a zero-shot classifier
``sklearn_statement._zero_shot``. :data:`MOVED` is the one table from each old
module to the new ones that hold its names; :class:`LegacyFinder`, put on
``sys.meta_path`` by ``import sklearn_statement``, makes ``import
sklearn_statement._tuner`` (and ``pickle.load``) return a stand-in module whose
attributes are looked up in those new modules, imported on first use. So old
pickles load and old private imports keep working; nothing is imported until
an old path is asked for.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence
from typing import Any

__all__ = ["MOVED", "LegacyFinder", "install"]

#: Old private module (``sklearn_statement.<old>``) -> the new modules that hold
#: its names, searched in order.
MOVED: dict[str, tuple[str, ...]] = {
    "_accelerate": ("training._accelerate",),
    "_accelerate_support": ("training._accelerate_support", "training._pickling"),
    "_backends": ("backends._exported", "models._layout"),
    "_batching": ("training._batching", "models._tokenizers"),
    "_callbacks": ("training._callbacks",),
    "_card": ("models._card",),
    "_cli": ("cli._main", "cli._options"),
    "_constants": ("utils._constants",),
    "_convert": ("models._convert", "models._layout"),
    "_cpu": ("utils._cpu",),
    "_dask": ("scale._dask",),
    "_dask_plugin": ("scale._dask_plugin",),
    "_demo": ("recipes._demo", "recipes._recipe"),
    "_device": ("utils._device",),
    "_e5s1": ("models._e5s1",),
    "_embedding": (
        "zero_shot._embedding",
        "zero_shot",
        "backends._sentence",
    ),
    "_evaluate": ("evaluation._evaluate", "utils._evaluation_table"),
    "_examples": ("recipes._gallery", "cli._templates"),
    "_export": ("export._export", "export._gate"),
    "_extras": ("utils._optional",),
    "_few_shot": ("zero_shot._few_shot",),
    "_gate": ("export._gate",),
    "_labels": ("zero_shot._labels",),
    "_model_io": ("models._load", "models._peft", "models._layout"),
    "_objectives": ("training._objectives",),
    "_offline": ("models._offline",),
    "_offline_build": ("models._offline_build",),
    "_persistence": (
        "models._save",
        "models._peft",
        "models._layout",
        "training._save",
    ),
    "_quiet": ("utils._quiet",),
    "_report": ("evaluation._report", "evaluation._plots"),
    "_scoring": ("backends._forward",),
    "_shortlist": ("zero_shot._shortlist", "zero_shot"),
    "_tables": ("utils._tables",),
    "_tokenizers": ("models._tokenizers",),
    "_tuner": ("training._tuner", "training._pickling", "training._data"),
    "_validation": ("utils._validation",),
    "_zero_shot": (
        "zero_shot._classifier",
        "zero_shot._templates",
        "zero_shot._probabilities",
        "zero_shot._labels",
    ),
}
#: Names that changed as they moved: (old module, old name) -> new name.
RENAMED: dict[tuple[str, str], str] = {
    ("_dask", "_score_partition"): "_classify_partition",
    ("_embedding", "_load_encoder"): "load_sentence_encoder",
    ("_evaluate", "_scores"): "_metrics",
    ("_backends", "MANIFEST_NAME"): "EXPORT_MANIFEST",
    ("_model_io", "CONFIG_NAME"): "TUNER_RECORD",
    ("_model_io", "_looks_like_path"): "looks_like_path",
    ("_persistence", "TEMPLATES_NAME"): "TEMPLATES",
    ("_report", "_plot"): "accuracy_plot",
    ("_tuner", "_group_split"): "group_split",
    ("_scoring", "true_logits"): "forward_true_logits",
    ("_zero_shot", "_softmax"): "softmax",
    ("_zero_shot", "_sigmoid"): "sigmoid",
}
PACKAGE = __name__.rpartition(".")[0]


class LegacyModule(types.ModuleType):
    """An old module path: its attributes come from the new modules."""

    def __init__(self, name: str, old: str, homes: Sequence[str]) -> None:
        super().__init__(name, f"Moved: see {', '.join(homes)}.")
        self.__old = old
        self.__homes = tuple(homes)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        wanted = RENAMED.get((self.__old, name), name)
        for home in self.__homes:
            module = importlib.import_module(f"{PACKAGE}.{home}")
            if hasattr(module, wanted):
                return getattr(module, wanted)
        raise AttributeError(
            f"module {self.__name__!r} (moved to {', '.join(self.__homes)}) has no "
            f"attribute {name!r}"
        )


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        old = spec.name.rpartition(".")[2]
        return LegacyModule(spec.name, old, MOVED[old])

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: attributes are looked up on access."""


class LegacyFinder(importlib.abc.MetaPathFinder):
    """Finds ``sklearn_statement.<old module>`` for the names in :data:`MOVED`."""

    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, old = fullname.rpartition(".")
        if package != PACKAGE or old not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Loader())


def install() -> None:
    """Put one :class:`LegacyFinder` first on ``sys.meta_path`` (idempotent).

    First, so that an old path never finds a stale file of an older
    installation (or an editable one) before it finds its new home; it
    answers for the names of :data:`MOVED` only.
    """
    if not any(isinstance(f, LegacyFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, LegacyFinder())
