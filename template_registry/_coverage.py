"""Which task families have templates in which languages: a coverage table.

The table is computed from :func:`list_templates` (never written by hand), so
the README and the documentation show what the registry really holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._languages import normalize_language
from ._registry import list_tasks, list_templates

__all__ = ["coverage_table"]

_NONE = "–"  # en dash: no native template (get_template falls back to English)


def _counts(
    tasks: Iterable[str] | None, languages: Iterable[str] | None
) -> tuple[dict[str, dict[str, int]], list[str]]:
    counts: dict[str, dict[str, int]] = {}
    for template in list_templates():
        key = template.dataset or template.task
        row = counts.setdefault(key, {})
        row[template.language] = row.get(template.language, 0) + 1
    if tasks is not None:
        wanted = list(tasks)
        unknown = [t for t in wanted if t not in counts]
        if unknown:
            raise ValueError(
                f"no registered template for task(s) {unknown}; tasks with templates: "
                f"{sorted(counts)}"
            )
        counts = {t: counts[t] for t in wanted}
    else:
        counts = dict(sorted(counts.items()))
    if languages is None:
        langs = sorted({lg for row in counts.values() for lg in row})
        langs.sort(key=lambda lg: lg != "en")  # English first, then alphabetical
    else:
        langs = list(dict.fromkeys(normalize_language(lg) for lg in languages))
    return counts, langs


def coverage_table(
    *,
    markdown: bool = True,
    tasks: Iterable[str] | None = None,
    languages: Iterable[str] | None = None,
) -> str | dict[str, dict[str, int]]:
    """Task x language table of the registered template variants.

    Parameters
    ----------
    markdown : bool, default=True
        Return a Markdown (GitHub pipe) table as a string. With False, return
        the counts as a nested dict instead.
    tasks : iterable of str, optional
        Rows: task families (or dataset keys of dataset-specific templates);
        default every family with a registered template, alphabetically.
    languages : iterable of str, optional
        Columns: language codes (normalised, see :func:`normalize_language`);
        default every language with a template, English first.

    Returns
    -------
    str or dict of str -> dict of str -> int
        Markdown: one row per task with the datasets bound to it
        (``datasets.yaml``), one column per language, each cell the number
        of variants (``–`` where there is none, so :func:`get_template`
        returns the English template), and a last row counting the tasks per
        language. Dict: ``{task: {language: n_variants}}`` for the non-empty
        cells.

    Raises
    ------
    ValueError
        If a task has no registered template or a language code is unknown.

    See Also
    --------
    list_templates : the templates counted here.

    Examples
    --------
    >>> from template_registry import coverage_table
    >>> coverage_table(markdown=False, tasks=["nli"], languages=["en", "de"])
    {'nli': {'en': 3, 'de': 3}}
    >>> print(coverage_table(tasks=["nli"], languages=["en", "de"]))
    | task | datasets | en | de |
    |---|---|---:|---:|
    | nli | xnli, rte, snli | 3 | 3 |
    | **tasks** | | 1 | 1 |
    """
    counts, langs = _counts(tasks, languages)
    if not markdown:
        return {
            task: {lg: row[lg] for lg in langs if lg in row}
            for task, row in counts.items()
        }
    bound: dict[str, list[str]] = {}
    for dataset, family in list_tasks().items():
        if dataset != family:
            bound.setdefault(family, []).append(dataset)
    order = {d: i for i, d in enumerate(_binding_order())}
    lines = [
        "| task | datasets | " + " | ".join(langs) + " |",
        "|---|---|" + "---:|" * len(langs),
    ]
    for task in counts:
        datasets = sorted(bound.get(task, []), key=lambda d: order.get(d, len(order)))
        cells = [str(counts[task].get(lg, _NONE)) for lg in langs]
        lines.append(f"| {task} | {', '.join(datasets)} | " + " | ".join(cells) + " |")
    totals = [str(sum(lg in row for row in counts.values())) for lg in langs]
    lines.append("| **tasks** | | " + " | ".join(totals) + " |")
    return "\n".join(lines)


def _binding_order() -> list[str]:
    """Dataset keys in the order of ``datasets.yaml`` (evaluation sets first)."""
    from ._registry import _REGISTRY

    _REGISTRY.ensure_loaded()
    return list(_REGISTRY.bindings)
