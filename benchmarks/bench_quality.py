"""Zero-shot quality on the multilingual test suite: statement tuning vs what a user picks instead.

The *test* suite of ``benchmarks/_study.py`` (scored once; recipes are chosen
on the validation suite by ``ablation_training.py --suite validation``):
SIB-200 test in 24 languages, XNLI test in 15 (300 rows each), PAWS-X in 7
(the second half of dev), XCOPA test in 11, XWinograd in 5 (the second half),
TweetEval emotion test (500 rows). Every column is scored on the same rows,
with the same encoder (``--model``, default multilingual-e5-small, built
offline by :func:`sklearn_statement.offline_model`):

majority
    the most frequent gold label of the (dataset, language) rows.
(a) cosine
    the untuned encoder as a sentence-embedding classifier
    (:class:`~sklearn_statement.EmbeddingZeroShotClassifier`) with its prompt
    (e5: ``"query: "``): the baseline a CPU user picks today; deterministic.
For each recipe of ``sklearn_statement.recipes.RECIPES`` (``--recipes``):

(b) NLI pipeline
    the NLI approach at the recipe's budget: the encoder with a 2-way head
    fine-tuned with transformers' ``Trainer`` on English entailment pairs
    (SNLI subsets and RTE; GLUE QNLI too when the budget exceeds them: see
    :func:`nli_pairs`), as many pairs as the recipe has statements (times its
    epochs), with its learning rate, batch and token budget, bf16 autocast
    where ``--precision`` gives bfloat16 (the ``demo`` budget's column of the
    results file predates that and trained in fp32: its header says), then
    transformers' ``ZeroShotClassificationPipeline`` (the label descriptions
    of (a) as hypotheses; PAWS-X as entailment of the second sentence, XCOPA as
    entailment of the effect by the premise or of the premise by the cause,
    XWinograd as entailment of the filled sentences). Not scored on XNLI, its
    training family. Column ``"<recipe>: NLI pipeline (b)"``.
(c) cross
    the recipe's :class:`~sklearn_statement.StatementTuner` alone (argmax of
    the true-logits);
(d) bi
    the recipe's :class:`~sklearn_statement.BiEncoderStatementTuner` alone
    (cosine with the tuned encoder, same prompt);
(c+d) hybrid
    true-logits + ``recipe.embedding_weight`` x the tuned bi-encoder's cosine:
    the classifier ``sklearn-statement demo`` builds and the README shows;
(c+a) cross + cosine
    true-logits + the same weight x the untuned encoder's cosine.

Seeds: ``--seeds`` for ``demo`` (default 0 1 2), ``--full-seeds`` for
``full`` (default one seed: its seed spread is taken as the demo's, as the
output says); (b) at a recipe's budget takes that recipe's seeds. Figures
are means over seeds (± sd over seeds); 95% percentile bootstrap intervals
resample the rows (examples) of the per-example correctness averaged over
seeds, with the same resamples for every column; dataset and all-rows
averages are means over (dataset, language) rows, their intervals from the
same resamples.

The targets of issue 22 are checked at the end (met / missed, with numbers).

Usage (2 CPU cores: one run at a time)::

    python benchmarks/bench_quality.py                       # demo x 3 seeds, full x 1
    python benchmarks/bench_quality.py --recipes demo --seeds 0 1 2
    python benchmarks/bench_quality.py --recipes full --full-seeds 0 --no-nli \\
        --rows 100 --merge benchmarks/results/bench_quality.json   # full beside demo
    python benchmarks/bench_quality.py --recipes full --full-seeds 0 --nli-only \\
        --rows 100 --merge benchmarks/results/bench_quality.json   # (b) at full's budget
    python benchmarks/bench_quality.py --quick --out-dir /tmp/bq   # functional check

Writes ``benchmarks/results/bench_quality.json``, ``bench_quality.md`` and
``bench_quality_<dataset>.png`` (``bench_quality_quick*`` with ``--quick``).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _study  # noqa: E402
from _common import RESULTS, environment, print_environment, write_results  # noqa: E402
from _study import (  # noqa: E402
    DATA,
    UNSEEN_FAMILIES,
    Row,
    combine,
    cosine_similarities,
    load_suite,
    loss_quarters,
    true_logits,
)
from ablation_training import cached_cosine, model_path  # noqa: E402

COSINE, NLI = "cosine (a)", "NLI pipeline (b)"
#: Per-recipe columns of the recipe's own models (suffixes of :func:`column`).
RECIPE_COLUMNS = ("cross (c)", "bi (d)", "hybrid (c+d)", "cross+cosine (c+a)")
#: The column of (b) before it was trained per recipe budget (the demo's).
LEGACY_NLI = NLI
#: Columns drawn in the per-dataset plots (the tables hold them all).
PLOTTED = (COSINE, NLI, "cross (c)", "hybrid (c+d)")
#: Sizes of ``--quick``: statements per task, rows and languages per dataset.
QUICK = {"n_per_task": 16, "n_mt": 8, "rows": 6, "languages": 2}
N_RESAMPLES = 1000


def column(recipe: str, suffix: str) -> str:
    return f"{recipe}: {suffix}"


def column_order() -> list[str]:
    """Every column in report order: (a), then per recipe (b), (c), (d), (c+d), (c+a)."""
    from sklearn_statement.recipes import RECIPES

    return [COSINE] + [column(n, s) for n in RECIPES for s in (NLI, *RECIPE_COLUMNS)]


# ------------------------------------------------------------------ rows
def suite_rows(data_dir: Path, rows: int | None, quick: bool) -> list[Row]:
    """The test suite's rows, at most ``rows`` examples per (dataset, language)."""
    name = "test"
    if quick:  # a registered sub-suite: the first languages of each dataset
        name = "test-quick"
        _study.SUITES[name] = tuple(
            replace(p, languages=p.languages[: QUICK["languages"]])
            for p in _study.SUITES["test"]
        )
    out = []
    for row in load_suite(name, data_dir):
        if rows is not None and len(row.data) > rows:
            order = np.random.default_rng(0).permutation(len(row.data))[:rows]
            row = Row(row.task, row.language, row.data.select(sorted(order.tolist())))
        out.append(row)
    return out


