"""Loading statement models: broken directories, paths, position limits, quiet loads."""

from types import SimpleNamespace

import pytest

from sklearn_statement import StatementTuner, ZeroShotStatementClassifier
from sklearn_statement.models import load_statement_model


@pytest.fixture()
def saved(fitted_tiny_tuner, tmp_path):
    return fitted_tiny_tuner.save_pretrained(tmp_path / "model")


def _drop_head(directory):
    from safetensors.torch import load_file, save_file

    weights = load_file(directory / "model.safetensors")
    kept = {k: v for k, v in weights.items() if not k.startswith("classifier.")}
    assert len(kept) == len(weights) - 2
    save_file(kept, directory / "model.safetensors", metadata={"format": "pt"})


def _loaders(path):
    yield lambda: ZeroShotStatementClassifier(
        str(path), template="sst2", device="cpu"
    ).fit()
    yield lambda: StatementTuner.from_pretrained(path, device="cpu")
    yield lambda: load_statement_model(str(path))


def test_directory_without_tokenizer_files_is_refused(saved):
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (saved / name).unlink()
    for load in _loaders(saved):
        with pytest.raises(
            FileNotFoundError, match="no tokenizer vocabulary.*tokenizer.json"
        ):
            load()


def test_statement_model_without_its_head_is_refused(saved):
    _drop_head(saved)
    for load in _loaders(saved):
        with pytest.raises(
            ValueError, match=r"lack 2 tensor\(s\): classifier.bias, classifier.weight"
        ):
            load()
    # continuing to tune it would also start from a random head
    with pytest.raises(ValueError, match="classifier.bias"):
        StatementTuner(str(saved), max_epochs=1, device="cpu", verbose=0).fit(
            ["a b.", "a c."], [1, 0]
        )


def test_plain_encoder_still_gets_a_new_head(tiny_models):
    model, _ = load_statement_model(tiny_models["bert"], new_head=True)
    assert model.config.num_labels == 2


@pytest.mark.parametrize("spec", ["/nonexistent", "./not/here", "~/no_such_model_dir"])
def test_missing_path_says_it_does_not_exist(spec):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ZeroShotStatementClassifier(spec, template="sst2").fit()


def test_file_instead_of_directory(tmp_path):
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"x")
    with pytest.raises(FileNotFoundError, match="is a file, not a model directory"):
        load_statement_model(str(path))


@pytest.mark.parametrize(
    "config, limit",
    [
        (dict(model_type="bert", max_position_embeddings=512), 512),
        (
            dict(model_type="xlm-roberta", max_position_embeddings=514, pad_token_id=1),
            512,
        ),
        (
            dict(
                model_type="deberta-v2",
                max_position_embeddings=512,
                position_biased_input=False,
            ),
            None,
        ),
        (
            dict(
                model_type="deberta-v2",
                max_position_embeddings=512,
                position_biased_input=True,
            ),
            512,
        ),
        (dict(model_type="other"), None),
    ],
)
def test_position_limit(config, limit):
    from sklearn_statement.models import position_limit

    assert position_limit(SimpleNamespace(config=SimpleNamespace(**config))) == limit


def test_xlm_roberta_limit_is_usable(tiny_models):
    """512 tokens run on XLM-R (514 positions); 513 are refused before torch fails."""
    tuner = StatementTuner(
        tiny_models["xlm-roberta"],
        max_length=512,
        max_epochs=1,
        device="cpu",
        verbose=0,
    ).fit(["the dog " * 400, "the cat."], [1, 0])
    assert tuner.predict_proba(["dog " * 1000]).shape == (1, 2)
    with pytest.raises(
        ValueError, match="max_position_embeddings=514.*max_length<=512"
    ):
        tuner.set_params(max_length=513).predict_proba(["dog"])


def test_loading_is_quiet_unless_verbose(tiny_models, saved, capfd, caplog):
    from transformers.utils import logging

    before = logging.get_verbosity(), logging.is_progress_bar_enabled()
    ZeroShotStatementClassifier(str(saved), template="sst2", device="cpu").fit()
    tuner = StatementTuner(tiny_models["bert"], max_epochs=1, device="cpu", verbose=0)
    tuner.fit(["a b.", "a c."], [1, 0])
    tuner.save_pretrained(saved.parent / "again")
    out = capfd.readouterr()
    for noise in ("Loading weights", "LOAD REPORT", "Writing model shards"):
        assert noise not in out.out + out.err + caplog.text
    assert (logging.get_verbosity(), logging.is_progress_bar_enabled()) == before
    StatementTuner(
        tiny_models["bert"], max_epochs=1, device="cpu", verbose=1
    ).initialize()
    out = capfd.readouterr()
    assert "Loading weights" in out.err
    assert "LOAD REPORT" in caplog.text  # verbose: the new head is reported
    assert (logging.get_verbosity(), logging.is_progress_bar_enabled()) == before


def test_model_source_tells_a_statement_model_from_other_checkpoints(
    tiny_models, tiny_statement_model, saved
):
    from sklearn_statement.models import model_source

    assert model_source(tiny_statement_model).is_statement_model
    assert model_source(str(saved)).is_statement_model
    encoder = model_source(tiny_models["bert"])
    assert not encoder.has_head and not encoder.is_statement_model
    assert encoder.path is not None and encoder.base == tiny_models["bert"]
    with pytest.raises(FileNotFoundError, match="does not exist"):
        model_source("./no/such/model")
