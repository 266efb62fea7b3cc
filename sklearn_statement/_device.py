"""Device and precision choices shared by the estimators."""

from __future__ import annotations

import contextlib
from typing import Any

import torch

from ._constants import PRECISIONS

__all__ = ["resolve_device", "resolve_precision", "autocast"]


def resolve_device(device: str | torch.device | None) -> torch.device:
    """Turn ``"auto"`` (CUDA when available, else CPU) or a device spec into a device.

    Parameters
    ----------
    device : {"auto", "cpu", "cuda", "cuda:N"}, torch.device or None
        None means CPU.

    Returns
    -------
    torch.device

    Raises
    ------
    ValueError
        If the spec is not a device torch knows, or CUDA is asked for but
        not available.
    """
    if device is None:
        return torch.device("cpu")
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r} ({exc})"
        ) from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} asks for CUDA but no CUDA GPU is available; use device='cpu' or 'auto'"
        )
    return dev


def resolve_precision(precision: str, device: torch.device) -> torch.dtype | None:
    """Autocast dtype for ``precision`` on ``device`` (None: full fp32).

    ``"auto"`` is bf16 on CUDA GPUs that support it (Ampere and newer) and
    fp32 elsewhere; ``"bf16"`` is honoured on CPU too (CPUs with AVX-512 BF16
    or AMX run it natively).

    Raises
    ------
    ValueError
        If ``precision`` is not one of ``"auto"``, ``"fp32"``, ``"bf16"``,
        ``"fp16"``, or fp16 is asked for on a CPU.
    """
    if precision not in PRECISIONS:
        raise ValueError(
            f"precision must be one of {list(PRECISIONS)}, got {precision!r}"
        )
    if precision == "auto":
        if device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return None
    if precision == "fp32":
        return None
    if precision == "fp16" and device.type == "cpu":
        raise ValueError("precision='fp16' needs a GPU; use 'bf16' or 'fp32' on a CPU")
    return torch.bfloat16 if precision == "bf16" else torch.float16


def autocast(device: torch.device, dtype: torch.dtype | None) -> Any:
    """``torch.autocast`` for ``dtype`` on ``device``, or a no-op for fp32."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)