def correctness(rows: list[Row], scores: dict) -> dict[str, np.ndarray]:
    """Per row key: whether the argmax of ``scores`` is the gold label, per example."""
    out = {}
    for row in rows:
        classes, s = scores[row.key]
        out[row.key] = classes[np.argmax(s, axis=1)] == row.gold
    return out


def encoder_prompt(path: str) -> str:
    """The encoder's default prompt (``config_sentence_transformers.json``), or ''."""
    config = Path(path) / "config_sentence_transformers.json"
    if not config.exists():
        return ""
    data = json.loads(config.read_text(encoding="utf-8"))
    name = data.get("default_prompt_name")
    return (data.get("prompts") or {}).get(name, "") if name else ""


# ------------------------------------------------------------------ (c), (d) recipes
def train_recipe(recipe, path: str, data_dir: Path, seed: int, precision: str):
    """The recipe's cross-encoder and (if it has one) bi-encoder, on their statement tables."""
    table = recipe.table(data_dir=data_dir, random_state=seed)
    params = dict(device="cpu", precision=precision, random_state=seed, verbose=0)
    cross = recipe.tuner(path, **params)
    start = time.perf_counter()
    cross.fit(table)
    info = {
        "seed": seed,
        "statements": len(table),
        "examples": len(set(table["example_id"])),
        "families": sorted(set(table["family"])),
        "cross_seconds": round(time.perf_counter() - start, 1),
        "cross_loss_by_quarter": loss_quarters(
            [b["train_loss"] for epoch in cross.history_ for b in epoch["batches"]]
        ),
    }
    bi = None
    if recipe.bi_encoder:
        bi_table = recipe.bi_recipe().table(data_dir=data_dir, random_state=seed)
        info["bi_statements"] = len(bi_table)
        bi = recipe.bi_encoder_tuner(path, **params)
        start = time.perf_counter()
        bi.fit(bi_table)
        info["bi_seconds"] = round(time.perf_counter() - start, 1)
        info["bi_loss_by_quarter"] = loss_quarters(
            [h["loss"] for h in bi.history_ if "loss" in h]
        )
    return cross, bi, info


def score_recipe(rows, cross, bi, cosine, recipe, precision: str) -> dict:
    """Correctness per column of the recipe: (c), (d), (c+d), (c+a)."""
    start = time.perf_counter()
    z = true_logits(rows, cross, max_length=256, precision=precision)
    w = recipe.embedding_weight
    out = {
        "cross (c)": correctness(rows, z),
        "cross+cosine (c+a)": correctness(rows, combine(z, cosine, w)),
    }
    check = None
    if bi is not None:
        d = cosine_similarities(rows, bi.encoder_)
        out["bi (d)"] = correctness(rows, d)
        out["hybrid (c+d)"] = correctness(rows, combine(z, d, w))
        check = hybrid_check(rows[0], cross, bi, z, d, w, precision)
    seconds = round(time.perf_counter() - start, 1)
    return out, {"score_seconds": seconds, "hybrid_matches_classifier": check}


def hybrid_check(row, cross, bi, z, d, weight, precision) -> str:
    """(c+d) equals what ZeroShotStatementClassifier(embedding_model=bi) predicts (8 rows)."""
    from sklearn_statement import ZeroShotStatementClassifier

    sample = row.data.select(range(min(8, len(row.data))))
    clf = ZeroShotStatementClassifier(
        cross,
        template=row.task,
        language=row.language,
        max_length=256,
        precision=precision,
        embedding_model=bi.encoder_,
        embedding_weight=weight,
    ).fit(sample)
    classes, zs = z[row.key]
    mine = classes[
        np.argmax(zs[: len(sample)] + weight * d[row.key][1][: len(sample)], 1)
    ]
    same = int((clf.predict(sample) == mine).sum())
    return f"{same} of {len(sample)} ({row.key})"


# ------------------------------------------------------------------ (b) NLI cross-encoder
def nli_pairs(data_dir: Path, budget: int) -> tuple[list, list, list, str]:
    """English entailment pairs: premises, hypotheses, entailment? (0 / 1), their sources.

    SNLI's dev / test subsets and RTE train (5,017 pairs); when ``budget``
    exceeds them, GLUE QNLI's 5,000 question-sentence pairs too (the sentence
    as premise, the question as hypothesis: "the sentence answers it"), the
    only other English entailment pairs in ``shared/data`` (MNLI and QNLI
    train are not there). The demo's budget (4,000) draws from the first
    three only, as it always has.
    """
    from datasets_builders import load_task

    premises, hypotheses, labels = [], [], []
    sources = "SNLI subsets + RTE"
    for name, split in (("snli", "validation"), ("snli", "test"), ("rte", "train")):
        ds = load_task(name, split=split, data_dir=data_dir)
        premises += list(ds["premise"])
        hypotheses += list(ds["hypothesis"])
        labels += [int(lab == "entailment") for lab in ds["label"]]
    if budget > len(labels):
        ds = load_task("qnli", split="validation", data_dir=data_dir)
        premises += list(ds["sentence"])
        hypotheses += list(ds["question"])
        labels += [int(lab == "entailment") for lab in ds["label"]]
        sources += " + QNLI"
    return premises, hypotheses, labels, sources


