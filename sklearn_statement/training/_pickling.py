"""How a tuner pickles: the workarounds, in one place.

- Classes among the parameters (``optimizer=torch.optim.AdamW``...) are
  stored by import path (:class:`_ClassReference`). Pickling them as globals
  breaks once ``dill`` (imported by ``datasets``) has extended the
  pure-Python pickler that ``joblib.dump`` copies: dill cannot find
  ``torch.optim.adamw`` as an attribute of ``torch.optim``, pickles the
  class by value and fails.
- The optimizer is pickled without its per-parameter state (Adam's two
  moments: twice the bytes of the trained weights) and, under accelerate,
  unwrapped (accelerate's wrapper pickles its patched ``step``). So a pickled
  tuner holds its weights once; after loading, ``predict_proba`` is the same
  and a further ``fit`` (``warm_start``, ``partial_fit``) starts new
  moments from the loaded weights. ``checkpoint_dir`` keeps the optimizer
  state for a resumed ``fit``.
- ``device="auto"`` maps the saved tensors to this machine's device.
- An ``Accelerator`` is kept as a recipe (:class:`_AcceleratorRecipe`).
"""

from __future__ import annotations

import contextlib
import copy
import importlib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import torch

from ..utils import require

__all__ = ["pickle_state", "unpickle_state"]


class _ClassReference:
    """A class stored by module and qualified name in a pickled tuner."""

    def __init__(self, module: str, qualname: str):
        self.module = module
        self.qualname = qualname

    @classmethod
    def of(cls, klass: type) -> _ClassReference | type:
        """The reference to ``klass``, or ``klass`` itself if it cannot be imported."""
        ref = cls(klass.__module__, klass.__qualname__)
        try:
            found = ref.resolve()
        except (ImportError, AttributeError):
            return klass
        return ref if found is klass else klass

    def resolve(self) -> type:
        """Import the class back."""
        obj: Any = importlib.import_module(self.module)
        for part in self.qualname.split("."):
            obj = getattr(obj, part)
        return obj


class _AcceleratorRecipe:
    """What a pickled tuner keeps of its ``Accelerator``: its mixed precision.

    An ``Accelerator`` holds every object it prepared (models, optimizers,
    data loaders); a pickle carries this recipe instead and a new
    ``Accelerator`` is made when it is loaded.
    """

    def __init__(self, accelerator: Any) -> None:
        self.mixed_precision = str(getattr(accelerator, "mixed_precision", "no"))

    def build(self) -> Any:
        accelerate = require("accelerate", "loading an AcceleratedStatementTuner")
        return accelerate.Accelerator(mixed_precision=self.mixed_precision)


def _without_state(optimizer: Any) -> Any:
    """The plain optimizer (accelerate's unwrapped) with its settings, without its state."""
    plain = getattr(optimizer, "optimizer", optimizer)  # AcceleratedOptimizer
    if not isinstance(plain, torch.optim.Optimizer):
        return optimizer
    light = copy.copy(plain)  # the same param_groups (so the same parameters)
    light.state = defaultdict(dict)
    return light


@contextlib.contextmanager
def _light_optimizers(net: Any) -> Iterator[None]:
    """Let skorch pickle each ``optimizer_`` without its state (see the module docstring)."""
    saved = {
        name: getattr(net, name + "_")
        for name in getattr(net, "_optimizers", [])
        if getattr(net, name + "_", None) is not None
    }
    try:
        for name, optimizer in saved.items():
            setattr(net, name + "_", _without_state(optimizer))
        yield
    finally:
        for name, optimizer in saved.items():
            setattr(net, name + "_", optimizer)


def pickle_state(net: Any, parent_getstate: Any) -> dict[str, Any]:
    """``net.__getstate__()``: skorch's state, with the workarounds above."""
    with _light_optimizers(net):
        state = parent_getstate()
    state = {
        key: _ClassReference.of(value) if isinstance(value, type) else value
        for key, value in state.items()
    }
    if state.get("accelerator") is not None:  # AcceleratedStatementTuner
        state["accelerator"] = _AcceleratorRecipe(state["accelerator"])
    return state


def unpickle_state(state: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """The state skorch's ``__setstate__`` takes, and the ``device`` to set after it.

    skorch maps the saved tensors to ``state["device"]``: ``"auto"`` becomes
    this machine's device (CUDA when available), an accelerated tuner's
    ``None`` its accelerator's device; the parameter is put back afterwards.
    """
    state = {
        key: value.resolve() if isinstance(value, _ClassReference) else value
        for key, value in state.items()
    }
    if isinstance(state.get("accelerator"), _AcceleratorRecipe):
        state["accelerator"] = state["accelerator"].build()
    device = state.get("device")
    if device == "auto":
        state["device"] = "cuda" if torch.cuda.is_available() else "cpu"
    elif device is None and state.get("accelerator") is not None:
        state["device"] = str(state["accelerator"].device)
    return state, device
