"""Few-shot soft prompts across languages: 8 English shots per class, SIB-200 in many languages.

The RoSPrompt setting (Philippy et al., 2025, arXiv 2503.19469) on this
project's statement model: ``--shots`` labelled examples per class from
SIB-200 English *train* (which ones: the seed), then SIB-200 *test* in
``--languages`` (24 by default), every row scored by every
variant:

- majority class;
- cosine: the untuned encoder as a sentence-embedding classifier
  (:class:`~sklearn_statement.EmbeddingZeroShotClassifier`, label
  descriptions in the row's language where registered, e5's ``"query: "``
  prompt), deterministic;
- zero-shot: :class:`~sklearn_statement.ZeroShotStatementClassifier` with the
  English template, and with the templates of ``--label-languages`` averaged
  (the multilingual label statements without any training), deterministic;
- full model: :class:`~sklearn_statement.FewShotStatementClassifier`
  ``method="full"``, the existing few-shot continuation (English template);
- soft prompt, all parts: ``method="prompt"`` with contrastive label
  smoothing, the prompt penalty and ``--label-languages``;
- one ablation per part removed: uniform instead of contrastive smoothing
  (``contrastive=False``), no smoothing at all (``label_smoothing=0``, only
  with ``--variants``), no penalty (``prompt_penalty=0``), English label
  statements only.

Each trained variant runs once per seed (the seed picks the shots, the
prompt's initial tokens, the example order and dropout; every variant of a
seed trains on the same shots). Accuracy is the mean over the seeds of the
per-seed accuracy; the 95% interval is a percentile bootstrap over test rows
of the per-row correctness averaged over seeds
(:func:`sklearn_statement.evaluation.bootstrap_ci`).

Hyper-parameters are chosen on SIB-200 *validation* (``--split validation``,
10 languages of 99 rows), never on the test rows.

Usage (2 CPU cores: run nothing else)::

    python benchmarks/bench_few_shot.py --model DIR [--seeds 0 1 2] [--rows 100]
        [--languages en de ...] [--label-languages en zh ar sw] [--out DIR]

Writes ``bench_few_shot.json`` and ``bench_few_shot.md`` (command, versions,
CPU) under ``--out`` (default ``benchmarks/results``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, environment, print_environment, write_results  # noqa: E402
from _study import SIB_TEST_LANGUAGES, SIB_VALIDATION_LANGUAGES  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NAME = "bench_few_shot"
#: Label-statement languages of the multilingual rows: four scripts, two
#: families of the test languages' regions (all have native SIB-200 templates).
LABEL_LANGUAGES = ("en", "zh", "ar", "sw")

#: The trained variants: name -> FewShotStatementClassifier parameters
#: (``languages="label"`` stands for ``--label-languages``).
VARIANTS: dict[str, dict[str, Any]] = {
    "full model (en labels)": {"method": "full"},
    "soft prompt, all parts": {"languages": "label"},
    "- contrastive smoothing (uniform)": {"languages": "label", "contrastive": False},
    "- label smoothing": {"languages": "label", "label_smoothing": 0.0},
    "- prompt penalty": {"languages": "label", "prompt_penalty": 0.0},
    "- multilingual labels (en only)": {"languages": ("en",)},
}
DEFAULT_VARIANTS = [v for v in VARIANTS if v != "- label smoothing"]


def load_rows(args: argparse.Namespace) -> tuple[Any, Any]:
    """The shots' pool (English train) and the evaluation rows of every language."""
    import datasets

    from datasets_builders import load_task

    train = load_task("sib200", language="en", split="train", data_dir=args.data_dir)
    parts = []
    for lang in args.languages:
        ds = load_task(
            "sib200", language=lang, split=args.split, data_dir=args.data_dir
        )
        order = np.random.default_rng(0).permutation(len(ds))[: args.rows]
        ds = ds.select(sorted(order.tolist()))
        parts.append(ds.add_column("language", [lang] * len(ds)))
    return train, datasets.concatenate_datasets(parts)


def zero_shot_scores(args, test) -> dict[str, np.ndarray]:
    """Predictions of the deterministic rows (cosine, zero-shot), per variant."""
    from sentence_transformers import SentenceTransformer

    from sklearn_statement import (
        EmbeddingZeroShotClassifier,
        ZeroShotStatementClassifier,
        offline_model,
    )
    from template_registry import get_template

    out = {}
    encoder = SentenceTransformer(str(args.encoder or offline_model()), device="cpu")
    languages = np.asarray(test["language"])
    cosine = np.empty(len(test), dtype=object)
    for lang in args.languages:  # label descriptions in the row's language
        rows = np.flatnonzero(languages == lang)
        subset = test.select(rows.tolist())
        clf = EmbeddingZeroShotClassifier(
            encoder, template="sib200", language=lang
        ).fit(subset)
        cosine[rows] = clf.predict(subset)
    out["cosine (untuned encoder)"] = cosine
    for name, langs in (
        ("zero-shot (en labels)", ("en",)),
        ("zero-shot (label languages)", tuple(args.label_languages)),
    ):
        templates = [get_template("sib200", language=lang) for lang in langs]
        clf = ZeroShotStatementClassifier(
            args.model, template=templates, precision=args.precision
        ).fit(test)
        out[name] = clf.predict(test)
    return out


