"""ZeroShotStatementClassifier.rank: each text's own candidate labels, one scoring pass.

The oracle of every test: ``predict_proba`` of a classifier fitted with that
text's labels (``labels=candidate_labels[i]``), row by row.
"""

from __future__ import annotations

import numpy as np
import pytest

from sklearn_statement import Shortlist, ZeroShotStatementClassifier
from sklearn_statement.backends import ScoringModel
from template_registry import Template

TEXTS = ["the dog is good.", "the people vote.", "a man was happy.", "the movie"]
ROWS = [
    ["sports", "politics"],
    ["health", "travel", "sports", "politics", "science"],
    ["movie"],
    ("travel", "water", "dog"),
]
NLI = [
    {"premise": "the dog is good.", "hypothesis": "the dog is bad."},
    {"premise": "the man is happy.", "hypothesis": "the man is sad."},
]


@pytest.fixture(scope="module")
def sharp_model(tiny_statement_model, tmp_path_factory):
    """The tiny statement model with its head scaled: true-logits a few tenths apart.

    (The random head's true-logits differ by ~1e-5 between labels, too close
    to tell an order from float noise.)
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    directory = tmp_path_factory.mktemp("sharp") / "m"
    model = AutoModelForSequenceClassification.from_pretrained(tiny_statement_model)
    tokenizer = AutoTokenizer.from_pretrained(tiny_statement_model)
    sample = tokenizer(
        [f'"{t}" is about {w}.' for t in TEXTS for w in ("sports", "dog", "time")],
        padding=True,
        return_tensors="pt",
    )
    with torch.no_grad():
        model.classifier.weight.mul_(20000)
        logits = model(**sample).logits
        # true-logits around 0: sigmoid (multi_label, normalize="sum") stays informative
        model.classifier.bias[1] -= (logits[:, 1] - logits[:, 0]).mean()
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return str(directory)


def _clf(model, template="topic", **kw):
    kw.setdefault("precision", "fp32")
    return ZeroShotStatementClassifier(model, template=template, device="cpu", **kw)


def _oracle(model, X, rows, template="topic", **kw):
    """{label: probability} per text, from classifiers fitted with that text's labels."""
    out = []
    for x, row in zip(X, rows):
        if len(row) == 1 and not kw.get("multi_label"):
            out.append({row[0]: 1.0})  # (fit refuses one label: it always wins)
            continue
        clf = _clf(model, template, labels=list(row), **kw)
        proba = clf.fit().predict_proba([x])[0]
        out.append(dict(zip(clf.classes_.tolist(), proba)))
    return out


def _check_against(ranked, oracle, X, rows, *, atol=1e-5):
    assert len(ranked) == len(X)
    for result, expected, row in zip(ranked, oracle, rows):
        assert sorted(result) == ["labels", "scores", "sequence"]
        assert sorted(result["labels"], key=str) == sorted(row, key=str)
        scores = np.asarray(result["scores"])
        assert all(type(s) is float for s in result["scores"])
        assert (np.diff(scores) <= 0).all()  # highest first
        got = dict(zip(result["labels"], scores))
        for label, p in expected.items():
            assert got[label] == pytest.approx(p, abs=atol), (row, label)


# ------------------------------------------------ the oracle, row by row
@pytest.mark.parametrize("fit_labels", [None, ["cars", "boats"]])
def test_rank_equals_predict_proba_of_each_rows_classifier(sharp_model, fit_labels):
    clf = _clf(sharp_model, labels=fit_labels).fit()
    ranked = clf.rank(TEXTS, ROWS)
    _check_against(ranked, _oracle(sharp_model, TEXTS, ROWS), TEXTS, ROWS)
    for result in ranked:  # softmax over the text's own candidates
        assert sum(result["scores"]) == pytest.approx(1.0)
    assert [r["sequence"] for r in ranked] == TEXTS
    assert ranked[2] == {
        "sequence": "a man was happy.",
        "labels": ["movie"],
        "scores": [1.0],
    }
    # classes_ plays no part: what fit set stays, and is still what predict uses
    assert list(clf.classes_) == ([] if fit_labels is None else ["boats", "cars"])
    # the scores really separate the labels (the test would be blind otherwise)
    assert max(ranked[1]["scores"]) - min(ranked[1]["scores"]) > 0.05


