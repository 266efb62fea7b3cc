"""Combine the kept per-row scores of study runs: cross-encoder true-logits plus
weighted cosine similarities of a (tuned) bi-encoder and of the untuned encoder.

Usage::

    python benchmarks/combine_scores.py --cross NAME --bi NAME [--seed 0]

Reads ``/tmp/study_scores/<name>-seed<seed>.pkl`` (written by
``ablation_training.py --suite validation``) and the untuned encoder's cached
cosine similarities; prints each dataset's average accuracy over languages
and the average over all rows for a grid of weights.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _study import accuracies, averages, combine, load_suite  # noqa: E402
from ablation_training import ML_SETS, SCORES, cached_cosine, model_path  # noqa: E402

SETS = (*ML_SETS, "all rows")


def load(name: str, seed: int):
    return pickle.loads((SCORES / f"{name}-seed{seed}.pkl").read_bytes())


def scaled(scores, factor):
    return {k: (c, factor * s) for k, (c, s) in scores.items()}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cross", default=None)
    p.add_argument("--bi", default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--suite", default="validation")
    args = p.parse_args(argv)
    rows = load_suite(args.suite)
    untuned = cached_cosine(rows, model_path("e5"), args.suite)
    parts = {"untuned": untuned}
    if args.cross:
        parts["cross"] = load(args.cross, args.seed)
    if args.bi:
        parts["bi"] = load(args.bi, args.seed)
    print("| combination | " + " | ".join(SETS) + " |")
    print("|---|" + "---|" * len(SETS))

    def show(label, scores):
        m = averages(accuracies(rows, scores))
        print(f"| {label} | " + " | ".join(f"{100 * m[s]:.1f}" for s in SETS) + " |")

    for name, scores in parts.items():
        show(name, scores)
    if args.cross and args.bi:
        for w in (5, 10, 20, 40):
            show(f"cross + {w} x bi", combine(parts["cross"], parts["bi"], w))
        for w in (5, 10, 20):
            for v in (5, 10, 20):
                both = combine(combine(parts["cross"], parts["bi"], w), untuned, v)
                show(f"cross + {w} x bi + {v} x untuned", both)
    if args.bi:
        for v in (0.5, 1.0):
            show(f"bi + {v} x untuned", combine(parts["bi"], untuned, v))
    if args.cross:
        for w in (5, 10, 20):
            show(f"cross + {w} x untuned", combine(parts["cross"], untuned, w))


if __name__ == "__main__":
    main()
