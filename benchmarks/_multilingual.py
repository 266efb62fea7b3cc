"""Multilingual workloads of the issue-24 benchmarks: real texts in several languages.

SIB-200 (7 topics, one text per example) and XNLI (premise + hypothesis, 3
labels) from the bundled sample (``datasets_builders.sample_data_dir()``), or
from a folder laid out like ``shared/data``. Examples are drawn with a fixed
seed, the same number per language, from the test split (then validation) so
that runs on different days score the same rows. Templates are the English
ones of the registry (the paper: English templates work as well as translated
ones), as the demo evaluates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

LANGUAGES = ("en", "de", "zh", "ar", "sw")


@dataclass
class Workload:
    """Examples of one task: inputs for ``ZeroShotStatementClassifier``, gold labels, languages."""

    task: str
    examples: list[Any] = field(default_factory=list)
    gold: list[Any] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.examples)


def load_workload(
    task: str,
    languages=LANGUAGES,
    n_per_language: int = 100,
    *,
    data_dir=None,
    seed: int = 0,
    splits=("test", "validation"),
) -> Workload:
    """``n_per_language`` examples of ``task`` (``sib200`` or ``xnli``) per language.

    SIB-200 examples are texts (str), XNLI examples dicts with ``premise`` and
    ``hypothesis``; gold labels are the dataset's (the template's labels).
    """
    from datasets_builders import load_task, sample_data_dir

    data = data_dir or sample_data_dir()
    out = Workload(task)
    for language in languages:
        rows: list[tuple[Any, Any]] = []
        for split in splits:
            try:
                ds = load_task(task, language=language, split=split, data_dir=data)
            except (FileNotFoundError, ValueError):
                continue
            if task == "xnli":
                rows += [
                    ({"premise": p, "hypothesis": h}, y)
                    for p, h, y in zip(ds["premise"], ds["hypothesis"], ds["label"])
                ]
            else:
                rows += list(zip(ds["text"], ds["label"]))
            if len(rows) >= n_per_language:
                break
        rng = np.random.default_rng(seed)
        for i in rng.permutation(len(rows))[:n_per_language]:
            out.examples.append(rows[i][0])
            out.gold.append(rows[i][1])
            out.languages.append(language)
    return out


def split_statements(statements: dict[Any, str]) -> tuple[str, dict[Any, str]]:
    """One example's statements as (shared start, label -> rest), cut at a word boundary.

    ``{'a': '"X" is about sports.', 'b': '"X" is about travel.'}`` ->
    ``('"X" is about', {'a': 'sports.', 'b': 'travel.'})``: the sequence and
    the hypotheses of transformers' zero-shot pipeline for the same words.
    """
    texts = list(statements.values())
    n = 0
    while all(len(t) > n for t in texts) and len({t[n] for t in texts}) == 1:
        n += 1
    n = texts[0].rfind(" ", 0, n + 1)
    n = max(n, 0)
    return texts[0][:n].rstrip(), {k: v[n:].strip() for k, v in statements.items()}


def accuracy_by_language(pred, gold, languages) -> dict[str, float]:
    """Accuracy per language and ``"all"``."""
    pred, gold, languages = (
        np.asarray(a, dtype=object) for a in (pred, gold, languages)
    )
    out = {lang: float((pred[languages == lang] == gold[languages == lang]).mean())
           for lang in dict.fromkeys(languages.tolist())}  # fmt: skip
    out["all"] = float((pred == gold).mean()) if len(gold) else float("nan")
    return out
