"""The sklearn-statement command line."""

import json

import numpy as np
import pytest

from sklearn_statement.cli import main


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
    recipe = json.loads((out / "statement_tuner.json").read_text())["recipe"]
    assert recipe["tasks"] == ["sst2"] and recipe["n_per_task"] == 32
    assert "| training tasks | sst2 |" in (out / "README.md").read_text()
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
    assert summary["averages"][-1]["dataset"] == "all rows"
    assert (tmp_path / "model" / "config.json").is_file()
    assert (
        tmp_path / "bi_encoder" / "modules.json"
    ).is_file()  # the hybrid's other half
    assert all(
        r["embedding_accuracy"] is not None for r in summary["results"]
    )  # the tuned bi-encoder alone, beside the untuned baseline


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


# ---------------------------------------------------------------- predict on users' files
TOPIC_ROWS = ["the match ended 2-1", "parliament voted, again", 'a "quoted" text']


@pytest.fixture(scope="module")
def model_dir(fitted_tiny_tuner, tmp_path_factory):
    return str(fitted_tiny_tuner.save_pretrained(tmp_path_factory.mktemp("cli") / "m"))


@pytest.fixture(scope="module")
def oracle(model_dir):
    """predict_proba of the Python API, columns in classes_ order."""
    from sklearn_statement import ZeroShotStatementClassifier

    clf = ZeroShotStatementClassifier(
        model_dir,
        template="topic",
        labels=["sports", "politics"],
        device="cpu",
        precision="fp32",
    ).fit()
    return clf.classes_.tolist(), clf.predict_proba(TOPIC_ROWS)


def _topic(model_dir, *extra):
    return [
        "predict",
        "--model",
        model_dir,
        "--template",
        "topic",
        "--labels",
        "sports",
        "politics",
        "--device",
        "cpu",
        "--precision",
        "fp32",
        *extra,
    ]


def _write(path, kind):
    import pandas as pd

    frame = pd.DataFrame({"id": [1, 2, 3], "body": TOPIC_ROWS})
    if kind == "csv":
        frame.to_csv(path, index=False)
    elif kind == "tsv":
        frame.to_csv(path, sep="\t", index=False)
    elif kind == "jsonl":
        frame.to_json(path, orient="records", lines=True)
    elif kind == "json":
        frame.to_json(path, orient="records")
    else:
        frame.to_parquet(path)
    return path


@pytest.mark.parametrize("kind", ["csv", "tsv", "jsonl", "json", "parquet"])
@pytest.mark.parametrize("out_kind", ["csv", "jsonl", "parquet", "tsv"])
def test_predict_reads_and_writes_tables(model_dir, oracle, tmp_path, kind, out_kind):
    import pandas as pd

    src = _write(tmp_path / f"in.{kind}", kind)
    out = tmp_path / f"out.{out_kind}"
    argv = _topic(model_dir, "--input", str(src), "--text-column", "body")
    assert main([*argv, "--output", str(out)]) == 0
    if out_kind == "csv":
        got = pd.read_csv(out)
    elif out_kind == "tsv":
        got = pd.read_csv(out, sep="\t")
    elif out_kind == "jsonl":
        got = pd.read_json(out, lines=True)
    else:
        got = pd.read_parquet(out)
    classes, proba = oracle
    assert list(got.columns) == ["row", "label"] + [f"proba_{c}" for c in classes]
    assert got["row"].tolist() == [0, 1, 2]  # the header is not a text
    np.testing.assert_allclose(got[[f"proba_{c}" for c in classes]], proba, rtol=1e-6)
    assert got["label"].tolist() == [classes[j] for j in proba.argmax(1)]


def test_predict_stdout_never_echoes_the_input(model_dir, tmp_path, capsys):
    src = tmp_path / "long.txt"
    src.write_text("word " * 50_000 + "\nthe match\n", encoding="utf-8")
    assert main(_topic(model_dir, "--input", str(src), "--no-progress")) == 0
    out = capsys.readouterr().out
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["row"] for line in lines] == [0, 1] and len(out) < 500
    assert set(lines[0]["probabilities"]) == {"politics", "sports"}
    assert sum(lines[0]["probabilities"].values()) == pytest.approx(1, abs=1e-3)


