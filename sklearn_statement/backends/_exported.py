"""Exported statement models run by ONNX Runtime or OpenVINO (CPU int8 backends).

A directory written by :func:`sklearn_statement.export_statement_model`
(or ``StatementTuner.export`` / ``sklearn-statement export``) holds the
transformers model and, in the layout of sentence-transformers' ``backend=``
option, one sub-folder per backend::

    DIR/config.json, model.safetensors, tokenizer files   (the fp32 reference)
    DIR/onnx/model.onnx                                   fp32, fused
    DIR/onnx/model_qint8_<kernel>.onnx                    dynamic int8 (avx512_vnni,
                                                          avx512, avx2 or arm64)
    DIR/openvino/openvino_model.xml (+ .bin)              fp32
    DIR/openvino/openvino_model_qint8_quantized.xml       static int8
    DIR/<backend>/export.json                             files + accuracy gates

Each exported graph takes ``input_ids`` and ``attention_mask`` (int64,
shape (batch, sequence)) and returns ``logits`` (batch, 2) and
``last_hidden_state`` (batch, sequence, hidden). The runners here load one
file with the tokenizer and config only: no torch model, no training code.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..models import EXPORT_DIRS, EXPORT_MANIFEST
from ..utils import BACKENDS, require

__all__ = [
    "BACKENDS",
    "OnnxRuntimeModel",
    "OpenVINOModel",
    "backend_dir",
    "load_backend_model",
    "require_backend",
]

#: The packages each exported backend needs (all in the extra of its name).
BACKEND_PACKAGES = {
    "onnx": ("onnx", "onnxruntime"),
    "openvino": ("onnx", "openvino", "nncf"),
}
INPUT_NAMES = ("input_ids", "attention_mask")
OUTPUT_NAMES = ("logits", "last_hidden_state")


def require_backend(backend: str, *, what: str = "this backend") -> None:
    """Import the packages of an exported ``backend``, or raise naming the extra.

    Parameters
    ----------
    backend : {"onnx", "openvino"}
    what : str
        What needs it, for the message.

    Raises
    ------
    ValueError
        If ``backend`` is not an exported backend.
    ImportError
        If a package is missing; the message names ``pip install
        'sklearn-statement[onnx]'`` (or ``[openvino]``).
    """
    if backend not in BACKEND_PACKAGES:
        raise ValueError(
            f"backend must be one of {sorted(BACKEND_PACKAGES)} for an exported model, got {backend!r}"
        )
    for package in BACKEND_PACKAGES[backend]:
        require(package, f"{what} (backend={backend!r})", extra=backend)


def backend_dir(directory: str | os.PathLike, backend: str) -> Path:
    """The backend's sub-folder of an exported model directory."""
    return Path(directory) / EXPORT_DIRS[backend]


def read_manifest(directory: str | os.PathLike, backend: str) -> dict[str, Any]:
    """The backend's ``export.json`` (empty when there is none).

    Raises
    ------
    ValueError
        If the file is not valid JSON.
    """
    path = backend_dir(directory, backend) / EXPORT_MANIFEST
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(
            f"{path} is not valid JSON ({exc}); export the model again"
        ) from exc


def _threads() -> int:
    import torch

    return int(torch.get_num_threads())


