"""``sklearn-statement build``: write a statement corpus and its statistics table."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from datasets_builders import OVER_LENGTH

from ._options import data_dir, positive_int

#: File formats of the statement corpus ``build`` writes.
CORPUS_FORMATS = ("parquet", "jsonl")


NAME = "build"
HELP = "build a statement corpus (a preset or tasks x languages) and its stats table"
DESCRIPTION = (
    "Write a statement corpus (statements.parquet or .jsonl: one "
    "true or false statement per row, with its task, family, language, "
    "template and example id) and stats.csv (true/false counts per task and "
    "language) to --out: the paper's training mixture (--preset, see "
    "--list-presets) or datasets x languages (--tasks), optionally fitted into a "
    "token budget (--tokenizer, --max-length). Cached across runs."
)
#: The shared options (``_options.parents``) it takes.
PARENTS = ("data", "seed", "overwrite")


def options(p: argparse.ArgumentParser) -> None:
    """The options of ``sklearn-statement build`` besides the shared ones."""
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
        type=positive_int,
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
        type=positive_int,
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


def _list_presets() -> int:
    from datasets_builders import PRESETS

    for preset in PRESETS.values():
        print(f"{preset.name}: {preset.description}")
        for note in preset.notes:
            print(f"  - {note}")
    return 0


def _corpus(args: argparse.Namespace) -> Any:
    """The statements of --preset or --tasks."""
    from datasets_builders import build_multitask, build_preset

    common = dict(
        data_dir=data_dir(args, "the --preset / --tasks datasets"),
        random_state=args.seed,
        tokenizer=args.tokenizer,
        max_length=args.max_length,
        over_length=args.over_length,
        cache=False if args.no_cache else (args.cache_dir or True),
        template_language=args.template_language,
    )
    if args.preset:
        return build_preset(
            args.preset,
            n_per_task=args.n,
            exclude_families=args.exclude_families,
            **common,
        )
    return build_multitask(
        args.tasks,
        languages=args.languages or ["en"],
        n_per_task=args.n or 1500,
        exclude_families=args.exclude_families or (),
        **common,
    )


def run(args: argparse.Namespace) -> int:
    import time

    from datasets_builders import statement_stats

    if args.list_presets:
        return _list_presets()
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
    start = time.perf_counter()
    ds = _corpus(args)
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
