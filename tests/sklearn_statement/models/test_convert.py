"""convert_to_safetensors / ``sklearn-statement convert``: tensors only, never a full pickle."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from sklearn_statement import StatementTuner, convert_to_safetensors
from sklearn_statement.cli import main


class Payload:
    """Unpickling this creates ``marker``: the code a full pickle would run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def _checkpoint(directory: Path, state: dict, name: str = "pytorch_model.bin") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text('{"model_type": "bert"}')
    torch.save(state, directory / name)
    return directory


def test_full_pickle_is_refused_and_its_payload_never_runs(tmp_path):
    marker = tmp_path / "payload_ran"
    state = {"weight": torch.ones(2), "extra": Payload(marker)}
    directory = _checkpoint(tmp_path / "m", state)
    # the payload is real: a full unpickle runs it
    torch.load(directory / "pytorch_model.bin", weights_only=False)
    assert marker.is_dir()
    marker.rmdir()

    with pytest.raises(ValueError, match="full pickle.*Nothing in it was run"):
        convert_to_safetensors(directory)
    with pytest.raises(ValueError, match="full pickle"):
        convert_to_safetensors(directory, tmp_path / "out")
    assert not marker.exists()
    assert not list(directory.glob("*.safetensors")) and not list(
        directory.glob(".*tmp")
    )
    # a failed conversion leaves no half directory
    assert not (tmp_path / "out").exists()
    with pytest.raises(FileNotFoundError, match="sklearn-statement convert"):
        StatementTuner(str(directory), device="cpu", verbose=0).fit(["a."] * 2, [0, 1])
    assert not marker.exists()


def test_shared_and_strided_tensors_keep_every_name_and_value(tmp_path):
    embeddings = torch.randn(5, 3)
    state = {
        "encoder.embeddings.weight": embeddings,
        "head.decoder.weight": embeddings,  # tied, as in an MLM checkpoint
        "encoder.rows": embeddings[1:3],  # a view into the same storage
        "encoder.transposed": torch.randn(3, 4).t(),  # not contiguous
        "encoder.position_ids": torch.arange(4),
    }
    directory = _checkpoint(tmp_path / "m", state)
    convert_to_safetensors(directory)
    loaded = load_file(directory / "model.safetensors")
    assert sorted(loaded) == sorted(state)
    for name, tensor in state.items():
        assert torch.equal(loaded[name], tensor), name
        assert loaded[name].dtype == tensor.dtype


def test_existing_safetensors_needs_overwrite(tmp_path):
    directory = _checkpoint(tmp_path / "m", {"weight": torch.ones(2)})
    convert_to_safetensors(directory)
    before = (directory / "model.safetensors").read_bytes()
    torch.save({"weight": torch.zeros(2)}, directory / "pytorch_model.bin")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        convert_to_safetensors(directory)
    assert (directory / "model.safetensors").read_bytes() == before
    convert_to_safetensors(directory, overwrite=True)
    assert torch.equal(
        load_file(directory / "model.safetensors")["weight"], torch.zeros(2)
    )


