"""Zero-shot quality side by side on the same rows: statement tuning vs what a user picks instead.

On English sets whose task family is held out of training (XNLI, TweetEval
emotion, XWinograd) and cross-dataset sets (SIB-200 and PAWS-X, whose
families are trained on other datasets; AG News with the topic family held
out), all with the same MiniLM backbone:

(a) embedding
    the untuned MiniLM as a sentence-embedding zero-shot classifier
    (:class:`~sklearn_statement.EmbeddingZeroShotClassifier`: cosine between
    the input and each label's description), the baseline a CPU user picks
    today; deterministic.
(b) NLI pipeline
    the NLI approach at the same training budget: MiniLM fine-tuned with
    transformers' ``Trainer`` as a 2-way (entailment / not) cross-encoder on
    the NLI data here (SNLI subsets and RTE), as many training sequences as
    (c) sees, then transformers' ``ZeroShotClassificationPipeline`` (with the
    same label descriptions as hypotheses; PAWS-X as entailment of the second
    sentence, XWinograd as entailment of the filled sentences). Not scored on
    XNLI, its training family.
(c) statement-tuned
    :class:`~sklearn_statement.StatementTuner` with the demo's recipe
    (``sklearn_statement.recipes.DEMO_RECIPE``), scored by
    :class:`~sklearn_statement.ZeroShotStatementClassifier` alone;
(c+a) hybrid
    the same classifier with ``embedding_model`` = the untuned MiniLM (what
    the demo runs).

(b) and (c) are trained with 3 seeds (mean ± sd); every figure has a 95%
percentile bootstrap interval over the rows (of the mean over seeds). AG
News is scored by models trained with the topic family held out too.

Usage::

    python benchmarks/bench_quality.py [--seeds 0 1 2] [--rows 500] [--quick]

Writes ``benchmarks/results/bench_quality.json``, ``bench_quality.md`` and
``bench_quality.png``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, environment, print_environment, write_results  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

#: (name, split, kind): kind "held-out family" or "cross-dataset".
SETS = (
    ("xnli", "test", "held-out family"),
    ("tweeteval_emotion", "test", "held-out family"),
    ("xwinograd", "test", "held-out family"),
    ("sib200", "test", "cross-dataset"),
    ("pawsx", "validation", "cross-dataset"),
    ("agnews", "test", "cross-dataset, topic held out"),
)
#: Held out of (c) and (b) besides the recipe's: the emotion family is evaluated.
EXTRA_HELD_OUT = ("emotion",)


def load_sets(data_dir: Path, rows: int) -> dict:
    from datasets_builders import load_task

    out = {}
    for name, split, _ in SETS:
        ds = load_task(name, split=split, data_dir=data_dir)
        if len(ds) > rows:
            ds = ds.shuffle(seed=0).select(range(rows))
        out[name] = ds
    return out


def bootstrap(correct: np.ndarray, n_resamples: int = 1000, seed: int = 0) -> tuple:
    """95% percentile interval of the mean over rows of ``correct`` (seeds x rows)."""
    per_row = np.atleast_2d(correct).mean(axis=0)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(per_row), size=(n_resamples, len(per_row)))
    means = per_row[idx].mean(axis=1)
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


# ------------------------------------------------------------------ (c) statement tuning
def train_statement_model(recipe, model_path, data_dir, seed):
    from sklearn_statement.recipes import demo_statements, demo_tuner

    statements, labels, ids, _, families = demo_statements(
        recipe, data_dir=data_dir, random_state=seed
    )
    tuner = demo_tuner(recipe, model_path, device="cpu", random_state=seed, verbose=0)
    start = time.perf_counter()
    tuner.fit(statements, labels, example_id=ids)
    seconds = time.perf_counter() - start
    batches = [b for epoch in tuner.history_ for b in epoch["batches"]]
    key = "binary_loss" if "binary_loss" in batches[0] else "train_loss"
    binary = np.asarray([b[key] for b in batches])
    quarters = np.array_split(binary, min(4, len(binary)))
    info = {
        "statements": len(statements),
        "families": sorted(set(families)),
        "seconds": round(seconds, 1),
        "binary_loss_by_quarter": [round(float(q.mean()), 4) for q in quarters],
        "train_loss_by_epoch": [
            round(float(h["train_loss"]), 4) for h in tuner.history_
        ],
    }
    return tuner, info


def score_statement_model(tuner, sets, encoder, weight, names):
    """Correctness of (c) alone and of the hybrid (c+a), per set."""
    from sklearn_statement import ZeroShotStatementClassifier

    plain, hybrid = {}, {}
    for name in names:
        ds = sets[name]
        clf = ZeroShotStatementClassifier(
            tuner, template=name, max_length=256, embedding_model=encoder,
            embedding_weight=weight,
        ).fit(ds)  # fmt: skip
        gold = np.asarray(ds["label"])
        z = clf.true_logits(ds)
        mixed = z + weight * clf.embedding_.similarities(ds)
        assert (
            clf.predict(ds.select(range(8))) == clf.classes_[mixed[:8].argmax(1)]
        ).all()
        plain[name] = clf.classes_[z.argmax(1)] == gold
        hybrid[name] = clf.classes_[mixed.argmax(1)] == gold
    return plain, hybrid


# ------------------------------------------------------------------ (b) NLI cross-encoder
def nli_pairs(data_dir: Path) -> tuple[list[str], list[str], list[int]]:
    """SNLI subsets and RTE train as (premise, hypothesis, entailment?) triples."""
    from datasets_builders import load_task

    premises, hypotheses, labels = [], [], []
    for name, split in (("snli", "validation"), ("snli", "test"), ("rte", "train")):
        ds = load_task(name, split=split, data_dir=data_dir)
        premises += list(ds["premise"])
        hypotheses += list(ds["hypothesis"])
        labels += [int(lab == "entailment") for lab in ds["label"]]
    return premises, hypotheses, labels


def train_nli_model(model_path, data_dir, budget, recipe, seed, workdir):
    """MiniLM + a 2-way head, fine-tuned on NLI pairs with transformers' Trainer."""
    import datasets
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
    )

    premises, hypotheses, labels = nli_pairs(data_dir)
    rng = np.random.default_rng(seed)
    order = np.concatenate(
        [rng.permutation(len(labels)) for _ in range(budget // len(labels) + 1)]
    )[:budget]  # the same number of training sequences as (c)
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    enc = tokenizer(
        [premises[i] for i in order], [hypotheses[i] for i in order],
        truncation=True, max_length=recipe.max_length,
    )  # fmt: skip
    train = datasets.Dataset.from_dict({**enc, "labels": [labels[i] for i in order]})
    torch.manual_seed(seed)
    model = AutoModelForSequenceClassification.from_pretrained(
        model_path, num_labels=2, id2label={0: "not_entailment", 1: "entailment"},
        label2id={"not_entailment": 0, "entailment": 1},
    )  # fmt: skip
    args = TrainingArguments(
        output_dir=str(workdir / f"nli-{seed}"), per_device_train_batch_size=recipe.batch_size,
        learning_rate=recipe.lr, num_train_epochs=1, warmup_steps=0.06, max_grad_norm=1.0,
        lr_scheduler_type="linear", seed=seed, data_seed=seed, save_strategy="no",
        report_to=[], logging_steps=10, use_cpu=True, disable_tqdm=True,
    )  # fmt: skip
    trainer = Trainer(
        model=model, args=args, train_dataset=train,
        data_collator=DataCollatorWithPadding(tokenizer),
    )  # fmt: skip
    start = time.perf_counter()
    trainer.train()
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    info = {
        "pairs": len(order),
        "seconds": round(time.perf_counter() - start, 1),
        "loss_by_quarter": [
            round(float(q.mean()), 4)
            for q in np.array_split(np.asarray(losses), min(4, len(losses)))
        ]
        if losses
        else [],
    }
    return model.eval(), tokenizer, info


def score_nli_model(model, tokenizer, sets, names):
    """Correctness of the NLI zero-shot pipeline, per set."""
    from transformers import pipeline

    from sklearn_statement.zero_shot import label_description
    from template_registry import get_template

    pipe = pipeline(
        "zero-shot-classification", model=model, tokenizer=tokenizer, device=-1
    )
    out = {}
    for name in names:
        ds = sets[name]
        gold = list(ds["label"])
        template = get_template(name)
        if name == "pawsx":
            pred = []
            for s1, s2 in zip(ds["sentence1"], ds["sentence2"]):
                r = pipe(
                    s1,
                    candidate_labels=[s2],
                    hypothesis_template="{}",
                    multi_label=True,
                )
                pred.append(
                    1 if r["scores"][0] > 0.5 else 0
                )  # dataset labels: 1 = paraphrase
        elif name == "xwinograd":
            pred = []
            for row in ds:
                filled = [
                    row["sentence"].replace("_", row[o], 1)
                    for o in ("option1", "option2")
                ]
                r = pipe(
                    row["sentence"], candidate_labels=filled, hypothesis_template="{}"
                )
                pred.append(1 if r["labels"][0] == filled[0] else 2)
        else:
            labels = sorted(set(template.labels) | set(gold))
            t = template.with_labels(labels)
            described = {label_description(t, lab): lab for lab in labels}
            results = pipe(
                list(ds["text"]),
                candidate_labels=list(described),
                hypothesis_template="{}",
            )
            pred = [described[r["labels"][0]] for r in results]
        out[name] = np.asarray([p == g for p, g in zip(pred, gold)])
    return out


# ------------------------------------------------------------------ report
def summarize(sets, majority, embedding, nli, plain, hybrid) -> list[dict]:
    rows = []
    for name, _, kind in SETS:
        row = {"dataset": name, "n": len(sets[name]), "kind": kind,
               "majority": round(100 * majority[name], 1)}  # fmt: skip
        for label, per_seed in (
            ("embedding (a)", [embedding[name]]),
            (
                "NLI pipeline (b)",
                [s[name] for s in nli] if nli and name in nli[0] else None,
            ),
            ("statement-tuned (c)", [s[name] for s in plain]),
            ("hybrid (c+a)", [s[name] for s in hybrid]),
        ):
            if per_seed is None:
                row[label] = None
                continue
            correct = np.asarray(per_seed, dtype=float)
            accs = 100 * correct.mean(axis=1)
            low, high = bootstrap(correct)
            row[label] = {
                "mean": round(float(accs.mean()), 1),
                "sd": round(float(accs.std()), 1),
                "seeds": [round(float(a), 1) for a in accs],
                "ci": [round(100 * low, 1), round(100 * high, 1)],
            }
        rows.append(row)
    return rows


COLUMNS = ("embedding (a)", "NLI pipeline (b)", "statement-tuned (c)", "hybrid (c+a)")


def markdown(rows: list[dict]) -> str:
    head = ["dataset", "n", "kind", "majority", *COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def cell(v):
        if v is None:
            return "n/a"
        sd = f" ± {v['sd']}" if len(v["seeds"]) > 1 else ""
        return f"{v['mean']}{sd} ({v['ci'][0]}-{v['ci'][1]})"

    for r in rows:
        lines.append("| " + " | ".join(
            [r["dataset"], str(r["n"]), r["kind"], str(r["majority"])] + [cell(r[c]) for c in COLUMNS]
        ) + " |")  # fmt: skip
    lines.append("")
    for label, subset in (
        (f"all {len(rows)} sets", rows),
        (
            "the sets (b) is scored on (all but XNLI)",
            [r for r in rows if r["NLI pipeline (b)"]],
        ),
    ):
        avg = {
            c: np.mean([r[c]["mean"] for r in subset])
            for c in COLUMNS
            if all(r[c] for r in subset)
        }
        lines.append(
            f"Average over {label}: "
            + ", ".join(f"{c} {v:.1f}" for c, v in avg.items())
            + "."
        )
    return "\n".join(lines)


def averages(rows: list[dict]) -> dict:
    """Mean accuracy per column over all sets and over the sets (b) is scored on."""
    out = {}
    for key, subset in (
        ("all", rows),
        ("without_xnli", [r for r in rows if r["NLI pipeline (b)"]]),
    ):
        out[key] = {c: round(float(np.mean([r[c]["mean"] for r in subset])), 1)
                    for c in COLUMNS if all(r[c] for r in subset)}  # fmt: skip
    return out


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 4.2))
    width = 0.2
    x = np.arange(len(rows))
    for j, column in enumerate(COLUMNS):
        means = [r[column]["mean"] if r[column] else np.nan for r in rows]
        low = [r[column]["mean"] - r[column]["ci"][0] if r[column] else 0 for r in rows]
        high = [
            r[column]["ci"][1] - r[column]["mean"] if r[column] else 0 for r in rows
        ]
        ax.bar(
            x + (j - 1.5) * width,
            means,
            width,
            yerr=[low, high],
            capsize=2,
            label=column,
        )
    ax.scatter(
        x,
        [r["majority"] for r in rows],
        marker="_",
        s=600,
        color="black",
        label="majority",
        zorder=3,
    )
    ax.set_xticks(x, [f"{r['dataset']}\n({r['kind']})" for r in rows], fontsize=7)
    ax.set_ylabel("accuracy (%)")
    ax.set_title(
        "Zero-shot accuracy, English, MiniLM-L6 on 2 CPU cores (95% bootstrap CI)"
    )
    ax.legend(fontsize=7, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument(
        "--rows", type=int, default=500, help="rows per set (SIB-200 has 204)"
    )
    p.add_argument("--data-dir", type=Path, default=DATA)
    p.add_argument("--quick", action="store_true", help="functional check: tiny sizes")
    p.add_argument("--no-nli", action="store_true", help="skip (b)")
    p.add_argument("--out-dir", type=Path, default=None)
    args = p.parse_args(argv)
    import tempfile

    import torch

    from sklearn_statement import EmbeddingZeroShotClassifier
    from sklearn_statement.backends import load_sentence_encoder
    from sklearn_statement.recipes import DEMO_RECIPE, default_model_path

    info = environment()
    print_environment(info)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    recipe = DEMO_RECIPE
    if args.quick:
        recipe = replace(recipe, n_per_task=64)
        args.rows, args.seeds = 40, args.seeds[:1]
    recipe_a = replace(
        recipe, exclude_families=tuple(recipe.exclude_families) + EXTRA_HELD_OUT
    )
    recipe_b = replace(
        recipe_a, exclude_families=tuple(recipe_a.exclude_families) + ("topic",)
    )
    model_path = default_model_path()
    sets = load_sets(args.data_dir, args.rows)
    encoder = load_sentence_encoder(model_path, "cpu")
    names_a = [n for n, _, _ in SETS if n != "agnews"]
    majority, embedding = {}, {}
    for name, ds in sets.items():
        gold = np.asarray(ds["label"])
        values, counts = np.unique(gold, return_counts=True)
        majority[name] = counts.max() / len(gold)
        clf = EmbeddingZeroShotClassifier(encoder, template=name).fit(ds)
        embedding[name] = clf.predict(ds) == gold
        print(f"(a) {name}: {100 * embedding[name].mean():.1f}", flush=True)
    plain, hybrid, nli, training = [], [], [], []
    workdir = Path(tempfile.mkdtemp(prefix="bench_quality_"))
    for seed in args.seeds:
        tuner_a, info_a = train_statement_model(
            recipe_a, model_path, args.data_dir, seed
        )
        p_a, h_a = score_statement_model(
            tuner_a, sets, encoder, recipe.embedding_weight, names_a
        )
        tuner_b, info_b = train_statement_model(
            recipe_b, model_path, args.data_dir, seed
        )
        p_b, h_b = score_statement_model(
            tuner_b, sets, encoder, recipe.embedding_weight, ["agnews"]
        )
        plain.append({**p_a, **p_b})
        hybrid.append({**h_a, **h_b})
        record = {
            "seed": seed,
            "statement_model": info_a,
            "statement_model_topic_held_out": info_b,
        }
        print(f"seed {seed}: (c)", {k: round(100 * v.mean(), 1) for k, v in plain[-1].items()},
              "(c+a)", {k: round(100 * v.mean(), 1) for k, v in hybrid[-1].items()}, flush=True)  # fmt: skip
        if not args.no_nli:
            model, tok, info_n = train_nli_model(
                model_path, args.data_dir, info_a["statements"] * recipe.max_epochs, recipe, seed, workdir
            )  # fmt: skip
            nli.append(
                score_nli_model(
                    model, tok, sets, [n for n, _, _ in SETS if n != "xnli"]
                )
            )
            record["nli_model"] = info_n
            print(
                f"seed {seed}: (b)",
                {k: round(100 * v.mean(), 1) for k, v in nli[-1].items()},
                flush=True,
            )
        training.append(record)
    rows = summarize(sets, majority, embedding, nli, plain, hybrid)
    table = markdown(rows)
    print(table)
    leaves = [
        t["statement_model"]["binary_loss_by_quarter"][-1] < 0.6 for t in training
    ]
    payload = {
        "environment": info,
        "recipe": asdict(recipe),
        "held_out": {
            "statement_model": list(recipe_a.exclude_families),
            "agnews_model": list(recipe_b.exclude_families),
        },
        "seeds": args.seeds,
        "rows": rows,
        "averages": averages(rows),
        "training": training,
        "targets": {
            "binary loss < 0.6 in the last quarter of epoch 1, seeds": f"{sum(leaves)} of {len(leaves)}",
        },
    }
    out = args.out_dir or RESULTS
    name = "bench_quality_quick" if args.quick else "bench_quality"
    write_results(name, payload, out)
    (Path(out) / f"{name}.md").write_text(
        f"Command: `{info['command']}` ({info['date']}, {info['cpu_model']}, "
        f"torch {info['torch']})\n\n{table}\n", encoding="utf-8"
    )  # fmt: skip
    plot(rows, Path(out) / f"{name}.png")


if __name__ == "__main__":
    main()
