"""BiEncoderStatementTuner: statement tuning of a sentence encoder, on tiny random models.

Behaviour checked: the training rows it builds, its listwise loss against a
hand computation, that it learns (each input's true description gains
probability), frozen word embeddings, saving and use by the zero-shot
classifier. Nothing is timed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from sklearn_statement import BiEncoderStatementTuner, EmbeddingZeroShotClassifier
from sklearn_statement.training import candidates_loss, description_triplets

pytest.importorskip("sentence_transformers")

SUBJECTS = "dog cat man woman movie water people time".split()
GOOD, BAD = "this is good.", "this is bad."


def _table(n=24, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        subject = SUBJECTS[i % len(SUBJECTS)]
        good = bool(rng.integers(2))
        text = f"the {subject} is {'great happy' if good else 'terrible sad'}"
        rows.append((text, GOOD, int(good), i))
        rows.append((text, BAD, int(not good), i))
    return pd.DataFrame(rows, columns=["input", "description", "label", "example_id"])


def _tuner(tiny_models, **kw):
    params = dict(max_epochs=3, lr=5e-3, batch_size=8, random_state=0, verbose=0)
    params["precision"] = "fp32"
    return BiEncoderStatementTuner(tiny_models["bert"], **{**params, **kw})


def test_description_triplets_one_row_per_false_candidate():
    out = description_triplets(
        ["x", "x", "x", "y", "y"],
        ["a", "b", "c", "a", "b"],
        [0, 1, 0, 1, 0],
        [7, 7, 7, 8, 8],
    )
    assert out == {
        "anchor": ["x", "x", "y"],
        "positive": ["b", "b", "a"],
        "negative": ["a", "c", "b"],
    }


@pytest.mark.parametrize(
    "labels, inputs, message",
    [
        ([1, 1], ["x", "x"], "2 true and 0 false"),
        ([0, 0], ["x", "x"], "0 true and 2 false"),
        ([1, 0], ["x", "z"], "over 2 input"),
    ],
)
def test_description_triplets_refuse_broken_examples(labels, inputs, message):
    with pytest.raises(ValueError, match=message):
        description_triplets(inputs, ["a", "b"], labels, [3, 3])


def test_candidates_loss_is_the_listwise_cross_entropy():
    """softmax(scale * cos) over an example's own candidates, true one first."""

    class Fixed(torch.nn.Module):
        def forward(self, features):
            return {"sentence_embedding": features["vectors"]}

    anchors = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    positives = torch.tensor([[1.0, 1.0], [0.0, 1.0]])
    negatives = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    features = [{"vectors": v} for v in (anchors, positives, negatives)]
    loss = candidates_loss(Fixed(), scale=20.0)(features, None)
    cos = torch.nn.functional.cosine_similarity
    expected = []
    for i in range(2):
        logits = 20.0 * torch.stack(
            [cos(anchors[i], positives[i], dim=0), cos(anchors[i], negatives[i], dim=0)]
        )
        expected.append(-torch.log_softmax(logits, 0)[0])
    torch.testing.assert_close(loss, torch.stack(expected).mean())


def _true_probability(encoder_of, table):
    from sentence_transformers import SentenceTransformer

    encoder = encoder_of if isinstance(encoder_of, SentenceTransformer) else None
    inputs = encoder.encode(list(table["input"][::2]), normalize_embeddings=True)
    labels = encoder.encode([GOOD, BAD], normalize_embeddings=True)
    p = torch.softmax(torch.tensor(20.0 * inputs @ labels.T), dim=1).numpy()
    gold = (table["description"] == GOOD).to_numpy()[::2] == (
        table["label"] == 1
    ).to_numpy()[::2]
    return float(np.mean(np.where(gold, p[:, 0], p[:, 1])))


