"""Evaluation suite: triples, bootstrap intervals, baselines and report files."""

import json

import numpy as np
import pytest

from sklearn_statement.evaluation import (
    PAPER_REPORTED,
    bootstrap_ci,
    dataset_averages,
    evaluate_zero_shot,
    suite_triples,
    write_report,
)


def test_paper_suite_uses_every_language_present(sample_dir):
    triples = suite_triples("paper", data_dir=sample_dir)
    by_dataset = {}
    for name, lang, split in triples:
        by_dataset.setdefault(name, set()).add((lang, split))
    assert set(by_dataset) == {"xnli", "xcopa", "pawsx", "xwinograd", "sib200"}
    assert ("de", "test") in by_dataset["xnli"] and ("ja", "validation") in by_dataset[
        "pawsx"
    ]
    assert len(by_dataset["xcopa"]) == 11
    assert suite_triples(["sib200"], data_dir=sample_dir, languages=["deu_Latn"]) == [
        ("sib200", "de", "test")
    ]
    with pytest.raises(ValueError, match="unknown suite"):
        suite_triples("everything", data_dir=sample_dir)


def test_bootstrap_interval_brackets_the_accuracy():
    correct = np.array([1] * 70 + [0] * 30, dtype=bool)
    low, high = bootstrap_ci(correct, random_state=0)
    assert low < 0.7 < high and 0.05 < high - low < 0.25  # about +-9 points at n=100
    assert bootstrap_ci(correct, random_state=0) == (low, high)


def test_evaluate_and_report(tiny_statement_model, sample_dir, tmp_path):
    rows = evaluate_zero_shot(
        tiny_statement_model,
        [("xnli", "de", "test"), ("xcopa", "it", "test"), ("sib200", "fr", "test")],
        data_dir=sample_dir,
        max_samples=12,
        device="cpu",
        trained_families=["topic"],
    )
    assert [(r["dataset"], r["n"], r["n_classes"]) for r in rows] == [
        ("xnli", 12, 3),
        ("xcopa", 12, 2),
        ("sib200", 12, 7),
    ]
    for r in rows:
        assert 0 <= r["ci_low"] <= r["accuracy"] <= r["ci_high"] <= 1
        assert r["random"] == pytest.approx(1 / r["n_classes"])
    assert [r["held_out"] for r in rows] == [True, True, False]
    files = write_report(rows, tmp_path, meta={"model": "tiny"})
    saved = json.loads(files["json"].read_text())
    assert saved["paper_reported"] == PAPER_REPORTED and len(saved["rows"]) == 3
    assert saved["averages"] == dataset_averages(rows)
    assert files["plot_xnli"].read_bytes()[:4] == b"\x89PNG"
    assert "reported (mDeBERTa-v3" in files["markdown"].read_text()
    with pytest.raises(FileExistsError, match="overwrite"):
        write_report(rows, tmp_path)


def test_evaluation_api_bad_input_clear_errors(sample_dir, tmp_path):
    from sklearn_statement import evaluate_zero_shot, suite_triples

    with pytest.raises(TypeError, match="suite must be"):
        evaluate_zero_shot("unused", None, data_dir=sample_dir)
    with pytest.raises(ValueError, match="suite is empty"):
        evaluate_zero_shot("unused", [], data_dir=sample_dir)
    with pytest.raises(ValueError, match=r"\(dataset, language, split\)"):
        evaluate_zero_shot("unused", [("xnli", "en")], data_dir=sample_dir)
    with pytest.raises(ValueError, match="languages is empty"):
        suite_triples("paper", data_dir=sample_dir, languages=[])
    with pytest.raises(ValueError, match="rows is empty"):
        write_report([], tmp_path)
    with pytest.raises(TypeError, match="rows must be"):
        write_report(None, tmp_path)
    assert not any(tmp_path.iterdir())  # nothing written for bad input


