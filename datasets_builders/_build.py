"""Statement data: labeled examples -> balanced true/false statements.

The recipe of Statement-Tuning (arXiv 2404.12897 Sec. 3.2; arXiv 2506.01592
Sec. 3): for each task (and language) up to 1,500 statements, half true (the
gold label's statement) and half false (a wrong label's statement, drawn
uniformly), template variants drawn per example, duplicates removed;
machine-translation (MT) statements tie languages together; tasks of the
evaluation family are held out.
"""

from __future__ import annotations

import logging
import os
import warnings
import zlib
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import Any

import datasets
import numpy as np

from template_registry import (
    Template,
    dataset_info,
    get_template,
    list_templates,
    normalize_language,
)

from ._load import available_data, load_task

__all__ = [
    "build_statements",
    "build_multitask",
    "build_translation_statements",
    "STATEMENT_COLUMNS",
]

logger = logging.getLogger(__name__)

#: Columns of every statement dataset (DESIGN.md).
STATEMENT_COLUMNS = (
    "statement",
    "label",
    "task",
    "family",
    "language",
    "template",
    "example_id",
)


def _seed(random_state: int | None, *keys: str) -> np.random.SeedSequence:
    base = [] if random_state is None else [int(random_state)]
    return np.random.SeedSequence(base + [zlib.crc32(k.encode()) for k in keys])


def _resolve_templates(template: Any, language: str) -> list[Template]:
    if isinstance(template, Template):
        templates = [template]
    elif isinstance(template, str):
        native = list_templates(template, language=language)
        templates = native or list_templates(template, language="en")
        if not templates:
            templates = [get_template(template, language)]
    elif (
        isinstance(template, Sequence)
        and template
        and all(isinstance(t, Template) for t in template)
    ):
        templates = list(template)
    else:
        raise TypeError(
            "template must be a Template, a list of Templates or a registered task name, "
            f"got {type(template).__name__}"
        )
    labels = templates[0].labels
    if not labels:
        raise ValueError(
            f"{templates[0]!r} has an open label set; give it labels with template.with_labels([...])"
        )
    for t in templates[1:]:
        if set(t.labels) != set(labels) or t.fields != templates[0].fields:
            raise ValueError(
                f"templates disagree on labels or fields: {templates[0]!r} vs {t!r}"
            )
    return templates


def _empty() -> datasets.Dataset:
    features = datasets.Features(
        {
            "statement": datasets.Value("string"),
            "label": datasets.Value("int64"),
            "task": datasets.Value("string"),
            "family": datasets.Value("string"),
            "language": datasets.Value("string"),
            "template": datasets.Value("string"),
            "example_id": datasets.Value("int64"),
        }
    )
    return datasets.Dataset.from_dict(
        {c: [] for c in STATEMENT_COLUMNS}, features=features
    )


