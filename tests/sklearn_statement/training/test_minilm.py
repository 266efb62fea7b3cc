"""One short test on the real pretrained MiniLM (the demo extra) and real data."""

import pickle

import numpy as np

from datasets_builders import build_statements, load_task
from sklearn_statement import StatementTuner, ZeroShotStatementClassifier


def test_minilm_tunes_on_real_statements_and_classifies_zero_shot(
    minilm_path, sample_dir, tmp_path
):
    ds = load_task("sst2", split="train", data_dir=sample_dir)
    st = build_statements(ds, "sst2", n=48, random_state=0)
    X, y = list(st["statement"]), np.asarray(st["label"])
    tuner = StatementTuner(
        minilm_path,
        max_epochs=12,
        lr=2e-4,
        batch_size=16,
        max_length=64,
        device="cpu",
        random_state=0,
        verbose=0,
    )
    tuner.fit(X, y, example_id=st["example_id"])  # the recommended batching
    losses = [h["train_loss"] for h in tuner.history_]
    assert losses[-1] < 0.5 * losses[0]  # the real encoder learns the statements
    acc = (tuner.predict(X) == y).mean()
    assert acc >= 0.9, acc
    # a pickle holds the 22.7M weights once (it held the AdamW moments too: 2x)
    weights = sum(p.numel() * p.element_size() for p in tuner.module_.parameters())
    assert len(pickle.dumps(tuner)) < 1.05 * weights

    sib = load_task("sib200", language="de", split="test", data_dir=sample_dir).select(
        range(20)
    )
    clf = ZeroShotStatementClassifier(tuner, template="sib200").fit(sib)
    proba = clf.predict_proba(sib)
    assert proba.shape == (20, 7)
    np.testing.assert_allclose(proba.sum(1), 1.0)

    out = tuner.save_pretrained(tmp_path / "minilm")
    again = ZeroShotStatementClassifier(str(out), template="sib200", device="cpu").fit(
        sib
    )
    np.testing.assert_allclose(again.predict_proba(sib), proba, atol=1e-5)
