"""Export a statement model to ONNX / OpenVINO, optionally int8, behind an accuracy gate.

int8 breaks some encoders: a MiniLM cross-encoder became near-random after
dynamic quantization (onnxruntime issue #9599), and an optimum user saw F1
drop from 0.832 to 0.661 (optimum issue #151). So every export is scored
against the fp32 torch model on labelled statements the caller gives, and is
refused (or, with ``on_fail="warn"``, kept with a loud warning) when the
decisions agree on fewer than ``min_agreement`` of the cases or accuracy
drops by more than ``max_accuracy_drop``.

Recipes, as optimum does them (optimum-onnx / optimum-intel do not install
beside transformers 5, so the same steps run here on the libraries they
wrap):

- ONNX: ``torch.onnx.export`` (TorchScript exporter, eager attention, so
  that ONNX Runtime's transformer optimizer fuses attention, layer norms and
  GELU as ``ORTOptimizer`` does), then ``onnxruntime.quantization.
  quantize_dynamic`` with the settings of optimum's
  ``AutoQuantizationConfig`` for the CPU at hand (:data:`ONNX_INT8`):
  ``avx512_vnni`` (s8 symmetric per-channel weights, u8 asymmetric
  activations, full range) where the CPU has VNNI; ``avx512`` with 7-bit
  weights (``reduce_range``) on AVX-512 without VNNI and ``avx2`` (u8
  weights: u8 x u8 kernels) on AVX2, because the u8 x s8 kernels of those
  CPUs (``VPMADDUBSW``) saturate at full range (ONNX Runtime's quantization
  guide, "Quantization on x86-64 with AVX2 / AVX-512"; the int8 file is named
  after the setting, e.g. ``model_qint8_avx2.onnx``).
- OpenVINO: ``openvino.convert_model`` of the fp32 ONNX graph, then NNCF
  post-training static quantization (``nncf.quantize``,
  ``ModelType.TRANSFORMER``), as optimum-intel's ``OVQuantizer`` does,
  calibrated on statements; on CPUs without VNNI with NNCF's
  ``OverflowFix.ENABLE`` (7-bit weights in every layer, the same saturation
  guard), with VNNI ``OverflowFix.DISABLE``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..backends import (
    INPUT_NAMES,
    OUTPUT_NAMES,
    OnnxRuntimeModel,
    OpenVINOModel,
    backend_dir,
    read_manifest,
    require_backend,
)
from ..models import EXPORT_MANIFEST, export_file
from ..utils import EXPORT_BACKENDS, ON_FAIL, QUANTIZE, cpu_summary, int8_kernel
from ._gate import (  # noqa: F401 - re-exported: the gate belongs to the export
    MIN_VALIDATION,
    ExportGateError,
    gate_report,
    validation_statements,
)

__all__ = [
    "ExportGateError",
    "export_statement_model",
    "quantize_int8",
    "gate_report",
    "validation_statements",
    "QUANTIZE",
    "ON_FAIL",
]

#: ``quantize_dynamic`` settings per int8 kernel family (:func:`int8_kernel`),
#: as optimum's ``AutoQuantizationConfig.<family>(is_static=False)`` sets them,
#: with ``reduce_range`` where the kernels saturate.
ONNX_INT8 = {
    "avx512_vnni": {"weight_type": "QInt8", "reduce_range": False},
    "avx512": {"weight_type": "QInt8", "reduce_range": True},
    "avx2": {"weight_type": "QUInt8", "reduce_range": False},
    "arm64": {"weight_type": "QInt8", "reduce_range": False},
    "generic": {"weight_type": "QUInt8", "reduce_range": False},
}


#: Calibration statements NNCF reads at most (its ``subset_size``).
MAX_CALIBRATION = 300


def file_name(backend: str, quantize: str | None, kernel: str | None = None) -> str:
    """The exported file's name (:func:`sklearn_statement.models.export_file`).

    ``kernel`` defaults to this CPU's int8 kernel family
    (:func:`~sklearn_statement.utils.int8_kernel`).
    """
    return export_file(backend, quantize, kernel or int8_kernel())


def _int8_description(backend: str, kernel: str) -> str:
    """How the int8 file was quantized (recorded with it)."""
    if backend == "onnx":
        s = ONNX_INT8[kernel]
        weights = "s8 symmetric" if s["weight_type"] == "QInt8" else "u8 symmetric"
        bits = ", 7-bit range" if s["reduce_range"] else ""
        return (
            f"dynamic int8 ({kernel}: {weights} per-channel weights{bits}, u8 "
            "asymmetric activations)"
        )
    fix = "DISABLE" if kernel == "avx512_vnni" else "ENABLE"
    return f"static int8 (NNCF, ModelType.TRANSFORMER, OverflowFix.{fix}; {kernel})"


#: Architectures whose attention ONNX Runtime's optimizer fuses (model_type "bert").
_FUSABLE = {"bert", "roberta", "xlm-roberta", "camembert", "distilbert", "electra"}


# ---------------------------------------------------------------------- export steps
@contextlib.contextmanager
def _quiet() -> Any:
    """Silence the exporters' tracer / deprecation warnings and root-logger notes."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


