"""StatementTuner.push_to_hub and what save_pretrained records for the card, against
the hub's HTTP API faked in memory (the ``fake_hub`` fixture of tests/conftest.py)."""

from __future__ import annotations

import json

import pytest
from huggingface_hub import ModelCard
from huggingface_hub.errors import LocalTokenNotFoundError
from sklearn.exceptions import NotFittedError

from sklearn_statement import StatementTuner


def test_push_to_hub_saves_a_card_that_loads_the_repo(fake_hub, fitted_tiny_tuner):
    url = fitted_tiny_tuner.push_to_hub(
        "me/tiny", token="hf_x", trained_families=["sentiment"]
    )
    assert url.startswith("https://huggingface.co/me/tiny/commit/")
    repo = fake_hub.repos["me/tiny"]
    assert repo["visibility"] == "private"
    assert {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "statement_tuner.json",
        "README.md",
    } <= set(repo["files"])
    card = ModelCard(repo["files"]["README.md"].decode())
    assert card.data.library_name == "transformers"
    assert card.data.base_model is None  # a tiny local model: no hub id
    assert 'from_pretrained("me/tiny")' in card.text
    assert "tiny_models" not in card.text  # no local path
    record = json.loads(repo["files"]["statement_tuner.json"])
    assert record["trained_families"] == ["sentiment"]


def test_push_to_hub_keeps_save_directory_and_passes_options(
    fake_hub, fitted_tiny_tuner, tmp_path, monkeypatch
):
    monkeypatch.setenv("HF_TOKEN", "hf_env")
    fitted_tiny_tuner.push_to_hub(
        "org/tiny",
        private=False,
        commit_message="tuned",
        save_directory=tmp_path / "kept",
        recipe={"tasks": ["sst2"], "exclude_families": ["nli"]},
    )
    kept = tmp_path / "kept"
    assert fake_hub.repos["org/tiny"]["visibility"] == "public"
    assert fake_hub.repos["org/tiny"]["message"] == "tuned"
    assert (kept / "README.md").read_bytes() == (
        fake_hub.repos["org/tiny"]["files"]["README.md"]
    )
    assert "| task families held out | nli |" in (kept / "README.md").read_text()


def test_without_a_token_nothing_is_written_or_sent(
    fake_hub, fitted_tiny_tuner, tmp_path
):
    with pytest.raises(LocalTokenNotFoundError, match="hf auth login"):
        fitted_tiny_tuner.push_to_hub("me/tiny", save_directory=tmp_path / "m")
    assert not (tmp_path / "m").exists()
    assert fake_hub.requests == []


def test_an_unfitted_tuner_cannot_be_pushed(fake_hub, tiny_models):
    with pytest.raises(NotFittedError):
        StatementTuner(tiny_models["bert"]).push_to_hub("me/tiny", token="hf_x")
    assert fake_hub.requests == []
