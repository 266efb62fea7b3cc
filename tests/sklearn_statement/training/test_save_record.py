"""What save_pretrained records for the model card: settings, recipe, evaluation."""

from __future__ import annotations

import json

import pytest

from sklearn_statement.training._save import RECORDED_SETTINGS


def test_save_pretrained_records_the_fit_settings(fitted_tiny_tuner, tmp_path):
    out = fitted_tiny_tuner.save_pretrained(tmp_path / "m")
    record = json.loads((out / "statement_tuner.json").read_text())
    assert set(record["settings"]) == {*RECORDED_SETTINGS, "optimizer", "peft_options"}
    assert record["settings"]["random_state"] == 0
    assert record["settings"]["objective"] == "binary"
    assert record["settings"]["optimizer"] == "AdamW"
    assert record["recipe"] is None and record["evaluation"] is None


def test_save_pretrained_records_recipe_and_evaluation(fitted_tiny_tuner, tmp_path):
    rows = [
        {
            "dataset": "sib200",
            "language": "en",
            "n": 10,
            "accuracy": 0.5,
            "majority": 0.3,
            "macro_f1": 0.4,
        }
    ]
    out = fitted_tiny_tuner.save_pretrained(
        tmp_path / "m", recipe={"tasks": ("sst2",)}, evaluation=rows
    )
    record = json.loads((out / "statement_tuner.json").read_text())
    assert record["recipe"] == {"tasks": ["sst2"]}
    assert record["evaluation"] == {"rows": rows, "meta": {}}
    assert record["base_model"] is None and record["base_model_note"].startswith(
        "a local model directory"
    )
    with pytest.raises(TypeError, match="recipe must be a Recipe or a mapping"):
        fitted_tiny_tuner.save_pretrained(tmp_path / "n", recipe=["sst2"])


def test_save_pretrained_takes_a_recipe_object(fitted_tiny_tuner, tmp_path):
    from sklearn_statement.recipes import GALLERY_RECIPE

    out = fitted_tiny_tuner.save_pretrained(tmp_path / "m", recipe=GALLERY_RECIPE)
    record = json.loads((out / "statement_tuner.json").read_text())
    assert record["recipe"]["exclude_families"] == ["nli"]
    assert (
        "| training tasks | agnews, sst2, mrpc, comve |"
        in (out / "README.md").read_text()
    )


def test_a_statement_table_gives_the_card_its_tasks(tiny_models, sample_dir, tmp_path):
    from huggingface_hub import ModelCard

    from datasets_builders import build_multitask
    from sklearn_statement import StatementTuner

    table = build_multitask(["sst2"], n_per_task=16, data_dir=sample_dir)
    tuner = StatementTuner(
        tiny_models["bert"], max_epochs=1, batch_size=8, device="cpu", verbose=0
    ).fit(table)
    assert tuner.training_data_ == {
        "tasks": ["sst2"],
        "families": ["sentiment"],
        "languages": ["en"],
    }
    out = tuner.save_pretrained(tmp_path / "m")
    record = json.loads((out / "statement_tuner.json").read_text())
    assert record["trained_families"] == ["sentiment"]
    card = ModelCard.load(out / "README.md")
    assert card.data.language == ["en"]
    assert "| training tasks | sst2 |" in card.text
