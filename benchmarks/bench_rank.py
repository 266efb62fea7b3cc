"""Candidate labels per text (``ZeroShotStatementClassifier.rank``) on real data.

Each test text of AG News (or SIB-200) gets its own candidates: its gold label
plus ``--others`` other labels of the dataset drawn at random (fixed seed), in
a random order. ``rank`` scores every text against its own candidates in one
batched pass; next to it, on the same rows and the same fitted classifier, the
fixed-label classifier scores every text against all of the dataset's labels
(``predict_proba``). Printed and written for both: accuracy (top label ==
gold) with a 95% bootstrap interval, chance level, statements scored and wall
time; and the agreement of rank's top label with the fixed classifier's
probabilities restricted to that text's candidates (the same rule, so it
should be 100% up to float ties).

AG News has 4 labels, so its gold label plus 3 others is every label: there
rank must match the fixed classifier (a check on real data); SIB-200 has 7,
so each text gets 4 of them (``--others 3``) and rank answers an easier
question than the fixed classifier.

Usage::

    python benchmarks/bench_rank.py --model DIR [--dataset agnews|sib200]
        [--language en] [--rows 2000] [--others 3] [--seed 0] [--data-dir DIR]

``--model``: a statement model directory (``sklearn-statement demo`` writes
one to ``statement_demo_output/model``). ``--data-dir``: a folder laid out
like ``shared/data`` (default: ``../shared/data`` beside the repository when
it exists, else the bundled sample). Writes
``benchmarks/results/bench_rank.json`` (``--out DIR``: elsewhere).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, print_environment, write_results  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, help="statement model directory")
    p.add_argument("--dataset", choices=["agnews", "sib200"], default="agnews")
    p.add_argument("--language", default="en", help="SIB-200 language")
    p.add_argument("--rows", type=int, default=2000, help="test texts (at most)")
    p.add_argument("--others", type=int, default=3, help="wrong labels per text")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--device", default="cpu")
    p.add_argument("--precision", default="auto")
    p.add_argument("--out", default=None, help="results folder")
    return p.parse_args(argv)


def load_rows(args) -> tuple[list[str], list[str], str]:
    """``--rows`` test texts drawn with ``--seed``, their gold labels, the data folder."""
    from datasets_builders import load_task, sample_data_dir

    data = args.data_dir or (SHARED if SHARED.is_dir() else sample_data_dir())
    ds = load_task(args.dataset, language=args.language, split="test", data_dir=data)
    rng = np.random.default_rng(args.seed)
    pick = np.sort(rng.permutation(len(ds))[: args.rows])
    ds = ds.select(pick.tolist())
    return list(ds["text"]), list(ds["label"]), str(data)


def candidates(gold: list, labels: list, others: int, seed: int) -> list[list]:
    """Gold plus ``others`` random other labels per text, shuffled (fixed seed)."""
    rng = np.random.default_rng(seed + 1)
    rows = []
    for y in gold:
        wrong = [lab for lab in labels if lab != y]
        drawn = rng.choice(len(wrong), size=min(others, len(wrong)), replace=False)
        row = [y, *(wrong[j] for j in drawn)]
        rows.append([row[j] for j in rng.permutation(len(row))])
    return rows


def accuracy(correct: np.ndarray) -> dict:
    from sklearn_statement.evaluation import bootstrap_ci

    low, high = bootstrap_ci(correct)
    return {"accuracy": float(correct.mean()), "ci_low": low, "ci_high": high}


def main(argv=None) -> dict:
    args = parse_args(argv)
    info = environment()
    print_environment(info)
    from sklearn_statement import ZeroShotStatementClassifier
    from template_registry import get_template

    texts, gold, data = load_rows(args)
    labels = list(get_template(args.dataset, language=args.language).labels)
    rows = candidates(gold, labels, args.others, args.seed)
    start = time.perf_counter()
    clf = ZeroShotStatementClassifier(
        args.model,
        template=args.dataset,
        language=args.language,
        labels=labels,
        batch_size=args.batch_size,
        device=args.device,
        precision=args.precision,
    ).fit()
    fit_s = time.perf_counter() - start
    clf.predict_proba(texts[:2])  # warm-up: first-call costs count for neither

    start = time.perf_counter()
    proba = clf.predict_proba(texts)
    fixed_s = time.perf_counter() - start
    start = time.perf_counter()
    ranked = clf.rank(texts, rows)
    rank_s = time.perf_counter() - start

    gold_arr = np.asarray(gold, dtype=object)
    fixed_top = clf.classes_[proba.argmax(axis=1)].astype(object)
    rank_top = np.asarray([r["labels"][0] for r in ranked], dtype=object)
    column = {lab: j for j, lab in enumerate(clf.classes_.tolist())}
    restricted = np.asarray(
        [
            row[int(np.argmax([proba[i, column[lab]] for lab in row]))]
            for i, row in enumerate(rows)
        ],
        dtype=object,
    )
    n_cand = sum(len(r) for r in rows)
    result = {
        "environment": info,
        "model": args.model,
        "data_dir": data,
        "dataset": args.dataset,
        "language": args.language,
        "n": len(texts),
        "labels": labels,
        "others": args.others,
        "seed": args.seed,
        "fit_s": round(fit_s, 3),
        "fixed": {
            **accuracy(fixed_top == gold_arr),
            "chance": 1 / len(labels),
            "statements": len(texts) * len(labels),
            "wall_s": round(fixed_s, 3),
        },
        "rank": {
            **accuracy(rank_top == gold_arr),
            "chance": float(np.mean([1 / len(r) for r in rows])),
            "statements": n_cand,
            "wall_s": round(rank_s, 3),
        },
        "rank_top_agrees_with_fixed_restricted": float(np.mean(rank_top == restricted)),
    }
    report(result)
    write_results("bench_rank", result, args.out)
    return result


def report(r: dict) -> None:
    print(
        f"\n{r['dataset']} ({r['language']}), {r['n']} test texts, gold + {r['others']} "
        f"random other labels per text (seed {r['seed']}); model load {r['fit_s']} s"
    )
    print(
        f"{'':>28} {'accuracy':>9} {'95% CI':>13} {'chance':>7} {'statements':>11} {'wall s':>8}"
    )
    for name, key in (
        ("fixed labels (all)", "fixed"),
        ("rank (own candidates)", "rank"),
    ):
        m = r[key]
        ci = f"{100 * m['ci_low']:.1f}-{100 * m['ci_high']:.1f}"
        print(
            f"{name:>28} {100 * m['accuracy']:9.1f} {ci:>13} {100 * m['chance']:7.1f} "
            f"{m['statements']:11d} {m['wall_s']:8.2f}"
        )
    agree = 100 * r["rank_top_agrees_with_fixed_restricted"]
    print(f"rank's top == fixed probabilities' best among the candidates: {agree:.1f}%")


if __name__ == "__main__":
    main()
