"""StatementTuner on tiny random models of three architectures."""

import json

import numpy as np
import pandas as pd
import pytest
import torch

from sklearn_statement import StatementTuner
from sklearn_statement.training import StatementCollator

ARCHS = ("bert", "xlm-roberta", "deberta-v2")


def make(path, **kw):
    # fp32: "auto" is bf16 on CPUs with native bf16; these tests compare numbers
    params = dict(
        max_epochs=1,
        batch_size=8,
        device="cpu",
        precision="fp32",
        random_state=0,
        verbose=0,
    )
    params.update(kw)
    return StatementTuner(path, **params)


@pytest.mark.parametrize("arch", ARCHS)
def test_fit_predict_proba_each_architecture(tiny_models, arch, toy):
    tuner = make(tiny_models[arch]).fit(toy.X, toy.y)
    proba = tuner.predict_proba(toy.X[:4])
    assert proba.shape == (4, 2) and np.allclose(proba.sum(1), 1, atol=1e-5)
    assert list(tuner.classes_) == [0, 1]
    assert tuner.predict(toy.X[:4]).shape == (4,)
    assert len(tuner.history_) == 1 and np.isfinite(tuner.history_[-1, "train_loss"])
    assert tuner.module_.config.id2label == {0: "false", 1: "true"}


def test_bool_targets_and_numpy_input(tiny_models, toy):
    tuner = make(tiny_models["bert"]).fit(
        np.asarray(toy.X, dtype=object), np.asarray(toy.y, dtype=bool)
    )
    assert tuner.training_stats_ == {"n_statements": 16, "n_true": 8}


def test_dynamic_padding_pads_to_batch_longest(tiny_models, toy):
    tuner = make(tiny_models["bert"]).fit(toy.X, toy.y)
    collate = StatementCollator(tuner.tokenizer_, max_length=64)
    enc, y = collate([("the dog.", 1), ("the dog is good and the movie is great.", 0)])
    longest = len(
        tuner.tokenizer_("the dog is good and the movie is great.")["input_ids"]
    )
    assert enc["input_ids"].shape == (2, longest) < (2, 64)
    assert y.tolist() == [1, 0]
    enc, _ = collate([("word " * 500, 1)])
    assert enc["input_ids"].shape[1] == 64


def test_reproducible_with_random_state(tiny_models, toy):
    a = make(tiny_models["bert"], max_epochs=2).fit(toy.X, toy.y).predict_proba(toy.X)
    b = make(tiny_models["bert"], max_epochs=2).fit(toy.X, toy.y).predict_proba(toy.X)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_learns_a_separable_toy_task(tiny_models, toy):
    tuner = make(tiny_models["bert"], max_epochs=30, lr=3e-3, batch_size=16).fit(
        toy.X, toy.y
    )
    assert tuner.history_[-1, "train_loss"] < 0.5 * tuner.history_[0, "train_loss"]
    assert (tuner.predict(toy.X) == np.asarray(toy.y)).mean() == 1.0


@pytest.mark.parametrize(
    "X_bad, y_bad, error, message",
    [
        ([], [], ValueError, "X is empty"),
        (None, [1], TypeError, "X is None"),
        (["ok", None], [1, 0], ValueError, r"X\[1\] is None"),
        (["ok", 3], [1, 0], TypeError, r"X\[1\] is a int"),
        (["ok", "  "], [1, 0], ValueError, "empty string"),
        ("one statement", [1], TypeError, "single string"),
        (["a", "b"], [0, 2], ValueError, "binary"),
        (["a", "b"], ["true", "false"], TypeError, "0/1 or bool"),
        (["a", "b"], [1], ValueError, "2 statements but y has 1"),
        (["a", "b"], None, ValueError, "the target y is None"),
        (["a", "b"], [[1, 0], [0, 1]], ValueError, "1-D"),
        (["a", "b"], [0.5, np.nan], ValueError, "NaN"),
    ],
)
def test_bad_input_clear_errors(tiny_models, X_bad, y_bad, error, message):
    with pytest.raises(error, match=message):
        make(tiny_models["bert"]).fit(X_bad, y_bad)