def test_it_learns_and_keeps_the_word_embeddings(tiny_models):
    from sentence_transformers import SentenceTransformer

    table = _table()
    before = SentenceTransformer(tiny_models["bert"], device="cpu")
    tuner = _tuner(tiny_models).fit(table)
    assert tuner.n_examples_ == 24 and tuner.n_triplets_ == 24
    losses = [h["loss"] for h in tuner.history_]
    assert losses and losses[-1] < losses[0]
    assert _true_probability(tuner.encoder_, table) > _true_probability(before, table)
    after = dict(tuner.encoder_.named_parameters())
    (emb,) = [n for n in after if n.endswith("word_embeddings.weight")]
    torch.testing.assert_close(after[emb], dict(before.named_parameters())[emb])
    changed = [
        n
        for n, p in before.named_parameters()
        if not torch.equal(p, after[n]) and "word_embeddings" not in n
    ]
    assert changed  # the rest of the encoder did move


def test_fit_reads_y_and_example_id_arguments(tiny_models):
    table = _table(8)
    tuner = _tuner(tiny_models, max_epochs=1).fit(
        table[["input", "description"]], table["label"], example_id=table["example_id"]
    )
    assert tuner.n_triplets_ == 8


@pytest.mark.parametrize(
    "X, error, message",
    [
        (["a", "b"], TypeError, "must be a table"),
        (pd.DataFrame({"input": ["a"]}), ValueError, "lacks column.*description"),
    ],
)
def test_bad_input_names_the_fix(tiny_models, X, error, message):
    with pytest.raises(error, match=message):
        _tuner(tiny_models).fit(X)
    with pytest.raises(ValueError, match="model is required"):
        BiEncoderStatementTuner().fit(_table(2))


def test_saved_and_shared_encoder_score_alike(tiny_models, tmp_path):
    tuner = _tuner(tiny_models, max_epochs=1).fit(_table(8))
    out = tuner.save_pretrained(tmp_path / "bi")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        tuner.save_pretrained(out)
    texts = ["the dog is great happy", "the cat is terrible sad"]
    template = {"good": "{text} " + GOOD, "bad": "{text} " + BAD}
    shared = EmbeddingZeroShotClassifier(tuner, template=template, device="cpu").fit()
    saved = EmbeddingZeroShotClassifier(str(out), template=template, device="cpu").fit()
    assert shared.encoder_ is tuner.encoder_  # not copied
    np.testing.assert_allclose(
        shared.similarities(texts), saved.similarities(texts), atol=1e-5
    )
    np.testing.assert_allclose(
        tuner.transform(texts)[0] @ tuner.transform(texts)[0], 1.0, rtol=1e-5
    )


@pytest.mark.parametrize("arch", ["bert", "xlm-roberta"])  # pad ids 0 and 1
def test_embed_unique_encodes_each_distinct_description_once(tiny_models, arch):
    """The same embeddings and gradients as one forward per row, fewer rows encoded."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.losses.merged_forward import embed_columns

    from sklearn_statement.training._bi_encoder import embed_unique

    model = SentenceTransformer(tiny_models[arch], device="cpu").eval()
    positives = [
        "this is good.",
        "this is bad.",
        "this is good.",
        "a longer text here.",
    ]
    negatives = ["this is bad.", "this is good.", "this is bad.", "this is good."]
    features = [model.tokenize(positives), model.tokenize(negatives)]
    seen = []
    hook = model[0].register_forward_hook(
        lambda m, args, out: seen.append(args[0]["input_ids"].shape[0])
    )
    fast = embed_unique(model, features)
    hook.remove()
    assert seen == [3]  # 8 rows, 3 distinct descriptions
    slow = embed_columns(model, features, separate_first=False)
    for a, b in zip(fast, slow):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)
    weight = next(model.parameters())
    grads = []
    for embed in (embed_unique, lambda m, f: embed_columns(m, f, separate_first=False)):
        model.zero_grad()
        torch.stack(embed(model, features)).pow(2).sum().backward()
        grads.append(weight.grad.clone())
    torch.testing.assert_close(grads[0], grads[1], atol=1e-5, rtol=1e-4)
