"""Zero-shot scoring throughput: ZeroShotStatementClassifier vs transformers' pipeline.

Workload: N real texts (SIB-200 and AG News sentences from the bundled sample)
x K candidate labels, on the same backbone. transformers'
``ZeroShotClassificationPipeline`` gets the same model through an
entailment-style label mapping (label 1 = "entailment") and the same wording
("This text is about {label}."), at its best ``batch_size`` of 1, 8, 32, 64;
our fast path flattens text x label statements, de-duplicates them, sorts
them by length, pads each batch dynamically and runs under
``torch.inference_mode`` (fp32, then bf16 autocast).

Checks, in the same run:
- the fast path's predictions equal a plain one-statement-at-a-time loop over
  our own statements (and its true-logits agree to 1e-4);
- bf16's argmax agrees with fp32 on >= 99% of the examples (reported);
- curves over K (2..64 labels) and text length;
- achieved useful GFLOP/s of scoring vs a matmul peak measured here.

Usage::

    python benchmarks/bench_inference.py [--model DIR] [--n-texts 200] [--quick]

Writes ``benchmarks/results/bench_inference.json``.
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, print_environment, statement_model_dir, write_results  # noqa: E402

HYPOTHESIS = "This text is about {}."


def real_texts(n: int, seed: int = 0) -> list[str]:
    """SIB-200 (English, all splits) and AG News test texts from the bundled sample."""
    from datasets_builders import load_task, sample_data_dir

    data = sample_data_dir()
    texts = []
    for split in ("test", "validation", "train"):
        texts += list(
            load_task("sib200", language="en", split=split, data_dir=data)["text"]
        )
    texts += list(load_task("agnews", split="test", data_dir=data)["text"])
    rng = np.random.default_rng(seed)
    return [texts[i] for i in rng.permutation(len(texts))[:n]]


def candidate_labels(k: int) -> list[str]:
    """K real label names: SIB-200 topics, then MASSIVE intents (registry verbalizers)."""
    from template_registry import get_template

    names = list(dict.fromkeys(get_template("topic").verbalizer.values()))
    names += [v for v in get_template("intent").verbalizer.values() if v not in names]
    if k > len(names):
        raise ValueError(f"only {len(names)} label names available, asked for {k}")
    return names[:k]


def our_classifier(
    model_dir: str, labels: list[str], precision: str, batch_size: int = 64
):
    from sklearn_statement import ZeroShotStatementClassifier
    from template_registry import Template

    template = Template(
        "topic",
        label_statement="{text} " + HYPOTHESIS.replace("{}", "{label}"),
        name="bench",
    )
    return ZeroShotStatementClassifier(
        model_dir,
        template=template,
        labels=labels,
        batch_size=batch_size,
        device="cpu",
        precision=precision,
    ).fit()


def time_ours(clf, texts: list[str], repeats: int = 1) -> tuple[float, np.ndarray]:
    clf.true_logits(texts[: min(8, len(texts))])  # warm-up
    best, z = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        z = clf.true_logits(texts)
        best = min(best, time.perf_counter() - start)
    return best, z


def make_pipeline(model_dir: str):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    model.config.id2label = {
        0: "contradiction",
        1: "entailment",
    }  # entailment-style mapping of false/true
    model.config.label2id = {"contradiction": 0, "entailment": 1}
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    return pipeline(
        "zero-shot-classification", model=model, tokenizer=tokenizer, device=-1
    )


def time_pipeline(
    pipe, texts: list[str], labels: list[str], batch_size: int
) -> tuple[float, list[str]]:
    pipe(
        texts[:2],
        candidate_labels=labels,
        hypothesis_template=HYPOTHESIS,
        batch_size=batch_size,
    )  # warm-up
    start = time.perf_counter()
    out = pipe(
        texts,
        candidate_labels=labels,
        hypothesis_template=HYPOTHESIS,
        batch_size=batch_size,
    )
    return time.perf_counter() - start, [o["labels"][0] for o in out]


def loop_true_logits(clf, texts: list[str]) -> np.ndarray:
    """The plain reference: one statement at a time, no batching, padding or sorting."""
    out = np.zeros((len(texts), len(clf.classes_)))
    with torch.inference_mode():
        for i, text in enumerate(texts):
            for j, statement in enumerate(
                clf.template_.statements({"text": text}).values()
            ):
                enc = clf.tokenizer_(
                    statement,
                    return_tensors="pt",
                    truncation=True,
                    max_length=clf.max_length_,
                )
                logits = clf.model_(**enc).logits[0]
                out[i, j] = float(logits[clf.true_index_] - logits[clf.false_index_])
    return out


_OP_GROUPS = (
    ("matmul (linear layers, attention products)", ("addmm", "mm", "bmm", "matmul", "linear", "baddbmm")),
    ("attention kernel (sdpa/softmax)", ("scaled_dot_product", "softmax", "_flash")),
    ("layer norm", ("layer_norm",)),
    ("activation (gelu)", ("gelu",)),
    ("embedding", ("embedding",)),
    ("copies and dtype casts", ("to_copy", "copy_", "_to", "to")),
)  # fmt: skip


def profile_ours(clf, texts: list[str]) -> dict:
    """Where one ``true_logits`` call spends its time (``torch.profiler``, CPU).

    Self CPU time of the aten operators, grouped into matmul / attention /
    layer norm / activation / embedding / casts / other, and the share of the
    wall time spent outside the operators (building and tokenizing statements,
    sorting, padding: the Python side).
    """
    from torch.profiler import ProfilerActivity, profile

    clf.true_logits(texts[:8])
    start = time.perf_counter()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        clf.true_logits(texts)
    wall = time.perf_counter() - start
    groups: dict[str, float] = {name: 0.0 for name, _ in _OP_GROUPS}
    groups["other operators"] = 0.0
    for event in prof.key_averages():
        if not event.key.startswith("aten::"):
            continue
        op = event.key[len("aten::") :]
        seconds = event.self_cpu_time_total / 1e6
        for name, needles in _OP_GROUPS:
            # exact names (mm, to) or substrings of longer ones (addmm, layer_norm)
            if op in needles or any(len(n) > 3 and n in op for n in needles):
                groups[name] += seconds
                break
        else:
            groups["other operators"] += seconds
    ops = sum(groups.values())
    # Tokenization alone, as the collator does it (all statements, no padding).
    statements = [
        st for t in texts for st in clf.template_.statements({"text": t}).values()
    ]
    t0 = time.perf_counter()
    clf.tokenizer_(statements, truncation=True, max_length=clf.max_length_)
    tokenize = time.perf_counter() - t0
    shares = {name: sec / wall for name, sec in groups.items()}
    shares["outside operators (Python, statement building, tokenization)"] = max(
        0.0, 1 - ops / wall
    )
    return {"wall_seconds_profiled": wall, "share_of_wall": shares, "tokenize_seconds": tokenize,
            "tokenize_share_of_unprofiled_wall": None}  # fmt: skip


def matmul_peak(dtype: torch.dtype, n: int = 1024, repeats: int = 10) -> float:
    """Measured matmul GFLOP/s on this machine (best of ``repeats``)."""
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    torch.matmul(a, b)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        torch.matmul(a, b)
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def useful_flops(clf, texts: list[str]) -> float:
    """Forward FLOPs of the unpadded statements (2 x multiply-adds of the encoder's matmuls).

    Per token and layer: Q, K, V, O projections 4*d^2 and the feed-forward
    2*d*I multiply-adds, plus 2*L*d for attention scores and mixing
    (Kaplan et al., 2020, Table 1, without embeddings).
    """
    cfg = clf.model_.config
    d, inter, layers = cfg.hidden_size, cfg.intermediate_size, cfg.num_hidden_layers
    total = 0.0
    for text in texts:
        for statement in clf.template_.statements({"text": text}).values():
            length = len(
                clf.tokenizer_(statement, truncation=True, max_length=clf.max_length_)[
                    "input_ids"
                ]
            )
            total += 2 * length * layers * (4 * d * d + 2 * d * inter + 2 * length * d)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model",
        default=None,
        help="statement model directory (default: MiniLM + new head)",
    )
    parser.add_argument("--n-texts", type=int, default=200)
    parser.add_argument(
        "--k", type=int, default=8, help="candidate labels of the main workload"
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes for a smoke run"
    )
    parser.add_argument("--out-dir", default=None)
    args = parser.parse_args()
    n_texts = 24 if args.quick else args.n_texts
    env = environment()
    print(
        "bench_inference: ZeroShotStatementClassifier vs transformers ZeroShotClassificationPipeline"
    )
    print_environment(env)
    workdir = Path(tempfile.mkdtemp(prefix="bench_inference_"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    model_dir = statement_model_dir(args.model, workdir)
    texts, labels = real_texts(n_texts), candidate_labels(args.k)
    n_statements = len(texts) * len(labels)
    results: dict = {
        "environment": env,
        "model": model_dir,
        "n_texts": len(texts),
        "k": len(labels),
    }

    # --- main workload ------------------------------------------------------------
    pipe = make_pipeline(model_dir)
    pipe_runs = {}
    for bs in (1, 8, 32, 64):
        seconds, pipe_pred = time_pipeline(pipe, texts, labels, bs)
        pipe_runs[bs] = {
            "seconds": seconds,
            "statements_per_s": n_statements / seconds,
            "pred": pipe_pred,
        }
        print(
            f"  pipeline batch_size={bs:<3} {n_statements / seconds:8.1f} statements/s",
            flush=True,
        )
    best_bs = max(pipe_runs, key=lambda b: pipe_runs[b]["statements_per_s"])
    ours = {}
    for precision in ("fp32", "bf16"):
        clf = our_classifier(model_dir, labels, precision)
        seconds, z = time_ours(clf, texts, repeats=2)
        ours[precision] = {
            "seconds": seconds,
            "statements_per_s": n_statements / seconds,
            "z": z,
            "clf": clf,
        }
        print(
            f"  ours {precision:<4}             {n_statements / seconds:8.1f} statements/s",
            flush=True,
        )
    pipe_best = pipe_runs[best_bs]["statements_per_s"]
    fp32, bf16 = ours["fp32"], ours["bf16"]
    pred32 = fp32["z"].argmax(1)
    agreement_bf16 = float((bf16["z"].argmax(1) == pred32).mean())
    classes = fp32["clf"].classes_  # the columns of z (sorted labels)
    agreement_pipeline = float(
        np.mean([classes[p] == q for p, q in zip(pred32, pipe_runs[best_bs]["pred"])])
    )

    # --- correctness: fast path == plain loop over our own statements ------------------
    check_texts = texts[: min(40, len(texts))]
    loop = loop_true_logits(fp32["clf"], check_texts)
    fast = fp32["clf"].true_logits(check_texts)
    max_diff = float(np.abs(loop - fast).max())
    same_predictions = bool((loop.argmax(1) == fast.argmax(1)).all())
    assert same_predictions and max_diff < 1e-4, (
        f"fast path disagrees with the loop (max |diff| {max_diff})"
    )
    print(f"  fast path == one-at-a-time loop on {len(check_texts)} texts x {len(labels)} labels "
          f"(max |true-logit diff| {max_diff:.2e})")  # fmt: skip

    # --- how close to the limit --------------------------------------------------------
    flops = useful_flops(fp32["clf"], texts)
    peak32, peak16 = matmul_peak(torch.float32), matmul_peak(torch.bfloat16)
    achieved32, achieved16 = (
        flops / fp32["seconds"] / 1e9,
        flops / bf16["seconds"] / 1e9,
    )

    # --- profile: where the time goes -------------------------------------------------------
    profiles = {}
    for precision in ("fp32", "bf16"):
        prof = profile_ours(ours[precision]["clf"], texts)
        prof["tokenize_share_of_unprofiled_wall"] = (
            prof["tokenize_seconds"] / ours[precision]["seconds"]
        )
        profiles[precision] = prof
        print(f"  profile {precision}: " + ", ".join(
            f"{name.split(' (')[0]} {100 * share:.0f}%"
            for name, share in prof["share_of_wall"].items() if share >= 0.005
        ))  # fmt: skip

    # --- curves over K and text length (fp32 and bf16 vs the pipeline's best batch size) --
    curve_k = []
    curve_texts = texts[: min(48, len(texts))]
    for k in (2, 4, 8, 16, 32, 64):
        ks = candidate_labels(k)
        p_sec, _ = time_pipeline(pipe, curve_texts, ks, best_bs)
        row = {"k": k, "pipeline": len(curve_texts) * k / p_sec}
        for precision in ("fp32", "bf16"):
            sec, _ = time_ours(our_classifier(model_dir, ks, precision), curve_texts)
            row[precision] = len(curve_texts) * k / sec
        row["ratio_fp32"], row["ratio_bf16"] = (
            row["fp32"] / row["pipeline"],
            row["bf16"] / row["pipeline"],
        )
        curve_k.append(row)
        print(f"  K={k:<3} pipeline {row['pipeline']:7.1f}  ours fp32 {row['fp32']:7.1f} ({row['ratio_fp32']:.2f}x)"
              f"  bf16 {row['bf16']:7.1f} ({row['ratio_bf16']:.2f}x) statements/s", flush=True)  # fmt: skip
    curve_len = []
    by_len = sorted(real_texts(600), key=lambda t: len(t.split()))
    third = len(by_len) // 3
    for name, bucket in (
        ("short", by_len[:third]),
        ("medium", by_len[third : 2 * third]),
        ("long", by_len[2 * third :]),
    ):
        bucket = bucket[: len(curve_texts)]
        words = float(np.mean([len(t.split()) for t in bucket]))
        p_sec, _ = time_pipeline(pipe, bucket, labels, best_bs)
        row = {
            "texts": name,
            "mean_words": round(words, 1),
            "pipeline": len(bucket) * len(labels) / p_sec,
        }
        for precision in ("fp32", "bf16"):
            sec, _ = time_ours(our_classifier(model_dir, labels, precision), bucket)
            row[precision] = len(bucket) * len(labels) / sec
        row["ratio_fp32"], row["ratio_bf16"] = (
            row["fp32"] / row["pipeline"],
            row["bf16"] / row["pipeline"],
        )
        curve_len.append(row)
        print(f"  {name:<6} texts ({words:5.1f} words) pipeline {row['pipeline']:7.1f}  ours fp32 {row['fp32']:7.1f} "
              f"({row['ratio_fp32']:.2f}x)  bf16 {row['bf16']:7.1f} ({row['ratio_bf16']:.2f}x)", flush=True)  # fmt: skip

    results.update(
        {
            "pipeline": {
                str(b): {k: v for k, v in r.items() if k != "pred"}
                for b, r in pipe_runs.items()
            },
            "pipeline_best_batch_size": best_bs,
            "ours": {
                p: {"seconds": r["seconds"], "statements_per_s": r["statements_per_s"]}
                for p, r in ours.items()
            },
            "ratio_fp32": fp32["statements_per_s"] / pipe_best,
            "ratio_bf16": bf16["statements_per_s"] / pipe_best,
            "target_ratio": 3.0,
            "bf16_argmax_agreement_with_fp32": agreement_bf16,
            "argmax_agreement_with_pipeline": agreement_pipeline,
            "profile": profiles,
            "loop_check": {
                "texts": len(check_texts),
                "max_abs_true_logit_diff": max_diff,
                "same_predictions": True,
            },
            "gflops": {
                "useful_flops": flops,
                "achieved_fp32": achieved32,
                "achieved_bf16": achieved16,
                "matmul_peak_fp32": peak32,
                "matmul_peak_bf16": peak16,
                "fraction_of_peak_fp32": achieved32 / peak32,
                "fraction_of_peak_bf16": achieved16 / peak16,
            },
            "curve_k": curve_k,
            "curve_text_length": curve_len,
        }
    )
    print(
        f"\nthroughput on {len(texts)} texts x {len(labels)} labels ({n_statements} statements):"
    )
    print(f"  pipeline (best batch_size={best_bs}): {pipe_best:.1f} statements/s")
    print(
        f"  ours fp32: {fp32['statements_per_s']:.1f} statements/s = {results['ratio_fp32']:.2f}x"
    )
    print(f"  ours bf16: {bf16['statements_per_s']:.1f} statements/s = {results['ratio_bf16']:.2f}x "
          f"(argmax agreement with fp32 {100 * agreement_bf16:.1f}%)")  # fmt: skip
    print(f"  useful GFLOP/s: fp32 {achieved32:.1f} of a {peak32:.1f} matmul peak ({100 * achieved32 / peak32:.0f}%), "
          f"bf16 {achieved16:.1f} of {peak16:.1f} ({100 * achieved16 / peak16:.0f}%)")  # fmt: skip
    write_results(
        "bench_inference" + ("_quick" if args.quick else ""), results, args.out_dir
    )


if __name__ == "__main__":
    main()