def test_predict_multi_field_template_with_field_columns(model_dir, tmp_path, capsys):
    import pandas as pd

    src = tmp_path / "pairs.csv"
    pd.DataFrame({"s1": ["a dog.", "a man."], "s2": ["a cat.", "a person."]}).to_csv(
        src, index=False
    )
    base = ["predict", "--model", model_dir, "--template", "xnli", "--input", str(src)]
    assert main(base) == 2
    assert "--field NAME=COLUMN" in capsys.readouterr().err
    assert main([*base, "--field", "premise=s1", "--field", "hypothesis=nope"]) == 2
    assert "no column 'nope'" in capsys.readouterr().err
    argv = [*base, "--field", "premise=s1", "--field", "hypothesis=s2"]
    assert main([*argv, "--multi-label", "--threshold", "0.3"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    for line in lines:  # every label above the threshold, and only those
        assert line["labels"] == [
            c for c, p in line["probabilities"].items() if p > 0.3
        ]


def test_predict_never_overwrites_without_overwrite(model_dir, tmp_path, capsys):
    src = _write(tmp_path / "in.csv", "csv")
    out = tmp_path / "mine.csv"
    out.write_text("precious", encoding="utf-8")
    argv = _topic(
        model_dir, "--input", str(src), "--text-column", "body", "--output", str(out)
    )
    assert main(argv) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "precious"
    assert main([*argv, "--overwrite"]) == 0 and "proba_sports" in out.read_text()


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--max-length", "2000"], "max_position_embeddings=512"),
        (["--threshold", "0.3"], "--threshold goes with --multi-label"),
        (["--text-column", "nope"], "no column 'nope'"),
        (["--output", "out.xlsx"], "unknown extension '.xlsx'"),
    ],
)
def test_predict_option_errors(model_dir, tmp_path, capsys, extra, message):
    src = _write(tmp_path / "in.csv", "csv")
    extra = [str(tmp_path / e) if e.endswith(".xlsx") else e for e in extra]
    argv = _topic(model_dir, "--input", str(src), "--text-column", "body", *extra)
    assert main(argv) == 2  # (a repeated --text-column: the last one counts)
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_predict_empty_cell_names_its_row(model_dir, tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text('text\nfine\n""\nok\n', encoding="utf-8")
    assert main(_topic(model_dir, "--input", str(src))) == 2
    assert "row 2, column 'text' is empty" in capsys.readouterr().err


def test_predict_progress_bar_on_long_inputs(model_dir, tmp_path, capsys, monkeypatch):
    from sklearn_statement.cli import _predict as _cli

    src = _write(tmp_path / "in.csv", "csv")
    argv = _topic(model_dir, "--input", str(src), "--text-column", "body")
    assert main(argv) == 0 and "scoring statements" not in capsys.readouterr().err
    monkeypatch.setattr(_cli, "PROGRESS_ROWS", 2)
    assert main(argv) == 0 and "scoring statements" in capsys.readouterr().err
    assert main([*argv, "--no-progress"]) == 0
    assert "scoring statements" not in capsys.readouterr().err


# ---------------------------------------------------------------- clear, early errors
def test_missing_model_path_is_named(tmp_path, capsys):
    src = _write(tmp_path / "in.csv", "csv")
    for argv in (
        [
            "predict",
            "--model",
            "/nonexistent",
            "--template",
            "sst2",
            "--input",
            str(src),
        ],
        [
            "evaluate",
            "--model",
            "/nonexistent",
            "--tasks",
            "sib200",
            "--data-dir",
            str(tmp_path),
        ],
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "'/nonexistent' does not exist" in err and "Repo id" not in err


def test_evaluate_on_an_unreachable_hub_fails_fast(model_dir, capsys, monkeypatch):
    import time

    start = time.perf_counter()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    hub = ["evaluate", "--model", model_dir, "--tasks", "sib200", "--data-dir", "hub"]
    assert main(hub) == 2
    err = capsys.readouterr().err
    assert "--data-dir" in err and "HF_HUB_OFFLINE" in err and err.count("\n") == 1
    # no offline flag, but no network either: one connection probe, then the same line
    import socket

    def unreachable(*args, **kwargs):
        raise OSError(101, "Network is unreachable")

    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    monkeypatch.setattr(socket, "create_connection", unreachable)
    assert main(hub) == 2
    err = capsys.readouterr().err
    assert "not reachable (Network is unreachable)" in err and "--data-dir" in err
    assert time.perf_counter() - start < 5


def test_evaluate_refuses_existing_outputs_before_running(
    model_dir, sample_dir, tmp_path, capsys, monkeypatch
):
    from sklearn_statement import (
        evaluation as _evaluate,
    )  # the handler imports it from there

    def never(*args, **kwargs):
        raise AssertionError("evaluate_zero_shot ran although the output exists")

    monkeypatch.setattr(_evaluate, "evaluate_zero_shot", never)
    report = tmp_path / "report"
    report.mkdir()
    (report / "sib200.png").write_bytes(b"mine")
    base = [
        "evaluate",
        "--model",
        model_dir,
        "--tasks",
        "sib200",
        "--languages",
        "en",
        "--data-dir",
        str(sample_dir),
    ]
    assert main([*base, "--output-dir", str(report)]) == 2
    assert "already holds" in capsys.readouterr().err
    rows = tmp_path / "rows.json"
    rows.write_text("[]", encoding="utf-8")
    assert main([*base, "--output", str(rows)]) == 2
    assert "--overwrite" in capsys.readouterr().err and rows.read_text() == "[]"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["build", "--tasks", "sst2", "--n", "0"], "--n: must be a positive integer"),
        (
            ["evaluate", "--model", "m", "--max-samples", "-3"],
            "positive integer, got '-3'",
        ),
        (
            ["tune", "--model", "m", "--out", "o", "--tasks", "sst2", "--epochs", "0"],
            "--epochs: must be a positive integer",
        ),
        (
            ["predict", "--model", "m", "--template", "sst2", "--field", "premise"],
            "NAME=COLUMN",
        ),
        (
            ["predict", "--model", "m", "--template", "sst2", "--threshold", "2"],
            "in (0, 1)",
        ),
    ],
)
def test_bad_numbers_are_argparse_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_evaluate_zero_shot_rejects_bad_max_samples():
    from sklearn_statement import evaluate_zero_shot

    with pytest.raises(ValueError, match="max_samples must be a positive integer"):
        evaluate_zero_shot("unused", [("sib200", "en", "test")], max_samples=-3)


