"""``benchmarks/bench_quality.py --merge``: an earlier run's columns, kept only on the same rows and recipes."""

from __future__ import annotations

import copy
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bench_quality as bq  # noqa: E402

from sklearn_statement.recipes import DEMO_RECIPE, FULL_RECIPE, RECIPES  # noqa: E402

SETUP = {"quick": False, "max_rows": 100, "model": "/m/e5", "prompt": "query: "}


def stats(mean):
    return {"mean": mean, "sd": 0.0, "seeds": [mean], "ci": [mean - 5, mean + 5]}


def run(recipe, means, command="python benchmarks/bench_quality.py --rows 100"):
    """A payload of one recipe's columns over two rows, as ``main`` writes it."""
    rows = [
        {"dataset": "sib200", "language": lang, "n": 100, "majority": 25.0}
        for lang in ("en", "de")
    ]
    columns = [bq.COSINE] + [bq.column(recipe, s) for s in bq.RECIPE_COLUMNS]
    for row, cos in zip(rows, (60.0, 55.0)):
        row[bq.COSINE] = stats(cos)
        row.update({bq.column(recipe, s): stats(means[s]) for s in bq.RECIPE_COLUMNS})
    averages = {c: {"all rows": stats(50.0)} for c in columns}
    averages["majority"] = {"all rows": 25.0}
    return {
        **SETUP,
        "environment": {"command": command, "date": "d", "sklearn_statement": "0.1"},
        "recipes": {recipe: asdict(RECIPES[recipe])},
        "seeds": {recipe: [0]},
        "training": {recipe: [{"statements": 4000}]},
        "columns": columns,
        "rows": rows,
        "averages": averages,
        "seconds": 10.0,
    }


MEANS = dict(zip(bq.RECIPE_COLUMNS, (40.0, 70.0, 71.0, 65.0)))


def write(tmp_path, payload, name="old.json"):
    path = tmp_path / name
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def test_the_earlier_recipes_columns_come_beside_this_runs(tmp_path):
    old = run("demo", MEANS)
    path = write(tmp_path, old)
    checked = bq.check_merge(path, SETUP, dict(RECIPES), {"full": FULL_RECIPE})
    new = run("full", {k: v + 1 for k, v in MEANS.items()})
    merged = bq.merge_previous(checked, new, str(path))
    demo_cols = [bq.column("demo", s) for s in bq.RECIPE_COLUMNS]
    full_cols = [bq.column("full", s) for s in bq.RECIPE_COLUMNS]
    assert merged["columns"] == [bq.COSINE, *demo_cols, *full_cols]
    assert merged["rows"][0][bq.column("demo", "cross (c)")]["mean"] == 40.0
    assert merged["rows"][0][bq.column("full", "cross (c)")]["mean"] == 41.0
    assert set(merged["averages"]) >= set(demo_cols + full_cols)
    assert merged["seeds"] == {"demo": [0], "full": [0]}
    assert merged["merged_from"] == [
        {**merged["merged_from"][0], "path": str(path), "columns": demo_cols}
    ]
    # a merged file merged again keeps its sources; this run's own recipe adds none
    again = bq.merge_previous(merged, run("full", MEANS))
    assert again["merged_from"] == merged["merged_from"]
    assert again["rows"][0][bq.column("full", "cross (c)")]["mean"] == 40.0


def test_a_recipe_trained_now_never_takes_earlier_columns(tmp_path):
    old = run("full", MEANS)
    new = run("full", {k: v + 1 for k, v in MEANS.items()})
    del new["rows"][0][bq.column("full", "bi (d)")]
    new["columns"].remove(bq.column("full", "bi (d)"))
    merged = bq.merge_previous(old, new)
    assert bq.column("full", "bi (d)") not in merged["columns"]
    assert merged["merged_from"] == []


