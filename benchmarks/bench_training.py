"""Training throughput: StatementTuner.fit vs a plain transformers Trainer (issue 24, part 1).

Same statements, side by side in one run: a demo-style statement table
(``build_multitask`` of ``--tasks`` from the bundled sample, shuffled, with
example ids, each example's true and one false statement), the same encoder
(``--model``: ``e5`` = multilingual-e5-small from ``offline_model()``,
``minilm`` = the offline MiniLM-L6, or a directory / hub id) with a new 2-way
head, the same batch size, epochs (so the same number of steps), learning rate
and schedule (linear warmup + decay) and gradient clipping. Rows (``--runs``):

- ``trainer``: a plain transformers ``Trainer``, fp32, full fine-tuning (the
  statements tokenized up front with ``datasets.map``,
  ``DataCollatorWithPadding``, ``group_by_length``): the baseline;
- ``tuner``: ``StatementTuner`` at fp32, full fine-tuning (``fit(X, y,
  example_id=...)`` as the demo trains);
- ``tuner-frozen``: ``StatementTuner(freeze_embeddings=True)``, fp32: no
  gradient, optimizer state or update for the word-embedding matrix (96M of
  e5-small's 118M parameters);
- ``tuner-auto-frozen``: ``precision="auto"`` + ``freeze_embeddings``: bf16
  autocast with fp32 master weights only where the CPU computes bf16 natively
  (``cpu_summary()["native_bf16"]``), fp32 elsewhere;
- optional: ``trainer-bf16`` (``bf16=True``), ``tuner-bf16``
  (``precision="bf16"``, emulated and slow without native bf16), ``tuner-lora``.

Each row runs in its own process, so its peak resident memory (``ru_maxrss``)
is its own. Written per row: statements/s, ratio to the ``trainer`` row (target
>= 2x for the fastest tuner row on e5), peak RSS, trainable parameters, the
per-step loss curve; and the gap of every row's loss curve to the fp32
``tuner`` curve (the same batches in the same order) after the same steps,
smoothed over a window of steps, at checkpoints (25/50/75/100% of the steps)
and at the last checkpoint where the fp32 loss is still falling (target <=
0.02). With native bf16 a profiled step also reports which dtype the matmul
kernels ran in. The environment (command, versions, ``cpu_summary()`` flags)
is saved with the figures.

Usage::

    python benchmarks/bench_training.py                      # e5, 1,000 statements (~12 min, 2 cores)
    python benchmarks/bench_training.py --model minilm --runs trainer tuner tuner-bf16 tuner-lora
    python benchmarks/bench_training.py --n-per-task 20 --runs trainer tuner-frozen   # smoke run
    python benchmarks/bench_training.py --device cuda        # GPU rows, separate results file

Writes ``benchmarks/results/bench_training.json`` and ``.md`` for e5
(``bench_training_<model>.json`` for another model; ``_gpu`` on CUDA).
"""

from __future__ import annotations

import argparse
import atexit
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    base_model_path,
    environment,
    model_tag,
    peak_rss_mib,
    print_environment,
    write_results,
)

TASKS = ("sst2", "agnews")
MAIN_RUNS = ("trainer", "tuner", "tuner-frozen", "tuner-auto-frozen")
EXTRA_RUNS = ("trainer-bf16", "tuner-bf16", "tuner-lora")
RUNS = MAIN_RUNS + EXTRA_RUNS
#: StatementTuner settings of each tuner row: (peft, precision, freeze_embeddings).
TUNER_ROWS = {
    "tuner": (None, "fp32", False),
    "tuner-frozen": (None, "fp32", True),
    "tuner-auto-frozen": (None, "auto", True),
    "tuner-bf16": (None, "bf16", False),
    "tuner-lora": ("lora", "fp32", False),
}
LOSS_TARGET = 0.02
RATIO_TARGET = 2.0


