"""Print the latest benchmark figures (``benchmarks/results/*.json``) as markdown.

Usage::

    python benchmarks/summary.py

Every figure it prints comes from those files; the README's performance
section picks from this output (its MiniLM part is the output verbatim), and
the studies with their own ``.md`` (``int8_sensitivity_*``,
``bench_many_labels_clean_pool``, ``bench_few_shot*``) are cited there
directly. Two sections: multilingual-e5-small (``bench_inference``,
``bench_training``, ``bench_many_labels``, ``bench_rank``), then the older
MiniLM-L6 runs (``*_minilm.json``, and ``*_gpu.json`` where present). Where a
benchmark script renders its own ``.md`` from its json (``markdown(d)``), that
function is called here, then the rest of the json is added below it. A
missing file skips its part; a file this script cannot read raises
:class:`ResultsFormatError` naming the file and the missing key.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the benchmark scripts' markdown renderers
RESULTS = HERE / "results"


# Older results files name the copy/cast group after bf16 only.
_LABELS = {"dtype casts (bf16 autocast)": "copies and dtype casts"}


class ResultsFormatError(ValueError):
    """A results file that the renderers here cannot read (unknown format)."""


def _load(name: str, results: Path | None = None) -> dict | None:
    path = (results or RESULTS) / f"{name}.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ResultsFormatError(f"{path}: not valid JSON ({e})") from e


def _pct(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}%"


def _gate_lines(d: dict) -> list[str]:
    """One line per exported file: its accuracy gate (``exports`` of bench_inference)."""
    out = []
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
    return out


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
    out += _gate_lines(d)
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
    """Any format of ``bench_inference*.json``: multilingual (e5), backends, or the first one."""
    if d.get("workload") == "multilingual":
        return inference_multilingual(d)
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
    """Any format of ``bench_training*.json``: rows with loss gaps (e5), or the first one."""
    if "ratio_to_trainer" in d:
        return training_rows(d)
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


# --- multilingual-e5-small results (the benchmark scripts' own .md, then the rest of the json)


def _script_md(md: str) -> list[str]:
    """A benchmark script's ``.md`` text as lines, its ``# `` title one level under the section."""
    lines = md.rstrip("\n").split("\n")
    if lines and lines[0].startswith("# "):
        lines[0] = "#### " + lines[0][2:]
    return lines


def _gap(x: float) -> str:
    """A loss gap: 4 decimals, or 2 significant digits below 0.0001 (not a bare 0.0000)."""
    return f"{x:.4f}" if x >= 1e-4 else f"{x:.1e}"


def _by_language(acc: dict, languages: list[str]) -> str:
    """``64.0% (71.7 / 68.3 / ...)``: the accuracy over all languages, then each one."""
    each = " / ".join(
        "-" if acc.get(lang) is None else f"{100 * acc[lang]:.1f}" for lang in languages
    )
    return f"{_pct(acc['all'])} ({each})"


def inference_multilingual(d: dict) -> list[str]:
    """``bench_inference.json`` of the multilingual workload (``_inference_multilingual.py``)."""
    from _inference_multilingual import markdown

    tuned = (
        "statement-tuned here"
        if d.get("tuned_here")
        else f"statement-tuned: {d['model']}"
    )
    tasks = ", ".join(
        f"{t} ({v['n']}, {v['per_language']} per language)"
        for t, v in d["tasks"].items()
    )
    out = _script_md(markdown(d)) + [
        "",
        f"Workload: {d['decisions']} decisions = {d['n_statements']} statements of {tasks} in "
        f"{', '.join(d['languages'])}; {d['model_name']} = {d['base_model']} ({tuned}); transformers' "
        f"`ZeroShotClassificationPipeline` on the same model and words, batch sizes tried: "
        f"{', '.join(d['pipeline'])}.",
    ]  # fmt: skip
    return (
        out
        + _multilingual_accuracy(d)
        + [""]
        + _gate_lines(d)
        + _multilingual_verdict(d)
    )


def _multilingual_accuracy(d: dict) -> list[str]:
    langs, tasks = d["languages"], list(d["tasks"])
    out = [
        "",
        f"Accuracy by task, all languages ({' / '.join(langs)}):",
        "",
        "| path | " + " | ".join(tasks) + " | mean vs torch fp32, points |",
        "|---|" + "---|" * (len(tasks) + 1),
        "| pipeline | " + " | ".join(_by_language(d["pipeline_accuracy"][t], langs) for t in tasks) + " | - |",
    ]  # fmt: skip
    for name, r in d["paths"].items():
        out.append(f"| {name} | " + " | ".join(_by_language(r["accuracy"][t], langs) for t in tasks)
                   + f" | {r['accuracy_diff_points_vs_fp32']:+.2f} |")  # fmt: skip
    return out


