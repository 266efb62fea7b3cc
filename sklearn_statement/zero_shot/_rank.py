"""Candidate labels per text: what :meth:`ZeroShotStatementClassifier.rank` computes.

transformers' zero-shot pipeline takes one label set per call; support tickets,
product categories and intents arrive with their own candidates. ``rank``
scores each text against its own labels in one pass: the (text, label)
statements of all texts are flattened, scored by one call of the scoring model
(which de-duplicates them, sorts them by length and pads each batch) and split
back per text. Texts that share a label list are rendered together, so a
fixed label list costs what ``predict_proba`` costs.

With a shortlist, a text with more than ``k`` candidates keeps the ``k`` whose
description is closest to it (the others score ``-inf``: probability 0, listed
last); the hybrid adds the weighted cosine of each candidate's description,
computed for that text's candidates only. Every row gets what a classifier
fitted with that row's labels would give it in ``predict_proba``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from template_registry import label_descriptions, render_statements

from ._hybrid import fit_embedding
from ._labels import _is_missing_label, _label_kind, _plain, check_label_words
from ._shortlist import _Embedder, resolve_shortlist

__all__ = [
    "check_candidate_labels",
    "fit_labels_or_open",
    "rank_embedding",
    "rank_similarities",
    "rank_true_logits",
    "ranked",
    "shortlist_keep",
]

_HOW = (
    "candidate_labels holds one list of labels per text, in X's order, e.g. "
    "[['sports', 'politics'], ['health', 'travel', 'sports']]"
)


# ------------------------------------------------------------------ checks
def _row(row: Any, i: int) -> list[Any]:
    """Text ``i``'s candidates as a list of plain labels, or a clear error."""
    if row is None:
        raise ValueError(
            f"candidate_labels[{i}] is None; text {i} needs at least one candidate "
            "label (give it its labels, or drop the text)"
        )
    if isinstance(row, (str, bytes)):
        raise TypeError(
            f"candidate_labels[{i}] is the string {row!r}, not a list of labels. "
            f"{_HOW}; for the same labels everywhere: [labels] * len(X)"
        )
    if isinstance(row, (Mapping, set, frozenset)) or not hasattr(row, "__iter__"):
        raise TypeError(
            f"candidate_labels[{i}] is a {type(row).__name__}; give each text an "
            "ordered list (or tuple, array) of labels"
        )
    labels = list(row)
    if not labels:
        raise ValueError(
            f"candidate_labels[{i}] is empty; text {i} needs at least one candidate "
            "label (give it its labels, or drop the text)"
        )
    for j, label in enumerate(labels):
        where = f"candidate_labels[{i}][{j}]"
        if _is_missing_label(label):
            raise ValueError(
                f"{where} is {label!r}; every candidate needs words for its "
                f"statement (remove it from text {i}'s list)"
            )
        if _label_kind(label) not in ("str", "number"):
            raise TypeError(
                f"{where} is a {type(label).__name__} ({label!r}); labels are strings "
                "(or numbers), each written into a statement"
            )
        if isinstance(label, str) and not label.strip():
            raise ValueError(
                f"{where} is the empty label {label!r}; every candidate needs words "
                f"for its statement (remove it from text {i}'s list)"
            )
    return [_plain(label) for label in labels]


def _check_distinct(labels: list[Any], i: int) -> None:
    """A label listed twice for one text (also: twice up to whitespace) is an error."""
    seen: dict[Any, int] = {}
    for j, label in enumerate(labels):
        key = " ".join(label.split()) if isinstance(label, str) else label
        if key in seen and labels[seen[key]] == label:
            raise ValueError(
                f"candidate_labels[{i}] lists {label!r} twice (positions {seen[key]} "
                f"and {j}); list each label once per text"
            )
        if key in seen:
            raise ValueError(
                f"candidate_labels[{i}]: {labels[seen[key]]!r} (position {seen[key]}) "
                f"and {label!r} (position {j}) differ only in whitespace, so their "
                "statements are the same; keep one of them"
            )
        seen[key] = j


def _check_writable(templates: Sequence[Any], labels: list[Any], i: int) -> None:
    """Every candidate has a statement in every template (and words, if registered)."""
    for template in templates:
        if template.is_open:
            continue
        for label in labels:
            if label not in template.patterns:
                raise ValueError(
                    f"candidate_labels[{i}] holds {label!r}, which {template!r} has no "
                    f"statement for (its labels: {list(template.patterns)}); give "
                    f"text {i} candidates among them, or use a template with a "
                    "{label} slot (e.g. 'topic', or a Template with label_statement=)"
                )
    try:
        check_label_words(templates, labels)
    except ValueError as exc:
        raise ValueError(f"candidate_labels[{i}]: {exc}") from None


