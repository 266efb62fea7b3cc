"""The hub code path (data_dir=None), served from local copies in the datasets format."""

import datasets
import pytest

from datasets_builders import _load, load_task


@pytest.fixture()
def fake_hub(monkeypatch, tmp_path):
    """Serve ``datasets.load_dataset(repo, config, split=...)`` from datasets saved to disk."""
    calls = []

    def save(repo, config, split, ds):
        path = tmp_path / repo.replace("/", "__") / str(config) / split
        ds.save_to_disk(str(path))

    def load_dataset(repo, config=None, split=None):
        calls.append((repo, config, split))
        path = tmp_path / repo.replace("/", "__") / str(config) / split
        if not path.exists():
            raise FileNotFoundError(f"no local copy of {repo} {config} {split}")
        return datasets.load_from_disk(str(path))

    monkeypatch.setattr(_load.datasets, "load_dataset", load_dataset)
    return save, calls


def test_xnli_from_hub_maps_class_ids(fake_hub):
    save, calls = fake_hub
    features = datasets.Features(
        {
            "premise": datasets.Value("string"),
            "hypothesis": datasets.Value("string"),
            "label": datasets.ClassLabel(
                names=["entailment", "neutral", "contradiction"]
            ),
        }
    )
    save(
        "facebook/xnli",
        "de",
        "test",
        datasets.Dataset.from_dict(
            {
                "premise": ["a", "b", "c"],
                "hypothesis": ["x", "y", "z"],
                "label": [0, 1, 2],
            },
            features=features,
        ),
    )
    ds = load_task("xnli", language="deu_Latn", split="test")
    assert calls == [("facebook/xnli", "de", "test")]
    assert ds.column_names == ["premise", "hypothesis", "label"]
    assert ds["label"] == ["entailment", "neutral", "contradiction"]


def test_sib200_and_xwinograd_configs(fake_hub):
    save, calls = fake_hub
    save(
        "Davlan/sib200",
        "zho_Hans",
        "test",
        datasets.Dataset.from_dict(
            {"index_id": [1], "category": ["sports"], "text": ["足球"]}
        ),
    )
    save(
        "Muennighoff/xwinograd",
        "jp",
        "test",
        datasets.Dataset.from_dict(
            {"sentence": ["_ は"], "option1": ["a"], "option2": ["b"], "answer": ["2"]}
        ),
    )
    assert load_task("sib200", language="zh")[0] == {"text": "足球", "label": "sports"}
    assert load_task("xwinograd", language="ja")["label"] == [2]
    assert calls == [
        ("Davlan/sib200", "zho_Hans", "test"),
        ("Muennighoff/xwinograd", "jp", "test"),
    ]


def test_unlabeled_rows_dropped_and_all_unlabeled_is_an_error(fake_hub):
    save, _ = fake_hub
    save(
        "nyu-mll/glue",
        "rte",
        "train",
        datasets.Dataset.from_dict(
            {"sentence1": ["a", "b"], "sentence2": ["c", "d"], "label": [0, -1]}
        ),
    )
    save(
        "nyu-mll/glue",
        "rte",
        "test",
        datasets.Dataset.from_dict(
            {"sentence1": ["a"], "sentence2": ["c"], "label": [-1]}
        ),
    )
    assert load_task("rte", split="train")["label"] == ["entailment"]
    with pytest.raises(ValueError, match="has no labels"):
        load_task("rte", split="test")


def test_hub_errors(fake_hub):
    with pytest.raises(ValueError, match="not available from the Hugging Face hub"):
        load_task("comve")
    with pytest.raises(ValueError, match="languages"):
        load_task("xnli", language="ja")
    with pytest.raises(ValueError, match="English-only"):
        load_task("sst2", language="de", split="train")