def build_statements(
    dataset: datasets.Dataset | Sequence[dict],
    template: Template | Sequence[Template] | str,
    *,
    n: int = 1500,
    balance: bool = True,
    random_state: int | None = 0,
    task: str | None = None,
    language: str | None = None,
) -> datasets.Dataset:
    """Turn labeled examples into true and false statements.

    Parameters
    ----------
    dataset : datasets.Dataset or sequence of dict
        Rows with the template's fields and a ``label`` (as returned by
        :func:`load_task`).
    template : Template, list of Template, or str
        The variants to draw from (one per example, uniformly). A string is a
        task key: all its registered variants in the data's language, else
        the English ones.
    n : int, default=1500
        Statements to build (the paper's 1,500 per task and language).
    balance : bool, default=True
        Half true, half false (``n // 2`` true). With False, statements are
        drawn uniformly over all (example, label) pairs, so about ``1/K`` of
        them are true for ``K`` labels.
    random_state : int or None, default=0
        Seed for the example order, the variant and the wrong label drawn.
    task, language : str, optional
        Values of the ``task`` and ``language`` columns; default to the
        dataset's ``info.dataset_name`` / ``info.config_name`` (set by
        :func:`load_task`), else the template's dataset key / language.

    Returns
    -------
    datasets.Dataset
        Columns ``statement`` (str), ``label`` (int, 1 = true), ``task``,
        ``family``, ``language``, ``template`` (variant name),
        ``example_id`` (row index in ``dataset``), shuffled. Exactly ``n``
        rows when the data allows; no statement appears twice.

    Warns
    -----
    UserWarning
        When the data allows fewer distinct statements than asked (the
        message gives both numbers; rows are never padded with repeats), and
        when rows with an empty or missing template field are skipped (the
        message counts them and names the first ones).

    Raises
    ------
    ValueError
        If ``n < 1``, the data is empty, a row's label is not one of the
        template's labels, or no row has all template fields.
    TypeError
        If ``template`` is of the wrong type.

    Examples
    --------
    >>> from datasets_builders import build_statements, load_task, sample_data_dir
    >>> ds = load_task("sst2", split="train", data_dir=sample_data_dir())
    >>> st = build_statements(ds, "sst2", n=10, random_state=0)
    >>> len(st), sum(st["label"])
    (10, 5)
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    info = getattr(dataset, "info", None)
    rows = dataset if isinstance(dataset, datasets.Dataset) else list(dataset)
    if len(rows) == 0:
        raise ValueError("dataset is empty: nothing to build statements from")
    language = normalize_language(
        language or (info.config_name if info and info.config_name else None) or "en"
    )
    templates = _resolve_templates(template, language)
    labels = list(templates[0].labels)
    task = (
        task
        or (info.dataset_name if info and info.dataset_name else None)
        or templates[0].dataset
        or templates[0].task
    )
    family = templates[0].task
    rng = np.random.default_rng(_seed(random_state, "build_statements"))

    gold = (
        list(rows["label"])
        if isinstance(rows, datasets.Dataset)
        else [r["label"] for r in rows]
    )
    bad = sorted({repr(g) for g in gold if g not in labels})
    if bad:
        raise ValueError(
            f"label value(s) {bad[:10]} have no statement in {templates[0]!r} (labels: {labels})"
        )
    invalid = []
    for i in range(len(rows)):
        try:
            templates[0]._values(rows[i])
        except ValueError:
            invalid.append(i)
    if invalid:
        warnings.warn(
            f"{task} ({language}): {len(invalid)} of {len(rows)} rows have an empty or missing template field "
            f"and give no statement (rows {invalid[:5]}{'...' if len(invalid) > 5 else ''})",
            UserWarning,
            stacklevel=2,
        )
    order = rng.permutation(np.setdiff1d(np.arange(len(rows)), invalid))
    if len(order) == 0:
        raise ValueError(
            f"{task} ({language}): no row has all template fields {list(templates[0].fields)}"
        )
    k = len(labels)
    wrong_order: dict[int, list] = {}

    def example(i: int) -> dict:
        return rows[int(i)]

    def true_candidates() -> Iterator[tuple[int, Hashable, int]]:
        for i in order:
            yield int(i), gold[i], int(rng.integers(len(templates)))

    def false_candidates(start: int) -> Iterator[tuple[int, Hashable, int]]:
        rotated = np.concatenate([order[start:], order[:start]])
        for p in range(k - 1):
            for i in rotated:
                if p == 0:
                    others = [lab for lab in labels if lab != gold[i]]
                    wrong_order[int(i)] = [
                        others[j] for j in rng.permutation(len(others))
                    ]
                yield int(i), wrong_order[int(i)][p], int(rng.integers(len(templates)))

    def all_candidates() -> Iterator[tuple[int, Hashable, int]]:
        pairs = [(int(i), lab) for i in order for lab in labels]
        for j in rng.permutation(len(pairs)):
            i, lab = pairs[j]
            yield i, lab, int(rng.integers(len(templates)))

    out: dict[str, list] = {c: [] for c in STATEMENT_COLUMNS}
    seen: set[str] = set()

    def take(candidates: Iterable[tuple[int, Hashable, int]], quota: int) -> int:
        taken = 0
        for i, lab, t in candidates:
            if taken >= quota:
                break
            text = templates[t].statements(example(i))[lab]
            if text in seen:
                continue
            seen.add(text)
            out["statement"].append(text)
            out["label"].append(int(lab == gold[i]))
            out["template"].append(templates[t].name)
            out["example_id"].append(i)
            taken += 1
        return taken

    if balance:
        n_true = take(true_candidates(), n // 2)
        n_false = take(
            false_candidates(min(n // 2, len(order)) % len(order)), n - n // 2
        )
        if n_true != n_false:  # keep the balance the caller asked for
            keep = min(n_true, n_false)
            idx = [j for j, lab in enumerate(out["label"]) if lab == 1][:keep]
            idx += [j for j, lab in enumerate(out["label"]) if lab == 0][:keep]
            for c in ("statement", "label", "template", "example_id"):
                out[c] = [out[c][j] for j in idx]
    else:
        take(all_candidates(), n)
    built = len(out["statement"])
    if built < n:
        warnings.warn(
            f"{task} ({language}): asked for {n} statements but the data ({len(rows)} rows, {k} labels) "
            f"allows only {built} distinct{' balanced' if balance else ''} ones; built {built}",
            UserWarning,
            stacklevel=2,
        )
    out["task"] = [task] * built
    out["family"] = [family] * built
    out["language"] = [language] * built
    if built == 0:
        return _empty()
    perm = rng.permutation(built)
    shuffled = {c: [out[c][j] for j in perm] for c in STATEMENT_COLUMNS}
    return datasets.Dataset.from_dict(shuffled, features=_empty().features)


def _hard_negatives(
    lengths: Sequence[int], rng: np.random.Generator, bucket: int = 16
) -> np.ndarray:
    """A partner ``j != i`` for every ``i``, drawn from ``i``'s length bucket."""
    n = len(lengths)
    if n < 2:
        raise ValueError(
            "need at least 2 sentence pairs to build mismatched (false) translation pairs"
        )
    by_length = np.argsort(np.asarray(lengths), kind="stable")
    groups = [by_length[s : s + bucket] for s in range(0, n, bucket)]
    if len(groups) > 1 and len(groups[-1]) < 2:  # a lone tail joins the previous bucket
        groups[-2:] = [np.concatenate(groups[-2:])]
    partner = np.empty(n, dtype=int)
    for group in groups:
        shuffled = rng.permutation(group)
        rolled = np.roll(
            shuffled, -int(rng.integers(1, len(group)))
        )  # a shift in 1..len-1: no fixed point
        partner[shuffled] = rolled
    return partner


