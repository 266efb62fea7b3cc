"""load_task on the bundled sample and the full shared data."""

import pytest

from datasets_builders import TASKS, available_data, load_task
from template_registry import dataset_info

FIXED_NAMES = {
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


def test_task_names_are_the_design_names():
    assert set(TASKS) == FIXED_NAMES


@pytest.mark.parametrize("name", sorted(FIXED_NAMES))
def test_every_task_loads_from_the_sample_with_template_fields(name, sample_dir):
    have = available_data(sample_dir, [name])[name]
    info = dataset_info(name)
    for language, splits in have.items():
        for split in splits:
            ds = load_task(name, language=language, split=split, data_dir=sample_dir)
            assert ds.column_names == [*info["fields"], "label"]
            assert len(ds) > 0
            assert set(ds["label"]) <= set(info["labels"])
            assert ds.info.dataset_name == name and ds.info.config_name == language


def test_sample_covers_demo_languages(sample_dir):
    have = available_data(sample_dir)
    assert {"en", "de", "fr", "es", "zh", "ar"} <= set(have["xnli"])
    assert {"en", "de", "fr", "es", "zh"} <= set(have["pawsx"])
    assert {"it", "id", "tr", "vi", "zh", "sw"} <= set(have["xcopa"])
    assert {"en", "fr", "pt", "ru", "ja"} <= set(have["xwinograd"])
    assert {"en", "de", "fr", "es", "zh", "ar"} <= set(have["sib200"])


def test_specific_rows(sample_dir):
    # 'jp' in the source
    ds = load_task("xwinograd", language="ja", data_dir=sample_dir)
    assert "_" in ds[0]["sentence"] and ds[0]["label"] in (1, 2)
    sib = load_task("sib200", language="zho_Hans", split="test", data_dir=sample_dir)
    assert sib.info.config_name == "zh"
    pairs = load_task("flores", language="de", split="test", data_dir=sample_dir)
    eng = load_task("sib200", language="en", split="test", data_dir=sample_dir)
    assert pairs[0]["target"] == eng[0]["text"] and pairs[0]["label"] == 1


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(name="nope"), ValueError, "known tasks"),
        (dict(name="xnli", language="qq"), ValueError, "unknown"),
        (dict(name="xnli", language="ja"), ValueError, r"languages: \["),
        (
            dict(name="pawsx", language="en", split="test"),
            ValueError,
            r"splits: \['validation'\]",
        ),
        (dict(name="xnli", split="dev"), ValueError, "split must be one of"),
        (dict(name=3), TypeError, "string"),
    ],
)
def test_errors_list_what_exists(sample_dir, kwargs, error, message):
    name = kwargs.pop("name")
    with pytest.raises(error, match=message):
        load_task(name, data_dir=sample_dir, **kwargs)


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="layout of shared/data"):
        load_task("xnli", data_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="not a directory"):
        load_task("xnli", data_dir=tmp_path / "nope")


def test_full_data_counts(shared_data):
    """Row counts of the full staged data (shared/data/*/SOURCE.md)."""
    expected = {
        ("xnli", "en", "test"): 5010,
        ("xnli", "sw", "validation"): 2490,
        ("pawsx", "ja", "validation"): 2000,
        ("pawsx", "de", "test"): 2000,
        ("xcopa", "qu", "test"): 500,
        ("xwinograd", "en", "test"): 2325,
        ("xwinograd", "ja", "test"): 959,
        ("sib200", "en", "train"): 701,
        ("sib200", "yo", "test"): 204,
        ("mrpc", "en", "test"): 1725,
        ("agnews", "en", "test"): 7600,
        ("comve", "en", "validation"): 997,
        ("snli", "en", "validation"): 1289 - 16,
        ("tweeteval_emotion", "en", "train"): 3257,
        ("nusax_sentiment", "jv", "test"): 400,
        ("tatoeba", "de", "test"): 1000,
        ("nusax_mt", "su", "train"): 500,
        ("flores", "de", "validation"): 99,
        ("stsb", "en", "validation"): 1500,
    }
    for (name, lang, split), n in expected.items():
        assert (
            len(load_task(name, language=lang, split=split, data_dir=shared_data)) == n
        ), (name, lang, split)
    have = available_data(shared_data)
    assert (
        len(have["xnli"]) == 15
        and len(have["xcopa"]) == 11
        and len(have["sib200"]) == 205
    )
    assert len(have["tatoeba"]) == 112
