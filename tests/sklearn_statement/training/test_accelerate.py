"""AcceleratedStatementTuner: accelerate (skorch's AccelerateMixin) on one and two processes.

The two-process tests start ``accelerate launch`` with 2 CPU processes (gloo)
on ``accelerate_job.py`` and compare with a single-process StatementTuner
that sees the same effective batch: 2 processes x 1 batch = 1 process x 2
accumulated batches.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip(
    "accelerate", reason="the [scale] extra (accelerate) is not installed"
)

from accelerate import Accelerator  # noqa: E402

from sklearn_statement import AcceleratedStatementTuner, StatementTuner  # noqa: E402

JOB = Path(__file__).with_name("accelerate_job.py")
_spec = importlib.util.spec_from_file_location("accelerate_job", JOB)
job = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(job)

X, Y, IDS = job.statement_data()


def multiprocess(test):
    """Starts 2 processes: skipped without torch.distributed's gloo backend."""
    available = (
        torch.distributed.is_available() and torch.distributed.is_gloo_available()
    )
    skip = pytest.mark.skipif(
        not available,
        reason="needs torch.distributed with the gloo backend for 2 CPU processes",
    )
    return pytest.mark.multiprocess(skip(test))


@pytest.fixture(autouse=True)
def _fresh_accelerate_state():
    """Each test gets its own Accelerator settings (accelerate keeps them process-wide)."""
    from accelerate.state import AcceleratorState, GradientState

    AcceleratorState._reset_state(True)  # what accelerate's own test cases do
    GradientState._reset_state()
    yield
    AcceleratorState._reset_state(True)
    GradientState._reset_state()


