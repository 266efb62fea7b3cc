"""The built-in catalogue: families, variants, native languages, consistency."""

from __future__ import annotations

import logging
import warnings
from collections import defaultdict
from pathlib import Path

import pytest

import template_registry
from template_registry import (
    Template,
    TemplateError,
    get_template,
    list_tasks,
    list_templates,
    load_templates,
    normalize_language,
)
from template_registry._registry import (
    _check_builtin_file_name,
    _check_native_families,
    _iter_all_dataset_templates,
    _read_template_file,
)

TEMPLATE_DIR = Path(template_registry.__file__).parent / "templates"

# Issue 3: at least 16 task families with >= 3 English variants each, and
# native templates of the evaluation families in at least these 12 languages.
REQUIRED_FAMILIES = {
    "nli",
    "paraphrase",
    "sentiment",
    "topic",
    "answerability",
    "extractive_qa",
    "reading_comprehension",
    "copa",
    "story_ending",
    "winograd",
    "word_in_context",
    "intent",
    "emotion",
    "offensive",
    "hate",
    "irony",
    "summarization",
    "translation",
    "exams",
}
EVALUATION_FAMILIES = {"nli", "paraphrase", "copa", "story_ending", "winograd", "topic"}
REQUIRED_LANGUAGES = {
    "ar",
    "de",
    "es",
    "fr",
    "hi",
    "ru",
    "sw",
    "tr",
    "vi",
    "zh",
    "ja",
    "id",
}
# Families whose labels each have their own statement, one label being the
# negation of the other (explicit negated / false forms).
NEGATED_FAMILIES = {
    "paraphrase",
    "answerability",
    "extractive_qa",
    "word_in_context",
    "summarization",
    "translation",
    "offensive",
    "hate",
    "irony",
}


def _by_family() -> dict[str, dict[str, list[Template]]]:
    out: dict[str, dict[str, list[Template]]] = defaultdict(lambda: defaultdict(list))
    for t in list_templates():
        out[t.task][t.language].append(t)
    return out


def test_families_variants_and_languages():
    fams = _by_family()
    assert len(fams) >= 16
    assert REQUIRED_FAMILIES <= set(fams)
    for family, langs in fams.items():
        assert len(langs["en"]) >= 3, (
            f"{family} has {len(langs['en'])} English variants"
        )
    for family in EVALUATION_FAMILIES:
        missing = REQUIRED_LANGUAGES - set(fams[family])
        assert not missing, f"{family} lacks native templates in {sorted(missing)}"


def test_native_variants_share_the_english_names():
    """``get_template(task, language, name=...)`` works across languages."""
    fams = _by_family()
    for family in EVALUATION_FAMILIES:
        english = {t.name for t in fams[family]["en"]}
        for lang, templates in fams[family].items():
            assert {t.name for t in templates} <= english, (family, lang)


@pytest.mark.parametrize("family", sorted(NEGATED_FAMILIES))
def test_negated_forms_are_explicit(family):
    for t in list_templates(family):
        assert len(t.labels) == 2 and set(t.patterns) == set(t.labels), t
        first, second = (t.patterns[lab] for lab in t.labels)
        assert first != second


def test_every_builtin_template_renders_its_example():
    """Every family template (all languages) and every derived dataset template."""
    n = 0
    for t in list_templates() + list(_iter_all_dataset_templates()):
        assert t.example is not None, f"{t!r} ({t.source}) has no worked example"
        if not t.labels:
            assert t.verbalizer, f"open template {t!r} needs a verbalizer to show"
            words = {}  # one label per distinct verbalization (aliases share words)
            for label, word in t.verbalizer.items():
                words.setdefault(word, label)
            t = t.with_labels(list(words.values()))
        statements = t.statements(dict(t.example))
        assert list(statements) == list(t.labels)
        assert len(set(statements.values())) == len(t.labels), (
            f"{t!r} ({t.source}) gives identical statements"
        )
        for s in statements.values():
            assert s == s.strip() and "  " not in s, f"{t!r}: stray spaces in {s!r}"
            assert "{" not in s and "}" not in s, f"{t!r}: unrendered slot in {s!r}"
        n += 1
    assert n > 500


def test_native_examples_are_in_their_language():
    """A native file's example is not the English one copied over."""
    english = {t.task: dict(t.example) for t in list_templates(language="en")}
    for t in list_templates():
        if t.language != "en":
            assert dict(t.example) != english[t.task], t.source


def test_builtin_files_are_named_after_their_content():
    files = sorted(TEMPLATE_DIR.glob("*.yaml"))
    assert len(files) >= 21 + 6 * 12
    for path in files:
        templates = _read_template_file(path)
        _check_builtin_file_name(path, templates)
        task, lang = path.stem.split(".")
        assert normalize_language(lang) == lang


