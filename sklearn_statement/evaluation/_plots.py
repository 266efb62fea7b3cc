"""The report's plot: accuracy by language per dataset, with its baselines."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._evaluate import PAPER_REPORTED

__all__ = ["accuracy_plot"]


def accuracy_plot(name: str, rows: Sequence[dict[str, Any]], path: Path) -> None:
    """Draw ``name``'s accuracy by language (95% CI), the majority and random
    baselines and the paper's reported average, labelled as such, to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(rows, key=lambda r: -r["accuracy"])
    langs = [r["language"] for r in rows]
    acc = [100 * r["accuracy"] for r in rows]
    low = [100 * (r["accuracy"] - r.get("ci_low", r["accuracy"])) for r in rows]
    high = [100 * (r.get("ci_high", r["accuracy"]) - r["accuracy"]) for r in rows]
    width = max(6.0, 0.28 * len(rows) + 2)
    fig, ax = plt.subplots(figsize=(width, 4))
    ax.bar(
        range(len(rows)),
        acc,
        yerr=[low, high],
        color="#3b75af",
        capsize=2,
        label="zero-shot accuracy (95% CI)",
    )
    ax.plot(
        range(len(rows)),
        [100 * r["majority"] for r in rows],
        "_",
        color="#dd8452",
        markersize=14,
        markeredgewidth=2.5,
        label="majority baseline",
    )
    ax.axhline(
        100 * rows[0]["random"], color="grey", linestyle=":", label="random guessing"
    )
    if name in PAPER_REPORTED:
        ax.axhline(
            PAPER_REPORTED[name],
            color="#c44e52",
            linestyle="--",
            label=f"reported average {PAPER_REPORTED[name]} (mDeBERTa-v3, arXiv 2506.01592)",
        )
    ax.set_xticks(
        range(len(rows)),
        langs,
        rotation=90 if len(rows) > 20 else 0,
        fontsize=7 if len(rows) > 20 else 9,
    )
    ax.set_ylabel("accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title(
        f"{name}: zero-shot accuracy by language (n={rows[0]['n']} per language or fewer)"
    )
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
