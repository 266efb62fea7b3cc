"""The hub code path (data_dir=None), served by the real ``datasets.load_dataset``.

Each fake hub repository is a folder in the hub's own layout: parquet shards
written by ``datasets`` (their schema carries the features, ClassLabel names
included) under one folder per configuration, and a README whose YAML
``configs:`` block maps configurations and splits to files, as
``push_to_hub`` writes it. Only the repo id -> folder step is patched; config
and split resolution, feature decoding and caching are datasets' own.
"""

from collections import Counter

import datasets
import pytest

from datasets_builders import (
    HUB_ONLY_TASKS,
    PRESETS,
    build_multitask,
    build_statements,
    load_task,
)
from datasets_builders import _load as load_module
from template_registry import dataset_info


@pytest.fixture()
def fake_hub(monkeypatch, tmp_path):
    """``publish(repo, {config: {split: Dataset}})`` + the ``load_dataset`` calls seen."""
    root = tmp_path / "hub"
    calls = []
    real_load_dataset = datasets.load_dataset

    def publish(repo, configs):
        folder = root / repo
        lines = ["---", "configs:"]
        for config, splits in configs.items():
            name = "default" if config is None else config
            lines += [f"- config_name: {name}", "  data_files:"]
            for split, ds in splits.items():
                (folder / name).mkdir(parents=True, exist_ok=True)
                ds.to_parquet(str(folder / name / f"{split}-00000-of-00001.parquet"))
                lines += [f"  - split: {split}", f"    path: {name}/{split}-*"]
        (folder / "README.md").write_text("\n".join(lines + ["---", ""]))

    def load_dataset(repo, config=None, split=None):
        calls.append((repo, config, split))
        path = root / repo
        if not path.is_dir():
            raise FileNotFoundError(f"no fake hub repository {repo}")
        return real_load_dataset(
            str(path), config, split=split, cache_dir=str(tmp_path / "cache")
        )

    monkeypatch.setattr(load_module.datasets, "load_dataset", load_dataset)
    return publish, calls


def _class_label(names):
    return datasets.ClassLabel(names=list(names))


def test_xnli_from_hub_maps_class_ids(fake_hub):
    publish, calls = fake_hub
    features = datasets.Features(
        {
            "premise": datasets.Value("string"),
            "hypothesis": datasets.Value("string"),
            "label": _class_label(["entailment", "neutral", "contradiction"]),
        }
    )
    rows = {"premise": ["a", "b", "c"], "hypothesis": ["x", "y", "z"]}
    publish(
        "facebook/xnli",
        {
            lang: {
                "test": datasets.Dataset.from_dict(
                    {**rows, "label": [0, 1, 2]}, features=features
                )
            }
            for lang in ("de", "en")
        },
    )
    ds = load_task("xnli", language="deu_Latn", split="test")
    assert calls == [("facebook/xnli", "de", "test")]
    assert ds.column_names == ["premise", "hypothesis", "label"]
    assert ds["label"] == ["entailment", "neutral", "contradiction"]
    with pytest.raises(ValueError, match="Unknown split"):  # datasets' own check
        load_task("xnli", language="de", split="validation")


def test_sib200_and_xwinograd_configs(fake_hub):
    publish, calls = fake_hub
    publish(
        "Davlan/sib200",
        {
            "zho_Hans": {
                "test": datasets.Dataset.from_dict(
                    {"index_id": [1], "category": ["sports"], "text": ["足球"]}
                )
            }
        },
    )
    publish(
        "Muennighoff/xwinograd",
        {
            "jp": {
                "test": datasets.Dataset.from_dict(
                    {
                        "sentence": ["_ は"],
                        "option1": ["a"],
                        "option2": ["b"],
                        "answer": ["2"],
                    }
                )
            }
        },
    )
    assert load_task("sib200", language="zh")[0] == {"text": "足球", "label": "sports"}
    assert load_task("xwinograd", language="ja")["label"] == [2]
    assert calls == [
        ("Davlan/sib200", "zho_Hans", "test"),
        ("Muennighoff/xwinograd", "jp", "test"),
    ]