@pytest.fixture(scope="module")
def reference(tiny_models):
    """One process, 2 accumulated batches of 4: the effective batch of 2 processes x 4."""
    return StatementTuner(
        tiny_models["bert"], device="cpu", gradient_accumulation_steps=2, **job.PARAMS
    ).fit(X, Y, example_id=IDS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(model: str, run: Path, *args: str) -> subprocess.CompletedProcess:
    """``accelerate launch`` the job on 2 CPU processes."""
    env = {
        **os.environ,
        "CUDA_VISIBLE_DEVICES": "",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(run / "hf_home"),  # no accelerate config file of the user's
    }
    cmd = [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        "--multi_gpu",  # the multi-process launcher; without GPUs it runs on CPU, gloo
        "--num_processes",
        str(job.N_PROCESSES),
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",
        "--dynamo_backend",
        "no",
        "--main_process_port",
        str(_free_port()),
        str(JOB),
        "--model",
        model,
        "--output",
        str(run / "out"),
        "--report",
        str(run / "report"),
        *args,
    ]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


#: Errors of the process group's set-up, not of the code under test: the
#: free port taken by another process between ``_free_port`` and the
#: rendezvous, or gloo's full-mesh connection reset on a loaded machine.
_TRANSIENT = (
    "address already in use",
    "EADDRINUSE",
    "DistNetworkError",
    "connectFullMesh",
    "Connection reset by peer",
    "Connection refused",
)


def launch_ok(model: str, run: Path, *args: str) -> subprocess.CompletedProcess:
    """:func:`launch` that must succeed; retried once after a transient set-up error."""
    done = launch(model, run, *args)
    output = done.stdout + done.stderr
    if done.returncode != 0 and any(t in output for t in _TRANSIENT):
        done = launch(model, run, *args)  # fresh port; the report files are rewritten
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def reports(run: Path) -> list[dict]:
    found = [
        json.loads((run / "report" / f"rank{k}.json").read_text())
        for k in range(job.N_PROCESSES)
    ]
    assert [r["num_processes"] for r in found] == [job.N_PROCESSES] * job.N_PROCESSES
    return found


def writes_under(report: dict, *dirs: Path) -> list[str]:
    return [w for w in report["writes"] if any(w.startswith(str(d)) for d in dirs)]


def assert_same_weights(directory: Path, reference: StatementTuner) -> None:
    tuned = StatementTuner.from_pretrained(directory, device="cpu")
    theirs = tuned.module_.state_dict()
    ours = reference.module_.state_dict()
    assert theirs.keys() == ours.keys()
    for name in ours:
        torch.testing.assert_close(theirs[name], ours[name], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        tuned.predict_proba(X), reference.predict_proba(X), rtol=1e-5, atol=1e-6
    )


@multiprocess
def test_two_processes_equal_one_process_with_the_same_effective_batch(
    tiny_models, reference, tmp_path
):
    launch_ok(tiny_models["bert"], tmp_path)
    ranks = reports(tmp_path)

    # accelerate sharded the example-grouped batches whole: in every epoch the
    # processes' batches hold each example's two statements together, and
    # together cover every example exactly once
    # (batches of 3 to 5 statements: accelerate's BatchSamplerShard would drop
    # every batch whose length is not the sampler's batch_size)
    size = dict(zip(*np.unique(IDS, return_counts=True)))
    batches_per_epoch = len(ranks[0]["batches"]) // job.PARAMS["max_epochs"]
    assert batches_per_epoch == 5  # 10 batches of the sampler / 2 processes
    assert len({len(b) for r in ranks for b in r["batches"]}) > 1
    for epoch in range(job.PARAMS["max_epochs"]):
        seen = []
        for rank in ranks:
            for batch in rank["batches"][
                epoch * batches_per_epoch : (epoch + 1) * batches_per_epoch
            ]:
                values, counts = np.unique(batch, return_counts=True)
                assert all(size[v] == c for v, c in zip(values, counts)), batch
                seen += values.tolist()
        assert sorted(seen) == sorted(size)

    # same losses (means over the processes) and weights as one process
    for rank in ranks:
        np.testing.assert_allclose(
            rank["train_loss"], reference.history[:, "train_loss"], rtol=1e-6
        )
    assert_same_weights(tmp_path / "out", reference)

    # exactly one process wrote the output directory
    out = tmp_path / "out"
    assert str(out / "config.json") in writes_under(ranks[0], out)
    assert writes_under(ranks[1], out) == []


@multiprocess
def test_killed_two_process_run_resumes_to_the_same_weights(
    tiny_models, reference, tmp_path
):
    checkpoint = tmp_path / "ckpt"
    killed = launch(
        tiny_models["bert"],
        tmp_path,
        "--checkpoint-dir",
        str(checkpoint),
        "--kill-after-epoch",
        "1",
    )
    assert killed.returncode != 0  # os._exit(3) in every process after epoch 1
    first = reports(tmp_path)
    assert all(r["killed"] for r in first)
    assert len(json.loads((checkpoint / "history.json").read_text())) == 1
    (tmp_path / "report").rename(tmp_path / "report-killed")

    launch_ok(tiny_models["bert"], tmp_path, "--checkpoint-dir", str(checkpoint))
    second = reports(tmp_path)
    # epoch 2 only, on each process; the loss history continues the killed run's
    for rank in second:
        assert len(rank["batches"]) == 5
        np.testing.assert_allclose(
            rank["train_loss"], reference.history[:, "train_loss"], rtol=1e-6
        )
    assert_same_weights(tmp_path / "out", reference)

    # only the main process wrote checkpoints and the model, in both runs
    for run in (first, second):
        assert writes_under(run[0], checkpoint)
        assert writes_under(run[1], checkpoint, tmp_path / "out") == []


# ---------------------------------------------------------------- one process
def accelerated(model, accelerator=None, **params):
    return AcceleratedStatementTuner(
        model,
        accelerator=accelerator or Accelerator(cpu=True),
        **{**job.PARAMS, **params},
    )


def test_one_process_accelerate_accumulation_equals_the_tuners(tiny_models, reference):
    tuner = accelerated(tiny_models["bert"], gradient_accumulation_steps=2)
    tuner.fit(X, Y, example_id=IDS)
    assert tuner.accelerator.gradient_accumulation_steps == 2
    assert type(tuner.module_).__name__ == "BertForSequenceClassification"  # unwrapped
    for name, value in reference.module_.state_dict().items():
        torch.testing.assert_close(
            tuner.module_.state_dict()[name], value, rtol=0, atol=0
        )


def test_bf16_mixed_precision_from_the_accelerator(tiny_models):
    tuner = accelerated(
        tiny_models["bert"], Accelerator(cpu=True, mixed_precision="bf16"), max_epochs=1
    ).fit(X, Y, example_id=IDS)
    assert tuner.precision_dtype_ is None  # the tuner's own autocast is off
    assert np.isfinite(tuner.history[-1, "train_loss"])
    assert tuner.predict_proba(X[:2]).shape == (2, 2)


def test_pickle_and_save_pretrained_after_fit(tiny_models, tmp_path):
    import pickle

    tuner = accelerated(tiny_models["bert"], max_epochs=1).fit(X, Y, example_id=IDS)
    loaded = pickle.loads(pickle.dumps(tuner))
    np.testing.assert_allclose(
        loaded.predict_proba(X), tuner.predict_proba(X), atol=1e-6
    )
    assert loaded.device is None and loaded.accelerator is not tuner.accelerator
    path = tuner.save_pretrained(tmp_path / "m")
    assert (path / "model.safetensors").is_file()
    with pytest.raises(FileExistsError, match="overwrite=True"):
        tuner.save_pretrained(tmp_path / "m")


def test_pickling_a_wrapped_tuner_is_a_clear_error(tiny_models):
    import pickle

    tuner = accelerated(tiny_models["bert"], max_epochs=1, unwrap_after_train=False)
    tuner.fit(X, Y, example_id=IDS)
    with pytest.raises(pickle.PicklingError, match="unwrap_after_train=True"):
        pickle.dumps(tuner)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"precision": "bf16"}, ValueError, "mixed_precision='bf16'"),
        ({"device": "cpu"}, ValueError, "device=None"),
        ({"accelerator": object()}, TypeError, "accelerate.Accelerator"),
    ],
)
def test_bad_parameters(tiny_models, params, error, match, bf16_anywhere):
    tuner = accelerated(tiny_models["bert"], **params)
    with pytest.raises(error, match=match):
        tuner.fit(X, Y, example_id=IDS)


