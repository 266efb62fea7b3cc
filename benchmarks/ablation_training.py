"""Training ablation: which StatementTuner settings make zero-shot transfer work.

One configuration per call (change one thing at a time), several seeds; each
run statement-tunes the offline MiniLM and scores the English quick suite
next to the untuned MiniLM used as a sentence-embedding classifier on the
same rows. Every run is appended to ``benchmarks/results/ablation_training.jsonl``;
``--table`` prints the log as the markdown table in
``benchmarks/results/ablation_training.md``.

Usage (2 CPU cores: one run at a time)::

    python benchmarks/ablation_training.py --name paired-listwise --objective listwise \\
        --no-balance --seeds 0 1 2
    python benchmarks/ablation_training.py --table
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, environment  # noqa: E402

LOG = RESULTS / "ablation_training.jsonl"
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

#: English quick suite: (name, split, rows); held-out families marked in the log.
SUITE = (
    ("sib200", "test", None),
    ("tweeteval_emotion", "test", 300),
    ("xnli", "test", 300),
    ("pawsx", "validation", 300),
    ("xwinograd", "test", 300),
    ("agnews", "test", 500),
)
#: Weight of the cosine similarity in the hybrid score (ZeroShotStatementClassifier).
EMBEDDING_WEIGHT = 20.0
DEFAULT_TASKS = (
    "sst2", "mrpc", "qnli", "stsb", "agnews", "comve",
    "tweeteval_offensive", "tweeteval_hate", "tweeteval_irony", "tweeteval_sentiment",
)  # fmt: skip
HELD_OUT = ("nli", "emotion", "winograd", "copa")


def load_suite(data_dir: Path):
    from datasets_builders import load_task

    out = {}
    for name, split, rows in SUITE:
        ds = load_task(name, split=split, data_dir=data_dir)
        if rows is not None and len(ds) > rows:
            ds = ds.shuffle(seed=0).select(range(rows))
        out[name] = ds
    return out


def evaluate(model, suite, similarities, *, precision="auto"):
    """Accuracy of the statement model alone and of the hybrid, per set."""
    from sklearn_statement import ZeroShotStatementClassifier

    plain, hybrid = {}, {}
    for name, ds in suite.items():
        clf = ZeroShotStatementClassifier(
            model, template=name, max_length=256, precision=precision
        ).fit(ds)
        gold = np.asarray(ds["label"])
        z = clf.true_logits(ds)
        plain[name] = float((clf.classes_[z.argmax(1)] == gold).mean())
        mixed = z + EMBEDDING_WEIGHT * similarities[name]
        hybrid[name] = float((clf.classes_[mixed.argmax(1)] == gold).mean())
    return plain, hybrid


def embedding_similarities(suite, model_path):
    """The untuned backbone's cosine similarities (same labels, classes_ order)."""
    from sklearn_statement import EmbeddingZeroShotClassifier

    sims, scores = {}, {}
    for name, ds in suite.items():
        clf = EmbeddingZeroShotClassifier(model_path, template=name).fit(ds)
        sims[name] = clf.similarities(ds)
        gold = np.asarray(ds["label"])
        scores[name] = float((clf.classes_[sims[name].argmax(1)] == gold).mean())
    return sims, scores


def train_data(args, seed):
    from datasets_builders import build_multitask

    kwargs = dict(
        n_per_task=args.n_per_task,
        data_dir=args.data_dir,
        exclude_families=args.exclude,
        random_state=seed,
        balance=not args.no_balance,
        paired=not args.independent,
    )
    st = build_multitask(args.tasks, **kwargs)
    if args.mt_languages:
        mt = build_multitask(
            ["tatoeba"],
            languages=args.mt_languages,
            n_per_task=args.n_mt,
            data_dir=args.data_dir,
            random_state=seed,
            paired=not args.independent,
        )
        offset = max(st["example_id"]) + 1
        return (
            list(st["statement"]) + list(mt["statement"]),
            list(st["label"]) + list(mt["label"]),
            list(st["example_id"]) + [i + offset for i in mt["example_id"]],
        )
    return list(st["statement"]), list(st["label"]), list(st["example_id"])


