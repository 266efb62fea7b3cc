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
from template_registry import get_template, render_statements


def test_the_bi_encoder_sides_follow_the_embedding_rule(sample_dir):
    """input: the example's text; description: the label's statement without it
    (one-field templates), else the whole statement (MRPC's two sentences)."""
    from template_registry import label_description

    ds = load_task("agnews", split="train", data_dir=sample_dir)
    st = build_statements(ds, "agnews", n=40, random_state=0)
    texts = set(ds["text"])
    for row in st:
        template = get_template("agnews", name=row["template"])
        label = template.labels[
            [
                template.statements({"text": row["input"]})[lab]
                for lab in template.labels
            ].index(row["statement"])
        ]
        assert row["input"] in texts
        assert row["description"] == label_description(template, label)
    pairs = build_statements(
        load_task("mrpc", split="train", data_dir=sample_dir), "mrpc", n=10
    )
    assert pairs["description"] == pairs["statement"]
    assert all(len(x.split()) > 3 for x in pairs["input"])  # both sentences


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
    # 100 rows, 2 labels
    ds = load_task("xcopa", language="it", split="validation", data_dir=sample_dir)
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


# ------------------------------------------------------------------ token budget
@pytest.fixture(scope="module")
def tokenizer(tiny_models):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_models["bert"])


def _n_tokens(tokenizer, texts):
    return [len(ids) for ids in tokenizer(list(texts))["input_ids"]]


def test_budget_truncates_input_fields_only(sample_dir, tokenizer):
    ds = load_task("agnews", split="train", data_dir=sample_dir)
    st = build_statements(ds, "agnews", n=100, tokenizer=tokenizer, max_length=128)
    assert len(st) == 100 and sum(st["label"]) == 50
    assert max(_n_tokens(tokenizer, st["statement"])) <= 128
    truncated = 0
    for row in st:
        example = ds[row["example_id"]]
        t = get_template("agnews", name=row["template"])
        # the statements of all labels, fitted together by template_registry
        fitted = render_statements(t, [example], tokenizer=tokenizer, max_length=128)[
            0
        ][0]
        gold = fitted[example["label"]]
        assert (row["statement"] == gold) == bool(row["label"])
        assert row["statement"] in fitted.values()
        truncated += (
            row["statement"]
            != t.statements(example)[
                next(k for k, v in fitted.items() if v == row["statement"])
            ]
        )
    assert truncated > 0  # the sample has news longer than 128 tokens


def test_budget_drop_keeps_whole_texts(sample_dir, tokenizer):
    ds = load_task("agnews", split="train", data_dir=sample_dir)
    st = build_statements(
        ds, "agnews", n=100, tokenizer=tokenizer, max_length=128, over_length="drop"
    )
    assert len(st) == 100 and max(_n_tokens(tokenizer, st["statement"])) <= 128
    for row in st:
        example = ds[row["example_id"]]
        t = get_template("agnews", name=row["template"])
        assert row["statement"] in t.statements(example).values()


def test_budget_drop_reports_a_shortfall(sample_dir, tokenizer):
    ds = load_task("agnews", split="train", data_dir=sample_dir).select(range(40))
    with pytest.warns(UserWarning, match=r"candidates over max_length left out"):
        st = build_statements(
            ds, "agnews", n=80, tokenizer=tokenizer, max_length=80, over_length="drop"
        )
    assert len(st) < 80 and sum(st["label"]) * 2 == len(st)


def test_translation_pairs_over_budget_are_dropped(sample_dir, tokenizer):
    pairs = load_task("tatoeba", language="de", data_dir=sample_dir)
    st = build_translation_statements(
        pairs, n=100, tokenizer=tokenizer, max_length=96, random_state=0
    )
    assert len(st) == 100 and max(_n_tokens(tokenizer, st["statement"])) <= 96
    sentences = set(pairs["source"]) | set(pairs["target"])
    for text in st["statement"]:  # both sentences appear whole: nothing was cut
        assert sum(f'"{s}"' in text for s in sentences) >= 2, text


def test_budget_argument_errors(sample_dir, tokenizer):
    ds = load_task("sst2", split="train", data_dir=sample_dir)
    with pytest.raises(ValueError, match="give both tokenizer= and max_length="):
        build_statements(ds, "sst2", n=4, tokenizer=tokenizer)
    with pytest.raises(ValueError, match="over_length must be one of"):
        build_statements(ds, "sst2", n=4, over_length="cut")
    with pytest.raises(ValueError, match="max_length must be a positive integer"):
        build_statements(ds, "sst2", n=4, tokenizer=tokenizer, max_length=0)
    with pytest.raises(ValueError, match="too small"):
        build_statements(ds, "sst2", n=4, tokenizer=tokenizer, max_length=5)
    with pytest.raises(TypeError, match="tokenizer must be"):
        build_statements(ds, "sst2", n=4, tokenizer=3, max_length=16)


@pytest.mark.parametrize(
    "n, balance, message",
    [
        (1, True, r"n=1 is fewer than one example's statements \(2 "),
        (2, False, r"n=2 is fewer than one example's statements \(3 "),
    ],
)
def test_n_below_one_example_is_an_error_not_an_empty_corpus(n, balance, message):
    rows = [{"premise": "a.", "hypothesis": "b.", "label": "entailment"}]
    with pytest.raises(ValueError, match=message):
        build_statements(rows, "xnli", n=n, balance=balance)
    assert len(build_statements(rows, "xnli", n=3, balance=False)) == 3


def test_a_tokenizer_name_is_loaded_by_the_statement_models_loader(
    tiny_models, monkeypatch
):
    """One tokenizer loader: token budgets are counted as the model that trains reads."""
    from pathlib import Path

    from datasets_builders._build import load_tokenizer
    from sklearn_statement import models

    seen = []
    real = models.load_tokenizer

    def spy(spec, path=None, **kwargs):
        seen.append((spec, path))
        return real(spec, path, **kwargs)

    monkeypatch.setattr(models, "load_tokenizer", spy)
    directory = tiny_models["deberta-v2"]
    tokenizer = load_tokenizer(directory)
    assert seen == [(directory, Path(directory))]
    assert (
        tokenizer("the dog is good.")["input_ids"]
        == real(directory)("the dog is good.")["input_ids"]
    )