def few_shot_run(args, name: str, train, test, seed: int) -> dict[str, Any]:
    """Fit one variant on the seed's shots and predict every evaluation row."""
    from sklearn_statement import FewShotStatementClassifier

    params = dict(VARIANTS[name])
    if params.get("languages") == "label":
        params["languages"] = tuple(args.label_languages)
    if params.get("method", "prompt") == "prompt":
        for key in ("epochs", "lr", "num_virtual_tokens"):
            if getattr(args, key) is not None:
                params[key] = getattr(args, key)
    clf = FewShotStatementClassifier(
        args.model,
        template="sib200",
        shots=args.shots,
        precision=args.precision,
        random_state=seed,
        **params,
    )
    start = time.perf_counter()
    clf.fit(train, np.asarray(train["label"]))
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    predicted = clf.predict(test)
    return {
        "predicted": predicted,
        "fit_seconds": round(fit_seconds, 1),
        "predict_seconds": round(time.perf_counter() - start, 1),
        "statements_trained": int(
            len(clf.shot_indices_) * len(clf.classes_) * len(clf.templates_)
        ),
        "statements_scored": int(len(test) * len(clf.classes_) * len(clf.templates_)),
        "history": getattr(clf, "history_", None),
        "shots": clf.shot_indices_.tolist(),
    }


def summarize(name: str, correct: np.ndarray, languages: np.ndarray) -> dict:
    """Accuracy (mean over seeds), per-seed sd, bootstrap CI and per-language accuracy."""
    from sklearn_statement.evaluation import bootstrap_ci

    correct = np.atleast_2d(correct).astype(float)  # (seeds, rows)
    per_seed = correct.mean(axis=1)
    low, high = bootstrap_ci(correct.mean(axis=0))
    return {
        "variant": name,
        "accuracy": round(100 * float(per_seed.mean()), 1),
        "sd": round(100 * float(per_seed.std(ddof=1)), 1)
        if len(per_seed) > 1
        else None,
        "ci": [round(100 * low, 1), round(100 * high, 1)],
        "per_seed": [round(100 * float(a), 1) for a in per_seed],
        "per_language": {
            lang: round(100 * float(correct[:, languages == lang].mean()), 1)
            for lang in dict.fromkeys(languages.tolist())
        },
    }


def markdown(rows: list[dict], info: dict, args: argparse.Namespace) -> str:
    """The results table: overall accuracy with CI, then accuracy per language."""
    langs = list(rows[0]["per_language"])
    lines = [
        f"# Few-shot soft prompts on SIB-200 ({args.split}), {args.shots} English "
        f"shots per class, seeds {args.seeds}",
        "",
        f"Model: `{args.model}`; label languages {list(args.label_languages)}; "
        f"{len(langs)} languages x {args.rows} rows. Accuracy (%): mean over seeds "
        "± sd (95% bootstrap CI over rows).",
        "",
        "| variant | accuracy | " + " | ".join(langs) + " |",
        "|---|---|" + "---|" * len(langs),
    ]
    for r in rows:
        sd = f" ± {r['sd']}" if r["sd"] is not None else ""
        head = f"{r['accuracy']}{sd} ({r['ci'][0]}-{r['ci'][1]})"
        cells = [str(r["per_language"][lang]) for lang in langs]
        lines.append(f"| {r['variant']} | {head} | " + " | ".join(cells) + " |")
    lines += ["", f"Command: `{info['command']}`", ""]
    lines += [f"- {k}: {v}" for k, v in info.items() if k != "command"]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, help="a statement-tuned model directory")
    p.add_argument("--encoder", default=None, help="cosine baseline (default: e5)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--languages", nargs="+", default=None)
    p.add_argument("--label-languages", nargs="+", default=list(LABEL_LANGUAGES))
    p.add_argument("--rows", type=int, default=100, help="rows per language")
    p.add_argument("--shots", type=int, default=8)
    p.add_argument("--split", choices=("test", "validation"), default="test")
    p.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=None)
    p.add_argument("--epochs", type=int, default=None, help="prompt rows only")
    p.add_argument("--lr", type=float, default=None, help="prompt rows only")
    p.add_argument("--num-virtual-tokens", type=int, default=None)
    p.add_argument("--precision", default="auto")
    p.add_argument("--data-dir", type=Path, default=DATA)
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    if args.languages is None:
        args.languages = list(
            SIB_TEST_LANGUAGES if args.split == "test" else SIB_VALIDATION_LANGUAGES
        )
    args.variants = args.variants or DEFAULT_VARIANTS
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    info = environment()
    print_environment(info)
    train, test = load_rows(args)
    gold = np.asarray(test["label"])
    languages = np.asarray(test["language"])
    values, counts = np.unique(gold, return_counts=True)
    rows = [summarize("majority class", gold == values[np.argmax(counts)], languages)]
    for name, predicted in zero_shot_scores(args, test).items():
        rows.append(summarize(name, predicted == gold, languages))
        print(f"{name}: {rows[-1]['accuracy']}", flush=True)
    runs: dict[str, list[dict]] = {}
    for name in args.variants:
        for seed in args.seeds:
            run = few_shot_run(args, name, train, test, seed)
            run["correct"] = run.pop("predicted") == gold
            runs.setdefault(name, []).append(run)
            print(
                f"{name}, seed {seed}: {100 * run['correct'].mean():.1f} "
                f"(fit {run['fit_seconds']} s, predict {run['predict_seconds']} s)",
                flush=True,
            )
        correct = np.stack([r["correct"] for r in runs[name]])
        rows.append(summarize(name, correct, languages))
    timings = {
        name: [{k: v for k, v in r.items() if k != "correct"} for r in seed_runs]
        for name, seed_runs in runs.items()
    }
    payload = {"environment": info, "args": vars(args), "rows": rows, "runs": timings}
    write_results(NAME, payload, args.out)
    (Path(args.out) / f"{NAME}.md").write_text(markdown(rows, info, args), "utf-8")
    print(markdown(rows, info, args))


if __name__ == "__main__":
    main()