class _WithHidden:
    """torch module returning (logits, last hidden state); built lazily (torch import)."""

    @staticmethod
    def wrap(model: Any) -> Any:
        import torch

        class Wrapper(torch.nn.Module):
            def __init__(self, inner: Any) -> None:
                super().__init__()
                self.inner = inner

            def forward(self, input_ids: Any, attention_mask: Any) -> Any:
                out = self.inner(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    output_hidden_states=True,
                )
                return out.logits, out.hidden_states[-1]

        return Wrapper(model).eval()


def _export_onnx(
    model: Any, sample: dict[str, Any], path: Path, opset: int = 17
) -> None:
    import torch

    axes = {"batch": 0, "sequence": 1}
    dynamic = {name: {0: "batch", 1: "sequence"} for name in INPUT_NAMES}
    dynamic["logits"] = {axes["batch"]: "batch"}
    dynamic["last_hidden_state"] = {0: "batch", 1: "sequence"}
    with _quiet(), torch.inference_mode(False), torch.no_grad():
        torch.onnx.export(
            _WithHidden.wrap(model),
            (sample["input_ids"], sample["attention_mask"]),
            str(path),
            input_names=list(INPUT_NAMES),
            output_names=list(OUTPUT_NAMES),
            dynamic_axes=dynamic,
            opset_version=opset,
            do_constant_folding=True,
            dynamo=False,
        )


def _large(model: Any) -> bool:
    """Over the 2 GB protobuf limit (with margin): weights go to an external file."""
    return sum(p.numel() * p.element_size() for p in model.parameters()) > 1.8e9


def _optimize_onnx(raw: Path, out: Path, config: Any, large: bool) -> bool:
    """ONNX Runtime's transformer fusions (as ``ORTOptimizer``); False: copied as is."""
    import onnx

    if config.model_type in _FUSABLE:
        from onnxruntime.transformers.optimizer import optimize_model

        with _quiet():
            optimized = optimize_model(
                str(raw),
                model_type="bert",
                num_heads=int(config.num_attention_heads),
                hidden_size=int(config.hidden_size),
            )
            optimized.save_model_to_file(str(out), use_external_data_format=large)
        return True
    onnx.save_model(onnx.load(str(raw)), str(out), save_as_external_data=large)
    return False


