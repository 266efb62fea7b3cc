"""``sklearn-statement predict --labels-column``: each row's own candidate labels."""

import json

import numpy as np
import pandas as pd
import pytest

from sklearn_statement.cli import main

TEXTS = ["the match ended 2-1", "parliament voted, again", 'a "quoted" text']
CANDIDATES = [["sports", "politics"], ["politics", "health", "travel"], ["movie"]]


@pytest.fixture(scope="module")
def model_dir(fitted_tiny_tuner, tmp_path_factory):
    return str(fitted_tiny_tuner.save_pretrained(tmp_path_factory.mktemp("rk") / "m"))


@pytest.fixture(scope="module")
def oracle(model_dir):
    """The Python API's rank on the same rows."""
    from sklearn_statement import ZeroShotStatementClassifier

    clf = ZeroShotStatementClassifier(
        model_dir, template="topic", device="cpu", precision="fp32"
    ).fit()
    return clf.rank(TEXTS, CANDIDATES)


def _argv(model_dir, src, *extra):
    return [
        "predict",
        "--model",
        model_dir,
        "--template",
        "topic",
        "--input",
        str(src),
        "--text-column",
        "body",
        "--labels-column",
        "candidates",
        "--device",
        "cpu",
        "--precision",
        "fp32",
        *extra,
    ]


def _write(path, kind, cells):
    frame = pd.DataFrame({"id": [1, 2, 3], "body": TEXTS, "candidates": cells})
    if kind == "csv":
        frame.to_csv(path, index=False)
    elif kind == "tsv":  # as written by hand: TSV cells are not quoted
        rows = ["\t".join(map(str, r)) for r in frame.itertuples(index=False)]
        path.write_text("\n".join(["id\tbody\tcandidates", *rows]), encoding="utf-8")
    elif kind == "jsonl":
        frame.to_json(path, orient="records", lines=True)
    elif kind == "json":
        frame.to_json(path, orient="records")
    else:
        frame.to_parquet(path)
    return path


def _stdout(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def _agree(lines, oracle):
    assert [line["row"] for line in lines] == [0, 1, 2]
    for line, expected in zip(lines, oracle):
        assert line["labels"] == expected["labels"]
        assert line["label"] == expected["labels"][0]
        np.testing.assert_allclose(line["scores"], expected["scores"], atol=1e-4)


@pytest.mark.parametrize(
    "kind, cells",
    [
        ("csv", [json.dumps(c) for c in CANDIDATES]),  # JSON list strings
        ("tsv", [json.dumps(c) for c in CANDIDATES]),
        ("jsonl", CANDIDATES),  # lists
        ("json", CANDIDATES),
        ("parquet", CANDIDATES),
    ],
)
def test_each_form_of_the_labels_column(
    model_dir, oracle, tmp_path, capsys, kind, cells
):
    src = _write(tmp_path / f"in.{kind}", kind, cells)
    assert main(_argv(model_dir, src)) == 0
    _agree(_stdout(capsys), oracle)


def test_joined_labels_with_a_separator(model_dir, oracle, tmp_path, capsys):
    src = _write(tmp_path / "in.csv", "csv", ["|".join(c) for c in CANDIDATES])
    assert main(_argv(model_dir, src, "--labels-sep", "|")) == 0
    _agree(_stdout(capsys), oracle)
    # JSON lists still read as lists when a separator is given
    src = _write(
        tmp_path / "mixed.csv",
        "csv",
        ["sports | politics", *map(json.dumps, CANDIDATES[1:])],
    )
    assert main(_argv(model_dir, src, "--labels-sep", "|")) == 0
    _agree(_stdout(capsys), oracle)


def test_stdin_json_lines(model_dir, oracle, monkeypatch, capsys):
    import io

    lines = [
        json.dumps({"body": t, "candidates": c}) for t, c in zip(TEXTS, CANDIDATES)
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(_argv(model_dir, "-")) == 0
    _agree(_stdout(capsys), oracle)


@pytest.mark.parametrize("out_kind", ["csv", "jsonl", "parquet"])
def test_output_columns(model_dir, oracle, tmp_path, capsys, out_kind):
    src = _write(tmp_path / "in.jsonl", "jsonl", CANDIDATES)
    out = tmp_path / f"out.{out_kind}"
    assert main(_argv(model_dir, src, "--output", str(out))) == 0
    assert "wrote 3 rankings" in capsys.readouterr().out
    if out_kind == "csv":
        got = pd.read_csv(out)
    elif out_kind == "jsonl":
        got = pd.read_json(out, lines=True, dtype=False)
    else:
        got = pd.read_parquet(out)
    assert list(got.columns) == ["row", "label", "labels", "scores"]
    lines = [
        {"row": r, "label": lab, "labels": json.loads(ls), "scores": json.loads(sc)}
        for r, lab, ls, sc in zip(
            got["row"], got["label"], got["labels"], got["scores"]
        )
    ]
    _agree(lines, oracle)


@pytest.mark.parametrize(
    "cells, extra, message",
    [
        (
            ["sports|politics", "a", "b"],
            (),
            "row 1 holds 'sports|politics'; write a JSON list",
        ),
        (['["sports", ', '["a"]', '["b"]'], (), "row 1 is not a valid JSON list"),
        (['{"a": 1}', '["a"]', '["b"]'], (), "--labels-sep"),
        (['["a"]', "", '["b"]'], (), "row 2 holds ''"),
        (
            ['["a"]', '["b"]', '["c", "c"]'],
            (),
            "candidate_labels[2] lists 'c' twice",
        ),
        (['["a"]', '["b"]', "[]"], (), "candidate_labels[2] is empty"),
        (['["a"]', '["b"]', '["c"]'], ("--labels", "x", "y"), "drop --labels"),
        (
            ['["a"]', '["b"]', '["c"]'],
            ("--multi-label", "--threshold", "0.3"),
            "--threshold picks labels from fixed ones",
        ),
    ],
)
def test_bad_labels_column_errors(model_dir, tmp_path, capsys, cells, extra, message):
    src = _write(tmp_path / "in.csv", "csv", cells)
    assert main(_argv(model_dir, src, *extra)) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_labels_column_must_exist_and_sep_needs_it(model_dir, tmp_path, capsys):
    src = _write(tmp_path / "in.csv", "csv", ['["a"]'] * 3)
    argv = _argv(model_dir, src)
    argv[argv.index("candidates")] = "nope"
    assert main(argv) == 2
    assert "has no column 'nope'" in capsys.readouterr().err
    base = [
        "predict",
        "--model",
        model_dir,
        "--template",
        "topic",
        "--labels",
        "a",
        "b",
    ]
    assert main([*base, "--input", str(src), "--labels-sep", "|"]) == 2
    assert "--labels-sep goes with --labels-column" in capsys.readouterr().err
