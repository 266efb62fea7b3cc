"""The registry: built-in files, dataset bindings, lookup, user extension."""

import pytest

from template_registry import (
    Template,
    TemplateError,
    dataset_info,
    get_template,
    list_tasks,
    list_templates,
    load_templates,
    register_template,
)
from template_registry._registry import _iter_all_dataset_templates

FAMILIES = {
    "nli",
    "paraphrase",
    "sentiment",
    "topic",
    "answerability",
    "commonsense",
    "offensive",
    "hate",
    "irony",
    "emotion",
    "translation",
    "copa",
    "winograd",
    "similarity",
    "story_ending",
    "extractive_qa",
    "reading_comprehension",
    "word_in_context",
    "intent",
    "summarization",
    "exams",
}
DATASETS = {
    "xnli",
    "xcopa",
    "pawsx",
    "xwinograd",
    "sib200",
    "sst2",
    "mrpc",
    "rte",
    "qnli",
    "stsb",
    "agnews",
    "comve",
    "snli",
    "tweeteval_offensive",
    "tweeteval_emotion",
    "tweeteval_hate",
    "tweeteval_irony",
    "tweeteval_sentiment",
    "nusax_sentiment",
    "tatoeba",
    "nusax_mt",
    "flores",
}


def test_every_family_has_three_english_variants():
    by_task = {}
    for t in list_templates(language="en"):
        by_task.setdefault(t.task, []).append(t.name)
    assert FAMILIES <= set(by_task)
    for family in FAMILIES:
        assert len(by_task[family]) >= 3, family


def test_every_dataset_key_resolves_to_its_family():
    tasks = list_tasks()
    assert DATASETS <= set(tasks)
    for name in DATASETS:
        t = get_template(name)
        assert t.dataset == name and t.task == tasks[name]
        assert t.labels == dataset_info(name)["labels"]


def test_every_builtin_dataset_template_renders_its_example():
    n = 0
    for t in _iter_all_dataset_templates():
        example = dict(t.example) if t.example else None
        assert example is not None, f"{t!r} has no worked example"
        statements = t.statements(example)
        assert list(statements) == list(t.labels)
        assert len(set(statements.values())) == len(t.labels), (
            f"{t!r} gives identical statements"
        )
        n += 1
    assert n >= 3 * len(DATASETS)


def test_xnli_template_and_fallback_language():
    t = get_template("xnli")
    assert (t.task, t.fields, t.labels) == (
        "nli",
        ("premise", "hypothesis"),
        ("entailment", "neutral", "contradiction"),
    )
    assert get_template("xnli", language="swh_Latn").language == "sw"  # native
    assert get_template("xnli", language="quy_Latn").language == "en"  # fallback
    assert get_template("xnli", name="given").name == "given"


def test_lookup_errors_list_what_exists():
    with pytest.raises(ValueError, match="known tasks"):
        get_template("no_such_task")
    with pytest.raises(ValueError, match="names: "):
        get_template("xnli", name="nope")
    with pytest.raises(ValueError, match="unknown"):
        get_template("xnli", language="qq")
    with pytest.raises(ValueError, match="known datasets"):
        dataset_info("nope")


def test_register_template_serves_family_datasets(scratch_registry):
    t = Template(
        "paraphrase",
        {
            "paraphrase": "{sentence1} = {sentence2}",
            "not_paraphrase": "{sentence1} != {sentence2}",
        },
        name="mine",
    )
    register_template(t)
    got = get_template("pawsx", name="mine")
    assert got.labels == (0, 1)
    assert got.statements({"sentence1": "a", "sentence2": "b"}) == {
        0: "a != b",
        1: "a = b",
    }
    with pytest.raises(TemplateError, match="already registered"):
        register_template(t)
    register_template(t, overwrite=True)
    with pytest.raises(TypeError):
        register_template({"not": "a template"})


def test_load_templates_from_user_directory(tmp_path, scratch_registry):
    (tmp_path / "intent.en.yaml").write_text(
        "task: intent\nlanguage: en\nfields: [utterance]\ntemplates:\n"
        "  - name: wants\n    label_statement: 'The user who said \"{utterance}\" wants to {label}.'\n",
        encoding="utf-8",
    )
    loaded = load_templates(tmp_path)
    assert [t.name for t in loaded] == ["wants"]
    t = get_template("intent").with_labels(["book a flight"])
    assert t.statements({"utterance": "Get me to Rome"}) == {
        "book a flight": 'The user who said "Get me to Rome" wants to book a flight.'
    }


@pytest.mark.parametrize(
    "text, message",
    [
        ("task: t\nlanguage: en\n", "missing key 'templates'"),
        ("task: t\nlanguage: en\nbogus: 1\ntemplates: []\n", "unknown key"),
        (
            "task: t\nlanguage: en\ntemplates:\n  - name: a\n    statements: {1: '{x}'}\n"
            "  - name: a\n    statements: {1: '{x}'}\n",
            "duplicate template name 'a'",
        ),
        (
            "task: t\nlanguage: en\nfields: [x]\ntemplates:\n  - name: a\n    statements: {1: '{y}'}\n",
            "unknown placeholder",
        ),
        (
            "task: t\nlanguage: en\nfields: [x, z]\ntemplates:\n  - name: a\n    statements: {1: '{x}'}\n",
            "declared but no statement uses them",
        ),
        (
            "task: t\nlanguage: en\nlabels: [0, 1]\ntemplates:\n  - name: a\n    statements: {1: '{x}'}\n",
            "have no statement",
        ),
        (
            "task: t\nlanguage: zz\ntemplates:\n  - name: a\n    statements: {1: '{x}'}\n",
            "unknown ISO",
        ),
        ("task: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_yaml_files_name_file_and_fix(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError, match=message) as err:
        load_templates(path, register=False)
    assert "bad.yaml" in str(err.value)


def test_missing_path():
    with pytest.raises(FileNotFoundError):
        load_templates("/no/such/dir")
