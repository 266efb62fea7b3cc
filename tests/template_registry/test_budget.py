"""Token budgets: long inputs are truncated, the label part never is."""

import pytest

from template_registry import Template, get_template, render_statements


@pytest.fixture(scope="module")
def tokenizer(tiny_models):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_models["bert"])


def test_short_inputs_untouched(tokenizer):
    t = get_template("xnli")
    ex = {"premise": "the dog is good.", "hypothesis": "the dog is bad."}
    statements, ids = render_statements(t, [ex], tokenizer=tokenizer, max_length=128)
    assert statements == [t.statements(ex)]
    assert [len(x) for x in ids[0]] == [
        len(tokenizer(s)["input_ids"]) for s in statements[0].values()
    ]


def test_ten_thousand_word_premise_keeps_distinct_label_parts(tokenizer):
    t = get_template("xnli")
    premise = " ".join(["the dog is good"] * 2500)  # 10,000 words
    ex = {"premise": premise, "hypothesis": "the dog is bad."}
    statements, ids = render_statements(t, [ex], tokenizer=tokenizer, max_length=64)
    rendered = statements[0]
    assert all(len(x) <= 64 for x in ids[0])
    assert len(set(rendered.values())) == 3  # every label's statement survives
    assert rendered["entailment"].endswith('implies that "the dog is bad.".')
    assert rendered["contradiction"].endswith('contradicts that "the dog is bad.".')
    kept = rendered["entailment"].split('" implies')[0].lstrip('"')
    # a verbatim prefix
    assert premise.startswith(kept) and 0 < len(kept) < len(premise)


def test_budget_shared_between_long_fields(tokenizer):
    t = Template("p", {1: "{a} same {b}", 0: "{a} differs {b}"})
    ex = {"a": " ".join(["dog"] * 500), "b": " ".join(["cat"] * 500)}
    statements, ids = render_statements(t, [ex], tokenizer=tokenizer, max_length=40)
    assert all(len(x) <= 40 for x in ids[0])
    a_kept = statements[0][1].split(" same ")[0].count("dog")
    b_kept = statements[0][1].split(" same ")[1].count("cat")
    assert a_kept > 5 and b_kept > 5 and abs(a_kept - b_kept) <= 2


def test_too_small_budget_is_an_error(tokenizer):
    t = get_template("xnli")
    with pytest.raises(ValueError, match="too small"):
        render_statements(
            t,
            [{"premise": "x " * 50, "hypothesis": "y"}],
            tokenizer=tokenizer,
            max_length=10,
        )


def test_without_tokenizer_no_ids():
    statements, ids = render_statements(get_template("sst2"), [{"text": "good"}])
    assert ids is None and statements[0][1] == '"good" expresses a positive sentiment.'


def test_blank_survives_truncation(tokenizer):
    t = get_template("xwinograd")
    sentence = (
        " ".join(["the dog is good"] * 300)
        + " because _ was happy "
        + " ".join(["the man is sad"] * 300)
    )
    ex = {"sentence": sentence, "option1": "the dog", "option2": "the man"}
    statements, ids = render_statements(t, [ex], tokenizer=tokenizer, max_length=48)
    assert all(len(x) <= 48 for x in ids[0])
    assert (
        "because the dog was happy" in statements[0][1]
        and "because the man was happy" in statements[0][2]
    )
