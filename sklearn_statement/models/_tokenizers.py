"""The tokenizers of statement models: loading, saving, and the middle cut.

:func:`load_tokenizer` is the one tokenizer loader of the packages (the
statement models here and ``datasets_builders``' token budgets). A statement
longer than a model's budget loses its middle (:func:`cut_middle`) in
training and at prediction time.

The paper's models ship their tokenizers as sentencepiece models and no
``tokenizer.json``: ``microsoft/mdeberta-v3-base`` as ``spm.model``,
``FacebookAI/xlm-roberta-large`` as ``sentencepiece.bpe.model``.
transformers 5 converts such a file into a ``tokenizers`` pipeline with the
``sentencepiece`` and ``protobuf`` packages (``SentencePieceExtractor``);
without them it falls back to a tiktoken reader and fails with the cryptic
"`tiktoken` is required to read a `tiktoken` file". :func:`load_tokenizer`
turns that into an error naming the packages to install.

It also repairs one conversion: transformers 5's ``DebertaV2Tokenizer``
normalizes with Unicode NFC and drops the sentencepiece model's own
normalization rules (``precompiled_charsmap``, NFKC-based ``nmt_nfkc`` for
DeBERTa-v3), while transformers 4 (``DebertaV2Converter``) and
sentencepiece apply them. Text that NFKC changes (Thai SARA AM "ำ", full-width
forms, ligatures…) then tokenizes into pieces the model never saw. The
loaded tokenizer gets the sentencepiece rules back (``Precompiled``), and
:func:`save_tokenizer` writes it so that plain transformers reloads the same
pipeline from ``tokenizer.json``.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._layout import TOKENIZER_CONFIG, TOKENIZER_JSON

__all__ = [
    "cut_middle",
    "load_tokenizer",
    "missing_tokenizer_backends",
    "save_tokenizer",
]

#: pip package -> module that transformers needs to read a sentencepiece model.
SENTENCEPIECE_BACKENDS = {
    "sentencepiece": "sentencepiece",
    "protobuf": "google.protobuf",
}
#: Words in transformers' errors when a sentencepiece model could not be read.
_BACKEND_WORDS = ("tiktoken", "sentencepiece", "protobuf")
#: Class written to tokenizer_config.json for a repaired DeBERTa-v2 tokenizer:
#: transformers builds it from tokenizer.json as saved (v4 and v5 know the name).
_VERBATIM_CLASS = "PreTrainedTokenizerFast"


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a missing parent package, or a stub module
        return False


def missing_tokenizer_backends() -> list[str]:
    """The packages needed to read sentencepiece tokenizers that are not installed.

    Returns
    -------
    list of str
        pip names among ``sentencepiece`` and ``protobuf`` (both are
        dependencies of sklearn-statement), empty when both import.
    """
    return [
        pkg for pkg, module in SENTENCEPIECE_BACKENDS.items() if not _installed(module)
    ]


def _sentencepiece_files(path: Path | None) -> list[str]:
    """``*.model`` files of a local directory that has no ``tokenizer.json``."""
    if path is None or (path / TOKENIZER_JSON).exists():
        return []
    return sorted(p.name for p in path.glob("*.model"))


def _backend_problem() -> str | None:
    """Why transformers cannot read a sentencepiece model here, or None."""
    missing = missing_tokenizer_backends()
    if missing:
        return (
            f"needs the package(s) {', '.join(missing)}, which are not installed. Install "
            f"them with: pip install {' '.join(missing)} (they are dependencies of "
            "sklearn-statement, so reinstalling it also works)"
        )
    try:  # the reader transformers uses: sentencepiece's protobuf module
        from transformers.convert_slow_tokenizer import import_protobuf

        import_protobuf()
    except Exception as exc:  # noqa: BLE001 - e.g. a protobuf older than the gencode
        return (
            "needs sentencepiece's model reader (sentencepiece_model_pb2), which fails to "
            f"import ({type(exc).__name__}: {exc}); install matching versions with: "
            "pip install -U sentencepiece protobuf"
        )
    return None


def _backend_error(spec: str, problem: str, files: list[str]) -> ImportError:
    if files:
        what = f"ships its tokenizer as a sentencepiece model ({', '.join(files)})"
    else:
        what = "has a tokenizer that could not be read"
    return ImportError(f"{spec!r} {what}; reading it {problem}")


def load_tokenizer(spec: str, path: Path | None = None, **kwargs: Any) -> Any:
    """Load a tokenizer with ``AutoTokenizer``, naming missing backends on failure.

    Parameters
    ----------
    spec : str
        Local directory or Hugging Face hub id.
    path : pathlib.Path, optional
        ``spec`` as a local directory (None for a hub id).
    **kwargs
        Passed to ``AutoTokenizer.from_pretrained`` (``revision``,
        ``trust_remote_code=False``…).

    Returns
    -------
    transformers tokenizer
        A DeBERTa-v2 tokenizer converted from a sentencepiece model
        normalizes with that model's own rules (see the module docstring).

    Raises
    ------
    ImportError
        If reading the tokenizer needs ``sentencepiece`` and ``protobuf`` and
        one is missing (or sentencepiece's protobuf module fails to import);
        the message says what to ``pip install``.
    Exception
        Whatever ``AutoTokenizer`` raises otherwise.
    """
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(spec, **kwargs)
    except Exception as exc:
        files = _sentencepiece_files(path)
        if files or any(w in str(exc) for w in _BACKEND_WORDS):
            problem = _backend_problem()
            if problem is not None:
                raise _backend_error(spec, problem, files) from exc
        raise
    _restore_sentencepiece_normalizer(tokenizer, path)
    return tokenizer


def _charsmap_from_model(vocab_file: Any) -> bytes | None:
    if not isinstance(vocab_file, (str, os.PathLike)) or not os.path.isfile(vocab_file):
        return None
    from transformers.convert_slow_tokenizer import import_protobuf

    proto = import_protobuf().ModelProto()
    with open(vocab_file, "rb") as f:
        proto.ParseFromString(f.read())
    return proto.normalizer_spec.precompiled_charsmap or None


def _charsmap_from_json(path: Path | None) -> bytes | None:
    if path is None or not (path / TOKENIZER_JSON).is_file():
        return None
    with open(path / TOKENIZER_JSON, encoding="utf-8") as f:
        normalizer = json.load(f).get("normalizer") or {}
    steps = normalizer.get("normalizers", [normalizer])
    for step in steps:
        if (step or {}).get("type") == "Precompiled" and step.get(
            "precompiled_charsmap"
        ):
            return base64.b64decode(step["precompiled_charsmap"])
    return None


def _restore_sentencepiece_normalizer(tokenizer: Any, path: Path | None) -> None:
    """Give a DeBERTa-v2 tokenizer its sentencepiece normalization back.

    transformers 5 builds ``Replace(whitespace) -> NFC -> Strip(right)``;
    this swaps NFC for the sentencepiece model's ``Precompiled`` rules,
    applied first as sentencepiece does (its rules may create whitespace,
    which is then collapsed). Other tokenizers are left alone.
    """
    from transformers import DebertaV2Tokenizer

    if type(tokenizer) is not DebertaV2Tokenizer:
        return
    vocab_file = getattr(tokenizer, "vocab_file", None) or tokenizer.init_kwargs.get(
        "vocab_file"
    )
    try:
        charsmap = _charsmap_from_model(vocab_file)
    except ImportError:  # loaded from tokenizer.json without the spm backends
        charsmap = None
    charsmap = charsmap or _charsmap_from_json(path)
    if charsmap is None:
        return
    from tokenizers import Regex, normalizers

    steps = (
        [normalizers.Lowercase()] if getattr(tokenizer, "do_lower_case", False) else []
    )
    steps += [
        normalizers.Precompiled(charsmap),
        normalizers.Replace(Regex(r"\s{2,}|[\n\r\t]"), " "),
        normalizers.Strip(left=False, right=True),
    ]
    tokenizer.backend_tokenizer.normalizer = normalizers.Sequence(steps)


def save_tokenizer(tokenizer: Any, directory: str | os.PathLike) -> None:
    """``tokenizer.save_pretrained(directory)``, keeping a repaired pipeline.

    A DeBERTa-v2 tokenizer whose ``tokenizer.json`` keeps sentencepiece
    rules (as :func:`load_tokenizer` repairs it) is saved with
    ``tokenizer_class`` ``PreTrainedTokenizerFast`` (and its
    ``model_input_names``) in ``tokenizer_config.json``: transformers then
    builds it from ``tokenizer.json`` as written, where
    ``DebertaV2Tokenizer`` would rebuild its NFC pipeline.

    Parameters
    ----------
    tokenizer : transformers tokenizer
    directory : str or os.PathLike
        An existing directory.
    """
    from transformers import DebertaV2Tokenizer

    tokenizer.save_pretrained(directory)
    if (
        type(tokenizer) is not DebertaV2Tokenizer
        or _charsmap_from_json(Path(directory)) is None
    ):
        return
    config_file = Path(directory) / TOKENIZER_CONFIG
    with open(config_file, encoding="utf-8") as f:
        config = json.load(f)
    config["tokenizer_class"] = _VERBATIM_CLASS
    config["model_input_names"] = list(tokenizer.model_input_names)
    with open(config_file, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)


def cut_middle(
    ids: Sequence[int], special: Sequence[int], max_length: int
) -> list[int]:
    """Shorten a token id list to ``max_length`` by removing its middle.

    The special tokens (``[CLS]``, ``[SEP]``…) stay in place; of the other
    tokens, the first ``ceil(k / 2)`` and the last ``floor(k / 2)`` are kept,
    ``k`` being ``max_length`` less the number of special tokens.

    Parameters
    ----------
    ids : sequence of int
        Token ids with special tokens.
    special : sequence of {0, 1}
        The tokenizer's ``special_tokens_mask`` for ``ids``.
    max_length : int

    Returns
    -------
    list of int
        ``ids`` itself when it fits, else ``max_length`` ids.
    """
    if len(ids) <= max_length:
        return list(ids)
    n_special = int(sum(special))
    keep = max(max_length - n_special, 0)
    content = [i for i, (tok, s) in enumerate(zip(ids, special)) if not s]
    head, tail = content[: keep - keep // 2], content[len(content) - keep // 2 :]
    kept = set(head) | set(tail) | {i for i, s in enumerate(special) if s}
    return [tok for i, tok in enumerate(ids) if i in kept]