def test_accumulation_set_twice_differently(tiny_models):
    tuner = accelerated(
        tiny_models["bert"],
        Accelerator(cpu=True, gradient_accumulation_steps=3),
        gradient_accumulation_steps=2,
    )
    with pytest.raises(ValueError, match="gradient_accumulation_steps=3 on the tuner"):
        tuner.fit(X, Y, example_id=IDS)


def test_missing_accelerate_names_the_extra(tiny_models, monkeypatch):
    monkeypatch.setitem(sys.modules, "accelerate", None)  # import accelerate fails
    tuner = AcceleratedStatementTuner(tiny_models["bert"], accelerator=object())
    with pytest.raises(ImportError, match=r"sklearn-statement\[scale\]"):
        tuner.fit(X, Y, example_id=IDS)


@pytest.fixture
def two_processes(monkeypatch):
    """An Accelerator that reports 2 processes (for the checks made before any collective)."""
    monkeypatch.setattr(Accelerator, "num_processes", property(lambda self: 2))


def test_epoch_scoring_is_refused_on_several_processes(tiny_models, two_processes):
    from skorch.callbacks import EpochScoring
    from skorch.dataset import ValidSplit

    tuner = accelerated(tiny_models["bert"], train_split=ValidSplit(4))
    names = [name for name, _ in tuner.get_default_callbacks()]
    assert "valid_loss" in names and "valid_acc" not in names
    tuner.set_params(callbacks=[("acc", EpochScoring("accuracy"))])
    with pytest.raises(ValueError, match=r"\['acc'\] \(skorch EpochScoring\)"):
        tuner.fit(X, Y, example_id=IDS)


def test_early_stopping_on_several_processes_needs_random_state(
    tiny_models, two_processes
):
    tuner = accelerated(tiny_models["bert"], early_stopping=1, random_state=None)
    with pytest.raises(ValueError, match="needs random_state"):
        tuner.fit(X, Y, example_id=IDS)


def test_epoch_scoring_stays_on_one_process(tiny_models):
    from skorch.dataset import ValidSplit

    tuner = accelerated(tiny_models["bert"], train_split=ValidSplit(4))
    assert "valid_acc" in [name for name, _ in tuner.get_default_callbacks()]
