"""``sklearn-statement push DIR REPO_ID`` against the hub's HTTP API faked in memory
(the ``fake_hub`` fixture of tests/conftest.py)."""

from __future__ import annotations

import json

import pytest

from sklearn_statement.cli import build_parser, main

ROW = {
    "dataset": "xnli",
    "language": "de",
    "n": 30,
    "accuracy": 0.4,
    "majority": 0.34,
    "macro_f1": 0.38,
    "held_out": True,
}


@pytest.fixture(scope="module")
def saved_model(fitted_tiny_tuner, tmp_path_factory):
    return fitted_tiny_tuner.save_pretrained(tmp_path_factory.mktemp("cli") / "m")


def test_push_prints_the_url_of_a_private_upload(fake_hub, saved_model, capsys):
    assert main(["push", str(saved_model), "me/m", "--token", "hf_x"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("https://huggingface.co/me/m/commit/") and "\n" not in out
    repo = fake_hub.repos["me/m"]
    assert repo["visibility"] == "private"
    assert {"model.safetensors", "README.md", "statement_tuner.json"} <= set(
        repo["files"]
    )


def test_public_message_and_an_evaluation_report(
    fake_hub, saved_model, tmp_path, monkeypatch, capsys
):
    import shutil

    model = shutil.copytree(saved_model, tmp_path / "m")
    (tmp_path / "rows.json").write_text(json.dumps([ROW]))
    monkeypatch.setenv("HF_TOKEN", "hf_env")
    argv = ["push", str(model), "org/m", "--public", "--message", "v1"]
    assert main([*argv, "--evaluation", str(tmp_path / "rows.json")]) == 0
    repo = fake_hub.repos["org/m"]
    assert (repo["visibility"], repo["message"]) == ("public", "v1")
    card = repo["files"]["README.md"].decode()
    assert "| xnli    | de       | 30 | 40.0" in card
    assert 'from_pretrained("org/m")' in card
    assert card == (model / "README.md").read_text()


def test_without_a_token_push_fails_clearly_and_sends_nothing(
    fake_hub, saved_model, capsys
):
    assert main(["push", str(saved_model), "me/m"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sklearn-statement push: error: pushing to the Hugging")
    assert "hf auth login" in err and "HF_TOKEN" in err
    assert fake_hub.requests == []


def test_a_directory_that_is_no_model_is_named(fake_hub, tmp_path, capsys):
    assert main(["push", str(tmp_path), "me/m", "--token", "hf_x"]) == 2
    err = capsys.readouterr().err
    assert "is not a saved statement model: it lacks config.json" in err
    assert fake_hub.requests == []


def test_push_is_a_sub_command():
    args = build_parser().parse_args(["push", "DIR", "me/m"])
    assert (args.directory, args.repo_id, args.public, args.token) == (
        "DIR",
        "me/m",
        False,
        None,
    )