def test_predict_errors(fitted_tiny_tuner):
    with pytest.raises(ValueError, match="X is empty"):
        fitted_tiny_tuner.predict_proba([])
    with pytest.raises(ValueError, match=r"X\[0\] is None"):
        fitted_tiny_tuner.predict_proba([None])


def test_long_statement_is_cut_not_crashing(fitted_tiny_tuner):
    proba = fitted_tiny_tuner.predict_proba(["dog " * 10_000])
    assert proba.shape == (1, 2)


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(peft="adapters"), "'peft' parameter"),
        (dict(max_length=2), "'max_length' parameter"),
        (dict(precision="fp8"), "'precision' parameter"),
        (
            dict(gradient_accumulation_steps=0),
            "'gradient_accumulation_steps' parameter",
        ),
        (dict(early_stopping=0), "'early_stopping' parameter"),
        (dict(device="tpu:0"), "device must be"),
    ],
)
def test_invalid_params_fail_in_fit(tiny_models, params, message, toy):
    tuner = make(tiny_models["bert"], **params)  # __init__ only stores
    assert all(getattr(tuner, k) == v for k, v in params.items())
    with pytest.raises(ValueError, match=message):
        tuner.fit(toy.X, toy.y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU error")
def test_qlora_on_cpu_names_lora(tiny_models, toy):
    with pytest.raises(ValueError, match="peft='lora'"):
        make(tiny_models["bert"], peft="qlora", device="auto").fit(toy.X, toy.y)


def test_save_pretrained_roundtrip_and_plain_transformers(
    fitted_tiny_tuner, tmp_path, toy
):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    out = fitted_tiny_tuner.save_pretrained(tmp_path / "m")
    names = {p.name for p in out.iterdir()}
    assert {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "statement_tuner.json",
        "README.md",
    } <= names
    assert not any(n.endswith(".bin") or n.endswith(".pkl") for n in names)
    info = json.loads((out / "statement_tuner.json").read_text())
    assert (
        info["params"]["max_length"] == 128
        and info["training_stats"]["n_statements"] == 16
    )
    assert "Statement model" in (out / "README.md").read_text()

    reloaded = StatementTuner.from_pretrained(out, device="cpu")
    np.testing.assert_allclose(
        reloaded.predict_proba(toy.X),
        fitted_tiny_tuner.predict_proba(toy.X),
        atol=1e-6,
    )

    model = AutoModelForSequenceClassification.from_pretrained(out)
    tok = AutoTokenizer.from_pretrained(out)
    with torch.inference_mode():
        logits = model(**tok(toy.X[:2], return_tensors="pt", padding=True)).logits
    np.testing.assert_allclose(
        logits.softmax(-1).numpy(),
        fitted_tiny_tuner.predict_proba(toy.X[:2]),
        atol=1e-5,
    )


def test_save_refuses_to_overwrite(fitted_tiny_tuner, tmp_path):
    (tmp_path / "user_file.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        fitted_tiny_tuner.save_pretrained(tmp_path)
    assert (tmp_path / "user_file.txt").read_text() == "mine"
    fitted_tiny_tuner.save_pretrained(tmp_path, overwrite=True)
    assert (tmp_path / "model.safetensors").exists()


def test_from_pretrained_errors(tmp_path, fitted_tiny_tuner):
    with pytest.raises(FileNotFoundError, match="neither config.json"):
        StatementTuner.from_pretrained(tmp_path)
    out = fitted_tiny_tuner.save_pretrained(tmp_path / "m")
    (out / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ValueError, match="could not load"):
        StatementTuner.from_pretrained(out)
    (out / "model.safetensors").unlink()
    with pytest.raises(FileNotFoundError, match="safetensors"):
        StatementTuner.from_pretrained(out)


def test_not_fitted_errors(tiny_models, toy):
    from sklearn.exceptions import NotFittedError

    tuner = make(tiny_models["bert"])
    with pytest.raises(NotFittedError):
        tuner.predict_proba(toy.X)
    with pytest.raises(NotFittedError):
        tuner.save_pretrained("unused")


@pytest.mark.parametrize("peft", ["lora", "prompt"])
def test_peft_trains_and_reloads(tiny_models, tmp_path, peft, toy):
    from peft import PeftModel

    tuner = make(tiny_models["bert"], peft=peft, max_epochs=2, lr=1e-2).fit(
        toy.X, toy.y
    )
    assert isinstance(tuner.module_, PeftModel)
    trainable = sum(p.numel() for p in tuner.module_.parameters() if p.requires_grad)
    total = sum(p.numel() for p in tuner.module_.parameters())
    assert trainable < 0.5 * total
    out = tuner.save_pretrained(tmp_path / peft)
    assert (out / "adapter_config.json").exists() and (
        out / "adapter_model.safetensors"
    ).exists()
    reloaded = StatementTuner.from_pretrained(out, device="cpu")
    np.testing.assert_allclose(
        reloaded.predict_proba(toy.X),
        tuner.predict_proba(toy.X),
        atol=1e-5,
    )


def test_lora_merge_saves_full_model(tiny_models, tmp_path, toy):
    from transformers import AutoModelForSequenceClassification

    tuner = make(tiny_models["bert"], peft="lora", max_epochs=1, lr=1e-2).fit(
        toy.X, toy.y
    )
    out = tuner.save_pretrained(tmp_path / "merged", merge=True)
    assert (out / "model.safetensors").exists() and not (
        out / "adapter_config.json"
    ).exists()
    merged = StatementTuner.from_pretrained(out, device="cpu")
    np.testing.assert_allclose(
        merged.predict_proba(toy.X),
        tuner.predict_proba(toy.X),
        atol=1e-5,
    )
    assert (
        AutoModelForSequenceClassification.from_pretrained(out).config.num_labels == 2
    )


def test_pickle_roundtrip(fitted_tiny_tuner, toy):
    import pickle

    clone = pickle.loads(pickle.dumps(fitted_tiny_tuner))
    np.testing.assert_allclose(
        clone.predict_proba(toy.X),
        fitted_tiny_tuner.predict_proba(toy.X),
        atol=1e-6,
    )
    assert clone.device == "cpu"


def param_bytes(module) -> int:
    return sum(p.numel() * p.element_size() for p in module.parameters())


def test_a_pickled_tuner_holds_its_weights_once(fitted_tiny_tuner, toy):
    """Not the optimizer's moments too (AdamW keeps two per weight: 3x in all)."""
    import pickle

    assert fitted_tiny_tuner.optimizer_.state  # the fitted tuner has its moments
    data = pickle.dumps(fitted_tiny_tuner)
    weights = param_bytes(fitted_tiny_tuner.module_)
    tokenizer = len(pickle.dumps(fitted_tiny_tuner.tokenizer_))
    # close to 1x: the constant is pickle framing (41 tensors) and small attributes
    assert len(data) <= 1.05 * weights + tokenizer + 64_000, (len(data), weights)
    loaded = pickle.loads(data)
    assert not loaded.optimizer_.state  # new moments when training goes on
    assert fitted_tiny_tuner.optimizer_.state  # the original keeps its own
    assert isinstance(loaded.optimizer_, type(fitted_tiny_tuner.optimizer_))
    loaded.partial_fit(toy.X, toy.y)
    assert len(loaded.history_) == len(fitted_tiny_tuner.history_) + 1


def test_lora_targets_per_architecture(tiny_models, toy):
    for arch, targets in (
        ("bert", {"query", "value"}),
        ("deberta-v2", {"query_proj", "value_proj"}),
    ):
        tuner = make(tiny_models[arch], peft="lora").fit(toy.X[:8], toy.y[:8])
        assert set(tuner.module_.peft_config["default"].target_modules) == targets


def test_bf16_autocast_on_cpu_and_fp16_refused(tiny_models, toy, bf16_anywhere):
    tuner = make(tiny_models["bert"], precision="bf16").fit(toy.X, toy.y)
    assert tuner.precision_dtype_ == torch.bfloat16
    assert np.isfinite(tuner.predict_proba(toy.X)).all()
    with pytest.raises(ValueError, match="fp16"):
        make(tiny_models["bert"], precision="fp16").fit(toy.X, toy.y)


def test_remote_code_is_never_executed(fitted_tiny_tuner, tmp_path, toy):
    out = fitted_tiny_tuner.save_pretrained(tmp_path / "m")
    marker = tmp_path / "executed"
    (out / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('pwned')\n")
    config = json.loads((out / "config.json").read_text())
    config["auto_map"] = {
        "AutoModelForSequenceClassification": "evil.Evil",
        "AutoConfig": "evil.EvilConfig",
    }
    (out / "config.json").write_text(json.dumps(config))
    try:
        StatementTuner.from_pretrained(out, device="cpu")
    except ValueError:
        pass  # refusing is fine; running the file is not
    assert not marker.exists()
    with pytest.raises(ValueError, match="trust_remote_code"):
        make(str(out), model__trust_remote_code=True).fit(toy.X, toy.y)


@pytest.mark.gpu
def test_qlora_trains_on_cuda(
    tiny_models, toy
):  # runs only where a CUDA GPU is present
    pytest.importorskip("bitsandbytes")
    tuner = StatementTuner(
        tiny_models["bert"],
        peft="qlora",
        max_epochs=1,
        batch_size=8,
        device="cuda",
        verbose=0,
    )
    tuner.fit(toy.X, toy.y)
    assert tuner.predict_proba(toy.X).shape == (len(toy.X), 2)


# ---------------------------------------------------------------- long statements
FRANCE = "word " * 50_000 + "Paris is in France."
PERU = "word " * 50_000 + "Paris is in Peru."


def test_long_statements_keep_their_end(fitted_tiny_tuner):
    """The label part at the end survives: the two statements stay different."""
    tok = fitted_tiny_tuner.tokenizer_
    collate = StatementCollator(tok, 32)
    enc, y = collate([(FRANCE, 1), (PERU, 0)])
    ids = enc["input_ids"].tolist()
    assert enc["input_ids"].shape == (2, 32) and y.tolist() == [1, 0]
    assert ids[0] != ids[1]
    for text, row in zip((FRANCE, PERU), ids):
        full = tok(text, verbose=False)["input_ids"]
        assert row[0] == full[0] and row[-1] == full[-1]  # [CLS] ... [SEP]
        assert row[1:16] == full[1:16]  # the first half of the budget
        assert row[16:-1] == full[-16:-1]  # the second half: the end
    assert tok.decode(ids[1][16:-1]).replace(" ", "").endswith("peru.")
    # the same rule in predict_proba: different inputs, different scores
    proba = fitted_tiny_tuner.predict_proba([FRANCE, PERU])
    assert proba[0, 1] != proba[1, 1]


def test_short_statements_are_untouched(fitted_tiny_tuner):
    tok = fitted_tiny_tuner.tokenizer_
    enc, _ = StatementCollator(tok, 128)([("the dog is good.", 1), ("a cat.", 0)])
    plain = tok(["the dog is good.", "a cat."], padding=True, return_tensors="pt")
    assert enc["input_ids"].tolist() == plain["input_ids"].tolist()
    assert enc["attention_mask"].tolist() == plain["attention_mask"].tolist()


def test_max_length_over_the_position_limit(
    tiny_models, fitted_tiny_tuner, tmp_path, toy
):
    with pytest.raises(
        ValueError, match=r"max_position_embeddings=512.*max_length<=512"
    ):
        make(tiny_models["bert"], max_length=2000).fit(toy.X, toy.y)
    saved = fitted_tiny_tuner.save_pretrained(tmp_path / "m")
    with pytest.raises(ValueError, match="max_position_embeddings=512"):
        StatementTuner.from_pretrained(saved, max_length=2000)


# ---------------------------------------------------------------- statement tables
def _table(toy):
    ids = [i // 2 for i in range(len(toy.X))]
    return {"statement": list(toy.X), "label": list(toy.y), "example_id": ids}


@pytest.mark.parametrize("kind", ["dataset", "dataframe"])
def test_fit_reads_a_statement_tables_labels_and_example_ids(tiny_models, toy, kind):
    """fit(table) trains exactly as fit(statements, labels, example_id=ids)."""
    import datasets
    import pandas as pd

    columns = _table(toy)
    table = (
        datasets.Dataset.from_dict(columns)
        if kind == "dataset"
        else pd.DataFrame(columns)
    )
    from_table = make(tiny_models["bert"], max_epochs=2).fit(table)
    explicit = make(tiny_models["bert"], max_epochs=2).fit(
        columns["statement"], columns["label"], example_id=columns["example_id"]
    )
    assert from_table.training_stats_["n_examples"] == len(toy.X) // 2
    np.testing.assert_array_equal(
        from_table.history_[:, "train_loss"], explicit.history_[:, "train_loss"]
    )
    for a, b in zip(from_table.module_.parameters(), explicit.module_.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_a_statement_table_needs_its_columns(tiny_models, toy):
    import pandas as pd

    tuner = make(tiny_models["bert"])
    with pytest.raises(
        ValueError, match="without a 'statement' column.*columns: \\['text'\\]"
    ):
        tuner.fit(pd.DataFrame({"text": toy.X}))
    with pytest.raises(ValueError, match="no 'label' column and y is None"):
        tuner.fit(pd.DataFrame({"statement": toy.X}))
    y_given = pd.DataFrame({"statement": toy.X})
    assert make(tiny_models["bert"]).fit(y_given, toy.y).training_stats_["n_statements"]


@pytest.mark.parametrize(
    "truth, missing", [(1, "no false \\(0\\)"), (0, "no true \\(1\\)")]
)
def test_fit_refuses_statements_that_are_all_true_or_all_false(
    tiny_models, toy, truth, missing
):
    with pytest.raises(ValueError, match=f"every statement in y is .*{missing}"):
        make(tiny_models["bert"]).fit(toy.X, [truth] * len(toy.X))


def test_fit_without_example_ids_warns_once_naming_the_fix(
    tiny_models, toy, monkeypatch
):
    import warnings

    import pandas as pd

    from sklearn_statement.training import _data

    monkeypatch.setattr(_data, "_WARNED", set())
    with pytest.warns(UserWarning, match="without example ids.*example_id="):
        make(tiny_models["bert"]).fit(toy.X, toy.y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make(tiny_models["bert"]).fit(toy.X, toy.y)  # once per process
    monkeypatch.setattr(_data, "_WARNED", set())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # with ids: nothing to say
        make(tiny_models["bert"]).fit(pd.DataFrame(_table(toy)))


def test_frozen_word_embeddings_stay_out_of_the_optimizer(tiny_models, toy):
    tuner = make(tiny_models["bert"], freeze_embeddings=True, max_epochs=2, lr=1e-2)
    tuner.initialize()
    before = {n: p.detach().clone() for n, p in tuner.module_.named_parameters()}
    tuner.fit(pd.DataFrame(_table(toy)))
    (emb,) = [n for n in before if n.endswith("word_embeddings.weight")]
    optimized = {id(p) for g in tuner.optimizer_.param_groups for p in g["params"]}
    params = dict(tuner.module_.named_parameters())
    assert id(params[emb]) not in optimized and not params[emb].requires_grad
    torch.testing.assert_close(params[emb], before[emb], rtol=0, atol=0)
    assert not torch.equal(params["classifier.weight"], before["classifier.weight"])
    assert len(optimized) == len(params) - 1  # everything else trains
    assert all(id(p) not in tuner.optimizer_.state for p in [params[emb]])
