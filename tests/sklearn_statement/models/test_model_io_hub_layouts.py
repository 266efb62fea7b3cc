"""The paper's models as the hub ships them: mDeBERTa-v3 and XLM-R layouts.

``microsoft/mdeberta-v3-base`` ships ``config.json``, ``spm.model``, a
52-byte ``tokenizer_config.json`` and pickle weights (``pytorch_model.bin``,
``pytorch_model.generator.bin``, ``tf_model.h5``): no ``tokenizer.json``, no
safetensors. XLM-R ships ``sentencepiece.bpe.model``. The directories below
are laid out the same way, with tiny sentencepiece models trained here on
sentences in six scripts and tiny random encoders (hidden 32, 2 layers).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from sklearn_statement import (
    StatementTuner,
    ZeroShotStatementClassifier,
    convert_to_safetensors,
)
from sklearn_statement.models import load_statement_model, load_tokenizer

# Latin, Cyrillic, Arabic, Devanagari, Han, Thai. The Chinese full-width comma
# and the Thai SARA AM (น้ำ, ทำ) are changed by sentencepiece's NFKC rules.
SENTENCES = {
    "latin": ["The movie was great and the actors were happy.", "Der Hund ist gut."],
    "cyrillic": ["Фильм был отличный, актёры были счастливы.", "Собака хорошая."],
    "arabic": ["كان الفيلم رائعا وكان الممثلون سعداء.", "الكلب جيد."],
    "devanagari": ["फ़िल्म बहुत अच्छी थी और अभिनेता खुश थे।", "कुत्ता अच्छा है।"],
    "han": ["这部电影很好，演员们很开心。", "狗是好的。"],
    "thai": ["ภาพยนตร์เรื่องนี้ดีมากและนักแสดงก็มีความสุข", "สุนัขดื่มน้ำ เขาทำงาน"],
}
ALL_SENTENCES = [s for group in SENTENCES.values() for s in group]
# mDeBERTa's tokenizer_config.json on the hub, byte for byte (52 bytes).
MDEBERTA_TOKENIZER_CONFIG = (
    json.dumps({"do_lower_case": False, "vocab_type": "spm"}, indent=2) + "\n"
)
STATEMENTS = [
    "The movie was great. The sentiment is positive.",
    "The movie was great. The sentiment is negative.",
    "Фильм был отличный. Это правда.",
    "Фильм был отличный. Это ложь.",
] * 2
LABELS = [1, 0, 1, 0] * 2
TEMPLATE = {
    "positive": "{text} The sentiment is positive.",
    "negative": "{text} The sentiment is negative.",
}


def _train_sentencepiece(**ids) -> bytes:
    sentencepiece = pytest.importorskip("sentencepiece")
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(ALL_SENTENCES),
        model_writer=model,
        vocab_size=200,
        character_coverage=1.0,
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=2,
        **ids,
    )
    return model.getvalue()


def _tiny_config(arch: str, vocab_size: int):
    from transformers import DebertaV2Config, XLMRobertaConfig

    common = dict(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
    )
    if arch == "deberta-v2":  # mDeBERTa-v3's attention settings, at toy size
        return DebertaV2Config(
            **common,
            max_position_embeddings=512,
            relative_attention=True,
            pos_att_type=["p2c", "c2p"],
            position_buckets=32,
            norm_rel_ebd="layer_norm",
            share_att_key=True,
            position_biased_input=False,
            type_vocab_size=0,
            pad_token_id=0,
        )
    config = XLMRobertaConfig(**common, max_position_embeddings=514, pad_token_id=1)
    config.architectures = ["XLMRobertaForMaskedLM"]
    return config


def build_hub_layout(arch: str, directory: Path) -> Path:
    """A pickle-only checkpoint laid out as the hub ships ``arch``'s paper model."""
    from transformers import AutoModelForMaskedLM

    directory.mkdir(parents=True)
    if arch == "deberta-v2":  # mDeBERTa: [PAD]=0 [CLS]=1 [SEP]=2 [UNK]=3
        spm = _train_sentencepiece(
            pad_id=0,
            pad_piece="[PAD]",
            bos_id=1,
            bos_piece="[CLS]",
            eos_id=2,
            eos_piece="[SEP]",
            unk_id=3,
            unk_piece="[UNK]",
        )
        (directory / "spm.model").write_bytes(spm)
        (directory / "tokenizer_config.json").write_text(MDEBERTA_TOKENIZER_CONFIG)
    else:  # XLM-R: sentencepiece's default ids, fairseq's order added by transformers
        (directory / "sentencepiece.bpe.model").write_bytes(_train_sentencepiece())
    # AutoTokenizer picks the tokenizer class from config.json's model_type
    (directory / "config.json").write_text(json.dumps({"model_type": arch}))
    n_tokens = len(load_tokenizer(str(directory), directory))
    config = _tiny_config(arch, vocab_size=n_tokens + 8)
    config.save_pretrained(directory)
    torch.manual_seed(0)
    model = AutoModelForMaskedLM.from_config(config)
    # torch.save keeps tied tensors (word embeddings = MLM decoder) as one storage
    torch.save(model.state_dict(), directory / "pytorch_model.bin")
    if arch == "deberta-v2":
        torch.save({"w": torch.zeros(2)}, directory / "pytorch_model.generator.bin")
        (directory / "tf_model.h5").write_bytes(b"never read")
    return directory


