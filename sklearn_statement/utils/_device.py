"""Device and precision choices shared by the estimators.

torch is imported by the functions that need it, so that ``utils`` stays
light to import (the command line builds its parser from ``utils``).
"""

from __future__ import annotations

import contextlib
import warnings
from typing import TYPE_CHECKING, Any

from ._constants import PRECISIONS

if TYPE_CHECKING:
    import torch

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
    import torch

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

    ``"auto"`` is bf16 where bf16 is fast and fp32 elsewhere: on CUDA GPUs
    that support bf16 (Ampere and newer), and on CPUs that compute it natively
    (AVX-512 BF16 or AMX on x86-64, BF16 on Arm; see
    :func:`~sklearn_statement.utils.has_native_bf16`). On a CPU without native
    bf16 PyTorch emulates it and it is slower than fp32, so ``"auto"`` keeps
    fp32 there and an explicit ``"bf16"`` runs (the same numerics) with a
    one-time warning that it will be slow.

    Raises
    ------
    ValueError
        If ``precision`` is not one of ``"auto"``, ``"fp32"``, ``"bf16"``,
        ``"fp16"``, or fp16 is asked for on a CPU.
    """
    import torch

    from ._cpu import has_native_bf16

    if precision not in PRECISIONS:
        raise ValueError(
            f"precision must be one of {list(PRECISIONS)}, got {precision!r}"
        )
    if precision == "auto":
        if device.type == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else None
        return torch.bfloat16 if device.type == "cpu" and has_native_bf16() else None
    if precision == "fp32":
        return None
    if precision == "fp16" and device.type == "cpu":
        raise ValueError("precision='fp16' needs a GPU; use 'bf16' or 'fp32' on a CPU")
    if precision == "bf16" and device.type == "cpu" and not has_native_bf16():
        _warn_emulated_bf16()
    return torch.bfloat16 if precision == "bf16" else torch.float16


_WARNED: set[str] = set()


def _warn_emulated_bf16() -> None:
    """Once per process: bf16 on a CPU that emulates it is slower than fp32."""
    if "bf16" in _WARNED:
        return
    _WARNED.add("bf16")
    from ._cpu import cpu_model

    warnings.warn(
        f"precision='bf16' on a CPU without native bf16 ({cpu_model()}: no "
        "avx512_bf16 / amx_bf16): PyTorch emulates it, which is slower than fp32. "
        "Use precision='auto' (fp32 on this CPU) unless you need bf16 numerics.",
        UserWarning,
        stacklevel=3,
    )


def autocast(device: torch.device, dtype: torch.dtype | None) -> Any:
    """``torch.autocast`` for ``dtype`` on ``device``, or a no-op for fp32."""
    if dtype is None:
        return contextlib.nullcontext()
    import torch

    return torch.autocast(device_type=device.type, dtype=dtype)
