"""``bench_inference.py --model e5``: scoring a statement-tuned multilingual encoder (issue 24, part 2).

Workload: SIB-200 (7 labels) and XNLI (3 labels) examples in several
languages (``_multilingual.load_workload``), English registry templates; one
argmax decision per example. transformers' ``ZeroShotClassificationPipeline``
gets the same model (label 1 = "entailment") and the same words: each
example's statements are split into the shared start (the pipeline's
sequence) and each label's rest (its hypothesis, with
``hypothesis_template="{}"``); SIB-200 examples share their hypotheses and go
through the pipeline in one call, XNLI examples have their own (the
hypothesis is part of them) and need a call each.

Paths: torch fp32, torch bf16 autocast (only where the CPU has native bf16,
unless ``--bf16 always``), and for each installed export backend (ONNX
Runtime, OpenVINO) its fp32 and int8 files, made and gated here by
``export_statement_model`` (``on_fail="warn"``: a failing file is still
measured, its gate recorded). Per path: statements/s, ratio to the pipeline,
argmax agreement with torch fp32, accuracy per task and language, and the
useful FLOP/s against the matmul peak of its precision measured in the same run.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from _common import (
    base_model_path,
    environment,
    model_tag,
    print_environment,
    write_results,
)
from _multilingual import (
    LANGUAGES,
    accuracy_by_language,
    load_workload,
    split_statements,
)

TASKS = ("sib200", "xnli")
RATIO_TARGET = 3.0
AGREEMENT_TARGET = 0.99
ACCURACY_TARGET_POINTS = 0.5


def quick_tune(base: str, workdir: Path, n_per_task: int) -> str:
    """A statement-tuned model made here (the demo's settings, fewer statements)."""
    from datasets_builders import build_multitask, sample_data_dir
    from sklearn_statement import StatementTuner

    table = build_multitask(
        ["sst2", "agnews"],
        n_per_task=n_per_task,
        data_dir=sample_data_dir(),
        random_state=0,
    ).shuffle(seed=0)
    tuner = StatementTuner(
        base, max_length=128, batch_size=32, max_epochs=1, lr=1e-4, freeze_embeddings=True,
        precision="auto", device="cpu", random_state=0, verbose=0,
    )  # fmt: skip
    start = time.perf_counter()
    tuner.fit(table)
    print(
        f"  quick-tuned {base} on {len(table)} statements in {time.perf_counter() - start:.0f}s",
        flush=True,
    )
    return str(tuner.save_pretrained(workdir / "tuned"))


def classifier(model, task: str, *, precision="fp32", backend="torch", batch_size=64):
    from sklearn_statement import ZeroShotStatementClassifier

    return ZeroShotStatementClassifier(
        model, template=task, language="en", batch_size=batch_size, device="cpu",
        precision=precision, backend=backend,
    ).fit()  # fmt: skip


def statements_of(clf, examples) -> list[dict]:
    return [
        clf.template_.statements(ex if isinstance(ex, dict) else {"text": ex})
        for ex in examples
    ]


def useful_flops(clf, examples) -> tuple[float, int]:
    """Forward FLOPs of the unpadded statements (see ``bench_inference.useful_flops``), and their number."""
    cfg = clf.model_.config
    d, inter, layers = cfg.hidden_size, cfg.intermediate_size, cfg.num_hidden_layers
    flat = [s for st in statements_of(clf, examples) for s in st.values()]
    lengths = [
        len(ids)
        for ids in clf.tokenizer_(flat, truncation=True, max_length=clf.max_length_)[
            "input_ids"
        ]
    ]
    flops = sum(
        2 * n * layers * (4 * d * d + 2 * d * inter + 2 * n * d) for n in lengths
    )
    return flops, len(flat)


def time_pipeline(pipe, clf, examples, batch_size: int) -> tuple[float, list]:
    """Seconds and predicted labels of the pipeline on ``examples`` (same words as ``clf``)."""
    parts = [split_statements(st) for st in statements_of(clf, examples)]
    groups: dict[tuple, list[int]] = {}
    for i, (_, rest) in enumerate(parts):
        groups.setdefault(tuple(rest.items()), []).append(i)
    pipe(
        parts[0][0],
        candidate_labels=list(parts[0][1].values()),
        hypothesis_template="{}",
    )  # warm-up
    pred: list = [None] * len(examples)
    start = time.perf_counter()
    for key, rows in groups.items():
        labels = dict(key)
        hyps = list(labels.values())
        out = pipe([parts[i][0] for i in rows], candidate_labels=hyps, hypothesis_template="{}",
                   batch_size=batch_size)  # fmt: skip
        out = out if isinstance(out, list) else [out]
        back = {h: lab for lab, h in labels.items()}
        for i, o in zip(rows, out):
            pred[i] = back[o["labels"][0]]
    return time.perf_counter() - start, pred


def run(args) -> dict:
    from bench_inference import (
        export_backends,
        int8_matmul_peak,
        make_pipeline,
        matmul_peak,
    )

    from sklearn_statement.utils import cpu_summary

    env = environment()
    print(
        "bench_inference (multilingual): ZeroShotStatementClassifier paths vs ZeroShotClassificationPipeline"
    )
    print_environment(env)
    workdir = Path(tempfile.mkdtemp(prefix="bench_inference_"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    base = base_model_path(args.model)
    n = {"sib200": args.sib200_per_language, "xnli": args.xnli_per_language}
    if args.quick:
        n = {t: 2 for t in n}
        args.tune_n_per_task, args.gate_n_per_task = 4, 20
    model_dir = args.tuned_dir or quick_tune(base, workdir, args.tune_n_per_task)
    work = {
        t: load_workload(t, args.languages, n[t], data_dir=args.data_dir)
        for t in TASKS
        if n[t] > 0
    }
    decisions = sum(len(w) for w in work.values())
    cpu = cpu_summary()
    results: dict = {"environment": env, "cpu": cpu, "workload": "multilingual", "model_name": args.model,
                     "base_model": base, "model": model_dir, "model_is_tuned": True,
                     "tuned_here": args.tuned_dir is None, "languages": list(args.languages),
                     "tasks": {t: {"n": len(w), "per_language": n[t]} for t, w in work.items()},
                     "decisions": decisions}  # fmt: skip
    print(
        f"  {decisions} decisions: "
        + ", ".join(f"{t} {len(w)}" for t, w in work.items()),
        flush=True,
    )

    # --- the pipeline ----------------------------------------------------------------------
    ref = {t: classifier(model_dir, t) for t in work}
    flops, n_statements = 0.0, 0
    for t, w in work.items():
        f, s = useful_flops(ref[t], w.examples)
        flops, n_statements = flops + f, n_statements + s
    pipe = make_pipeline(model_dir)
    pipe_runs = {}
    for bs in args.pipeline_batch_sizes:
        seconds, preds = 0.0, {}
        for t, w in work.items():
            sec, preds[t] = time_pipeline(pipe, ref[t], w.examples, bs)
            seconds += sec
        pipe_runs[bs] = {
            "seconds": seconds,
            "statements_per_s": n_statements / seconds,
            "pred": preds,
        }
        print(
            f"  pipeline batch_size={bs:<3} {n_statements / seconds:8.1f} statements/s",
            flush=True,
        )
    best_bs = max(pipe_runs, key=lambda b: pipe_runs[b]["statements_per_s"])
    pipe_best = pipe_runs[best_bs]["statements_per_s"]

    # --- peaks and exports -----------------------------------------------------------------
    peaks = {
        "fp32": matmul_peak(torch.float32),
        "bf16": matmul_peak(torch.bfloat16),
        "int8": int8_matmul_peak(),
    }
    print("  matmul peaks (GFLOP/s, int8 GOP/s): " + ", ".join(
        f"{k} {v:.0f}" for k, v in peaks.items() if v is not None), flush=True)  # fmt: skip
    exports = (
        {}
        if args.no_export
        else export_backends(model_dir, workdir, args.gate_tasks, args.gate_n_per_task)
    )
    paths: list[tuple[str, dict, str, dict | None]] = [
        ("torch fp32", {"model": model_dir}, "fp32", None)
    ]
    if args.bf16 == "always" or (args.bf16 == "native" and cpu["native_bf16"]):
        paths.append(
            ("torch bf16", {"model": model_dir, "precision": "bf16"}, "bf16", None)
        )
    for backend, info in exports.items():
        for record in info.get("files", {}).values():
            kind = "int8" if record["quantize"] == "int8" else "fp32"
            paths.append(
                (
                    f"{backend} {kind}",
                    {"model": record["file"], "backend": backend},
                    kind,
                    record["gate"],
                )
            )

    # --- every path on the workload ----------------------------------------------------------
    rows: dict[str, dict] = {}
    argmax: dict[str, dict[str, np.ndarray]] = {}
    for name, kwargs, peak_key, gate in paths:
        seconds, argmax[name], accs = 0.0, {}, {}
        for t, w in work.items():
            clf = classifier(**kwargs, task=t)
            clf.true_logits(w.examples[:8])  # warm-up
            start = time.perf_counter()
            z = clf.true_logits(w.examples)
            seconds += time.perf_counter() - start
            argmax[name][t] = z.argmax(1)
            accs[t] = accuracy_by_language(
                clf.classes_[z.argmax(1)], w.gold, w.languages
            )
        achieved = flops / seconds / 1e9
        peak = peaks.get(peak_key)
        rows[name] = {"seconds": seconds, "statements_per_s": n_statements / seconds,
                      "ratio_to_pipeline": n_statements / seconds / pipe_best, "accuracy": accs,
                      "accuracy_all": float(np.mean([a["all"] for a in accs.values()])),
                      "achieved_gflops": achieved, "peak": peak_key, "peak_gflops": peak,
                      "fraction_of_peak": None if not peak else achieved / peak,
                      "gate_passed": None if gate is None else gate["passed"], "gate": gate}  # fmt: skip
        print(f"  {name:<14} {rows[name]['statements_per_s']:8.1f} statements/s = "
              f"{rows[name]['ratio_to_pipeline']:.2f}x pipeline", flush=True)  # fmt: skip
    ref_pred = argmax["torch fp32"]
    for name, row in rows.items():
        same = np.concatenate([argmax[name][t] == ref_pred[t] for t in work])
        row["argmax_agreement_with_fp32"] = float(same.mean())
        row["accuracy_diff_points_vs_fp32"] = 100 * (
            row["accuracy_all"] - rows["torch fp32"]["accuracy_all"]
        )
        row["meets_targets"] = bool(
            row["ratio_to_pipeline"] >= RATIO_TARGET and row["argmax_agreement_with_fp32"] >= AGREEMENT_TARGET
            and abs(row["accuracy_diff_points_vs_fp32"]) <= ACCURACY_TARGET_POINTS)  # fmt: skip
    pipe_acc = {
        t: accuracy_by_language(pipe_runs[best_bs]["pred"][t], w.gold, w.languages)
        for t, w in work.items()
    }
    pipe_agree = np.concatenate([
        np.asarray(pipe_runs[best_bs]["pred"][t], dtype=object) == ref[t].classes_[ref_pred[t]] for t in work])  # fmt: skip
    results.update({
        "n_statements": n_statements, "useful_flops": flops, "peaks_gflops": peaks,
        "pipeline": {str(b): {k: v for k, v in r.items() if k != "pred"} for b, r in pipe_runs.items()},
        "pipeline_best_batch_size": best_bs, "pipeline_accuracy": pipe_acc,
        "pipeline_argmax_agreement_with_fp32": float(pipe_agree.mean()),
        "paths": rows, "exports": exports, "target_ratio": RATIO_TARGET, "target_agreement": AGREEMENT_TARGET,
        "target_accuracy_points": ACCURACY_TARGET_POINTS,
    })  # fmt: skip
    print(f"\n{decisions} decisions ({n_statements} statements) in {', '.join(args.languages)}; "
          f"pipeline batch_size={best_bs}: {pipe_best:.1f} statements/s")  # fmt: skip
    print(
        f"  {'path':<14} {'statements/s':>12} {'vs pipeline':>11} {'agree fp32':>10} {'accuracy':>8} {'of peak':>8}  gate"
    )
    for name, r in rows.items():
        frac = (
            ""
            if r["fraction_of_peak"] is None
            else f"{100 * r['fraction_of_peak']:.0f}% {r['peak']}"
        )
        gate = (
            ""
            if r["gate_passed"] is None
            else ("passed" if r["gate_passed"] else "FAILED")
        )
        print(f"  {name:<14} {r['statements_per_s']:12.1f} {r['ratio_to_pipeline']:10.2f}x "
              f"{100 * r['argmax_agreement_with_fp32']:9.1f}% {100 * r['accuracy_all']:7.1f}% {frac:>8}  {gate}")  # fmt: skip
    name = "bench_inference" + (
        "" if args.model == "e5" else f"_{model_tag(args.model)}"
    )
    path = write_results(name + ("_quick" if args.quick else ""), results, args.out_dir)
    path.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
    return results


def markdown(d: dict) -> str:
    env, cpu = d["environment"], d["cpu"]
    lines = [
        f"# bench_inference: statement-tuned {d['model_name']}, {d['decisions']} decisions "
        f"({d['n_statements']} statements) in {', '.join(d['languages'])}",
        "",
        f"`{env['command']}` on {cpu['model']}, {cpu['cores']} cores, flags {', '.join(cpu['flags'])}; torch "
        f"{env.get('torch')}, transformers {env.get('transformers')}; {env.get('date')}. Model: {d['model']}.",
        "",
        "| path | statements/s | vs pipeline | argmax agreement with fp32 | accuracy | of peak | export gate |",
        "|---|---|---|---|---|---|---|",
        f"| pipeline (batch_size={d['pipeline_best_batch_size']}) | "
        f"{d['pipeline'][str(d['pipeline_best_batch_size'])]['statements_per_s']:.1f} | 1.00x | "
        f"{100 * d['pipeline_argmax_agreement_with_fp32']:.1f}% | "
        f"{100 * np.mean([a['all'] for a in d['pipeline_accuracy'].values()]):.1f}% | - | - |",
    ]  # fmt: skip
    for name, r in d["paths"].items():
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
        lines.append(f"| {name} | {r['statements_per_s']:.1f} | {r['ratio_to_pipeline']:.2f}x | "
                     f"{100 * r['argmax_agreement_with_fp32']:.1f}% | {100 * r['accuracy_all']:.1f}% | {frac} | {gate} |")  # fmt: skip
    lines += ["", f"Targets (issue 24): >= {RATIO_TARGET:.0f}x the pipeline at >= {100 * AGREEMENT_TARGET:.0f}% "
              f"agreement with fp32 and accuracy within {ACCURACY_TARGET_POINTS} points. Accuracy: mean over tasks."]  # fmt: skip
    return "\n".join(lines) + "\n"


def add_arguments(parser) -> None:
    """The options of the multilingual workload (``--model e5`` or a base model path)."""
    parser.add_argument("--tuned-dir", default=None,
                        help="statement-tuned model directory (e.g. statement_demo_output/model); "
                             "default: tune one here (quick, demo settings)")  # fmt: skip
    parser.add_argument("--tune-n-per-task", type=int, default=300)
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES))
    parser.add_argument("--sib200-per-language", type=int, default=120)
    parser.add_argument("--xnli-per-language", type=int, default=80)
    parser.add_argument("--pipeline-batch-sizes", type=int, nargs="+", default=[8])
    parser.add_argument("--bf16", choices=["native", "always", "never"], default="native",
                        help="torch bf16 row: only with native bf16 (default), always, never")  # fmt: skip
    parser.add_argument(
        "--no-export", action="store_true", help="torch paths only (no ONNX / OpenVINO)"
    )
    parser.add_argument(
        "--data-dir", default=None, help="data folder (default: the bundled sample)"
    )
