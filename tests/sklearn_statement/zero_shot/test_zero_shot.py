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
    # sorted, as in every scikit-learn classifier; the template's order is kept aside
    assert list(clf.classes_) == ["contradiction", "entailment", "neutral"]
    assert clf.template_.labels == ("contradiction", "entailment", "neutral")
    assert clf.template_labels_ == ("entailment", "neutral", "contradiction")


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
    assert list(custom.classes_) == ["no", "yes"]
    tmpl = Template("t", {1: "{a} is true", 0: "{a} is false"})
    given = ZeroShotStatementClassifier(
        tiny_statement_model, template=tmpl, device="cpu"
    ).fit()
    assert list(given.classes_) == [0, 1]  # the Template's labels, sorted
    z = given.true_logits(["x", "y"])
    np.testing.assert_array_equal(given.predict(["x", "y"]), z.argmax(axis=1))


def test_a_dict_template_label_without_the_input_is_refused(tiny_statement_model):
    """One label's statement without a field would be the same for every text."""
    from template_registry import TemplateError

    clf = ZeroShotStatementClassifier(
        tiny_statement_model,
        template={"pos": "It was great.", "neg": "{text} awful."},
        device="cpu",
    )
    with pytest.raises(
        TemplateError, match="label 'pos'.s statement .* no input field"
    ):
        clf.fit()


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
    # FrozenEstimator is not re-cloned: weights are shared
    assert cloned.model is frozen.model
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


def test_pipeline_and_cross_val_score(fitted_tiny_tuner, toy):
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    texts, y = toy.X[:12], np.array(toy.y[:12])
    to_dicts = FunctionTransformer(lambda xs: [{"text": x} for x in xs])
    pipe = make_pipeline(
        to_dicts,
        ZeroShotStatementClassifier(
            FrozenEstimator(fitted_tiny_tuner), template="sst2"
        ),
    )
    scores = cross_val_score(pipe, texts, y, cv=3)
    # the frozen model is not trained by fit: every fold scores the same predictions
    pred = pipe.fit(texts, y).predict(texts)
    folds = np.array_split(np.arange(len(texts)), 3)
    np.testing.assert_allclose(scores, [np.mean(pred[f] == y[f]) for f in folds])


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
        (["sports"], ValueError, "gives one label"),
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


# ------------------------------------------------ classes_ order (sorted, as in sklearn)
TOPIC_TEXTS = [
    "the dog is good.",
    "the people vote.",
    "a man was happy.",
    "the sports movie.",
    "a sad woman.",
    "politics is bad.",
] * 2
TOPIC_Y = ["sports", "politics", "sports", "sports", "politics", "politics"] * 2


@pytest.mark.parametrize(
    "params, classes",
    [
        (dict(template="xnli"), ["contradiction", "entailment", "neutral"]),
        (dict(template="topic", labels=["sports", "politics"]), ["politics", "sports"]),
        (dict(template={"yes": "{q} Yes.", "no": "{q} No."}), ["no", "yes"]),
        (dict(template=Template("t", {1: "{a} is true", 0: "{a} is false"})), [0, 1]),
    ],
)
def test_classes_are_sorted_and_columns_follow_them(
    tiny_statement_model, params, classes
):
    clf = ZeroShotStatementClassifier(tiny_statement_model, device="cpu", **params)
    clf.fit()
    assert list(clf.classes_) == classes
    # the given (template) order stays available, as a tuple
    given = params.get("labels") or list(clf.template_labels_)
    assert sorted(given) == classes and list(clf.template_labels_) == list(given)
    # column j is the statement of classes_[j]: compare with a one-label-at-a-time oracle
    X = NLI if params["template"] == "xnli" else ["the dog is good.", "a sad man."]
    examples = clf._fields()
    z = clf.true_logits(X)
    for j, label in enumerate(clf.classes_):
        for i, x in enumerate(X):
            example = x if isinstance(x, dict) else {examples[0]: x}
            statement = clf.template_.statements(example)[label]
            (ids,) = [clf.tokenizer_(statement)["input_ids"]]
            import torch

            with torch.inference_mode():
                logits = clf.model_(input_ids=torch.tensor([ids])).logits[0]
            assert z[i, j] == pytest.approx(float(logits[1] - logits[0]), abs=1e-4)


