"""Model cards (README.md) written next to saved statement models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._layout import MODEL_CARD

__all__ = ["write_model_card"]


def _table(rows: list[tuple[str, Any]]) -> str:
    lines = ["| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines)


def write_model_card(path: Path, info: dict[str, Any], *, adapter: bool) -> Path:
    """Write ``README.md``: base model, training data, hyper-parameters, scores.

    Parameters
    ----------
    path : pathlib.Path
        The saved model directory.
    info : dict
        The content of ``statement_tuner.json``.
    adapter : bool
        Whether the directory holds a peft adapter (needs peft to load).

    Returns
    -------
    pathlib.Path
        The card's path.
    """
    params = info.get("params", {})
    stats = info.get("training_stats") or {}
    load = (
        "from peft import AutoPeftModelForSequenceClassification\n"
        f"model = AutoPeftModelForSequenceClassification.from_pretrained({str(path)!r})"
        if adapter
        else "from transformers import AutoModelForSequenceClassification\n"
        f"model = AutoModelForSequenceClassification.from_pretrained({str(path)!r})"
    )
    history = info.get("history") or []
    losses = ", ".join(f"{h.get('train_loss', float('nan')):.4f}" for h in history)
    scores = info.get("scores") or {}
    text = f"""---
library_name: {"peft" if adapter else "transformers"}
tags: [statement-tuning, zero-shot-classification, sklearn-statement]
base_model: {info.get("base_model")}
---

# Statement model (sklearn-statement)

An encoder fine-tuned to judge natural-language statements true or false
(Statement-Tuning, arXiv 2404.12897; multilingual: arXiv 2506.01592). Label 1
(`true`) of the 2-way head is the probability that the statement is true. Use it
zero-shot with `sklearn_statement.ZeroShotStatementClassifier(model=<this directory>,
template=...)`.

## Base model
`{info.get("base_model")}`{" (LoRA/soft-prompt adapter: this directory holds only the adapter)" if adapter else ""}

## Training data
{_table([("statements", stats.get("n_statements", "unknown")), ("true statements", stats.get("n_true", "unknown")), ("task families", ", ".join(info.get("trained_families") or []) or "unknown"), ("epochs trained", info.get("epochs_trained", 0))])}

Training loss per epoch: {losses or "n/a"}

## Hyper-parameters
{_table(sorted(params.items()))}

## Measured scores
{_table(sorted(scores.items())) if scores else "None recorded at save time."}

## Loading
```python
{load}
```
Weights are safetensors; loading runs no code from this directory.
"""
    card = path / MODEL_CARD
    card.write_text(text, encoding="utf-8")
    return card
