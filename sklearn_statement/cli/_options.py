"""What the sub-commands share: option types, the options declared once, and their checks.

Every sub-command module (``_demo.py``, ``_tune.py``...) builds its parser from
:func:`parents` and these types, so an option shared by several commands has
one declaration, one help text and one default. The data source is one of
them: ``--data-dir`` defaults to the sample bundled with the package
(``datasets_builders.sample_data_dir()``) in every command; ``--data-dir hub``
reads the Hugging Face hub.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..utils import PRECISIONS

__all__ = [
    "HUB",
    "HelpFormatter",
    "check_model_path",
    "data_dir",
    "field_column",
    "parents",
    "positive_float",
    "positive_int",
    "probability",
]

#: ``--data-dir`` value that reads the Hugging Face hub instead of a folder.
HUB = "hub"


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
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


def _number(convert: Any, ok: Any, what: str) -> Any:
    """An argparse ``type``: ``convert`` the text, then require ``ok(value)``."""

    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}") from None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}")
        return value

    return parse


positive_int = _number(int, lambda v: v >= 1, "a positive integer")
positive_float = _number(float, lambda v: 0 < v < float("inf"), "a positive number")
probability = _number(float, lambda v: 0 < v < 1, "a number in (0, 1)")


def field_column(text: str) -> tuple[str, str]:
    name, sep, column = text.partition("=")
    if not sep or not name.strip() or not column.strip():
        raise argparse.ArgumentTypeError(
            f"must be NAME=COLUMN (a template field and an input column), got {text!r}"
        )
    return name.strip(), column.strip()


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
        type=positive_int,
        default=64,
        help="statements per forward pass",
    )
    p.add_argument(
        "--max-length",
        type=positive_int,
        default=None,
        help="token budget per statement (default: the model's)",
    )


def _data_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        default=None,
        metavar="DIR|hub",
        help="data folder (the layout of shared/data); default: the sample bundled "
        f"with the package; '{HUB}': the Hugging Face hub",
    )


def _parent(*adders: Any) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    for add in adders:
        add(parent)
    return parent


def parents() -> dict[str, argparse.ArgumentParser]:
    """Options shared by sub-commands, declared once (``parents=`` of a sub-parser)."""
    return {
        "device": _parent(_device_options),
        "seed": _parent(_seed_option),
        "overwrite": _parent(_overwrite_option),
        "scoring": _parent(_scoring_options),
        "data": _parent(_data_option),
    }


_TRUTHY = ("1", "true", "yes", "on")


def _hub_unreachable(timeout: float = 3.0) -> str | None:
    """Why the Hugging Face hub cannot be used right now, or None.

    Offline mode (``HF_HUB_OFFLINE`` / ``HF_DATASETS_OFFLINE``) is read from
    the environment; otherwise one TCP connection to the hub's host (from
    ``HF_ENDPOINT``) is tried with a short timeout, so that a machine
    without network fails in seconds instead of retrying for half a minute.
    """
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


def data_dir(args: argparse.Namespace, what: str) -> Path | None:
    """The data folder of ``--data-dir``: the bundled sample by default, None for the hub.

    None is ``datasets_builders``' way of saying "the hub" (``load_task``,
    ``build_multitask``). With ``--data-dir hub`` the hub is checked first, so
    a machine without network fails in seconds.

    Raises
    ------
    ConnectionError
        If the data would come from an unreachable hub.
    """
    if args.data_dir is None:
        from datasets_builders import sample_data_dir

        return sample_data_dir()
    if args.data_dir != HUB:
        return Path(args.data_dir)
    reason = _hub_unreachable()
    if reason is not None:
        raise ConnectionError(
            f"{what} come from the Hugging Face hub (--data-dir {HUB}), but {reason}; "
            "pass --data-dir DIR (a folder with the layout of shared/data), or leave "
            "it out for the bundled sample"
        )
    return None


def check_model_path(model: str) -> None:
    """Refuse a ``--model`` that looks like a path but does not exist (before loading)."""
    from ..models import looks_like_path

    if not Path(model).expanduser().exists() and looks_like_path(model):
        raise FileNotFoundError(
            f"--model {model!r} does not exist (it is neither a directory here nor a "
            "hub id 'org/name'); check the path"
        )