def _multilingual_verdict(d: dict) -> list[str]:
    ratio, agree, points = (
        d["target_ratio"],
        d["target_agreement"],
        d["target_accuracy_points"],
    )
    met = [name for name, r in d["paths"].items() if r["meets_targets"]]
    missed = []
    for name, r in d["paths"].items():
        why = (
            [f"{r['ratio_to_pipeline']:.2f}x"] if r["ratio_to_pipeline"] < ratio else []
        )
        if r["argmax_agreement_with_fp32"] < agree:
            why.append(f"agreement {_pct(r['argmax_agreement_with_fp32'])}")
        if abs(r["accuracy_diff_points_vs_fp32"]) > points:
            why.append(f"accuracy {r['accuracy_diff_points_vs_fp32']:+.2f} points")
        if r["gate_passed"] is False:
            why.append("refused by its export gate")
        if why and name not in met:
            missed.append(f"{name} ({', '.join(why)})")
    return [
        "",
        f"Paths that meet every target (>= {ratio:.1f}x the pipeline, >= {100 * agree:.0f}% argmax agreement "
        f"with fp32, accuracy within {points} points of fp32): {', '.join(met) or 'none'}. "
        f"Missed: {'; '.join(missed) or 'none'}.",
    ]  # fmt: skip


def int8_vs_older(d: dict, older: dict, older_name: str) -> list[str]:
    """The int8 paths' agreement with fp32 here and in an older run (``paths`` of both)."""
    both = [
        n for n in d.get("paths", {}) if "int8" in n and n in older.get("paths", {})
    ]
    if not both:
        return []
    pairs = ", ".join(
        f"{n} {_pct(d['paths'][n]['argmax_agreement_with_fp32'])} vs "
        f"{_pct(older['paths'][n]['argmax_agreement_with_fp32'])}"
        for n in both
    )
    return [
        "",
        f"int8 argmax agreement with fp32, here vs `{older_name}.json`: {pairs}.",
    ]


def training_rows(d: dict) -> list[str]:
    """``bench_training.json`` with one row per setting and loss gaps (``bench_training.py``)."""
    from bench_training import markdown

    runs, mem = d["runs"], d["peak_rss_mib"]
    out = _script_md(markdown(d)) + [
        "",
        f"Statements: {d['statements']} ({d['n_per_task']} per task of {', '.join(d['tasks'])}, with example "
        f"ids), {d['epochs']} epoch(s) = {d['steps']} steps; each row in its own process (its own peak RSS). "
        f"Model: {d['model']}.",
    ]  # fmt: skip
    if any(len(v) > 1 for v in runs.values()):
        out.append("statements/s of each run: " + "; ".join(
            f"{n} " + ", ".join(f"{r['statements_per_s']:.1f}" for r in v) for n, v in runs.items()) + ".")  # fmt: skip
    best = d.get("best_tuner_row")
    if best and "trainer" in mem:
        r, target = d["best_tuner_ratio"], d["target_ratio"]
        out += ["", f"Fastest tuner row: `{best}`, {r:.2f}x the Trainer's statements/s (target >= {target:.1f}x: "
                f"{'met' if r >= target else 'missed'}), peak RSS {mem[best]:.0f} vs {mem['trainer']:.0f} MiB "
                f"({100 * (1 - mem[best] / mem['trainer']):.0f}% less)."]  # fmt: skip
    return out + _training_settings(d) + _loss_gaps(d)


def _training_settings(d: dict) -> list[str]:
    runs, out = d["runs"], []
    if "tuner" in runs and "tuner-frozen" in runs:
        full = runs["tuner"][0]["trainable_parameters"]
        kept = runs["tuner-frozen"][0]["trainable_parameters"]
        out.append(f"`freeze_embeddings=True` leaves {kept:,} of {full:,} parameters trainable ({(full - kept) / 1e6:.1f}M "
                   f"frozen); alone it gives {d['ratio_to_trainer']['tuner-frozen']:.2f}x the Trainer.")  # fmt: skip
    dtypes = d.get("autocast_dtype") or {}
    if dtypes:
        native = (d.get("cpu") or d["environment"].get("cpu", {})).get("native_bf16")
        out.append("Autocast dtype per row: " + ", ".join(f"{n} {t or 'none (fp32)'}" for n, t in dtypes.items())
                   + f" (native bf16 on this CPU: {native}).")  # fmt: skip
    k = d.get("bf16_kernels")
    if k:
        out.append(f"In a profiled bf16 training step {100 * k['bf16_share_of_matmul_time']:.0f}% of the matmul "
                   f"time ran in bf16 kernels (oneDNN bf16 supported: {k['mkldnn_bf16_supported']}).")  # fmt: skip
    return [""] + out if out else []