def statements(tasks, n_per_task: int) -> tuple[list[str], list[int], list[int]]:
    """The demo's kind of statement table: shuffled, with example ids (seed 0)."""
    from datasets_builders import build_multitask, sample_data_dir

    data = build_multitask(
        list(tasks), n_per_task=n_per_task, data_dir=sample_data_dir(), random_state=0
    ).shuffle(seed=0)
    return (
        list(data["statement"]),
        [int(v) for v in data["label"]],
        [int(i) for i in data["example_id"]],
    )


def run_tuner(X, y, ids, args, peft=None, precision="fp32", freeze=False) -> dict:
    from sklearn_statement import StatementTuner

    tuner = StatementTuner(
        args.model, max_length=args.max_length, batch_size=args.batch_size, max_epochs=args.epochs, lr=args.lr,
        peft=peft, device=args.device, precision=precision, freeze_embeddings=freeze, random_state=0, verbose=0,
    )  # fmt: skip
    start = time.perf_counter()
    tuner.fit(X, y, example_id=ids)
    total = time.perf_counter() - start
    loop = sum(tuner.history_[:, "dur"])
    trainable = sum(p.numel() for p in tuner.module_.parameters() if p.requires_grad)
    curve = [
        b["train_loss"]
        for epoch in tuner.history_
        for b in epoch["batches"]
        if "train_loss" in b
    ]
    master = sorted({str(p.dtype) for p in tuner.module_.parameters()})
    dtype = getattr(tuner, "precision_dtype_", None)
    return {"seconds_total": total, "seconds_training": loop, "train_loss": tuner.history_[-1, "train_loss"],
            "trainable_parameters": trainable, "loss_curve": curve, "parameter_dtypes": master,
            "autocast_dtype": None if dtype is None else str(dtype)}  # fmt: skip


