"""The scikit-learn / skorch contract that the common checks cannot test for text.

Clone, get/set_params, pickle and joblib, NotFittedError, Pipeline,
cross_val_score, GridSearchCV, CalibratedClassifierCV, LeaveOneGroupOut over
task groups, fixed label columns, template ensembling, few-shot adaptation,
and the skorch features (warm start, partial_fit, early stopping, gradient
accumulation, checkpoint + resume) — on tiny random models of the three
architectures.
"""

import pickle
import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import (
    GridSearchCV,
    LeaveOneGroupOut,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_statement import StatementTuner, ZeroShotStatementClassifier
from template_registry import get_template

ARCHS = ("bert", "xlm-roberta", "deberta-v2")
TEXTS = [
    "the movie is great.",
    "the movie is terrible.",
    "a good dog.",
    "a bad cat.",
    "happy people.",
    "sad man.",
]
SENTIMENT = [1, 0, 1, 0, 1, 0]


def tuner_for(path, **kw):
    # fp32: "auto" is bf16 on CPUs with native bf16; these tests compare numbers
    params = dict(
        max_epochs=1,
        batch_size=8,
        device="cpu",
        precision="fp32",
        random_state=0,
        verbose=0,
    )
    params.update(kw)
    return StatementTuner(path, **params)


@pytest.fixture(scope="module", params=ARCHS)
def fitted(request, tiny_models, toy):
    """A fitted tuner per architecture."""
    return tuner_for(tiny_models[request.param]).fit(toy.X, toy.y)


# ---------------------------------------------------------------- cloning and parameters
def test_clone_and_params_roundtrip(tiny_models):
    tuner = tuner_for(
        tiny_models["bert"], optimizer__weight_decay=0.01, peft="lora", peft__r=4
    )
    cloned = clone(tuner)
    assert not hasattr(cloned, "module_")
    params = cloned.get_params()
    assert (
        params["optimizer__weight_decay"] == 0.01
        and params["peft__r"] == 4
        and params["peft"] == "lora"
    )
    cloned.set_params(lr=1e-3, peft__r=8, max_length=64)
    assert (
        cloned.get_params()["peft__r"] == 8
        and cloned.lr == 1e-3
        and cloned.max_length == 64
    )
    assert tuner.get_params()["peft__r"] == 4  # the original is untouched

    clf = ZeroShotStatementClassifier(
        tiny_models["bert"], template="xnli", labels=["entailment", "neutral"]
    )
    twin = clone(clf)
    assert twin.get_params() == clf.get_params() and not hasattr(twin, "classes_")
    twin.set_params(normalize="sum", ensemble=True)
    assert (twin.normalize, twin.ensemble, clf.normalize) == ("sum", True, "softmax")


def test_init_only_stores(tiny_models, toy):
    # nothing is loaded or checked yet
    tuner = StatementTuner("/no/such/model", peft="bogus", lr=-1)
    assert tuner.model == "/no/such/model" and not hasattr(tuner, "module_")
    clf = ZeroShotStatementClassifier(
        "/no/such/model", template="nope", normalize="bogus"
    )
    assert clf.template == "nope"
    with pytest.raises(ValueError):
        tuner.fit(toy.X, toy.y)
    with pytest.raises(ValueError):
        clf.fit()


@pytest.mark.parametrize("arch", ARCHS)
def test_pickle_and_joblib_give_identical_predictions(arch, tiny_models, tmp_path, toy):
    tuner = tuner_for(tiny_models[arch]).fit(toy.X, toy.y)
    reference = tuner.predict_proba(toy.X)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(tuner)).predict_proba(toy.X), reference
    )
    joblib.dump(tuner, tmp_path / "tuner.joblib")
    np.testing.assert_array_equal(
        joblib.load(tmp_path / "tuner.joblib").predict_proba(toy.X), reference
    )

    clf = ZeroShotStatementClassifier(tuner, template="sst2").fit()
    reference = clf.predict_proba(TEXTS)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(clf)).predict_proba(TEXTS), reference
    )
    joblib.dump(clf, tmp_path / "clf.joblib")
    np.testing.assert_array_equal(
        joblib.load(tmp_path / "clf.joblib").predict_proba(TEXTS), reference
    )


DILL_FIRST_SCRIPT = textwrap.dedent(
    """
    import sys

    import dill  # imported by `datasets`; it extends the pure-Python pickler
    import joblib  # whose dispatch table joblib copies at import
    import numpy as np

    from sklearn_statement import StatementTuner

    X = ["the dog is good.", "the dog is bad."] * 4
    y = [1, 0] * 4
    tuner = StatementTuner(
        sys.argv[1], max_epochs=1, batch_size=4, device="cpu", random_state=0,
        verbose=0,
    ).fit(X, y)
    joblib.dump(tuner, sys.argv[2])
    again = joblib.load(sys.argv[2])
    np.testing.assert_array_equal(again.predict_proba(X), tuner.predict_proba(X))
    assert again.callbacks_[-1][1].__class__.__name__
    again.partial_fit(X, y)  # the schedule is rebuilt on the loaded optimizer
    print("ok")
    """
)


