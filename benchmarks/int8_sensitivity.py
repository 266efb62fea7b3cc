"""Which layers of a statement model can int8 take (ONNX Runtime or OpenVINO/NNCF), on validation data?

Exports a saved statement model to fp32 once (``export_statement_model``,
``quantize=None``; ``--backend onnx`` or ``openvino``), then quantizes that
file several times with :func:`sklearn_statement.export.quantize_int8` (the
export's own int8 settings: ONNX Runtime dynamic int8, or NNCF static int8
calibrated on train statements), each time keeping one group of nodes in fp32
(``nodes_to_exclude`` for ONNX Runtime, ``nncf.IgnoredScope(names=...)`` for
NNCF), and reports for each variant its agreement with the fp32 file on
zero-shot decisions, its accuracy, and its statements/s on the same
statements.

The statements are **validation** splits (``--tasks`` in ``--languages``,
``build_multitask(..., splits=("validation",))``), so the variant chosen here
can be measured once on ``bench_inference.py``'s test workload without having
been chosen on it. Node groups follow the BERT layout of the optimized ONNX
graph (``Attention_<i>`` fused self-attention, ``.../layer.<i>/attention/output/
dense``, ``.../intermediate/dense``, ``.../output/dense``): the quantization
literature reports that transformers' int8 errors concentrate in a few
places (the FFN down-projection's input outliers, Bondarenko et al. 2021,
"Understanding and Overcoming the Challenges of Efficient Transformer
Quantization"; the first and last layers), which is what the variants test.

Usage::

    python benchmarks/int8_sensitivity.py --model statement_demo_output/model \\
        --languages en de zh ar sw --tasks sib200 xnli pawsx

Writes ``benchmarks/results/int8_sensitivity_<backend>.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).parent / "results"


def node_groups(n_layers: int) -> dict[str, list[str]]:
    """Regular expressions of the node names each variant keeps in fp32 (BERT layout).

    They match the optimized ONNX graph (fused ``Attention_<i>``) and the
    unfused graph OpenVINO converts (``.../attention/self/query/MatMul``…).
    """
    last = n_layers - 1

    def layer(i: int) -> list[str]:
        return [rf".*layer\.{i}/.*", rf"Attention_{i}"]

    return {
        "all int8": [],
        "fp32 attention (QKV)": [r"Attention_\d+", r".*/attention/self/.*"],
        "fp32 attention output": [r".*/attention/output/dense/.*"],
        "fp32 FFN up-projection": [r".*/intermediate/dense/.*"],
        "fp32 FFN down-projection": [r".*layer\.\d+/output/dense/.*"],
        "fp32 first layer": layer(0),
        "fp32 last layer": layer(last),
        "fp32 first + last layer": layer(0) + layer(last),
        "fp32 last 2 layers": layer(last - 1) + layer(last),
        "fp32 pooler + classifier": [r".*/(pooler|classifier)/.*"],
    }


QUANTIZABLE = {"MatMul", "Attention", "Gemm"}


def true_logits(
    backend: str, path: Path, config, encoded, pad_id: int, threads: int
) -> tuple:
    from sklearn_statement.backends import (
        OnnxRuntimeModel,
        OpenVINOModel,
        forward_true_logits,
    )

    cls = OnnxRuntimeModel if backend == "onnx" else OpenVINOModel
    model = cls(path, config, threads=threads)
    forward_true_logits(model, encoded[:64], pad_id=pad_id)  # warm-up
    start = time.perf_counter()
    z = forward_true_logits(model, encoded, pad_id=pad_id, batch_size=64)
    return z, time.perf_counter() - start


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("onnxruntime", "onnx", "openvino", "nncf", "torch", "transformers"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            pass
    return out


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--model", required=True, help="a saved statement model directory")
    p.add_argument("--backend", choices=["onnx", "openvino"], default="onnx")
    p.add_argument(
        "--calibration-tasks",
        nargs="+",
        default=["sst2", "agnews", "mrpc"],
        help="OpenVINO: calibration statements (train split of the bundled sample, as bench_inference.py)",
    )
    p.add_argument("--tasks", nargs="+", default=["sib200", "xnli", "pawsx"])
    p.add_argument("--languages", nargs="+", default=["en", "de", "zh", "ar", "sw"])
    p.add_argument(
        "--n-per-task", type=int, default=40, help="examples per (task, language)"
    )
    p.add_argument(
        "--data-dir",
        default=str(Path(__file__).resolve().parents[2] / "shared" / "data"),
    )
    p.add_argument("--threads", type=int, default=2)
    p.add_argument(
        "--variants",
        nargs="*",
        choices=list(node_groups(2)),  # the names do not depend on the depth
        help="names of node_groups() to run (default all)",
    )
    p.add_argument(
        "--out", help="default: benchmarks/results/int8_sensitivity_<backend>"
    )
    args = p.parse_args()  # fmt: skip

    from transformers import AutoConfig, AutoTokenizer

    from datasets_builders import build_multitask
    from sklearn_statement import export_statement_model
    from sklearn_statement.export import ONNX_INT8, gate_report, quantize_int8
    from sklearn_statement.utils import cpu_summary, int8_kernel

    print("command:", " ".join(sys.argv))
    print("machine:", cpu_summary(), "|", versions())
    val = build_multitask(args.tasks, languages=args.languages, n_per_task=args.n_per_task, data_dir=args.data_dir,
                          splits=("validation",), balance=False, random_state=0)  # fmt: skip
    statements, labels, ids = (
        list(val["statement"]),
        np.asarray(val["label"]),
        np.asarray(val["example_id"]),
    )
    print(f"validation: {len(statements)} statements, {len(set(ids.tolist()))} examples "
          f"({', '.join(args.tasks)} x {', '.join(args.languages)})", flush=True)  # fmt: skip

    work = Path(tempfile.mkdtemp(prefix="int8_sensitivity_"))
    target = work / "model"
    shutil.copytree(args.model, target)
    export_statement_model(
        target,
        backend=args.backend,
        quantize=None,
        validation=(statements, labels, ids),
    )
    config = AutoConfig.from_pretrained(target)
    tokenizer = AutoTokenizer.from_pretrained(target)
    max_length = config.max_position_embeddings - 2
    encoded = tokenizer(statements, truncation=True, max_length=max_length)["input_ids"]
    kernel = int8_kernel()
    if args.backend == "onnx":
        import onnx

        fp32 = target / "onnx" / "model.onnx"
        nodes = {n.name for n in onnx.load(str(fp32), load_external_data=False).graph.node
                 if n.op_type in QUANTIZABLE}  # fmt: skip
        settings = ONNX_INT8[kernel]
    else:
        import openvino as ov

        from datasets_builders import sample_data_dir

        fp32 = target / "openvino" / "openvino_model.xml"
        nodes = {op.get_friendly_name() for op in ov.Core().read_model(str(fp32)).get_ops()
                 if op.get_type_name() in QUANTIZABLE}  # fmt: skip
        calibration = list(build_multitask(args.calibration_tasks, n_per_task=200, data_dir=sample_data_dir(),
                                           splits=("train",), random_state=1)["statement"])  # fmt: skip
        settings = {"nncf": "ModelType.TRANSFORMER, OverflowFix " + ("DISABLE" if kernel == "avx512_vnni" else "ENABLE"),
                    "calibration": f"{min(300, len(calibration))} statements of {args.calibration_tasks} (train)"}  # fmt: skip
    reference, fp32_seconds = true_logits(
        args.backend, fp32, config, encoded, tokenizer.pad_token_id, args.threads
    )
    groups = node_groups(config.num_hidden_layers)
    rows = []
    for name, patterns in groups.items():
        if args.variants and name not in args.variants:
            continue
        exclude = sorted(
            n for n in nodes if any(re.fullmatch(pat, n) for pat in patterns)
        )
        if patterns and not exclude:
            raise SystemExit(
                f"{name}: no node matches {patterns}; nodes look like {sorted(nodes)[:5]}"
            )
        if args.backend == "onnx":
            out = quantize_int8(fp32, work / f"int8_{len(rows)}.onnx", backend="onnx",
                                quantize_options={"nodes_to_exclude": exclude} if exclude else None)  # fmt: skip
        else:
            import nncf

            options = (
                {"ignored_scope": nncf.IgnoredScope(names=exclude)} if exclude else None
            )
            out = quantize_int8(fp32, work / f"int8_{len(rows)}.xml", backend="openvino", quantize_options=options,
                                calibration=calibration, tokenizer=tokenizer, max_length=max_length)  # fmt: skip
        z, seconds = true_logits(
            args.backend, out, config, encoded, tokenizer.pad_token_id, args.threads
        )
        gate = gate_report(reference, z, labels, ids)
        row = {
            "variant": name, "fp32_nodes": len(exclude), "agreement": gate["agreement"],
            "n_decisions": gate["n_decisions"], "accuracy_fp32": gate["accuracy_fp32"], "accuracy": gate["accuracy"],
            "mean_abs_true_logit_diff": gate["mean_abs_true_logit_diff"], "seconds": seconds,
            "statements_per_s": len(statements) / seconds, "speedup_vs_fp32": fp32_seconds / seconds,
            "gate_passed": gate["passed"], "patterns": patterns,
        }  # fmt: skip
        rows.append(row)
        print(f"  {name:28s} agreement {100 * row['agreement']:5.1f}%  accuracy {100 * row['accuracy']:5.1f} "
              f"(fp32 {100 * row['accuracy_fp32']:.1f})  |dz| {row['mean_abs_true_logit_diff']:.3f}  "
              f"{row['statements_per_s']:6.1f} st/s ({row['speedup_vs_fp32']:.2f}x fp32)", flush=True)  # fmt: skip
    result = {
        "command": " ".join(sys.argv), "machine": cpu_summary(), "int8_kernel": kernel,
        "backend": args.backend, "settings": settings, "model": str(args.model), "tasks": args.tasks, "languages": args.languages,
        "split": "validation", "statements": len(statements), "fp32_statements_per_s": len(statements) / fp32_seconds,
        "versions": versions(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "rows": rows,
    }  # fmt: skip
    out = Path(args.out or RESULTS / f"int8_sensitivity_{args.backend}")
    out.with_suffix(".json").write_text(json.dumps(result, indent=1))
    lines = [
        f"# {args.backend} int8: which layers to keep in fp32 (validation splits)", "",
        f"`{result['command']}`", "", f"Machine: {result['machine']}; int8 kernel {kernel} {settings}; "
        f"{len(statements)} statements of {', '.join(args.tasks)} (validation) in {', '.join(args.languages)}; "
        f"{args.backend} fp32 {result['fp32_statements_per_s']:.1f} statements/s. Agreement: zero-shot decisions equal to "
        "the fp32 graph's.", "",
        "| variant | fp32 nodes | agreement | accuracy (fp32) | mean abs true-logit diff | statements/s | vs fp32 |",
        "|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for r in rows:
        lines.append(f"| {r['variant']} | {r['fp32_nodes']} | {100 * r['agreement']:.1f}% ({r['n_decisions']}) | "
                     f"{100 * r['accuracy']:.1f} ({100 * r['accuracy_fp32']:.1f}) | {r['mean_abs_true_logit_diff']:.3f} | "
                     f"{r['statements_per_s']:.1f} | {r['speedup_vs_fp32']:.2f}x |")  # fmt: skip
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("wrote", out.with_suffix(".json"), out.with_suffix(".md"))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