def build_translation_statements(
    pairs: datasets.Dataset | Sequence[tuple[str, str]],
    *,
    n: int = 1500,
    template: Template | Sequence[Template] | str = "translation",
    both_directions: bool = True,
    random_state: int | None = 0,
    task: str | None = None,
    language: str | None = None,
) -> datasets.Dataset:
    """Machine-translation (MT) statements from parallel sentences.

    Aligned pairs give true ``"X" is a translation of "Y"`` statements and
    mismatched pairs false ones (arXiv 2506.01592, Sec. 3); the negated
    variants ("is not a translation") come out true for mismatched pairs.
    Mismatched partners are hard negatives: another sentence from the same
    length bucket (16 sentences sorted by length).

    Parameters
    ----------
    pairs : datasets.Dataset or sequence of (str, str)
        Parallel sentences: a dataset with ``source`` and ``target`` columns
        (``load_task("tatoeba", language=...)``) or (source, target) tuples.
    n : int, default=1500
        Statements to build, half true and half false.
    template : Template, list of Template, or str, default="translation"
        The MT templates (English templates for every language pair).
    both_directions : bool, default=True
        Swap source and target for a random half of the rows, so each
        language appears on both sides.
    random_state : int or None, default=0
    task, language : str, optional
        Values of the ``task`` / ``language`` columns (default: from
        ``pairs.info`` as set by :func:`load_task`, else ``"translation"``
        and ``"en"``).

    Returns
    -------
    datasets.Dataset
        Statement dataset (columns as :func:`build_statements`).

    Raises
    ------
    ValueError
        If fewer than 2 pairs are given or a pair has an empty side.
    """
    info = getattr(pairs, "info", None)
    if isinstance(pairs, datasets.Dataset):
        missing = {"source", "target"} - set(pairs.column_names)
        if missing:
            raise ValueError(
                f"pairs lacks column(s) {sorted(missing)}; it has {pairs.column_names}"
            )
        source, target = list(pairs["source"]), list(pairs["target"])
    else:
        pairs = list(pairs)
        if any(not isinstance(p, (tuple, list)) or len(p) != 2 for p in pairs):
            raise ValueError("pairs must be (source, target) tuples")
        source, target = [p[0] for p in pairs], [p[1] for p in pairs]
    rng = np.random.default_rng(_seed(random_state, "translation"))
    partner = _hard_negatives([len(t) for t in target], rng)
    order = rng.permutation(len(source))
    half = len(order) // 2
    rows = []
    for rank, i in enumerate(order):
        aligned = rank < half or len(order) == 1
        j = int(i) if aligned else int(partner[i])
        src, tgt = source[i], target[j]
        if both_directions and rng.random() < 0.5:
            src, tgt = tgt, src
        rows.append({"source": src, "target": tgt, "label": 1 if aligned else 0})
    lang = language or (info.config_name if info and info.config_name else "en")
    name = task or (info.dataset_name if info and info.dataset_name else "translation")
    tmpl = (
        template
        if not isinstance(template, str)
        else _resolve_templates(template, "en")
    )
    return build_statements(
        rows, tmpl, n=n, random_state=random_state, task=name, language=lang
    )