def test_other_rows_or_set_up_are_refused(tmp_path):
    old = run("demo", MEANS)
    new = run("full", MEANS)
    bad = copy.deepcopy(new)
    bad["rows"][1][bq.COSINE]["mean"] = 54.0
    with pytest.raises(ValueError, match="sib200/de .*same rows"):
        bq.merge_previous(old, bad)
    with pytest.raises(ValueError, match="rows, this one"):
        bq.check_merge_rows(old, new["rows"][:1])
    path = write(tmp_path, old)
    for key, value in (("quick", True), ("max_rows", 300), ("prompt", "")):
        with pytest.raises(ValueError, match=f"{key}="):
            bq.check_merge(path, {**SETUP, key: value}, dict(RECIPES), {})
    # files written before max_rows was saved: read from the command
    legacy = {k: v for k, v in old.items() if k != "max_rows"}
    path = write(tmp_path, legacy, "legacy.json")
    assert bq.check_merge(path, SETUP, dict(RECIPES), {})["max_rows"] == 100


def test_a_changed_or_unknown_recipe_is_refused(tmp_path):
    path = write(tmp_path, run("demo", MEANS))
    changed = {**RECIPES, "demo": replace(DEMO_RECIPE, lr=3e-4)}
    with pytest.raises(ValueError, match="'demo' has changed.*'lr'"):
        bq.check_merge(path, SETUP, changed, {"full": FULL_RECIPE})
    with pytest.raises(ValueError, match="not a recipe today"):
        bq.check_merge(path, SETUP, {"full": FULL_RECIPE}, {"full": FULL_RECIPE})
    # an NLI (b) column with no demo recipe to check its budget against
    nli = run("full", MEANS)
    nli["training"]["nli"] = [{"pairs": 4000}]
    path = write(tmp_path, nli, "nli.json")
    with pytest.raises(ValueError, match="no demo recipe beside it"):
        bq.check_merge(path, SETUP, dict(RECIPES), {"demo": DEMO_RECIPE})
    # today's files: (b) at the demo's budget with no demo recipe beside it
    nli["training"]["nli"] = {"demo": [{"pairs": 4000}]}
    path = write(tmp_path, nli, "nli2.json")
    with pytest.raises(ValueError, match="'demo' budget has no 'demo' recipe"):
        bq.check_merge(path, SETUP, dict(RECIPES), {})


def with_nli(payload, recipe, mean):
    """``payload`` plus (b) at ``recipe``'s budget, as ``main`` writes it."""
    payload = copy.deepcopy(payload)
    name = bq.column(recipe, bq.NLI)
    payload["columns"].insert(1, name)
    for row in payload["rows"]:
        row[name] = stats(mean)
    payload["averages"][name] = {"all rows but xnli": stats(mean)}
    payload["seeds"].setdefault("nli", {})[recipe] = [0]
    payload["training"].setdefault("nli", {})[recipe] = [{"pairs": 4000}]
    return payload


