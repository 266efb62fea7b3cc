"""Multitask corpora: the paper preset's exact counts, quotas, caching, groups."""

from collections import Counter

import datasets
import pytest
from sklearn.model_selection import LeaveOneGroupOut

from datasets_builders import (
    PRESETS,
    available_data,
    build_multitask,
    build_preset,
    load_task,
    statement_stats,
)
from datasets_builders import _multitask as multitask_module
from datasets_builders._load import split_parts
from datasets_builders._presets import PAPER_LANGUAGES
from template_registry import dataset_info, get_template

HELD_OUT = {"nli", "copa", "winograd", "story_ending"}


def _counts(st):
    return Counter(zip(st["task"], st["language"], st["label"]))


def _expected(preset, data_dir, half):
    """(task, language, label) -> min(half, usable rows), from the data itself."""
    args = PRESETS[preset].arguments(data_dir)
    have = available_data(data_dir, args["tasks"])
    expected = {}
    for task in args["tasks"]:
        family = dataset_info(task)["family"]
        if family in args["exclude_families"] or task not in have:
            continue
        languages = args["languages"]
        languages = (
            languages.get(task, ()) if isinstance(languages, dict) else languages
        )
        for lang in languages:
            if lang not in have[task] or (family == "translation" and lang == "en"):
                continue
            prefs = args["splits"].get(task, args["splits"]["*"])
            split = next(
                (
                    s
                    for s in prefs
                    if all(p in have[task][lang] for p in split_parts(s))
                ),
                None,
            )
            if split is None:
                continue
            rows = load_task(task, language=lang, split=split, data_dir=data_dir)
            fields = dataset_info(task)["fields"]
            usable = sum(all(str(r[f]).strip() for f in fields) for r in rows)
            for label in (0, 1):
                expected[task, lang, label] = min(half, usable)
    return expected


def _preset(name, **kwargs):
    """build_preset, returning the corpus and the messages of its warnings."""
    with pytest.warns(UserWarning) as record:
        st = build_preset(name, cache=False, **kwargs)
    return st, [str(w.message) for w in record]


def test_paper_preset_from_the_full_data(shared_data):
    """Exact per-(task, language, label) counts, determinism, held-out families."""
    st, messages = _preset("paper", data_dir=shared_data)
    assert messages[0].endswith("tweeteval_hate/en 2 of 5000")  # two empty tweets
    assert messages[1].startswith("58 of 93 (task, language) pairs have fewer")
    assert "sib200/de 198 of 1500 (99 rows of validation)" in messages[1]
    counts = _counts(st)
    assert counts == _expected("paper", shared_data, 750)
    spot = {
        ("pawsx", "ja"): 750,
        ("sib200", "en"): 701,
        ("sib200", "qu"): 99,
        ("agnews", "en"): 750,
        ("tweeteval_hate", "en"): 750,
        ("nusax_sentiment", "id"): 600,
        ("tatoeba", "te"): 234,
        ("tatoeba", "de"): 750,
        ("flores", "my"): 99,
        ("nusax_mt", "id"): 600,
    }
    for (task, lang), n in spot.items():
        assert counts[task, lang, 1] == counts[task, lang, 0] == n, (task, lang)
    assert len(st) == 70360 and sum(st["label"]) == 35180
    assert not HELD_OUT & set(st["family"])
    assert not {"xnli", "rte", "snli", "xcopa", "xwinograd"} & set(st["task"])
    assert set(st["language"]) == set(PAPER_LANGUAGES)
    assert len(set(st["family"])) == 11 and len(set(st["statement"])) == len(st)
    again, again_messages = _preset("paper", data_dir=shared_data)
    assert again_messages == messages
    assert again["statement"] == st["statement"] and again["label"] == st["label"]


def test_english_mt_preset_from_the_full_data(shared_data):
    st, messages = _preset("english_mt", data_dir=shared_data)
    assert "fewer statements than asked" in messages[1]
    assert _counts(st) == _expected("english_mt", shared_data, 750)
    labeled = [
        lang for lang, fam in zip(st["language"], st["family"]) if fam != "translation"
    ]
    assert set(labeled) == {"en"}
    mt = {
        lang for lang, fam in zip(st["language"], st["family"]) if fam == "translation"
    }
    assert mt == set(PAPER_LANGUAGES) - {"en"}


