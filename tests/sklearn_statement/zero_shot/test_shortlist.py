"""Label shortlists: only the k most similar labels are scored; the rest get probability 0."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from sklearn_statement import Shortlist, ZeroShotStatementClassifier
from sklearn_statement.backends import ScoringModel, mean_pooled
from sklearn_statement.zero_shot import label_description, label_descriptions
from template_registry import Template

LABELS = ["dog", "cat", "man", "woman", "movie", "water", "people", "time"]
TEMPLATE = Template("topic", label_statement="{text} It is about {label}.", name="t")
TEXTS = ["the dog and the cat", "a movie about water", "people of our time", "a man"]


def keyword_encoder(texts):
    """An oracle encoder: one dimension per label word, counted in the text."""
    return np.array(
        [
            [
                t.replace(".", " ").split().count(w) + 0.01 * (i + 1)
                for i, w in enumerate(LABELS)
            ]
            for t in texts
        ],
        dtype=np.float32,
    )


def _clf(model, **kw):
    return ZeroShotStatementClassifier(
        model, template=TEMPLATE, labels=LABELS, device="cpu", **kw
    ).fit()


def test_shortlist_parameter_checks():
    assert repr(Shortlist(3)) == "Shortlist(k=3, encoder=None, batch_size=64)"
    assert Shortlist(3) == Shortlist(3) and Shortlist(3) != Shortlist(4)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="k must be an integer"):
            Shortlist(bad)
    with pytest.raises(TypeError, match="encoder must be"):
        Shortlist(2, encoder=42)
    with pytest.raises(ValueError, match="shortlist"):
        ZeroShotStatementClassifier("m", template=TEMPLATE, shortlist=0).fit()


def test_label_descriptions_leave_the_input_out():
    t = Template(
        "topic", label_statement='"{text}" is about {label}.', name="q"
    ).with_labels(["sports", "politics"])
    # the one rule of the shortlist, the embedding baseline and the hybrid
    assert label_descriptions(t) == [
        "this text is about sports.",
        "this text is about politics.",
    ]
    assert label_descriptions(t) == [label_description(t, lab) for lab in t.labels]
    copa = Template(
        "copa",
        {
            0: {
                "cause": "{premise} because {choice1}",
                "effect": "{premise} so {choice1}",
            },
            1: {
                "cause": "{premise} because {choice2}",
                "effect": "{premise} so {choice2}",
            },
        },
        switch="question",
        name="c",
    )
    with pytest.raises(ValueError, match="switch field or fills blanks"):
        label_descriptions(copa)


def test_shortlist_scores_only_the_top_k_and_keeps_full_scores_there(
    tiny_statement_model, monkeypatch
):
    full = _clf(tiny_statement_model)
    short = _clf(tiny_statement_model, shortlist=Shortlist(3, encoder=keyword_encoder))
    scored = []
    real = ScoringModel.true_logits
    monkeypatch.setattr(
        ScoringModel,
        "true_logits",
        lambda self, flat, **kw: scored.append(len(flat)) or real(self, flat, **kw),
    )
    z, z_full = short.true_logits(TEXTS), full.true_logits(TEXTS)
    assert scored == [
        len(TEXTS) * 3,
        len(TEXTS) * len(LABELS),
    ]  # N x k statements, not N x K
    kept = np.isfinite(z)
    assert (kept.sum(axis=1) == 3).all()
    # the kept labels are the 3 most similar by cosine (an independent computation)
    emb = keyword_encoder(TEXTS)
    columns = sorted(LABELS)  # classes_ order
    lab = keyword_encoder([f"It is about {w}." for w in columns])
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    lab /= np.linalg.norm(lab, axis=1, keepdims=True)
    top = np.argsort(-(emb @ lab.T), axis=1)[:, :3]
    for row, expected in zip(kept, top):
        assert set(np.flatnonzero(row)) == set(expected)
    # kept labels: exactly the full scores; the others: -inf
    np.testing.assert_allclose(z[kept], z_full[kept], atol=1e-6)
    assert np.isneginf(z[~kept]).all()
    proba = short.predict_proba(TEXTS)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (proba[~kept] == 0).all() and (proba[kept] > 0).all()
    best = np.where(kept, z_full, -np.inf).argmax(axis=1)
    assert (short.predict(TEXTS) == np.asarray(columns)[best]).all()
    assert kept[0, columns.index("dog")] and kept[0, columns.index("cat")]


def test_shortlist_with_k_at_least_k_labels_changes_nothing(tiny_statement_model):
    clf = _clf(tiny_statement_model, shortlist=len(LABELS))
    assert clf.shortlist_ is None
    np.testing.assert_array_equal(
        clf.true_logits(TEXTS), _clf(tiny_statement_model).true_logits(TEXTS)
    )


def test_default_encoder_is_the_statement_models_mean_pooled_states(
    tiny_statement_model,
):
    clf = _clf(tiny_statement_model, shortlist=2)
    ids = clf.tokenizer_(TEXTS)["input_ids"]
    got = mean_pooled(clf.model_, ids, pad_id=clf.tokenizer_.pad_token_id, batch_size=3)
    for vector, seq in zip(got, ids):  # one at a time, no padding: the oracle
        with torch.inference_mode():
            hidden = clf.model_(
                torch.tensor([seq]), output_hidden_states=True
            ).hidden_states[-1][0]
        expected = hidden.mean(0).numpy()
        np.testing.assert_allclose(
            vector, expected / np.linalg.norm(expected), atol=1e-5
        )
    assert clf.shortlist_.label_vectors.shape == (
        len(LABELS),
        clf.model_.config.hidden_size,
    )
    z = clf.true_logits(TEXTS)
    assert (np.isfinite(z).sum(axis=1) == 2).all()


def test_shortlist_multi_label_and_clone(tiny_statement_model):
    from sklearn.base import clone

    clf = _clf(
        tiny_statement_model,
        shortlist=Shortlist(2, encoder=keyword_encoder),
        multi_label=True,
    )
    proba = clf.predict_proba(TEXTS)
    kept = np.isfinite(clf.true_logits(TEXTS))
    assert (proba[~kept] == 0).all() and (clf.predict(TEXTS)[~kept] == 0).all()
    params = clone(clf).get_params()
    assert params["shortlist"] == Shortlist(2, encoder=keyword_encoder)


def test_shortlist_on_the_onnx_backend_uses_the_exported_hidden_states(
    tiny_statement_model, tmp_path
):
    pytest.importorskip("onnxruntime")
    import shutil

    from sklearn_statement import export_statement_model

    directory = shutil.copytree(tiny_statement_model, tmp_path / "m")
    rng = np.random.default_rng(0)
    validation = ([f"the {w} is good." for w in LABELS * 4], rng.integers(0, 2, 32))
    export_statement_model(directory, quantize=None, validation=validation)
    onnx_clf = _clf(str(directory), backend="onnx", shortlist=3)
    torch_clf = _clf(str(directory), shortlist=3)
    np.testing.assert_allclose(
        onnx_clf.shortlist_.label_vectors, torch_clf.shortlist_.label_vectors, atol=1e-4
    )
    z, z_ref = onnx_clf.true_logits(TEXTS), torch_clf.true_logits(TEXTS)
    assert (np.isfinite(z) == np.isfinite(z_ref)).all()
    np.testing.assert_allclose(z[np.isfinite(z)], z_ref[np.isfinite(z_ref)], atol=1e-4)


def test_a_shortlist_on_the_tuners_model_leaves_it_picklable(fitted_tiny_tuner):
    """transformers keeps local hooks on a model asked for hidden states; they go."""
    import pickle

    clf = ZeroShotStatementClassifier(
        fitted_tiny_tuner, template=TEMPLATE, labels=LABELS, shortlist=2
    ).fit()
    clf.predict(TEXTS)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(again.true_logits(TEXTS), clf.true_logits(TEXTS))
    pickle.dumps(fitted_tiny_tuner)