def test_wrongly_named_builtin_file_is_an_error(tmp_path):
    path = tmp_path / "nli.fr.yaml"
    path.write_text(
        "task: nli\nlanguage: de\ntemplates:\n  - name: a\n    statements: {1: '{x}'}\n",
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match="rename it to 'nli.de.yaml'"):
        _check_builtin_file_name(path, _read_template_file(path))


def _fam(task, lang, statements, **kw):
    return Template(task, statements, language=lang, source=f"{task}.{lang}.yaml", **kw)


@pytest.mark.parametrize(
    "native, message",
    [
        (_fam("p", "de", {"yes": "{a} {c}", "no": "{a} {c}!"}), "fields"),
        (_fam("p", "de", {"yes": "{a} {b}", "nein": "{a} {b}!"}), "label keys"),
        (_fam("o", "de", None, label_statement="{t} {label}"), "verbalizer lacks"),
    ],
)
def test_native_template_must_keep_the_english_shape(native, message):
    families = {
        ("p", "en"): [_fam("p", "en", {"yes": "{a} {b}", "no": "{a} {b}!"})],
        ("o", "en"): [
            _fam("o", "en", None, label_statement="{t} {label}", verbalizer={"x": "y"})
        ],
        (native.task, native.language): [native],
    }
    with pytest.raises(TemplateError, match=message) as err:
        _check_native_families(families)
    assert f"{native.task}.de.yaml" in str(err.value)


def test_native_template_and_fallback(caplog):
    de = get_template("xnli", language="deu_Latn")
    assert (de.language, de.dataset, de.name) == ("de", "xnli", "implies")
    assert de.fields == get_template("xnli").fields
    assert get_template("xnli", language="de", name="given").name == "given"
    assert get_template("xcopa", language="sw").language == "sw"
    assert get_template("sib200", language="zho_Hans").language == "zh"
    with caplog.at_level(logging.INFO, logger="template_registry"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the fallback is logged, never warned
            t = get_template("xnli", language="yo")
    assert t.language == "en"
    assert "no native template in language 'yo'" in caplog.text
    # a family without native templates falls back in every language
    assert get_template("sst2", language="de").language == "en"


def test_missing_native_variant_name_points_to_english(tmp_path, scratch_registry):

    (tmp_path / "nli.yo.yaml").write_text(
        "task: nli\nlanguage: yo\nfields: [premise, hypothesis]\ntemplates:\n"
        "  - name: mine\n    statements:\n"
        "      entailment: '{premise} => {hypothesis}'\n"
        "      neutral: '{premise} ? {hypothesis}'\n"
        "      contradiction: '{premise} =/= {hypothesis}'\n",
        encoding="utf-8",
    )
    load_templates(tmp_path)
    assert get_template("xnli", language="yo").name == "mine"  # a user's native one
    with pytest.raises(ValueError, match="pass language='en'"):
        get_template("xnli", language="yo", name="given")
    # it does not cover RTE's not_entailment, so RTE keeps the English fallback
    assert get_template("rte", language="yo").language == "en"


def test_native_topic_verbalizers_translate_every_dataset_label():
    labels = set()
    for dataset, family in list_tasks().items():
        if family == "topic" and dataset != family:
            labels |= {str(x) for x in get_template(dataset).verbalizer.values()}
    for t in list_templates("topic"):
        if t.language == "en":
            continue
        words = set(t.verbalizer.values())
        assert len(words) == len(t.verbalizer), f"{t.source}: two labels, same words"
        assert not words & labels, (
            f"{t.source} writes a label in English: {sorted(words & labels)}"
        )


def test_literal_braces_in_yaml_templates(tmp_path):
    path = tmp_path / "json.en.yaml"
    path.write_text(
        "task: json\nlanguage: en\nfields: [text]\nlabels: [1, 0]\ntemplates:\n"
        "  - name: a\n    statements:\n"
        '      1: \'{{"text": "{text}"}} is valid.\'\n'
        '      0: \'{{"text": "{text}"}} is invalid.\'\n',
        encoding="utf-8",
    )
    (t,) = load_templates(path, register=False)
    assert t.statements({"text": "{hi}"})[1] == '{"text": "{hi}"} is valid.'


def test_unbalanced_brace_in_yaml_names_file_and_fix(tmp_path):
    path = tmp_path / "bad.en.yaml"
    path.write_text(
        "task: t\nlanguage: en\ntemplates:\n  - name: a\n    statements: {1: '{x} }'}\n",
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match=r"bad\.en\.yaml.*'a'.*'\{\{' and '\}\}'"):
        load_templates(path, register=False)


def test_massive_intents_are_verbalized():
    t = get_template("intent")
    assert len(t.verbalizer) == 60
    assert t.verbalize("alarm_set") == "set an alarm"
    s = t.with_labels(["alarm_set", "weather_query"]).statements(
        {"utterance": "wake me up at seven"}
    )
    assert s["alarm_set"].endswith("wants to set an alarm.")