def test_nli_only_adds_b_beside_the_merged_recipe_and_keeps_the_rest(tmp_path):
    old = with_nli(run("demo", MEANS), "demo", 38.0)
    merged = bq.merge_previous(old, run("full", MEANS))
    path = write(tmp_path, merged)
    # --nli-only: no recipe's models are trained, so every merged recipe is checked
    checked = bq.check_merge(path, SETUP, dict(RECIPES), {})
    now = {
        "columns": [bq.COSINE, bq.column("full", bq.NLI)],
        "rows": [
            {
                **{k: r[k] for k in ("dataset", "language", "n", "majority")},
                bq.COSINE: r[bq.COSINE],
                bq.column("full", bq.NLI): stats(45.0),
            }
            for r in merged["rows"]
        ],
        "averages": {bq.column("full", bq.NLI): {"all rows but xnli": stats(45.0)}},
        "recipes": {"full": asdict(FULL_RECIPE)},
        "seeds": {"nli": {"full": [0]}},
        "training": {"nli": {"full": [{"pairs": 60924}]}},
        "environment": {"command": "python benchmarks/bench_quality.py --nli-only"},
        "seconds": 5.0,
    }
    out = bq.merge_previous(checked, now, str(path))
    assert out["columns"] == [
        bq.COSINE,
        bq.column("demo", bq.NLI),
        *[bq.column("demo", s) for s in bq.RECIPE_COLUMNS],
        bq.column("full", bq.NLI),
        *[bq.column("full", s) for s in bq.RECIPE_COLUMNS],
    ]
    assert out["rows"][0][bq.column("full", bq.NLI)]["mean"] == 45.0
    assert out["rows"][0][bq.column("demo", bq.NLI)]["mean"] == 38.0
    assert out["rows"][0][bq.column("full", "cross (c)")]["mean"] == 40.0
    # the recipes' own seeds and training facts stay; (b) gains the full budget's
    assert out["seeds"] == {"demo": [0], "full": [0], "nli": {"demo": [0], "full": [0]}}
    assert out["training"]["nli"] == {
        "demo": [{"pairs": 4000}],
        "full": [{"pairs": 60924}],
    }
    assert out["training"]["full"] == [{"statements": 4000}]
    # a run that trains the full recipe's models again owns its (b) column too
    assert [m["columns"] for m in out["merged_from"]] == [
        [bq.column("demo", bq.NLI), *[bq.column("demo", s) for s in bq.RECIPE_COLUMNS]],
        [bq.column("full", s) for s in bq.RECIPE_COLUMNS],
    ]
    before = copy.deepcopy(out)
    again = bq.merge_previous(out, run("full", MEANS))
    assert out == before  # the earlier run's dict is not changed
    assert bq.column("full", bq.NLI) not in again["columns"]
    assert again["training"]["nli"] == {"demo": [{"pairs": 4000}]}
    # no earlier run is credited with the columns this run replaced
    assert again["merged_from"] == out["merged_from"][:1]
    # --nli-only checks every merged recipe: a changed full recipe is refused
    changed = {**RECIPES, "full": replace(FULL_RECIPE, lr=1e-4)}
    with pytest.raises(ValueError, match="'full' has changed.*'lr'"):
        bq.check_merge(path, SETUP, changed, {})


def test_an_older_files_single_nli_column_is_read_as_the_demo_budgets(tmp_path):
    old = run("demo", MEANS)
    old["columns"].insert(1, bq.LEGACY_NLI)
    for row in old["rows"]:
        row[bq.LEGACY_NLI] = stats(38.0)
    old["averages"][bq.LEGACY_NLI] = {"all rows but xnli": stats(38.0)}
    old["seeds"]["nli"] = [0, 1, 2]
    old["training"]["nli"] = [{"pairs": 4000}] * 3
    old["merged_from"] = {
        "columns": [bq.LEGACY_NLI],
        "command": "c",
    }  # one dict, older still
    checked = bq.check_merge(
        write(tmp_path, old), SETUP, dict(RECIPES), {"full": FULL_RECIPE}
    )
    new = bq.column("demo", bq.NLI)
    assert checked["columns"][:2] == [bq.COSINE, new]
    assert (
        checked["rows"][1][new]["mean"] == 38.0
        and bq.LEGACY_NLI not in checked["rows"][1]
    )
    assert checked["averages"][new]["all rows but xnli"]["mean"] == 38.0
    assert checked["seeds"]["nli"] == {"demo": [0, 1, 2]}
    assert checked["training"]["nli"] == {"demo": [{"pairs": 4000}] * 3}
    assert checked["merged_from"] == [{"columns": [new], "command": "c"}]


def test_nli_only_needs_an_earlier_run_and_excludes_no_nli(capsys):
    with pytest.raises(SystemExit) as exc:
        bq.main(["--nli-only", "--recipes", "full"])
    assert exc.value.code == 2
    assert "--nli-only adds (b) beside an earlier run's columns: give --merge" in (
        capsys.readouterr().err
    )
    with pytest.raises(SystemExit):
        bq.main(["--nli-only", "--no-nli", "--merge", "x.json"])
    assert "not allowed with argument" in capsys.readouterr().err
