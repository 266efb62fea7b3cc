"""Training ablation: which StatementTuner settings make zero-shot transfer work.

One configuration per call (change one thing at a time), several seeds.

``--suite en-quick`` (the 2026-12-02 study): statement-tunes the offline
MiniLM and scores the English quick suite next to the untuned MiniLM used as a
sentence-embedding classifier on the same rows; log
``benchmarks/results/ablation_training.jsonl``, table
``benchmarks/results/ablation_training.md``.

``--suite validation`` (the multilingual study, issue 22): statement-tunes
``--model`` (default: multilingual-e5-small, ``sklearn_statement.offline_model()``)
and scores the multilingual *validation* suite of ``benchmarks/_study.py``
(SIB-200 dev in 10 languages, XNLI dev, PAWS-X dev's first half, XCOPA
validation, XWinograd's first half, TweetEval emotion validation): recipes are
chosen on these rows only; the test rows are scored once, by
``bench_quality.py``. Log ``benchmarks/results/ablation_multilingual.jsonl``.

Usage (2 CPU cores: one run at a time)::

    python benchmarks/ablation_training.py --name paired-listwise --objective listwise \\
        --no-balance --seeds 0 1 2
    python benchmarks/ablation_training.py --suite validation --name e5-lr2e-5 --lr 2e-5 --seeds 0
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
from _study import loss_quarters  # noqa: E402

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


def train_table(args, seed):
    """The run's statement table (``build_multitask``, plus Tatoeba MT statements)."""
    import datasets

    from datasets_builders import build_multitask

    kwargs = dict(
        languages=getattr(args, "languages", None) or ("en",),
        n_per_task=args.n_per_task,
        data_dir=args.data_dir,
        exclude_families=args.exclude,
        random_state=seed,
        balance=not args.no_balance,
        paired=not args.independent,
    )
    st = build_multitask(args.tasks, **kwargs)
    if not args.mt_languages:
        return st
    mt = build_multitask(
        ["tatoeba"],
        languages=args.mt_languages,
        n_per_task=args.n_mt,
        data_dir=args.data_dir,
        random_state=seed,
        paired=not args.independent,
    )
    offset = max(st["example_id"]) + 1
    mt = mt.map(lambda r: {"example_id": r["example_id"] + offset})
    return datasets.concatenate_datasets([st, mt])


def train_data(args, seed):
    """Statements, labels and example ids of the run."""
    st = train_table(args, seed)
    return list(st["statement"]), list(st["label"]), list(st["example_id"])


def run(args) -> None:
    import torch

    from sklearn_statement import StatementTuner
    from sklearn_statement.recipes import minilm_model_path

    torch.set_num_threads(args.threads)
    model_path = minilm_model_path()
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
        quarters = loss_quarters(losses)
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


ML_LOG = RESULTS / "ablation_multilingual.jsonl"
#: Hybrid weights reported for every run (true-logits + w x cosine).
HYBRID_WEIGHTS = (5.0, 10.0, 20.0)


def model_path(name: str) -> str:
    """``e5`` (the offline multilingual-e5-small), ``minilm``, or a directory."""
    if name == "e5":
        from sklearn_statement import offline_model

        return str(offline_model())
    if name == "minilm":
        from sklearn_statement.recipes import minilm_model_path

        return minilm_model_path()
    return name


def cached_cosine(rows, encoder: str, suite: str, prompt=None):
    """The untuned encoder's cosine similarities, cached on disk per (encoder, suite)."""
    import hashlib
    import pickle

    from _study import cosine_similarities

    key = hashlib.sha1(f"{encoder}|{suite}|{prompt!r}|v1".encode()).hexdigest()[:12]
    path = Path("/tmp") / f"study_cosine_{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    sims = cosine_similarities(rows, encoder, prompt=prompt)
    path.write_bytes(pickle.dumps(sims))
    return sims


def tuner_callbacks(args):
    """skorch callbacks of a configuration (frozen word embeddings)."""
    from skorch.callbacks import Freezer

    callbacks = []
    if args.freeze_embeddings:
        callbacks.append(("freeze_embeddings", Freezer("*word_embeddings*")))
    return callbacks