def test_paper_preset_on_the_sample(sample_dir):
    st, messages = _preset("paper", data_dir=sample_dir, n_per_task=60)
    assert messages == [
        "rows with an empty or missing template field give no statement: "
        "tweeteval_hate/en 1 of 1000"
    ]
    assert _counts(st) == _expected("paper", sample_dir, 30)
    assert not HELD_OUT & set(st["family"])
    same, _ = _preset("paper", data_dir=sample_dir, n_per_task=60)
    other, _ = _preset("paper", data_dir=sample_dir, n_per_task=60, random_state=1)
    assert same["statement"] == st["statement"]
    assert other["statement"] != st["statement"]
    assert _counts(other) == _counts(st)


def test_held_out_family_override_and_unknown_preset(sample_dir):
    st, _ = _preset(
        "paper", data_dir=sample_dir, n_per_task=20, exclude_families=["paraphrase"]
    )
    assert "paraphrase" not in set(st["family"]) and "nli" in set(st["family"])
    with pytest.raises(ValueError, match="presets: \\['english_mt', 'paper'\\]"):
        build_preset("nope", data_dir=sample_dir)


def test_family_groups_for_leave_one_group_out(sample_dir):
    st = build_multitask(
        ["sst2", "agnews", "mrpc"], n_per_task=40, data_dir=sample_dir, random_state=0
    )
    groups = st["family"]
    folds = list(LeaveOneGroupOut().split(st["statement"], st["label"], groups))
    assert len(folds) == 3
    for train, test in folds:
        held = {groups[i] for i in test}
        assert len(held) == 1 and held.isdisjoint(groups[i] for i in train)


def test_per_pair_quotas_languages_and_splits(sample_dir):
    st = build_multitask(
        ["sst2", "tatoeba", "xnli"],
        languages={"sst2": ["en"], "*": ["de", "fr"]},
        n_per_task={("tatoeba", "fr"): 10, "tatoeba": 20, "*": 30},
        splits={"xnli": ["validation+test"], "*": ["train", "test"]},
        data_dir=sample_dir,
    )
    assert _counts(st) == {
        (t, lang, lab): n // 2
        for t, lang, n in [
            ("sst2", "en", 30),
            ("tatoeba", "de", 20),
            ("tatoeba", "fr", 10),
            ("xnli", "de", 30),
            ("xnli", "fr", 30),
        ]
        for lab in (0, 1)
    }
    both = load_task(
        "xnli", language="de", split="validation+test", data_dir=sample_dir
    )
    dev = load_task("xnli", language="de", split="validation", data_dir=sample_dir)
    test = load_task("xnli", language="de", split="test", data_dir=sample_dir)
    assert len(both) == len(dev) + len(test) and both[len(dev)] == test[0]
    with pytest.raises(ValueError, match="n_per_task has no entry for 'sst2'"):
        build_multitask(["sst2"], n_per_task={"mrpc": 10}, data_dir=sample_dir)


def test_multitask_argument_errors(sample_dir):
    with pytest.raises(ValueError, match="unknown task family \\['NLI'\\]"):
        build_multitask(["sst2"], data_dir=sample_dir, exclude_families=["NLI"])
    with pytest.raises(ValueError, match="not part of the shared/data layout"):
        build_multitask(["massive"], data_dir=sample_dir)
    with pytest.raises(TypeError, match="list of dataset names"):
        build_multitask("sst2", data_dir=sample_dir)
    # a bad count names n_per_task, before any data is read
    for bad in (0, -5, "100", 2.5, True, {"sst2": 0}):
        with pytest.raises(ValueError, match="n_per_task must be a positive integer"):
            build_multitask(["sst2"], n_per_task=bad, data_dir="/nonexistent")
    with pytest.raises(ValueError, match="unknown task 'nope'"):
        build_multitask(["nope"], data_dir=sample_dir)
    with pytest.raises(ValueError, match="split must be one of"):
        load_task("xnli", split="validation+dev", data_dir=sample_dir)


