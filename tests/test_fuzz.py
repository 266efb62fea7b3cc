"""Fuzzing the public API with hypothesis, on a tiny random model.

For any generated input the answer is either a clear ``ValueError`` /
``TypeError`` with a message, or a correct result: probabilities that are
finite, in [0, 1], one row per example and one column per class, rows
summing to 1 (unless multi-label), and predictions taken from ``classes_``.
Any other exception type fails the test. Models are loaded once per test
(module fixtures); only the inputs vary. About 1,450 cases run by default.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sklearn_statement import EmbeddingZeroShotClassifier, ZeroShotStatementClassifier
from template_registry import Template, get_template, register_template


def _settings(n: int) -> settings:
    # Deterministic, no example database written into the checkout.
    return settings(
        max_examples=n,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.filter_too_much,
        ],
    )


TRICKY = [
    "the dog is good.",
    "\"double\" and 'single' quotes, commas, semicolons;",
    "{braces} {{doubled}} {0} {label} }{",
    "emoji 😀👍🏽 and 中文 and שלום",
    "line one\nline two\r\n\ttabbed",
    "under_score _ blank",
    "word " * 3000,
    "x",
]
#: Texts a template accepts (non-empty after strip), and any text.
GOOD_TEXT = st.one_of(
    st.sampled_from(TRICKY), st.text(min_size=1, max_size=25).filter(str.strip)
)
TEXT = st.one_of(GOOD_TEXT, st.text(max_size=25))
VALUE = st.one_of(
    TEXT,
    st.none(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.binary(max_size=4),
    st.lists(st.integers(), max_size=2),
)
LABEL = st.one_of(
    st.sampled_from(["sports", "politics", "health", "sports ", " ", "", "Sports"]),
    st.text(max_size=10),
    st.integers(-2, 3),
    st.floats(allow_nan=True),
    st.none(),
    st.booleans(),
)
GOOD_LABELS = st.lists(
    st.sampled_from(["sports", "politics", "health", "science", "travel"]),
    min_size=2,
    max_size=4,
    unique=True,
)
#: A ValueError/TypeError is a clear answer when it says something.
CLEAR = (ValueError, TypeError)


def _check_proba(proba, n, k, *, rows_sum_to_one=True):
    assert isinstance(proba, np.ndarray) and proba.shape == (n, k)
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
    if rows_sum_to_one:
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


@contextlib.contextmanager
def _clear_error():
    """Either no exception, or a ValueError/TypeError with a message."""
    try:
        yield
    except CLEAR as exc:
        assert str(exc).strip(), f"{type(exc).__name__} without a message"
        event(f"clear {type(exc).__name__}")  # --hypothesis-show-statistics
    else:
        event("a result")


def _examples(fields):
    """Mostly valid inputs (so that results get checked), and anything else."""
    good = st.fixed_dictionaries({f: GOOD_TEXT for f in fields})
    one = st.fixed_dictionaries({f: VALUE for f in fields})
    valid = st.lists(good, min_size=1, max_size=4)
    if len(fields) == 1:
        valid = st.one_of(valid, st.lists(GOOD_TEXT, min_size=1, max_size=4))
    return st.one_of(
        valid,
        valid,
        st.lists(st.one_of(good, one, VALUE), min_size=0, max_size=4),
        st.lists(TEXT, min_size=1, max_size=4).map(
            lambda xs: np.asarray(xs, dtype=object)
        ),
        st.builds(
            lambda rows: pd.DataFrame(rows), st.lists(one, min_size=1, max_size=3)
        ),
        VALUE,
        st.dictionaries(st.sampled_from(list(fields) + ["other"]), VALUE, max_size=2),
    )


# ---------------------------------------------------------------- ZeroShotStatementClassifier
@pytest.fixture(scope="module")
def topic_clf(fitted_tiny_tuner):
    return ZeroShotStatementClassifier(
        fitted_tiny_tuner, template="topic", labels=["sports", "politics", "health"]
    ).fit()


@pytest.fixture(scope="module")
def nli_clf(fitted_tiny_tuner):
    return ZeroShotStatementClassifier(fitted_tiny_tuner, template="xnli").fit()


@_settings(200)
@given(X=_examples(("text",)))
def test_zero_shot_predict_one_field(topic_clf, X):
    with _clear_error():
        proba = topic_clf.predict_proba(X)
        _check_proba(proba, len(proba), 3)
        assert len(proba) == len(X)
        pred = topic_clf.predict(X)
        assert set(pred.tolist()) <= set(topic_clf.classes_.tolist())


@_settings(150)
@given(X=_examples(("premise", "hypothesis")))
def test_zero_shot_predict_two_fields(nli_clf, X):
    with _clear_error():
        proba = nli_clf.predict_proba(X)
        _check_proba(proba, len(X), 3)
        z = nli_clf.decision_function(X)
        assert np.isfinite(z).all()


TEMPLATES = st.one_of(
    st.sampled_from(["topic", "xnli", "sst2", "xcopa", "sib200", "nope", ""]),
    st.dictionaries(
        LABEL,
        st.sampled_from(["{text} yes.", "{text} no.", "{t}", "x", "{"]),
        max_size=3,
    ),
    st.sampled_from(
        [None, 3, ["topic"], [], Template("t", {1: "{a} yes", 0: "{a} no"})]
    ),
)


@_settings(250)
@given(
    template=st.one_of(st.sampled_from(["topic", "sst2", "xnli"]), TEMPLATES),
    labels=st.one_of(st.none(), GOOD_LABELS, st.lists(LABEL, max_size=4)),
    y=st.one_of(
        st.none(),
        st.none(),
        st.lists(st.sampled_from(["sports", "politics"]), min_size=2, max_size=2),
        st.lists(LABEL, min_size=2, max_size=2),
    ),
    multi_label=st.booleans(),
    threshold=st.one_of(st.none(), st.none(), st.none(), st.floats(-0.5, 1.5)),
    normalize=st.sampled_from(["softmax", "softmax", "softmax", "sum", "max"]),
    ensemble=st.sampled_from([False, False, True]),
)
def test_zero_shot_fit_any_labels(
    fitted_tiny_tuner, template, labels, y, multi_label, threshold, normalize, ensemble
):
    clf = ZeroShotStatementClassifier(
        fitted_tiny_tuner,
        template=template,
        labels=labels,
        multi_label=multi_label,
        threshold=threshold,
        normalize=normalize,
        ensemble=ensemble,
    )
    X = ["the dog is good.", "a sad man."]
    with _clear_error():
        clf.fit(None if y is None else X, y)
        classes = clf.classes_.tolist()
        assert classes == sorted(classes) and len(set(classes)) == len(classes)
        if not classes:  # an open template fitted without labels: rank only
            assert labels is None and not clf.template_.labels
            with pytest.raises(ValueError, match="open label set"):
                clf.predict_proba(X)
            return
        assert len(classes) >= (1 if multi_label else 2)
        fields = clf._fields()
        if len(fields) != 1:
            return
        proba = clf.predict_proba(X)
        _check_proba(proba, 2, len(classes), rows_sum_to_one=not multi_label)
        pred = clf.predict(X)
        if multi_label:
            assert pred.shape == (2, len(classes)) and set(np.unique(pred)) <= {0, 1}
        else:
            assert set(pred.tolist()) <= set(classes)


@pytest.fixture(scope="module")
def open_classifier(fitted_tiny_tuner):
    return ZeroShotStatementClassifier(fitted_tiny_tuner, template="topic").fit()


@_settings(150)
@given(
    rows=st.one_of(
        st.lists(GOOD_LABELS, min_size=3, max_size=3),  # valid: results get checked
        st.lists(st.lists(LABEL, min_size=1, max_size=3), min_size=3, max_size=3),
        st.lists(st.one_of(GOOD_LABELS, st.lists(LABEL, max_size=4)), max_size=4),
        st.lists(st.one_of(st.none(), TEXT, st.sets(LABEL, max_size=2)), max_size=3),
        VALUE,
    ),
)
def test_rank_any_candidate_lists(open_classifier, rows):
    """Any candidate lists: a clear error, or one ranking per text of its own labels."""
    X = ["the dog is good.", "a sad man.", "x"]
    with _clear_error():
        ranked = open_classifier.rank(X, rows)
        assert len(ranked) == len(X) == len(rows)
        for result, row in zip(ranked, rows):
            assert sorted(map(str, result["labels"])) == sorted(map(str, row))
            scores = np.asarray(result["scores"])
            assert np.isfinite(scores).all() and (np.diff(scores) <= 0).all()
            assert scores.sum() == pytest.approx(1.0)


# ---------------------------------------------------------------- EmbeddingZeroShotClassifier
@pytest.fixture(scope="module")
def encoder(tiny_models):
    st_module = pytest.importorskip("sentence_transformers")
    from sklearn_statement.utils import quiet_transformers

    with quiet_transformers():
        return st_module.SentenceTransformer(tiny_models["bert"], device="cpu")


@_settings(150)
@given(
    labels=st.one_of(GOOD_LABELS, GOOD_LABELS, st.none(), st.lists(LABEL, max_size=4)),
    hypothesis=st.one_of(
        st.none(),
        st.none(),
        st.sampled_from(["About {label}.", "{label}", "no slot", "{label} {x}", "{"]),
    ),
    X=_examples(("text",)),
)
def test_embedding_any_labels_and_inputs(encoder, labels, hypothesis, X):
    clf = EmbeddingZeroShotClassifier(
        encoder, template="topic", labels=labels, hypothesis=hypothesis
    )
    with _clear_error():
        clf.fit()
        k = len(clf.classes_)
        assert k >= 2 and clf.classes_.tolist() == sorted(clf.classes_.tolist())
        proba = clf.predict_proba(X)
        _check_proba(proba, len(X), k)


# ---------------------------------------------------------------- template registry
@_settings(150)
@given(
    task=st.one_of(
        st.sampled_from(["xnli", "topic", "sib200", "copa", "nli", "xcopa", "sst2"]),
        st.sampled_from(["xnli", "topic", "sib200", "copa", "nli", "xcopa", "sst2"]),
        st.text(max_size=8),
    ),
    language=st.one_of(
        st.sampled_from(["en", "de", "eng_Latn", "fr", "sw", "zz", ""]),
        st.text(max_size=6),
    ),
    name=st.one_of(
        st.none(),
        st.none(),
        st.sampled_from(["implies", "is_about", "nope"]),
        st.text(max_size=5),
    ),
)
def test_get_template_any_names(task, language, name):
    with _clear_error():
        template = get_template(task, language=language, name=name)
        assert isinstance(template, Template) and template.fields


@_settings(100)
@given(
    task=st.one_of(
        st.sampled_from(["topic", "fuzz_task", "fuzz_task", " "]), st.text(max_size=6)
    ),
    statements=st.one_of(
        st.dictionaries(
            st.sampled_from(["yes", "no", "maybe", 0, 1]),
            st.sampled_from(["{text} yes.", "{text} no.", "Is {text} so?"]),
            min_size=1,
            max_size=3,
        ),
        st.dictionaries(
            st.one_of(st.text(max_size=6), st.integers(0, 3)),
            st.one_of(
                st.sampled_from(["{text} yes.", "{text} {label}", "{text", "plain"]),
                st.text(max_size=12),
            ),
            max_size=3,
        ),
    ),
    label_statement=st.one_of(
        st.none(), st.sampled_from(["{text} is {label}.", "{label}"])
    ),
    language=st.sampled_from(["en", "de", "xx-invalid"]),
    overwrite=st.booleans(),
)
def test_register_template_any_template(
    scratch_registry, task, statements, label_statement, language, overwrite
):
    with _clear_error():
        template = Template(
            task,
            statements,
            label_statement=label_statement,
            language=language,
            name="fuzz",
        )
        register_template(template, overwrite=overwrite)
        found = get_template(task, language=template.language, name="fuzz")
        assert found == template


# ---------------------------------------------------------------- build_statements
@_settings(150)
@given(
    rows=st.one_of(
        st.lists(
            st.fixed_dictionaries({"text": GOOD_TEXT, "label": st.integers(0, 1)}),
            min_size=1,
            max_size=6,
        ),
        st.lists(
            st.fixed_dictionaries(
                {"text": VALUE, "label": st.one_of(st.integers(-1, 2), LABEL)}
            ),
            max_size=6,
        ),
    ),
    template=st.sampled_from(
        [
            "sst2",
            "sst2",
            Template("t", {1: "{text} yes", 0: "{text} no"}),
            "topic",
            "nope",
        ]
    ),
    n=st.one_of(
        st.integers(1, 12), st.integers(-1, 12), st.sampled_from([1.5, "4", None])
    ),
    balance=st.booleans(),
    paired=st.booleans(),
)
def test_build_statements_any_rows(rows, template, n, balance, paired):
    from datasets_builders import build_statements

    with _clear_error(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = build_statements(rows, template, n=n, balance=balance, paired=paired)
        assert {"statement", "label", "example_id"} <= set(ds.column_names)
        assert 0 < len(ds) <= n and set(ds["label"]) <= {0, 1}
        assert all(isinstance(s, str) and s.strip() for s in ds["statement"])
        if len(ds) < n - n % 2:  # short data is said, never padded with repeats
            assert any(f"built {len(ds)}" in str(w.message) for w in caught)


# ---------------------------------------------------------------- CLI predict on files
@pytest.fixture(scope="module")
def cli_model(fitted_tiny_tuner, tmp_path_factory):
    """A saved model directory; loading it is served from memory in the loop."""
    return str(fitted_tiny_tuner.save_pretrained(tmp_path_factory.mktemp("fuzz") / "m"))


@pytest.fixture()
def preloaded(cli_model, fitted_tiny_tuner, monkeypatch):
    from sklearn_statement import models

    real = models.load_statement_model

    def load(spec, **kwargs):
        if spec == cli_model:
            return fitted_tiny_tuner.module_, fitted_tiny_tuner.tokenizer_
        return real(spec, **kwargs)

    monkeypatch.setattr(models, "load_statement_model", load)
    return cli_model


def _write_input(path: Path, kind: str, frame: pd.DataFrame) -> None:
    if kind == "csv":
        frame.to_csv(path, index=False)
    elif kind == "tsv":
        frame.to_csv(path, sep="\t", index=False)
    elif kind == "jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    elif kind == "json":
        frame.to_json(path, orient="records", force_ascii=False)
    elif kind == "parquet":
        frame.astype(str).to_parquet(path)
    else:
        path.write_text("\n".join(map(str, frame.iloc[:, 0])), encoding="utf-8")


@_settings(150)
@given(
    texts=st.one_of(
        st.lists(
            GOOD_TEXT.filter(lambda t: "\n" not in t and "\r" not in t),
            min_size=1,
            max_size=4,
        ),
        st.lists(
            st.one_of(TEXT, st.sampled_from(["", "  ", "a,b", '"q"'])), max_size=4
        ),
    ),
    column=st.sampled_from(["text", "text", "body", "Text"]),
    kind=st.sampled_from(["csv", "tsv", "jsonl", "json", "parquet", "txt"]),
    out_kind=st.sampled_from(["csv", "jsonl", "parquet", None]),
    text_column=st.sampled_from([None, None, "body", "missing"]),
    labels=st.sampled_from(
        [
            ["sports", "politics"],
            ["sports", "politics", "health"],
            ["sports"],
            ["a", "a "],
            None,
        ]
    ),
    multi_label=st.booleans(),
)
def test_cli_predict_any_file(
    preloaded, texts, column, kind, out_kind, text_column, labels, multi_label
):
    from sklearn_statement.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"in.{kind}"
        _write_input(src, kind, pd.DataFrame({column: texts}, dtype=object))
        argv = [
            "predict",
            "--model",
            preloaded,
            "--template",
            "topic",
            "--input",
            str(src),
        ]
        if labels is not None:
            argv += ["--labels", *labels]
        if text_column is not None:
            argv += ["--text-column", text_column]
        if multi_label:
            argv += ["--multi-label"]
        out = Path(tmp) / f"out.{out_kind}" if out_kind else None
        if out is not None:
            argv += ["--output", str(out)]
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(argv)
        if code == 2:  # one clear line
            (line,) = stderr.getvalue().strip().splitlines()
            assert (
                line.startswith("sklearn-statement predict: error: ") and len(line) > 40
            )
            event("exit 2, one line")
            return
        assert code == 0
        event("exit 0")
        if out is None:
            rows = [json.loads(line) for line in stdout.getvalue().splitlines()]
            probs = np.asarray([list(r["probabilities"].values()) for r in rows])
        else:
            table = {
                "csv": pd.read_csv,
                "jsonl": lambda p: pd.read_json(p, lines=True),
                "parquet": pd.read_parquet,
            }[out_kind](out)
            probs = table[
                [c for c in table.columns if c.startswith("proba_")]
            ].to_numpy()
            rows = table["row"].tolist()
        assert len(rows) >= 1 and np.isfinite(probs).all()
        if not multi_label:
            np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-3)
        assert not math.isnan(float(probs.sum()))