#: Per-row score matrices of every run (for combining models afterwards; not committed).
SCORES = Path("/tmp/study_scores")


def keep_scores(args, scores, seed=None) -> None:
    """Save a run's per-row scores: ``SCORES/<name>-seed<seed>.pkl``."""
    import pickle

    SCORES.mkdir(parents=True, exist_ok=True)
    seed = args.current_seed if seed is None else seed
    (SCORES / f"{args.name}-seed{seed}.pkl").write_bytes(pickle.dumps(scores))


def head_lr(args) -> dict:
    """skorch ``optimizer__param_groups`` of ``--head-lr`` and ``--layer-decay``.

    ``--head-lr``: a larger learning rate for the new head (classifier +
    pooler) than the encoder. ``--layer-decay d``: layer-wise learning-rate
    decay (Howard & Ruder, 2018, "discriminative fine-tuning"; Clark et al.,
    2020, ELECTRA, appendix): the top encoder layer trains at ``--lr``, each
    layer below at ``d`` times the one above, the embeddings at ``d`` times
    the bottom layer; the head keeps ``--lr``. skorch puts a parameter in the
    first group whose pattern matches its name.
    """
    groups = []
    if args.head_lr:
        groups += [
            (pattern, {"lr": args.head_lr}) for pattern in ("classifier.*", "*pooler*")
        ]
    if getattr(args, "layer_decay", None):
        from transformers import AutoConfig

        n_layers = AutoConfig.from_pretrained(model_path(args.model)).num_hidden_layers
        groups += [
            (
                f"*encoder.layer.{i}.*",
                {"lr": args.lr * args.layer_decay ** (n_layers - 1 - i)},
            )
            for i in range(n_layers)
        ]
        groups.append(("*embeddings*", {"lr": args.lr * args.layer_decay**n_layers}))
    return {"optimizer__param_groups": groups} if groups else {}


def score_run(rows, tuner, sims, args, calibration=None):
    """Accuracy per row of the statement model alone, the hybrids and the baseline.

    ``calibration``: (rows, cosine similarities) of held-out examples of the
    training tasks; the hybrid weight chosen on them is logged as
    ``hybrid_calibrated`` (and the weight under ``calibrated_weight``).
    """
    from _study import accuracies, averages, calibrate_weight, combine, true_logits

    z = true_logits(rows, tuner, max_length=256, precision=args.precision)
    keep_scores(args, z)
    out = {"statement": accuracies(rows, z), "cosine": accuracies(rows, sims)}
    for w in HYBRID_WEIGHTS:
        out[f"hybrid{w:g}"] = accuracies(rows, combine(z, sims, w))
    weight = None
    if calibration is not None:
        cal_rows, cal_sims = calibration
        cal_z = true_logits(cal_rows, tuner, max_length=256, precision=args.precision)
        weight = calibrate_weight(cal_z, cal_sims, cal_rows)
        out["hybrid_calibrated"] = accuracies(rows, combine(z, sims, weight))
    out["majority"] = {row.key: row.majority() for row in rows}
    return out, {name: averages(acc) for name, acc in out.items()}, weight


def run_bi_encoder(args, rows, sims, path, seed):
    """One bi-encoder run: BiEncoderStatementTuner on the run's statement table, then cosine."""
    from _study import accuracies, averages, cosine_similarities

    from sklearn_statement import BiEncoderStatementTuner

    table = train_table(args, seed)
    tuner = BiEncoderStatementTuner(
        path,
        max_epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        freeze_embeddings=args.freeze_embeddings,
        precision=args.precision,
        random_state=seed,
        verbose=0,
    )
    t0, c0 = time.perf_counter(), time.process_time()
    tuner.fit(table)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if args.save_model:
        tuner.save_pretrained(Path(args.save_model) / f"seed{seed}", overwrite=True)
    t1 = time.perf_counter()
    z = cosine_similarities(rows, tuner.encoder_)
    keep_scores(args, z, seed)
    per_row = {"statement": accuracies(rows, z), "cosine": accuracies(rows, sims)}
    per_row["majority"] = {row.key: row.majority() for row in rows}
    losses = [h["loss"] for h in tuner.history_]
    quarters = loss_quarters(losses)
    return (
        per_row,
        {k: averages(v) for k, v in per_row.items()},
        {
            "statements": len(table),
            "train_seconds": round(seconds, 1),
            "train_cpu_seconds": round(cpu, 1),
            "score_seconds": round(time.perf_counter() - t1, 1),
            "loss_by_quarter": quarters,
        },
    )