def test_one_scoring_pass_each_statement_once(sharp_model, monkeypatch):
    clf = _clf(sharp_model).fit()
    calls = []
    real = ScoringModel.true_logits
    monkeypatch.setattr(
        ScoringModel,
        "true_logits",
        lambda self, flat, **kw: (
            calls.append(list(map(tuple, flat))) or real(self, flat, **kw)
        ),
    )
    clf.rank(TEXTS, ROWS)
    assert len(calls) == 1
    (flat,) = calls
    assert len(flat) == sum(len(r) for r in ROWS) == len(set(flat))  # each once


def test_texts_sharing_a_label_list_equal_predict_proba(sharp_model):
    labels = ["sports", "politics", "health"]
    clf = _clf(sharp_model, labels=labels).fit()
    ranked = clf.rank(TEXTS, [labels] * len(TEXTS))
    proba = clf.predict_proba(TEXTS)
    for result, row in zip(ranked, proba):
        expected = dict(zip(clf.classes_.tolist(), row))
        assert result["labels"] == sorted(expected, key=lambda k: -expected[k])
        np.testing.assert_allclose(
            result["scores"], [expected[k] for k in result["labels"]], atol=1e-5
        )


def test_input_forms_and_label_containers(sharp_model):
    import pandas as pd

    clf = _clf(sharp_model).fit()
    rows = [np.asarray(ROWS[0]), pd.Series(ROWS[1]), tuple(ROWS[2]), ROWS[3]]
    a = clf.rank(TEXTS, rows)
    b = clf.rank(pd.DataFrame({"text": TEXTS, "id": range(4)}), pd.Series(ROWS))
    c = clf.rank([{"text": t} for t in TEXTS], ROWS)
    assert a == b == c
    assert all(type(lab) is str for r in a for lab in r["labels"])


# ------------------------------------------------ templates
def test_closed_template_takes_its_own_labels(sharp_model):
    rows = [["entailment", "neutral"], ["contradiction", "entailment", "neutral"]]
    clf = _clf(sharp_model, "xnli", labels=["entailment", "contradiction"]).fit()
    ranked = clf.rank(NLI, rows)  # "neutral" is not in classes_, but in the template
    _check_against(ranked, _oracle(sharp_model, NLI, rows, "xnli"), NLI, rows)
    assert ranked[0]["sequence"] == NLI[0]  # several fields: the example
    with pytest.raises(ValueError, match=r"candidate_labels\[1\] holds 'maybe'.*xnli"):
        clf.rank(NLI, [["entailment"], ["neutral", "maybe"]])


def test_numbers_into_a_registered_open_template_name_the_row(sharp_model):
    clf = _clf(sharp_model).fit()
    with pytest.raises(ValueError, match=r"candidate_labels\[0\]: .*bare number"):
        clf.rank(TEXTS[:2], [[0, 1], [1, 2]])


def test_dict_template_and_ensemble(sharp_model):
    yes_no = {"yes": "{q} Yes.", "no": "{q} No.", "maybe": "{q} Maybe."}
    X = [{"q": "the dog is good."}, {"q": "is water wet?"}]
    rows = [["yes", "no", "maybe"], ["maybe", "no"]]
    clf = _clf(sharp_model, yes_no).fit()
    _check_against(clf.rank(X, rows), _oracle(sharp_model, X, rows, yes_no), X, rows)
    pair = [
        Template("topic", label_statement="{text} It is about {label}.", name="a"),
        Template("topic", label_statement="This is about {label}: {text}", name="b"),
    ]
    ensemble = _clf(sharp_model, pair).fit()  # true-logits averaged over both
    _check_against(
        ensemble.rank(TEXTS, ROWS), _oracle(sharp_model, TEXTS, ROWS, pair), TEXTS, ROWS
    )