def test_int_classes_stay_ints(tiny_statement_model):
    clf = ZeroShotStatementClassifier(
        tiny_statement_model, template="xcopa", device="cpu"
    ).fit()
    assert clf.classes_.dtype.kind == "i" and list(clf.classes_) == [0, 1]


def test_probability_scorers_read_the_columns_right(fitted_tiny_tuner):
    """roc_auc_ovr / neg_log_loss assume columns in np.unique(y) order."""
    import copy

    import torch
    from sklearn.metrics import get_scorer, log_loss, roc_auc_score

    tuner = copy.deepcopy(fitted_tiny_tuner)
    with torch.no_grad():  # a sharper head, so that the columns differ clearly
        tuner.module_.classifier.weight.mul_(300)
    clf = ZeroShotStatementClassifier(
        tuner,
        # not in sorted order, and statements of different shapes
        template={
            "sports": "{t} is sports.",
            "science": "science: {t}",
            "politics": "was it politics? {t} , {t}",
        },
    ).fit()
    texts = TOPIC_TEXTS
    y = ["sports", "politics", "science"] * 4
    proba = clf.predict_proba(texts)
    by_name = {label: proba[:, j] for j, label in enumerate(clf.classes_)}
    oracle = np.column_stack([by_name[c] for c in sorted(set(y))])
    auc = get_scorer("roc_auc_ovr")(clf, texts, y)
    assert auc == pytest.approx(roc_auc_score(y, oracle, multi_class="ovr"), rel=1e-12)
    nll = get_scorer("neg_log_loss")(clf, texts, y)
    assert nll == pytest.approx(-log_loss(y, oracle), rel=1e-12)


def test_calibration_over_a_frozen_classifier_with_unsorted_labels(fitted_tiny_tuner):
    from sklearn.calibration import CalibratedClassifierCV

    clf = ZeroShotStatementClassifier(
        FrozenEstimator(fitted_tiny_tuner),
        template="topic",
        labels=["sports", "politics"],
    ).fit()
    calibrated = CalibratedClassifierCV(FrozenEstimator(clf), cv=2)
    calibrated.fit(TOPIC_TEXTS, TOPIC_Y)
    proba = calibrated.predict_proba(TOPIC_TEXTS)
    assert list(calibrated.classes_) == ["politics", "sports"]
    assert proba.shape == (12, 2) and np.allclose(proba.sum(1), 1)
    assert set(calibrated.predict(TOPIC_TEXTS)) <= {"politics", "sports"}


# ------------------------------------------------ degenerate labels
@pytest.mark.parametrize(
    "params, fit_args, error, message",
    [
        (
            dict(template="sst2"),
            (["a", "b"], [1, 1]),
            ValueError,
            "y has only one class.*labels=",
        ),
        (dict(template={"x": "{t} is x."}), (), ValueError, "gives one label"),
        (
            dict(template="topic", labels=["sports", "sports "]),
            (),
            ValueError,
            "differ only in whitespace",
        ),
        (
            dict(template={"a": "{t} yes.", "b": "{t}  yes."}),
            (),
            ValueError,
            "'a' and 'b' give the same statement",
        ),
        (
            dict(template="topic"),
            (["a", "b"], ["sports", 1]),
            TypeError,
            "y mixes strings and numbers",
        ),
        (
            dict(template="topic", labels=["sports", 1]),
            (),
            TypeError,
            "labels mixes strings and numbers",
        ),
        (dict(template="topic", labels=["", "x"]), (), ValueError, "empty label ''"),
        (dict(template="topic", labels=["  ", "x"]), (), ValueError, "empty label"),
        (
            dict(template="topic", labels=[0, 1]),
            (),
            ValueError,
            "bare number '0'.*string labels",
        ),
        (dict(template="topic", labels="sports"), (), TypeError, "'labels' parameter"),
    ],
)
def test_degenerate_labels_are_refused(
    tiny_statement_model, params, fit_args, error, message
):
    clf = ZeroShotStatementClassifier(tiny_statement_model, device="cpu", **params)
    with pytest.raises(error, match=message):
        clf.fit(*fit_args)