def test_joblib_dump_after_dill_import(tiny_models, tmp_path):
    # Regression: with dill imported before joblib (``import datasets`` does
    # so), joblib.dump of a fitted tuner failed because classes such as
    # torch.optim.AdamW were pickled by value.
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            DILL_FIRST_SCRIPT,
            tiny_models["bert"],
            str(tmp_path / "t.joblib"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("ok")


def test_not_fitted_errors(tiny_models, toy):
    with pytest.raises(NotFittedError):
        tuner_for(tiny_models["bert"]).predict(toy.X)
    clf = ZeroShotStatementClassifier(tiny_models["bert"], template="sst2")
    for method in (
        clf.predict,
        clf.predict_proba,
        clf.decision_function,
        clf.true_logits,
    ):
        with pytest.raises(NotFittedError):
            method(TEXTS)


# ---------------------------------------------------------------- composition
def test_pipeline_with_dict_building_step(fitted):
    to_examples = FunctionTransformer(
        lambda pairs: [{"premise": p, "hypothesis": h} for p, h in pairs]
    )
    pipe = make_pipeline(
        to_examples,
        ZeroShotStatementClassifier(FrozenEstimator(fitted), template="xnli"),
    )
    pairs = [("the dog is good.", "the dog is bad."), ("a man.", "a person.")]
    pipe.fit(pairs)
    proba = pipe.predict_proba(pairs)
    assert proba.shape == (2, 3) and np.allclose(proba.sum(1), 1)
    assert set(pipe.predict(pairs)) <= {"entailment", "neutral", "contradiction"}


def test_cross_val_score_and_full_width_labels(fitted):
    clf = ZeroShotStatementClassifier(
        FrozenEstimator(fitted), template="sst2", labels=[0, 1]
    )
    cv = StratifiedKFold(3)
    scores = cross_val_score(clf, TEXTS, SENTIMENT, cv=cv)
    # fit trains nothing: each fold's score is the frozen model's accuracy there
    texts, y = np.asarray(TEXTS), np.asarray(SENTIMENT)
    expected = [
        np.mean(clf.fit(texts[train], y[train]).predict(list(texts[test])) == y[test])
        for train, test in cv.split(texts, y)
    ]
    np.testing.assert_allclose(scores, expected)
    # a fold without class 0 still gives both columns
    one_class = clf.fit(TEXTS[:2], [1, 1])
    assert list(one_class.classes_) == [0, 1] and one_class.predict_proba(
        TEXTS
    ).shape == (6, 2)


def test_grid_search_over_template_and_normalize(fitted):
    grid = GridSearchCV(
        ZeroShotStatementClassifier(FrozenEstimator(fitted), template="sst2"),
        {
            "template": [
                "sst2",
                get_template("sst2", name="overall"),
                ["sst2", get_template("sst2", name="sentiment_is")],
            ],
            "normalize": ["softmax", "sum"],
        },
        cv=StratifiedKFold(2),
        scoring="neg_log_loss",
    )
    grid.fit(TEXTS, SENTIMENT)
    assert len(grid.cv_results_["params"]) == 6
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    assert grid.best_estimator_.predict(TEXTS).shape == (6,)
    # clones shared the frozen tuner's weights instead of re-training them
    assert grid.best_estimator_.model_ is fitted.module_


def test_grid_search_over_tuner_lr(tiny_models, toy):
    grid = GridSearchCV(
        tuner_for(tiny_models["bert"]), {"lr": [1e-4, 1e-2]}, cv=StratifiedKFold(2)
    )
    grid.fit(toy.X, toy.y)
    assert [p["lr"] for p in grid.cv_results_["params"]] == [1e-4, 1e-2]
    assert grid.best_estimator_.lr in (1e-4, 1e-2) and hasattr(
        grid.best_estimator_, "module_"
    )


def test_calibrated_frozen_zero_shot(fitted):
    base = ZeroShotStatementClassifier(FrozenEstimator(fitted), template="sst2").fit(
        TEXTS, SENTIMENT
    )
    calibrated = CalibratedClassifierCV(FrozenEstimator(base), method="sigmoid")
    # the default 5-fold split wants 5 rows per class
    calibrated.fit(TEXTS * 2, SENTIMENT * 2)
    proba = calibrated.predict_proba(TEXTS)
    assert proba.shape == (6, 2) and np.allclose(proba.sum(1), 1)
    # frozen = prefit: one sigmoid on all the data
    (fold,) = calibrated.calibrated_classifiers_
    sigmoid = fold.calibrators[0]
    assert np.isfinite(sigmoid.a_) and np.isfinite(sigmoid.b_)
    # the binary decision function feeds the sigmoid
    scores = base.decision_function(TEXTS)
    np.testing.assert_allclose(
        proba[:, 1], 1 / (1 + np.exp(sigmoid.a_ * scores + sigmoid.b_)), rtol=1e-6
    )
    assert list(calibrated.classes_) == [0, 1]


def test_leave_one_task_out_cross_validation(tiny_models, sample_dir):
    from datasets_builders import build_multitask

    data = build_multitask(
        ["sst2", "mrpc", "agnews"], n_per_task=16, data_dir=sample_dir, random_state=0
    )
    X, y, families = list(data["statement"]), list(data["label"]), data["family"]
    result = cross_validate(
        tuner_for(tiny_models["bert"], max_length=64),
        X,
        y,
        groups=families,
        cv=LeaveOneGroupOut(),
        return_estimator=True,
        return_indices=True,
    )
    held_out = [{families[i] for i in test} for test in result["indices"]["test"]]
    assert sorted(f for (f,) in held_out) == ["paraphrase", "sentiment", "topic"]
    for (family,), train, test, tuner, score in zip(
        held_out,
        result["indices"]["train"],
        result["indices"]["test"],
        result["estimator"],
        result["test_score"],
    ):
        assert family not in {families[i] for i in train}  # trained without it
        assert tuner.training_stats_["n_statements"] == len(train)
        assert score == tuner.score([X[i] for i in test], [y[i] for i in test])


# ---------------------------------------------------------------- zero-shot features
def test_template_ensemble_averages_true_logits(fitted):
    names = [
        t.name
        for t in get_template.__globals__["list_templates"]("sst2", language="en")
    ]
    single = [
        ZeroShotStatementClassifier(fitted, template=get_template("sst2", name=n))
        .fit()
        .true_logits(TEXTS)
        for n in names
    ]
    ensemble = ZeroShotStatementClassifier(fitted, template="sst2", ensemble=True).fit()
    assert [t.name for t in ensemble.templates_] == names
    np.testing.assert_allclose(
        ensemble.true_logits(TEXTS), np.mean(single, axis=0), atol=1e-6
    )
    listed = ZeroShotStatementClassifier(
        fitted, template=[get_template("sst2", name=n) for n in names]
    ).fit()
    np.testing.assert_allclose(
        listed.true_logits(TEXTS), ensemble.true_logits(TEXTS), atol=1e-6
    )


def test_few_shot_tunes_a_copy(fitted):
    before = {k: v.clone() for k, v in fitted.module_.state_dict().items()}
    zero = ZeroShotStatementClassifier(fitted, template="sst2").fit()
    few = ZeroShotStatementClassifier(
        fitted,
        template="sst2",
        few_shot=True,
        few_shot_epochs=3,
        few_shot_lr=1e-2,
        random_state=0,
    ).fit(TEXTS, SENTIMENT)
    assert few.tuner_ is not fitted and few.model_ is not fitted.module_
    # 6 examples x 2 labels
    # each example's statements form one example (grouped batches)
    assert few.tuner_.training_stats_ == {
        "n_statements": 12,
        "n_true": 6,
        "n_examples": 6,
    }
    assert not np.allclose(few.true_logits(TEXTS), zero.true_logits(TEXTS))
    # the given model is untouched
    for key, value in fitted.module_.state_dict().items():
        assert torch.equal(value, before[key]), key
    with pytest.raises(ValueError, match="few_shot=True needs labeled examples"):
        ZeroShotStatementClassifier(fitted, template="sst2", few_shot=True).fit(TEXTS)


def test_few_shot_from_a_directory(fitted, tmp_path):
    path = fitted.save_pretrained(tmp_path / "m")
    few = ZeroShotStatementClassifier(
        str(path), template="sst2", few_shot=True, device="cpu", random_state=0
    )
    few.fit(TEXTS, SENTIMENT)
    assert few.predict(TEXTS).shape == (6,)


# ---------------------------------------------------------------- skorch features
def test_warm_start_and_partial_fit_continue_training(tiny_models, toy):
    tuner = tuner_for(tiny_models["bert"], max_epochs=2).fit(toy.X, toy.y)
    assert len(tuner.history_) == 2
    tuner.partial_fit(toy.X, toy.y)
    assert len(tuner.history_) == 4
    tuner.set_params(warm_start=True).fit(toy.X, toy.y)
    assert len(tuner.history_) == 6
    tuner.set_params(warm_start=False).fit(toy.X, toy.y)
    assert len(tuner.history_) == 2  # a cold fit starts over


def test_early_stopping_uses_a_validation_split(tiny_models, toy):
    tuner = tuner_for(
        tiny_models["bert"], max_epochs=20, early_stopping=2, lr=1e-9
    ).fit(toy.X * 2, toy.y * 2)
    assert "valid_loss" in tuner.history_[-1]
    # a flat validation loss stops training after the patience
    assert len(tuner.history_) < 20
    # 10% of the 32 statements (stratified) are held out, the rest trained on
    batches = tuner.history_[-1, "batches"]
    trained = sum(b["train_batch_size"] for b in batches if "train_batch_size" in b)
    validated = sum(b["valid_batch_size"] for b in batches if "valid_batch_size" in b)
    assert (trained, validated) == (28, 4)


def test_gradient_accumulation_matches_a_larger_batch(tiny_models, toy):
    no_dropout = dict(
        model__hidden_dropout_prob=0.0, model__attention_probs_dropout_prob=0.0
    )
    common = dict(
        group_by_length=False,
        iterator_train__shuffle=False,
        lr=1e-2,
        max_epochs=2,
        **no_dropout,
    )
    big = tuner_for(tiny_models["bert"], batch_size=8, **common).fit(toy.X, toy.y)
    accumulated = tuner_for(
        tiny_models["bert"], batch_size=4, gradient_accumulation_steps=2, **common
    )
    accumulated.fit(toy.X, toy.y)
    for (name, a), (_, b) in zip(
        big.module_.named_parameters(), accumulated.module_.named_parameters()
    ):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5, msg=name)
    schedule = dict(accumulated.callbacks_)["lr_schedule"]
    assert schedule.total_steps_ == 4  # 16 statements / (4 x 2) x 2 epochs


