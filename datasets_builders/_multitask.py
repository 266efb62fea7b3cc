"""``build_multitask``: statements for tasks x languages, evaluation families held out.

The paper's training mixture (arXiv 2506.01592, Sec. 3): every task in every
language it exists in, 1,500 statements per (task, language), half true, plus
machine-translation (MT) statements; the task family under evaluation is
left out of training (arXiv 2404.12897, Sec. 4). The ``family`` column is the
``groups`` argument of :class:`sklearn.model_selection.LeaveOneGroupOut`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import datasets
import numpy as np
import pandas as pd

from template_registry import dataset_info, list_tasks, normalize_language

from ._build import (
    STATEMENT_COLUMNS,
    BuildReport,
    Columns,
    _seed,
    build_columns,
    check_budget,
    finish,
    load_tokenizer,
    template_variants,
    to_dataset,
)
from ._cache import cache_key, load_cached, resolve_cache_dir, save_cached
from ._hub import HUB_SOURCES
from ._load import _check_bound, _check_name, available_data, load_task, split_parts
from ._local import LOCAL_SOURCES
from ._translation import translation_columns

__all__ = ["build_multitask", "statement_stats"]

logger = logging.getLogger(__name__)

#: Mapping key that gives every task (or pair) not listed by name its value.
DEFAULT = "*"


def _lookup(value: Any, task: str, language: str | None, what: str) -> Any:
    """Per-task (or per-pair) value of an argument that may be a mapping."""
    if not isinstance(value, Mapping):
        return value
    keys = ([(task, language)] if language is not None else []) + [task, DEFAULT]
    for key in keys:
        if key in value:
            return value[key]
    where = f"{task!r}" + (f" ({language})" if language else "")
    raise ValueError(
        f"{what} has no entry for {where}; add the task name"
        + (f", ({task!r}, {language!r})" if language else "")
        + f" or {DEFAULT!r} as a key"
    )


def _check_counts(n_per_task: Any) -> None:
    """``n_per_task`` is a positive integer or a mapping to positive integers (checked before any load)."""
    counts = n_per_task.values() if isinstance(n_per_task, Mapping) else [n_per_task]
    bad = [
        n
        for n in counts
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1
    ]
    if bad:
        raise ValueError(
            f"n_per_task must be a positive integer, or a mapping of tasks to positive "
            f"integers, got {n_per_task!r} ({bad[0]!r} is not)"
        )


def _plain(value: Any) -> Any:
    """Arguments as plain, order-stable data for the cache key."""
    if isinstance(value, Mapping):
        return sorted((repr(k), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    return value


def _check_tasks(tasks: Iterable[str], data_dir: Any) -> list[str]:
    if isinstance(tasks, str):
        raise TypeError(
            f"tasks must be a list of dataset names, got the string {tasks!r}"
        )
    tasks = list(dict.fromkeys(tasks))
    if not tasks:
        raise ValueError("tasks is empty: give at least one dataset name")
    for task in tasks:
        _check_name(task)
        _check_bound(task)
        if data_dir is not None and task not in LOCAL_SOURCES:
            raise ValueError(
                f"task {task!r} is not part of the shared/data layout; build it from the hub "
                f"(data_dir=None) or leave it out. Local tasks: {sorted(LOCAL_SOURCES)}"
            )
        if data_dir is None and task not in HUB_SOURCES:
            raise ValueError(
                f"task {task!r} is not available from the Hugging Face hub; pass data_dir= (a "
                "folder with the layout of shared/data) or leave it out. Hub tasks: "
                f"{sorted(HUB_SOURCES)}"
            )
    return tasks


def _check_families(exclude_families: Iterable[str]) -> set[str]:
    if isinstance(exclude_families, str):
        exclude_families = [exclude_families]
    excluded = set(exclude_families)
    known = set(list_tasks().values())
    unknown = sorted(excluded - known)
    if unknown:
        raise ValueError(
            f"exclude_families: unknown task famil{'y' if len(unknown) == 1 else 'ies'} {unknown}; "
            f"known families: {sorted(known)}"
        )
    return excluded


def _load(
    task: str,
    language: str,
    preferred: Sequence[str],
    data_dir: str | os.PathLike | None,
    have: dict[str, list[str]] | None,
) -> tuple[datasets.Dataset | None, str | None]:
    """Rows of the first preferred split that exists (None when none does)."""
    if isinstance(preferred, str):
        preferred = [preferred]
    if have is not None:
        if language not in have:
            logger.info("build_multitask: %s has no %s data", task, language)
            return None, None
        for split in preferred:
            if all(part in have[language] for part in split_parts(split)):
                return load_task(
                    task, language=language, split=split, data_dir=data_dir
                ), split
        logger.info(
            "build_multitask: %s (%s) has splits %s, none of %s",
            task,
            language,
            have[language],
            list(preferred),
        )
        return None, None
    source = HUB_SOURCES[task]
    if source.languages is not None and language not in source.languages:
        logger.info("build_multitask: %s on the hub has no %s data", task, language)
        return None, None
    for split in preferred:
        try:
            return load_task(task, language=language, split=split), split
        except ValueError as exc:  # no such split / language / labels on the hub
            logger.info("build_multitask: %s (%s, %s): %s", task, language, split, exc)
    return None, None


def _pairs(
    tasks: list[str],
    excluded: set[str],
    languages: Iterable[str] | Mapping[str, Iterable[str]],
    data_dir: str | os.PathLike | None,
) -> Iterator[tuple[str, str, str, dict[str, list[str]] | None]]:
    """``(task, family, language, local splits)`` of every pair to build, in order."""
    for task in tasks:
        family = dataset_info(task)["family"]
        if family in excluded:
            logger.info(
                "build_multitask: %s left out (family %r is held out)", task, family
            )
            continue
        have = (
            available_data(data_dir, [task]).get(task, {})
            if data_dir is not None
            else None
        )
        task_languages = _lookup(languages, task, None, "languages")
        if isinstance(task_languages, str):
            task_languages = [task_languages]
        for lang in dict.fromkeys(normalize_language(x) for x in task_languages):
            if family == "translation" and lang == "en":
                logger.info(
                    "build_multitask: no MT statements for 'en' (the shared side)"
                )
                continue
            yield task, family, lang, have


def _pair_columns(
    ds: datasets.Dataset, template: Any, *, family: str, balance: bool, **kwargs: Any
) -> tuple[Columns, BuildReport]:
    """One (task, language): MT statements for parallel text, else labeled ones."""
    if family == "translation":
        return translation_columns(
            ds, template=template, both_directions=True, **kwargs
        )
    return build_columns(ds, template, balance=balance, **kwargs)


def build_multitask(
    tasks: Iterable[str],
    *,
    languages: Iterable[str] | Mapping[str, Iterable[str]] = ("en",),
    n_per_task: int | Mapping[Any, int] = 1500,
    data_dir: str | os.PathLike | None = None,
    exclude_families: Iterable[str] = (),
    random_state: int | None = 0,
    splits: Sequence[str] | Mapping[Any, Sequence[str]] = (
        "train",
        "validation",
        "test",
    ),
    tokenizer: Any = None,
    max_length: int | None = None,
    over_length: str | None = None,
    cache: bool | str | os.PathLike = False,
    template_language: str | None = None,
    balance: bool = True,
    paired: bool = True,
) -> datasets.Dataset:
    """Statement data for many tasks and languages, evaluation families held out.

    Parameters
    ----------
    tasks : iterable of str
        Dataset names (see :func:`load_task`). Parallel-text tasks
        (``tatoeba``, ``nusax_mt``, ``flores``) become MT statements
        (:func:`build_translation_statements`; never for ``"en"``, the side
        every pair shares).
    languages : iterable of str, or mapping, default=("en",)
        Languages to draw from; a task without data in a language is skipped
        for it (logged). A mapping gives each task its own languages
        (``{"sst2": ["en"], "tatoeba": ["de", "fr"]}``; key ``"*"`` for the
        rest).
    n_per_task : int or mapping, default=1500
        Statements per (task, language), half true (arXiv 2506.01592,
        Sec. 3). A mapping sets per-pair quotas: keys ``(task, language)``,
        ``task`` or ``"*"`` (looked up in that order).
    data_dir : str or PathLike, optional
        Local data directory (layout of ``shared/data``); None loads from the
        hub.
    exclude_families : iterable of str, default=()
        Task families to leave out (e.g. ``("nli",)`` when XNLI is the
        zero-shot evaluation), as the paper holds evaluation tasks out.
    random_state : int or None, default=0
        Seeds every (task, language) draw and the final shuffle; None draws
        fresh randomness (and is never cached).
    splits : sequence of str, or mapping, default=("train", "validation", "test")
        Split preference: the first one the data has is used; ``"a+b"``
        joins splits. A mapping gives per-task (or per-pair) preferences.
    tokenizer, max_length
        Token budget, as in :func:`build_statements` (default: full texts).
    over_length : {"truncate", "drop"}, optional
        For every task; by default labeled tasks truncate their input fields
        and MT pairs over the budget are dropped (see
        :func:`build_translation_statements`).
    template_language : str, optional
        Language of the templates of labeled tasks. None (default): the
        data's language where template_registry has native templates, else
        English; ``"en"``: English templates for every language (the paper
        found them as good as translated ones, arXiv 2506.01592 Sec. 5). MT
        statements always use the English templates.
    balance, paired : bool, default=True
        As in :func:`build_statements`: by default every example used gives
        its true statement and one false one (half true); ``balance=False``
        gives all its labels' statements (what the listwise objective of
        :class:`~sklearn_statement.StatementTuner` learns from best, see
        ``benchmarks/results/ablation_training.md``); ``paired=False`` draws
        true and false statements from different examples. MT statements
        are always balanced.
    cache : bool, str or PathLike, default=False
        Reuse an identical earlier build: True uses
        ``<HF_DATASETS_CACHE>/sklearn_statement/statements``, a path that
        folder. The key is a ``datasets`` fingerprint of the arguments, the
        data files (path, size, modification time), the templates and this
        code, so any change rebuilds. A hit loads memory-mapped Arrow files in
        milliseconds and repeats the original build's warnings.

    Returns
    -------
    datasets.Dataset
        Columns ``statement``, ``label``, ``task``, ``family``, ``language``,
        ``template``, ``example_id``; shuffled. ``example_id`` is unique per
        source example across the whole mixture (the row index within its
        (task, language) data plus an offset per pair), so it can be passed
        as ``StatementTuner.fit(..., example_id=...)``. Pass ``family`` (or
        ``task``) as ``groups`` to :class:`sklearn.model_selection.LeaveOneGroupOut`.

    Warns
    -----
    UserWarning
        One warning listing every (task, language) pair whose data allows
        fewer statements than its quota (with both numbers), and one for rows
        without all template fields.

    Raises
    ------
    ValueError
        If a task or family is unknown, a task cannot be read from the source
        asked for (local folder or hub), a mapping lacks an entry, or nothing
        is left to build (every task excluded or without data).
    TypeError
        If ``tasks`` is a single string.

    Examples
    --------
    >>> from datasets_builders import build_multitask, sample_data_dir
    >>> st = build_multitask(["sst2", "mrpc", "rte"], n_per_task=20,
    ...                      data_dir=sample_data_dir(), exclude_families=["nli"])
    >>> sorted(set(st["family"])), len(st)
    (['paraphrase', 'sentiment'], 40)
    """
    return _build_multitask(
        tasks,
        languages=languages,
        n_per_task=n_per_task,
        data_dir=data_dir,
        exclude_families=exclude_families,
        random_state=random_state,
        splits=splits,
        tokenizer=tokenizer,
        max_length=max_length,
        over_length=over_length,
        cache=cache,
        template_language=template_language,
        balance=balance,
        paired=paired,
        stacklevel=3,
    )


def _build_multitask(
    tasks: Iterable[str],
    *,
    languages: Iterable[str] | Mapping[str, Iterable[str]],
    n_per_task: int | Mapping[Any, int],
    data_dir: str | os.PathLike | None,
    exclude_families: Iterable[str],
    random_state: int | None,
    splits: Sequence[str] | Mapping[Any, Sequence[str]],
    tokenizer: Any,
    max_length: int | None,
    over_length: str | None,
    cache: bool | str | os.PathLike,
    stacklevel: int,
    template_language: str | None = None,
    balance: bool = True,
    paired: bool = True,
) -> datasets.Dataset:
    """:func:`build_multitask`, with warnings pointing ``stacklevel`` frames up."""
    tasks = _check_tasks(tasks, data_dir)
    _check_counts(n_per_task)
    excluded = _check_families(exclude_families)
    check_budget(tokenizer, max_length, over_length or "truncate")
    if isinstance(languages, str):
        languages = [languages]
    cache_dir = resolve_cache_dir(cache) if random_state is not None else None
    key = None
    if cache_dir is not None:
        arguments = {
            "function": "build_multitask",
            "tasks": tasks,
            "languages": _plain(languages),
            "n_per_task": _plain(n_per_task),
            "exclude_families": sorted(excluded),
            "random_state": int(random_state),
            "splits": _plain(splits),
            "max_length": max_length,
            "over_length": over_length,
            "template_language": template_language,
            "balance": bool(balance),
            "paired": bool(paired),
        }
        key = cache_key(arguments, data_dir=data_dir, tasks=tasks, tokenizer=tokenizer)
        hit = load_cached(key, cache_dir)
        if hit is not None:
            finish(hit[1], max_length, stacklevel, mixture=True)
            return hit[0]
    if random_state is None:
        random_state = int(np.random.SeedSequence().generate_state(1)[0])
    tok = load_tokenizer(tokenizer) if tokenizer is not None else None
    parts: list[Columns] = []
    reports: list[BuildReport] = []
    offset = 0
    for task, family, lang, have in _pairs(tasks, excluded, languages, data_dir):
        ds, split = _load(
            task, lang, _lookup(splits, task, lang, "splits"), data_dir, have
        )
        if ds is None:
            continue
        template = "translation" if family == "translation" else task
        if family != "translation" and template_language is not None:
            template = template_variants(task, normalize_language(template_language))
        columns, report = _pair_columns(
            ds,
            template,
            family=family,
            n=_lookup(n_per_task, task, lang, "n_per_task"),
            random_state=int(_seed(random_state, task, lang).generate_state(1)[0]),
            task=task,
            language=lang,
            tokenizer=tok,
            max_length=max_length,
            over_length=over_length
            or ("drop" if family == "translation" else "truncate"),
            paired=paired,
            balance=balance,
        )
        report.split = split
        # unique per source example across the mixture: offset by earlier rows
        columns["example_id"] = [i + offset for i in columns["example_id"]]
        offset += len(ds)
        parts.append(columns)
        reports.append(report)
    if not parts:
        raise ValueError(
            f"no statements: tasks {tasks} in languages {_plain(languages)} (excluding families "
            f"{sorted(excluded)}) have no data; check data_dir and the language codes"
        )
    merged = {c: [v for part in parts for v in part[c]] for c in STATEMENT_COLUMNS}
    perm = np.random.default_rng(_seed(random_state, "multitask")).permutation(
        len(merged["statement"])
    )
    ds = to_dataset({c: [merged[c][j] for j in perm] for c in STATEMENT_COLUMNS})
    if cache_dir is not None and key is not None:
        ds = save_cached(ds, reports, key, cache_dir)
    finish(reports, max_length, stacklevel, mixture=True)
    return ds


def statement_stats(statements: datasets.Dataset | pd.DataFrame) -> pd.DataFrame:
    """Rows per task x language x label of a statement dataset.

    Parameters
    ----------
    statements : datasets.Dataset or pandas.DataFrame
        With the columns ``task``, ``family``, ``language`` and ``label``
        (as built by :func:`build_multitask`).

    Returns
    -------
    pandas.DataFrame
        One row per (family, task, language), sorted, with the counts
        ``true``, ``false`` and ``total``.

    Raises
    ------
    ValueError
        If a column is missing.
    """
    columns = ["family", "task", "language", "label"]
    names = (
        statements.column_names
        if isinstance(statements, datasets.Dataset)
        else list(statements.columns)
    )
    missing = [c for c in columns if c not in names]
    if missing:
        raise ValueError(f"statements lack column(s) {missing}; they have {names}")
    frame = (
        statements.select_columns(columns).to_pandas()
        if isinstance(statements, datasets.Dataset)
        else statements[columns]
    )
    counts = (
        frame.groupby(["family", "task", "language"])["label"]
        .agg(true="sum", total="size")
        .reset_index()
    )
    counts["false"] = counts["total"] - counts["true"]
    counts = counts[["family", "task", "language", "true", "false", "total"]]
    return counts.sort_values(["family", "task", "language"]).reset_index(drop=True)
