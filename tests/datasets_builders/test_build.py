"""Statement building: counts, balance, determinism, held-out families, MT."""

from collections import Counter

import pytest

from datasets_builders import (
    STATEMENT_COLUMNS,
    build_multitask,
    build_statements,
    build_translation_statements,
    load_task,
)
from template_registry import get_template


def test_balanced_exact_counts_and_columns(sample_dir):
    ds = load_task("agnews", split="train", data_dir=sample_dir)
    st = build_statements(ds, "agnews", n=300, random_state=1)
    assert st.column_names == list(STATEMENT_COLUMNS)
    assert len(st) == 300 and sum(st["label"]) == 150
    assert len(set(st["statement"])) == 300
    assert (
        set(st["task"]) == {"agnews"}
        and set(st["family"]) == {"topic"}
        and set(st["language"]) == {"en"}
    )
    assert set(st["template"]) == {"is_about", "topic_is", "article_about"}


def test_true_is_gold_statement_false_is_another_label(sample_dir):
    ds = load_task("sst2", split="train", data_dir=sample_dir)
    st = build_statements(ds, "sst2", n=60, random_state=0)
    for row in st:
        ex = ds[row["example_id"]]
        t = get_template("sst2", name=row["template"])
        statements = t.statements(ex)
        gold = statements[ex["label"]]
        assert (row["statement"] == gold) == bool(row["label"])
        assert row["statement"] in statements.values()


def test_deterministic_and_seed_dependent(sample_dir):
    ds = load_task("mrpc", split="train", data_dir=sample_dir)
    a = build_statements(ds, "mrpc", n=100, random_state=3)
    b = build_statements(ds, "mrpc", n=100, random_state=3)
    c = build_statements(ds, "mrpc", n=100, random_state=4)
    assert a["statement"] == b["statement"]
    assert a["statement"] != c["statement"]


def test_short_data_warns_and_never_pads(sample_dir):
    ds = load_task(
        "xcopa", language="it", split="validation", data_dir=sample_dir
    )  # 100 rows, 2 labels
    with pytest.warns(
        UserWarning, match=r"asked for 1500 statements .* allows only 200"
    ):
        st = build_statements(ds, "xcopa", n=1500)
    assert (
        len(st) == 200 and sum(st["label"]) == 100 and len(set(st["statement"])) == 200
    )


def test_unbalanced_draw(sample_dir):
    ds = load_task("sib200", split="test", data_dir=sample_dir)
    st = build_statements(ds, "sib200", n=700, balance=False, random_state=0)
    assert len(st) == 700
    assert 50 < sum(st["label"]) < 150  # about 1/7 true


def test_invalid_rows_and_labels_are_reported(sample_dir):
    rows = [
        {"text": "good", "label": 1},
        {"text": " ", "label": 0},
        {"text": "bad", "label": 0},
    ]
    with pytest.warns(UserWarning, match=r"1 of 3 rows have an empty"):
        st = build_statements(rows, "sst2", n=2, random_state=0)
    assert len(st) == 2
    with pytest.raises(ValueError, match="have no statement"):
        build_statements([{"text": "x", "label": 7}], "sst2", n=2)
    with pytest.raises(ValueError, match="empty"):
        build_statements([], "sst2", n=2)
    with pytest.raises(ValueError, match="positive integer"):
        build_statements(rows, "sst2", n=0)
    with pytest.raises(TypeError, match="template must be"):
        build_statements(rows, 3, n=2)


def test_multitask_counts_groups_and_held_out_family(sample_dir):
    tasks = ["sst2", "mrpc", "rte", "snli", "agnews", "tatoeba"]
    st = build_multitask(
        tasks,
        languages=["en", "de"],
        n_per_task=100,
        data_dir=sample_dir,
        exclude_families=["nli"],
        random_state=0,
    )
    counts = Counter(zip(st["task"], st["language"], st["label"]))
    assert counts == {
        (t, lang, lab): 50
        for t, lang in [
            ("sst2", "en"),
            ("mrpc", "en"),
            ("agnews", "en"),
            ("tatoeba", "de"),
        ]
        for lab in (0, 1)
    }
    assert "nli" not in set(st["family"])
    assert set(st["family"]) == {"sentiment", "paraphrase", "topic", "translation"}
    again = build_multitask(
        tasks,
        languages=["en", "de"],
        n_per_task=100,
        data_dir=sample_dir,
        exclude_families=["nli"],
        random_state=0,
    )
    assert again["statement"] == st["statement"]


def test_multitask_nothing_left(sample_dir):
    with pytest.raises(ValueError, match="no statements"):
        build_multitask(["rte"], data_dir=sample_dir, exclude_families=["nli"])


def test_translation_statements_hard_negatives(sample_dir):
    pairs = load_task("tatoeba", language="de", data_dir=sample_dir)
    st = build_translation_statements(pairs, n=200, random_state=0)
    assert len(st) == 200 and sum(st["label"]) == 100
    assert (
        set(st["task"]) == {"tatoeba"}
        and set(st["language"]) == {"de"}
        and set(st["family"]) == {"translation"}
    )
    aligned = {(s, t) for s, t in zip(pairs["source"], pairs["target"])}
    for row in st.select(range(40)):
        text = row["statement"]
        positive = any(
            p in text
            for p in (
                '" is a translation of "',
                '" mean the same thing',
                '" translates to "',
            )
        )
        mentions_aligned = any(
            f'"{s}"' in text and f'"{t}"' in text for s, t in aligned
        )
        # true statements assert translation for aligned pairs or deny it for mismatched ones
        assert bool(row["label"]) == (positive == mentions_aligned)


def test_translation_needs_two_pairs():
    with pytest.raises(ValueError, match="at least 2"):
        build_translation_statements([("a", "b")], n=2)