def test_tune_maps_yes_no_labels_and_names_bad_ones(tiny_models, tmp_path, capsys):
    import pandas as pd

    src = tmp_path / "statements.csv"
    pd.DataFrame(
        {
            "statement": ["the dog is good.", "the dog is bad."] * 4,
            "label": ["yes", "No"] * 4,
        }
    ).to_csv(src, index=False)
    argv = [
        "tune",
        "--model",
        tiny_models["bert"],
        "--statements",
        str(src),
        "--epochs",
        "1",
        "--device",
        "cpu",
    ]
    assert main([*argv, "--out", str(tmp_path / "m")]) == 0
    assert "8 statements (4 true)" in capsys.readouterr().out
    src.write_text("statement,label\na b.,yes\na c.,maybe\n", encoding="utf-8")
    assert main([*argv, "--out", str(tmp_path / "m2")]) == 2
    err = capsys.readouterr().err
    assert "row 2: label 'maybe' is not a truth value" in err


def test_tune_keeps_each_examples_statements_together(
    tiny_models, tmp_path, capsys, monkeypatch
):
    """--tasks and an example_id column reach fit (the batches that make tuning learn)."""
    import pandas as pd

    from sklearn_statement import StatementTuner

    seen = []
    original = StatementTuner.fit

    def recording_fit(self, X, y=None, example_id=None, **kw):
        seen.append((self.objective, None if example_id is None else list(example_id)))
        return original(self, X, y, example_id=example_id, **kw)

    monkeypatch.setattr(StatementTuner, "fit", recording_fit)
    src = tmp_path / "statements.csv"
    frame = pd.DataFrame(
        {
            "statement": ["the dog is good.", "the dog is bad."] * 4,
            "label": [1, 0] * 4,
            "example_id": [0, 0, 1, 1, 2, 2, 3, 3],
        }
    )
    frame.to_csv(src, index=False)
    argv = ["tune", "--model", tiny_models["bert"], "--epochs", "1", "--device", "cpu"]
    listwise = [*argv, "--statements", str(src), "--objective", "listwise"]
    assert main([*listwise, "--out", str(tmp_path / "m")]) == 0
    assert seen[-1] == ("listwise", list("00112233"))  # read as text, like every column
    assert (tmp_path / "m" / "config.json").is_file()

    frame.drop(columns="example_id").to_csv(src, index=False)
    assert main([*listwise, "--out", str(tmp_path / "m2")]) == 2
    assert "objective='listwise' needs example_id=" in capsys.readouterr().err
    assert not (tmp_path / "m2" / "config.json").exists()