def run_multilingual(args) -> None:
    import torch
    from _study import load_suite

    from sklearn_statement import StatementTuner

    torch.set_num_threads(args.threads)
    path = model_path(args.model)
    rows = load_suite(args.suite, args.data_dir)
    sims = cached_cosine(rows, path, args.suite)
    from _study import calibration_rows

    cal_rows = calibration_rows(
        [t for t in args.tasks if t not in ("tatoeba", "nusax_mt", "flores")],
        data_dir=args.data_dir,
    )
    cal_rows = [r for r in cal_rows if r.task not in ("stsb",)]  # regression scores
    calibration = (
        cal_rows,
        cached_cosine(cal_rows, path, "calib-" + "-".join(r.task for r in cal_rows)),
    )
    for seed in args.seeds:
        if args.kind == "bi":
            per_row, means, facts = run_bi_encoder(args, rows, sims, path, seed)
            log_record(args, seed, per_row, means, facts)
            continue
        args.current_seed = seed
        X, y, ids = train_data(args, seed)
        if args.statement_prompt:
            X = [args.statement_prompt + x for x in X]
        tuner = StatementTuner(
            path,
            max_length=args.max_length,
            batch_size=args.batch_size,
            max_epochs=args.epochs,
            lr=args.lr,
            objective=args.objective,
            precision=args.precision,
            random_state=seed,
            device="cpu",
            verbose=0,
            callbacks=tuner_callbacks(args),
            **({"peft": args.peft} if args.peft else {}),
            **head_lr(args),
        )
        t0, c0 = time.perf_counter(), time.process_time()
        tuner.fit(X, y, example_id=None if args.ungrouped else ids)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        losses = [b["train_loss"] for epoch in tuner.history_ for b in epoch["batches"]]
        quarters = loss_quarters(losses)
        t1 = time.perf_counter()
        per_row, means, weight = score_run(rows, tuner, sims, args, calibration)
        facts = {
            "calibrated_weight": weight,
            "statements": len(X),
            "train_seconds": round(seconds, 1),
            "train_cpu_seconds": round(cpu, 1),
            "score_seconds": round(time.perf_counter() - t1, 1),
            "loss_by_quarter": quarters,
        }
        log_record(args, seed, per_row, means, facts)
        if args.save_model:
            tuner.save_pretrained(Path(args.save_model) / f"seed{seed}", overwrite=True)


