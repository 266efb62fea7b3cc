"""A disk cache for statement corpora, keyed by a ``datasets`` fingerprint.

A build is a pure function of its arguments, the data files, the templates
and this code. The cache key hashes all four with
:class:`datasets.fingerprint.Hasher` (the hasher behind ``Dataset.map``'s
cache files): the arguments as given, a manifest of the data files (relative
path, size, modification time), every registered template and dataset
binding, and the source of ``datasets_builders`` and ``template_registry``.
Any change gives a new key, so a stale corpus is never returned. Entries are
``Dataset.save_to_disk`` folders (memory-mapped when loaded back, so a hit
costs milliseconds) with the build reports beside them, under
``<HF_DATASETS_CACHE>/sklearn_statement/statements`` unless told otherwise.
Global ``datasets.disable_caching()`` turns the cache off.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import datasets
from datasets.fingerprint import Hasher

from template_registry import list_templates

from ._build import BuildReport
from ._local import LOCAL_SOURCES

__all__ = ["default_cache_dir", "cache_key", "load_cached", "save_cached"]

logger = logging.getLogger(__name__)

#: Bump when the layout of a cache entry changes.
CACHE_FORMAT = 1
_REPORTS = "build_reports.json"


def default_cache_dir() -> Path:
    """``<HF_DATASETS_CACHE>/sklearn_statement/statements``.

    Returns
    -------
    pathlib.Path
        Follows ``HF_DATASETS_CACHE`` / ``HF_HOME`` like every ``datasets``
        cache.
    """
    return Path(datasets.config.HF_DATASETS_CACHE) / "sklearn_statement" / "statements"


def resolve_cache_dir(cache: bool | str | os.PathLike) -> Path | None:
    """``cache`` argument -> a folder, or None when caching is off."""
    if cache is False or cache is None:
        return None
    if not datasets.is_caching_enabled():
        logger.info(
            "datasets caching is disabled (datasets.disable_caching()); not caching"
        )
        return None
    if cache is True:
        return default_cache_dir()
    if isinstance(cache, (str, os.PathLike)):
        return Path(cache)
    raise TypeError(
        f"cache must be True, False or a folder path, got {type(cache).__name__}"
    )


def _source_files() -> list[tuple[str, bytes]]:
    out = []
    for package in ("datasets_builders", "template_registry"):
        root = resources.files(package)
        for entry in sorted(root.iterdir(), key=lambda e: e.name):
            if entry.name.endswith((".py", ".yaml", ".txt")):
                out.append((f"{package}/{entry.name}", entry.read_bytes()))
    return out


def _templates() -> list[dict[str, Any]]:
    return [t.to_dict() for t in list_templates()]


def data_manifest(
    data_dir: str | os.PathLike | None, tasks: Iterable[str]
) -> list[tuple[str, int, int]] | str:
    """(relative path, size, mtime) of every file the tasks read; "hub" without data_dir."""
    if data_dir is None:
        return "hub"
    root = Path(data_dir).resolve()
    folders = sorted({LOCAL_SOURCES[t].folder for t in tasks if t in LOCAL_SOURCES})
    out = []
    for folder in folders:
        base = root / folder
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                stat = path.stat()
                out.append(
                    (path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns)
                )
    return out


def _tokenizer_id(tokenizer: Any) -> Any:
    if tokenizer is None or isinstance(tokenizer, (str, os.PathLike)):
        return None if tokenizer is None else str(tokenizer)
    return Hasher.hash(tokenizer)


def cache_key(
    arguments: Mapping[str, Any],
    *,
    data_dir: str | os.PathLike | None,
    tasks: Iterable[str],
    tokenizer: Any = None,
) -> str:
    """Fingerprint of a build: arguments, data files, templates and code.

    Parameters
    ----------
    arguments : mapping
        The build's arguments (plain data; the tokenizer apart).
    data_dir : str, PathLike or None
        The data folder (None: the Hugging Face hub, keyed by dataset ids).
    tasks : iterable of str
        Tasks whose files enter the manifest.
    tokenizer : tokenizer, str or None
        Hashed with :class:`datasets.fingerprint.Hasher` (a name is used as is).

    Returns
    -------
    str
        A hex digest.
    """
    tasks = list(tasks)
    parts = {
        "format": CACHE_FORMAT,
        "datasets": datasets.__version__,
        "arguments": dict(arguments),
        "data_dir": None if data_dir is None else str(Path(data_dir).resolve()),
        "data": data_manifest(data_dir, tasks),
        "tokenizer": _tokenizer_id(tokenizer),
        "templates": _templates(),
        "code": _source_files(),
    }
    return Hasher.hash(parts)


def load_cached(
    key: str, cache_dir: Path
) -> tuple[datasets.Dataset, list[BuildReport]] | None:
    """The cached corpus and its build reports, or None on a miss."""
    entry = cache_dir / key
    if not (entry / _REPORTS).is_file():
        return None
    try:
        ds = datasets.load_from_disk(str(entry))
        reports = json.loads((entry / _REPORTS).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # a damaged entry is rebuilt
        logger.info("cache entry %s unreadable (%s); rebuilding", entry, exc)
        return None
    logger.info("loaded %d statements from the cache (%s)", len(ds), entry)
    return ds, [BuildReport(**r) for r in reports]


def save_cached(
    ds: datasets.Dataset, reports: list[BuildReport], key: str, cache_dir: Path
) -> datasets.Dataset:
    """Write a cache entry atomically; return the dataset read back from it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    entry = cache_dir / key
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=cache_dir))
    bars = not datasets.utils.are_progress_bars_disabled()
    try:
        datasets.utils.disable_progress_bars()  # a cache write is no user-facing step
        ds.save_to_disk(str(tmp))
        (tmp / _REPORTS).write_text(
            json.dumps([r.to_dict() for r in reports]), encoding="utf-8"
        )
        try:
            os.replace(tmp, entry)
        except OSError:  # another process wrote the same entry first
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if bars:
            datasets.utils.enable_progress_bars()
    logger.info("cached %d statements in %s", len(ds), entry)
    return datasets.load_from_disk(str(entry))
