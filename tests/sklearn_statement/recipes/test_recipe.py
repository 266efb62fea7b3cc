"""One recipe type for the demo, the gallery and the presets."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

from sklearn_statement import StatementTuner
from sklearn_statement.recipes import (
    DEMO_RECIPE,
    FULL_RECIPE,
    GALLERY_RECIPE,
    QUICK_RECIPE,
    RECIPES,
    Recipe,
    preset_recipe,
)
from sklearn_statement.recipes._demo import _data_dir, _recipe


def test_the_recipes_are_one_frozen_type():
    for recipe in (DEMO_RECIPE, QUICK_RECIPE, GALLERY_RECIPE, preset_recipe("paper")):
        assert type(recipe) is Recipe
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEMO_RECIPE.lr = 1.0
    assert DEMO_RECIPE.exclude_families == ("nli", "copa", "winograd", "emotion")
    assert QUICK_RECIPE.n_per_task < DEMO_RECIPE.n_per_task
    quick = _recipe("demo", True, {"lr": 3e-4, "max_epochs": None})
    assert quick.lr == 3e-4 and quick.name == "demo-quick"
    assert quick.max_epochs == DEMO_RECIPE.max_epochs  # None leaves the recipe's
    assert quick.n_per_task == QUICK_RECIPE.n_per_task


def test_the_named_recipes():
    from sklearn_statement.utils import RECIPE_NAMES

    assert RECIPES == {"demo": DEMO_RECIPE, "full": FULL_RECIPE}
    assert tuple(RECIPES) == RECIPE_NAMES  # the CLI's choices
    assert _recipe("full", False, {}) == FULL_RECIPE
    # the full recipe never trains on an evaluated family
    assert FULL_RECIPE.name == "full"
    assert FULL_RECIPE.exclude_families == DEMO_RECIPE.exclude_families
    # its bi-encoder trains on the demo's statements, its cross-encoder on more
    assert FULL_RECIPE.bi_recipe().tasks == DEMO_RECIPE.tasks
    assert FULL_RECIPE.bi_recipe().n_per_task == DEMO_RECIPE.n_per_task
    assert set(DEMO_RECIPE.tasks) < set(FULL_RECIPE.tasks)
    # --quick shrinks both statement sets
    quick = _recipe("full", True, {})
    assert quick.n_per_task == quick.bi_n_per_task == QUICK_RECIPE.n_per_task
    custom = Recipe("mine", tasks=("sst2",))
    assert _recipe(custom, False, {"lr": 1e-3}).lr == 1e-3
    with pytest.raises(ValueError, match="named recipes are"):
        _recipe("fast", False, {})
    with pytest.raises(TypeError, match="or a Recipe"):
        _recipe(None, False, {})
    with pytest.raises(ValueError, match="no MT languages"):
        _recipe("demo", False, {"n_mt": 5})


def test_the_bi_encoder_tuner_takes_the_recipes_settings():
    from sklearn_statement import BiEncoderStatementTuner

    bi = DEMO_RECIPE.bi_encoder_tuner("some/model", device="cpu", random_state=3)
    assert isinstance(bi, BiEncoderStatementTuner)
    assert (bi.lr, bi.max_epochs, bi.batch_size) == (
        DEMO_RECIPE.bi_lr,
        DEMO_RECIPE.bi_max_epochs,
        DEMO_RECIPE.batch_size,
    )
    assert bi.freeze_embeddings is DEMO_RECIPE.freeze_embeddings
    assert bi.random_state == 3 and bi.device == "cpu"


def test_the_table_keeps_example_ids_unique_across_parts(sample_dir):
    recipe = Recipe("mt", tasks=("sst2",), n_per_task=10, mt_languages=("de",), n_mt=6)
    table = recipe.table(data_dir=sample_dir, shuffle=False)
    parts = np.asarray(table["task"])
    ids = np.asarray(table["example_id"])
    assert set(parts) == {"sst2", "tatoeba"}
    assert not set(ids[parts == "sst2"]) & set(ids[parts == "tatoeba"])
    assert {"input", "description"} <= set(table.column_names)


def test_the_bi_encoder_trains_on_its_own_statements_when_told(sample_dir):
    both = Recipe("both", tasks=("sst2", "agnews"), n_per_task=8, bi_encoder=True)
    assert not both.bi_separate and both.bi_recipe() is both
    split = dataclasses.replace(both, bi_tasks=("sst2",), bi_n_per_task=6)
    assert split.bi_separate
    bi = split.bi_recipe().table(data_dir=sample_dir, random_state=1)
    assert set(bi["task"]) == {"sst2"} and len(bi) == 6
    cross = split.table(data_dir=sample_dir, random_state=1)
    assert set(cross["task"]) == {"sst2", "agnews"} and len(cross) == 16
    # the bi-encoder's recipe shares the rest (held-out families, pairing)
    assert split.bi_recipe().exclude_families == split.exclude_families
    assert split.bi_recipe().balance is split.balance
    assert split.bi_recipe().name == "both-bi-encoder"
    # the full recipe's bi-encoder statements are the demo's, seed for seed
    full = dataclasses.replace(FULL_RECIPE, bi_n_per_task=8)
    demo = dataclasses.replace(DEMO_RECIPE, n_per_task=8)
    for seed in (0, 3):
        assert (
            full.bi_recipe().table(data_dir=sample_dir, random_state=seed)["statement"]
            == demo.table(data_dir=sample_dir, random_state=seed)["statement"]
        )
    with pytest.raises(TypeError, match="tuple of str"):
        Recipe("str", tasks=("sst2",), bi_encoder=True, bi_tasks="sst2")
    with pytest.raises(TypeError, match=r"tuple of str \(\(\) for none\), got None"):
        Recipe("none", tasks=("sst2",), bi_encoder=True, bi_tasks=None)
    with pytest.raises(ValueError, match="preset"):
        preset_recipe("paper", bi_encoder=True, bi_tasks=("sst2",))
    with pytest.raises(ValueError, match="bi_encoder is False"):
        Recipe("no-bi", tasks=("sst2",), bi_n_per_task=10)


def test_resized_shrinks_both_models_statements():
    small = FULL_RECIPE.resized(16, n_mt=4)
    assert (small.n_per_task, small.bi_n_per_task, small.n_mt) == (16, 16, 4)
    assert DEMO_RECIPE.resized(16).bi_n_per_task is None  # the demo shares one table
    assert DEMO_RECIPE.resized(16).n_mt == DEMO_RECIPE.n_mt
    assert _recipe("demo", True, {}).bi_n_per_task is None


def test_a_preset_recipe_names_its_preset_fields_alike():
    from datasets_builders import PRESETS

    recipe = preset_recipe("english_mt", lr=1e-5)
    preset = PRESETS["english_mt"]
    assert recipe.preset == "english_mt" and recipe.lr == 1e-5
    assert recipe.exclude_families == tuple(preset.exclude_families)
    assert (
        recipe.tasks == tuple(preset.tasks) and recipe.n_per_task == preset.n_per_task
    )
    with pytest.raises(ValueError, match="unknown preset"):
        preset_recipe("nope")


def test_held_out_families_are_checked_against_the_family_table():
    with pytest.raises(ValueError, match="not task families"):
        Recipe("typo", tasks=("sst2",), exclude_families=("nlli",))
    with pytest.raises(TypeError, match="tuple of str"):
        Recipe("str", tasks="sst2")


def test_statements_hold_the_families_out_and_keep_examples_whole(sample_dir):
    recipe = dataclasses.replace(
        DEMO_RECIPE, tasks=("sst2", "agnews", "rte"), n_per_task=12
    )
    statements, labels, ids, tasks, families = recipe.statements(data_dir=sample_dir)
    assert set(tasks) == {"sst2", "agnews"}  # rte is nli: held out
    assert "nli" not in families and len(statements) == len(labels) == 24
    ids, labels = np.asarray(ids), np.asarray(labels)
    for example in np.unique(ids):  # one true and one false statement each
        assert sorted(labels[ids == example]) == [0, 1]
    again = recipe.statements(data_dir=sample_dir, shuffle=False)
    assert sorted(again[0]) == sorted(statements) and again[0] != statements


def test_the_tuner_takes_the_recipes_settings_and_overrides():
    tuner = GALLERY_RECIPE.tuner("some/model", device="cpu", lr=1e-3)
    assert isinstance(tuner, StatementTuner)
    assert (tuner.max_length, tuner.batch_size, tuner.max_epochs) == (64, 16, 3)
    assert tuner.lr == 1e-3 and tuner.device == "cpu"


def test_the_demo_refuses_a_recipe_the_sample_cannot_hold(sample_dir, tmp_path):
    from sklearn_statement.recipes._demo import _statements

    with (
        pytest.raises(ValueError, match="--data-dir ../shared/data"),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        _statements(FULL_RECIPE, sample_dir, 0)
    # build_multitask warned first, naming each short (task, language)
    assert any("sst2/en 2000 of 6400" in str(w.message) for w in caught)
    small = dataclasses.replace(FULL_RECIPE, n_per_task=20, bi_n_per_task=20)
    with pytest.warns(UserWarning, match="tweeteval_hate/en 1 of 1000"):
        data = _statements(small, sample_dir, 0)  # one empty TweetEval hate row
    assert len(data["table"]) == 200 and len(data["bi_table"]) == 40
    assert set(data["bi_table"]["task"]) == set(DEMO_RECIPE.tasks)
    # only the bundled sample is refused: elsewhere build_multitask warns
    from sklearn_statement.recipes._demo import _check_sample_size

    _check_sample_size(FULL_RECIPE, data["table"], tmp_path)
    _check_sample_size(FULL_RECIPE, data["table"], None)  # the hub
    with pytest.raises(ValueError, match="holds 200"):
        _check_sample_size(FULL_RECIPE, data["table"], sample_dir)


def test_the_demo_reads_the_sample_unless_told(sample_dir, tmp_path):
    assert _data_dir(None) == sample_dir
    assert _data_dir("hub") is None and _data_dir(tmp_path) == tmp_path
