"""The scoring path: de-duplication, length sorting, dynamic padding."""

import numpy as np
import torch

from sklearn_statement.backends import forward_true_logits, pad_batch


class CountingModel(torch.nn.Module):
    """Wraps a model and records every batch's shape."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        self.shapes = []

    def forward(self, **batch):
        self.shapes.append(tuple(batch["input_ids"].shape))
        return self.inner(**batch)


def test_pad_batch():
    out = pad_batch([[5, 6, 7], [8]], pad_id=0)
    assert out["input_ids"].tolist() == [[5, 6, 7], [8, 0, 0]]
    assert out["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]


def test_dedup_sort_and_padding_give_loop_results(tiny_statement_model):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_statement_model)
    model = CountingModel(
        AutoModelForSequenceClassification.from_pretrained(tiny_statement_model)
    ).eval()
    texts = [
        "the dog is good.",
        "a cat.",
        "the dog is good.",
        "the man is very happy and good.",
        "a cat.",
    ]
    ids = tok(texts)["input_ids"]
    scores = forward_true_logits(model, ids, pad_id=tok.pad_token_id, batch_size=2)
    # 3 distinct statements -> 2 batches, longest first, each padded to its own longest member
    lengths = sorted({len(i) for i in ids}, reverse=True)
    assert model.shapes == [(2, lengths[0]), (1, lengths[2])]
    loop = []
    for t in texts:
        with torch.inference_mode():
            logits = model.inner(**tok(t, return_tensors="pt")).logits[0]
        loop.append(float(logits[1] - logits[0]))
    np.testing.assert_allclose(scores, loop, atol=1e-5)
    assert scores[0] == scores[2] and scores[1] == scores[4]


def test_empty_input():
    assert forward_true_logits(torch.nn.Identity(), [], pad_id=0).shape == (0,)


def test_length_batches_cover_in_order_and_cut_padding_heavy_batches():
    from sklearn_statement.backends._forward import MIN_BATCH, MIN_FILL, length_batches

    lengths = [100] * 10 + [70] * 30 + [10] * 5
    batches = length_batches(lengths, batch_size=64)
    # contiguous, in order, covering everything
    assert batches[0][0] == 0 and batches[-1][1] == len(lengths)
    assert all(a[1] == b[0] for a, b in zip(batches[:-1], batches[1:]))
    # 70 < 0.75 * 100 cuts after the ten 100s; 10 < 0.75 * 70 cuts again,
    # and the last five short statements form their own batch
    assert MIN_FILL == 0.75 and MIN_BATCH == 8
    assert batches == [(0, 10), (10, 40), (40, 45)]
    # never below MIN_BATCH: a long head of 3 keeps 5 shorter ones with it
    assert length_batches([100] * 3 + [10] * 20, 64) == [(0, 8), (8, 23)]
    # batch_size still caps every batch
    assert length_batches([5] * 20, 8) == [(0, 8), (8, 16), (16, 20)]
    assert length_batches([], 8) == []


def test_progress_bars_follow_tqdms_rule():
    """None (the default of the Python API): a bar on a terminal for long work only."""
    from sklearn_statement.backends._forward import _disabled
    from sklearn_statement.utils import PROGRESS_STATEMENTS

    assert _disabled(None, PROGRESS_STATEMENTS - 1) is True  # short: never
    assert _disabled(None, PROGRESS_STATEMENTS) is None  # long: tqdm decides (a TTY)
    assert _disabled(True, 1) is False and _disabled(False, 10**6) is True


def test_the_classifier_shows_progress_by_default_for_long_work(
    tiny_statement_model, monkeypatch
):
    import tqdm.auto

    from sklearn_statement import ZeroShotStatementClassifier
    from sklearn_statement.backends import _forward
    from sklearn_statement.utils import PROGRESS_STATEMENTS

    seen = []
    real = tqdm.auto.tqdm

    def spy(*args, **kwargs):
        seen.append(kwargs.get("disable"))
        return real(*args, **{**kwargs, "disable": True})

    monkeypatch.setattr(_forward, "tqdm", spy)
    clf = ZeroShotStatementClassifier(
        tiny_statement_model, template="topic", labels=["a", "b"], device="cpu"
    ).fit()
    assert clf.progress_bar is None
    clf.predict(["x"] * 3)
    clf.predict([f"text {i}" for i in range(PROGRESS_STATEMENTS // 2)])
    assert seen == [True, None]  # 6 statements: no bar; 1,000: tqdm's TTY rule
    clf.set_params(progress_bar=False).predict([f"t {i}" for i in range(600)])
    assert seen[-1] is True
