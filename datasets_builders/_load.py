"""``load_task``: a dataset as rows with the template's fields plus ``label``."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import datasets

from template_registry import dataset_info, list_tasks, normalize_language

from ._hub import HUB_ONLY_TASKS, HUB_SOURCES
from ._local import LOCAL_SOURCES

__all__ = ["load_task", "available_data", "sample_data_dir", "split_parts", "TASKS"]

logger = logging.getLogger(__name__)

#: Dataset names ``load_task`` knows (fixed in DESIGN.md).
TASKS: tuple[str, ...] = tuple(LOCAL_SOURCES)

SPLITS = ("train", "validation", "test")


def sample_data_dir() -> Path:
    """Directory of the small data sample bundled with the package.

    It has the layout of the full ``shared/data`` folder (a few hundred real
    rows per dataset and language; licenses and sampling in its
    ``SAMPLE.md``), so ``load_task(..., data_dir=sample_data_dir())`` works
    on a machine without the full data and without internet.

    Returns
    -------
    pathlib.Path
    """
    return Path(str(resources.files("datasets_builders") / "sample_data"))


def _check_name(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"task name must be a string, got {type(name).__name__}")
    if name not in LOCAL_SOURCES and name not in HUB_SOURCES:
        raise ValueError(
            f"unknown task {name!r}; known tasks: {sorted(set(LOCAL_SOURCES) | set(HUB_SOURCES))}"
        )
    return name


def _root(name: str, data_dir: str | os.PathLike) -> Path:
    if name not in LOCAL_SOURCES:
        raise ValueError(
            f"task {name!r} has no local reader (it is not part of the shared/data layout); "
            f"load it from the Hugging Face hub with data_dir=None. Local tasks: {sorted(LOCAL_SOURCES)}"
        )
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data_dir {str(data_dir)!r} is not a directory")
    root = data_dir / LOCAL_SOURCES[name].folder
    if not root.is_dir():
        raise FileNotFoundError(
            f"task {name!r} expects the folder {str(root)!r} (the layout of shared/data); it does not exist"
        )
    return root


def available_data(
    data_dir: str | os.PathLike, tasks: Iterable[str] | None = None
) -> dict[str, dict[str, list[str]]]:
    """What a data directory holds: ``{task: {language: [splits]}}``.

    Parameters
    ----------
    data_dir : str or PathLike
        A directory with the layout of ``shared/data``.
    tasks : iterable of str, optional
        Only these tasks (default: all known tasks).

    Returns
    -------
    dict
        Tasks whose folder is missing (and hub-only tasks) are left out.
    """
    out: dict[str, dict[str, list[str]]] = {}
    for name in tasks or LOCAL_SOURCES:
        _check_name(name)
        if name not in LOCAL_SOURCES:
            continue  # hub-only task: nothing on disk
        root = Path(data_dir) / LOCAL_SOURCES[name].folder
        if root.is_dir():
            index = LOCAL_SOURCES[name].index(root)
            if index:
                out[name] = {
                    lang: [s for s in SPLITS if s in splits]
                    for lang, splits in sorted(index.items())
                }
    return out


def _check_labels(name: str, rows: list[dict], where: str) -> None:
    allowed = set(dataset_info(name)["labels"])
    bad = sorted({repr(r["label"]) for r in rows if r["label"] not in allowed})
    if bad:
        raise ValueError(
            f"{where}: label value(s) {bad[:10]} are not labels of {name!r} ({sorted(map(repr, allowed))})"
        )


def _from_rows(
    name: str, rows: list[dict], language: str, split: str, where: str
) -> datasets.Dataset:
    fields = list(dataset_info(name)["fields"])
    _check_labels(name, rows, where)
    columns = {f: [r[f] for r in rows] for f in fields}
    columns["label"] = [r["label"] for r in rows]
    ds = datasets.Dataset.from_dict(columns)
    ds.info.dataset_name = name
    ds.info.config_name = language
    ds.info.description = f"{name} ({language}, {split}) from {where}"
    return ds


def _load_local(
    name: str, language: str, split: str, data_dir: str | os.PathLike
) -> datasets.Dataset:
    root = _root(name, data_dir)
    source = LOCAL_SOURCES[name]
    index = source.index(root)
    if language not in index:
        raise ValueError(
            f"task {name!r} has no language {language!r} under {str(root)!r}; languages: {sorted(index)}"
        )
    if split not in index[language]:
        raise ValueError(
            f"task {name!r} ({language}) has no split {split!r} under {str(root)!r}; splits: "
            f"{[s for s in SPLITS if s in index[language]]}"
        )
    spec = index[language][split]
    rows = source.read(spec)
    return _from_rows(
        name, rows, language, split, str(spec[0] if isinstance(spec, tuple) else spec)
    )


def _check_bound(name: str) -> None:
    """A hub-only set loads once template_registry binds its dataset key."""
    if name not in HUB_ONLY_TASKS or name in list_tasks():
        return
    need = HUB_ONLY_TASKS[name]
    raise ValueError(
        f"task {name!r}: template_registry has no dataset key {name!r}; add it to "
        f"template_registry/datasets.yaml with family {need['family']!r} (fields "
        f"{list(need['fields'])}) and labels {need['labels']}"
    )


def _load_hub(name: str, language: str, split: str) -> datasets.Dataset:
    if name not in HUB_SOURCES:
        raise ValueError(
            f"task {name!r} is not available from the Hugging Face hub; pass data_dir= (a folder with the "
            "layout of shared/data, e.g. datasets_builders.sample_data_dir())"
        )
    source = HUB_SOURCES[name]
    _check_bound(name)
    if source.languages is not None and language not in source.languages:
        raise ValueError(
            f"task {name!r} on the hub has no language {language!r}; languages: {list(source.languages)}"
        )
    if split not in source.splits:
        raise ValueError(
            f"task {name!r} on the hub has no split {split!r}; splits: {list(source.splits)}"
        )
    only = (source.split_languages or {}).get(split)
    if only is not None and language not in only:
        raise ValueError(
            f"task {name!r} on the hub has split {split!r} only for languages {list(only)}; "
            f"{language!r} has {[s for s in source.splits if s != split]}"
        )
    config = source.config(language)
    hub = datasets.load_dataset(source.repo, config, split=source.splits[split])
    missing = [c for c in source.columns if c not in hub.column_names]
    if missing:
        raise ValueError(
            f"hub dataset {source.repo!r} ({config}) lacks column(s) {missing}; it has {hub.column_names}"
        )
    if source.rows is not None:
        return _from_rows(
            name,
            source.rows(hub),
            language,
            split,
            f"hf://{source.repo}/{config or ''}/{source.splits[split]}",
        )
    labels = source.labels
    if labels == "names":
        column = next(h for h, ours in source.columns.items() if ours == "label")
        feature = hub.features[column]
        if not isinstance(feature, datasets.ClassLabel):
            raise ValueError(
                f"hub dataset {source.repo!r} ({config}): column {column!r} is not a ClassLabel "
                f"({feature}); cannot name its labels"
            )
        labels = dict(enumerate(feature.names))
    rows = []
    dropped = 0
    for row in hub:
        out = {ours: row[theirs] for theirs, ours in source.columns.items()}
        if "label" not in out:
            out["label"] = 1  # parallel text: every pair is aligned
        elif labels is not None:
            if out["label"] not in labels:
                dropped += 1  # e.g. -1 for unlabeled test rows
                continue
            out["label"] = labels[out["label"]]
        if name == "stsb":
            out["label"] = int(float(out["label"]) + 0.5)
        rows.append(out)
    if dropped:
        if not rows:
            raise ValueError(
                f"{source.repo} ({config}, {split}) has no labels; use another split"
            )
        logger.info(
            "%s (%s, %s): %d rows without a gold label left out",
            source.repo,
            config,
            split,
            dropped,
        )
    return _from_rows(
        name,
        rows,
        language,
        split,
        f"hf://{source.repo}/{config or ''}/{source.splits[split]}",
    )


def load_task(
    name: str,
    *,
    language: str = "en",
    split: str = "test",
    data_dir: str | os.PathLike | None = None,
) -> datasets.Dataset:
    """Load a task's rows with the template's field names and a ``label`` column.

    Parameters
    ----------
    name : str
        Dataset name: evaluation ``xnli``, ``xcopa``, ``pawsx``,
        ``xwinograd``, ``sib200``; training ``sst2``, ``mrpc``, ``rte``,
        ``qnli``, ``stsb``, ``agnews``, ``comve``, ``snli``,
        ``tweeteval_{offensive,emotion,hate,irony,sentiment}``,
        ``nusax_sentiment``; parallel text ``tatoeba``, ``nusax_mt``,
        ``flores`` (the SIB-200 rows paired with English).
    language : str, default="en"
        ISO 639-1/639-3 or FLORES-200 code (normalised, see
        :func:`template_registry.normalize_language`). For parallel text,
        the non-English side.
    split : {"train", "validation", "test"}, default="test"
        Splits that exist depend on the data (errors list them). Several
        splits joined with ``+`` (``"validation+test"``, the ``datasets``
        convention) are concatenated in that order.
    data_dir : str or PathLike, optional
        A directory with the layout of ``shared/data`` (see
        :func:`sample_data_dir` for the bundled sample). With None, the task
        is loaded from the Hugging Face hub (needs internet or a filled
        cache).

    Returns
    -------
    datasets.Dataset
        Columns: the template fields of ``name`` (see
        :func:`template_registry.get_template`) plus ``label`` (int or str,
        one of the template's labels). ``info.dataset_name`` and
        ``info.config_name`` hold the task and the language. Parallel text
        has ``source`` (language ``language``), ``target`` (English) and
        ``label=1`` (aligned).

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If the task, language or split does not exist (the message lists
        the ones that do) or a label value is not one of the task's labels.
    FileNotFoundError
        If ``data_dir`` lacks the task's folder.

    Notes
    -----
    Conversions (documented in each ``SOURCE.md``): STS-B scores are rounded
    half up to integer labels 0-5; SNLI rows without a gold label (``-``)
    are left out (logged); XWinograd's ``answer`` becomes ``label`` (1 or 2)
    and its ``jp`` code is ``ja``.

    Examples
    --------
    >>> from datasets_builders import load_task, sample_data_dir
    >>> ds = load_task("xnli", language="de", split="test", data_dir=sample_data_dir())
    >>> ds.column_names
    ['premise', 'hypothesis', 'label']
    """
    name = _check_name(name)
    language = normalize_language(language)
    parts = split_parts(split)
    load = (
        (lambda part: _load_hub(name, language, part))
        if data_dir is None
        else (lambda part: _load_local(name, language, part, data_dir))
    )
    if len(parts) == 1:
        return load(parts[0])
    pieces = [load(part) for part in parts]
    ds = datasets.concatenate_datasets(pieces)
    ds.info.dataset_name = name
    ds.info.config_name = language
    ds.info.description = " + ".join(p.info.description for p in pieces)
    return ds


def split_parts(split: Any) -> list[str]:
    """``"validation+test"`` -> ``["validation", "test"]``, each checked.

    Raises
    ------
    ValueError
        If a part is not one of ``train``, ``validation``, ``test`` or
        appears twice.
    """
    if not isinstance(split, str):
        raise ValueError(f"split must be a string such as 'test', got {split!r}")
    parts = [p.strip() for p in split.split("+")]
    for part in parts:
        if part not in SPLITS:
            raise ValueError(
                f"split must be one of {list(SPLITS)} or several joined with '+' "
                f"('validation+test'), got {split!r}"
            )
    if len(set(parts)) != len(parts):
        raise ValueError(f"split {split!r} names a split twice")
    return parts