@pytest.fixture(scope="module")
def hub_dirs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hub_layouts")
    return {a: build_hub_layout(a, root / a) for a in ("deberta-v2", "xlm-roberta")}


@pytest.fixture
def hub_copy(hub_dirs, tmp_path):
    """A fresh copy of a hub layout (tests convert it in place)."""
    import shutil

    def copy(arch: str) -> Path:
        return Path(shutil.copytree(hub_dirs[arch], tmp_path / arch))

    return copy


def _pieces(directory: Path, text: str) -> list[str]:
    import sentencepiece

    name = (
        "spm.model" if (directory / "spm.model").exists() else "sentencepiece.bpe.model"
    )
    processor = sentencepiece.SentencePieceProcessor(model_file=str(directory / name))
    return processor.encode(text, out_type=str)


def test_hub_layout_is_the_hubs(hub_dirs):
    deberta = hub_dirs["deberta-v2"]
    assert (deberta / "tokenizer_config.json").stat().st_size == 52
    assert not list(deberta.glob("tokenizer.json")) and not list(
        deberta.glob("*.safetensors")
    )
    assert (
        json.loads((deberta / "config.json").read_text())["model_type"] == "deberta-v2"
    )


@pytest.mark.parametrize(
    "arch, cls",
    [("deberta-v2", "DebertaV2Tokenizer"), ("xlm-roberta", "XLMRobertaTokenizer")],
)
def test_tokenization_matches_sentencepiece(hub_dirs, arch, cls):
    directory = hub_dirs[arch]
    tokenizer = load_tokenizer(str(directory), directory)
    assert type(tokenizer).__name__ == cls
    assert tokenizer.pad_token_id is not None
    for text in ALL_SENTENCES:
        expected = _pieces(directory, text)
        assert tokenizer.tokenize(text) == expected, text
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        assert tokenizer.unk_token_id not in ids, text  # character_coverage=1.0
        assert tokenizer.convert_ids_to_tokens(ids) == expected


def test_pickle_only_directory_is_refused_with_the_command(hub_dirs):
    directory = hub_dirs["deberta-v2"]
    with pytest.raises(FileNotFoundError, match="sklearn-statement convert") as info:
        StatementTuner(str(directory), device="cpu", verbose=0).fit(STATEMENTS, LABELS)
    assert "pytorch_model.bin" in str(info.value)
    assert "convert_to_safetensors" in str(info.value)


def test_weights_only_false_is_refused(hub_copy):
    directory = convert_to_safetensors(hub_copy("xlm-roberta"))
    with pytest.raises(ValueError, match="weights_only=False is not allowed"):
        load_statement_model(
            str(directory), new_head=True, model_kwargs={"weights_only": False}
        )