def test_tokenizer_identical_statements_are_refused(tiny_statement_model):
    # the tiny BERT tokenizer lower-cases: "Sports" and "sports" are the same tokens
    with pytest.raises(ValueError, match="once tokenized"):
        ZeroShotStatementClassifier(
            tiny_statement_model,
            template="topic",
            labels=["Sports", "sports"],
            device="cpu",
        ).fit()


def test_numbers_are_fine_in_your_own_template(tiny_statement_model):
    own = Template("t", label_statement="{text} belongs to class {label}.")
    clf = ZeroShotStatementClassifier(
        tiny_statement_model, template=own, labels=[2, 0, 1], device="cpu"
    ).fit()
    assert list(clf.classes_) == [0, 1, 2]
    assert clf.template_.statements({"text": "x"})[0] == "x belongs to class 0."


def test_one_class_cv_fold_is_an_error_unless_labels_are_fixed(fitted_tiny_tuner):
    from sklearn.model_selection import KFold, cross_val_score

    texts = ["the movie is great."] * 6 + ["the movie is terrible."] * 6
    y = [1] * 6 + [0] * 6
    clf = ZeroShotStatementClassifier(
        FrozenEstimator(fitted_tiny_tuner), template="sst2"
    )
    with pytest.raises(ValueError, match="only one class"):
        cross_val_score(clf, texts, y, cv=KFold(2), error_score="raise")
    scores = cross_val_score(clf.set_params(labels=[0, 1]), texts, y, cv=KFold(2))
    assert scores.shape == (2,)


# ------------------------------------------------ y with None, multi-label threshold
@pytest.mark.parametrize("y", [[None, 1], ["a", None], np.array([1.0, np.nan])])
def test_missing_labels_in_y_are_named(tiny_statement_model, y):
    clf = ZeroShotStatementClassifier(
        tiny_statement_model, template="sst2", device="cpu"
    )
    with pytest.raises(ValueError, match=r"y\[\d\] is None|y\[1\] is|NaN"):
        clf.fit(["a", "b"], y)


def test_multi_label_threshold(tiny_statement_model):
    base = dict(model=tiny_statement_model, template="xnli", device="cpu")
    ml = ZeroShotStatementClassifier(**base, multi_label=True).fit()
    p = ml.predict_proba(NLI)
    cut = float(np.median(p))
    pred = ml.set_params(threshold=cut).fit().predict(NLI)
    np.testing.assert_array_equal(pred, (p > cut).astype(np.int64))
    assert 0 < pred.sum() < pred.size  # the threshold moved the decisions
    np.testing.assert_array_equal(
        ml.set_params(threshold=None).fit().predict(NLI), (p > 0.5).astype(np.int64)
    )
    with pytest.raises(ValueError, match="multi_label=True only"):
        ZeroShotStatementClassifier(**base, threshold=0.3).fit()
    with pytest.raises(ValueError, match="'threshold' parameter"):
        ZeroShotStatementClassifier(**base, multi_label=True, threshold=1.5).fit()


def test_multi_label_open_template_message_has_no_y(tiny_statement_model):
    # fitted without labels, an open template has an empty classes_ (for rank)
    clf = ZeroShotStatementClassifier(
        tiny_statement_model, template="topic", multi_label=True, device="cpu"
    ).fit()
    with pytest.raises(ValueError, match="open label set") as info:
        clf.predict(["a dog"])
    assert "y to fit" not in str(info.value) and "labels=[...]" in str(info.value)


