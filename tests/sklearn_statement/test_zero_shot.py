"""ZeroShotStatementClassifier: inputs, outputs, errors, scikit-learn composition."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator

from sklearn_statement import StatementTuner, ZeroShotStatementClassifier
from template_registry import Template

NLI = [
    {"premise": "the dog is good.", "hypothesis": "the dog is bad."},
    {"premise": "the man is happy.", "hypothesis": "the man is sad."},
    {"premise": "a cat sees a dog.", "hypothesis": "a cat sees."},
]


@pytest.fixture()
def clf(tiny_statement_model):
    return ZeroShotStatementClassifier(
        tiny_statement_model, template="xnli", device="cpu"
    ).fit()


def test_fit_trains_nothing_and_sets_classes(clf):
    assert list(clf.classes_) == ["entailment", "neutral", "contradiction"]
    assert clf.template_.labels == ("entailment", "neutral", "contradiction")


def test_predict_proba_rows_sum_to_one_in_classes_order(clf):
    proba = clf.predict_proba(NLI)
    assert proba.shape == (3, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(1), 1.0)
    z = clf.true_logits(NLI)
    np.testing.assert_allclose(proba, np.exp(z) / np.exp(z).sum(1, keepdims=True))
    assert list(clf.predict(NLI)) == list(clf.classes_[z.argmax(1)])
    np.testing.assert_allclose(clf.decision_function(NLI), z)


def test_true_logits_match_one_statement_at_a_time(clf):
    """The batched, sorted, padded, de-duplicated path equals a plain loop."""
    import torch

    z = clf.true_logits(NLI)
    for i, ex in enumerate(NLI):
        for j, statement in enumerate(clf.template_.statements(ex).values()):
            enc = clf.tokenizer_(statement, return_tensors="pt")
            with torch.inference_mode():
                logits = clf.model_(**enc).logits[0]
            assert z[i, j] == pytest.approx(float(logits[1] - logits[0]), abs=1e-4)


def test_sum_normalization_and_multi_label(tiny_statement_model):
    base = dict(model=tiny_statement_model, template="xnli", device="cpu")
    z = ZeroShotStatementClassifier(**base).fit().true_logits(NLI)
    p_true = 1 / (1 + np.exp(-z))
    summed = (
        ZeroShotStatementClassifier(**base, normalize="sum").fit().predict_proba(NLI)
    )
    np.testing.assert_allclose(summed, p_true / p_true.sum(1, keepdims=True))
    ml = ZeroShotStatementClassifier(**base, multi_label=True).fit()
    np.testing.assert_allclose(ml.predict_proba(NLI), p_true)
    assert ml.predict(NLI).shape == (3, 3) and set(np.unique(ml.predict(NLI))) <= {0, 1}


def test_input_forms_agree(tiny_statement_model):
    clf = ZeroShotStatementClassifier(
        tiny_statement_model, template="sst2", device="cpu"
    ).fit()
    texts = ["the movie is great.", "the movie is terrible."]
    a = clf.predict_proba(texts)
    np.testing.assert_allclose(clf.predict_proba([{"text": t} for t in texts]), a)
    np.testing.assert_allclose(
        clf.predict_proba(pd.DataFrame({"text": texts, "other": [1, 2]})), a
    )
    np.testing.assert_allclose(clf.predict_proba(np.asarray(texts, dtype=object)), a)
    import datasets

    np.testing.assert_allclose(
        clf.predict_proba(datasets.Dataset.from_dict({"text": texts})), a
    )


def test_labels_param_fixes_columns_and_y_sets_classes(tiny_statement_model):
    clf = ZeroShotStatementClassifier(
        tiny_statement_model,
        template="xnli",
        labels=["contradiction", "entailment"],
        device="cpu",
    ).fit(NLI)
    assert list(clf.classes_) == ["contradiction", "entailment"] and clf.predict_proba(
        NLI
    ).shape == (3, 2)
    from_y = ZeroShotStatementClassifier(
        tiny_statement_model, template="xnli", device="cpu"
    ).fit(NLI, ["neutral", "entailment", "neutral"])
    assert list(from_y.classes_) == ["entailment", "neutral"]


def test_binary_decision_function_follows_sklearn(tiny_statement_model):
    clf = ZeroShotStatementClassifier(
        tiny_statement_model, template="sst2", device="cpu"
    ).fit()
    z = clf.true_logits(["good"])
    assert clf.decision_function(["good"]).shape == (1,)
    assert clf.decision_function(["good"])[0] == pytest.approx(z[0, 1] - z[0, 0])


def test_open_template_and_dict_template(tiny_statement_model):
    topic = ZeroShotStatementClassifier(
        tiny_statement_model, template="topic", labels=["sports", "cars"], device="cpu"
    ).fit()
    assert topic.predict_proba(["a dog"]).shape == (1, 2)
    custom = ZeroShotStatementClassifier(
        tiny_statement_model,
        template={"yes": "{q} Yes.", "no": "{q} No."},
        device="cpu",
    ).fit()
    assert list(custom.classes_) == ["yes", "no"]
    tmpl = Template("t", {1: "{a} is true", 0: "{a} is false"})
    assert ZeroShotStatementClassifier(
        tiny_statement_model, template=tmpl, device="cpu"
    ).fit().predict(["x"])[0] in (0, 1)


def test_long_premise_still_distinct_statements(clf):
    long = {
        "premise": " ".join(["the dog is good"] * 2500),
        "hypothesis": "the cat is sad.",
    }
    z = clf.set_params(max_length=48).fit().true_logits([long])
    assert z.shape == (1, 3) and len(set(np.round(z[0], 6))) == 3


@pytest.mark.parametrize(
    "X, error, message",
    [
        ([], ValueError, "X is empty"),
        (None, TypeError, "X is None"),
        ([NLI[0], None], ValueError, r"X\[1\] is None"),
        (
            [{"premise": "x"}],
            ValueError,
            r"lacks the template field\(s\) \['hypothesis'\]",
        ),
        (
            pd.DataFrame({"premise": ["x"]}),
            ValueError,
            r"lacks the template field column\(s\) \['hypothesis'\]",
        ),
        (["a plain string"], TypeError, "has 2 fields"),
        ([{"premise": "", "hypothesis": "y"}], ValueError, "is empty"),
        ([{"premise": None, "hypothesis": "y"}], ValueError, "is None"),
        ({"premise": "x", "hypothesis": "y"}, TypeError, "single dict"),
        ([3], TypeError, "X\\[0\\] is a int"),
    ],
)
def test_bad_input_clear_errors(clf, X, error, message):
    with pytest.raises(error, match=message):
        clf.predict_proba(X)


@pytest.mark.parametrize(
    "params, fit_args, error, message",
    [
        (
            dict(template="xnli", labels=["entailment", "maybe"]),
            (),
            ValueError,
            r"label\(s\) \['maybe'\] have no statement",
        ),
        (
            dict(template="xnli"),
            (NLI, ["entailment", "other", "neutral"]),
            ValueError,
            "have no statement",
        ),
        (dict(template=None), (), ValueError, "template is required"),
        (dict(template="no_such"), (), ValueError, "unknown task"),
        (dict(template=3), (), TypeError, "template must be"),
        (dict(template="topic"), (), ValueError, "open label set"),
        (
            dict(template="xnli", normalize="max"),
            (),
            ValueError,
            "'normalize' parameter",
        ),
        (dict(template="xnli", labels=[]), (), ValueError, "labels is empty"),
        (
            dict(template="xnli"),
            ([{"premise": "x"}],),
            ValueError,
            "lacks the template field",
        ),
    ],
)
def test_fit_errors(tiny_statement_model, params, fit_args, error, message):
    with pytest.raises(error, match=message):
        ZeroShotStatementClassifier(tiny_statement_model, device="cpu", **params).fit(
            *fit_args
        )


def test_model_errors(tiny_models, tmp_path):
    with pytest.raises(ValueError, match="model is required"):
        ZeroShotStatementClassifier(template="xnli").fit()
    with pytest.raises(ValueError, match="FrozenEstimator.*save_pretrained"):
        ZeroShotStatementClassifier(
            StatementTuner(tiny_models["bert"]), template="xnli"
        ).fit()
    with pytest.raises(ValueError, match="without a sequence-classification head"):
        ZeroShotStatementClassifier(
            tiny_models["bert"], template="xnli", device="cpu"
        ).fit()
    with pytest.raises(FileNotFoundError, match="not a saved model directory"):
        ZeroShotStatementClassifier(str(tmp_path), template="xnli").fit()
    with pytest.raises(TypeError, match="model must be"):
        ZeroShotStatementClassifier(42, template="xnli").fit()


def test_not_fitted(tiny_statement_model):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        ZeroShotStatementClassifier(tiny_statement_model, template="xnli").predict(NLI)


def test_tuner_frozen_and_clone(fitted_tiny_tuner):
    frozen = ZeroShotStatementClassifier(
        FrozenEstimator(fitted_tiny_tuner), template="sst2"
    )
    cloned = clone(frozen)
    assert (
        cloned.model is frozen.model
    )  # FrozenEstimator is not re-cloned: weights are shared
    a = cloned.fit().predict_proba(["good", "bad"])
    b = (
        ZeroShotStatementClassifier(fitted_tiny_tuner, template="sst2")
        .fit()
        .predict_proba(["good", "bad"])
    )
    np.testing.assert_allclose(a, b)
    assert cloned.model_ is fitted_tiny_tuner.module_
    with pytest.raises(ValueError, match="unfitted StatementTuner"):
        clone(ZeroShotStatementClassifier(fitted_tiny_tuner, template="sst2")).fit()


def test_pipeline_and_cross_val_score(fitted_tiny_tuner):
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    texts = [
        "the dog is good.",
        "the dog is bad.",
        "the movie is great.",
        "the movie is terrible.",
    ] * 3
    y = np.array([1, 0, 1, 0] * 3)
    to_dicts = FunctionTransformer(lambda xs: [{"text": x} for x in xs])
    pipe = make_pipeline(
        to_dicts,
        ZeroShotStatementClassifier(
            FrozenEstimator(fitted_tiny_tuner), template="sst2"
        ),
    )
    scores = cross_val_score(pipe, texts, y, cv=3)
    assert scores.shape == (3,) and np.all((0 <= scores) & (scores <= 1))
    pred = pipe.fit(texts, y).predict(texts)
    assert set(pred) <= {0, 1}


def test_pickle_and_joblib(clf, tmp_path):
    import pickle

    import joblib

    a = clf.predict_proba(NLI)
    np.testing.assert_allclose(pickle.loads(pickle.dumps(clf)).predict_proba(NLI), a)
    joblib.dump(clf, tmp_path / "clf.joblib")
    np.testing.assert_allclose(
        joblib.load(tmp_path / "clf.joblib").predict_proba(NLI), a
    )


def test_get_set_params_roundtrip(clf):
    params = clf.get_params()
    assert params["template"] == "xnli" and params["normalize"] == "softmax"
    clf.set_params(normalize="sum")
    assert clf.get_params()["normalize"] == "sum"
    assert clone(clf).get_params()["model"] == params["model"]


@pytest.mark.parametrize(
    "labels, error, message",
    [
        (["sports", None], TypeError, "labels must be strings"),
        ([object(), "x"], TypeError, "labels must be strings"),
        (["sports"], ValueError, "has one label"),
    ],
)
def test_bad_candidate_labels_clear_errors(
    tiny_statement_model, labels, error, message
):
    clf = ZeroShotStatementClassifier(
        tiny_statement_model, template="topic", labels=labels, device="cpu"
    )
    with pytest.raises(error, match=message):
        clf.fit()