def test_evaluate_reads_the_bundled_sample_by_default(
    fitted_tiny_tuner, tmp_path, capsys
):
    """One default data source (the bundled sample) for every sub-command; the
    unseen-family column comes from the families the saved model records."""
    families = str(
        fitted_tiny_tuner.save_pretrained(tmp_path / "f", trained_families=["topic"])
    )
    unknown = str(fitted_tiny_tuner.save_pretrained(tmp_path / "u"))
    base = ["evaluate", "--tasks", "sib200", "xnli", "--languages", "en"]
    base += ["--max-samples", "6", "--device", "cpu"]
    assert main([*base, "--model", families]) == 0  # HF_HUB_OFFLINE=1 in tests
    table = capsys.readouterr().out.splitlines()
    rows = {line.split("|")[1].strip(): line for line in table if line.startswith("| ")}
    assert rows["sib200"].rstrip(" |").endswith("no")  # topic: seen in training
    assert rows["xnli"].rstrip(" |").endswith("yes")  # nli: unseen
    assert main([*base, "--model", unknown]) == 0
    out = capsys.readouterr().out
    assert "| ?" in out and "training task families are unknown" in out


def test_every_sub_command_describes_itself():
    from sklearn_statement.cli import build_parser

    parser = build_parser()
    subs = next(a for a in parser._actions if a.dest == "command").choices
    for name, sub in subs.items():
        assert sub.description and len(sub.description) > 60, name


# ---------------------------------------------------------------- shared options, --version
def test_shared_options_are_declared_once_with_defaults(capsys):
    from sklearn_statement import __version__
    from sklearn_statement.cli import build_parser

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"sklearn-statement {__version__}"
    parser = build_parser()
    subs = next(a for a in parser._actions if a.dest == "command").choices
    shared = {
        "--device": ("demo", "tune", "evaluate", "predict"),
        "--precision": ("demo", "tune", "evaluate", "predict"),
        "--seed": ("demo", "tune", "evaluate", "build"),
        "--overwrite": ("demo", "tune", "evaluate", "predict", "build"),
        "--data-dir": ("demo", "tune", "evaluate", "build", "export"),
    }
    for option, commands in shared.items():
        helps = set()
        for name in commands:
            (action,) = [a for a in subs[name]._actions if option in a.option_strings]
            assert action.help, (name, option)
            helps.add(action.help)
        # one declaration: the same help everywhere (one default data source too)
        assert len(helps) == 1, option
    text = subs["tune"].format_help()
    assert "(default: auto)" in text and "(default: 128)" in text


def test_python_dash_m_runs_the_command_and_importing_it_runs_nothing():
    import importlib
    import subprocess
    import sys

    importlib.import_module(
        "sklearn_statement.cli.__main__"
    )  # tools import every module
    out = subprocess.run(
        [sys.executable, "-m", "sklearn_statement.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0 and out.stdout.startswith("sklearn-statement ")
