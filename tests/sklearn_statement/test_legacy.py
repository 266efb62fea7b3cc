"""Pickles and private imports made before the subpackages (version 0.1) still work.

``data/premove/`` holds a StatementTuner and a ZeroShotStatementClassifier
pickled by the code of commit 66a5cec (``scripts/make_premove_pickles.py``),
with their predictions, and ``names.json``: the ``__all__`` of every module of
that version.
"""

from __future__ import annotations

import importlib
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sklearn_statement import StatementTuner, ZeroShotStatementClassifier, _legacy

DATA = Path(__file__).with_name("data") / "premove"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
OLD_NAMES = json.loads((DATA / "names.json").read_text(encoding="utf-8"))


def _load(name: str):
    with open(DATA / name, "rb") as f:
        return pickle.load(f)


def test_the_pickles_name_the_old_modules():
    for name in ("tuner.pkl", "zero_shot.pkl"):
        data = (DATA / name).read_bytes()
        assert b"sklearn_statement._tuner" in data
        assert b"sklearn_statement.training" not in data


def test_a_tuner_pickled_before_the_move_predicts_the_same():
    tuner = _load("tuner.pkl")
    assert type(tuner) is StatementTuner
    np.testing.assert_allclose(
        tuner.predict_proba(EXPECTED["statements"]),
        EXPECTED["tuner_proba"],
        rtol=0,
        atol=1e-6,
    )


def test_a_classifier_pickled_before_the_move_predicts_the_same():
    clf = _load("zero_shot.pkl")
    assert type(clf) is ZeroShotStatementClassifier
    assert type(clf.model) is StatementTuner
    assert clf.classes_.tolist() == EXPECTED["classes"]
    texts = EXPECTED["texts"]
    np.testing.assert_allclose(
        clf.true_logits(texts), EXPECTED["zero_shot_true_logits"], rtol=0, atol=1e-5
    )
    np.testing.assert_allclose(
        clf.predict_proba(texts), EXPECTED["zero_shot_proba"], rtol=0, atol=1e-6
    )


def test_every_old_module_is_in_the_table():
    assert set(OLD_NAMES) == set(_legacy.MOVED)


@pytest.mark.parametrize("old", sorted(OLD_NAMES))
def test_old_private_imports_resolve(old):
    module = importlib.import_module(f"sklearn_statement.{old}")
    for name in OLD_NAMES[old]:
        assert getattr(module, name) is not None, f"sklearn_statement.{old}.{name}"
    with pytest.raises(AttributeError, match="moved to"):
        module.no_such_name  # noqa: B018


def test_old_paths_are_found_first_and_cost_nothing_until_asked():
    code = (
        "import sys, sklearn_statement\n"
        "print(any(k.startswith('sklearn_statement.training') for k in sys.modules))\n"
        "from sklearn_statement._tuner import StatementTuner\n"
        "print(StatementTuner.__module__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "sklearn_statement.training._tuner"]
