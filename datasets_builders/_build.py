"""Statement data: labeled examples -> balanced true/false statements.

The recipe of Statement-Tuning (arXiv 2404.12897 Sec. 3.2; arXiv 2506.01592
Sec. 3): for each task (and language) up to 1,500 statements, half true (the
gold label's statement) and half false (a wrong label's statement, drawn
uniformly), template variants drawn per example, duplicates removed. With a
tokenizer and ``max_length``, statements are fitted into the token budget by
truncating input fields only (:func:`template_registry.render_statements`),
never the label part.
"""

from __future__ import annotations

import logging
import os
import warnings
import zlib
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets
import numpy as np

from template_registry import (
    Template,
    get_template,
    list_templates,
    normalize_language,
    render_statements,
)

from ._constants import OVER_LENGTH, STATEMENT_COLUMNS

__all__ = ["build_statements", "STATEMENT_COLUMNS", "OVER_LENGTH", "BuildReport"]

logger = logging.getLogger(__name__)

#: Examples rendered and token-counted per tokenizer call.
_PREFETCH = 256

Columns = dict[str, list]


@dataclass
class BuildReport:
    """What one (task, language) build did; the numbers behind its warnings.

    Attributes
    ----------
    task, language : str
    asked : int
        Statements asked for.
    built : int
        Statements built (``asked`` when the data allows).
    rows : int
        Rows in the data.
    labels : int
        Labels of the template.
    balance : bool
    invalid : list of int
        Rows without all template fields (they give no statement).
    truncated : int
        Statements whose input fields were cut to fit ``max_length``.
    dropped : int
        Candidate statements left out for exceeding ``max_length``
        (``over_length="drop"``).
    split : str or None
        The split the rows came from, when known.
    """

    task: str
    language: str
    asked: int
    rows: int
    labels: int
    balance: bool = True
    built: int = 0
    invalid: list[int] = field(default_factory=list)
    truncated: int = 0
    dropped: int = 0
    split: str | None = None

    @property
    def short(self) -> bool:
        """Whether fewer statements were built than asked."""
        return self.built < self.asked

    def short_message(self) -> str:
        kind = " balanced" if self.balance else ""
        over = (
            f", {self.dropped} candidates over max_length left out"
            if self.dropped
            else ""
        )
        return (
            f"{self.task} ({self.language}): asked for {self.asked} statements but the data "
            f"({self.rows} rows, {self.labels} labels{over}) allows only {self.built} "
            f"distinct{kind} ones; built {self.built}"
        )

    def invalid_message(self) -> str:
        first = self.invalid[:5]
        more = "..." if len(self.invalid) > 5 else ""
        return (
            f"{self.task} ({self.language}): {len(self.invalid)} of {self.rows} rows have an "
            f"empty or missing template field and give no statement (rows {first}{more})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _seed(random_state: int | None, *keys: str) -> np.random.SeedSequence:
    """Seed for one step: ``random_state`` mixed with the step's keys; None: fresh entropy."""
    if random_state is None:
        return np.random.SeedSequence()
    return np.random.SeedSequence(
        [int(random_state)] + [zlib.crc32(k.encode()) for k in keys]
    )


def template_variants(template: Any, language: str) -> list[Template]:
    """The variants statements are drawn from, one per example.

    A task name gives all its registered variants in ``language`` (else the
    English ones); a Template or a list of them is taken as is. The variants
    must share labels and fields, and the labels must be closed.

    Raises
    ------
    TypeError
        If ``template`` is of another type.
    ValueError
        If the template has an open label set, or the variants disagree.
    """
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


def statement_features() -> datasets.Features:
    """The :class:`datasets.Features` of a statement dataset."""
    string, integer = datasets.Value("string"), datasets.Value("int64")
    return datasets.Features(
        {
            "statement": string,
            "label": integer,
            "task": string,
            "family": string,
            "language": string,
            "template": string,
            "example_id": integer,
            "input": string,
            "description": string,
        }
    )


def to_dataset(columns: Columns) -> datasets.Dataset:
    """Statement columns (dict of lists) -> :class:`datasets.Dataset`."""
    return datasets.Dataset.from_dict(
        {c: columns[c] for c in STATEMENT_COLUMNS}, features=statement_features()
    )


def load_tokenizer(tokenizer: Any) -> Any:
    """A tokenizer object, or a hub id / local directory loaded as the statement models load it.

    A name is loaded by :func:`sklearn_statement.models.load_tokenizer`, the
    one tokenizer loader (with mDeBERTa's sentencepiece normalisation
    restored), so that token budgets are counted by the tokenizer that trains.
    """
    if isinstance(tokenizer, (str, os.PathLike)):
        # imported here: datasets_builders loads no model code at import
        from sklearn_statement.models import load_tokenizer as load

        spec = os.fspath(tokenizer)
        local = os.path.isdir(os.path.expanduser(spec))
        path = Path(spec).expanduser() if local else None
        return load(spec, path, trust_remote_code=False)
    if not callable(tokenizer):
        raise TypeError(
            "tokenizer must be a Hugging Face (fast) tokenizer, a hub id or a local "
            f"directory, got {type(tokenizer).__name__}"
        )
    return tokenizer


def check_budget(tokenizer: Any, max_length: Any, over_length: str) -> None:
    """Validate the token-budget arguments shared by the builders."""
    if over_length not in OVER_LENGTH:
        raise ValueError(
            f"over_length must be one of {list(OVER_LENGTH)}, got {over_length!r}"
        )
    if (tokenizer is None) != (max_length is None):
        raise ValueError(
            "give both tokenizer= and max_length= to fit statements into a token budget "
            "(or neither to keep the full texts)"
        )
    if max_length is not None and (
        not isinstance(max_length, (int, np.integer))
        or isinstance(max_length, bool)
        or max_length < 1
    ):
        raise ValueError(f"max_length must be a positive integer, got {max_length!r}")


class _Renderer:
    """All labels' statements of (example, variant), rendered once, fitted to the budget.

    Without a tokenizer a statement row is rendered on first use. With one,
    the next :data:`_PREFETCH` examples of ``order`` are rendered and counted
    in one tokenizer call; a row over ``max_length`` is either fitted by
    truncating its input fields (``"truncate"``, done once, when first used)
    or marked ``None`` (``"drop"``).
    """

    def __init__(self, templates, example, order, tokenizer, max_length, over_length):
        self.templates = templates
        self.example = example
        self.order = [int(i) for i in order]
        self.position = {i: p for p, i in enumerate(self.order)}
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.over_length = over_length
        self.rows: dict[tuple[int, int], tuple[dict[Hashable, str] | None, bool]] = {}
        self.fitted: set[tuple[int, int]] = set()

    def _prefetch(self, i: int) -> None:
        start = self.position[i]
        chunk = self.order[start : start + _PREFETCH]
        keys = [(j, t) for j in chunk for t in range(len(self.templates))]
        keys = [key for key in keys if key not in self.rows]
        plain = [self.templates[t].statements(self.example(j)) for j, t in keys]
        texts = [text for row in plain for text in row.values()]
        ids = self.tokenizer(texts, add_special_tokens=True, truncation=False)
        lengths = iter(len(x) for x in ids["input_ids"])
        for key, row in zip(keys, plain):
            fits = max(next(lengths) for _ in row) <= self.max_length
            keep = fits or self.over_length == "truncate"
            self.rows[key] = (row if keep else None, not fits)

    def __call__(self, i: int, t: int) -> tuple[dict[Hashable, str] | None, bool]:
        """``({label: statement}, cut)`` of example ``i`` under variant ``t``.

        The statements are None when the row is over budget and dropped;
        ``cut`` says whether the row was over ``max_length``.
        """
        key = (i, t)
        if key not in self.rows:
            if self.tokenizer is None:
                self.rows[key] = (self.templates[t].statements(self.example(i)), False)
            else:
                self._prefetch(i)
        row, cut = self.rows[key]
        if cut and row is not None and key not in self.fitted:
            # fit by truncating input fields only (template_registry), once needed
            row = render_statements(
                self.templates[t],
                [self.example(i)],
                tokenizer=self.tokenizer,
                max_length=self.max_length,
            )[0][0]
            self.rows[key] = (row, cut)
            self.fitted.add(key)
        return self.rows[key]


#: A candidate statement: (row index, label, template variant).
Candidate = tuple[int, Hashable, int]


def paired_groups(
    order: Sequence[int],
    gold: Sequence[Hashable],
    labels: Sequence[Hashable],
    n_templates: int,
    rng: np.random.Generator,
    negatives: int | None,
) -> Iterator[list[Candidate]]:
    """Per example, in ``order``: its true statement and false ones, one variant.

    Each group holds the gold label's statement first, then ``negatives``
    wrong labels drawn without replacement (None: every wrong label), all
    rendered with the same template variant.
    """
    for i in order:
        i = int(i)
        t = int(rng.integers(n_templates))
        others = [lab for lab in labels if lab != gold[i]]
        if negatives is not None:
            others = [others[j] for j in rng.permutation(len(others))[:negatives]]
        yield [(i, gold[i], t)] + [(i, lab, t) for lab in others]


def independent_true(
    order: Sequence[int], gold: Sequence[Hashable], n_templates: int, rng
) -> Iterator[list[Candidate]]:
    """The gold statement of each example in ``order`` (a random variant each)."""
    for i in order:
        yield [(int(i), gold[i], int(rng.integers(n_templates)))]


def independent_false(
    order: Sequence[int],
    gold: Sequence[Hashable],
    labels: Sequence[Hashable],
    n_templates: int,
    rng: np.random.Generator,
    start: int,
) -> Iterator[list[Candidate]]:
    """False statements of examples from ``order[start:]`` on (then wrapping round).

    The first pass takes one random wrong label per example, later passes
    the examples' other wrong labels, so the false statements come from
    other examples than the true ones taken before them.
    """
    rotated = np.concatenate([order[start:], order[:start]])
    wrong: dict[int, list[Hashable]] = {}
    for p in range(len(labels) - 1):
        for i in rotated:
            i = int(i)
            if p == 0:
                others = [lab for lab in labels if lab != gold[i]]
                wrong[i] = [others[j] for j in rng.permutation(len(others))]
            yield [(i, wrong[i][p], int(rng.integers(n_templates)))]


def uniform_candidates(
    order: Sequence[int], labels: Sequence[Hashable], n_templates: int, rng
) -> Iterator[list[Candidate]]:
    """Every (example, label) pair once, in random order (a random variant each)."""
    pairs = [(int(i), lab) for i in order for lab in labels]
    for j in rng.permutation(len(pairs)):
        i, lab = pairs[j]
        yield [(i, lab, int(rng.integers(n_templates)))]


@dataclass
class _Taken:
    """Statements accepted so far, one entry per statement (columns built at the end).

    ``render(i, t)`` gives ``({label: statement} or None, cut)`` for example
    ``i`` under variant ``t`` (see :class:`_Renderer`); ``gold[i]`` is the
    example's label, ``names[t]`` the variant's name.
    """

    render: Callable[[int, int], tuple[dict[Hashable, str] | None, bool]]
    gold: Sequence[Hashable]
    names: Sequence[str]
    report: BuildReport
    #: ``text_of(i)``: example ``i``'s fields joined; ``describe(i, label, t)``:
    #: the label's description under variant ``t`` (None: the statement itself)
    text_of: Callable[[int], str]
    describe: Callable[[int, Hashable, int], str | None]
    rows: list[tuple[str, int, str, int, bool, str, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def take(self, groups: Iterable[list[Candidate]], quota: int) -> int:
        """Accept whole groups until ``quota`` statements are taken; returns the count.

        A group is left out when one of its statements is over the budget
        (counted in ``report.dropped``) or was already taken (duplicates are
        never repeated), so an example's true and false statements stay
        together.
        """
        taken = 0
        for group in groups:
            if taken + len(group) > quota:
                break
            rows = self._rows(group)
            if rows is None:
                continue
            self.rows += rows
            self.seen.update(r[0] for r in rows)
            taken += len(rows)
        return taken

    def _rows(self, group: list[Candidate]) -> list | None:
        """The group's statement rows, or None when one is dropped or a duplicate."""
        rows: list[tuple[str, int, str, int, bool, str, str]] = []
        for i, lab, t in group:
            statements, cut = self.render(i, t)
            if statements is None:
                self.report.dropped += 1
                return None
            text = statements[lab]
            if text in self.seen or any(text == r[0] for r in rows):
                return None
            described = self.describe(i, lab, t) or text
            truth = int(lab == self.gold[i])
            rows.append(
                (text, truth, self.names[t], i, cut, self.text_of(i), described)
            )
        return rows

    def keep_balanced(self) -> None:
        """Keep as many true as false statements (the first ones of each)."""
        true = [r for r in self.rows if r[1] == 1]
        false = [r for r in self.rows if r[1] == 0]
        keep = min(len(true), len(false))
        self.rows = true[:keep] + false[:keep]

    def columns(self, rng: np.random.Generator, **constant: str) -> Columns:
        """The statement columns, shuffled; ``constant`` columns repeat one value."""
        picked = [self.rows[j] for j in rng.permutation(len(self.rows))]
        columns: Columns = {
            "statement": [r[0] for r in picked],
            "label": [r[1] for r in picked],
            "template": [r[2] for r in picked],
            "example_id": [r[3] for r in picked],
            "input": [r[5] for r in picked],
            "description": [r[6] for r in picked],
        }
        columns.update({k: [v] * len(picked) for k, v in constant.items()})
        return {c: columns[c] for c in STATEMENT_COLUMNS}


def _example_reader(rows: datasets.Dataset | list, fields: Sequence[str]):
    """``example(i)``: row ``i`` as a mapping (column access on a Dataset: fast)."""
    if isinstance(rows, datasets.Dataset):
        names = [f for f in fields if f in rows.column_names]
        table = rows.select_columns(names).to_dict()
        return lambda i: {f: table[f][i] for f in names}
    return lambda i: rows[i]


@dataclass
class _Source:
    """The validated inputs of one build: rows, variants, labels and names."""

    rows: datasets.Dataset | list
    templates: list[Template]
    labels: list[Hashable]
    gold: list[Hashable]
    task: str
    language: str

    @classmethod
    def read(cls, dataset, template, task, language) -> _Source:
        info = getattr(dataset, "info", None)
        rows = dataset if isinstance(dataset, datasets.Dataset) else list(dataset)
        if len(rows) == 0:
            raise ValueError("dataset is empty: nothing to build statements from")
        config = info.config_name if info and info.config_name else None
        language = normalize_language(language or config or "en")
        templates = template_variants(template, language)
        labels = list(templates[0].labels)
        task = (
            task
            or (info.dataset_name if info and info.dataset_name else None)
            or templates[0].dataset
            or templates[0].task
        )
        if isinstance(rows, datasets.Dataset):
            gold = list(rows["label"])
        else:
            gold = [r["label"] for r in rows]
        bad = sorted({repr(g) for g in gold if g not in labels})
        if bad:
            raise ValueError(
                f"label value(s) {bad[:10]} have no statement in {templates[0]!r} (labels: {labels})"
            )
        return cls(rows, templates, labels, gold, task, language)


def _embedding_sides(
    templates: Sequence[Template], example: Callable[[int], Any]
) -> tuple[Callable[[int], str], Callable[[int, Hashable, int], str | None]]:
    """What a bi-encoder compares: an example's text and a label's description.

    The rule of ``sklearn_statement.EmbeddingZeroShotClassifier``: for a
    one-field template whose statements read without the input, the input
    text and :func:`template_registry.label_description`; otherwise the
    fields joined by spaces and the whole statement (``describe`` gives None).
    """
    from template_registry import label_description

    fields = templates[0].fields

    def text_of(i: int) -> str:
        values = templates[0].field_values(example(i))
        return " ".join(values[f] for f in fields)

    cache: dict[tuple[int, Hashable], str | None] = {}

    def describe(i: int, label: Hashable, t: int) -> str | None:
        if (t, label) not in cache:
            template = templates[t]
            try:
                described = (
                    label_description(template, label) if len(fields) == 1 else None
                )
            except ValueError:  # statements depend on the input (COPA, Winograd)
                described = None
            cache[(t, label)] = described
        return cache[(t, label)]

    return text_of, describe


def _group_size(n: int, balance: bool, paired: bool, labels: int) -> int:
    """Statements per example taken together (whole groups only when ``paired``)."""
    group = (2 if balance else labels) if paired else 1
    if n < group:
        raise ValueError(
            f"n={n} is fewer than one example's statements ({group} with paired=True, "
            f"balance={balance}, {labels} labels); pass n >= {group}, or paired=False"
        )
    return group


def build_columns(
    dataset: datasets.Dataset | Sequence[dict],
    template: Template | Sequence[Template] | str,
    *,
    n: int,
    balance: bool,
    random_state: int | None,
    task: str | None,
    language: str | None,
    tokenizer: Any = None,
    max_length: int | None = None,
    over_length: str = "truncate",
    paired: bool = True,
) -> tuple[Columns, BuildReport]:
    """The work of :func:`build_statements`: columns (shuffled) and a report."""
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    check_budget(tokenizer, max_length, over_length)
    src = _Source.read(dataset, template, task, language)
    templates, labels, gold = src.templates, src.labels, src.gold
    k, n = len(labels), int(n)
    asked = n - n % _group_size(n, balance, paired, k)
    report = BuildReport(src.task, src.language, asked, len(src.rows), k, balance)
    example = _example_reader(src.rows, templates[0].fields)
    for i in range(len(src.rows)):
        try:
            templates[0].field_values(example(i))
        except ValueError:
            report.invalid.append(i)
    rng = np.random.default_rng(_seed(random_state, "build_statements"))
    order = rng.permutation(np.setdiff1d(np.arange(len(src.rows)), report.invalid))
    if len(order) == 0:
        raise ValueError(
            f"{src.task} ({src.language}): no row has all template fields "
            f"{list(templates[0].fields)}"
        )
    tok = load_tokenizer(tokenizer) if tokenizer is not None else None
    render = _Renderer(templates, example, order, tok, max_length, over_length)
    names = [t.name for t in templates]
    text_of, describe = _embedding_sides(templates, example)
    taken = _Taken(render, gold, names, report, text_of, describe)
    nt = len(templates)
    if paired:
        negatives = 1 if balance else None
        taken.take(paired_groups(order, gold, labels, nt, rng, negatives), asked)
    elif balance:
        taken.take(independent_true(order, gold, nt, rng), n // 2)
        start = min(n // 2, len(order)) % len(order)
        false = independent_false(order, gold, labels, nt, rng, start)
        taken.take(false, n - n // 2)
        taken.keep_balanced()
    else:
        taken.take(uniform_candidates(order, labels, nt, rng), n)
    report.built = len(taken.rows)
    report.truncated = sum(r[4] for r in taken.rows)
    columns = taken.columns(
        rng, task=src.task, family=templates[0].task, language=src.language
    )
    return columns, report


def finish(
    reports: Sequence[BuildReport],
    max_length: int | None,
    stacklevel: int,
    *,
    mixture: bool = False,
) -> None:
    """The tail every builder shares: log the token budget's changes, then warn.

    Warns about rows without all template fields and about data too short
    for the quota: one build (:func:`build_statements`,
    :func:`build_translation_statements`) with its own messages, a mixture
    (:func:`build_multitask`, ``mixture=True``) with one warning per kind
    listing every (task, language) pair it hit.
    """
    for report in reports:
        log_budget(report, max_length)
    if mixture:
        messages = _mixture_messages(reports)
    else:
        messages = [r.invalid_message() for r in reports if r.invalid]
        messages += [r.short_message() for r in reports if r.short]
    for message in messages:
        warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)


def _mixture_messages(reports: Sequence[BuildReport]) -> list[str]:
    messages = []
    invalid = [r for r in reports if r.invalid]
    if invalid:
        messages.append(
            "rows with an empty or missing template field give no statement: "
            + "; ".join(
                f"{r.task}/{r.language} {len(r.invalid)} of {r.rows}" for r in invalid
            )
        )
    short = [r for r in reports if r.short]
    if short:
        messages.append(
            f"{len(short)} of {len(reports)} (task, language) pairs have fewer statements than asked "
            "(the data is short; nothing is padded with repeats): "
            + "; ".join(
                f"{r.task}/{r.language} {r.built} of {r.asked} ({r.rows} rows"
                + (f" of {r.split}" if r.split else "")
                + (f", {r.dropped} over max_length left out" if r.dropped else "")
                + ")"
                for r in short
            )
        )
    return messages


def log_budget(report: BuildReport, max_length: int | None) -> None:
    """Log how many statements the token budget changed (never silent)."""
    if report.truncated:
        logger.info(
            "%s (%s): %d of %d statements had input fields truncated to fit %s tokens",
            report.task,
            report.language,
            report.truncated,
            report.built,
            max_length,
        )
    if report.dropped:
        logger.info(
            "%s (%s): %d candidate statements over %s tokens left out (over_length='drop')",
            report.task,
            report.language,
            report.dropped,
            max_length,
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
    tokenizer: Any = None,
    max_length: int | None = None,
    over_length: str = "truncate",
    paired: bool = True,
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
        Statements to build (the paper's 1,500 per task and language,
        arXiv 2506.01592 Sec. 3).
    balance : bool, default=True
        Half true, half false (``n // 2`` true). With False, every label's
        statement is used (``paired=True``: all ``K`` statements of
        ``n // K`` examples) or statements are drawn uniformly over all
        (example, label) pairs (``paired=False``), so ``1/K`` of them (about,
        when drawn) are true for ``K`` labels.
    random_state : int or None, default=0
        Seed for the example order, the variant and the wrong label drawn;
        None draws fresh randomness on every call.
    task, language : str, optional
        Values of the ``task`` and ``language`` columns; default to the
        dataset's ``info.dataset_name`` / ``info.config_name`` (set by
        :func:`load_task`), else the template's dataset key / language.
    tokenizer : tokenizer, str or PathLike, optional
        With ``max_length``: the tokenizer that counts tokens (a Hugging Face
        fast tokenizer, or a hub id / directory loaded with
        ``AutoTokenizer``). Without it, statements keep their full texts.
    max_length : int, optional
        Token budget per statement, special tokens included (the
        ``max_length`` of the tuner that will train on the statements).
    over_length : {"truncate", "drop"}, default="truncate"
        What to do with an example whose statements exceed ``max_length``.
        ``"truncate"`` cuts its input fields at token boundaries and keeps the
        label part whole (DESIGN.md: a long premise must not cut away "...is
        about sports."); all labels' statements of the example are cut the
        same way, so true and false statements do not differ in length.
        This matches what :class:`~sklearn_statement.ZeroShotStatementClassifier`
        does at prediction time, so training and test statements look alike.
        ``"drop"`` leaves such examples out instead (only whole texts are
        kept; fewer statements when the data is short).
    paired : bool, default=True
        Take an example's false statements together with its true one: each
        example used gives its gold label's statement and, with
        ``balance=True``, one wrong label's (drawn uniformly), all under the
        same template variant, so ``example_id`` groups the candidates the
        model must tell apart (what :class:`~sklearn_statement.StatementTuner`
        keeps in one batch, and what its ``objective="listwise"`` needs).
        ``n`` is rounded down to whole groups. With False, true and false
        statements come from different examples (the independent draw of
        earlier versions; ``benchmarks/results/ablation_training.md`` compares
        the two).

    Returns
    -------
    datasets.Dataset
        Columns ``statement`` (str), ``label`` (int, 1 = true), ``task``,
        ``family``, ``language``, ``template`` (variant name),
        ``example_id`` (row index in ``dataset``), shuffled. Exactly ``n``
        rows (rounded down to whole groups when ``paired``) when the data
        allows; no statement appears twice.

    Warns
    -----
    UserWarning
        When the data allows fewer distinct statements than asked (the
        message gives both numbers; rows are never padded with repeats), and
        when rows with an empty or missing template field are skipped (the
        message counts them and names the first ones). How many statements
        were truncated or dropped for the token budget is logged (INFO).

    Raises
    ------
    ValueError
        If ``n < 1`` or (``paired``) fewer than one example's statements, the
        data is empty or allows no statement at all, a row's label is not one
        of the template's labels, no row has all template fields, only one of
        ``tokenizer`` / ``max_length`` is given, ``over_length`` is unknown,
        or ``max_length`` cannot hold a template's fixed text.
    TypeError
        If ``template`` or ``tokenizer`` is of the wrong type.

    Examples
    --------
    >>> from datasets_builders import build_statements, load_task, sample_data_dir
    >>> ds = load_task("sst2", split="train", data_dir=sample_data_dir())
    >>> st = build_statements(ds, "sst2", n=10, random_state=0)
    >>> len(st), sum(st["label"])
    (10, 5)
    """
    columns, report = build_columns(
        dataset,
        template,
        n=n,
        balance=balance,
        random_state=random_state,
        task=task,
        language=language,
        tokenizer=tokenizer,
        max_length=max_length,
        over_length=over_length,
        paired=paired,
    )
    if report.built == 0:  # an empty corpus is no answer (build_multitask warns)
        raise ValueError(report.short_message())
    finish([report], max_length, stacklevel=2)
    return to_dataset(columns)