def bf16_kernels(args) -> dict:
    """Which dtype the matmuls of one training step run in, under the tuner's bf16 autocast."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    from sklearn_statement import StatementTuner

    X, y, _ = statements(args.tasks, 8)
    tuner = StatementTuner(
        args.model, max_length=args.max_length, batch_size=args.batch_size, max_epochs=1, lr=args.lr,
        device=args.device, precision="bf16", freeze_embeddings=True, random_state=0, verbose=0,
    ).initialize()  # fmt: skip
    tuner.fit(X[: args.batch_size * 2], y[: args.batch_size * 2])  # warm-up
    batch = next(
        iter(
            tuner.get_iterator(
                tuner.get_dataset(X[: args.batch_size], y[: args.batch_size]),
                training=True,
            )
        )
    )
    times: dict[str, float] = {}
    calls: dict[str, int] = {}
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        tuner.train_step(batch)
    for event in prof.events():
        if event.name not in (
            "aten::addmm",
            "aten::mm",
            "aten::bmm",
            "aten::baddbmm",
            "aten::matmul",
        ):
            continue
        dtypes = [d for d in (getattr(event, "input_dtypes", None) or []) if d]
        kind = (
            "bf16"
            if any("BFloat16" in d for d in dtypes)
            else ("fp32" if any("float" in d.lower() for d in dtypes) else "other")
        )
        times[kind] = times.get(kind, 0.0) + event.self_cpu_time_total / 1e6
        calls[kind] = calls.get(kind, 0) + 1
    total = sum(times.values()) or 1.0
    return {"mkldnn_bf16_supported": bool(torch.ops.mkldnn._is_mkldnn_bf16_supported()),
            "mkldnn_enabled": bool(torch.backends.mkldnn.enabled),
            "matmul_self_seconds": times, "matmul_calls": calls,
            "bf16_share_of_matmul_time": times.get("bf16", 0.0) / total}  # fmt: skip


def run_trainer(X, y, args, bf16=False) -> dict:
    """transformers' Trainer on the same statements, full fine-tuning, per-step loss logged."""
    import datasets
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
    )

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    start = time.perf_counter()
    model = AutoModelForSequenceClassification.from_pretrained(args.model, num_labels=2)
    ds = datasets.Dataset.from_dict({"text": X, "label": y})
    ds = ds.map(lambda b: tokenizer(b["text"], truncation=True, max_length=args.max_length), batched=True,
                remove_columns=["text"])  # fmt: skip
    out = tempfile.mkdtemp(prefix="bench_trainer_")
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    targs = TrainingArguments(
        output_dir=out, per_device_train_batch_size=args.batch_size, num_train_epochs=args.epochs,
        learning_rate=args.lr, warmup_steps=0.06, lr_scheduler_type="linear", train_sampling_strategy="group_by_length",
        save_strategy="no", logging_strategy="steps", logging_steps=1, report_to=[],
        use_cpu=args.device == "cpu", seed=0, dataloader_num_workers=0, disable_tqdm=True, bf16=bf16,
    )  # fmt: skip
    trainer = Trainer(
        model=model,
        args=targs,
        train_dataset=ds,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    t0 = time.perf_counter()
    result = trainer.train()
    loop = time.perf_counter() - t0
    curve = [float(e["loss"]) for e in trainer.state.log_history if "loss" in e]
    return {"seconds_total": time.perf_counter() - start, "seconds_training": loop,
            "train_loss": result.training_loss, "loss_curve": curve,
            "trainable_parameters": sum(p.numel() for p in model.parameters() if p.requires_grad)}  # fmt: skip


def child(args) -> None:
    import transformers

    transformers.logging.set_verbosity_error()
    if args.run == "bf16-kernels":
        print("RESULT " + json.dumps(bf16_kernels(args)), flush=True)
        return
    X, y, ids = statements(args.tasks, args.n_per_task)
    if args.run.startswith("trainer"):
        out = run_trainer(X, y, args, bf16=args.run == "trainer-bf16")
    else:
        peft, precision, freeze = TUNER_ROWS[args.run]
        out = run_tuner(X, y, ids, args, peft=peft, precision=precision, freeze=freeze)
    out["statements"] = len(X)
    out["steps"] = len(out["loss_curve"])
    out["peak_rss_mib"] = peak_rss_mib()
    print("RESULT " + json.dumps(out), flush=True)


# ----------------------------------------------------------------- loss curves
def smooth(curve: list[float], window: int) -> list[float]:
    """Trailing mean over ``window`` steps (fewer at the start)."""
    return [sum(curve[max(0, i - window + 1) : i + 1]) / len(curve[max(0, i - window + 1) : i + 1])
            for i in range(len(curve))]  # fmt: skip


def compare_curves(reference: list[float], other: list[float], window: int) -> dict:
    """Gap of ``other``'s loss to ``reference``'s after the same steps (both smoothed).

    Checkpoints at 25/50/75/100% of the common steps; a checkpoint is
    "falling" when the smoothed reference loss there is lower than at the
    checkpoint before (the first: lower than the smoothed loss of the first
    window). ``gap_at_falling_point`` is the gap at the last falling checkpoint,
    where the curves have not yet flattened to the same value.
    """
    n = min(len(reference), len(other))
    if n == 0:
        return {"steps_compared": 0}
    ref, oth = smooth(reference[:n], window), smooth(other[:n], window)
    points = sorted(
        {max(window - 1, min(n - 1, round(f * n) - 1)) for f in (0.25, 0.5, 0.75, 1.0)}
    )
    rows, previous = [], ref[min(window - 1, n - 1)]
    for i in points:
        falling = ref[i] < previous - 1e-3
        rows.append({"step": i + 1, "loss_reference": ref[i], "loss": oth[i], "gap": abs(ref[i] - oth[i]),
                     "reference_falling": falling})  # fmt: skip
        previous = ref[i]
    falling = [r for r in rows if r["reference_falling"]]
    point = falling[-1] if falling else rows[len(rows) // 2]
    gaps = [abs(a - b) for a, b in zip(ref, oth)]
    return {"steps_compared": n, "smoothing_window_steps": window, "checkpoints": rows,
            "comparison_step": point["step"], "comparison_point_falling": point["reference_falling"],
            "gap_at_falling_point": point["gap"], "max_smoothed_gap": max(gaps),
            "mean_smoothed_gap": sum(gaps) / len(gaps), "target_gap": LOSS_TARGET,
            "within_target": point["gap"] <= LOSS_TARGET}  # fmt: skip


def markdown(results: dict) -> str:
    env, cpu = results["environment"], results["environment"].get("cpu", {})
    best, mem = results["best_statements_per_s"], results["peak_rss_mib"]
    lines = [
        f"# bench_training: {results['model_name']} ({results['statements']} statements, {results['steps']} steps, "
        f"batch {results['batch_size']}, max_length {results['max_length']}, lr {results['lr']})",
        "",
        f"`{env['command']}` on {cpu.get('model', env.get('cpu_model'))}, {cpu.get('cores', env.get('cpu_count'))} "
        f"cores, flags {', '.join(cpu.get('flags', []))}, native bf16 {cpu.get('native_bf16')}; torch "
        f"{env.get('torch')}, transformers {env.get('transformers')}; {env.get('date')}.",
        "",
        "| row | statements/s | vs Trainer fp32 | peak RSS (MiB) | trainable parameters | "
        "loss gap to tuner fp32 at falling point |",
        "|---|---|---|---|---|---|",
    ]  # fmt: skip
    for run, rows in results["runs"].items():
        gap = results["loss_gaps"].get(run, {})
        cell = "-" if "gap_at_falling_point" not in gap else (
            f"{gap['gap_at_falling_point']:.4f} (step {gap['comparison_step']})")  # fmt: skip
        ratio = results["ratio_to_trainer"].get(run)
        lines.append(
            f"| {run} | {best[run]:.1f} | {'-' if ratio is None else f'{ratio:.2f}x'} | {mem[run]:.0f} "
            f"| {rows[0]['trainable_parameters']:,} | {cell} |"
        )
    lines += ["", f"Targets (issue 24): fastest tuner row >= {RATIO_TARGET:.0f}x the Trainer "
              f"(best: {results.get('best_tuner_row')} {results.get('best_tuner_ratio') or 0:.2f}x); "
              f"loss within {LOSS_TARGET} of fp32 after the same steps."]  # fmt: skip
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model", default="e5", help="e5 (default), minilm, or a directory / hub id"
    )
    parser.add_argument("--tasks", nargs="+", default=list(TASKS))
    parser.add_argument(
        "--n-per-task",
        type=int,
        default=500,
        help="statements per task (default 500: 1,000)",
    )
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--lr", type=float, default=1e-4, help="the demo's learning rate"
    )
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument(
        "--runs", nargs="+", choices=list(RUNS), default=list(MAIN_RUNS)
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="rounds over --runs (best of them is kept)",
    )
    parser.add_argument("--quick", action="store_true", help="40 statements per task")
    parser.add_argument("--out-dir", default=None)
    parser.add_argument(
        "--device", default="cpu", help="cpu, or cuda (separate results file)"
    )
    parser.add_argument(
        "--run", choices=list(RUNS) + ["bf16-kernels"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()  # fmt: skip
    if args.quick:
        args.n_per_task = 40
    if args.run:
        child(args)
        return
    model_name = args.model
    args.model = base_model_path(args.model)
    from sklearn_statement.utils import cpu_summary

    env = environment()
    print(
        f"bench_training: StatementTuner.fit vs transformers Trainer on {model_name} ({args.model})"
    )
    print_environment(env)
    results = {"environment": env, "cpu": cpu_summary(), "model_name": model_name, "model": args.model,
               "tasks": list(args.tasks), "n_per_task": args.n_per_task, "epochs": args.epochs,
               "batch_size": args.batch_size, "lr": args.lr, "max_length": args.max_length, "runs": {}}  # fmt: skip

    def child_run(run: str) -> dict:
        cmd = [sys.executable, __file__, "--run", run, "--model", args.model, "--tasks", *args.tasks,
               "--n-per-task", str(args.n_per_task), "--epochs", str(args.epochs), "--batch-size",
               str(args.batch_size), "--lr", str(args.lr), "--max-length", str(args.max_length),
               "--device", args.device]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        lines = [
            line for line in proc.stdout.splitlines() if line.startswith("RESULT ")
        ]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"{run} failed:\n{proc.stderr[-3000:]}")
        return json.loads(lines[-1][len("RESULT ") :])

    runs = list(dict.fromkeys(args.runs))
    for _ in range(args.repeats):  # rounds alternate the rows to even out machine noise
        for run in runs:
            out = child_run(run)
            out["statements_per_s"] = (
                out["statements"] * args.epochs / out["seconds_training"]
            )
            results["runs"].setdefault(run, []).append(out)
            print(f"  {run:<18} {out['statements_per_s']:7.1f} statements/s (training loop {out['seconds_training']:.1f}s, "
                  f"total {out['seconds_total']:.1f}s, {out['steps']} steps), peak RSS {out['peak_rss_mib']:.0f} MiB, "
                  f"trainable params {out['trainable_parameters']:,}, final loss {out['train_loss']:.4f}", flush=True)  # fmt: skip
    best = {
        run: max(r["statements_per_s"] for r in rows)
        for run, rows in results["runs"].items()
    }
    mem = {
        run: min(r["peak_rss_mib"] for r in rows)
        for run, rows in results["runs"].items()
    }
    first = {run: rows[0] for run, rows in results["runs"].items()}
    results["statements"] = next(iter(first.values()))["statements"]
    results["steps"] = next(iter(first.values()))["steps"]
    results["best_statements_per_s"] = best
    results["peak_rss_mib"] = mem
    base = best.get("trainer")
    results["ratio_to_trainer"] = {
        run: (v / base if base else None) for run, v in best.items()
    }
    tuner_rows = [r for r in best if r.startswith("tuner")]
    if base and tuner_rows:
        top = max(tuner_rows, key=best.get)
        results["best_tuner_row"], results["best_tuner_ratio"] = top, best[top] / base
    results["target_ratio"] = RATIO_TARGET
    # Loss curves: every row against the fp32 tuner (same batches, same order, same seed).
    reference = first.get("tuner")
    results["loss_gaps"] = {}
    if reference:
        window = max(1, min(20, len(reference["loss_curve"]) // 8))
        for run, out in first.items():
            if run != "tuner":
                results["loss_gaps"][run] = compare_curves(
                    reference["loss_curve"], out["loss_curve"], window
                )
    if args.device == "cpu" and results["cpu"]["native_bf16"]:
        results["bf16_kernels"] = child_run("bf16-kernels")
    results["autocast_dtype"] = {
        run: out.get("autocast_dtype") for run, out in first.items() if run != "trainer"
    }

    print(
        f"\n{results['statements']} statements, {results['steps']} steps; cpu {results['cpu']}"
    )
    for run in best:
        gap = results["loss_gaps"].get(run, {})
        ratio = results["ratio_to_trainer"][run]
        print(f"  {run:<18} {best[run]:7.1f} statements/s  {'' if ratio is None else f'{ratio:.2f}x Trainer'}  "
              f"peak RSS {mem[run]:.0f} MiB" + (f"  loss gap to tuner fp32 {gap['gap_at_falling_point']:.4f} at step "
              f"{gap['comparison_step']} (falling: {gap['comparison_point_falling']}, max smoothed "
              f"{gap['max_smoothed_gap']:.4f})" if "gap_at_falling_point" in gap else ""))  # fmt: skip
    if "bf16_kernels" in results:
        k = results["bf16_kernels"]
        print(f"bf16 autocast: {100 * k['bf16_share_of_matmul_time']:.0f}% of matmul time in bf16 kernels "
              f"(mkldnn bf16 supported: {k['mkldnn_bf16_supported']}), calls {k['matmul_calls']}")  # fmt: skip
    name = "bench_training" + (
        "" if model_name == "e5" else f"_{model_tag(model_name)}"
    )
    name += ("_gpu" if args.device != "cpu" else "") + ("_quick" if args.quick else "")
    path = write_results(name, results, args.out_dir)
    path.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
    print(f"wrote {path.with_suffix('.md')}", flush=True)


if __name__ == "__main__":
    main()
