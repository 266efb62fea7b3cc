"""``sklearn-statement templates``: list the registered templates or show one at work.

Also the worked examples shown for a template (:func:`worked_example`,
:func:`worked_labels`), which the docs' template catalogue uses too.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Hashable
from typing import Any

from template_registry import Template

__all__ = ["options", "run", "worked_example", "worked_labels"]

#: Labels shown for an open template (``label_statement``) that has no
#: verbalizer; only for display.
_FALLBACK_LABELS = ("sports", "politics", "science/technology")
#: At most this many verbalizer labels are shown (MASSIVE has 60 intents).
_MAX_SHOWN_LABELS = 6


def worked_example(template: Template) -> dict[str, Any]:
    """The template's own example, else placeholder texts ``<field>``.

    Parameters
    ----------
    template : Template

    Returns
    -------
    dict of str -> str
        Field -> text; a ``switch`` field gets its first case.
    """
    if template.example:
        return dict(template.example)
    example = {f: f"<{f} with a _ blank>" for f in template.fields}
    if template.switch:
        cases = next(iter(template.patterns.values()))
        example[template.switch] = next(iter(cases))
    return example


def worked_labels(template: Template) -> tuple[Hashable, ...]:
    """Labels to show statements for.

    Parameters
    ----------
    template : Template

    Returns
    -------
    tuple
        The template's labels; for an open template (no labels yet), the
        first six keys of its verbalizer, else a few topic labels.
    """
    if template.labels:
        return tuple(template.labels)
    keys = tuple(template.verbalizer)[:_MAX_SHOWN_LABELS]
    return keys or _FALLBACK_LABELS


NAME = "templates"
HELP = "list or show registered templates"
DESCRIPTION = (
    "The statement templates of template_registry: 'list' prints "
    "every registered template (task or dataset, language, name, fields, labels), "
    "'show TASK' the statements one template writes for a worked example, one "
    "per label. Loads no model."
)
#: The shared options (``_options.parents``) it takes.
PARENTS = ()


def options(p: argparse.ArgumentParser) -> None:
    """The options of ``sklearn-statement templates`` besides the shared ones."""
    tsub = p.add_subparsers(dest="templates_command", required=True)
    lst = tsub.add_parser(
        "list", help="list templates", formatter_class=p.formatter_class
    )
    lst.add_argument("--task", default=None, help="only this task or dataset")
    lst.add_argument("--language", default=None, help="only this language")
    show = tsub.add_parser(
        "show",
        help="show a task's statements for a worked example",
        formatter_class=p.formatter_class,
    )
    show.add_argument("task", help="task family or dataset name")
    show.add_argument("--language", default="en", help="template language")
    show.add_argument(
        "--name", default=None, help="template variant (default: the first)"
    )


def run(args: argparse.Namespace) -> int:
    from template_registry import get_template, list_templates, normalize_language

    if args.templates_command == "list":
        rows = list_templates(task=args.task, language=args.language)
        for t in rows:
            labels = ", ".join(map(str, t.labels)) if t.labels else "(open: any label)"
            print(
                f"{t.dataset or t.task:<22} {t.language:<8} {t.name:<22} fields={','.join(t.fields)}  labels={labels}"
            )
        print(f"{len(rows)} templates")
        if not rows and args.language is not None:
            print(
                f"no native templates in {normalize_language(args.language)!r}: "
                "get_template returns the English ones (they work for any input language)"
            )
        return 0
    template = get_template(args.task, language=args.language, name=args.name)
    requested = normalize_language(args.language)
    if template.language != requested:
        print(
            f"note: {args.task!r} has no native template in {requested!r}; showing the "
            f"{template.language!r} one (English templates work for any input language)"
        )
    if not template.labels:
        template = template.with_labels(worked_labels(template))
    example = worked_example(template)
    print(f"{template!r}\nexample: {json.dumps(example, ensure_ascii=False)}")
    for label, statement in template.statements(example).items():
        print(f"  {label!s:<16} {statement}")
    return 0
