"""EmbeddingZeroShotClassifier: the same label rules as the statement classifier."""

import numpy as np
import pytest

from sklearn_statement import EmbeddingZeroShotClassifier

TEXTS = ["the dog is good.", "the people vote.", "a sad woman."]


@pytest.fixture(scope="module")
def encoder(tiny_models):
    st = pytest.importorskip("sentence_transformers")
    from sklearn_statement.utils import quiet_transformers

    with quiet_transformers():  # a plain encoder gets mean pooling
        return st.SentenceTransformer(tiny_models["bert"], device="cpu")


@pytest.mark.parametrize("hypothesis", [None, "This text is about {label}."])
def test_classes_sorted_and_columns_follow_them(encoder, hypothesis):
    clf = EmbeddingZeroShotClassifier(
        encoder,
        template="topic",
        labels=["sports", "politics", "health"],
        hypothesis=hypothesis,
    ).fit()
    assert list(clf.classes_) == ["health", "politics", "sports"]
    assert clf.template_labels_ == ("sports", "politics", "health")
    proba = clf.predict_proba(TEXTS)
    assert proba.shape == (3, 3) and np.allclose(proba.sum(1), 1)
    # column j belongs to classes_[j]: the same label alone, in another order
    other = EmbeddingZeroShotClassifier(
        encoder,
        template="topic",
        labels=["politics", "health", "sports"],
        hypothesis=hypothesis,
    ).fit()
    np.testing.assert_allclose(other.similarities(TEXTS), clf.similarities(TEXTS))
    sims = clf.similarities(TEXTS)
    # the template's statement with the input left out ("is_about": '"{text}" is about {label}.')
    pattern = (
        hypothesis.replace("{label}", "{}") if hypothesis else "this text is about {}."
    )
    described = [pattern.format(w) for w in ("health", "politics", "sports")]
    assert clf.label_descriptions() == described
    x = encoder.encode(TEXTS, normalize_embeddings=True)
    d = encoder.encode(described, normalize_embeddings=True)
    np.testing.assert_allclose(sims, x @ d.T, atol=1e-5)


def test_multi_field_templates_compare_full_statements(encoder):
    rows = [{"sentence1": "a dog runs.", "sentence2": "a dog is running."}]
    clf = EmbeddingZeroShotClassifier(encoder, template="pawsx").fit(rows)
    assert clf.label_descriptions() is None
    statements = [clf.template_.statements(rows[0])[lab] for lab in clf.classes_]
    x = encoder.encode(["a dog runs. a dog is running."], normalize_embeddings=True)
    s = encoder.encode(statements, normalize_embeddings=True)
    np.testing.assert_allclose(clf.similarities(rows), x @ s.T, atol=1e-5)


@pytest.mark.parametrize(
    "template, name, expected",
    [
        ("topic", "is_about", "this text is about sports."),
        ("topic", "topic_is", "The topic of this text is sports."),
        ("topic", "article_about", "This text is about sports."),
        ("emotion", "feels", "The author of this text feels sports."),
    ],
)
def test_label_description_leaves_the_input_out(template, name, expected):
    from sklearn_statement.zero_shot import label_description
    from template_registry import get_template

    t = get_template(template, name=name).with_labels(["sports"])
    assert label_description(t, "sports") == expected


def test_label_description_other_languages_drop_the_input():
    from sklearn_statement.zero_shot import label_description
    from template_registry import get_template

    t = get_template("topic", language="fr", name="article_about").with_labels(
        ["sports"]
    )
    text = label_description(t, "sports")
    assert "@@" not in text and "this text" not in text and text.startswith("Ce texte")


@pytest.mark.parametrize(
    "params, fit_args, error, message",
    [
        (dict(template="sst2"), (["a", "b"], [1, 1]), ValueError, "only one class"),
        (dict(template="topic", labels=["a", "a "]), (), ValueError, "whitespace"),
        (dict(template="topic", labels=["a", 2]), (), TypeError, "mixes strings"),
        (dict(template="topic", labels=[0, 1]), (), ValueError, "bare number"),
        (
            dict(template="topic", labels=["a", "b"], hypothesis="About it."),
            (),
            ValueError,
            "one '\\{label\\}' slot",
        ),
        (
            dict(template="topic", labels=["a", "b"], hypothesis="{label} {x}"),
            (),
            ValueError,
            "no other placeholder",
        ),
        (
            dict(template="topic", labels=["a", "b"], hypothesis="{label"),
            (),
            ValueError,
            "not a valid pattern",
        ),
        (
            dict(template={"a": "{t} yes.", "b": "{t} yes."}),
            (),
            ValueError,
            "same description",
        ),
        (
            dict(template={"a": "{s} {t} yes.", "b": "{s} {t} yes."}),
            (),
            ValueError,
            "same statement",
        ),
        (dict(template="sst2"), (["a", "b"], [None, 1]), ValueError, r"y\[0\] is None"),
    ],
)
def test_degenerate_labels_are_refused(encoder, params, fit_args, error, message):
    with pytest.raises(error, match=message):
        EmbeddingZeroShotClassifier(encoder, **params).fit(*fit_args)


