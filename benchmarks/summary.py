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


def _pct(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}%"


def inference_paths(d: dict) -> list[str]:
    """The results of ``bench_inference.py`` with backends (``paths``)."""
    env, rows = d["environment"], d["paths"]
    best = d["pipeline_best_batch_size"]
    pipe = d["pipeline"][str(best)]
    tuned = (
        "a statement-tuned" if d.get("model_is_tuned") else "an untuned (random-head)"
    )
    out = [
        f"Zero-shot scoring, {d['n_texts']} texts x {d['k']} labels, {tuned} MiniLM-L6 on "
        f"{d.get('device', 'cpu')} ({env['cpu_count']} CPU cores, {env['cpu_model']}, torch {env['torch']}, "
        f"{env['date']}; `{env['command']}`). Accuracy: the {d['n_accuracy']} texts whose gold topic is "
        "a candidate label. Peak: a matmul of the same precision measured in the same run "
        "(int8: ONNX Runtime MatMulInteger).",
        "",
        "| path | statements/s | vs pipeline | argmax agreement with fp32 | accuracy | of peak | export gate |",
        "|---|---|---|---|---|---|---|",
        f"| transformers `ZeroShotClassificationPipeline` (best batch_size={best}) | {pipe['statements_per_s']:.1f} "
        f"| 1.00x | {_pct(d.get('argmax_agreement_with_pipeline'))} | {_pct(d.get('pipeline_accuracy'))} | - | - |",
    ]
    for name, r in rows.items():
        frac = (
            "-"
            if r["fraction_of_peak"] is None
            else f"{100 * r['fraction_of_peak']:.0f}% of {r['peak']}"
        )
        gate = (
            "-"
            if r["gate_passed"] is None
            else ("passed" if r["gate_passed"] else "**failed**")
        )
        out.append(
            f"| {name} | {r['statements_per_s']:.1f} | {r['ratio_to_pipeline']:.2f}x "
            f"| {_pct(r['argmax_agreement_with_fp32'])} | {_pct(r['accuracy'])} | {frac} | {gate} |"
        )
    chosen = d.get("chosen_int8_backend")
    out += [
        "",
        f"Fastest int8 backend that passed its gate: {chosen or 'none'} (target: >= "
        f"{d['target_ratio']:.1f}x the pipeline, >= 99% agreement, accuracy within 0.5 points).",
    ]
    for backend, info in (d.get("exports") or {}).items():
        if "skipped" in info:
            out.append(f"{backend}: not measured ({info['skipped']}).")
            continue
        for name, rec in info["files"].items():
            g = rec["gate"]
            out.append(
                f"Gate of {backend}/{name}: {g['n_decisions']} {g['level']} decisions of "
                f"{', '.join(info['gate_tasks'])}, agreement {_pct(g['agreement'], 2)}, accuracy "
                f"{_pct(g['accuracy'])} vs fp32 {_pct(g['accuracy_fp32'])}: {'passed' if g['passed'] else 'FAILED'}."
            )
    curve = d["curve_k"]
    names = list(curve[0]["paths"])
    out += [
        "",
        f"Cost over the number of labels K ({curve[0]['n_texts']} texts; shortlist: k = {d['shortlist_k']} "
        "labels scored per text; ratio = text x label pairs per second vs the pipeline):",
        "",
        "| K labels | " + " | ".join(str(r["k"]) for r in curve) + " |",
        "|---|" + "---|" * len(curve),
    ]
    for name in names:
        out.append(
            f"| {name} / pipeline | "
            + " | ".join(f"{r['paths'][name]['ratio_to_pipeline']:.2f}x" for r in curve)
            + " |"
        )
    encoders = sorted({s["encoder"] for r in curve for s in r["shortlist"]})
    for enc in encoders:
        cells, recall, cost = [], [], []
        for r in curve:
            s = next((s for s in r["shortlist"] if s["encoder"] == enc), None)
            cells.append("-" if s is None else f"{s['ratio_to_pipeline']:.2f}x")
            recall.append("-" if s is None else _pct(s["recall_at_k"], 0))
            cost.append(
                "-"
                if s is None or s["accuracy_cost"] is None
                else f"{100 * s['accuracy_cost']:+.1f}"
            )
        backend = next(
            s["backend"] for r in curve for s in r["shortlist"] if s["encoder"] == enc
        )
        out += [
            f"| shortlist ({enc}, {backend}) / pipeline | " + " | ".join(cells) + " |",
            f"| shortlist ({enc}): gold label kept | " + " | ".join(recall) + " |",
            f"| shortlist ({enc}): accuracy cost, points | " + " | ".join(cost) + " |",
        ]
    if d.get("shortlist_accuracy"):
        out += [
            "",
            f"Accuracy cost of the shortlist on all {d['n_texts']} texts:",
            "",
            "| K labels | encoder | gold label kept | accuracy full | accuracy shortlist | agreement with full | pairs/s |",
            "|---|---|---|---|---|---|---|",
        ]
        for s in d["shortlist_accuracy"]:
            out.append(
                f"| {s['k_labels']} | {s['encoder']} | {_pct(s['recall_at_k'])} | {_pct(s['accuracy_full'])} "
                f"| {_pct(s['accuracy'])} | {_pct(s['agreement_with_full'])} | {s['pairs_per_s']:.1f} |"
            )
    lengths = d.get("curve_text_length") or []
    if lengths:
        out += [
            "",
            "| texts | "
            + " | ".join(f"{r['texts']} ({r['mean_words']} words)" for r in lengths)
            + " |",
            "|---|" + "---|" * len(lengths),
        ]
        for name in lengths[0]["ratios"]:
            out.append(
                f"| {name} / pipeline | "
                + " | ".join(f"{r['ratios'][name]:.2f}x" for r in lengths)
                + " |"
            )
    prof = d.get("profile", {}).get("fp32")
    if prof:
        shares = ", ".join(
            f"{_LABELS.get(n, n)} {100 * v:.0f}%"
            for n, v in prof["share_of_wall"].items()
            if v >= 0.01
        )
        out += ["", f"Where torch fp32 scoring time goes (torch.profiler): {shares}."]
    return out  # fmt: skip


