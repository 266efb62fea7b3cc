"""scikit-learn's common estimator checks, through numeric-to-text adapters.

Both estimators take text, so scikit-learn skips all its common checks for
them (``input_tags.two_d_array=False``). To still run the checks on the
estimators' contract (cloning, parameters, fit returning self, pickling,
NotFittedError…), these test-only subclasses write each numeric row of the
checks' data as a text ("0.12 -1.30 ...") and delegate to the real code.
Checks that cannot hold for a text model are listed with the reason.
"""

import numpy as np
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_statement import StatementTuner, ZeroShotStatementClassifier
from template_registry import Template

NUMERIC_TOPIC = Template(
    "topic", label_statement="{text} belongs to class {label}.", name="numeric"
)


def _texts(X):
    X = np.asarray(X)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    return [
        " ".join(
            f"{v:.2f}" if isinstance(v, (int, float, np.number)) else str(v)
            for v in row
        )
        for row in X
    ]


class NumericZeroShot(ZeroShotStatementClassifier):
    """ZeroShotStatementClassifier reading numeric rows as texts (tests only)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.string = False
        tags.input_tags.dict = False
        return tags

    def fit(self, X, y=None):
        return super().fit(_texts(X), y)

    def true_logits(self, X):
        return super().true_logits(_texts(X))


class NumericTuner(StatementTuner):
    """StatementTuner reading numeric rows as statements (tests only)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.string = False
        return tags

    def fit(self, X, y, **fit_params):
        return super().fit(_texts(X), y, **fit_params)

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        return super().partial_fit(_texts(X), y, classes=classes, **fit_params)

    def predict_proba(self, X):
        return super().predict_proba(_texts(X))

    def predict(self, X):
        return super().predict(_texts(X))


TEXT_ONLY = (
    "the test adapter writes every value as text, so numeric-input validation (NaN, inf, complex, object "
    "and sparse data) cannot apply: any value is a valid text"
)
NO_FEATURES = (
    "text input has no number of features, so n_features_in_ is not set or checked"
)
ONE_D = (
    "a 1-D array is this estimator's normal input (one text per example), not an error"
)
SUBSET = (
    "statements are sorted by length and each batch is padded to its longest one, so the other rows in a "
    "batch change the padding and the float summation order (~1e-7); the tiny random test model has "
    "near-tied true-logits, which such noise can flip"
)
ZERO_SHOT = "zero-shot: fit trains nothing, so it cannot learn the check's synthetic numeric classes"
BINARY = "StatementTuner is a binary true/false classifier: y must be 0/1, the check uses labels such as 1/2 or strings"
UNTRAINED = "one epoch of a tiny randomly initialised model cannot reach the accuracy the check demands"
SKORCH_INIT = "skorch nets set history_, initialized_ and virtual_params_ in __init__ and validate prefixed arguments there"
EMPTY = "an empty row becomes an empty text, rejected with a message about the empty text rather than '0 feature(s)'"

ZERO_SHOT_EXPECTED = {
    "check_classifiers_train": ZERO_SHOT,
    "check_methods_subset_invariance": SUBSET,
    "check_n_features_in": NO_FEATURES,
    "check_n_features_in_after_fitting": NO_FEATURES,
    "check_fit1d": ONE_D,
    "check_fit2d_predict1d": ONE_D,
    "check_estimators_empty_data_messages": EMPTY,
    "check_estimators_nan_inf": TEXT_ONLY,
    "check_dtype_object": TEXT_ONLY,
    "check_estimator_sparse_tag": TEXT_ONLY,
    "check_estimator_sparse_array": TEXT_ONLY,
    "check_estimator_sparse_matrix": TEXT_ONLY,
}
TUNER_EXPECTED = {
    "check_classifiers_train": UNTRAINED,
    "check_classifiers_one_label_sample_weights": (
        "StatementTuner.fit takes no sample_weight: the check's zero-weighted class is "
        "trained on like the other, so predictions keep both classes"
    ),
    "check_classifiers_classes": BINARY,
    "check_classifier_data_not_an_array": BINARY,
    "check_estimators_dtypes": BINARY,
    "check_fit2d_1feature": BINARY,
    "check_no_attributes_set_in_init": SKORCH_INIT,
    "check_do_not_raise_errors_in_init_or_set_params": SKORCH_INIT,
    "check_n_features_in": NO_FEATURES,
    "check_n_features_in_after_fitting": NO_FEATURES,
    "check_estimators_partial_fit_n_features": NO_FEATURES,
    "check_fit1d": ONE_D,
    "check_fit2d_predict1d": ONE_D,
    "check_estimators_empty_data_messages": EMPTY,
    "check_estimators_nan_inf": TEXT_ONLY,
    "check_dtype_object": TEXT_ONLY,
    "check_estimator_sparse_tag": TEXT_ONLY,
    "check_estimator_sparse_array": TEXT_ONLY,
    "check_estimator_sparse_matrix": TEXT_ONLY,
}


def _estimators():
    import atexit
    import os
    import shutil
    import tempfile

    from tests.conftest import build_tiny_model

    root = tempfile.mkdtemp(prefix="common_checks_")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    head = str(build_tiny_model("bert", os.path.join(root, "head"), head=True))
    encoder = str(build_tiny_model("bert", os.path.join(root, "encoder")))
    zero_shot = NumericZeroShot(head, template=NUMERIC_TOPIC, device="cpu")
    tuner = NumericTuner(
        encoder, max_epochs=1, batch_size=8, device="cpu", random_state=0, verbose=0
    )
    return [zero_shot, tuner]


def _expected(estimator):
    return (
        ZERO_SHOT_EXPECTED if isinstance(estimator, NumericZeroShot) else TUNER_EXPECTED
    )


@parametrize_with_checks(_estimators(), expected_failed_checks=_expected)
def test_sklearn_common_checks(estimator, check):
    check(estimator)


def test_every_expected_failure_is_a_check_that_runs():
    # a stale or misspelt entry would silently excuse nothing
    from sklearn.utils.estimator_checks import estimator_checks_generator

    for estimator in _estimators():
        names = {
            getattr(check, "func", check).__name__
            for _, check in estimator_checks_generator(estimator)
        }
        unknown = set(_expected(estimator)) - names
        assert not unknown, (type(estimator).__name__, sorted(unknown))


def test_real_tags_declare_text_input():
    from sklearn.utils import get_tags

    for est in (ZeroShotStatementClassifier(), StatementTuner()):
        tags = get_tags(est)
        assert tags.input_tags.string and not tags.input_tags.two_d_array
