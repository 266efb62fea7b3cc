"""Templates in the evaluation languages vs English only (issue 22, recipe study).

Scores already tuned models on the ``validation`` suite twice: once with each
row's own-language templates (the registry's translations of the topic, NLI,
paraphrase, COPA and Winograd templates in 15 languages, and their label
words; English where a language has none: SIB-200's yo, ta and TweetEval are
English either way) and once with the English templates for every language,
the setting the multilingual Statement-Tuning paper found as good as
translated templates (arXiv 2506.01592, ACL 2025). Nothing is trained; the models are the
demo's (``sklearn-statement demo`` writes them to ``statement_demo_output/``).

Columns: the untuned e5 cosine (with its ``"query: "`` prompt), the tuned
cross-encoder alone, the tuned bi-encoder alone, and the demo's hybrid
(cross + 10 x bi). Accuracy (%) averaged over languages per dataset and over
all (dataset, language) rows. Written to
``benchmarks/results/ablation_template_language.{json,md}``.

Usage::

    python benchmarks/ablation_template_language.py \\
        --cross statement_demo_output/model --bi statement_demo_output/bi_encoder
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, write_results  # noqa: E402
from _study import (  # noqa: E402
    accuracies,
    averages,
    combine,
    cosine_similarities,
    load_suite,
    true_logits,
)
from ablation_training import ML_SETS, model_path  # noqa: E402

SETS = (*ML_SETS, "all rows")
#: The demo's hybrid weight (``recipes.DEMO_RECIPE``).
HYBRID_WEIGHT = 10.0


def score(rows, args, language):
    """Accuracy per row of every scorer with templates in ``language`` (None: each row's)."""
    cosine = cosine_similarities(rows, model_path("e5"), language=language)
    bi = cosine_similarities(rows, args.bi, language=language)
    z = true_logits(
        rows, args.cross, language=language, max_length=256, precision=args.precision
    )
    return {
        "cosine (untuned)": accuracies(rows, cosine),
        "cross": accuracies(rows, z),
        "bi": accuracies(rows, bi),
        f"cross + {HYBRID_WEIGHT:g} x bi": accuracies(
            rows, combine(z, bi, HYBRID_WEIGHT)
        ),
    }


def markdown(d: dict) -> str:
    lines = [
        "# Templates in the evaluation languages vs English only (validation suite)",
        "",
        f"`{d['environment']['command']}`; {d['environment'].get('date', '')}.",
        f"Cross-encoder `{d['cross']}`, bi-encoder `{d['bi']}`. Accuracy (%), mean over languages.",
        "",
        "| scorer | templates | " + " | ".join(SETS) + " |",
        "|---|---|" + "---|" * len(SETS),
    ]
    for scorer in d["native"]:
        for setting in ("native", "en"):
            m = d[setting][scorer]["means"]
            lines.append(
                f"| {scorer} | {'each row’s language' if setting == 'native' else 'English'} | "
                + " | ".join(f"{100 * m[s]:.1f}" for s in SETS)
                + " |"
            )
    return "\n".join(lines) + "\n"


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--cross", required=True, help="a statement-tuned cross-encoder directory"
    )
    p.add_argument("--bi", required=True, help="a statement-tuned bi-encoder directory")
    p.add_argument("--precision", default="auto")
    p.add_argument("--out-dir", default=None)
    args = p.parse_args(argv)
    env = environment()
    rows = load_suite("validation")
    out = {"environment": env, "cross": args.cross, "bi": args.bi}
    for setting, language in (("native", None), ("en", "en")):
        per_row = score(rows, args, language)
        out[setting] = {
            name: {"rows": acc, "means": averages(acc)} for name, acc in per_row.items()
        }
        for name, v in out[setting].items():
            print(
                f"  {setting:<6} {name:<18} all rows {100 * v['means']['all rows']:.1f}",
                flush=True,
            )
    path = write_results("ablation_template_language", out, args.out_dir)
    md = markdown(out)
    path.with_suffix(".md").write_text(md, encoding="utf-8")
    print("\n" + md)
    return out


if __name__ == "__main__":
    main()