class _Exported:
    """Shared parts: config, path, lazy (re)loading, pickling without the runtime."""

    backend = ""

    def __init__(self, path: str | os.PathLike, config: Any) -> None:
        self.path = Path(path)
        self.config = config
        self._runtime: Any = None

    def __getstate__(self) -> dict[str, Any]:  # runtimes do not pickle
        state = dict(self.__dict__)
        state["_runtime"] = None
        return state

    def _outputs(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> dict:
        raise NotImplementedError

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Classification logits, shape (batch, n_labels), float32."""
        return self._outputs(input_ids, attention_mask, "logits")

    def hidden_states(
        self, input_ids: np.ndarray, attention_mask: np.ndarray
    ) -> np.ndarray:
        """The encoder's last hidden state, shape (batch, sequence, hidden)."""
        return self._outputs(input_ids, attention_mask, "last_hidden_state")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"


class OnnxRuntimeModel(_Exported):
    """An exported ONNX statement model run by ONNX Runtime on the CPU.

    Parameters
    ----------
    path : str or PathLike
        The ``.onnx`` file.
    config : transformers.PretrainedConfig
        The model's config (label names, sizes).
    threads : int, optional
        Intra-op threads; default: ``torch.get_num_threads()``, so that a
        comparison with the torch backend uses the same cores.
    """

    backend = "onnx"

    def __init__(
        self, path: str | os.PathLike, config: Any, threads: int | None = None
    ):
        super().__init__(path, config)
        self.threads = threads

    def _session(self) -> Any:
        if self._runtime is None:
            require_backend("onnx")
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = int(self.threads or _threads())
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            self._runtime = ort.InferenceSession(
                str(self.path), options, providers=["CPUExecutionProvider"]
            )
        return self._runtime

    def _outputs(self, input_ids, attention_mask, name="logits"):
        session = self._session()
        names = {i.name for i in session.get_inputs()}
        feed = {"input_ids": input_ids.astype(np.int64, copy=False)}
        if "attention_mask" in names:
            feed["attention_mask"] = attention_mask.astype(np.int64, copy=False)
        if "token_type_ids" in names:
            feed["token_type_ids"] = np.zeros_like(feed["input_ids"])
        return session.run([name], feed)[0]


class OpenVINOModel(_Exported):
    """An exported OpenVINO IR statement model compiled for the CPU.

    Parameters
    ----------
    path : str or PathLike
        The ``.xml`` file (its ``.bin`` beside it).
    config : transformers.PretrainedConfig
    inference_precision : {"f32", "bf16"}, default="f32"
        OpenVINO's ``INFERENCE_PRECISION_HINT`` for the operations that are
        not int8: "f32" is what the export's accuracy gate measured;
        OpenVINO's own default on CPUs with AVX-512 BF16/AMX is bf16.
    threads : int, optional
        ``INFERENCE_NUM_THREADS``; default ``torch.get_num_threads()``.
    """

    backend = "openvino"

    def __init__(
        self,
        path: str | os.PathLike,
        config: Any,
        inference_precision: str = "f32",
        threads: int | None = None,
    ):
        super().__init__(path, config)
        self.inference_precision = inference_precision
        self.threads = threads

    def _compiled(self) -> Any:
        if self._runtime is None:
            require_backend("openvino")
            import openvino as ov

            core = ov.Core()
            self._runtime = core.compile_model(
                str(self.path),
                "CPU",
                {
                    "INFERENCE_PRECISION_HINT": self.inference_precision,
                    "PERFORMANCE_HINT": "LATENCY",
                    "INFERENCE_NUM_THREADS": int(self.threads or _threads()),
                },
            )
        return self._runtime

    def _outputs(self, input_ids, attention_mask, name="logits"):
        compiled = self._compiled()
        feed = {
            "input_ids": input_ids.astype(np.int64, copy=False),
            "attention_mask": attention_mask.astype(np.int64, copy=False),
        }
        result = compiled(feed)
        return np.asarray(result[compiled.output(name)])


def _check_int8_kernel(record: dict[str, Any], path: Path) -> None:
    """Warn when a VNNI int8 file runs on a CPU whose int8 kernels saturate."""
    from ..utils import int8_kernel

    made_for, here = record.get("int8_kernel"), int8_kernel()
    if made_for == "avx512_vnni" and here != "avx512_vnni":
        warnings.warn(
            f"{path} was quantized for CPUs with VNNI (full-range s8 weights), but this "
            f"CPU's int8 kernels are {here!r}, whose u8 x s8 products can saturate and "
            "change predictions. Export it again on this machine (the export picks the "
            "settings of the CPU it runs on).",
            UserWarning,
            stacklevel=4,
        )


def load_backend_model(
    directory: str | os.PathLike,
    backend: str,
    *,
    file_name: str | None = None,
    precision: str = "fp32",
) -> tuple[Any, Any]:
    """Load an exported statement model and its tokenizer.

    Parameters
    ----------
    directory : str or PathLike
        A directory written by ``StatementTuner.export`` /
        ``sklearn-statement export``, or one exported file in it
        (``DIR/onnx/model.onnx``: that file rather than the default).
    backend : {"onnx", "openvino"}
    file_name : str, optional
        A file in the backend's sub-folder (``model.onnx``,
        ``model_qint8_avx2.onnx``…). Default: the file of the last
        export, as recorded in ``export.json``.
    precision : {"fp32", "bf16"}, default="fp32"
        OpenVINO only: the precision of the operations that are not int8
        (see :class:`OpenVINOModel`). ONNX Runtime runs the exported graph
        as it is.

    Returns
    -------
    model : OnnxRuntimeModel or OpenVINOModel
        ``logits(input_ids, attention_mask)`` and
        ``hidden_states(input_ids, attention_mask)`` on numpy arrays.
    tokenizer : transformers tokenizer

    Raises
    ------
    ImportError
        If the backend's packages are missing (the message names the extra).
    FileNotFoundError
        If the directory has no export for ``backend`` (the message names
        ``StatementTuner.export`` and ``sklearn-statement export``).
    ValueError
        If ``export.json`` is invalid.

    Warns
    -----
    UserWarning
        If the file's accuracy gate failed at export (it was kept with
        ``on_fail="warn"``), or it was quantized for VNNI and this CPU has
        none (its int8 products may saturate: export it again here).
    """
    from transformers import AutoConfig

    from ..models import load_tokenizer

    require_backend(backend, what="loading an exported model")
    directory = Path(directory).expanduser()
    if directory.is_file():  # DIR/<backend>/<file>
        file_name = file_name or directory.name
        directory = directory.parent.parent
    manifest = read_manifest(directory, backend)
    name = file_name or manifest.get("default")
    sub = backend_dir(directory, backend)
    if not name or not (sub / name).is_file():
        found = sorted(
            p.name for p in sub.glob("*.onnx" if backend == "onnx" else "*.xml")
        )
        raise FileNotFoundError(
            f"{directory} has no {backend} export"
            + (f" named {name!r} (found: {found})" if name and found else "")
            + f". Export it first: tuner.export({str(directory)!r}, backend={backend!r}, "
            f"quantize='int8', validation=...) or sklearn-statement export "
            f"{directory} --backend {backend} --quantize int8 --validation FILE"
        )
    record = manifest.get("files", {}).get(name, {})
    gate = record.get("gate") or {}
    if gate and not gate.get("passed", False):
        warnings.warn(
            f"{sub / name} FAILED its accuracy gate at export ({gate.get('reason', '')}); "
            "it was kept only because on_fail='warn' was given. Its predictions may differ "
            "from the fp32 model's: export again without quantize, or check the gate report "
            f"in {sub / EXPORT_MANIFEST}",
            UserWarning,
            stacklevel=3,
        )
    _check_int8_kernel(record, sub / name)
    config = AutoConfig.from_pretrained(str(directory), trust_remote_code=False)
    tokenizer = load_tokenizer(str(directory), directory, trust_remote_code=False)
    if backend == "onnx":
        model = OnnxRuntimeModel(sub / name, config)
    else:
        hint = "bf16" if precision == "bf16" else "f32"
        model = OpenVINOModel(sub / name, config, inference_precision=hint)
    model.file_record = record
    model.directory = directory
    return model, tokenizer
