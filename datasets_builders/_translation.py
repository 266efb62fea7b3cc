"""Machine-translation (MT) statements from parallel sentences.

Statement-Tuning ties languages together with MT statements (arXiv
2506.01592, Sec. 3): ``"X" is a translation of "Y"`` is true for an aligned
pair and false for a mismatched one. English templates serve every language
pair (the paper found English templates as good as translated ones, Sec. 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import datasets
import numpy as np

from template_registry import Template

from ._build import (
    BuildReport,
    Columns,
    _seed,
    build_columns,
    finish,
    template_variants,
    to_dataset,
)

__all__ = ["build_translation_statements"]

#: Sentences per length bucket from which hard negatives are drawn.
BUCKET = 16


def _hard_negatives(
    lengths: Sequence[int], rng: np.random.Generator, bucket: int = BUCKET
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
        # a shift in 1..len-1: no fixed point
        rolled = np.roll(shuffled, -int(rng.integers(1, len(group))))
        partner[shuffled] = rolled
    return partner


def translation_columns(
    pairs: datasets.Dataset | Sequence[tuple[str, str]],
    *,
    template: Template | Sequence[Template] | str,
    both_directions: bool,
    random_state: int | None,
    task: str | None,
    language: str | None,
    **budget: Any,
) -> tuple[Columns, BuildReport]:
    """The work of :func:`build_translation_statements`: columns and a report.

    ``budget``: ``n``, ``tokenizer``, ``max_length``, ``over_length`` and
    ``paired``, passed to :func:`build_columns`.
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
        template if not isinstance(template, str) else template_variants(template, "en")
    )
    return build_columns(
        rows,
        tmpl,
        balance=True,
        random_state=random_state,
        task=name,
        language=lang,
        **budget,
    )


def build_translation_statements(
    pairs: datasets.Dataset | Sequence[tuple[str, str]],
    *,
    n: int = 1500,
    template: Template | Sequence[Template] | str = "translation",
    both_directions: bool = True,
    random_state: int | None = 0,
    task: str | None = None,
    language: str | None = None,
    tokenizer: Any = None,
    max_length: int | None = None,
    over_length: str = "drop",
    paired: bool = True,
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
    tokenizer, max_length
        Token budget, as in :func:`build_statements`.
    over_length : {"drop", "truncate"}, default="drop"
        Pairs whose statements exceed ``max_length`` are left out by default:
        cutting both sentences at different points would leave an "aligned"
        pair that is no longer a translation, i.e. a wrong true label.
    paired : bool, default=True
        Each pair used gives both its statements, the true one and the
        false one (e.g. "X is a translation of Y" and "X is not a
        translation of Y"), with the same ``example_id`` (see
        :func:`build_statements`); False draws them from different pairs.

    Returns
    -------
    datasets.Dataset
        Statement dataset (columns as :func:`build_statements`).

    Warns
    -----
    UserWarning
        When the pairs allow fewer distinct statements than asked (the
        message gives both numbers), and when pairs with an empty side are
        skipped.

    Raises
    ------
    ValueError
        If fewer than 2 pairs are given or ``pairs`` lacks the ``source`` /
        ``target`` columns.
    """
    columns, report = translation_columns(
        pairs,
        template=template,
        both_directions=both_directions,
        random_state=random_state,
        task=task,
        language=language,
        n=n,
        tokenizer=tokenizer,
        max_length=max_length,
        over_length=over_length,
        paired=paired,
    )
    finish([report], max_length, stacklevel=2)
    return to_dataset(columns)