@pytest.mark.parametrize("params", [dict(multi_label=True), dict(normalize="sum")])
def test_multi_label_and_sum_normalisation(sharp_model, params):
    clf = _clf(sharp_model, **params).fit()
    ranked = clf.rank(TEXTS, ROWS)
    _check_against(ranked, _oracle(sharp_model, TEXTS, ROWS, **params), TEXTS, ROWS)
    if params.get("multi_label"):  # independent P(true) per label, still sorted
        z = _clf(sharp_model, labels=ROWS[1]).fit().true_logits(TEXTS[1:2])[0]
        expected = sorted(1 / (1 + np.exp(-z)), reverse=True)
        np.testing.assert_allclose(ranked[1]["scores"], expected, atol=1e-6)
        assert ranked[2]["scores"][0] < 1  # one label is not certain by itself


# ------------------------------------------------ shortlist, hybrid, backends
LABEL_WORDS = ["dog", "cat", "man", "woman", "movie", "water", "people", "time"]


def keyword_encoder(texts):
    """An oracle encoder: one dimension per label word, counted in the text."""
    return np.array(
        [
            [
                t.replace(".", " ").split().count(w) + 0.01 * (i + 1)
                for i, w in enumerate(LABEL_WORDS)
            ]
            for t in texts
        ],
        dtype=np.float32,
    )


def test_shortlist_keeps_the_k_closest_of_a_long_row(sharp_model, monkeypatch):
    texts = ["the dog and the cat", "a movie about water", "people of our time"]
    rows = [LABEL_WORDS, ["water", "dog"], LABEL_WORDS[::-1][:5]]
    short = Shortlist(2, encoder=keyword_encoder)
    clf = _clf(sharp_model, shortlist=short).fit()
    scored = []
    real = ScoringModel.true_logits
    monkeypatch.setattr(
        ScoringModel,
        "true_logits",
        lambda self, flat, **kw: scored.append(len(flat)) or real(self, flat, **kw),
    )
    ranked = clf.rank(texts, rows)
    assert scored == [2 + 2 + 2]  # k per long row, every label of a short one
    oracle = _oracle(sharp_model, texts, rows, shortlist=short)
    monkeypatch.setattr(ScoringModel, "true_logits", real)
    _check_against(ranked, oracle, texts, rows)
    assert set(ranked[0]["labels"][:2]) == {"dog", "cat"}
    # left out: probability 0, after the others, in the order they were given
    assert ranked[0]["scores"][2:] == [0.0] * 6
    assert ranked[0]["labels"][2:] == [
        w for w in LABEL_WORDS if w not in ("dog", "cat")
    ]
    assert 0 not in ranked[1]["scores"]


def test_shortlist_on_the_statement_models_encoder(sharp_model):
    clf = _clf(sharp_model, labels=LABEL_WORDS, shortlist=3).fit()
    rows = [LABEL_WORDS[:5], LABEL_WORDS[2:4]]
    ranked = clf.rank(TEXTS[:2], rows)
    _check_against(
        ranked, _oracle(sharp_model, TEXTS[:2], rows, shortlist=3), TEXTS[:2], rows
    )
    assert sum(s > 0 for s in ranked[0]["scores"]) == 3


@pytest.fixture(scope="module")
def encoder(tiny_models):
    st = pytest.importorskip("sentence_transformers")
    from sklearn_statement.utils import quiet_transformers

    with quiet_transformers():
        return st.SentenceTransformer(tiny_models["bert"], device="cpu")


@pytest.mark.parametrize("fit_labels", [None, ["cars", "boats"]])
def test_hybrid_adds_each_candidates_similarity(sharp_model, encoder, fit_labels):
    params = dict(embedding_model=encoder, embedding_weight=7.5)
    clf = _clf(sharp_model, labels=fit_labels, **params).fit()
    ranked = clf.rank(TEXTS, ROWS)
    _check_against(ranked, _oracle(sharp_model, TEXTS, ROWS, **params), TEXTS, ROWS)
    plain = _clf(sharp_model).fit().rank(TEXTS, ROWS)
    assert [r["scores"] for r in plain] != [r["scores"] for r in ranked]


def test_hybrid_on_a_multi_field_template_compares_statements(sharp_model, encoder):
    params = dict(embedding_model=encoder, embedding_weight=5.0)
    rows = [["entailment", "neutral"], ["contradiction", "entailment", "neutral"]]
    clf = _clf(sharp_model, "xnli", **params).fit()
    _check_against(
        clf.rank(NLI, rows),
        _oracle(sharp_model, NLI, rows, "xnli", **params),
        NLI,
        rows,
    )