# ------------------------------------------------ ensemble with a Template / dict
@pytest.mark.parametrize(
    "template",
    [{"yes": "{q} Yes.", "no": "{q} No."}, Template("t", {1: "{a} yes", 0: "{a} no"})],
)
def test_ensemble_needs_a_task_name_or_a_list(tiny_statement_model, template):
    clf = ZeroShotStatementClassifier(
        tiny_statement_model, template=template, ensemble=True, device="cpu"
    )
    with pytest.raises(ValueError, match="ensemble=True.*list of templates"):
        clf.fit()
    listed = clf.set_params(template=[template, template]).fit()
    assert len(listed.templates_) == 2


# ------------------------------------------------ max_length vs the position limit
def test_max_length_over_the_position_limit_names_it(tiny_statement_model):
    clf = ZeroShotStatementClassifier(
        tiny_statement_model, template="sst2", max_length=2000, device="cpu"
    )
    with pytest.raises(
        ValueError, match=r"max_position_embeddings=512.*max_length<=512"
    ):
        clf.fit()
    assert clf.set_params(max_length=512).fit().max_length_ == 512


# ------------------------------------------------ datasets.Dataset in model selection
def test_dataset_route_for_cross_validation(fitted_tiny_tuner, sample_dir):
    """sklearn indexes X before fit sees it; a Dataset goes through to_pandas() once."""
    from sklearn.metrics import log_loss
    from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score

    from datasets_builders import load_task
    from template_registry import get_template

    sib = load_task("sib200", language="en", data_dir=sample_dir)
    frame, y = sib.to_pandas(), np.asarray(sib["label"])
    keep = np.isin(y, ["sports", "politics", "health"])
    frame, y = frame[keep].reset_index(drop=True), y[keep]
    labels = [lab for lab in get_template("sib200").labels if lab in set(y)]
    clf = ZeroShotStatementClassifier(
        FrozenEstimator(fitted_tiny_tuner), template="sib200", labels=labels
    )
    cv = StratifiedKFold(3)
    scores = cross_val_score(clf, frame, y, cv=cv, scoring="neg_log_loss")
    oracle = []
    for train, test in cv.split(frame, y):
        fold = clone(clf).fit(frame.iloc[train], y[train])
        proba = fold.predict_proba(frame.iloc[test])
        by_name = dict(zip(fold.classes_, proba.T))
        oracle.append(
            -log_loss(y[test], np.column_stack([by_name[c] for c in sorted(labels)]))
        )
    np.testing.assert_allclose(scores, oracle, rtol=1e-10)
    grid = GridSearchCV(clf, {"normalize": ["softmax", "sum"]}, cv=cv).fit(frame, y)
    assert grid.best_estimator_.predict(frame.head(3)).shape == (3,)


def test_label_words_unknown_to_the_tokenizer_are_named(tiny_statement_model):
    # the tiny vocabulary has no 体/育/商/业: both statements become [UNK] tokens
    clf = ZeroShotStatementClassifier(
        tiny_statement_model, template={"a": "{t} 体育", "b": "{t} 商业"}, device="cpu"
    )
    with pytest.raises(ValueError, match="unknown tokens.*language='en'"):
        clf.fit()


def test_a_pickled_classifier_holds_its_tuners_weights_once(fitted_tiny_tuner):
    import pickle

    texts = ["the dog is good.", "the movie is bad."]
    clf = ZeroShotStatementClassifier(
        fitted_tiny_tuner,
        template={"good": "{text} It is good.", "bad": "{text} It is bad."},
        device="cpu",
    ).fit()
    assert clf.model_ is fitted_tiny_tuner.module_
    weights = sum(p.numel() * p.element_size() for p in clf.model_.parameters())
    data = pickle.dumps(clf)
    assert len(data) < len(pickle.dumps(fitted_tiny_tuner)) + 0.1 * weights
    again = pickle.loads(data)
    assert again.model_ is again.model.module_  # shared again, as before pickling
    np.testing.assert_allclose(again.predict_proba(texts), clf.predict_proba(texts))