def _loss_gaps(d: dict) -> list[str]:
    gaps = d.get("loss_gaps") or {}
    if not gaps:
        return []
    first = next(iter(gaps.values()))
    steps = [c["step"] for c in first["checkpoints"]]
    ref = ", ".join(f"{c['loss_reference']:.4f}{' (falling)' if c['reference_falling'] else ''}"
                    for c in first["checkpoints"])  # fmt: skip
    out = [
        "",
        f"Loss gap to the `tuner` fp32 curve (same batches, moving average over {first['smoothing_window_steps']} "
        f"steps) at steps {', '.join(map(str, steps))}; the `tuner` fp32 loss there: {ref}.",
        "",
        "| row | " + " | ".join(f"step {s}" for s in steps) + " | max gap | mean gap | within target at falling point |",
        "|---|" + "---|" * (len(steps) + 3),
    ]  # fmt: skip
    for name, g in gaps.items():
        at = {c["step"]: c["gap"] for c in g["checkpoints"]}
        cells = ["-" if s not in at else _gap(at[s]) for s in steps]
        ok = f"{'yes' if g['within_target'] else 'no'} (<= {g['target_gap']})"
        out.append(f"| {name} | " + " | ".join(cells)
                   + f" | {_gap(g['max_smoothed_gap'])} | {_gap(g['mean_smoothed_gap'])} | {ok} |")  # fmt: skip
    return out


def many_labels(d: dict) -> list[str]:
    """``bench_many_labels.json`` (``bench_many_labels.py``)."""
    from bench_many_labels import markdown

    langs = d["languages"]
    out = _script_md(markdown(d)) + [
        "",
        f"Labels: the first K of a pool of {len(d['pool'])} label names (the gold topics first), one "
        f"statement pattern `{d['statement']}`; the shortlist scores {d['shortlist_k']} labels per text. Models: "
        f"statement model {d['model']}, e5 {d['e5']}, bi-encoder {d.get('bi_encoder') or '-'}.",
        "",
        f"| method | K | agreement with full | gold label kept by the shortlist | accuracy ({' / '.join(langs)}) "
        "| targets |",
        "|---|---|---|---|---|---|",
    ]  # fmt: skip
    for name, rows in d["methods"].items():
        for r in rows:
            out.append(f"| {name} | {r['k']} | {_pct(r['agreement_with_full'])} | {_pct(r.get('recall_at_k'))} "
                       f"| {_by_language(r['accuracy_by_language'], langs)} "
                       f"| {'met' if r['meets_targets'] else '**missed**'} |")  # fmt: skip
    full = [r for r in d["methods"].get("full", []) if r["cost_ratio_to_k8"] != 1.0]
    if full:
        costs = " and ".join(
            f"{r['cost_ratio_to_k8']:.1f}x at K = {r['k']}" for r in full
        )
        out += ["", f"Scoring every label costs {costs} what it costs at K = {d['ks'][0]} (target <= "
                f"{d['target_cost_ratio']:.0f}x, accuracy within {d['target_accuracy_points']:.0f} point of it)."]  # fmt: skip
    return out


def rank(d: dict) -> list[str]:
    """``bench_rank.json``: each text against its own candidate labels (``bench_rank.py``)."""
    env, cpu = d["environment"], d["environment"].get("cpu", {})
    out = [
        f"#### bench_rank: {d['dataset']} ({d['language']}), {d['n']} test texts, gold + {d['others']} random "
        f"other labels per text (seed {d['seed']})",
        "",
        f"`{env['command']}` on {cpu.get('model', env.get('cpu_model'))}, {cpu.get('cores', env.get('cpu_count'))} "
        f"cores; torch {env.get('torch')}; {env.get('date')}. Model: {d['model']} (loaded in {d['fit_s']} s); "
        f"data: {d['data_dir']}.",
        "",
        "| scoring | accuracy | 95% CI | chance | statements | wall s |",
        "|---|---|---|---|---|---|",
    ]  # fmt: skip
    for name, key in (
        (f"fixed labels (all {len(d['labels'])})", "fixed"),
        ("`rank` (own candidates)", "rank"),
    ):
        m = d[key]
        out.append(f"| {name} | {_pct(m['accuracy'])} | {100 * m['ci_low']:.1f}-{100 * m['ci_high']:.1f}% "
                   f"| {_pct(m['chance'])} | {m['statements']} | {m['wall_s']:.2f} |")  # fmt: skip
    agree = _pct(d["rank_top_agrees_with_fixed_restricted"])
    return out + [
        "",
        f"`rank`'s top label == the fixed classifier's best among the text's candidates: {agree}.",
    ]