def test_statement_stats(sample_dir):
    st = build_multitask(
        ["sst2", "tatoeba"], languages=["en", "de"], n_per_task=20, data_dir=sample_dir
    )
    stats = statement_stats(st)
    assert list(stats.columns) == [
        "family",
        "task",
        "language",
        "true",
        "false",
        "total",
    ]
    assert stats.to_dict("records") == [
        {
            "family": "sentiment",
            "task": "sst2",
            "language": "en",
            "true": 10,
            "false": 10,
            "total": 20,
        },
        {
            "family": "translation",
            "task": "tatoeba",
            "language": "de",
            "true": 10,
            "false": 10,
            "total": 20,
        },
    ]
    with pytest.raises(ValueError, match="lack column"):
        statement_stats(st.remove_columns("family"))


# ---------------------------------------------------------------------- caching
def test_cache_hit_returns_the_same_corpus_without_building(
    sample_dir, tmp_path, monkeypatch
):
    kwargs = dict(
        languages=["it"], n_per_task=1000, data_dir=sample_dir, cache=tmp_path
    )
    with pytest.warns(UserWarning, match="200 of 1000"):
        first = build_multitask(["xcopa"], **kwargs)
    assert len([p for p in tmp_path.iterdir() if not p.name.startswith(".")]) == 1

    def no_build(*args, **kwargs):
        raise AssertionError("a cache hit must not build")

    monkeypatch.setattr(multitask_module, "build_columns", no_build)
    with pytest.warns(UserWarning, match="200 of 1000"):  # warnings repeat on a hit
        again = build_multitask(["xcopa"], **kwargs)
    assert again["statement"] == first["statement"]
    assert again.features == first.features
    monkeypatch.undo()
    with pytest.warns(UserWarning):
        build_multitask(["xcopa"], **{**kwargs, "n_per_task": 999})
    assert len([p for p in tmp_path.iterdir() if not p.name.startswith(".")]) == 2


def test_cache_key_follows_the_data_files(sample_dir, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(sample_dir / "glue" / "SST-2", data / "glue" / "SST-2")
    cache = tmp_path / "cache"
    first = build_multitask(["sst2"], n_per_task=20, data_dir=data, cache=cache)
    train = data / "glue" / "SST-2" / "train.sample5000.tsv"
    lines = train.read_text(encoding="utf-8").splitlines(keepends=True)
    train.write_text(lines[0] + "".join(lines[1:][::-1]), encoding="utf-8")
    second = build_multitask(["sst2"], n_per_task=20, data_dir=data, cache=cache)
    assert len(list(cache.iterdir())) == 2
    assert second["statement"] != first["statement"]


def test_cache_off_when_datasets_caching_is_disabled_or_seed_is_none(
    sample_dir, tmp_path
):
    datasets.disable_caching()
    try:
        build_multitask(["sst2"], n_per_task=10, data_dir=sample_dir, cache=tmp_path)
    finally:
        datasets.enable_caching()
    build_multitask(
        ["sst2"], n_per_task=10, data_dir=sample_dir, cache=tmp_path, random_state=None
    )
    assert not list(tmp_path.iterdir())
    with pytest.raises(TypeError, match="cache must be"):
        build_multitask(["sst2"], n_per_task=10, data_dir=sample_dir, cache=3)


def test_template_language(sample_dir):
    kwargs = dict(languages=["de"], n_per_task=20, data_dir=sample_dir)
    rows = load_task("pawsx", language="de", split="validation", data_dir=sample_dir)
    for language in (None, "en"):
        st = build_multitask(["pawsx"], template_language=language, **kwargs)
        assert Counter(st["label"]) == {0: 10, 1: 10}
        for row in st:
            t = get_template("pawsx", language=language or "de", name=row["template"])
            assert t.language == (language or "de")
            assert row["statement"] in t.statements(rows[row["example_id"]]).values()
