"""Template: validation, rendering, blanks, switches, braces."""

import pytest

from template_registry import Template, TemplateError


def test_statements_one_per_label_in_order():
    t = Template("sentiment", {"pos": "{text} Great.", "neg": "{text} Awful."})
    assert t.fields == ("text",)
    assert t.labels == ("pos", "neg")
    assert t.statements({"text": "I loved it."}) == {
        "pos": "I loved it. Great.",
        "neg": "I loved it. Awful.",
    }


def test_literal_braces_and_verbatim_values():
    t = Template("x", {1: "{{literal}} {text} }}"})
    assert t.statements({"text": "a {b} c"})[1] == "{literal} a {b} c }"


def test_blank_fill():
    t = Template("winograd", {1: "{sentence:_=option1}", 2: "{sentence:_=option2}"})
    assert t.fields == ("sentence", "option1", "option2")
    out = t.statements(
        {
            "sentence": "The cup fell because _ was wet.",
            "option1": "the cup",
            "option2": "the hand",
        }
    )
    assert out == {
        1: "The cup fell because the cup was wet.",
        2: "The cup fell because the hand was wet.",
    }
    with pytest.raises(ValueError, match="blank"):
        t.statements({"sentence": "no blank here", "option1": "a", "option2": "b"})


def test_switch_selects_case():
    t = Template(
        "copa",
        {
            0: {
                "cause": "{premise} because {choice1}",
                "effect": "{premise} so {choice1}",
            },
            1: {
                "cause": "{premise} because {choice2}",
                "effect": "{premise} so {choice2}",
            },
        },
        switch="question",
    )
    ex = {"premise": "P", "choice1": "A", "choice2": "B", "question": "effect"}
    assert t.statements(ex) == {0: "P so A", 1: "P so B"}
    with pytest.raises(ValueError, match="expected one of"):
        t.statements({**ex, "question": "why"})


def test_open_template_needs_labels_then_verbalizes():
    t = Template(
        "topic",
        label_statement="{text} is about {label}.",
        verbalizer={"sci": "science"},
    )
    assert t.labels == () and t.is_open
    with pytest.raises(ValueError, match="open label set"):
        t.statements({"text": "x"})
    t2 = t.with_labels(["sci", "sports"])
    assert t2.statements({"text": "Goal!"}) == {
        "sci": "Goal! is about science.",
        "sports": "Goal! is about sports.",
    }


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(statements={1: "{text"}), "cannot parse"),
        (dict(statements={1: "{text.attr}"}), "plain field name"),
        (dict(statements={1: "{text!r}"}), "conversion"),
        (dict(statements={1: "{text:>10}"}), "format spec"),
        (
            dict(statements={1: "{text}"}, fields=("text", "other")),
            r"declared but no statement uses them",
        ),
        (dict(statements={1: "{txt}"}, fields=("text",)), "unknown placeholder"),
        (
            dict(statements={1: "{text}"}, labels=(1, 2)),
            r"label\(s\) \[2\] have no statement",
        ),
        (
            dict(statements={1: "{text} {label}"}),
            "may only appear in 'label_statement'",
        ),
        (dict(statements={}), "give a statement per label"),
        (dict(statements={1: "no fields"}), "uses no input field"),
        # one label without the input: its statement would be the same for every text
        (
            dict(statements={"pos": "It was great.", "neg": "{text} awful."}),
            "label 'pos'.s statement 'It was great.' uses no input field",
        ),
        (dict(statements={1: "{a}"}, language="xx"), "unknown ISO 639-1"),
        (dict(label_statement="{text} only"), "no '{label}' slot"),
    ],
)
def test_invalid_templates_raise_with_reason(kwargs, message):
    with pytest.raises(TemplateError, match=message):
        Template("task", **kwargs)


def test_error_names_file_and_template():
    with pytest.raises(TemplateError, match=r"my\.yaml: template 'v1' of task 'task'"):
        Template("task", {1: "{x"}, name="v1", source="my.yaml")


@pytest.mark.parametrize(
    "value, message", [(None, "is None"), ("   ", "is empty"), (float("nan"), "NaN")]
)
def test_bad_field_values(value, message):
    t = Template("t", {1: "{text}"})
    with pytest.raises(ValueError, match=message):
        t.statements({"text": value})


def test_missing_field_and_non_mapping():
    t = Template("t", {1: "{a} {b}"})
    with pytest.raises(ValueError, match=r"missing template field\(s\) \['b'\]"):
        t.statements({"a": "x"})
    with pytest.raises(TypeError, match="mapping"):
        t.statements("x")


def test_equality_and_roundtrip():
    t = Template("t", {1: "{a}", 0: "not {a}"}, name="n")
    assert (
        Template(
            **{k: v for k, v in t.to_dict().items() if k not in ("statements", "task")},
            task="t",
            statements=t.to_dict()["statements"],
        )
        == t
    )
    assert t != Template("t", {1: "{a}", 0: "no {a}"}, name="n")


def test_errors_do_not_echo_a_long_input():
    t = Template("winograd", {1: "{sentence:_=option1}", 2: "{sentence:_=option2}"})
    long = "word " * 50_000
    with pytest.raises(ValueError, match=r"must contain the blank") as info:
        t.statements({"sentence": long, "option1": "a", "option2": "b"})
    assert len(str(info.value)) < 400 and "250000 characters" in str(info.value)


def test_replace_changes_only_what_is_given_and_validates():
    t = Template(
        "t", {1: "{a} is so.", 0: "{a} is not so."}, name="n", verbalizer={1: "yes"}
    )
    r = t.replace(name="other", language="de")
    assert (r.name, r.language) == ("other", "de")
    assert (r.task, r.fields, r.labels, dict(r.verbalizer)) == (
        t.task,
        t.fields,
        t.labels,
        {1: "yes"},
    )
    assert r.statements({"a": "x"}) == t.statements({"a": "x"})
    assert (t.name, t.language) == ("n", "en")  # the original is untouched
    assert t.with_labels([0]) == t.replace(labels=(0,))
    with pytest.raises(TemplateError, match=r"label\(s\) \[2\] have no statement"):
        t.replace(labels=(1, 2))
    with pytest.raises(TypeError, match=r"unknown argument\(s\) \['nmae'\]"):
        t.replace(nmae="typo")


def test_field_values_are_the_validated_texts_of_the_fields():
    t = Template("t", {1: "{a} and {b}"})
    assert t.field_values({"b": 2, "a": "x", "extra": None}) == {"a": "x", "b": "2"}
    with pytest.raises(ValueError, match="field 'b' is empty"):
        t.field_values({"a": "x", "b": " "})