def check_candidate_labels(
    candidate_labels: Any, n_texts: int, templates: Sequence[Any]
) -> list[list[Any]]:
    """One checked list of labels per text.

    Parameters
    ----------
    candidate_labels : sequence of sequences of labels
        ``rank``'s argument; lengths may differ.
    n_texts : int
        The number of texts in ``X``.
    templates : sequence of Template
        The classifier's templates: each candidate needs a statement in each.

    Returns
    -------
    list of list
        Plain Python labels (numpy scalars converted), in the given order.

    Raises
    ------
    ValueError
        Naming the text (its index, counting from 0): a list count other than
        ``n_texts``, an empty or None list, a None/NaN or empty label, a label
        listed twice (or twice up to whitespace), a label a closed template
        has no statement for, a number for a registered open template.
    TypeError
        For a string or set instead of a list, a label that is not a string
        or number, or strings mixed with numbers.
    """
    if candidate_labels is None or isinstance(candidate_labels, (str, bytes, Mapping)):
        raise TypeError(f"{_HOW}; got {type(candidate_labels).__name__}")
    rows = list(candidate_labels)
    if len(rows) != n_texts:
        raise ValueError(
            f"candidate_labels has {len(rows)} lists for {n_texts} texts; {_HOW}"
        )
    out: list[list[Any]] = []
    first: dict[str, int] = {}  # label kind -> the first text that has it
    for i, row in enumerate(rows):
        labels = _row(row, i)
        for label in labels:
            first.setdefault(_label_kind(label), i)
        if len(first) > 1:
            raise TypeError(
                f"candidate_labels[{i}]: strings and numbers mixed (strings in text "
                f"{first['str']}, numbers in text {first['number']}); use one type "
                "for every label, e.g. all strings"
            )
        _check_distinct(labels, i)
        _check_writable(templates, labels, i)
        out.append(labels)
    return out


def fit_labels_or_open(
    templates: Sequence[Any], labels: Any, y: Any, multi_label: bool
) -> tuple[list[Any], list[Any], list[Any], Any] | None:
    """``fit``'s labels when nothing names them and the template is open: none.

    An open template (``"topic"``) fitted without ``labels`` or ``y`` has no
    ``classes_`` (an empty array): ``rank`` takes each text's labels, the
    fixed-label methods ask for ``labels``. None means: resolve the labels as
    usual (``fit_labels``).
    """
    if labels is None and (y is None or multi_label) and not templates[0].labels:
        return [], [], list(templates), y
    return None


# ------------------------------------------------------------------ scoring
def _render_rows(
    template: Any,
    examples: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    tokenizer: Any = None,
    max_length: int | None = None,
) -> tuple[list[list[str]], list[list[list[int]]]]:
    """Each text's statements (and token ids) of its own labels, in its order.

    Texts with the same label list are rendered (and tokenized) together.
    Without a tokenizer the ids are empty lists.
    """
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(tuple(row), []).append(i)
    texts: list[list[str]] = [[] for _ in rows]
    ids: list[list[list[int]]] = [[] for _ in rows]
    for labels, members in groups.items():
        rendered, input_ids = render_statements(
            template,
            [examples[i] for i in members],
            tokenizer=tokenizer,
            max_length=max_length,
            labels=labels,
        )
        for k, i in enumerate(members):
            texts[i] = [rendered[k][label] for label in labels]
            ids[i] = input_ids[k] if input_ids is not None else []
    return texts, ids


def _split(values: np.ndarray, rows: Sequence[Sequence[Any]]) -> list[np.ndarray]:
    """A flat array back into one array per text."""
    return np.split(values, np.cumsum([len(r) for r in rows])[:-1])


def rank_true_logits(
    templates: Sequence[Any],
    examples: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    scorer: Any,
    *,
    keep: Sequence[np.ndarray] | None = None,
    batch_size: int,
    progress: bool | None = False,
) -> list[np.ndarray]:
    """The true-logit of each text's candidates, one scoring pass for all.

    Parameters
    ----------
    templates : sequence of Template
        True-logits are averaged over them (a template ensemble).
    examples : sequence of mapping
    rows : sequence of sequences of labels
        Each text's candidates.
    scorer : ScoringModel
    keep : sequence of bool arrays, optional
        Which candidates each text scores (:func:`shortlist_keep`); the
        others get ``-inf``.
    batch_size : int
    progress : bool or None, default=False
        As ``ZeroShotStatementClassifier(progress_bar=)`` (None: tqdm's rule).

    Returns
    -------
    list of ndarray of float64
        One array per text, shape (len(rows[i]),), in its candidates' order.
    """
    scored = (
        rows
        if keep is None
        else [[lab for lab, k in zip(row, m) if k] for row, m in zip(rows, keep)]
    )
    flat: list[list[int]] = []
    for template in templates:
        _, ids = _render_rows(
            template, examples, scored, scorer.tokenizer, scorer.max_length
        )
        flat += [seq for row in ids for seq in row]
    z = scorer.true_logits(flat, batch_size=batch_size, progress=progress)
    per_row = _split(z.reshape(len(templates), -1).mean(axis=0), scored)
    if keep is None:
        return per_row
    out = []
    for row, m, values in zip(rows, keep, per_row):
        full = np.full(len(row), -np.inf)
        full[m] = values
        out.append(full)
    return out