def log_record(args, seed, per_row, means, facts) -> None:
    """Print a run's summary and append it to the multilingual log."""
    record = {
        "name": args.name,
        "seed": seed,
        "suite": args.suite,
        "kind": args.kind,
        "config": {
            k: str(v) if isinstance(v, Path) else v
            for k, v in vars(args).items()
            if k not in ("seeds", "table", "save_model", "log", "current_seed")
        },
        **facts,
        "means": {k: {t: round(v, 4) for t, v in m.items()} for k, m in means.items()},
        "rows": {k: {r: round(v, 4) for r, v in a.items()} for k, a in per_row.items()},
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    summary = {k: round(100 * m["all rows"], 1) for k, m in means.items()}
    print(
        json.dumps(
            {
                "name": args.name,
                "seed": seed,
                "all rows": summary,
                "train_s": facts["train_seconds"],
                "loss": facts["loss_by_quarter"],
            }
        ),
        flush=True,
    )
    for k in ("statement", "cosine", "hybrid10", "hybrid_calibrated"):
        if k in means:
            print(
                f"  {k}:",
                {t: round(100 * v, 1) for t, v in means[k].items()},
                flush=True,
            )
    ML_LOG.parent.mkdir(parents=True, exist_ok=True)
    with open(ML_LOG, "a", encoding="utf-8") as f:
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


#: Datasets of the multilingual table, in order.
ML_SETS = ("sib200", "xnli", "pawsx", "xcopa", "xwinograd", "tweeteval_emotion")


def multilingual_table(log: Path = ML_LOG, scorer: str = "statement") -> str:
    """The multilingual log as markdown: per configuration, mean over seeds of each
    dataset's average over languages, for ``scorer`` (statement, hybrid10, ...)."""
    records = [
        json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()
    ]
    latest = {(r["name"], r["seed"]): r for r in records}  # a rerun replaces its record
    records = [r for r in records if latest[(r["name"], r["seed"])] is r]
    names = list(dict.fromkeys(r["name"] for r in records))
    head = [
        "config",
        "kind",
        "seeds",
        "stmts",
        "train s",
        "loss q1..q4",
        *ML_SETS,
        "all rows",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, key in (
        ("untuned cosine (with prompt)", "cosine"),
        ("majority class", "majority"),
    ):
        m = records[0]["means"][key]
        cells = [label, "-", "-", "-", "-", "-"] + [
            f"{100 * m[s]:.1f}" for s in ML_SETS
        ]
        lines.append("| " + " | ".join(cells + [f"{100 * m['all rows']:.1f}"]) + " |")
    for name in names:
        rows = [r for r in records if r["name"] == name and scorer in r["means"]]
        if not rows:
            continue
        acc = (
            np.asarray(
                [[r["means"][scorer][s] for s in (*ML_SETS, "all rows")] for r in rows]
            )
            * 100
        )
        mean, sd = acc.mean(0), acc.std(0)
        cells = [
            f"{m:.1f}" if len(rows) == 1 else f"{m:.1f} ± {d:.1f}"
            for m, d in zip(mean, sd)
        ]
        q = np.mean([r["loss_by_quarter"] for r in rows], axis=0)
        info = [
            name,
            rows[0].get("kind", "cross"),
            str(len(rows)),
            str(rows[0]["statements"]),
            f"{np.mean([r['train_seconds'] for r in rows]):.0f}",
            "/".join(f"{v:.2f}" for v in q),
        ]
        lines.append("| " + " | ".join(info + cells) + " |")
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
    p.add_argument("--suite", default="en-quick", choices=["en-quick", "validation"])
    p.add_argument(
        "--model", default="e5", help="e5, minilm or a directory (--suite validation)"
    )
    p.add_argument("--freeze-embeddings", action="store_true")
    p.add_argument(
        "--head-lr", type=float, default=None, help="learning rate of the new head"
    )
    p.add_argument(
        "--layer-decay",
        type=float,
        default=None,
        help="layer-wise learning-rate decay: each encoder layer trains at this times the lr of the one above",
    )
    p.add_argument(
        "--kind",
        default="cross",
        choices=["cross", "bi"],
        help="statement model: cross-encoder (StatementTuner) or bi-encoder",
    )
    p.add_argument(
        "--languages",
        nargs="*",
        default=None,
        help="languages of the training tasks (default en)",
    )
    p.add_argument("--peft", default=None, choices=["lora"])
    p.add_argument(
        "--statement-prompt", default="", help="text put before every statement"
    )
    p.add_argument("--table", action="store_true")
    p.add_argument("--log", type=Path, default=LOG, help="the log --table reads")
    p.add_argument("--save-model", default=None, help="keep the tuned models here")
    args = p.parse_args(argv)
    if args.layer_decay is not None and not 0 < args.layer_decay <= 1:
        p.error(f"--layer-decay must be in (0, 1], got {args.layer_decay}")
    if args.table:
        if args.suite == "validation":
            for scorer in ("statement", "hybrid10", "hybrid_calibrated"):
                print(f"\n### {scorer}\n")
                print(multilingual_table(scorer=scorer))
        else:
            print(table(args.log))
        return
    info = environment()
    for key in ("command", "torch", "transformers", "machine", "cpu_count"):
        print(f"  {key}: {info[key]}")
    if args.suite == "validation":
        run_multilingual(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
