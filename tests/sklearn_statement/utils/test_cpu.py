"""CPU capabilities decide precision and int8 settings: the rules, on given flag sets
(the machines of this project vary: AVX2-only Zen 3, AVX-512 + VNNI + bf16 + AMX)."""

from __future__ import annotations

import warnings

import pytest
import torch

from sklearn_statement.utils import _cpu, _device
from sklearn_statement.utils._cpu import (
    cpu_summary,
    has_native_bf16,
    int8_kernel,
    parse_cpuinfo,
)

ZEN3 = "fpu vme sse sse2 ssse3 sse4_1 sse4_2 avx avx2 fma bmi2 sha_ni vaes"
SKYLAKE_SP = ZEN3 + " avx512f avx512dq avx512cd avx512bw avx512vl"
CASCADE_LAKE = SKYLAKE_SP + " avx512_vnni"
SAPPHIRE_RAPIDS = CASCADE_LAKE + " avx512_bf16 amx_bf16 amx_tile amx_int8 avx_vnni"
ALDER_LAKE = ZEN3 + " avx_vnni"


def _flags(line):
    return parse_cpuinfo(f"processor\t: 0\nflags\t\t: {line}\nbugs\t\t: spectre\n")


@pytest.mark.parametrize(
    "line, kernel, bf16",
    [
        (ZEN3, "avx2", False),
        (SKYLAKE_SP, "avx512", False),
        (CASCADE_LAKE, "avx512_vnni", False),
        (SAPPHIRE_RAPIDS, "avx512_vnni", True),
        (ALDER_LAKE, "avx512_vnni", False),  # AVX-VNNI: no saturation either
    ],
)
def test_int8_kernel_and_native_bf16_follow_the_flags(line, kernel, bf16):
    flags = _flags(line)
    assert int8_kernel(flags) == kernel
    assert has_native_bf16(flags) is bf16


def test_arm_features_line_is_read():
    flags = parse_cpuinfo("processor\t: 0\nFeatures\t: fp asimd asimddp bf16 i8mm\n")
    assert {"asimd", "bf16", "i8mm"} <= flags
    assert has_native_bf16(flags) and int8_kernel(flags) == "arm64"


def test_cpu_summary_records_this_machine():
    summary = cpu_summary()
    assert summary["int8_kernel"] == int8_kernel()
    assert summary["native_bf16"] is has_native_bf16()
    assert set(summary["flags"]) <= set(_cpu.RELEVANT_FLAGS)
    assert summary["cores"] >= 1 and summary["model"]


@pytest.mark.parametrize("native", [True, False])
def test_auto_precision_is_bf16_only_where_the_cpu_has_it(monkeypatch, native):
    monkeypatch.setattr(_cpu, "has_native_bf16", lambda flags=None: native)
    expected = torch.bfloat16 if native else None
    assert _device.resolve_precision("auto", torch.device("cpu")) is expected
    assert _device.resolve_precision("fp32", torch.device("cpu")) is None


def test_explicit_bf16_without_native_support_warns_once(monkeypatch):
    monkeypatch.setattr(_cpu, "has_native_bf16", lambda flags=None: False)
    monkeypatch.setattr(_device, "_WARNED", set())
    cpu = torch.device("cpu")
    with pytest.warns(UserWarning, match="without native bf16.*slower than fp32"):
        assert _device.resolve_precision("bf16", cpu) is torch.bfloat16
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _device.resolve_precision("bf16", cpu) is torch.bfloat16  # once


def test_explicit_bf16_with_native_support_is_silent(monkeypatch):
    monkeypatch.setattr(_cpu, "has_native_bf16", lambda flags=None: True)
    monkeypatch.setattr(_device, "_WARNED", set())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _device.resolve_precision("bf16", torch.device("cpu")) is torch.bfloat16
