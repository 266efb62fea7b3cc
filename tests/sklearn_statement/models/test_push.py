"""push_model_dir through huggingface_hub, against the hub's HTTP API faked in
memory (the ``fake_hub`` fixture: huggingface_hub's own client factory, so
create_repo and upload_folder run unchanged down to the HTTP requests)."""

from __future__ import annotations

import json
import shutil

import pytest
from huggingface_hub import ModelCard
from huggingface_hub.errors import LocalTokenNotFoundError

from sklearn_statement.models import check_model_dir, push_model_dir

SAVED = {
    "README.md",
    "config.json",
    "model.safetensors",
    "statement_tuner.json",
    "tokenizer.json",
    "tokenizer_config.json",
}


@pytest.fixture(scope="module")
def saved_model(fitted_tiny_tuner, tmp_path_factory):
    """A statement model saved by save_pretrained (shared, read-only)."""
    return fitted_tiny_tuner.save_pretrained(
        tmp_path_factory.mktemp("push") / "model", trained_families=["sentiment"]
    )


def test_uploads_the_saved_files_into_a_private_repo(fake_hub, saved_model):
    url = push_model_dir(saved_model, "me/statement-model", token="hf_secret")
    repo = fake_hub.repos["me/statement-model"]
    assert url.startswith("https://huggingface.co/me/statement-model/commit/")
    assert repo["visibility"] == "private"
    assert set(repo["files"]) == {p.name for p in saved_model.iterdir()} >= SAVED
    for name in SAVED:  # byte for byte
        assert repo["files"][name] == (saved_model / name).read_bytes()
    assert ModelCard(repo["files"]["README.md"].decode()).data.library_name == (
        "transformers"
    )
    assert repo["message"] == "Add a statement model (sklearn-statement)"
    assert [(m, p) for m, p, _ in fake_hub.api_calls] == [
        ("POST", "/api/repos/create"),
        ("POST", "/api/validate-yaml"),
        ("POST", "/api/models/me/statement-model/preupload/main"),
        ("POST", "/api/models/me/statement-model/commit/main"),
    ]
    assert {auth for _, _, auth in fake_hub.api_calls} == {"Bearer hf_secret"}


def test_public_and_an_existing_repo_with_the_env_token(
    fake_hub, saved_model, monkeypatch
):
    monkeypatch.setenv("HF_TOKEN", "hf_from_env")
    push_model_dir(saved_model, "org/m", private=False, commit_message="first")
    assert fake_hub.repos["org/m"]["visibility"] == "public"
    push_model_dir(saved_model, "org/m", commit_message="again")  # 409: exists, reused
    assert fake_hub.repos["org/m"]["message"] == "again"
    assert fake_hub.repos["org/m"]["visibility"] == "public"
    creates = [a for _, p, a in fake_hub.requests if p == "/api/repos/create"]
    assert creates == ["Bearer hf_from_env"] * 2
    with pytest.raises(Exception, match="409|already"):
        push_model_dir(saved_model, "org/m", exist_ok=False)


def test_without_a_token_nothing_is_sent(fake_hub, saved_model):
    with pytest.raises(LocalTokenNotFoundError, match="hf auth login") as error:
        push_model_dir(saved_model, "me/m")
    assert "HF_TOKEN" in str(error.value) and isinstance(error.value, OSError)
    assert fake_hub.requests == [] and fake_hub.repos == {}


@pytest.mark.parametrize(
    "remove, missing",
    [
        (["config.json"], "config.json (or adapter_config.json)"),
        (["model.safetensors"], "model.safetensors or model.safetensors.index.json"),
        (["tokenizer.json"], "a tokenizer vocabulary"),
        (["README.md"], "README.md (the model card)"),
    ],
)
def test_refuses_what_is_not_a_saved_model(
    fake_hub, saved_model, tmp_path, remove, missing
):
    copy = shutil.copytree(saved_model, tmp_path / "copy")
    for name in remove:
        (copy / name).unlink()
    if remove == ["tokenizer.json"]:
        (copy / "vocab.txt").unlink(missing_ok=True)
    with pytest.raises(FileNotFoundError, match="is not a saved statement model") as e:
        push_model_dir(copy, "me/m", token="hf_x")
    assert missing in str(e.value)
    assert fake_hub.requests == []


def test_refuses_a_card_whose_metadata_does_not_parse(fake_hub, saved_model, tmp_path):
    copy = shutil.copytree(saved_model, tmp_path / "copy")
    (copy / "README.md").write_text("---\ntags: [a\n---\n# card\n")
    with pytest.raises(ValueError, match="README.md"):
        check_model_dir(copy)
    with pytest.raises(FileNotFoundError, match="is not a directory"):
        check_model_dir(tmp_path / "nothing")
    info = json.loads((copy / "statement_tuner.json").read_text())
    assert info["trained_families"] == ["sentiment"]