def test_output_dir_gets_the_other_files_but_no_pickles(tmp_path):
    directory = _checkpoint(tmp_path / "m", {"weight": torch.ones(2)})
    (directory / "spm.model").write_bytes(b"spm")
    (directory / "tf_model.h5").write_bytes(b"h5")
    torch.save({"g": torch.ones(1)}, directory / "pytorch_model.generator.bin")
    out = convert_to_safetensors(directory, tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == [
        "config.json",
        "model.safetensors",
        "spm.model",
    ]
    assert not (directory / "model.safetensors").exists()
    with pytest.raises(FileExistsError, match="not an empty directory"):
        convert_to_safetensors(directory, out)
    convert_to_safetensors(directory, out, overwrite=True)


def test_sharded_checkpoint(tmp_path):
    directory = tmp_path / "m"
    shards = {
        "pytorch_model-00001-of-00002.bin": {"a": torch.ones(2)},
        "pytorch_model-00002-of-00002.bin": {"b": torch.zeros(3)},
    }
    for name, state in shards.items():
        _checkpoint(directory, state, name)
    index = {
        "weight_map": {
            "a": "pytorch_model-00001-of-00002.bin",
            "b": "pytorch_model-00002-of-00002.bin",
        }
    }
    (directory / "pytorch_model.bin.index.json").write_text(json.dumps(index))
    convert_to_safetensors(directory)
    written = json.loads((directory / "model.safetensors.index.json").read_text())
    assert written["weight_map"] == {
        "a": "model-00001-of-00002.safetensors",
        "b": "model-00002-of-00002.safetensors",
    }
    assert written["metadata"]["total_size"] == 2 * 4 + 3 * 4
    assert torch.equal(
        load_file(directory / "model-00002-of-00002.safetensors")["b"], torch.zeros(3)
    )


def test_shard_names_outside_the_directory_are_refused(tmp_path):
    directory = _checkpoint(tmp_path / "m", {"a": torch.ones(1)})
    index = {"weight_map": {"a": "../elsewhere/pytorch_model.bin"}}
    (directory / "pytorch_model.bin.index.json").write_text(json.dumps(index))
    with pytest.raises(ValueError, match="inside the directory"):
        convert_to_safetensors(directory)


@pytest.mark.parametrize(
    "content, match",
    [
        ([torch.ones(1)], "not a state dict"),
        (
            {"state_dict": {"w": torch.ones(1)}},
            "not a transformers state dict.*'state_dict'",
        ),
        ({}, "not a state dict"),
    ],
)
def test_not_a_state_dict(tmp_path, content, match):
    directory = _checkpoint(tmp_path / "m", content)
    with pytest.raises(ValueError, match=match):
        convert_to_safetensors(directory)


def test_corrupt_and_missing_weights(tmp_path):
    directory = _checkpoint(tmp_path / "m", {"a": torch.ones(1)})
    (directory / "pytorch_model.bin").write_bytes(b"truncated")
    with pytest.raises(ValueError, match="could not read .* download it again"):
        convert_to_safetensors(directory)
    (directory / "pytorch_model.bin").unlink()
    torch.save({"g": torch.ones(1)}, directory / "pytorch_model.generator.bin")
    with pytest.raises(FileNotFoundError, match="no pytorch_model.bin"):
        convert_to_safetensors(directory)
    with pytest.raises(FileNotFoundError, match="not a directory"):
        convert_to_safetensors(tmp_path / "absent")


def test_cli_convert(tmp_path, capsys):
    directory = _checkpoint(tmp_path / "m", {"weight": torch.ones(2)})
    assert main(["convert", str(directory)]) == 0
    assert "wrote model.safetensors" in capsys.readouterr().out
    assert main(["convert", str(directory)]) == 2
    assert "overwrite" in capsys.readouterr().err
    bad = _checkpoint(tmp_path / "bad", {"x": Payload(tmp_path / "ran")})
    assert main(["convert", str(bad), "--output-dir", str(tmp_path / "out")]) == 2
    assert "full pickle" in capsys.readouterr().err
    assert not (tmp_path / "ran").exists()


def test_resuming_a_checkpoint_never_unpickles_objects(tiny_models, tmp_path):
    """ResumableCheckpoint reads params.pt / optimizer.pt with weights_only=True."""
    X, y = ["the dog is good.", "the dog is bad."] * 2, [1, 0] * 2
    ckpt, marker = tmp_path / "ckpt", tmp_path / "payload_ran"
    model = tiny_models["bert"]
    StatementTuner(
        model, max_epochs=1, batch_size=4, device="cpu", verbose=0, checkpoint_dir=ckpt
    ).fit(X, y)
    state = torch.load(ckpt / "params.pt", weights_only=True)
    torch.save({**state, "extra": Payload(marker)}, ckpt / "params.pt")
    with pytest.raises(Exception, match="[Ww]eights only load failed"):
        StatementTuner(
            model,
            max_epochs=1,
            batch_size=4,
            device="cpu",
            verbose=0,
            checkpoint_dir=ckpt,
        ).fit(X, y)
    assert not marker.exists()