def test_unlabeled_rows_dropped_and_all_unlabeled_is_an_error(fake_hub):
    publish, _ = fake_hub
    publish(
        "nyu-mll/glue",
        {
            "rte": {
                "train": datasets.Dataset.from_dict(
                    {"sentence1": ["a", "b"], "sentence2": ["c", "d"], "label": [0, -1]}
                ),
                "test": datasets.Dataset.from_dict(
                    {"sentence1": ["a"], "sentence2": ["c"], "label": [-1]}
                ),
            }
        },
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
    with pytest.raises(ValueError, match="has no local reader"):
        load_task("massive", data_dir=".")


def test_hub_only_sets_are_bound_to_registry_families():
    for name, need in HUB_ONLY_TASKS.items():
        info = dataset_info(name)
        assert info["family"] == need["family"]
        assert info["fields"] == need["fields"]
        if not isinstance(need["labels"], str):
            assert info["labels"] == need["labels"]
    assert len(dataset_info("massive")["labels"]) == 60


def test_xstory_cloze_eval_split_is_our_test(fake_hub):
    publish, calls = fake_hub
    story = {f"input_sentence_{k}": [f"s{k}a", f"s{k}b"] for k in range(1, 5)}
    story |= {"story_id": ["1", "2"], "sentence_quiz1": ["e1", "f1"]}
    story |= {"sentence_quiz2": ["e2", "f2"], "answer_right_ending": [1, 2]}
    publish(
        "juletxara/xstory_cloze",
        {"sw": {"train": datasets.Dataset.from_dict(story)}}
        | {"my": {"eval": datasets.Dataset.from_dict(story)}},
    )
    ds = load_task("xstory_cloze", language="mya_Mymr", split="test")
    assert calls == [("juletxara/xstory_cloze", "my", "eval")]
    assert ds.column_names == [*dataset_info("xstory_cloze")["fields"], "label"]
    assert ds["label"] == [1, 2]
    st = build_statements(
        load_task("xstory_cloze", language="sw", split="train"), "xstory_cloze", n=4
    )
    assert set(st["family"]) == {"story_ending"} and sum(st["label"]) == 2


def test_massive_intents_come_from_class_label_names(fake_hub):
    publish, calls = fake_hub
    names = ["alarm_set", "weather_query", "play_music"]
    features = datasets.Features(
        {"utt": datasets.Value("string"), "intent": _class_label(names)}
    )
    publish(
        "AmazonScience/massive",
        {
            "de-DE": {
                "train": datasets.Dataset.from_dict(
                    {
                        "utt": ["weck mich", "regnet es", "spiel musik"],
                        "intent": [0, 1, 2],
                    },
                    features=features,
                )
            }
        },
    )
    ds = load_task("massive", language="de", split="train")
    assert calls == [("AmazonScience/massive", "de-DE", "train")]
    assert ds.column_names == ["utterance", "label"]
    assert ds["label"] == names
    st = build_statements(ds, "massive", n=6, random_state=0)
    assert len(st) == 6 and sum(st["label"]) == 3
    true = [s for s, lab in zip(st["statement"], st["label"]) if lab]
    assert any("wants to set an alarm" in s or "set an alarm" in s for s in true)


def test_xquad_rows_pair_gold_and_distractor(fake_hub):
    publish, _ = fake_hub
    answers = [{"text": [t], "answer_start": [0]} for t in ("Paris", "1889", "Lyon")]
    publish(
        "google/xquad",
        {
            "xquad.de": {
                "validation": datasets.Dataset.from_dict(
                    {
                        "id": ["q1", "q2", "q3"],
                        "context": ["Paris ... 1889", "Paris ... 1889", "Lyon ..."],
                        "question": ["Wo?", "Wann?", "Welche Stadt?"],
                        "answers": answers,
                    }
                )
            }
        },
    )
    ds = load_task("xquad", language="de", split="validation")
    assert ds.column_names == ["context", "question", "answer", "label"]
    assert ds["label"] == [1, 0, 1, 0, 1, 0]
    assert ds["answer"][:2] == ["Paris", "1889"]  # distractor: same paragraph
    assert ds["answer"][4:] == ["Lyon", "Paris"]  # next row with another answer


def test_belebele_and_xl_wic(fake_hub):
    publish, calls = fake_hub
    bele = {
        "flores_passage": ["P"],
        "question": ["Q"],
        **{f"mc_answer{k}": [f"A{k}"] for k in range(1, 5)},
        "correct_answer_num": ["3"],
    }
    publish(
        "facebook/belebele", {"swh_Latn": {"test": datasets.Dataset.from_dict(bele)}}
    )
    ds = load_task("belebele", language="sw", split="test")
    assert ds[0] == {
        "passage": "P",
        "question": "Q",
        **{f"option{k}": f"A{k}" for k in range(1, 5)},
        "label": 3,
    }
    wic = {
        "target_word": ["Bank"],
        "context_1": ["a"],
        "context_2": ["b"],
        "label": [1],
    }
    publish(
        "pasinit/xlwic",
        {"xlwic_en_ja": {"validation": datasets.Dataset.from_dict(wic)}}
        | {"xlwic_de_de": {"train": datasets.Dataset.from_dict(wic)}},
    )
    assert load_task("xl_wic", language="ja", split="validation")["word"] == ["Bank"]
    assert load_task("xl_wic", language="de", split="train")["label"] == [1]
    with pytest.raises(ValueError, match="only for languages"):
        load_task("xl_wic", language="ja", split="train")  # English training data
    assert ("pasinit/xlwic", "xlwic_en_ja", "validation") in calls


def test_multitask_from_the_hub_skips_missing_configs(fake_hub):
    publish, _ = fake_hub
    story = {f"input_sentence_{k}": [f"{k}{i}" for i in range(6)] for k in range(1, 5)}
    story |= {"sentence_quiz1": [f"a{i}" for i in range(6)]}
    story |= {"sentence_quiz2": [f"b{i}" for i in range(6)]}
    story |= {"answer_right_ending": [1, 2] * 3}
    publish(
        "juletxara/xstory_cloze",
        {lang: {"train": datasets.Dataset.from_dict(story)} for lang in ("en", "sw")},
    )
    st = build_multitask(
        ["xstory_cloze"], languages=["en", "sw", "eu"], n_per_task=8, data_dir=None
    )
    counts = Counter(zip(st["language"], st["label"]))
    assert counts == {("en", 1): 4, ("en", 0): 4, ("sw", 1): 4, ("sw", 0): 4}
    with pytest.raises(ValueError, match="not available from the Hugging Face hub"):
        build_multitask(["comve"], data_dir=None)


def test_paper_preset_from_the_hub_adds_hub_only_sets():
    hub = PRESETS["paper"].arguments(None)
    local = PRESETS["paper"].arguments("data")
    assert set(HUB_ONLY_TASKS) <= set(hub["tasks"])
    assert not set(HUB_ONLY_TASKS) & set(local["tasks"])
    assert "comve" in local["tasks"] and "comve" not in hub["tasks"]
    assert "story_ending" in hub["exclude_families"]