def test_save_pretrained_records_templates(fitted, tmp_path):
    import json

    templates = [get_template("sst2"), get_template("mrpc")]
    out = fitted.save_pretrained(tmp_path / "m", templates=templates)
    saved = json.loads((out / "templates.json").read_text())
    assert [t["name"] for t in saved] == [t.name for t in templates]
    info = json.loads((out / "statement_tuner.json").read_text())
    assert info["templates"] == ["sst2/en/expresses", "mrpc/en/same_meaning"]


KILL_SCRIPT = textwrap.dedent(
    """
    import os, sys
    import torch
    from skorch.callbacks import Callback
    from sklearn_statement import StatementTuner

    torch.set_num_threads(int(sys.argv[3]))  # the test's: the same float sums

    class KillAfterSecondEpoch(Callback):
        def on_epoch_end(self, net, **kwargs):
            if len(net.history) == 2:
                os._exit(137)  # like SIGKILL: no cleanup, no on_train_end

    model, ckpt = sys.argv[1], sys.argv[2]
    X = ["the dog is good.", "the dog is bad.", "the movie is great.", "the movie is terrible."] * 4
    y = [1, 0, 1, 0] * 4
    StatementTuner(model, max_epochs=4, batch_size=4, lr=1e-2, device="cpu", precision="fp32",
                   random_state=0, verbose=0, checkpoint_dir=ckpt,
                   callbacks=[KillAfterSecondEpoch()]).fit(X, y)
    """
)


