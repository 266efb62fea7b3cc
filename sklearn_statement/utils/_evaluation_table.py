"""The evaluation table: one row per dataset and language, baselines beside.

Rendered by the evaluation reports (``sklearn_statement.evaluation``) and by
the model card of a saved model (``sklearn_statement.models``): it lives here,
below both, so that both print the same table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "AVERAGED",
    "UNKNOWN_FAMILIES",
    "average_rows",
    "format_averages",
    "format_table",
]

#: The footnote of a table whose "unseen task family" column has a "?".
UNKNOWN_FAMILIES = (
    "unseen task family: ? = the model's training task families are unknown "
    "(pass trained_families= to evaluate_zero_shot, or evaluate a directory saved "
    "with save_pretrained(trained_families=...), as sklearn-statement tune and demo "
    "save them)"
)


def _render(head: list[str], body: list[list[str]], markdown: bool) -> list[str]:
    """The lines of a table: markdown (``| a | b |`` and a rule) or aligned text."""
    widths = [max([len(h)] + [len(b[i]) for b in body]) for i, h in enumerate(head)]

    def line(cells: list[str]) -> str:
        if markdown:
            return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths))

    lines = [line(head)]
    if markdown:
        lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return lines + [line(b) for b in body]


def format_table(rows: Sequence[dict[str, Any]], markdown: bool = True) -> str:
    """Render evaluation rows as a (markdown) table.

    Columns: dataset, language, n, accuracy with its 95% bootstrap interval
    (when present), the statement model's accuracy alone (for a hybrid's
    rows, when they have ``statement_accuracy``), the hybrid's embedding
    model alone (``embedding_accuracy``, when it is not the baseline's
    encoder, e.g. a tuned bi-encoder), the embedding baseline on
    the same rows with its interval (when they have ``baseline_accuracy``),
    majority baseline, macro-F1, and whether the task family was absent
    from training ("?" when the training families are unknown, explained in
    a footnote below the table).
    """
    with_baseline = any("baseline_accuracy" in r for r in rows)
    with_alone = any("statement_accuracy" in r for r in rows)
    with_embedding = any(
        "embedding_accuracy" in r
        and r["embedding_accuracy"] != r.get("baseline_accuracy")
        for r in rows
    )
    head = ["dataset", "language", "n", "accuracy", "95% CI"]
    if with_alone:
        head += ["statement model alone"]
    if with_embedding:
        head += ["embedding model alone"]
    if with_baseline:
        head += ["embedding baseline", "baseline 95% CI"]
    head += ["majority", "macro-F1", "unseen task family"]

    def interval(r: dict[str, Any], prefix: str) -> str:
        low, high = r.get(f"{prefix}ci_low"), r.get(f"{prefix}ci_high")
        return "" if low is None else f"{100 * low:.1f}-{100 * high:.1f}"

    body = []
    for r in rows:
        cells = [
            r["dataset"],
            r["language"],
            str(r["n"]),
            f"{100 * r['accuracy']:.1f}",
            interval(r, ""),
        ]
        for shown, key in ((with_alone, "statement"), (with_embedding, "embedding")):
            if shown:
                alone = r.get(f"{key}_accuracy")
                cells.append("" if alone is None else f"{100 * alone:.1f}")
        if with_baseline:
            base = r.get("baseline_accuracy")
            cells += [
                "" if base is None else f"{100 * base:.1f}",
                interval(r, "baseline_"),
            ]
        cells += [
            f"{100 * r['majority']:.1f}",
            f"{100 * r['macro_f1']:.1f}",
            {True: "yes", False: "no", None: "?"}[r.get("held_out")],
        ]
        body.append(cells)
    lines = _render(head, body, markdown)
    if any(r.get("held_out") is None for r in rows):
        lines += ["", UNKNOWN_FAMILIES]
    return "\n".join(lines)


#: The columns of :func:`average_rows`: a row's key and its heading.
AVERAGED = (
    ("accuracy", "accuracy"),
    ("statement_accuracy", "statement model alone"),
    ("embedding_accuracy", "embedding model alone"),
    ("baseline_accuracy", "embedding baseline"),
    ("majority", "majority"),
    ("random", "random"),
)


def average_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each dataset's unweighted mean over its languages, then over all rows.

    Parameters
    ----------
    rows : sequence of dict
        Evaluation rows (``evaluate_zero_shot``): ``dataset``, ``language``
        and the accuracies of :data:`AVERAGED` that they have (fractions).

    Raises
    ------
    ValueError
        If ``rows`` is empty or None, or a row has no ``dataset`` or ``accuracy``.

    Returns
    -------
    list of dict
        One per dataset in order of first appearance, then ``"all rows"``:
        ``dataset``, ``languages`` (count), and the mean of each key of
        :data:`AVERAGED` present in every row of that group (fractions).
    """
    if rows is None or isinstance(rows, (str, dict)) or not len(rows):
        raise ValueError(
            "rows must be a non-empty sequence of evaluation rows (evaluate_zero_shot's "
            f"output), got {rows!r:.80}"
        )
    missing = [
        i for i, r in enumerate(rows) if "dataset" not in r or "accuracy" not in r
    ]
    if missing:
        raise ValueError(
            f"rows {missing[:5]} have no 'dataset' or 'accuracy': pass evaluate_zero_shot's rows"
        )
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["dataset"], []).append(r)
    groups["all rows"] = list(rows)
    out = []
    for name, group in groups.items():
        mean = {"dataset": name, "languages": len(group)}
        for key, _ in AVERAGED:
            values = [r.get(key) for r in group]
            if values and all(v is not None for v in values):
                mean[key] = sum(values) / len(values)
        out.append(mean)
    return out


def format_averages(rows: Sequence[dict[str, Any]], markdown: bool = True) -> str:
    """Render :func:`average_rows` of evaluation rows as a (markdown) table (%).

    The embedding model alone is shown when it differs from the baseline's
    encoder (a tuned bi-encoder), as in :func:`format_table`.
    """
    means = average_rows(rows)
    keys = [
        (key, head)
        for key, head in AVERAGED
        if key != "random"
        and all(key in m for m in means)
        and not (
            key == "embedding_accuracy"
            and all(m[key] == m.get("baseline_accuracy") for m in means)
        )
    ]
    head = ["dataset", "languages"] + [h for _, h in keys]
    body = [
        [m["dataset"], str(m["languages"])] + [f"{100 * m[k]:.1f}" for k, _ in keys]
        for m in means
    ]
    return "\n".join(_render(head, body, markdown))
