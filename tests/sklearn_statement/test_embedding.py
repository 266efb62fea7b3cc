"""EmbeddingZeroShotClassifier: the same label rules as the statement classifier."""

import numpy as np
import pytest

from sklearn_statement import EmbeddingZeroShotClassifier

TEXTS = ["the dog is good.", "the people vote.", "a sad woman."]


@pytest.fixture(scope="module")
def encoder(tiny_models):
    st = pytest.importorskip("sentence_transformers")
    from sklearn_statement._quiet import quiet_transformers

    with quiet_transformers():  # a plain encoder gets mean pooling
        return st.SentenceTransformer(tiny_models["bert"], device="cpu")


@pytest.mark.parametrize("hypothesis", [None, "This text is about {label}."])
def test_classes_sorted_and_columns_follow_them(encoder, hypothesis):
    clf = EmbeddingZeroShotClassifier(
        encoder, template="topic", labels=["sports", "politics", "health"],
        hypothesis=hypothesis,
    ).fit()  # fmt: skip
    assert list(clf.classes_) == ["health", "politics", "sports"]
    assert clf.template_labels_ == ("sports", "politics", "health")
    proba = clf.predict_proba(TEXTS)
    assert proba.shape == (3, 3) and np.allclose(proba.sum(1), 1)
    # column j belongs to classes_[j]: the same label alone, in another order
    other = EmbeddingZeroShotClassifier(
        encoder, template="topic", labels=["politics", "health", "sports"],
        hypothesis=hypothesis,
    ).fit()  # fmt: skip
    np.testing.assert_allclose(other.similarities(TEXTS), clf.similarities(TEXTS))
    sims = clf.similarities(TEXTS)
    texts = [
        f'"{t}" is about {w}.' for t in TEXTS for w in ("health", "politics", "sports")
    ]
    if hypothesis is None:
        x = encoder.encode(TEXTS, normalize_embeddings=True)
        s = encoder.encode(texts, normalize_embeddings=True).reshape(3, 3, -1)
        np.testing.assert_allclose(sims, np.einsum("nd,nkd->nk", x, s), atol=1e-5)


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
            "same statement",
        ),
        (dict(template="sst2"), (["a", "b"], [None, 1]), ValueError, r"y\[0\] is None"),
    ],
)
def test_degenerate_labels_are_refused(encoder, params, fit_args, error, message):
    with pytest.raises(error, match=message):
        EmbeddingZeroShotClassifier(encoder, **params).fit(*fit_args)