def test_kill_and_resume_loses_nothing(tiny_models, tmp_path, toy):
    model, ckpt = tiny_models["bert"], tmp_path / "ckpt"
    threads = str(torch.get_num_threads())
    killed = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, model, str(ckpt), threads],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == 137, killed.stderr
    assert (ckpt / "params.pt").exists() and (ckpt / "run.json").exists()

    params = dict(max_epochs=4, batch_size=4, lr=1e-2, random_state=0)
    resumed = tuner_for(model, checkpoint_dir=ckpt, **params).fit(toy.X, toy.y)
    reference = tuner_for(model, **params).fit(toy.X, toy.y)
    assert len(resumed.history_) == 4  # epochs 3 and 4 were trained after the resume
    np.testing.assert_allclose(
        resumed.history_[:, "train_loss"],
        reference.history_[:, "train_loss"],
        rtol=1e-5,
    )
    for (name, a), (_, b) in zip(
        resumed.module_.named_parameters(), reference.module_.named_parameters()
    ):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6, msg=name)

    # a finished checkpoint trains nothing more; another run's data is refused
    again = tuner_for(model, checkpoint_dir=ckpt, **params).fit(toy.X, toy.y)
    assert len(again.history_) == 4
    with pytest.raises(ValueError, match="different run"):
        tuner_for(model, checkpoint_dir=ckpt, **params).fit(toy.X[:8], toy.y[:8])


def test_a_checkpoint_that_cannot_be_written_stops_training(tiny_models, tmp_path, toy):
    # skorch's Checkpoint only logs a failed save; a resumable one must not
    blocker = tmp_path / "ckpt"
    blocker.write_text("a file, not a directory", encoding="utf-8")
    with pytest.raises(FileExistsError):
        tuner_for(tiny_models["bert"], checkpoint_dir=blocker).fit(toy.X, toy.y)
