"""What the CPU can do: the instruction sets that decide precision and int8 settings.

The machines this package runs on differ from one day to the next (an
AVX2-only AMD Zen 3, an Intel Xeon with AVX-512, VNNI, AVX-512 BF16 and AMX),
and so do the fast and the correct choices:

- bf16 is fast only where the CPU computes it natively (``avx512_bf16`` or
  ``amx_bf16`` on x86-64, ``bf16`` on Arm); elsewhere PyTorch and oneDNN
  emulate it in fp32 and it is slower than fp32.
- int8 matrix products without VNNI (``avx512_vnni``, ``avx_vnni``,
  ``amx_int8``) use ``VPMADDUBSW``, whose int16 intermediate sums saturate
  for u8 x s8 products of full 8-bit range. ONNX Runtime's quantization guide
  ("Quantization on x86-64 with AVX2 / AVX-512") and optimum's
  ``AutoQuantizationConfig.avx2`` / ``avx512`` therefore quantize weights
  as u8 (u8 x u8 kernels do not saturate) or to 7 bits (``reduce_range``) on
  those CPUs; NNCF's ``OverflowFix`` does the same for OpenVINO.

The flags come from ``/proc/cpuinfo`` (Linux, the systems this package is
tested on); on other systems none are found and the conservative choices
(fp32, the non-VNNI int8 settings) are made.
"""

from __future__ import annotations

import functools
import platform
from pathlib import Path

__all__ = [
    "cpu_flags",
    "cpu_model",
    "cpu_summary",
    "has_native_bf16",
    "int8_kernel",
    "parse_cpuinfo",
    "INT8_KERNELS",
]

#: The flags a benchmark records (the ones that change speed or numerics here).
RELEVANT_FLAGS = (
    "avx2",
    "fma",
    "avx512f",
    "avx512bw",
    "avx512_vnni",
    "avx_vnni",
    "avx512_bf16",
    "amx_bf16",
    "amx_int8",
    "amx_tile",
    "bf16",
    "i8mm",
    "asimddp",
)
#: int8 kernel families, best first (see :func:`int8_kernel`).
INT8_KERNELS = ("avx512_vnni", "avx512", "avx2", "arm64", "generic")
_VNNI = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})


def _parse(text: str, key: str) -> frozenset[str]:
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == key:
            return frozenset(value.split())
    return frozenset()


def parse_cpuinfo(text: str) -> frozenset[str]:
    """The flags in the text of a ``/proc/cpuinfo`` file.

    Parameters
    ----------
    text : str

    Returns
    -------
    frozenset of str
        The x86-64 ``flags`` line's words and the Arm ``Features`` line's
        words of the first processor listed.
    """
    return _parse(text, "flags") | _parse(text, "Features")


@functools.lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """The instruction-set flags of this CPU, as Linux names them.

    Returns
    -------
    frozenset of str
        E.g. ``{"avx2", "avx512f", "avx512_vnni", ...}`` (x86-64 ``flags``)
        or ``{"asimd", "bf16", ...}`` (Arm ``Features``), read from
        ``/proc/cpuinfo``; empty when that file cannot be read (other
        systems).
    """
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    return parse_cpuinfo(text)


@functools.lru_cache(maxsize=1)
def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``), else ``platform.processor()``."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() in ("model name", "Model name", "Hardware"):
            return value.strip()
    return platform.processor() or platform.machine()


def has_native_bf16(flags: frozenset[str] | None = None) -> bool:
    """Whether the CPU computes bf16 natively (so bf16 is faster than fp32).

    Parameters
    ----------
    flags : frozenset of str, optional
        Default: :func:`cpu_flags`.

    Returns
    -------
    bool
        True with ``avx512_bf16`` or ``amx_bf16`` (x86-64) or ``bf16`` (Arm).
    """
    flags = cpu_flags() if flags is None else flags
    return bool(flags & {"avx512_bf16", "amx_bf16", "bf16"})


def int8_kernel(flags: frozenset[str] | None = None) -> str:
    """The int8 kernel family the CPU runs, which sets the int8 export settings.

    Parameters
    ----------
    flags : frozenset of str, optional
        Default: :func:`cpu_flags`.

    Returns
    -------
    {"avx512_vnni", "avx512", "avx2", "arm64", "generic"}
        ``"avx512_vnni"``: any VNNI (``avx512_vnni``, ``avx_vnni``, AMX
        int8), no saturation; ``"avx512"`` (AVX-512 BW without VNNI) and
        ``"avx2"``: ``VPMADDUBSW`` kernels that saturate at full range;
        ``"arm64"``: Arm dot-product kernels; ``"generic"``: none known.
    """
    flags = cpu_flags() if flags is None else flags
    if flags & _VNNI:
        return "avx512_vnni"
    if "avx512bw" in flags:
        return "avx512"
    if "avx2" in flags:
        return "avx2"
    if "asimd" in flags or platform.machine().lower() in ("arm64", "aarch64"):
        return "arm64"
    return "generic"


def cpu_summary() -> dict[str, object]:
    """The CPU facts a benchmark or an export records.

    Returns
    -------
    dict
        ``model`` (str), ``machine`` (``platform.machine()``), ``cores``
        (logical CPUs this process may use), ``flags`` (the relevant flags
        present, sorted), ``native_bf16`` (bool) and ``int8_kernel``.
    """
    import os

    flags = cpu_flags()
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return {
        "model": cpu_model(),
        "machine": platform.machine(),
        "cores": cores,
        "flags": sorted(f for f in RELEVANT_FLAGS if f in flags),
        "native_bf16": has_native_bf16(flags),
        "int8_kernel": int8_kernel(flags),
    }
