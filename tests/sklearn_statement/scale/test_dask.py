"""score_dataframe: zero-shot scoring of Dask DataFrames, on a 2-worker LocalCluster."""

from __future__ import annotations

import glob
import os
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip(
    "dask.dataframe", reason="the [scale] extra (dask) is not installed"
)
distributed = pytest.importorskip(
    "distributed", reason="the [scale] extra (distributed) is not installed"
)
pytest.importorskip("pyarrow", reason="the [scale] extra (pyarrow) is not installed")

from sklearn_statement import ZeroShotStatementClassifier, score_dataframe  # noqa: E402
from sklearn_statement.scale._dask import _model_spec  # noqa: E402

N_ROWS = 10_000
TEMPLATE = "agnews"  # fields ("text",), four labels


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, sample_dir):
    """A 10,000-row Parquet file (4 row groups) from the bundled AG News sample.

    Rows cycle through the sample's 300 test texts (first six words each, to
    keep the tiny model fast); ``id`` is unique, ``gold`` the AG News label.
    """
    from datasets_builders import load_task

    ds = load_task("agnews", split="test", data_dir=sample_dir)
    texts = [" ".join(t.split()[:6]) for t in ds["text"]]
    rows = np.arange(N_ROWS)
    frame = pd.DataFrame(
        {
            "id": rows,
            "text": [texts[i % len(texts)] for i in rows],
            "gold": [ds["label"][i % len(texts)] for i in rows],
        }
    )
    path = tmp_path_factory.mktemp("corpus") / "agnews.parquet"
    frame.to_parquet(path, row_group_size=N_ROWS // 4)
    return path, frame


@pytest.fixture(scope="module")
def reference(tiny_statement_model, corpus):
    """Single-process predict_proba of the whole corpus, and the classifier."""
    clf = ZeroShotStatementClassifier(
        model=tiny_statement_model, template=TEMPLATE, device="cpu", precision="fp32"
    ).fit()
    return clf, clf.predict_proba(corpus[1][["text"]])


@pytest.fixture(scope="module", autouse=True)
def _keep_environment():
    """distributed's nannies write OMP_NUM_THREADS=1 and friends (its
    pre-spawn-environ) into this process's environment; the subprocesses of
    later tests would inherit them and compute with one thread."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def client():
    """2 worker processes with 1 thread each; not the default client (tests pass it)."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster, set_as_default=False) as c:
            yield c


def _count_calls(dask_worker=None):
    """On a worker: count ZeroShotStatementClassifier.fit/predict_proba calls."""
    from sklearn_statement import zero_shot as _zero_shot

    cls = _zero_shot.ZeroShotStatementClassifier
    counts = {"fit": 0, "predict_proba": 0}
    for name in counts:
        original = getattr(cls, name)

        def counted(self, *args, _original=original, _name=name, **kwargs):
            counts[_name] += 1
            return _original(self, *args, **kwargs)

        setattr(cls, name, counted)
    _zero_shot._test_counts = counts


def _read_counts(dask_worker=None):
    from sklearn_statement import zero_shot as _zero_shot

    return dict(_zero_shot._test_counts)


def _leftovers(output):
    return glob.glob(str(output.parent / f".{output.name}*"))


@pytest.mark.multiprocess
def test_two_workers_equal_single_process_predict_proba(
    client, corpus, reference, tiny_statement_model, tmp_path
):
    path, frame = corpus
    clf, proba = reference
    client.run(_count_calls)
    ddf = dd.read_parquet(path, split_row_groups=True)
    assert ddf.npartitions == 4

    output = tmp_path / "scored.parquet"
    scored = score_dataframe(
        ddf,
        tiny_statement_model,
        template=TEMPLATE,
        device="cpu",
        precision="fp32",
        keep_columns=["id", "gold"],
        output=output,
        client=client,
    )
    names = [f"proba_{c}" for c in clf.classes_]
    assert list(scored.columns) == ["id", "gold", *names, "label"]
    result = client.compute(scored).result().set_index("id").sort_index()
    assert len(result) == N_ROWS and (result.index == frame["id"]).all()
    assert (result["gold"].to_numpy() == frame["gold"].to_numpy()).all()

    # the classes_-ordered columns equal single-process predict_proba row by row
    # (other batches pad differently: float32 noise is ~1e-9, the labels'
    # probabilities differ by ~1e-4 in this random model)
    np.testing.assert_allclose(result[names].to_numpy(), proba, rtol=0, atol=1e-7)
    top2 = np.sort(proba, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-8  # 10x the noise seen
    assert clear.mean() > 0.9
    expected = clf.classes_[proba.argmax(axis=1)]
    assert (result["label"].to_numpy()[clear] == expected[clear]).all()

    # the model was loaded once per worker, not per partition
    counts = client.run(_read_counts)
    assert len(counts) == 2
    assert [c["fit"] for c in counts.values()] == [1, 1]
    assert sum(c["predict_proba"] for c in counts.values()) == ddf.npartitions

    # a complete Parquet dataset under the final name, nothing else beside it
    assert len(pd.read_parquet(output)) == N_ROWS
    assert _leftovers(output) == []


@pytest.mark.multiprocess
def test_a_model_path_no_worker_can_read(client, corpus, tmp_path):
    ddf = dd.read_parquet(corpus[0], split_row_groups=True)
    output = tmp_path / "scored.parquet"
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(FileNotFoundError, match="does not exist on Dask worker"):
        score_dataframe(ddf, missing, template=TEMPLATE, output=output, client=client)
    assert not output.exists() and _leftovers(output) == []
    # the failed plugin is not left on the scheduler (to fail on new workers)
    name = _model_spec(missing, {"template": TEMPLATE}).plugin_name
    plugins = client.run_on_scheduler(
        lambda dask_scheduler: list(dask_scheduler.worker_plugins)
    )
    assert name not in plugins


@pytest.mark.multiprocess
def test_a_missing_template_field_fails_before_any_work(
    client, corpus, tiny_statement_model, tmp_path
):
    ddf = dd.read_parquet(corpus[0]).rename(columns={"text": "body"})
    output = tmp_path / "scored.parquet"
    with pytest.raises(
        ValueError, match=r"lacks the template field column\(s\) \['text'\]"
    ):
        score_dataframe(
            ddf, tiny_statement_model, template=TEMPLATE, output=output, client=client
        )
    assert not output.exists() and _leftovers(output) == []


def _slow(frame):
    time.sleep(0.5)
    return frame


@pytest.mark.multiprocess
def test_a_cluster_that_goes_away_leaves_no_output(
    corpus, tiny_statement_model, tmp_path
):
    path, _ = corpus
    output = tmp_path / "scored.parquet"
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    ddf = dd.read_parquet(path).repartition(npartitions=12).map_partitions(_slow)

    def close_when_writing():
        deadline = time.monotonic() + 120
        while not glob.glob(str(output.parent / f".{output.name}.incomplete-*/*")):
            if time.monotonic() > deadline:
                return
            time.sleep(0.02)
        cluster.close()

    with distributed.Client(cluster, set_as_default=False) as client:
        closer = threading.Thread(target=close_when_writing, daemon=True)
        closer.start()
        with pytest.raises(RuntimeError, match="cluster went away"):
            score_dataframe(
                ddf,
                tiny_statement_model,
                template=TEMPLATE,
                device="cpu",
                output=output,
                client=client,
            )
        closer.join(timeout=30)
    assert not output.exists() and _leftovers(output) == []


# ------------------------------------------------------- local Dask scheduler
@pytest.fixture
def small(corpus):
    return dd.from_pandas(corpus[1].iloc[:40], npartitions=3)


def test_local_scheduler_with_a_classifier_as_model(
    small, reference, tiny_statement_model, corpus
):
    clf = ZeroShotStatementClassifier(
        model=tiny_statement_model, template=TEMPLATE, device="cpu", precision="fp32"
    )
    result = score_dataframe(small, clf, keep_columns=["id"]).compute(scheduler="sync")
    names = [f"proba_{c}" for c in reference[0].classes_]
    np.testing.assert_allclose(
        result[names].to_numpy(), reference[1][:40], rtol=0, atol=1e-7
    )
    np.testing.assert_allclose(result[names].sum(axis=1), 1, atol=1e-9)


def test_output_exists_and_overwrite(small, tiny_statement_model, tmp_path):
    output = tmp_path / "scored.parquet"
    output.mkdir()
    (output / "old.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        score_dataframe(small, tiny_statement_model, template=TEMPLATE, output=output)
    assert (output / "old.txt").exists()
    written = score_dataframe(
        small, tiny_statement_model, template=TEMPLATE, output=output, overwrite=True
    )
    assert len(written.compute()) == 40 and not (output / "old.txt").exists()
    assert _leftovers(output) == []


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"keep_columns": ["nope"]}, "keep_columns"),
        ({"keep_columns": ["gold", "label"]}, r"\['label'\] clash"),
        ({"multi_label": True}, "multi_label=True is not supported"),
        ({"few_shot": True}, "save_pretrained"),
    ],
)
def test_bad_arguments(small, tiny_statement_model, kwargs, match):
    frame = small.assign(label="x")  # a column named like the output's label
    with pytest.raises(ValueError, match=match):
        score_dataframe(frame, tiny_statement_model, template=TEMPLATE, **kwargs)


def test_a_tuner_in_memory_or_pandas_input_is_refused(
    small, fitted_tiny_tuner, corpus, tiny_statement_model
):
    with pytest.raises(TypeError, match="save_pretrained"):
        score_dataframe(small, fitted_tiny_tuner, template=TEMPLATE)
    with pytest.raises(TypeError, match="dd.from_pandas"):
        score_dataframe(corpus[1], tiny_statement_model, template=TEMPLATE)
    clf = ZeroShotStatementClassifier(model=tiny_statement_model, template=TEMPLATE)
    with pytest.raises(ValueError, match="given both"):
        score_dataframe(small, clf, template=TEMPLATE)


def test_missing_dask_names_the_extra(monkeypatch, tiny_statement_model):
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(ImportError, match=r"sklearn-statement\[scale\]"):
        score_dataframe(object(), tiny_statement_model, template=TEMPLATE)
