"""Weight-space ensembles of a statement-tuned bi-encoder and its untuned encoder (issue 22).

WiSE-FT (Wortsman et al., 2022, "Robust fine-tuning of zero-shot models",
CVPR): after fine-tuning, interpolate every weight between the
zero-shot model and the tuned one, ``theta = (1 - alpha) * theta_0 + alpha *
theta_tuned``. On distribution shift the interpolation often beats both ends:
it keeps the pretrained prior that the tuning forgets (here: the emotion,
COPA and Winograd rows the bi-encoder loses on) and most of the tuning's gain
(SIB-200 topics). No training: each ``alpha`` is a new set of weights scored on
the ``validation`` suite (recipes are chosen there; test rows are not read).

For each tuned bi-encoder directory (one per training seed) and each
``alpha``: the bi-encoder alone, and, with ``--cross NAME`` (the kept
true-logits of a cross-encoder run of ``ablation_training.py``, same seed),
the hybrid cross + ``w`` x bi-encoder cosine. Written to
``benchmarks/results/ablation_wise.{json,md}``.

Usage::

    python benchmarks/ablation_wise.py --bi DIR_SEED0 DIR_SEED1 DIR_SEED2 \\
        --seeds 0 1 2 --cross cross-demo-lr1e-4-frozen-emb --alphas 0 0.25 0.5 0.75 1
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, write_results  # noqa: E402
from _study import accuracies, averages, combine, cosine_similarities, load_suite  # noqa: E402
from ablation_training import ML_SETS, SCORES, model_path  # noqa: E402

SETS = (*ML_SETS, "all rows")


def interpolated(base, tuned, alpha: float):
    """A copy of ``tuned`` whose every floating-point weight is (1 - alpha) base + alpha tuned."""
    import copy

    import torch

    out = copy.deepcopy(tuned)
    base_state = base.state_dict()
    state = out.state_dict()
    with torch.no_grad():
        for name, value in state.items():
            if value.is_floating_point():
                value.copy_((1.0 - alpha) * base_state[name] + alpha * value)
    return out


def write(env: dict, args, runs: dict, quiet: bool = False) -> dict:
    """Write the json and md of ``runs`` (scorer -> seed -> rows and means) so far."""
    out = {"environment": env, "bi": args.bi, "seeds": args.seeds, "cross": args.cross}
    out["runs"] = runs
    lines = [
        "# WiSE-FT: the bi-encoder's weights interpolated toward the untuned e5 (validation suite)",
        "",
        f"`{env['command']}`; {env['date']}. alpha = 0 is the untuned e5 (with its prompt), "
        "alpha = 1 the tuned bi-encoder. Accuracy (%), mean over languages; mean ± population sd "
        "over the seeds scored.",
        "",
        "| scorer | seeds | " + " | ".join(SETS) + " |",
        "|---|---|" + "---|" * len(SETS),
    ]
    for name, by_seed in runs.items():
        cells = []
        for s in SETS:
            v = 100 * np.array([r["means"][s] for r in by_seed.values()])
            cells.append(
                f"{v.mean():.1f}" + (f" ± {v.std():.1f}" if len(v) > 1 else "")
            )
        lines.append(f"| {name} | {len(by_seed)} | " + " | ".join(cells) + " |")
    md = "\n".join(lines) + "\n"
    path = write_results("ablation_wise", out, args.out_dir)
    path.with_suffix(".md").write_text(md, encoding="utf-8")
    if not quiet:
        print("\n" + md)
    return out


def main(argv=None) -> dict:
    from sentence_transformers import SentenceTransformer

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--bi", nargs="+", required=True, help="tuned bi-encoder directories"
    )
    p.add_argument(
        "--seeds", nargs="+", type=int, required=True, help="their training seeds"
    )
    p.add_argument("--cross", default=None, help="kept cross-encoder scores (run name)")
    p.add_argument("--weights", nargs="+", type=float, default=[10.0])
    p.add_argument(
        "--alphas", nargs="+", type=float, default=[0.0, 0.25, 0.5, 0.75, 1.0]
    )
    p.add_argument("--out-dir", default=None)
    args = p.parse_args(argv)
    if len(args.bi) != len(args.seeds):
        p.error("give one --seeds value per --bi directory")
    env = environment()
    rows = load_suite("validation")
    base = SentenceTransformer(model_path("e5"), device="cpu")
    runs: dict = {}
    for directory, seed in zip(args.bi, args.seeds):
        tuned = SentenceTransformer(directory, device="cpu")
        z = None
        if args.cross:
            z = pickle.loads((SCORES / f"{args.cross}-seed{seed}.pkl").read_bytes())
        for alpha in args.alphas:
            sims = cosine_similarities(rows, interpolated(base, tuned, alpha))
            scorers = {f"bi alpha={alpha:g}": accuracies(rows, sims)}
            for w in args.weights if z is not None else ():
                scorers[f"cross + {w:g} x bi alpha={alpha:g}"] = accuracies(
                    rows, combine(z, sims, w)
                )
            for name, acc in scorers.items():
                runs.setdefault(name, {})[seed] = {"rows": acc, "means": averages(acc)}
                print(
                    f"  seed {seed} {name:<30} all rows {100 * averages(acc)['all rows']:.1f}",
                    flush=True,
                )
            write(env, args, runs, quiet=True)  # a partial run keeps what it measured
    return write(env, args, runs)


if __name__ == "__main__":
    main()