def _quantize_onnx(
    source: Path, out: Path, large: bool, options: Mapping[str, Any], kernel: str
) -> None:
    """Dynamic int8 with optimum's settings for ``kernel`` (:data:`ONNX_INT8`)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    setting = ONNX_INT8[kernel]
    kwargs = {
        "per_channel": True,
        "reduce_range": setting["reduce_range"],
        "weight_type": getattr(QuantType, setting["weight_type"]),
        "use_external_data_format": large,
        "extra_options": {
            "WeightSymmetric": True,
            "ActivationSymmetric": False,
            # fused contrib operators have no inferred types; their outputs are fp32
            "DefaultTensorType": onnx.TensorProto.FLOAT,
        },
    }
    kwargs.update(options)
    named = [
        key for key in ("nodes_to_exclude", "nodes_to_quantize") if kwargs.get(key)
    ]
    if named:
        # quantize_dynamic turns a Gemm into a MatMul named "<gemm>_MatMul" before it
        # reads these lists: a Gemm named there (pooler, classifier) would be missed,
        # so its new name is added too
        gemm = {
            n.name
            for n in onnx.load(str(source), load_external_data=False).graph.node
            if n.op_type == "Gemm"
        }
        for key in named:
            names = list(kwargs[key])
            kwargs[key] = names + [f"{n}_MatMul" for n in names if n in gemm]
    with _quiet():
        quantize_dynamic(str(source), str(out), **kwargs)


def _openvino_fp32(raw: Path, out: Path) -> None:
    import openvino as ov

    with _quiet():
        ov.save_model(ov.convert_model(str(raw)), str(out), compress_to_fp16=False)


def _openvino_int8(
    fp32_xml: Path,
    out: Path,
    calibration: list[dict[str, np.ndarray]],
    options: Mapping[str, Any],
    kernel: str,
) -> None:
    import nncf
    import openvino as ov
    from nncf.quantization.advanced_parameters import (
        AdvancedQuantizationParameters,
        OverflowFix,
    )

    nncf.set_log_level(logging.ERROR)
    fix = OverflowFix.DISABLE if kernel == "avx512_vnni" else OverflowFix.ENABLE
    kwargs = {
        "model_type": nncf.ModelType.TRANSFORMER,
        "subset_size": len(calibration),
        "advanced_parameters": AdvancedQuantizationParameters(overflow_fix=fix),
    }
    kwargs.update(options)
    with _quiet():
        model = ov.Core().read_model(str(fp32_xml))
        quantized = nncf.quantize(model, nncf.Dataset(calibration), **kwargs)
        ov.save_model(quantized, str(out), compress_to_fp16=False)


def quantize_int8(
    source: str | os.PathLike,
    out: str | os.PathLike,
    *,
    backend: str = "onnx",
    quantize_options: Mapping[str, Any] | None = None,
    calibration: Sequence[str] | None = None,
    tokenizer: Any = None,
    max_length: int = 512,
) -> Path:
    """Quantize an fp32 export to int8 with :func:`export_statement_model`'s settings, without its gate.

    For studies that compare several quantizations of one model (which
    layers to keep in fp32: ``benchmarks/int8_sensitivity.py``); a file
    meant for use should go through :func:`export_statement_model`, whose
    gate scores it against the fp32 torch model.

    Parameters
    ----------
    source : str or PathLike
        The fp32 file ``export_statement_model(..., quantize=None)`` wrote:
        ``onnx/model.onnx`` or ``openvino/openvino_model.xml``.
    out : str or PathLike
        The int8 file to write (``.onnx`` or ``.xml``); an existing file is
        replaced (this writes study files, not a user's model directory).
    backend : {"onnx", "openvino"}, default="onnx"
        ONNX Runtime dynamic int8 with the settings of this CPU's int8 kernel
        family (``ONNX_INT8``), or NNCF static int8 (``ModelType.TRANSFORMER``).
    quantize_options : mapping, optional
        Overrides for ``quantize_dynamic`` (e.g. ``nodes_to_exclude``) or
        ``nncf.quantize`` (e.g. ``ignored_scope=nncf.IgnoredScope(names=...)``).
    calibration : sequence of str, optional
        OpenVINO only (required there): statements whose activations set the
        int8 ranges (at most 300 are used).
    tokenizer : transformers tokenizer, optional
        OpenVINO only (required there): the model's tokenizer.
    max_length : int, default=512
        OpenVINO only: token budget of the calibration statements.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    FileNotFoundError
        If ``source`` does not exist.
    ValueError
        If ``backend`` is unknown or does not match ``source``'s suffix, or
        OpenVINO is asked for without ``calibration`` statements and a
        ``tokenizer``.
    """
    source, out = Path(source), Path(out)
    suffix = {"onnx": ".onnx", "openvino": ".xml"}.get(backend)
    if suffix is None:
        raise ValueError(f"backend must be 'onnx' or 'openvino', got {backend!r}")
    if source.suffix != suffix:
        raise ValueError(
            f"backend={backend!r} quantizes a {suffix} file, got {source.name}; "
            "pass the backend the file was exported for"
        )
    if not source.is_file():
        raise FileNotFoundError(
            f"{source} does not exist; write it first with "
            "export_statement_model(directory, backend=..., quantize=None, validation=...)"
        )
    kernel = int8_kernel()
    options = dict(quantize_options or {})
    if backend == "onnx":
        import onnx

        graph = onnx.load(str(source), load_external_data=False).graph
        large = any(
            t.data_location == onnx.TensorProto.EXTERNAL for t in graph.initializer
        )
        _quantize_onnx(source, out, large, options, kernel)
    else:
        if not calibration or tokenizer is None:
            raise ValueError(
                "OpenVINO int8 is calibrated: pass calibration=[statements...] "
                "(not empty) and tokenizer=AutoTokenizer.from_pretrained(directory)"
            )
        batches = _calibration_batches(tokenizer, list(calibration), max_length)
        _openvino_int8(source, out, batches, options, kernel)
    return out


def _write_manifest(sub: Path, manifest: dict[str, Any]) -> None:
    tmp = sub / (EXPORT_MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, sub / EXPORT_MANIFEST)


def _remove(path: Path) -> None:
    for p in (path, path.with_suffix(".bin"), Path(str(path) + ".data")):
        if p.exists():
            p.unlink()


def _load_reference(directory: Path) -> tuple[Any, Any]:
    """The fp32 torch model (eager attention, LoRA merged) and its tokenizer."""
    from ..models import is_peft, load_statement_model

    model, tokenizer = load_statement_model(
        str(directory), model_kwargs={"attn_implementation": "eager"}
    )
    if is_peft(model):
        if model.peft_config[model.active_adapter].is_prompt_learning:
            raise ValueError(
                f"{directory} holds a soft-prompt adapter, which cannot be exported; "
                "export a LoRA or fully tuned model"
            )
        model = model.merge_and_unload()
    return model.float().eval(), tokenizer


def export_statement_model(
    directory: str | os.PathLike,
    *,
    backend: str = "onnx",
    quantize: str | None = "int8",
    validation: Any = None,
    min_agreement: float = 0.99,
    max_accuracy_drop: float = 0.005,
    on_fail: str = "raise",
    calibration: Sequence[str] | None = None,
    quantize_options: Mapping[str, Any] | None = None,
    max_length: int | None = None,
    batch_size: int = 64,
) -> dict[str, Any]:
    """Export a saved statement model for ONNX Runtime or OpenVINO, gated on accuracy.

    The fp32 graph is written first (and gated too: it must reproduce the
    torch model); with ``quantize="int8"`` the int8 graph follows. Each file
    is scored against the fp32 torch model on ``validation`` and kept only
    if its decisions agree on at least ``min_agreement`` of the cases and
    its accuracy drops by at most ``max_accuracy_drop``. The figures go to
    ``DIR/<backend>/export.json`` either way.

    Parameters
    ----------
    directory : str or PathLike
        A statement model saved by ``StatementTuner.save_pretrained`` (or
        any transformers directory with a 2-way head). The export is
        written into its ``onnx/`` or ``openvino/`` sub-folder.
    backend : {"onnx", "openvino"}, default="onnx"
        ONNX Runtime (``pip install 'sklearn-statement[onnx]'``) or OpenVINO
        (``[openvino]``).
    quantize : {"int8", None}, default="int8"
        ``"int8"``: ONNX Runtime dynamic int8 (weights per channel,
        activations per batch) or OpenVINO static int8 (NNCF, calibrated on
        ``calibration``). None: fp32 only.
    validation : tuple, mapping, DataFrame, datasets.Dataset or path
        Labelled statements the gate scores (required):
        ``(statements, labels[, example_ids])``, a table with ``statement``,
        ``label`` (1 = true) and optionally ``example_id`` columns, or a
        ``.jsonl`` / ``.csv`` / ``.parquet`` file with them. Statements the
        model was not trained on give an honest gate; with example ids
        (``build_multitask`` output) the gate compares zero-shot decisions.
    min_agreement : float, default=0.99
        Least fraction of decisions equal to the fp32 model's.
    max_accuracy_drop : float, default=0.005
        Largest accuracy loss (fraction; 0.005 = 0.5 points).
    on_fail : {"raise", "warn"}, default="raise"
        "raise": a file that fails the gate is deleted and
        :class:`ExportGateError` raised; "warn": it is kept (and becomes
        the default file) with a ``UserWarning`` now and at every load.
    calibration : sequence of str, optional
        OpenVINO int8 only: statements whose activations set the int8
        ranges (at most 300 are used). Default: the validation statements;
        pass other ones so the gate does not score its own calibration set.
    quantize_options : mapping, optional
        Overrides for ``onnxruntime.quantization.quantize_dynamic``
        (``nodes_to_exclude``, ``per_channel``…) or ``nncf.quantize``
        (``ignored_scope``, ``preset``…), e.g. to keep a sensitive layer in
        fp32 after a refused export.
    max_length : int, optional
        Token budget of the validation statements (default: the saved
        tuner's ``max_length``, else the tokenizer's limit, at most 512).
    batch_size : int, default=64
        Statements per forward pass while gating.

    Returns
    -------
    dict
        The requested file's record: ``file`` (path), ``backend``,
        ``quantize``, ``gate`` (see :func:`gate_report`), ``fused`` (ONNX
        Runtime fusions applied), ``seconds`` and library versions.

    Raises
    ------
    ImportError
        If the backend's packages are missing (the message names the extra).
    ExportGateError
        If a file fails the gate and ``on_fail="raise"``.
    ValueError, TypeError
        For invalid arguments or validation data.
    FileNotFoundError
        If ``directory`` is not a saved model.
    """
    from ..backends import encode_statements, forward_true_logits
    from ..models import saved_params, true_false_index

    _check_export_args(backend, quantize, on_fail, min_agreement, max_accuracy_drop)
    require_backend(backend, what="exporting")
    statements, labels, ids = validation_statements(validation)
    directory = Path(directory).expanduser()
    start = time.perf_counter()
    model, tokenizer = _load_reference(directory)
    true_index, false_index = true_false_index(model)
    limit = min(int(getattr(tokenizer, "model_max_length", 512) or 512), 512)
    max_length = int(
        max_length or saved_params(str(directory)).get("max_length") or limit
    )
    encoded = encode_statements(tokenizer, statements, max_length)
    forward = {
        "pad_id": tokenizer.pad_token_id,
        "true_index": true_index,
        "false_index": false_index,
        "batch_size": batch_size,
    }
    sub = backend_dir(directory, backend)
    sub.mkdir(parents=True, exist_ok=True)
    gate = _Gate(
        backend=backend,
        config=model.config,
        encoded=encoded,
        forward=forward,
        reference=forward_true_logits(model, encoded, **forward),
        labels=labels,
        ids=ids,
        thresholds={
            "min_agreement": min_agreement,
            "max_accuracy_drop": max_accuracy_drop,
        },
        on_fail=on_fail,
        max_length=max_length,
        sub=sub,
        manifest=_start_manifest(directory, backend, true_index, false_index),
        start=start,
    )
    large = _large(model)
    options = dict(quantize_options or {})
    kernel = int8_kernel()
    with tempfile.TemporaryDirectory(prefix="statement_export_") as tmp:
        raw = Path(tmp) / "raw.onnx"
        _export_onnx(model, _trace_sample(encoded, tokenizer.pad_token_id), raw)
        fp32 = sub / file_name(backend, None)
        int8 = {
            "int8_kernel": kernel,
            "quantization": _int8_description(backend, kernel),
        }
        if backend == "onnx":
            fused = _optimize_onnx(raw, fp32, model.config, large)
            gate(fp32, None, {"fused": fused})
            if quantize == "int8":
                q_path = sub / file_name("onnx", "int8", kernel)
                quantize_int8(fp32, q_path, backend="onnx", quantize_options=options)
                gate(q_path, "int8", {"fused": fused, **int8})
        else:
            _openvino_fp32(raw, fp32)
            gate(fp32, None, {})
            if quantize == "int8":
                texts = list(calibration) if calibration is not None else statements
                q_path = sub / file_name("openvino", "int8")
                quantize_int8(fp32, q_path, backend="openvino", quantize_options=options,
                              calibration=texts, tokenizer=tokenizer, max_length=max_length)  # fmt: skip
                given = "validation" if calibration is None else "given"
                extra = {
                    **int8,
                    "calibration": f"{given} statements",
                    "calibration_size": min(len(texts), MAX_CALIBRATION),
                }
                gate(q_path, "int8", extra)
    return gate.records[file_name(backend, quantize, kernel)]


def _trace_sample(encoded: list[list[int]], pad_id: int) -> dict[str, Any]:
    """The longest and the shortest statement, padded: the batch the export traces."""
    from ..backends import pad_batch

    by_length = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
    return pad_batch([encoded[by_length[-1]], encoded[by_length[0]]], pad_id)


def _check_export_args(
    backend: str,
    quantize: str | None,
    on_fail: str,
    min_agreement: float,
    max_accuracy_drop: float,
) -> None:
    if backend not in EXPORT_BACKENDS:
        raise ValueError(f"backend must be 'onnx' or 'openvino', got {backend!r}")
    if quantize not in QUANTIZE:
        raise ValueError(f"quantize must be 'int8' or None, got {quantize!r}")
    if on_fail not in ON_FAIL:
        raise ValueError(f"on_fail must be 'raise' or 'warn', got {on_fail!r}")
    for name, value in (
        ("min_agreement", min_agreement),
        ("max_accuracy_drop", max_accuracy_drop),
    ):
        if not 0 <= float(value) <= 1:
            raise ValueError(f"{name} must be in [0, 1], got {value!r}")


def _start_manifest(
    directory: Path, backend: str, true_index: int, false_index: int
) -> dict[str, Any]:
    """The backend's ``export.json`` so far, with this export's graph facts."""
    manifest = read_manifest(directory, backend)
    manifest.setdefault("files", {})
    manifest.update(
        {
            "backend": backend,
            "inputs": list(INPUT_NAMES),
            "outputs": list(OUTPUT_NAMES),
            "true_index": true_index,
            "false_index": false_index,
        }
    )
    return manifest


def _calibration_batches(
    tokenizer: Any, texts: Sequence[str], max_length: int
) -> list[dict[str, np.ndarray]]:
    """One-statement numpy batches of (at most :data:`MAX_CALIBRATION`) calibration statements."""
    from ..backends import encode_statements, pad_batch

    if not texts:
        raise ValueError("calibration is empty; give statements or None")
    return [
        {k: v.numpy() for k, v in pad_batch([seq], tokenizer.pad_token_id).items()}
        for seq in encode_statements(tokenizer, texts[:MAX_CALIBRATION], max_length)
    ]


@dataclass
class _Gate:
    """Score an exported file against the fp32 torch model; keep, warn or refuse it.

    Every file's record goes into ``records`` and the manifest; a passing
    file (or a failing one with ``on_fail="warn"``) becomes the default, a
    refused one is deleted and listed under ``refused``.
    """

    backend: str
    config: Any
    encoded: list[list[int]]
    forward: dict[str, Any]  # forward_true_logits options
    reference: np.ndarray
    labels: np.ndarray
    ids: Any
    thresholds: dict[str, float]
    on_fail: str
    max_length: int
    sub: Path
    manifest: dict[str, Any]
    start: float
    records: dict[str, Any] = field(default_factory=dict)

    def __call__(self, path: Path, q: str | None, extra: dict[str, Any]) -> dict:
        from ..backends import forward_true_logits

        seconds = time.perf_counter() - self.start  # the export, not its gate
        runner = (
            OnnxRuntimeModel(path, self.config)
            if self.backend == "onnx"
            else OpenVINOModel(path, self.config, inference_precision="f32")
        )
        candidate = forward_true_logits(runner, self.encoded, **self.forward)
        report = gate_report(
            self.reference, candidate, self.labels, self.ids, **self.thresholds
        )
        record = {
            "file": str(path),
            "backend": self.backend,
            "quantize": q,
            "gate": report,
            "max_length": self.max_length,
            "created": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "versions": _versions(self.backend),
            "cpu": cpu_summary(),
            **extra,
            "seconds": seconds,
        }
        self.records[path.name] = record
        self.manifest["files"][path.name] = record
        if report["passed"]:
            self.manifest["default"] = path.name
            _write_manifest(self.sub, self.manifest)
            return record
        message = (
            f"export {path.name} ({self.backend}, {q or 'fp32'}) failed its accuracy "
            f"gate on {report['n_decisions']} {report['level']} decisions: "
            f"{report['reason']}"
        )
        if self.on_fail == "warn":
            self.manifest["default"] = path.name
            _write_manifest(self.sub, self.manifest)
            warnings.warn(
                message
                + f". KEPT because on_fail='warn': {path} may predict differently "
                "from the fp32 model",
                UserWarning,
                stacklevel=3,
            )
            return record
        self._refuse(path, record)
        raise ExportGateError(
            message + ". The file was not kept. Try quantize=None (fp32), "
            "quantize_options={'nodes_to_exclude': [...]} to keep sensitive layers in "
            "fp32, or the other backend; on_fail='warn' keeps it anyway",
            record,
        )

    def _refuse(self, path: Path, record: dict[str, Any]) -> None:
        _remove(path)
        self.manifest["files"].pop(path.name)
        self.manifest.setdefault("refused", {})[path.name] = record
        if self.manifest.get("default") == path.name:
            self.manifest.pop("default")
        _write_manifest(self.sub, self.manifest)


def _versions(backend: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for package in ("torch", "transformers", "onnx", "onnxruntime", "openvino", "nncf"):
        if backend == "onnx" and package in ("openvino", "nncf"):
            continue
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            pass
    return out
