"""The ``sklearn-statement`` command line.

Sub-commands: ``demo`` (the main job end to end), ``tune`` (statement-tune an
encoder on statement data), ``evaluate`` (zero-shot accuracy per dataset and
language), ``predict`` (zero-shot labels for texts), ``templates``
(``list`` / ``show`` the template registry), ``build`` (write a statement
corpus, e.g. the paper's preset, with a stats table), ``convert`` (write
``model.safetensors`` for a pre-downloaded checkpoint that ships pickle
weights only, e.g. ``microsoft/mdeberta-v3-base``) and ``export`` (an
accuracy-gated ONNX Runtime / OpenVINO copy, int8 by default).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["main"]


def _add_demo(sub: Any) -> None:
    p = sub.add_parser(
        "demo", help="statement-tune MiniLM on real data, then evaluate zero-shot"
    )
    p.add_argument(
        "--data-dir",
        default=None,
        help="data folder (layout of shared/data); default: bundled sample",
    )
    p.add_argument(
        "--output-dir",
        default="statement_demo_output",
        help="where the model and results.json go",
    )
    p.add_argument(
        "--model",
        default=None,
        help="encoder to tune (default: the offline MiniLM of the demo extra)",
    )
    p.add_argument("--quick", action="store_true", help="smoke run of about 2 minutes")
    p.add_argument(
        "--n-per-task",
        type=int,
        default=None,
        help="statements per English task (default 800)",
    )
    p.add_argument(
        "--n-mt",
        type=int,
        default=None,
        help="MT statements per language (default 100)",
    )
    p.add_argument(
        "--epochs", type=int, default=None, help="training epochs (default 3)"
    )
    p.add_argument(
        "--max-samples",
        type=int,
        default=None,
        help="examples per evaluated set (default 300)",
    )
    p.add_argument(
        "--lr", type=float, default=1e-4, help="peak learning rate (default 1e-4)"
    )
    p.add_argument("--device", default="auto")
    p.add_argument(
        "--precision",
        default="auto",
        choices=["auto", "fp32", "bf16", "fp16"],
        help="autocast dtype; 'bf16' speeds up CPUs with AVX-512 BF16/AMX",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--overwrite", action="store_true", help="replace an existing output model"
    )


def _add_tune(sub: Any) -> None:
    p = sub.add_parser(
        "tune", help="statement-tune an encoder on statement data and save it"
    )
    p.add_argument(
        "--model", required=True, help="hub id or local directory of the encoder"
    )
    p.add_argument("--out", required=True, help="directory to save the tuned model")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--statements",
        help="jsonl/csv/parquet file with 'statement' and 'label' columns",
    )
    src.add_argument(
        "--tasks",
        nargs="+",
        help="build statements from these datasets (see load_task)",
    )
    p.add_argument("--languages", nargs="+", default=["en"])
    p.add_argument("--exclude-families", nargs="*", default=[])
    p.add_argument("--n-per-task", type=int, default=1500)
    p.add_argument(
        "--data-dir", default=None, help="data folder; default: the Hugging Face hub"
    )
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--lr", type=float, default=2e-5)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--peft", choices=["lora", "qlora", "prompt"], default=None)
    p.add_argument("--device", default="auto")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--overwrite", action="store_true")


def _add_evaluate(sub: Any) -> None:
    p = sub.add_parser(
        "evaluate",
        help="zero-shot accuracy of a statement model per dataset and language",
    )
    p.add_argument(
        "--model", required=True, help="saved statement model directory or hub id"
    )
    p.add_argument(
        "--suite",
        default=None,
        help="'paper': XNLI, XCOPA, PAWS-X, XWinograd and SIB-200 in every language the data has",
    )
    p.add_argument(
        "--tasks",
        nargs="+",
        default=None,
        help="datasets (default: the paper suite's five)",
    )
    p.add_argument(
        "--languages", nargs="+", default=None, help="keep only these languages"
    )
    p.add_argument(
        "--split", default=None, help="split (default: each dataset's evaluation split)"
    )
    p.add_argument(
        "--data-dir", default=None, help="data folder; default: the Hugging Face hub"
    )
    p.add_argument(
        "--max-samples",
        type=int,
        default=None,
        help="cap examples per dataset and language",
    )
    p.add_argument(
        "--template-language",
        default="en",
        help="template language ('native' = the data's)",
    )
    p.add_argument(
        "--ensemble",
        action="store_true",
        help="average over the task's template variants",
    )
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--device", default="auto")
    p.add_argument(
        "--precision", default="auto", choices=["auto", "fp32", "bf16", "fp16"]
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--output", default=None, help="write the rows as JSON here")
    p.add_argument(
        "--output-dir",
        default=None,
        help="write results.json/.csv/.md and one PNG per dataset here",
    )
    p.add_argument(
        "--overwrite", action="store_true", help="replace existing report files"
    )


def _add_predict(sub: Any) -> None:
    p = sub.add_parser(
        "predict",
        help="zero-shot labels for texts (one per line, or JSON lines of fields)",
    )
    p.add_argument("--model", required=True)
    p.add_argument(
        "--template",
        required=True,
        help="registered task name, e.g. topic, xnli, sentiment",
    )
    p.add_argument(
        "--labels",
        nargs="+",
        default=None,
        help="candidate labels (needed for open templates)",
    )
    p.add_argument("--language", default="en")
    p.add_argument(
        "--input",
        default="-",
        help="file with one text or JSON object per line ('-' = stdin)",
    )
    p.add_argument("--device", default="auto")
    p.add_argument(
        "--backend",
        choices=["torch", "onnx", "openvino"],
        default="torch",
        help="onnx/openvino: the graph written by 'sklearn-statement export'",
    )
    p.add_argument(
        "--shortlist",
        type=int,
        default=None,
        help="score only the K most similar labels per text (many labels)",
    )


def _add_templates(sub: Any) -> None:
    p = sub.add_parser("templates", help="list or show registered templates")
    tsub = p.add_subparsers(dest="templates_command", required=True)
    lst = tsub.add_parser("list", help="list templates")
    lst.add_argument("--task", default=None)
    lst.add_argument("--language", default=None)
    show = tsub.add_parser("show", help="show a task's statements for a worked example")
    show.add_argument("task")
    show.add_argument("--language", default="en")
    show.add_argument("--name", default=None)


def _add_build(sub: Any) -> None:
    p = sub.add_parser(
        "build",
        help="build a statement corpus (a preset or tasks x languages) and its stats table",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--preset", help="paper or english_mt (see --list-presets)")
    src.add_argument("--tasks", nargs="+", help="dataset names (see load_task)")
    p.add_argument(
        "--languages", nargs="+", default=None, help="with --tasks (default: en)"
    )
    p.add_argument(
        "--exclude-families", nargs="*", default=None, help="held-out families"
    )
    p.add_argument(
        "--n", type=int, default=None, help="statements per (task, language)"
    )
    p.add_argument(
        "--data-dir", default=None, help="data folder; default: the Hugging Face hub"
    )
    p.add_argument("--out", default=None, help="output folder (statements + stats.csv)")
    p.add_argument("--format", choices=["parquet", "jsonl"], default="parquet")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--tokenizer", default=None, help="fit statements into --max-length tokens"
    )
    p.add_argument("--max-length", type=int, default=None)
    p.add_argument("--over-length", choices=["truncate", "drop"], default=None)
    p.add_argument(
        "--template-language",
        default=None,
        help="'en': English templates everywhere (default: native where registered)",
    )
    p.add_argument("--no-cache", action="store_true", help="rebuild even if cached")
    p.add_argument("--cache-dir", default=None, help="default: under HF_DATASETS_CACHE")
    p.add_argument(
        "--overwrite", action="store_true", help="replace existing output files"
    )
    p.add_argument(
        "--list-presets", action="store_true", help="describe the presets and exit"
    )


def _add_convert(sub: Any) -> None:
    p = sub.add_parser(
        "convert",
        help="write model.safetensors from a model directory's pytorch_model.bin (tensors only)",
        description=(
            "Convert a pre-downloaded checkpoint that ships pickle weights only "
            "(e.g. hf download microsoft/mdeberta-v3-base --local-dir m) to "
            "safetensors. The pickle is read with torch.load(weights_only=True): "
            "tensors only, a file holding other objects is refused and nothing in "
            "it runs. Then StatementTuner(DIR) loads it."
        ),
    )
    p.add_argument("directory", help="model directory with pytorch_model.bin")
    p.add_argument(
        "--output-dir",
        default=None,
        help="write into this new directory (with the config and tokenizer files); "
        "default: beside the pickle",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing model.safetensors / write into a non-empty --output-dir",
    )


def _add_export(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="export a saved statement model for ONNX Runtime or OpenVINO (int8), accuracy-gated",
        description=(
            "Write DIR/onnx/ (or DIR/openvino/): the fp32 graph and, with --quantize int8, "
            "the int8 one. Each file is scored against the fp32 torch model on labelled "
            "statements (--validation FILE or --validation-tasks) and refused when the "
            "decisions agree on fewer than --min-agreement of the cases or accuracy drops "
            "by more than --max-accuracy-drop. Then: ZeroShotStatementClassifier(DIR, "
            "backend='onnx'). Needs pip install 'sklearn-statement[onnx]' (or [openvino])."
        ),
    )
    p.add_argument("directory", help="a model saved by StatementTuner.save_pretrained")
    p.add_argument("--backend", choices=["onnx", "openvino"], default="onnx")
    p.add_argument(
        "--quantize", choices=["int8", "none"], default="int8", help="default: int8"
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--validation",
        help="jsonl/csv/parquet with 'statement', 'label' (1 = true) and optionally "
        "'example_id' columns",
    )
    src.add_argument(
        "--validation-tasks",
        nargs="+",
        help="build validation statements from these datasets (build_multitask)",
    )
    p.add_argument(
        "--validation-splits",
        nargs="+",
        default=["validation", "test"],
        help="splits for --validation-tasks (default: validation test)",
    )
    p.add_argument("--n-per-task", type=int, default=200)
    p.add_argument(
        "--data-dir",
        default=None,
        help="data folder for --validation-tasks; default: the bundled sample",
    )
    p.add_argument("--min-agreement", type=float, default=0.99)
    p.add_argument(
        "--max-accuracy-drop",
        type=float,
        default=0.005,
        help="largest accuracy loss, as a fraction (default 0.005 = 0.5 points)",
    )
    p.add_argument(
        "--on-fail",
        choices=["raise", "warn"],
        default="raise",
        help="raise: refuse a file that fails the gate; warn: keep it with a warning",
    )
    p.add_argument(
        "--calibration",
        default=None,
        help="OpenVINO int8: jsonl/csv/parquet file with a 'statement' column to calibrate on "
        "(default: the validation statements)",
    )
    p.add_argument("--max-length", type=int, default=None)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)


def _cmd_export(args: argparse.Namespace) -> int:
    import warnings

    from ._export import export_statement_model

    if args.validation:
        validation: Any = args.validation
    else:
        from datasets_builders import build_multitask, sample_data_dir

        validation = build_multitask(
            args.validation_tasks, n_per_task=args.n_per_task, data_dir=args.data_dir or sample_data_dir(),
            splits=args.validation_splits, random_state=args.seed,
        )  # fmt: skip
    calibration = None
    if args.calibration:  # a 'statement' column is enough (labels are not used)
        from ._export import _read_table

        calibration = list(_read_table(Path(args.calibration))["statement"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record = export_statement_model(
            args.directory, backend=args.backend, quantize=None if args.quantize == "none" else args.quantize,
            validation=validation, min_agreement=args.min_agreement, max_accuracy_drop=args.max_accuracy_drop,
            on_fail=args.on_fail, calibration=calibration, max_length=args.max_length, batch_size=args.batch_size,
        )  # fmt: skip
    for w in caught:
        print(f"WARNING: {w.message}", file=sys.stderr)
    gate = record["gate"]
    print(f"wrote {record['file']}: {gate['level']} decisions agree with fp32 on "
          f"{100 * gate['agreement']:.2f}% of {gate['n_decisions']}, accuracy {100 * gate['accuracy']:.2f}% "
          f"(fp32 {100 * gate['accuracy_fp32']:.2f}%), gate {'passed' if gate['passed'] else 'FAILED'}")  # fmt: skip
    print(
        f"load it with ZeroShotStatementClassifier({args.directory!r}, backend={args.backend!r}, template=...)"
    )
    return 0


def _cmd_convert(args: argparse.Namespace) -> int:
    from ._convert import convert_to_safetensors

    out = convert_to_safetensors(
        args.directory, args.output_dir, overwrite=args.overwrite
    )
    files = sorted(p.name for p in out.glob("*.safetensors"))
    print(
        f"wrote {', '.join(files)} in {out}; load it with StatementTuner({str(out)!r})"
    )
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    import time

    from datasets_builders import (
        PRESETS,
        build_multitask,
        build_preset,
        statement_stats,
    )

    if args.list_presets:
        for preset in PRESETS.values():
            print(f"{preset.name}: {preset.description}")
            for note in preset.notes:
                print(f"  - {note}")
        return 0
    if not args.preset and not args.tasks:
        raise ValueError("give --preset NAME or --tasks ... (see --list-presets)")
    if args.preset and args.languages:
        raise ValueError("--languages goes with --tasks; a preset fixes its languages")
    if args.out is None:
        raise ValueError("give --out DIR: where the statements and stats.csv go")
    out = Path(args.out)
    files = [out / f"statements.{args.format}", out / "stats.csv"]
    existing = [str(f) for f in files if f.exists()]
    if existing and not args.overwrite:
        raise FileExistsError(f"{existing} exist; pass --overwrite or another --out")
    cache = False if args.no_cache else (args.cache_dir or True)
    common = dict(
        data_dir=args.data_dir, random_state=args.seed, tokenizer=args.tokenizer,
        max_length=args.max_length, over_length=args.over_length, cache=cache,
        template_language=args.template_language,
    )  # fmt: skip
    start = time.perf_counter()
    if args.preset:
        ds = build_preset(
            args.preset,
            n_per_task=args.n,
            exclude_families=args.exclude_families,
            **common,
        )
    else:
        ds = build_multitask(
            args.tasks, languages=args.languages or ["en"], n_per_task=args.n or 1500,
            exclude_families=args.exclude_families or (), **common,
        )  # fmt: skip
    seconds = time.perf_counter() - start
    out.mkdir(parents=True, exist_ok=True)
    if args.format == "parquet":
        ds.to_parquet(str(files[0]))
    else:
        ds.to_json(str(files[0]), lines=True, force_ascii=False)
    stats = statement_stats(ds)
    stats.to_csv(files[1], index=False)
    print(stats.to_string(index=False))
    print(
        f"{len(ds)} statements ({sum(ds['label'])} true), {stats['task'].nunique()} tasks, "
        f"{stats['family'].nunique()} families, {stats['language'].nunique()} languages; "
        f"built in {seconds:.2f} s -> {files[0]}, {files[1]}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sklearn-statement",
        description="Statement-Tuning: tune an encoder to judge statements, classify zero-shot.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (
        _add_demo,
        _add_tune,
        _add_evaluate,
        _add_predict,
        _add_templates,
        _add_build,
        _add_convert,
        _add_export,
    ):
        add(sub)
    return parser


def _cmd_demo(args: argparse.Namespace) -> int:
    from ._demo import run_demo

    run_demo(
        data_dir=args.data_dir, output_dir=args.output_dir, model=args.model, quick=args.quick,
        n_per_task=args.n_per_task, n_mt=args.n_mt, max_epochs=args.epochs, max_samples=args.max_samples,
        lr=args.lr, device=args.device, precision=args.precision, random_state=args.seed, overwrite=args.overwrite,
    )  # fmt: skip
    return 0


def _read_statements(path: str) -> tuple[list[str], list[int]]:
    import datasets

    kind = {
        ".jsonl": "json",
        ".json": "json",
        ".csv": "csv",
        ".parquet": "parquet",
    }.get(Path(path).suffix)
    if kind is None:
        raise ValueError(
            f"--statements must be a .jsonl, .csv or .parquet file, got {path}"
        )
    ds = datasets.load_dataset(kind, data_files=path, split="train")
    missing = {"statement", "label"} - set(ds.column_names)
    if missing:
        raise ValueError(
            f"{path} lacks column(s) {sorted(missing)}; it has {ds.column_names}"
        )
    return list(ds["statement"]), list(ds["label"])


def _cmd_tune(args: argparse.Namespace) -> int:
    from ._tuner import StatementTuner

    out = Path(args.out)
    if out.exists() and any(out.iterdir()) and not args.overwrite:
        raise FileExistsError(f"{out} is not empty; pass --overwrite or another --out")
    if args.statements:
        statements, labels = _read_statements(args.statements)
    else:
        from datasets_builders import build_multitask

        ds = build_multitask(
            args.tasks, languages=args.languages, n_per_task=args.n_per_task, data_dir=args.data_dir,
            exclude_families=args.exclude_families, random_state=args.seed,
        )  # fmt: skip
        statements, labels = list(ds["statement"]), list(ds["label"])
    print(
        f"statement-tuning {args.model} on {len(statements)} statements ({sum(labels)} true)",
        flush=True,
    )
    tuner = StatementTuner(
        args.model, max_length=args.max_length, batch_size=args.batch_size, max_epochs=args.epochs, lr=args.lr,
        peft=args.peft, device=args.device, random_state=args.seed,
    )  # fmt: skip
    tuner.fit(statements, labels)
    tuner.save_pretrained(out, overwrite=args.overwrite)
    print(f"saved to {out}")
    return 0


def _print_row(row: dict[str, Any]) -> None:
    print(f"  {row['dataset']:<10} {row['language']:<8} n={row['n']:<5} accuracy {100 * row['accuracy']:5.1f} "
          f"[{100 * row['ci_low']:.1f}, {100 * row['ci_high']:.1f}]  majority {100 * row['majority']:5.1f}  "
          f"({row['seconds']:.1f}s)", flush=True)  # fmt: skip


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from ._demo import environment
    from ._evaluate import PAPER_SUITE, evaluate_zero_shot, format_table, suite_triples

    if args.suite is not None and args.tasks is not None:
        raise ValueError("pass either --suite or --tasks, not both")
    triples = suite_triples(
        args.tasks or args.suite or "paper",
        data_dir=args.data_dir,
        languages=args.languages,
    )
    if args.split is not None:
        triples = [(name, lang, args.split) for name, lang, _ in triples]
    print(f"evaluating {args.model} on {len(triples)} dataset-language pairs "
          f"({', '.join(sorted({t[0] for t in triples}))})", flush=True)  # fmt: skip
    rows = evaluate_zero_shot(
        args.model, triples, data_dir=args.data_dir, max_samples=args.max_samples,
        template_language=None if args.template_language == "native" else args.template_language,
        ensemble=args.ensemble, batch_size=args.batch_size, device=args.device, precision=args.precision,
        random_state=args.seed, callback=_print_row,
    )  # fmt: skip
    print(format_table(rows))
    if args.output:
        Path(args.output).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    if args.output_dir:
        from ._report import write_report

        meta = {**environment(), "model": args.model, "data_dir": args.data_dir, "max_samples": args.max_samples,
                "suite": args.suite or "custom", "splits": PAPER_SUITE}  # fmt: skip
        files = write_report(rows, args.output_dir, meta=meta, overwrite=args.overwrite)
        print("wrote " + ", ".join(str(p) for p in files.values()))
    return 0


def _cmd_predict(args: argparse.Namespace) -> int:
    from ._zero_shot import ZeroShotStatementClassifier

    stream = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")
    with stream:
        lines = [line.rstrip("\n") for line in stream if line.strip()]
    items: list[Any] = [
        json.loads(line) if line.lstrip().startswith("{") else line for line in lines
    ]
    clf = ZeroShotStatementClassifier(
        args.model,
        template=args.template,
        labels=args.labels,
        language=args.language,
        device=args.device,
        backend=args.backend,
        shortlist=args.shortlist,
    ).fit(items)
    proba = clf.predict_proba(items)
    for item, row in zip(items, proba):
        best = int(row.argmax())
        print(
            json.dumps(
                {
                    "input": item,
                    "label": clf.classes_[best].item(),
                    "probability": round(float(row[best]), 4),
                },
                ensure_ascii=False,
            )
        )
    return 0


def _cmd_templates(args: argparse.Namespace) -> int:
    from template_registry import get_template, list_templates, normalize_language

    if args.templates_command == "list":
        rows = list_templates(task=args.task, language=args.language)
        for t in rows:
            labels = ", ".join(map(str, t.labels)) if t.labels else "(open: any label)"
            print(
                f"{t.dataset or t.task:<22} {t.language:<8} {t.name:<22} fields={','.join(t.fields)}  labels={labels}"
            )
        print(f"{len(rows)} templates")
        if not rows and args.language is not None:
            print(
                f"no native templates in {normalize_language(args.language)!r}: "
                "get_template returns the English ones (they work for any input language)"
            )
        return 0
    from ._examples import worked_example, worked_labels

    template = get_template(args.task, language=args.language, name=args.name)
    requested = normalize_language(args.language)
    if template.language != requested:
        print(
            f"note: {args.task!r} has no native template in {requested!r}; showing the "
            f"{template.language!r} one (English templates work for any input language)"
        )
    if not template.labels:
        template = template.with_labels(worked_labels(template))
    example = worked_example(template)
    print(f"{template!r}\nexample: {json.dumps(example, ensure_ascii=False)}")
    for label, statement in template.statements(example).items():
        print(f"  {label!s:<16} {statement}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sklearn-statement`` console script."""
    args = build_parser().parse_args(argv)
    handler = {
        "demo": _cmd_demo, "tune": _cmd_tune, "evaluate": _cmd_evaluate, "predict": _cmd_predict,
        "templates": _cmd_templates, "build": _cmd_build, "convert": _cmd_convert,
        "export": _cmd_export,
    }[args.command]  # fmt: skip
    try:
        return handler(args)
    except (
        ValueError,
        TypeError,
        FileNotFoundError,
        FileExistsError,
        ImportError,
    ) as exc:
        print(f"sklearn-statement {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