def shortlist_keep(
    shortlist: Any,
    fitted: Any,
    template: Any,
    examples: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    scorer: Any,
) -> list[np.ndarray] | None:
    """Which candidates each text keeps under ``shortlist`` (None: all of them).

    A text with more than ``k`` candidates keeps the ``k`` whose description
    (:func:`label_description`) is most similar to it, embedded as the
    classifier's fitted shortlist embeds (``fitted``: its ``shortlist_``, whose
    loaded encoder is reused); the others keep every candidate.

    Returns
    -------
    list of bool ndarray, or None
        One mask per text, in its candidates' order.
    """
    spec = resolve_shortlist(shortlist)
    long = [] if spec is None else [i for i, r in enumerate(rows) if len(r) > spec.k]
    if not long:
        return None
    embed = fitted._embed if fitted is not None else _Embedder(spec)
    labels = list(dict.fromkeys(lab for i in long for lab in rows[i]))
    column = {lab: j for j, lab in enumerate(labels)}
    label_vectors = embed(scorer, label_descriptions(template.with_labels(labels)))
    texts = [" ".join(template.field_values(examples[i]).values()) for i in long]
    keep = [np.ones(len(row), dtype=bool) for row in rows]
    for i, vector in zip(long, embed(scorer, texts)):
        similarity = label_vectors[[column[lab] for lab in rows[i]]] @ vector
        top = np.argpartition(-similarity, spec.k - 1)[: spec.k]
        keep[i] = np.zeros(len(rows[i]), dtype=bool)
        keep[i][top] = True
    return keep


def rank_embedding(
    embedding_model: Any,
    fitted: Any,
    template: Any,
    rows: Sequence[Sequence[Any]],
    **params: Any,
) -> Any:
    """The hybrid's embedding classifier for every label of ``rows`` (None: no hybrid).

    ``fitted`` is the classifier's ``embedding_`` (its loaded encoder is
    reused), or None when ``fit`` had no labels (the encoder is loaded from
    ``embedding_model``). ``params`` go to :func:`fit_embedding`. With one
    label in all the rows, every text's only candidate has probability 1
    whatever it adds: None.
    """
    labels = list(dict.fromkeys(lab for row in rows for lab in row))
    if embedding_model is None or len(labels) < 2:
        return None
    encoder = embedding_model if fitted is None else fitted.encoder_
    return fit_embedding(encoder, template, labels, None, **params)


def rank_similarities(
    embedding: Any, examples: Sequence[Any], rows: Sequence[Sequence[Any]]
) -> list[np.ndarray]:
    """Cosine of each text with its candidates' descriptions (or statements).

    As :meth:`EmbeddingZeroShotClassifier.similarities` computes them, for
    each text's own candidates: label descriptions are embedded once for all
    texts; templates of several fields compare the text with its candidates'
    full statements.
    """
    template = embedding.template_
    values = [template.field_values(ex) for ex in examples]
    inputs = embedding._embed([" ".join(v.values()) for v in values])
    described = embedding.label_descriptions()
    if described is not None:
        vectors = embedding._embed(described)
        column = {lab: j for j, lab in enumerate(embedding.classes_.tolist())}
        return [
            vectors[[column[lab] for lab in row]] @ inputs[i]
            for i, row in enumerate(rows)
        ]
    statements, _ = _render_rows(template, examples, rows)
    vectors = _split(embedding._embed([s for row in statements for s in row]), rows)
    return [v @ inputs[i] for i, v in enumerate(vectors)]


def ranked(
    sequences: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    probabilities: Sequence[np.ndarray],
) -> list[dict[str, Any]]:
    """transformers' zero-shot pipeline output: labels sorted by score, highest first.

    Ties keep the given order (a stable sort), so candidates a shortlist left
    out (score 0) follow the others in the order they were given.
    """
    out = []
    for sequence, labels, p in zip(sequences, rows, probabilities):
        order = np.argsort(-p, kind="stable")
        out.append(
            {
                "sequence": sequence,
                "labels": [labels[j] for j in order],
                "scores": [float(p[j]) for j in order],
            }
        )
    return out