def train_nli_model(model_path, data_dir, budget, recipe, seed, workdir, precision):
    """The encoder + a 2-way head, fine-tuned on NLI pairs with transformers' Trainer.

    ``budget`` training sequences: passes over a fresh permutation of
    :func:`nli_pairs` until it is reached (no pair twice while the pool
    lasts). bf16 autocast (``TrainingArguments(bf16=True)``) where
    ``precision`` resolves to bfloat16 on this CPU, as the recipes train.
    """
    import datasets
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
    )

    from sklearn_statement.utils import resolve_precision

    premises, hypotheses, labels, sources = nli_pairs(data_dir, budget)
    rng = np.random.default_rng(seed)
    order = np.concatenate(
        [rng.permutation(len(labels)) for _ in range(budget // len(labels) + 1)]
    )[:budget]  # the same number of training sequences as the recipe's statements
    bf16 = resolve_precision(precision, torch.device("cpu")) == torch.bfloat16
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    enc = tokenizer(
        [premises[i] for i in order],
        [hypotheses[i] for i in order],
        truncation=True,
        max_length=recipe.max_length,
    )
    train = datasets.Dataset.from_dict({**enc, "labels": [labels[i] for i in order]})
    torch.manual_seed(seed)
    model = AutoModelForSequenceClassification.from_pretrained(
        model_path,
        num_labels=2,
        id2label={0: "not_entailment", 1: "entailment"},
        label2id={"not_entailment": 0, "entailment": 1},
    )
    args = TrainingArguments(
        output_dir=str(workdir / f"nli-{seed}"),
        per_device_train_batch_size=recipe.batch_size,
        learning_rate=recipe.lr,
        num_train_epochs=1,
        warmup_steps=0.06,
        max_grad_norm=1.0,
        lr_scheduler_type="linear",
        seed=seed,
        data_seed=seed,
        save_strategy="no",
        report_to=[],
        logging_steps=10,
        use_cpu=True,
        bf16=bf16,
        disable_tqdm=True,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    start = time.perf_counter()
    trainer.train()
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    info = {
        "seed": seed,
        "pairs": len(order),
        "distinct_pairs": len(labels),
        "sources": sources,
        "precision": "bf16" if bf16 else "fp32",
        "seconds": round(time.perf_counter() - start, 1),
        "loss_by_quarter": loss_quarters(losses),
    }
    return model.eval(), tokenizer, info


def _entailment(pipe, premise: str, hypothesis: str) -> float:
    """P(entailment) of one pair (the pipeline's multi-label score)."""
    r = pipe(
        premise,
        candidate_labels=[hypothesis],
        hypothesis_template="{}",
        multi_label=True,
    )
    return r["scores"][0]


def score_nli_model(model, tokenizer, rows: list[Row]) -> dict[str, np.ndarray]:
    """Correctness of the NLI zero-shot pipeline per row (XNLI left out)."""
    from transformers import pipeline

    from template_registry import get_template, label_description

    pipe = pipeline(
        "zero-shot-classification", model=model, tokenizer=tokenizer, device=-1
    )
    out = {}
    for row in rows:
        ds, gold = row.data, row.gold
        if row.task == "xnli":
            continue
        if row.task == "pawsx":  # dataset labels: 1 = paraphrase
            pred = [
                int(_entailment(pipe, a, b) > 0.5)
                for a, b in zip(ds["sentence1"], ds["sentence2"])
            ]
        elif row.task == "xcopa":  # labels 0 / 1: choice1 / choice2
            pred = []
            for ex in ds:
                choices = [ex["choice1"], ex["choice2"]]
                if ex["question"] == "cause":  # the cause entails the premise
                    p = [_entailment(pipe, c, ex["premise"]) for c in choices]
                else:  # the premise entails its effect
                    p = [_entailment(pipe, ex["premise"], c) for c in choices]
                pred.append(int(np.argmax(p)))
        elif row.task == "xwinograd":  # labels 1 / 2: option1 / option2
            pred = []
            for ex in ds:
                filled = [
                    ex["sentence"].replace("_", ex[o], 1)
                    for o in ("option1", "option2")
                ]
                r = pipe(
                    ex["sentence"], candidate_labels=filled, hypothesis_template="{}"
                )
                pred.append(1 if r["labels"][0] == filled[0] else 2)
        else:  # one-field templates: the label descriptions of (a)
            template = get_template(row.task, language=row.language)
            labels = sorted(set(template.labels) | set(gold.tolist()))
            t = template.with_labels(labels)
            described = {label_description(t, lab): lab for lab in labels}
            results = pipe(
                list(ds["text"]),
                candidate_labels=list(described),
                hypothesis_template="{}",
                batch_size=32,
            )
            pred = [described[r["labels"][0]] for r in results]
        out[row.key] = np.asarray(pred) == gold
    return out


# ------------------------------------------------------------------ summary
def bootstrap_means(correct: np.ndarray, seed: int) -> np.ndarray:
    """Resampled means over examples of ``correct`` (seeds x examples) averaged over seeds."""
    per_example = np.atleast_2d(np.asarray(correct, dtype=float)).mean(axis=0)
    rng = np.random.default_rng(seed)  # the same resamples for every column
    idx = rng.integers(0, len(per_example), size=(N_RESAMPLES, len(per_example)))
    return per_example[idx].mean(axis=1)


def stats(per_seed_acc: np.ndarray, resampled: np.ndarray) -> dict:
    """Mean and sd over seeds, the seeds' values and the 95% interval (percent)."""
    acc = 100 * np.asarray(per_seed_acc, dtype=float)
    low, high = 100 * np.quantile(resampled, [0.025, 0.975])
    return {
        "mean": round(float(acc.mean()), 1),
        "sd": round(float(acc.std()), 1),
        "seeds": [round(float(a), 1) for a in acc],
        "ci": [round(float(low), 1), round(float(high), 1)],
    }


def summarize(rows: list[Row], results: dict[str, list[dict]]) -> tuple[list, dict]:
    """Per-row figures and averages (per dataset, all rows, all rows but XNLI)."""
    table, resamples, accs = [], {}, {}
    for i, row in enumerate(rows):
        entry = {
            "dataset": row.task,
            "language": row.language,
            "n": len(row.data),
            "majority": round(100 * row.majority(), 1),
        }
        for name, per_seed in results.items():
            if not per_seed or row.key not in per_seed[0]:
                entry[name] = None
                continue
            correct = np.asarray([s[row.key] for s in per_seed], dtype=float)
            resamples[name, row.key] = bootstrap_means(correct, seed=i)
            accs[name, row.key] = correct.mean(axis=1)
            entry[name] = stats(accs[name, row.key], resamples[name, row.key])
        table.append(entry)
    groups = {
        task: [r.key for r in rows if r.task == task]
        for task in dict.fromkeys(r.task for r in rows)
    }
    groups["all rows"] = [r.key for r in rows]
    groups["all rows but xnli"] = [r.key for r in rows if r.task != "xnli"]
    majority = {r.key: r.majority() for r in rows}
    averages = {
        "majority": {
            g: round(100 * float(np.mean([majority[k] for k in keys])), 1)
            for g, keys in groups.items()
            if keys
        }
    }
    for name in results:
        averages[name] = {}
        for group, keys in groups.items():
            if not keys or any((name, k) not in accs for k in keys):
                continue  # (b) has no XNLI rows: no average that includes them
            per_seed = np.mean([accs[name, k] for k in keys], axis=0)
            resampled = np.mean([resamples[name, k] for k in keys], axis=0)
            averages[name][group] = stats(per_seed, resampled)
    return table, averages


# ------------------------------------------------------------------ targets (issue 22)
def _target(recipe, what, met, numbers) -> dict:
    return {"recipe": recipe, "target": what, "met": bool(met), "numbers": numbers}


def check_targets(averages: dict, recipes: list[str]) -> list[dict]:
    """The targets of issue 22 that the run's recipes can be checked against."""
    cos = averages[COSINE]
    datasets = [g for g in cos if not g.startswith("all rows")]
    out = []
    for name in recipes:
        cross = averages[column(name, "cross (c)")]
        hybrid = (
            averages.get(column(name, "hybrid (c+d)"))
            or averages[column(name, "cross+cosine (c+a)")]
        )
        if name == "full":
            a, b = cross["all rows"]["mean"], cos["all rows"]["mean"]
            out.append(
                _target(
                    name,
                    "cross (c) alone >= cosine + 5 on all rows",
                    a >= b + 5,
                    f"{a} vs {b} + 5 = {b + 5:.1f}",
                )
            )
            gaps = {d: round(cross[d]["mean"] - cos[d]["mean"], 1) for d in datasets}
            out.append(
                _target(
                    name,
                    "no dataset's cross (c) average more than 1 below cosine",
                    min(gaps.values()) >= -1,
                    f"(c) - (a) per dataset: {gaps}",
                )
            )
            for task, bound in (("xnli", 40.0), ("xcopa", 55.0)):
                if task in cross:
                    v = cross[task]["mean"]
                    out.append(
                        _target(
                            name,
                            f"{task} cross (c) average >= {bound:g}",
                            v >= bound,
                            f"{v} vs {bound:g}",
                        )
                    )
        if name == "demo":
            a, b = hybrid["all rows"]["mean"], cos["all rows"]["mean"]
            out.append(
                _target(
                    name,
                    "hybrid (c+d) >= cosine + 3 on all rows",
                    a >= b + 3,
                    f"{a} vs {b} + 3 = {b + 3:.1f}",
                )
            )
            gaps = {d: round(hybrid[d]["mean"] - cos[d]["mean"], 1) for d in datasets}
            out.append(
                _target(
                    name,
                    "every dataset's hybrid (c+d) average >= cosine - 1",
                    min(gaps.values()) >= -1,
                    f"(c+d) - (a) per dataset: {gaps}",
                )
            )
        if name in ("demo", "full"):
            from template_registry import list_tasks

            family = list_tasks()
            unseen = [d for d in datasets if family.get(d) in UNSEEN_FAMILIES]
            for label, avg in (("cross (c)", cross), ("hybrid (c+d)", hybrid)):
                clear = {d: (avg[d]["ci"][0], averages["majority"][d]) for d in unseen}
                out.append(
                    _target(
                        name,
                        f"unseen families ({', '.join(unseen)}): {label} above majority, CI clear",
                        all(lo > m for lo, m in clear.values()),
                        "; ".join(
                            f"{d} CI low {lo} vs majority {m}"
                            for d, (lo, m) in clear.items()
                        ),
                    )
                )
    return out


# ------------------------------------------------------------------ --merge
def check_merge(path: Path, setup: dict, expected: dict, recipes: dict) -> dict:
    """Read an earlier run for ``--merge`` and check it before any training.

    Parameters
    ----------
    path : Path
        The earlier run's ``bench_quality.json``.
    setup : dict
        This run's ``quick``, ``max_rows``, ``model`` and ``prompt``; the
        earlier run's must be the same (``max_rows`` is read from its
        command when the file predates the key).
    expected : dict
        Recipe name -> the recipe this run would train under that name
        (``--quick`` applied); the earlier run's recipes that this run does
        not train must equal it (fields added since must hold their
        defaults).
    recipes : dict
        The recipes whose models this run trains (their earlier columns are
        dropped; the others must be unchanged).

    Returns
    -------
    dict
        The earlier run's payload.

    Raises
    ------
    ValueError
        If the set-up differs, a recipe to merge is unknown today or has
        changed, or an earlier NLI (b) column has no recipe beside it to check
        its budget against (:func:`upgrade_legacy_nli` renames the single (b)
        column of older files).
    """
    import dataclasses
    import shlex

    from sklearn_statement.recipes import Recipe

    old = json.loads(Path(path).read_text(encoding="utf-8"))
    if "max_rows" not in old:  # files written before the key: read the command
        words = shlex.split(old["environment"]["command"])
        old["max_rows"] = (
            int(words[words.index("--rows") + 1]) if "--rows" in words else None
        )
    for key, value in setup.items():
        if old.get(key) != value:
            raise ValueError(
                f"{path}: {key}={old.get(key)!r}, this run {key}={value!r}; merge "
                "only runs of the same set-up"
            )
    defaults = {f.name: f.default for f in dataclasses.fields(Recipe)}
    for name, settings in old["recipes"].items():
        if name in recipes:
            continue
        if name not in expected:
            raise ValueError(
                f"{path}: recipe {name!r} is not a recipe today ({sorted(expected)})"
            )
        then = {k: settings.get(k, defaults[k]) for k in defaults}
        now = json.loads(json.dumps(asdict(expected[name])))
        changed = {
            k: (then[k], v)
            for k, v in now.items()
            if json.loads(json.dumps(then[k])) != v
        }
        if changed:
            raise ValueError(
                f"{path}: recipe {name!r} has changed since that run "
                f"(field: (then, now) {changed}); rerun it instead of merging"
            )
    old = upgrade_legacy_nli(old, path)
    for name in old["training"].get("nli", {}):
        if name not in old["recipes"]:
            raise ValueError(
                f"{path}: its NLI (b) column at the {name!r} budget has no {name!r} "
                "recipe beside it to check that budget against; rerun (b)"
            )
    return old


def upgrade_legacy_nli(old: dict, path) -> dict:
    """Rename an earlier file's single (b) column to the demo budget's column.

    Files written before (b) was trained at each recipe's budget hold one
    column, ``"NLI pipeline (b)"``, trained at the ``demo`` recipe's budget
    with the demo's seeds (``seeds["nli"]`` and ``training["nli"]`` lists);
    today the same column is ``column("demo", NLI)`` and ``seeds["nli"]`` /
    ``training["nli"]`` map a recipe name to its list.

    Raises
    ------
    ValueError
        If the file's (b) column has no demo recipe beside it.
    """
    if not isinstance(old.get("training", {}).get("nli", {}), list):
        return old
    if "demo" not in old["recipes"]:
        raise ValueError(
            f"{path}: its NLI (b) column has no demo recipe beside it to check its "
            "budget against; rerun (b)"
        )
    new = column("demo", NLI)
    old = {
        **old,
        "columns": [new if c == LEGACY_NLI else c for c in old["columns"]],
        "rows": [
            {(new if k == LEGACY_NLI else k): v for k, v in row.items()}
            for row in old["rows"]
        ],
        "averages": {
            (new if k == LEGACY_NLI else k): v for k, v in old["averages"].items()
        },
        "seeds": {**old["seeds"], "nli": {"demo": old["seeds"]["nli"]}},
        "training": {**old["training"], "nli": {"demo": old["training"]["nli"]}},
    }
    earlier = old.get("merged_from", [])
    old["merged_from"] = [
        {**m, "columns": [new if c == LEGACY_NLI else c for c in m["columns"]]}
        for m in ([earlier] if isinstance(earlier, dict) else earlier)
    ]
    return old


def check_merge_rows(old: dict, table: list[dict]) -> None:
    """The earlier run's rows must be this run's (``table``: :func:`summarize`'s rows).

    Compared per row: dataset, language, n, majority and the cosine (a) figures.

    Raises
    ------
    ValueError
        If the number of rows or any row's figures differ.
    """
    if len(old["rows"]) != len(table):
        raise ValueError(
            f"the merged run has {len(old['rows'])} rows, this one {len(table)}"
        )
    keys = ("dataset", "language", "n", "majority", COSINE)
    for a, b in zip(old["rows"], table):
        if any(a[k] != b[k] for k in keys):
            raise ValueError(
                f"row {a['dataset']}/{a['language']} of the merged run differs from "
                f"this run's ({ {k: a[k] for k in keys} } vs { {k: b[k] for k in keys} }); "
                "merge only runs on the same rows"
            )


def merge_previous(old: dict, payload: dict, path: str | None = None) -> dict:
    """Add the columns of an earlier run (``--merge``) that this run's recipes do not produce.

    Exact, not an approximation: the per-row intervals resample the rows with
    seeds fixed per row (:func:`bootstrap_means`), and the averages are means
    of per-row figures, so an earlier run's columns are what this run would
    have computed for them, provided the rows are the same
    (:func:`check_merge_rows`, checked again here) and the recipes too
    (:func:`check_merge`). Columns of a recipe this run trains (its models:
    ``payload["training"][name]``; its (b): ``payload["training"]["nli"]``)
    are never taken from the earlier run. ``merged_from`` lists every earlier run a
    column came from (``path``: where it was read; a merged file merged again
    keeps its own list).

    Raises
    ------
    ValueError
        If the rows or the cosine column differ.
    """
    old = upgrade_legacy_nli(old, path)
    check_merge_rows(old, payload["rows"])
    trained = [n for n in payload["recipes"] if n in payload["training"]]
    nli_now = payload["training"].get("nli", {})
    own = {column(n, s) for n in trained for s in RECIPE_COLUMNS} | {
        column(n, NLI) for n in [*trained, *nli_now]
    }
    taken = [c for c in old["columns"] if c not in payload["columns"] and c not in own]
    order = column_order()
    extra = [n for n in old["recipes"] if n not in trained]
    nli_kept = [n for n in old["training"].get("nli", {}) if column(n, NLI) in taken]
    earlier = old.get("merged_from", [])
    if isinstance(earlier, dict):  # files of the first --merge kept one dict
        earlier = [earlier]
    earlier = [  # the earlier runs' columns that this run does not replace
        {**e, "columns": [c for c in e["columns"] if c in taken]} for e in earlier
    ]
    earlier = [e for e in earlier if e["columns"]]
    source = {
        "path": path,
        "columns": [c for c in taken if not any(c in e["columns"] for e in earlier)],
        "command": old["environment"]["command"],
        "date": old["environment"].get("date"),
        "sklearn_statement": old["environment"].get("sklearn_statement"),
        "seconds": old["seconds"],
    }
    return {
        **payload,
        "columns": [c for c in order if c in payload["columns"] or c in taken],
        "rows": [
            {**new, **{c: row.get(c) for c in taken}}
            for row, new in zip(old["rows"], payload["rows"])
        ],
        "averages": {
            **payload["averages"],
            **{c: old["averages"][c] for c in taken},
        },
        "recipes": {
            **{n: old["recipes"][n] for n in extra},
            **payload["recipes"],
        },
        **{
            key: {
                **{n: v for n, v in old[key].items() if n in extra},
                **{n: v for n, v in payload[key].items() if n != "nli"},
                **(
                    {
                        "nli": {
                            **{n: old[key]["nli"][n] for n in nli_kept},
                            **payload[key].get("nli", {}),
                        }
                    }
                    if nli_kept or "nli" in payload[key]
                    else {}
                ),
            }
            for key in ("seeds", "training")
        },
        "merged_from": [*earlier, source] if source["columns"] else earlier,
    }


# ------------------------------------------------------------------ report
def cell(v: dict | None) -> str:
    if v is None:
        return "n/a"
    sd = f" ± {v['sd']}" if len(v["seeds"]) > 1 else ""
    return f"{v['mean']}{sd} ({v['ci'][0]}–{v['ci'][1]})"


def report_header(
    info: dict, payload: dict, names: list[str], seconds: float, quick: bool
) -> str:
    """The markdown header: command, merged runs, model, seeds, recipes, (b), time."""
    from sklearn_statement.recipes import RECIPES

    seeds, training = payload["seeds"], payload["training"]

    def recipe(n: str) -> str:
        runs = training[n]
        bi = (
            f", bi-encoder {runs[0].get('bi_statements', runs[0]['statements'])} "
            f"statements, {np.mean([t['bi_seconds'] for t in runs]):.0f}s"
            if RECIPES[n].bi_encoder
            else ""
        )
        return (
            f"{n} ({RECIPES[n].description}; {runs[0]['statements']} statements, "
            f"cross-encoder {np.mean([t['cross_seconds'] for t in runs]):.0f}s{bi}, "
            f"hybrid weight {RECIPES[n].embedding_weight:g})"
        )

    merged = [
        f"Columns {', '.join(m['columns'])} merged from `{m.get('path')}`: "
        f"`{m['command']}` ({m['date']}, sklearn-statement {m['sklearn_statement']}, "
        f"{m['seconds']:.0f}s), on the same rows and set-up (checked: every row's n, "
        "majority and cosine (a) identical; the merged recipes' settings unchanged)."
        for m in payload.get("merged_from", [])
    ]
    lines = [
        "# bench_quality: zero-shot accuracy on the multilingual test suite"
        + (" (--quick: functional check, not a result)" if quick else ""),
        "",
        f"Command: `{info['command']}` ({info['date']}, {info.get('cpu_model', '')}, "
        f"{info['cpu_count']} CPUs, torch {info['torch']}, transformers {info['transformers']}).",
        *merged,
        f"Model: `{Path(payload['model']).name}`, prompt {payload['prompt']!r}. Seeds: "
        + ", ".join(f"{n} {seeds[n]}" for n in names)
        + (f"; {payload['notes']}" if payload["notes"] else "")
        + "".join(f"; {n}: NLI (b) {v}" for n, v in seeds.get("nli", {}).items())
        + ".",
        "Recipes: " + "; ".join(recipe(n) for n in names) + ".",
    ]
    for n, runs in training.get("nli", {}).items():
        lines.append(
            f"{column(n, NLI)}: {runs[0]['pairs']} English entailment pairs (the "
            f"{n} recipe's statement budget) from "
            f"{runs[0].get('sources', 'SNLI subsets + RTE')}"
            + (
                f" ({runs[0]['distinct_pairs']} distinct)"
                if "distinct_pairs" in runs[0]
                else ""
            )
            + f", {runs[0].get('precision', 'fp32')}, "
            f"{np.mean([t['seconds'] for t in runs]):.0f}s training; not scored on "
            "XNLI (its training family)."
        )
    lines.append(f"Total {seconds:.0f}s" + (" (this run)." if merged else "."))
    return "\n".join(lines)


def markdown(table, averages, targets, columns, header: str) -> str:
    groups = list(averages["majority"])
    lines = [header, "", "## Averages over (dataset, language) rows (%)", ""]
    lines += [
        "| scorer | " + " | ".join(groups) + " |",
        "|" + "---|" * (len(groups) + 1),
    ]
    lines.append(
        "| majority | "
        + " | ".join(str(averages["majority"][g]) for g in groups)
        + " |"
    )
    for name in columns:
        lines.append(
            f"| {name} | "
            + " | ".join(cell(averages[name].get(g)) for g in groups)
            + " |"
        )
    lines += ["", "## Targets (issue 22)", ""]
    lines += [
        f"- **{'met' if t['met'] else 'missed'}** ({t['recipe']}) {t['target']}: {t['numbers']}"
        for t in targets
    ] or ["- none checked (no demo / full recipe in this run)"]
    lines += ["", "## Per language (%): mean ± sd over seeds (95% bootstrap CI)", ""]
    for task in dict.fromkeys(r["dataset"] for r in table):
        lines += [
            f"### {task}",
            "",
            "| language | n | majority | " + " | ".join(columns) + " |",
            "|" + "---|" * (len(columns) + 3),
        ]
        for r in (r for r in table if r["dataset"] == task):
            lines.append(
                f"| {r['language']} | {r['n']} | {r['majority']} | "
                + " | ".join(cell(r[c]) for c in columns)
                + " |"
            )
        lines.append("")
    return "\n".join(lines)


def plot(task, table, averages, columns, title, path: Path) -> None:
    """A dot plot per language (sorted), the dataset average on top, 95% CIs as bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(
        (r for r in table if r["dataset"] == task), key=lambda r: r["language"]
    )
    labels = ["average"] + [r["language"] for r in rows]
    entries = [
        {
            "majority": averages["majority"][task],
            **{c: averages[c].get(task) for c in columns},
        }
    ] + rows
    shown = [c for c in columns if any(e.get(c) for e in entries)]
    y = np.arange(len(labels))[::-1].astype(float)
    fig, ax = plt.subplots(
        figsize=(8.5, 1.6 + 0.42 * len(labels) * max(1, len(shown) / 4))
    )
    height = 0.8 / max(1, len(shown))
    for j, name in enumerate(shown):
        pos = y + (len(shown) / 2 - j - 0.5) * height
        have = [(p, e[name]) for p, e in zip(pos, entries) if e.get(name)]
        mean = np.asarray([v["mean"] for _, v in have])
        err = [
            mean - [v["ci"][0] for _, v in have],
            [v["ci"][1] for _, v in have] - mean,
        ]
        ax.errorbar(
            mean,
            [p for p, _ in have],
            xerr=err,
            fmt="o",
            ms=4,
            capsize=2,
            lw=1,
            color=f"C{columns.index(name) % 10}",  # one colour per column in every plot
            label=name,
        )
    ax.scatter(
        [e["majority"] for e in entries],
        y,
        marker="|",
        s=250,
        color="black",
        label="majority",
        zorder=3,
    )
    ax.axhline(y[0] - 0.5, color="grey", lw=0.5)
    for k in range(1, len(y), 2):  # bands: which dots belong to which language
        ax.axhspan(y[k] - 0.5, y[k] + 0.5, color="grey", alpha=0.08, lw=0)
    ax.set_yticks(y, labels)
    ax.set_ylim(y[-1] - 0.6, y[0] + 0.6)
    ax.set_xlabel("accuracy (%)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ------------------------------------------------------------------ main
def main(argv=None) -> None:
    from sklearn_statement.recipes import RECIPES

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default="e5", help="e5, minilm or a model directory")
    p.add_argument(
        "--recipes", nargs="+", default=["demo", "full"], choices=sorted(RECIPES)
    )
    p.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=[0, 1, 2],
        help="seeds of the demo recipe (and of (b) at its budget)",
    )
    p.add_argument(
        "--full-seeds",
        type=int,
        nargs="+",
        default=[0],
        help="seeds of the full recipe (default one: the demo's spread stands in)",
    )
    p.add_argument(
        "--rows",
        type=int,
        default=None,
        help="at most this many rows per (dataset, language) (default: the suite's)",
    )
    p.add_argument("--data-dir", type=Path, default=DATA)
    p.add_argument("--precision", default="auto", help="tuner and scoring precision")
    nli = p.add_mutually_exclusive_group()
    nli.add_argument("--no-nli", action="store_true", help="skip (b)")
    nli.add_argument(
        "--nli-only",
        action="store_true",
        help="train and score only (b), at the budgets of --recipes; their "
        "other columns come from --merge (required)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="functional check: 2 languages per dataset, 6 rows, 16 statements per task",
    )
    p.add_argument("--out-dir", type=Path, default=None)
    p.add_argument(
        "--merge",
        type=Path,
        default=None,
        help="an earlier bench_quality.json on the same rows: keep its columns "
        "that this run does not score (e.g. the demo's when only --recipes "
        "full runs); a recipe trained now replaces all its columns, its (b) "
        "too (also under --no-nli); checked to be the same rows and recipes",
    )
    args = p.parse_args(argv)
    if args.nli_only and args.merge is None:
        p.error("--nli-only adds (b) beside an earlier run's columns: give --merge")

    info = environment()
    print_environment(info)
    path = model_path(args.model)
    prompt = encoder_prompt(path)
    seeds = {"demo": args.seeds, "full": args.full_seeds}
    expected = dict(RECIPES)
    if args.quick:
        expected = {
            n: r.resized(QUICK["n_per_task"], QUICK["n_mt"]) for n, r in RECIPES.items()
        }
        seeds = {n: s[:1] for n, s in seeds.items()}
        args.rows = QUICK["rows"]
    recipes = {name: expected[name] for name in args.recipes}
    trained = {} if args.nli_only else recipes  # the recipes whose models train now
    setup = {
        "quick": args.quick,
        "max_rows": args.rows,
        "model": path,
        "prompt": prompt,
    }
    previous = (
        None
        if args.merge is None
        else check_merge(args.merge, setup, expected, trained)
    )
    missing = [n for n in recipes if args.nli_only and n not in previous["recipes"]]
    if missing:
        p.error(
            f"--nli-only adds (b) beside a recipe's own columns; {args.merge} has "
            f"none for {missing}: run the recipe (without --nli-only) first"
        )
    print(
        f"  model: {path} (prompt {prompt!r})\n  seeds: "
        + ", ".join(
            [f"{n} {seeds[n]}" for n in trained]
            + ([] if args.no_nli else [f"{n}: NLI (b) {seeds[n]}" for n in recipes])
        ),
        flush=True,
    )

    start = time.perf_counter()
    rows = suite_rows(args.data_dir, args.rows, args.quick)
    label = f"test-rows{args.rows}" + ("-quick" if args.quick else "")
    cosine = cached_cosine(rows, path, label)
    results: dict[str, list[dict]] = {COSINE: [correctness(rows, cosine)]}
    if previous is not None:  # before any training: the rows must be the same
        check_merge_rows(previous, summarize(rows, results)[0])
    print(
        f"{len(rows)} rows, {sum(len(r.data) for r in rows)} examples; (a) in "
        f"{time.perf_counter() - start:.0f}s",
        flush=True,
    )

    training: dict = {}
    if not args.no_nli:  # (b) at each recipe's budget: its statements x epochs
        workdir = Path(tempfile.mkdtemp(prefix="bench_quality_"))
        training["nli"] = {}
        for name, recipe in recipes.items():
            results[column(name, NLI)], training["nli"][name] = [], []
            for seed in seeds[name]:
                budget = len(recipe.table(data_dir=args.data_dir, random_state=seed))
                model, tok, facts = train_nli_model(
                    path,
                    args.data_dir,
                    budget * recipe.max_epochs,
                    recipe,
                    seed,
                    workdir,
                    args.precision,
                )
                t0 = time.perf_counter()
                results[column(name, NLI)].append(score_nli_model(model, tok, rows))
                facts["score_seconds"] = round(time.perf_counter() - t0, 1)
                training["nli"][name].append(facts)
                print(f"({name}: b)", json.dumps(facts), flush=True)
                del model
                gc.collect()

    for name, recipe in trained.items():
        for suffix in RECIPE_COLUMNS:
            results[column(name, suffix)] = []
        training[name] = []
        for seed in seeds[name]:
            cross, bi, facts = train_recipe(
                recipe, path, args.data_dir, seed, args.precision
            )
            scored, more = score_recipe(rows, cross, bi, cosine, recipe, args.precision)
            facts.update(more)
            for suffix, correct in scored.items():
                results[column(name, suffix)].append(correct)
            training[name].append(facts)
            print(f"({name})", json.dumps(facts), flush=True)
            del cross, bi
            gc.collect()

    columns = [c for c in column_order() if results.get(c)]
    table, averages = summarize(rows, {c: results[c] for c in columns})
    payload = {
        "environment": info,
        "model": path,
        "prompt": prompt,
        "quick": args.quick,
        "max_rows": args.rows,
        "recipes": {n: asdict(r) for n, r in recipes.items()},
        "seeds": {
            **{n: seeds[n] for n in trained},
            **({} if args.no_nli else {"nli": {n: seeds[n] for n in recipes}}),
        },
        "notes": "",
        "columns": columns,
        "training": training,
        "rows": table,
        "averages": averages,
        "seconds": round(time.perf_counter() - start, 1),
    }
    if previous is not None:
        payload = merge_previous(previous, payload, str(args.merge))
    names = [n for n in RECIPES if n in payload["recipes"]]
    payload["targets"] = check_targets(payload["averages"], names)
    if "full" in names and len(payload["seeds"]["full"]) == 1:
        payload["notes"] = (
            "full: one seed, its variance taken as the demo's seed spread"
        )
    header = report_header(
        info, payload, names, time.perf_counter() - start, args.quick
    )
    text = markdown(
        payload["rows"],
        payload["averages"],
        payload["targets"],
        payload["columns"],
        header,
    )
    print(text, flush=True)
    out = Path(args.out_dir or RESULTS)
    stem = "bench_quality_quick" if args.quick else "bench_quality"
    write_results(stem, payload, out)
    (out / f"{stem}.md").write_text(text + "\n", encoding="utf-8")
    plotted = [
        c
        for c in payload["columns"]
        if c in PLOTTED or any(c == column(n, s) for n in names for s in PLOTTED)
    ]
    for task in dict.fromkeys(r.task for r in rows):
        plot(
            task,
            payload["rows"],
            payload["averages"],
            plotted,
            f"{task}: zero-shot accuracy, {Path(path).name}, 95% bootstrap CI",
            out / f"{stem}_{task}.png",
        )
    print(f"wrote {out / (stem + '.md')} and {stem}_<dataset>.png", flush=True)


if __name__ == "__main__":
    main()
