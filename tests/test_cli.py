"""The sklearn-statement command line."""

import json

import pytest

from sklearn_statement._cli import main


def test_templates_list_and_show(capsys):
    assert main(["templates", "list", "--task", "xnli", "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "implies" in out and "3 templates" in out
    assert main(["templates", "show", "xcopa"]) == 0
    out = capsys.readouterr().out
    assert "As a result: The toilet filled with water." in out


def test_unknown_task_is_a_clean_error(capsys):
    assert main(["templates", "show", "nope"]) == 2
    assert "unknown task 'nope'" in capsys.readouterr().err


def test_tune_evaluate_predict_roundtrip(tiny_models, sample_dir, tmp_path, capsys):
    out = tmp_path / "model"
    assert (
        main(
            [
                "tune",
                "--model",
                tiny_models["bert"],
                "--out",
                str(out),
                "--tasks",
                "sst2",
                "--n-per-task",
                "32",
                "--data-dir",
                str(sample_dir),
                "--epochs",
                "1",
                "--device",
                "cpu",
            ]
        )
        == 0
    )
    assert (out / "model.safetensors").exists()
    assert (
        main(
            [
                "evaluate",
                "--model",
                str(out),
                "--tasks",
                "sib200",
                "--languages",
                "en",
                "de",
                "--data-dir",
                str(sample_dir),
                "--max-samples",
                "10",
                "--device",
                "cpu",
                "--output",
                str(tmp_path / "rows.json"),
            ]
        )
        == 0
    )
    rows = json.loads((tmp_path / "rows.json").read_text())
    assert [(r["dataset"], r["language"], r["n"]) for r in rows] == [
        ("sib200", "en", 10),
        ("sib200", "de", 10),
    ]
    texts = tmp_path / "texts.txt"
    texts.write_text(
        'the match ended 2-1\n{"text": "parliament voted"}\n', encoding="utf-8"
    )
    capsys.readouterr()
    assert (
        main(
            [
                "predict",
                "--model",
                str(out),
                "--template",
                "topic",
                "--labels",
                "sports",
                "politics",
                "--input",
                str(texts),
                "--device",
                "cpu",
            ]
        )
        == 0
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2 and all(
        line["label"] in ("sports", "politics") for line in lines
    )
    assert (
        main(
            [
                "tune",
                "--model",
                tiny_models["bert"],
                "--out",
                str(out),
                "--tasks",
                "sst2",
                "--data-dir",
                str(sample_dir),
            ]
        )
        != 0
    )  # refuses to overwrite


@pytest.mark.slow
def test_demo_quick(tmp_path):
    assert (
        main(["demo", "--quick", "--output-dir", str(tmp_path), "--max-samples", "20"])
        == 0
    )
    summary = json.loads((tmp_path / "results.json").read_text())
    assert {r["dataset"] for r in summary["results"]} == {
        "xnli",
        "pawsx",
        "xcopa",
        "xwinograd",
        "sib200",
    }


def test_build_writes_statements_and_stats(sample_dir, tmp_path, capsys):
    out = tmp_path / "corpus"
    argv = ["build", "--tasks", "sst2", "tatoeba", "--languages", "en", "de"]
    argv += ["--n", "20", "--data-dir", str(sample_dir), "--out", str(out)]
    argv += ["--format", "jsonl", "--cache-dir", str(tmp_path / "cache")]
    assert main(argv) == 0
    assert "40 statements (20 true)" in capsys.readouterr().out
    rows = [json.loads(line) for line in (out / "statements.jsonl").open()]
    assert len(rows) == 40 and {r["task"] for r in rows} == {"sst2", "tatoeba"}
    stats = (out / "stats.csv").read_text().splitlines()
    assert stats[0] == "family,task,language,true,false,total"
    assert "sentiment,sst2,en,10,10,20" in stats
    assert main(argv) == 2  # never overwrites without --overwrite
    assert "--overwrite" in capsys.readouterr().err
    assert main([*argv, "--overwrite"]) == 0
    assert main(["build", "--list-presets"]) == 0
    assert "english_mt:" in capsys.readouterr().out