# --- sections


#: (title when no results file names its model, results files in order, the renderer of each).
SECTIONS = (
    ("e5", (("bench_inference", inference), ("bench_training", training),
            ("bench_many_labels", many_labels), ("bench_rank", rank))),
    ("MiniLM-L6", (("bench_inference_minilm", inference), ("bench_training_minilm", training),
                   ("bench_inference_minilm_gpu", inference), ("bench_training_minilm_gpu", training))),
)  # fmt: skip
#: GPU files without a model in their name: the section of the model in their json.
UNTAGGED_GPU = (("bench_inference_gpu", inference), ("bench_training_gpu", training))


def _render(name: str, d: dict, render, results: Path) -> list[str]:
    try:
        lines = render(d)
    except KeyError as e:
        raise ResultsFormatError(
            f"{results / name}.json: unknown format, missing key {e.args[0]!r} "
            f"(read by {render.__name__} in benchmarks/summary.py)"
        ) from e
    except (TypeError, ValueError, IndexError, AttributeError) as e:
        raise ResultsFormatError(
            f"{results / name}.json: unknown format, unexpected value ({type(e).__name__}: {e}; "
            f"read by {render.__name__} in benchmarks/summary.py)"
        ) from e
    env = d.get("environment") or {}
    if name.endswith("_gpu"):
        lines = [f"GPU ({env.get('cuda')}):", ""] + lines
    return lines


def _title(default: str, loaded: list[tuple[str, dict]]) -> str:
    model = next((d.get("base_model") or d.get("e5") or d.get("model") for _, d in loaded
                  if d.get("model_name") or d.get("e5")), None)  # fmt: skip
    dates = sorted(
        {str((d.get("environment") or {}).get("date", ""))[:10] for _, d in loaded}
        - {""}
    )
    cpus = sorted(
        {(d.get("environment") or {}).get("cpu_model") or "" for _, d in loaded} - {""}
    )
    return f"### {Path(model).name if model else default} ({', '.join(dates + cpus)})"


def _int8_vs_minilm(d: dict, minilm: list) -> list[str]:
    older = next((o for n, o, _ in minilm if n == "bench_inference_minilm"), None)
    lines = int8_vs_older(d, older, "bench_inference_minilm") if older else []
    return lines[1:] + [""] if lines else []


def render_all(results: Path | None = None) -> str:
    """The performance section: every results file present under ``results``, as markdown."""
    results = results or RESULTS
    found = {title: [] for title, _ in SECTIONS}
    for title, files in SECTIONS:
        for name, render in files:
            d = _load(name, results)
            if d is not None:
                found[title].append((name, d, render))
    for name, render in UNTAGGED_GPU:
        d = _load(name, results)
        if d is not None:
            is_e5 = d.get("model_name") == "e5" or d.get("workload") == "multilingual"
            found[SECTIONS[0 if is_e5 else 1][0]].append((name, d, render))
    where = "benchmarks/results" if results == RESULTS else str(results)
    lines: list[str] = []
    for title, _ in SECTIONS:
        if not found[title]:
            continue
        lines += [_title(title, [(n, d) for n, d, _ in found[title]]), "",
                  "From " + ", ".join(f"`{where}/{n}.json`" for n, _, _ in found[title]) + ":", ""]  # fmt: skip
        for name, d, render in found[title]:
            lines += _render(name, d, render, results) + [""]
            if name == "bench_inference":
                lines += _int8_vs_minilm(d, found[SECTIONS[1][0]])
    return "\n".join(lines).rstrip("\n") + "\n" if lines else ""


def main(results: Path | None = None) -> None:
    text = render_all(results)
    if not text:
        sys.exit("no results in benchmarks/results/; run the bench_*.py scripts first")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