# ---------------------------------------------------------------- the hybrid
def test_hybrid_adds_weighted_similarities_to_true_logits(
    tiny_statement_model, encoder
):
    from sklearn_statement import ZeroShotStatementClassifier

    labels = ["sports", "politics", "health"]
    plain = ZeroShotStatementClassifier(
        tiny_statement_model, template="topic", labels=labels, device="cpu"
    ).fit()
    hybrid = ZeroShotStatementClassifier(
        tiny_statement_model,
        template="topic",
        labels=labels,
        device="cpu",
        embedding_model=encoder,
        embedding_weight=7.5,
    ).fit()
    emb = EmbeddingZeroShotClassifier(encoder, template="topic", labels=labels).fit()
    z, s = plain.true_logits(TEXTS), emb.similarities(TEXTS)
    np.testing.assert_allclose(hybrid.true_logits(TEXTS), z)  # the statement part
    np.testing.assert_allclose(hybrid.decision_function(TEXTS), z + 7.5 * s, atol=1e-6)
    e = np.exp(z + 7.5 * s - (z + 7.5 * s).max(1, keepdims=True))
    np.testing.assert_allclose(
        hybrid.predict_proba(TEXTS), e / e.sum(1, keepdims=True), atol=1e-6
    )
    assert list(hybrid.predict(TEXTS)) == list(hybrid.classes_[(z + 7.5 * s).argmax(1)])
    zero = ZeroShotStatementClassifier(
        tiny_statement_model,
        template="topic",
        labels=labels,
        device="cpu",
        embedding_model=encoder,
        embedding_weight=0.0,
    ).fit()
    np.testing.assert_allclose(zero.predict_proba(TEXTS), plain.predict_proba(TEXTS))


@pytest.mark.parametrize("params", [dict(multi_label=True), dict(normalize="sum")])
def test_hybrid_refuses_independent_probabilities(
    tiny_statement_model, encoder, params
):
    from sklearn_statement import ZeroShotStatementClassifier

    clf = ZeroShotStatementClassifier(
        tiny_statement_model,
        template="topic",
        labels=["a", "b"],
        device="cpu",
        embedding_model=encoder,
        **params,
    )
    with pytest.raises(ValueError, match="hybrid"):
        clf.fit()


def test_hybrid_clones_and_keeps_its_parameters(tiny_statement_model, encoder):
    from sklearn.base import clone

    from sklearn_statement import ZeroShotStatementClassifier

    clf = ZeroShotStatementClassifier(
        tiny_statement_model,
        template="topic",
        labels=["a", "b"],
        embedding_model=encoder,
        embedding_weight=3.0,
    )
    copy = clone(clf)
    assert copy.embedding_weight == 3.0 and copy.embedding_model is not None
    assert not hasattr(copy, "embedding_")


def test_long_texts_lose_their_middle_not_their_end(encoder):
    """Over the encoder's max_seq_length, the head and the tail are embedded."""
    clf = EmbeddingZeroShotClassifier(
        encoder, template="topic", labels=["sports", "politics"]
    ).fit()
    limit = encoder.max_seq_length
    long = "start " + " ".join(["filler"] * (3 * limit)) + " the football match ended"
    short, cut = clf._fit_to_encoder(["the dog is good.", long])
    assert short == "the dog is good."
    assert cut.startswith("start") and cut.endswith("the football match ended")
    assert len(encoder.tokenizer(cut)["input_ids"]) <= limit
    x = encoder.encode([cut], normalize_embeddings=True)
    d = encoder.encode(clf.label_descriptions(), normalize_embeddings=True)
    np.testing.assert_allclose(clf.similarities([long]), x @ d.T, atol=1e-5)
