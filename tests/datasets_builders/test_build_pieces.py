"""The pieces of ``build_columns``: candidate generators and ``_Taken.take``.

The generators are pure functions of the example order, the labels and the
random generator; ``_Taken`` accepts whole groups of candidates, never a
statement twice, and counts the groups dropped for the token budget.
"""

from collections import Counter

import numpy as np
import pytest

from datasets_builders._build import (
    BuildReport,
    _Taken,
    independent_false,
    independent_true,
    paired_groups,
    uniform_candidates,
)

LABELS = ["a", "b", "c"]
GOLD = ["a", "b", "c", "a", "b"]
ORDER = np.array([3, 0, 4, 1, 2])


def rng():
    return np.random.default_rng(0)


@pytest.mark.parametrize("negatives, size", [(1, 2), (None, 3)])
def test_paired_groups_put_the_true_statement_first_under_one_variant(negatives, size):
    groups = list(paired_groups(ORDER, GOLD, LABELS, 4, rng(), negatives))
    assert [g[0][0] for g in groups] == list(ORDER)  # one group per example, in order
    for group in groups:
        (i,) = {c[0] for c in group}
        assert len(group) == size and group[0][1] == GOLD[i]
        assert len({c[2] for c in group}) == 1  # the same template variant
        wrong = [c[1] for c in group[1:]]
        assert GOLD[i] not in wrong and len(set(wrong)) == len(wrong)


def test_independent_true_gives_each_example_its_gold_statement():
    groups = list(independent_true(ORDER, GOLD, 2, rng()))
    assert [g for (g,) in groups] == [
        (i, GOLD[i], g[0][2]) for i, g in zip(ORDER, groups)
    ]
    assert {g[0][2] for g in groups} <= {0, 1}


def test_independent_false_starts_after_the_true_ones_and_covers_every_wrong_label():
    groups = list(independent_false(ORDER, GOLD, LABELS, 1, rng(), start=2))
    candidates = [c for (c,) in groups]
    # first pass: one wrong label per example, from order[2:] then wrapping round
    assert [c[0] for c in candidates[: len(ORDER)]] == [4, 1, 2, 3, 0]
    assert all(lab != GOLD[i] for i, lab, _ in candidates)
    pairs = Counter((i, lab) for i, lab, _ in candidates)
    expected = {(i, lab) for i in ORDER for lab in LABELS if lab != GOLD[i]}
    assert set(pairs) == expected and set(pairs.values()) == {1}


def test_uniform_candidates_are_every_example_label_pair_once():
    candidates = [c for (c,) in uniform_candidates(ORDER, LABELS, 1, rng())]
    assert Counter((i, lab) for i, lab, _ in candidates) == Counter(
        {(i, lab): 1 for i in ORDER for lab in LABELS}
    )
    again = [c for (c,) in uniform_candidates(ORDER, LABELS, 1, rng())]
    assert again == candidates  # a pure function of the generator


def _taken(render=None):
    def plain(i, t):
        return {lab: f"example {i} is {lab}" for lab in LABELS}, False

    report = BuildReport("t", "en", asked=0, rows=len(GOLD), labels=len(LABELS))
    return _Taken(
        render or plain,
        GOLD,
        ["v0", "v1"],
        report,
        text_of=lambda i: f"example {i}",
        describe=lambda i, lab, t: f"it is {lab}",
    )


def test_take_keeps_groups_whole_within_the_quota():
    taken = _taken()
    groups = [[(0, "a", 0), (0, "b", 0)], [(1, "b", 1), (1, "a", 1)], [(2, "c", 0)]]
    assert taken.take(groups, quota=3) == 2  # the second group would not fit whole
    assert [(r[0], r[1], r[2], r[3]) for r in taken.rows] == [
        ("example 0 is a", 1, "v0", 0),
        ("example 0 is b", 0, "v0", 0),
    ]
    assert taken.take(groups[1:], quota=3) == 3  # the next call has its own quota


def test_take_refuses_a_group_that_repeats_a_statement():
    taken = _taken()
    taken.take([[(0, "a", 0)]], quota=10)
    groups = [[(1, "b", 0), (0, "a", 0)], [(3, "a", 0), (3, "a", 1)], [(4, "b", 0)]]
    assert taken.take(groups, quota=10) == 1
    assert [r[0] for r in taken.rows] == ["example 0 is a", "example 4 is b"]
    assert taken.report.dropped == 0


def test_take_counts_groups_dropped_for_the_budget():
    def render(i, t):
        if i == 1:  # over max_length with over_length="drop"
            return None, True
        return {lab: f"{i}{lab}" for lab in LABELS}, i == 2

    taken = _taken(render)
    groups = [[(0, "a", 0)], [(1, "b", 0), (1, "a", 0)], [(2, "c", 0)]]
    assert taken.take(groups, quota=10) == 2
    assert taken.report.dropped == 1
    assert [(r[0], r[4]) for r in taken.rows] == [("0a", False), ("2c", True)]


def test_keep_balanced_and_columns():
    taken = _taken()
    groups = [[(0, "a", 0)], [(0, "b", 0)], [(1, "a", 0)], [(3, "a", 1)], [(4, "a", 0)]]
    taken.take(groups, 10)  # 2 true, 3 false
    taken.keep_balanced()  # the first 2 of each
    assert [(r[3], r[1]) for r in taken.rows] == [(0, 1), (3, 1), (0, 0), (1, 0)]
    columns = taken.columns(rng(), task="t", family="f", language="en")
    assert sorted(columns["statement"]) == sorted(r[0] for r in taken.rows)
    assert columns["task"] == ["t"] * 4 and columns["family"] == ["f"] * 4
    assert list(columns) == [
        "statement",
        "label",
        "task",
        "family",
        "language",
        "template",
        "example_id",
        "input",
        "description",
    ]
    # the bi-encoder's sides follow each statement row
    by_statement = dict(zip(columns["statement"], columns["description"]))
    assert all(
        by_statement[r[0]] == f"it is {'a' if r[0].endswith('a') else 'b'}"
        for r in taken.rows
    )
    assert sorted(set(columns["input"])) == ["example 0", "example 1", "example 3"]