def run(args) -> None:
    import torch

    from sklearn_statement import StatementTuner
    from sklearn_statement.recipes import default_model_path

    torch.set_num_threads(args.threads)
    model_path = default_model_path()
    suite = load_suite(args.data_dir)
    sims, base = embedding_similarities(suite, model_path)
    print("embedding baseline:", {k: round(100 * v, 1) for k, v in base.items()})
    for seed in args.seeds:
        X, y, ids = train_data(args, seed)
        extra = {}
        if args.warmup is not None:
            extra["callbacks__lr_schedule__warmup_ratio"] = args.warmup
        tuner = StatementTuner(
            model_path,
            max_length=args.max_length,
            batch_size=args.batch_size,
            max_epochs=args.epochs,
            lr=args.lr,
            objective=args.objective,
            group_by_length=not args.no_length_grouping,
            max_grad_norm=None if args.no_clip else 1.0,
            precision=args.precision,
            random_state=seed,
            device="cpu",
            verbose=0,
            **extra,
        )
        t0 = time.perf_counter()
        tuner.fit(X, y, example_id=None if args.ungrouped else ids)
        seconds = time.perf_counter() - t0
        losses = [b["train_loss"] for epoch in tuner.history_ for b in epoch["batches"]]
        quarters = [
            round(float(np.mean(q)), 4) for q in np.array_split(np.asarray(losses), 4)
        ]
        scores, hybrid = evaluate(tuner, suite, sims, precision=args.precision)
        if args.save_model:
            tuner.save_pretrained(Path(args.save_model) / f"seed{seed}", overwrite=True)
        record = {
            "name": args.name,
            "seed": seed,
            "config": {
                k: v
                for k, v in vars(args).items()
                if k not in ("seeds", "table", "save_model", "log")
            },
            "statements": len(X),
            "train_seconds": round(seconds, 1),
            "loss_by_quarter": quarters,
            "epoch_loss": [round(float(h["train_loss"]), 4) for h in tuner.history_],
            "accuracy": {k: round(v, 4) for k, v in scores.items()},
            "accuracy_hybrid": {k: round(v, 4) for k, v in hybrid.items()},
            "baseline": {k: round(v, 4) for k, v in base.items()},
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        }
        record["config"]["data_dir"] = str(args.data_dir)
        print(json.dumps(record), flush=True)
        LOG.parent.mkdir(parents=True, exist_ok=True)
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")


def table(log: Path = LOG) -> str:
    """The log as markdown: mean ± sd over seeds per configuration name."""
    records = [
        json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()
    ]
    names = list(dict.fromkeys(r["name"] for r in records))
    sets = [name for name, _, _ in SUITE]
    head = ["config", "seeds", "stmts", "train s", "loss q1..q4"] + sets + ["mean"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    base = records[-1]["baseline"]
    lines.append(
        "| embedding baseline (untuned MiniLM) | - | - | - | - | "
        + " | ".join(f"{100 * base[s]:.1f}" for s in sets)
        + f" | {100 * np.mean([base[s] for s in sets]):.1f} |"
    )

    def cells_for(rows, key):
        acc = np.asarray([[r[key][s] for s in sets] for r in rows]) * 100
        mean, sd, avg = acc.mean(0), acc.std(0), acc.mean(1)
        if len(rows) == 1:
            return [f"{m:.1f}" for m in mean] + [f"{avg.mean():.1f}"]
        return [f"{m:.1f} ± {s:.1f}" for m, s in zip(mean, sd)] + [
            f"{avg.mean():.1f} ± {avg.std():.1f}"
        ]

    for name in names:
        rows = [r for r in records if r["name"] == name]
        q = np.mean([r["loss_by_quarter"] for r in rows], axis=0)
        cells = [
            name,
            str(len(rows)),
            str(rows[0]["statements"]),
            f"{np.mean([r['train_seconds'] for r in rows]):.0f}",
            "/".join(f"{v:.2f}" for v in q),
        ]
        lines.append("| " + " | ".join(cells + cells_for(rows, "accuracy")) + " |")
        if all("accuracy_hybrid" in r for r in rows):
            hybrid = [name + " + embedding (hybrid)", "", "", "", ""]
            lines.append(
                "| " + " | ".join(hybrid + cells_for(rows, "accuracy_hybrid")) + " |"
            )
    return "\n".join(lines)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--name", default="default")
    p.add_argument("--tasks", nargs="+", default=list(DEFAULT_TASKS))
    p.add_argument("--exclude", nargs="*", default=list(HELD_OUT))
    p.add_argument("--n-per-task", type=int, default=1000)
    p.add_argument("--mt-languages", nargs="*", default=[])
    p.add_argument("--n-mt", type=int, default=100)
    p.add_argument("--objective", default="binary", choices=["binary", "listwise"])
    p.add_argument("--no-balance", action="store_true", help="every label's statement")
    p.add_argument("--independent", action="store_true", help="old unpaired draw")
    p.add_argument("--ungrouped", action="store_true", help="no example_id batching")
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--warmup", type=float, default=None)
    p.add_argument("--no-clip", action="store_true")
    p.add_argument("--no-length-grouping", action="store_true")
    p.add_argument("--precision", default="fp32")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--data-dir", type=Path, default=DATA)
    p.add_argument("--table", action="store_true")
    p.add_argument("--log", type=Path, default=LOG, help="the log --table reads")
    p.add_argument("--save-model", default=None, help="keep the tuned models here")
    args = p.parse_args(argv)
    if args.table:
        print(table(args.log))
        return
    info = environment()
    for key in ("command", "torch", "transformers", "machine", "cpu_count"):
        print(f"  {key}: {info[key]}")
    run(args)


if __name__ == "__main__":
    main()