def inference(d: dict) -> list[str]:
    if "paths" in d:
        return inference_paths(d)
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
    return _training_table(d, env, best, mem) + _training_bf16(d, best, mem)


def _training_bf16(d: dict, best: dict, mem: dict) -> list[str]:
    if "tuner-bf16" not in best:
        return []
    c = d["loss_curve_bf16_vs_fp32"]
    out = [
        "",
        "| bf16 run | statements/s (best of runs) | vs Trainer fp32 | peak RSS (MiB) |",
        "|---|---|---|---|",
        f"| transformers `Trainer(bf16=True)` | {best['trainer-bf16']:.1f} | {d['ratio_trainer_bf16_vs_trainer_fp32']:.2f}x "
        f"| {mem['trainer-bf16']:.0f} |",
        f'| `StatementTuner(precision="bf16")` | {best["tuner-bf16"]:.1f} | {d["ratio_tuner_bf16_vs_trainer_fp32"]:.2f}x '
        f"| {mem['tuner-bf16']:.0f} |",
        "",
        f"bf16 vs fp32 on the same statements and seed: final training loss {c['final_loss_bf16']:.4f} vs "
        f"{c['final_loss_fp32']:.4f} (|diff| {c['final_loss_diff']:.4f}, target <= {c['target_final_loss_diff']}); "
        f"loss curves (moving average over {c['smoothing_window_batches']} batches) differ by at most "
        f"{c['max_smoothed_gap']:.4f}; master weights stay {', '.join(c['parameter_dtypes_bf16'])}.",
    ]
    k = d.get("bf16_kernels")
    if k:
        out.append(
            f"In a profiled bf16 training step {100 * k['bf16_share_of_matmul_time']:.0f}% of the matmul "
            f"time ran in bf16 kernels (oneDNN bf16 supported: {k['mkldnn_bf16_supported']})."
        )
    return out  # fmt: skip


def _training_table(d: dict, env: dict, best: dict, mem: dict) -> list[str]:
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
    for name, render in (
        ("bench_inference_gpu", inference),
        ("bench_training_gpu", training),
    ):
        gpu = _load(name)
        if gpu:
            lines += ["", f"GPU ({gpu['environment'].get('cuda')}):", ""] + render(gpu)
    if not lines:
        sys.exit("no results in benchmarks/results/; run the bench_*.py scripts first")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