def _training_split(splits: Sequence[str], preferred: Sequence[str]) -> str | None:
    for split in preferred:
        if split in splits:
            return split
    return None


def build_multitask(
    tasks: Iterable[str],
    *,
    languages: Iterable[str] = ("en",),
    n_per_task: int = 1500,
    data_dir: str | os.PathLike | None = None,
    exclude_families: Iterable[str] = (),
    random_state: int | None = 0,
    splits: Sequence[str] = ("train", "validation", "test"),
) -> datasets.Dataset:
    """Statement data for many tasks and languages, evaluation families held out.

    Parameters
    ----------
    tasks : iterable of str
        Dataset names (see :func:`load_task`). Parallel-text tasks
        (``tatoeba``, ``nusax_mt``, ``flores``) become MT statements
        (:func:`build_translation_statements`).
    languages : iterable of str, default=("en",)
        Languages to draw from; a task without a language is skipped for it.
    n_per_task : int, default=1500
        Statements per (task, language), half true (arXiv 2506.01592).
    data_dir : str or PathLike, optional
        Local data directory (layout of ``shared/data``); None loads from the
        hub, trying the ``splits`` in order.
    exclude_families : iterable of str, default=()
        Task families to leave out (e.g. ``("nli",)`` when XNLI is the
        zero-shot evaluation), as the paper holds evaluation tasks out.
    random_state : int or None, default=0
        Seeds every (task, language) draw and the final shuffle.
    splits : sequence of str, default=("train", "validation", "test")
        Split preference: the first one the data has is used.

    Returns
    -------
    datasets.Dataset
        Columns ``statement``, ``label``, ``task``, ``family``, ``language``,
        ``template``, ``example_id``; shuffled. Pass ``family`` (or
        ``task``) as ``groups`` to :class:`sklearn.model_selection.LeaveOneGroupOut`.

    Raises
    ------
    ValueError
        If a task is unknown, or nothing is left to build (every task
        excluded or without data in the languages asked for).
    """
    tasks = list(tasks)
    languages = [normalize_language(lang) for lang in languages]
    excluded = set(exclude_families)
    parts = []
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
        for lang in languages:
            if family == "translation" and lang == "en":
                continue
            if have is not None:
                if lang not in have:
                    logger.info("build_multitask: %s has no %s data", task, lang)
                    continue
                split = _training_split(have[lang], splits)
                if split is None:
                    continue
                ds = load_task(task, language=lang, split=split, data_dir=data_dir)
            else:
                ds = None
                for split in splits:
                    try:
                        ds = load_task(task, language=lang, split=split)
                        break
                    except ValueError:
                        continue
                if ds is None:
                    continue
            seed = int(_seed(random_state, task, lang).generate_state(1)[0])
            if family == "translation":
                part = build_translation_statements(
                    ds, n=n_per_task, random_state=seed, task=task, language=lang
                )
            else:
                part = build_statements(
                    ds, task, n=n_per_task, random_state=seed, task=task, language=lang
                )
            parts.append(part)
    if not parts:
        raise ValueError(
            f"no statements: tasks {tasks} in languages {languages} (excluding families {sorted(excluded)}) "
            "have no data; check data_dir and the language codes"
        )
    merged = datasets.concatenate_datasets(parts)
    return merged.shuffle(
        seed=int(_seed(random_state, "multitask").generate_state(1)[0])
    ).flatten_indices()
