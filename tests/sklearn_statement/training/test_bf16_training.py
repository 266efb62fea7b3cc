"""bf16 autocast training: the matmuls run in bf16, the master weights stay fp32, and the
loss follows the fp32 run on the same statements and seed. Nothing here is timed."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from sklearn_statement import StatementTuner

pytestmark = pytest.mark.usefixtures("bf16_anywhere")


def _fit(tiny_models, toy, precision, hook=None):
    tuner = StatementTuner(
        tiny_models["bert"],
        max_epochs=3,
        batch_size=8,
        lr=1e-3,
        device="cpu",
        precision=precision,
        random_state=0,
        verbose=0,
    ).initialize()
    if hook is None:
        return tuner.fit(toy.X * 2, toy.y * 2)
    for module in tuner.module_.modules():
        if isinstance(module, torch.nn.Linear):
            module.register_forward_hook(hook)
    # partial_fit keeps the hooked module (fit would rebuild it)
    return tuner.partial_fit(toy.X * 2, toy.y * 2)


def test_bf16_training_runs_bf16_matmuls_on_fp32_master_weights(tiny_models, toy):
    seen = set()
    tuner = _fit(tiny_models, toy, "bf16", hook=lambda m, i, out: seen.add(out.dtype))
    assert seen == {torch.bfloat16}  # every Linear ran in bf16 under autocast
    assert {p.dtype for p in tuner.module_.parameters()} == {torch.float32}
    state = tuner.optimizer_.state_dict()["state"]
    assert state and all(v["exp_avg"].dtype == torch.float32 for v in state.values())


def test_bf16_loss_follows_fp32(tiny_models, toy):
    fp32 = _fit(tiny_models, toy, "fp32")
    bf16 = _fit(tiny_models, toy, "bf16")
    losses32 = np.asarray(fp32.history_[:, "train_loss"])
    losses16 = np.asarray(bf16.history_[:, "train_loss"])
    assert np.isfinite(losses16).all()
    np.testing.assert_allclose(losses16, losses32, atol=0.05)
    assert not np.array_equal(losses16, losses32)  # it did run in another precision
