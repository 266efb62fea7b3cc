"""The files of a saved statement model directory: every file name, defined once.

::

    DIR/config.json                  the transformers config          CONFIG
    DIR/model.safetensors            the weights                      SAFE_WEIGHTS
      (or model-0000k-of-0000n.safetensors + model.safetensors.index.json)
    DIR/adapter_config.json          a peft adapter instead, naming   ADAPTER_CONFIG
    DIR/adapter_model.safetensors    its base model                   ADAPTER_WEIGHTS
    DIR/tokenizer.json, tokenizer_config.json, vocabulary files       TOKENIZER_FILES
    DIR/statement_tuner.json         the tuner's record: parameters,  TUNER_RECORD
                                     training statistics and families,
                                     history, scores
    DIR/templates.json               templates of the training data   TEMPLATES
    DIR/README.md                    the model card                   MODEL_CARD
    DIR/onnx/, DIR/openvino/         exports (export_file), each      EXPORT_DIRS
      with export.json               with its accuracy gates          EXPORT_MANIFEST
    DIR/build.json                   how an offline model was built   BUILD_RECORD
    DIR/pytorch_model.bin            pickle weights: never loaded,    PICKLE_WEIGHTS
                                     converted (convert_to_safetensors)

plus the sentence-transformers files of an offline-built model
(:data:`SENTENCE_TRANSFORMERS_FILES`) and the files of a training checkpoint
(:data:`CHECKPOINT_FILES`, another directory).
"""

from __future__ import annotations

__all__ = [
    "ADAPTER_CONFIG",
    "ADAPTER_WEIGHTS",
    "BUILD_RECORD",
    "CHECKPOINT_FILES",
    "CONFIG",
    "EXPORT_DIRS",
    "EXPORT_MANIFEST",
    "MODEL_CARD",
    "PICKLE_INDEX",
    "PICKLE_WEIGHTS",
    "SAFE_INDEX",
    "SAFE_WEIGHTS",
    "SENTENCE_TRANSFORMERS_FILES",
    "TEMPLATES",
    "TOKENIZER_CONFIG",
    "TOKENIZER_FILES",
    "TOKENIZER_JSON",
    "TUNER_RECORD",
    "export_file",
]

#: The transformers config.
CONFIG = "config.json"
#: safetensors weights, and the index of a sharded checkpoint.
SAFE_WEIGHTS = "model.safetensors"
SAFE_INDEX = "model.safetensors.index.json"
#: Pickle weights and their index: converted, never loaded.
PICKLE_WEIGHTS = "pytorch_model.bin"
PICKLE_INDEX = "pytorch_model.bin.index.json"
#: A peft adapter's config (naming its base model) and weights.
ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
#: The fast tokenizer's pipeline and the tokenizer's settings.
TOKENIZER_JSON = "tokenizer.json"
TOKENIZER_CONFIG = "tokenizer_config.json"
#: Files that hold a tokenizer's vocabulary (one of them is needed).
TOKENIZER_FILES = (
    TOKENIZER_JSON,
    "vocab.txt",
    "vocab.json",
    "spm.model",
    "sentencepiece.bpe.model",
    "tokenizer.model",
)
#: The tuner's record, written by ``StatementTuner.save_pretrained`` next to the weights.
TUNER_RECORD = "statement_tuner.json"
#: The templates that built the training statements.
TEMPLATES = "templates.json"
#: The model card.
MODEL_CARD = "README.md"
#: The sub-folder of each exported backend (sentence-transformers' layout).
EXPORT_DIRS = {"onnx": "onnx", "openvino": "openvino"}
#: Per-backend record of the exported files and their accuracy gates.
EXPORT_MANIFEST = "export.json"
#: How an offline model was built (sources, their fingerprints, output sizes).
BUILD_RECORD = "build.json"
#: The sentence-transformers files of an offline-built model.
SENTENCE_TRANSFORMERS_FILES = {
    "modules": "modules.json",
    "pooling": "1_Pooling/config.json",
    "normalize": "2_Normalize",
    "settings": "sentence_bert_config.json",
    "prompts": "config_sentence_transformers.json",
    "special_tokens": "special_tokens_map.json",
}
#: A training checkpoint's files (``checkpoint_dir``): skorch's three, then the
#: random states and the run's identity (written last).
CHECKPOINT_FILES = {
    "params": "params.pt",
    "optimizer": "optimizer.pt",
    "history": "history.json",
    "rng": "rng.pt",
    "run": "run.json",
}


def export_file(backend: str, quantize: str | None, kernel: str) -> str:
    """The exported file's name (sentence-transformers' / optimum's conventions).

    Parameters
    ----------
    backend : {"onnx", "openvino"}
    quantize : {"int8", None}
    kernel : str
        The int8 kernel family an ONNX int8 file is quantized for
        (:func:`sklearn_statement.utils.int8_kernel`).

    Returns
    -------
    str
        ``model.onnx``, ``model_qint8_<kernel>.onnx``,
        ``openvino_model.xml`` or ``openvino_model_qint8_quantized.xml``.

    Examples
    --------
    >>> export_file("onnx", "int8", "avx2")
    'model_qint8_avx2.onnx'
    """
    if backend == "onnx":
        return "model.onnx" if quantize is None else f"model_qint8_{kernel}.onnx"
    return (
        "openvino_model.xml"
        if quantize is None
        else "openvino_model_qint8_quantized.xml"
    )