@pytest.mark.parametrize("arch", ["deberta-v2", "xlm-roberta"])
def test_convert_tune_save_and_score(hub_copy, tmp_path, arch):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    directory = hub_copy(arch)
    original = torch.load(directory / "pytorch_model.bin", weights_only=True)
    assert convert_to_safetensors(directory) == directory
    assert (directory / "model.safetensors").is_file()
    model, _ = load_statement_model(str(directory), new_head=True)
    prefix = "deberta" if arch == "deberta-v2" else "roberta"
    loaded = model.base_model.embeddings.word_embeddings.weight
    assert torch.equal(loaded, original[f"{prefix}.embeddings.word_embeddings.weight"])

    tuner = StatementTuner(
        str(directory),
        max_epochs=1,
        batch_size=4,
        device="cpu",
        random_state=0,
        verbose=0,
    ).fit(STATEMENTS, LABELS)
    proba = tuner.predict_proba(STATEMENTS)
    assert proba.shape == (len(STATEMENTS), 2)
    out = tuner.save_pretrained(tmp_path / "tuned")
    assert (out / "tokenizer.json").is_file() and (out / "model.safetensors").is_file()
    assert not list(out.glob("*.bin"))

    # plain transformers, no sentencepiece file
    plain = AutoTokenizer.from_pretrained(out)
    for text in ALL_SENTENCES:
        assert plain.tokenize(text) == _pieces(directory, text), text
    head = AutoModelForSequenceClassification.from_pretrained(out).eval()
    enc = plain(STATEMENTS, padding=True, return_tensors="pt")
    with torch.inference_mode():
        logits = head(**enc).logits
    np.testing.assert_allclose(logits.softmax(-1).numpy(), proba, rtol=1e-4, atol=1e-5)

    texts = ["The movie was great.", "这部电影很好，演员们很开心。", "สุนัขดื่มน้ำ"]
    from_dir = ZeroShotStatementClassifier(str(out), template=TEMPLATE, device="cpu")
    scores = from_dir.fit(texts).predict_proba(texts)
    assert scores.shape == (3, 2)
    np.testing.assert_allclose(scores.sum(axis=1), 1.0, rtol=1e-6)
    from_tuner = ZeroShotStatementClassifier(tuner, template=TEMPLATE, device="cpu")
    np.testing.assert_allclose(
        from_tuner.fit(texts).predict_proba(texts), scores, rtol=1e-4, atol=1e-6
    )


@pytest.fixture
def without(monkeypatch):
    """Make a module unimportable, as if its package were not installed."""
    from transformers.utils import import_utils

    def clear():
        import_utils.is_sentencepiece_available.cache_clear()
        import_utils.is_protobuf_available.cache_clear()

    def hide(module: str) -> None:
        monkeypatch.setitem(sys.modules, module, None)
        parent, _, child = module.rpartition(".")
        if parent in sys.modules and sys.modules[parent] is not None:
            monkeypatch.delattr(sys.modules[parent], child, raising=False)
        clear()

    yield hide
    monkeypatch.undo()
    clear()


@pytest.mark.parametrize(
    "module, advice",
    [
        ("sentencepiece", "pip install sentencepiece"),
        ("google.protobuf", "pip install protobuf"),
        (
            "sentencepiece.sentencepiece_model_pb2",
            "pip install -U sentencepiece protobuf",
        ),
    ],
)
def test_missing_tokenizer_backend_names_the_package(hub_copy, without, module, advice):
    directory = convert_to_safetensors(hub_copy("deberta-v2"))
    without(module)
    with pytest.raises(ImportError) as info:
        StatementTuner(str(directory), device="cpu", verbose=0).fit(STATEMENTS, LABELS)
    message = str(info.value)
    assert advice in message and "spm.model" in message
    # the failure transformers gives on its own: the cryptic tiktoken message
    assert "tiktoken" in str(info.value.__cause__)


def test_saved_tuner_needs_no_sentencepiece(hub_copy, tmp_path, without):
    directory = convert_to_safetensors(hub_copy("deberta-v2"))
    tuner = StatementTuner(
        str(directory), max_epochs=1, batch_size=4, device="cpu", verbose=0
    )
    out = tuner.fit(STATEMENTS, LABELS).save_pretrained(tmp_path / "tuned")
    expected = [_pieces(directory, t) for t in ALL_SENTENCES]
    without("sentencepiece")
    clf = ZeroShotStatementClassifier(str(out), template=TEMPLATE, device="cpu")
    clf.fit(["a"])
    assert [clf.tokenizer_.tokenize(t) for t in ALL_SENTENCES] == expected


@pytest.mark.network
@pytest.mark.parametrize(
    "hub_id, spm_file, model_type",
    [
        ("microsoft/mdeberta-v3-base", "spm.model", "deberta-v2"),
        ("FacebookAI/xlm-roberta-large", "sentencepiece.bpe.model", "xlm-roberta"),
    ],
)
def test_real_paper_tokenizers_and_configs(hub_id, spm_file, model_type):
    import sentencepiece
    from huggingface_hub import hf_hub_download
    from transformers import AutoConfig

    assert AutoConfig.from_pretrained(hub_id).model_type == model_type
    tokenizer = load_tokenizer(hub_id)
    assert tokenizer.pad_token_id is not None
    processor = sentencepiece.SentencePieceProcessor(
        model_file=hf_hub_download(hub_id, spm_file)
    )
    for text in ALL_SENTENCES:
        assert tokenizer.tokenize(text) == processor.encode(text, out_type=str), text
