"""Render statements within a token budget by truncating input fields only.

A statement is ``fixed text + field texts + label words``. Truncating the
whole statement at ``max_length`` would cut the label part away from a long
input, and every label's statement would become identical. Instead, each
field gets a share of the tokens left after the longest statement's fixed
part (water-filling: short fields keep all their tokens, long ones share the
rest), and is cut at a token boundary of its own tokenization, so the kept
prefix is verbatim text.

The tokenizer is duck-typed (a Hugging Face fast tokenizer): this module does
not import torch or transformers.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from ._template import Template

__all__ = ["render_statements"]

_MAX_ROUNDS = 6


def _waterfill(lengths: Sequence[int], budget: int) -> list[int]:
    """Token allowance per field: fair shares of ``budget``, smallest first."""
    alloc = [0] * len(lengths)
    remaining = budget
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    for rank, i in enumerate(order):
        share = remaining // (len(order) - rank)
        alloc[i] = min(lengths[i], share)
        remaining -= alloc[i]
    return alloc


def _window_around_blank(text: str, offsets: Sequence[tuple[int, int]], n: int) -> str:
    """Keep ``n`` tokens of ``text`` centred on its blank ``_`` (so the blank survives)."""
    blank = text.index("_")
    at = next((i for i, (a, b) in enumerate(offsets) if a <= blank < max(b, a + 1)), 0)
    start = max(0, min(at - n // 2, len(offsets) - n))
    stop = min(len(offsets), start + max(n, 1))
    begin, end = offsets[start][0], offsets[stop - 1][1]
    window = text[begin:end].strip()
    return window if "_" in window else text[max(0, blank - 1) : blank + 2]


def _encode(tokenizer: Any, texts: list[str]) -> list[list[int]]:
    if not texts:
        return []
    return tokenizer(texts, add_special_tokens=True, truncation=False)["input_ids"]


def _truncate_example(
    template: Template,
    values: dict[str, str],
    labels: Sequence[Hashable],
    tokenizer: Any,
    max_length: int,
) -> tuple[dict[Hashable, str], list[list[int]]]:
    fields = list(values)
    # Fixed text = the statements with every field reduced to the blank "_"
    # (one token each, so the estimate errs on the safe side).
    fixed = _encode(
        tokenizer, list(template.render({f: "_" for f in fields}, labels).values())
    )
    overhead = max(len(ids) for ids in fixed)
    enc = tokenizer(
        [values[f] for f in fields],
        add_special_tokens=False,
        return_offsets_mapping=True,
    )
    offsets = enc["offset_mapping"]
    lengths = [len(o) for o in offsets]
    blanks = template.blank_fields
    budget = max_length - overhead
    for _ in range(_MAX_ROUNDS):
        if budget < len(fields):
            raise ValueError(
                f"max_length={max_length} is too small for {template!r}: its fixed text alone takes "
                f"{overhead} tokens; raise max_length or use a shorter template"
            )
        alloc = _waterfill(lengths, budget)
        cut = {}
        for f, n, offs in zip(fields, alloc, offsets):
            text = values[f]
            if n < len(offs):
                if f in blanks and "_" in text:
                    text = _window_around_blank(text, offs, n)
                else:
                    end = offs[n - 1][1] if n > 0 else 0
                    text = text[:end].rstrip() or text[: max(end, 1)]
            cut[f] = text
        rendered = template.render(cut, labels)
        ids = _encode(tokenizer, list(rendered.values()))
        over = max(len(x) for x in ids) - max_length
        if over <= 0:
            return rendered, ids
        budget -= over
    raise ValueError(  # pragma: no cover - tokenizers that grow when text shrinks
        f"could not fit the statements of {template!r} into max_length={max_length} tokens"
    )


def render_statements(
    template: Template,
    examples: Sequence[Mapping[str, Any]],
    *,
    tokenizer: Any = None,
    max_length: int | None = None,
    labels: Sequence[Hashable] | None = None,
) -> tuple[list[dict[Hashable, str]], list[list[list[int]]] | None]:
    """Render each example's statements, fitting them into ``max_length`` tokens.

    Parameters
    ----------
    template : Template
        Template with labels (see :meth:`Template.with_labels`).
    examples : sequence of mapping
        Examples with the template's fields.
    tokenizer : Hugging Face fast tokenizer, optional
        Counts tokens; with None, nothing is truncated and no ids are returned.
    max_length : int, optional
        Token budget per statement, special tokens included.
    labels : sequence, optional
        Labels to render (default: ``template.labels``).

    Returns
    -------
    statements : list of dict
        One ``{label: statement}`` per example.
    input_ids : list of list of list of int, or None
        Token ids per example and label (same order), each at most
        ``max_length`` long; None without a tokenizer.

    Raises
    ------
    ValueError
        If an example is invalid (see :meth:`Template.statements`) or
        ``max_length`` cannot even hold the template's fixed text.
    """
    labels = tuple(template.labels if labels is None else labels)
    values = [template.field_values(ex) for ex in examples]
    if not labels:
        template.statements({})  # raises the open-label-set error
    rendered = [template.render(v, labels) for v in values]
    if tokenizer is None or max_length is None:
        return rendered, None
    flat = [s for row in rendered for s in row.values()]
    unique = list(dict.fromkeys(flat))
    ids_of = dict(zip(unique, _encode(tokenizer, unique)))
    input_ids = [[ids_of[s] for s in row.values()] for row in rendered]
    for i, row_ids in enumerate(input_ids):
        if max(len(x) for x in row_ids) > max_length:
            rendered[i], input_ids[i] = _truncate_example(
                template, values[i], labels, tokenizer, max_length
            )
    return rendered, input_ids
