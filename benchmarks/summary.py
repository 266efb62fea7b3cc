"""Print the latest benchmark figures (``benchmarks/results/*.json``) as markdown.

Usage::

    python benchmarks/summary.py

The README's performance section is this script's output; nothing in it is
typed in by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


# Older results files name the copy/cast group after bf16 only.
_LABELS = {"dtype casts (bf16 autocast)": "copies and dtype casts"}


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def inference(d: dict) -> list[str]:
    env = d["environment"]
    ours, pipe = d["ours"], d["pipeline"][str(d["pipeline_best_batch_size"])]
    g = d["gflops"]
    out = [
        f"Zero-shot scoring, {d['n_texts']} texts x {d['k']} labels, MiniLM-L6 "
        f"({env['cpu_count']} CPU cores, {env['cpu_model']}, torch {env['torch']}, {env['date']}; "
        f"`{env['command']}`):",
        "",
        "| path | statements/s | vs pipeline |",
        "|---|---|---|",
        f"| transformers `ZeroShotClassificationPipeline` (best batch_size={d['pipeline_best_batch_size']}) "
        f"| {pipe['statements_per_s']:.1f} | 1.00x |",
        f"| `ZeroShotStatementClassifier`, fp32 | {ours['fp32']['statements_per_s']:.1f} | {d['ratio_fp32']:.2f}x |",
        f"| `ZeroShotStatementClassifier`, `precision=\"bf16\"` | {ours['bf16']['statements_per_s']:.1f} "
        f"| {d['ratio_bf16']:.2f}x |",
        "",
        f"bf16 argmax agreement with fp32: {100 * d['bf16_argmax_agreement_with_fp32']:.1f}%. "
        f"Fast path vs a one-statement-at-a-time loop: same predictions, max true-logit difference "
        f"{d['loop_check']['max_abs_true_logit_diff']:.1e}. Useful GFLOP/s: fp32 {g['achieved_fp32']:.0f} "
        f"of a {g['matmul_peak_fp32']:.0f} GFLOP/s matmul peak measured in the same run "
        f"({100 * g['fraction_of_peak_fp32']:.0f}%), bf16 {g['achieved_bf16']:.0f} of "
        f"{g['matmul_peak_bf16']:.0f} ({100 * g['fraction_of_peak_bf16']:.0f}%).",
        "",
        "| K labels | " + " | ".join(str(r["k"]) for r in d["curve_k"]) + " |",
        "|---|" + "---|" * len(d["curve_k"]),
        "| fp32 / pipeline | " + " | ".join(f"{r['ratio_fp32']:.2f}x" for r in d["curve_k"]) + " |",
        "| bf16 / pipeline | " + " | ".join(f"{r['ratio_bf16']:.2f}x" for r in d["curve_k"]) + " |",
        "",
        "| texts | " + " | ".join(f"{r['texts']} ({r['mean_words']} words)" for r in d["curve_text_length"]) + " |",
        "|---|" + "---|" * len(d["curve_text_length"]),
        "| fp32 / pipeline | " + " | ".join(f"{r['ratio_fp32']:.2f}x" for r in d["curve_text_length"]) + " |",
        "| bf16 / pipeline | " + " | ".join(f"{r['ratio_bf16']:.2f}x" for r in d["curve_text_length"]) + " |",
    ]  # fmt: skip
    prof = d.get("profile", {}).get("fp32")
    if prof:
        shares = ", ".join(
            f"{_LABELS.get(name, name)} {100 * share:.0f}%"
            for name, share in prof["share_of_wall"].items()
            if share >= 0.01
        )
        out += ["", f"Where fp32 scoring time goes (torch.profiler): {shares}."]
    return out


def training(d: dict) -> list[str]:
    env = d["environment"]
    best, mem = d["best_statements_per_s"], d["peak_rss_mib"]
    return [
        f"Training, {d['runs']['tuner'][0]['statements']} statements x {d['epochs']} epoch(s), batch {d['batch_size']}, "
        f"MiniLM-L6 ({env['cpu_count']} CPU cores, {env['date']}; `{env['command']}`):",
        "",
        "| run | statements/s (best of runs) | peak RSS (MiB) | trainable parameters |",
        "|---|---|---|---|",
        f"| transformers `Trainer` | {best['trainer']:.1f} | {mem['trainer']:.0f} "
        f"| {d['runs']['trainer'][0]['trainable_parameters']:,} |",
        f"| `StatementTuner` | {best['tuner']:.1f} | {mem['tuner']:.0f} "
        f"| {d['runs']['tuner'][0]['trainable_parameters']:,} |",
        f"| `StatementTuner(peft=\"lora\")` | {best['tuner-lora']:.1f} | {mem['tuner-lora']:.0f} "
        f"| {d['runs']['tuner-lora'][0]['trainable_parameters']:,} |",
        "",
        f"StatementTuner / Trainer throughput: {d['ratio_tuner_vs_trainer']:.2f}x, best run against best "
        f"run (target >= 1.0); runs alternate trainer/tuner: tuner "
        + ", ".join(f"{r['statements_per_s']:.1f}" for r in d["runs"]["tuner"])
        + ", Trainer "
        + ", ".join(f"{r['statements_per_s']:.1f}" for r in d["runs"]["trainer"])
        + " statements/s.",
    ]  # fmt: skip


def main() -> None:
    lines: list[str] = []
    inf, tr = _load("bench_inference"), _load("bench_training")
    if inf:
        lines += inference(inf) + [""]
    if tr:
        lines += training(tr)
    if not lines:
        sys.exit("no results in benchmarks/results/; run the bench_*.py scripts first")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