def test_a_saved_statement_model_is_loaded_once_and_shared(
    tiny_statement_model, tiny_models
):
    from sklearn_statement import StatementTuner
    from sklearn_statement.evaluation._evaluate import _shared_model

    shared = _shared_model(tiny_statement_model, "cpu", "auto")
    assert isinstance(shared, StatementTuner) and hasattr(shared, "module_")
    # an encoder without a head (or a hub id) is left to each classifier
    assert _shared_model(tiny_models["bert"], "cpu", "auto") == tiny_models["bert"]
    assert _shared_model("org/name", "cpu", "auto") == "org/name"


def test_hybrid_rows_give_each_part_alone(fitted_tiny_tuner, tiny_models, sample_dir):
    """The hybrid's row has the statement model's and the embedding model's accuracy
    alone; with the same encoder as baseline, the embedding part is the baseline."""
    st = pytest.importorskip("sentence_transformers")
    encoder = st.SentenceTransformer(tiny_models["bert"], device="cpu")
    common = dict(data_dir=sample_dir, max_samples=30, device="cpu", precision="fp32")
    (row,) = evaluate_zero_shot(
        fitted_tiny_tuner,
        [("sib200", "en", "test")],
        embedding_model=encoder,
        baseline=encoder,
        **common,
    )
    assert row["embedding_accuracy"] == row["baseline_accuracy"]
    assert (
        row["embedding_ci_low"] <= row["embedding_accuracy"] <= row["embedding_ci_high"]
    )
    (zero,) = evaluate_zero_shot(
        fitted_tiny_tuner,
        [("sib200", "en", "test")],
        embedding_model=encoder,
        embedding_weight=0.0,
        **common,
    )
    assert zero["accuracy"] == zero["statement_accuracy"] == row["statement_accuracy"]


def test_average_rows_and_format_averages():
    from sklearn_statement.evaluation import average_rows, format_averages

    def row(dataset, language, acc, alone, base, embedding=None):
        return {
            "dataset": dataset,
            "language": language,
            "accuracy": acc,
            "statement_accuracy": alone,
            "embedding_accuracy": base if embedding is None else embedding,
            "baseline_accuracy": base,
            "majority": 0.5,
            "random": 0.5,
        }

    rows = [
        row("xnli", "en", 0.6, 0.4, 0.5),
        row("xnli", "de", 0.4, 0.2, 0.3),
        row("sib200", "en", 0.9, 0.7, 0.8),
    ]
    means = average_rows(rows)
    assert [m["dataset"] for m in means] == ["xnli", "sib200", "all rows"]
    assert [m["languages"] for m in means] == [2, 1, 3]
    assert means[0]["accuracy"] == pytest.approx(0.5)
    assert means[0]["statement_accuracy"] == pytest.approx(0.3)
    assert means[2]["baseline_accuracy"] == pytest.approx((0.5 + 0.3 + 0.8) / 3)
    text = format_averages(rows)
    lines = text.splitlines()
    assert "embedding model alone" not in lines[0]  # the same as the baseline here
    assert "| xnli " in lines[2] and "50.0" in lines[2] and "30.0" in lines[2]
    assert lines[-1].startswith("| all rows")
    # a tuned bi-encoder differs from the untuned baseline: its column is shown
    rows[0]["embedding_accuracy"] = 0.9
    assert "embedding model alone" in format_averages(rows).splitlines()[0]
    # a key missing from a row is left out of its group's mean, not counted as 0
    del rows[2]["statement_accuracy"]
    assert "statement_accuracy" not in average_rows(rows)[1]
    assert dataset_averages(rows)["xnli"]["statement_accuracy"] == pytest.approx(30.0)


@pytest.mark.parametrize("rows", [[], None, [{"dataset": "x"}]])
def test_average_rows_refuses_what_is_not_evaluation_rows(rows):
    from sklearn_statement.evaluation import average_rows, format_averages

    with pytest.raises(ValueError, match="rows"):
        average_rows(rows)
    with pytest.raises(ValueError, match="rows"):
        format_averages(rows)