def test_onnx_backend_ranks_as_torch(sharp_model, tmp_path):
    pytest.importorskip("onnxruntime")
    import shutil

    from sklearn_statement import export_statement_model

    directory = shutil.copytree(sharp_model, tmp_path / "m")
    rng = np.random.default_rng(0)
    validation = (
        [f"the {w} is good." for w in LABEL_WORDS * 4],
        rng.integers(0, 2, 32),
    )
    export_statement_model(directory, quantize=None, validation=validation)
    onnx = _clf(str(directory), backend="onnx").fit().rank(TEXTS, ROWS)
    _check_against(onnx, _oracle(sharp_model, TEXTS, ROWS), TEXTS, ROWS, atol=1e-3)


# ------------------------------------------------ fitting and bad input
def test_rank_needs_fit_and_predict_needs_classes(sharp_model):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        _clf(sharp_model).rank(TEXTS, ROWS)
    clf = _clf(sharp_model).fit()
    assert clf.classes_.shape == (0,) and clf.template_labels_ == ()
    for method in ("predict", "predict_proba", "decision_function", "true_logits"):
        with pytest.raises(ValueError, match=r"open label set.*rank\(X, candidate"):
            getattr(clf, method)(TEXTS)
    # (multi_label's message: test_zero_shot.py)


def test_rank_after_pickle_and_clone(sharp_model):
    import pickle

    from sklearn.base import clone

    clf = _clf(sharp_model).fit()
    expected = clf.rank(TEXTS, ROWS)
    assert pickle.loads(pickle.dumps(clf)).rank(TEXTS, ROWS) == expected
    assert clone(clf).fit().rank(TEXTS, ROWS) == expected


@pytest.mark.parametrize(
    "rows, error, message",
    [
        (ROWS[:3], ValueError, r"3 lists for 4 texts"),
        (ROWS + [["x"]], ValueError, r"5 lists for 4 texts"),
        ([["a"], [], ["b"], ["c"]], ValueError, r"candidate_labels\[1\] is empty"),
        ([["a"], ["b"], None, ["c"]], ValueError, r"candidate_labels\[2\] is None"),
        (
            [["a"], ["b"], ["c"], ["sports", "politics", "sports"]],
            ValueError,
            r"candidate_labels\[3\] lists 'sports' twice \(positions 0 and 2\); "
            r"list each label once per text",
        ),
        (
            [["a", "a "], ["b"], ["c"], ["d"]],
            ValueError,
            r"candidate_labels\[0\]: .*differ only in whitespace",
        ),
        (
            [["a"], ["b", None], ["c"], ["d"]],
            ValueError,
            r"candidate_labels\[1\]\[1\] is None.*remove it from text 1",
        ),
        (
            [["a"], ["b"], ["c", float("nan")], ["d"]],
            ValueError,
            r"candidate_labels\[2\]\[1\] is nan",
        ),
        (
            [["a"], ["b"], ["c"], ["d", "  "]],
            ValueError,
            r"candidate_labels\[3\]\[1\] is the empty label",
        ),
        (
            ["sports", "politics", "a", "b"],
            TypeError,
            r"candidate_labels\[0\] is the string 'sports'.*\[labels\] \* len\(X\)",
        ),
        ([{"a"}, ["b"], ["c"], ["d"]], TypeError, r"candidate_labels\[0\] is a set"),
        ([["a"], ["b", object()], ["c"], ["d"]], TypeError, r"\[1\]\[1\] is a object"),
        (
            [["a"], ["b"], [1, 2], ["d"]],
            TypeError,
            r"candidate_labels\[2\]: strings and numbers mixed \(strings in text 0, numbers",
        ),
        ("sports", TypeError, "one list of labels per text"),
        (None, TypeError, "one list of labels per text"),
    ],
)
def test_bad_candidate_labels_name_the_row(sharp_model, rows, error, message):
    clf = _clf(sharp_model).fit()
    with pytest.raises(error, match=message):
        clf.rank(TEXTS, rows)
