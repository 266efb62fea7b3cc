"""Zero-shot classification of a Dask DataFrame: ``score_dataframe``.

(The public name is kept; "score" in this package otherwise means a measured
metric, as in scikit-learn.) Each partition is classified with
``ZeroShotStatementClassifier.predict_proba``
through ``dask.dataframe.map_partitions``. The model travels as a *path*:
with a distributed ``Client``, a worker plugin loads it once per worker
(:class:`~sklearn_statement.scale._dask_plugin.StatementModelPlugin`); with a
local Dask scheduler, once per process (a cache keyed by path and
parameters). Weights are never pickled into the task graph.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..utils import require

__all__ = ["score_dataframe", "ModelSpec"]

#: Name of the predicted-label column; probability columns are PROBA_PREFIX + label.
LABEL_COLUMN = "label"
PROBA_PREFIX = "proba_"
#: ZeroShotStatementClassifier parameters that have no meaning here.
_REFUSED = {
    "few_shot": "few-shot tuning happens in memory: save clf.tuner_ with "
    "save_pretrained(dir) and score with that directory",
    "multi_label": "score_dataframe gives one label per row; for independent "
    "P(true) per label, map_partitions clf.predict_proba yourself",
}

_LOCAL: dict[str, tuple[Any, threading.Lock]] = {}
_LOCAL_LOCK = threading.Lock()


class ModelSpec:
    """A statement model by path plus classifier parameters: cheap to pickle.

    Parameters
    ----------
    model : str
        A saved model directory (absolute, as each worker must read it) or
        a hub id.
    is_directory : bool
        Whether ``model`` is a directory (checked on the worker).
    params : dict
        :class:`ZeroShotStatementClassifier` parameters other than ``model``.
    """

    def __init__(self, model: str, is_directory: bool, params: dict[str, Any]) -> None:
        from dask.base import tokenize

        self.model = model
        self.is_directory = is_directory
        self.params = params
        self.key = tokenize(model, sorted(params.items(), key=lambda kv: kv[0]))

    @property
    def plugin_name(self) -> str:
        return f"sklearn-statement-model-{self.key}"

    def load(self, where: str = "here") -> Any:
        """Build and fit the classifier (loads the model).

        Raises
        ------
        FileNotFoundError
            If ``model`` is a directory that does not exist where this runs.
        """
        from ..zero_shot import ZeroShotStatementClassifier

        if self.is_directory and not os.path.isdir(self.model):
            raise FileNotFoundError(
                f"the statement model directory {self.model!r} does not exist {where}; "
                "every Dask worker reads the model from this path: put it on a "
                "filesystem all workers mount (or copy it to the same path on each "
                "machine)"
            )
        return ZeroShotStatementClassifier(model=self.model, **self.params).fit()


def _model_spec(model: Any, params: dict[str, Any]) -> ModelSpec:
    from sklearn.frozen import FrozenEstimator

    from ..zero_shot import ZeroShotStatementClassifier

    if isinstance(model, ZeroShotStatementClassifier):
        given = {k: v for k, v in params.items() if v is not None}
        if given:
            raise ValueError(
                f"{sorted(given)} given both in the classifier and to score_dataframe; "
                "set them on the classifier"
            )
        params = model.get_params(deep=False)
        model = params.pop("model")
    else:
        params = {k: v for k, v in params.items() if v is not None}
    for name, why in _REFUSED.items():
        if params.get(name):
            raise ValueError(f"{name}=True is not supported by score_dataframe: {why}")
    params.pop("progress_bar", None)
    if isinstance(model, FrozenEstimator) or hasattr(model, "module_"):
        raise TypeError(
            "score_dataframe loads the model on every Dask worker from a path, so it "
            "needs a saved directory, not a tuner in memory: tuner.save_pretrained(dir) "
            "to a filesystem every worker reads, then pass dir (or a "
            "ZeroShotStatementClassifier(model=dir, ...))"
        )
    if not isinstance(model, (str, os.PathLike)) or not os.fspath(model):
        raise TypeError(
            "model must be a saved model directory (str or PathLike), a hub id, or a "
            f"ZeroShotStatementClassifier whose model is one; got {type(model).__name__}"
        )
    path = os.fspath(model)
    expanded = os.path.expanduser(path)
    looks_local = (
        os.path.exists(expanded)
        or os.path.isabs(expanded)
        or path.startswith((".", "~"))
        or path.count("/") != 1
    )
    if looks_local:
        path = os.path.abspath(expanded)
    return ModelSpec(path, looks_local, params)


def _local_classifier(spec: ModelSpec) -> tuple[Any, threading.Lock]:
    """The classifier of ``spec`` in this process, loaded on first use."""
    with _LOCAL_LOCK:
        if spec.key not in _LOCAL:
            _LOCAL[spec.key] = (spec.load("in this process"), threading.Lock())
        return _LOCAL[spec.key]


def _worker_classifier(
    spec: ModelSpec, worker: Any = None
) -> tuple[Any, threading.Lock]:
    """The classifier the worker plugin loaded, else the process-wide one."""
    try:
        if worker is None:
            from distributed import get_worker

            worker = get_worker()
        plugin = worker.plugins.get(spec.plugin_name)
    except (ImportError, ValueError):  # not on a distributed worker
        plugin = None
    if plugin is not None and getattr(plugin, "classifier", None) is not None:
        return plugin.classifier, plugin.lock
    return _local_classifier(spec)


def _describe(spec: ModelSpec, dask_worker: Any = None) -> list[Any]:
    """``classes_`` of the loaded classifier (``client.run`` passes ``dask_worker``)."""
    classifier, _ = _worker_classifier(spec, dask_worker)
    return np.asarray(classifier.classes_).tolist()


def _classify_partition(
    frame: Any,
    spec: ModelSpec,
    fields: Sequence[str],
    keep: Sequence[str],
    classes: Sequence[Any],
) -> Any:
    """Classify one pandas partition: ``keep`` columns, probabilities, label."""
    import pandas as pd

    classifier, lock = _worker_classifier(spec)
    if list(np.asarray(classifier.classes_).tolist()) != list(classes):
        raise RuntimeError(
            f"the model loaded here has classes_ {list(classifier.classes_)}, the "
            f"client expected {list(classes)}; were the workers given different models?"
        )
    out = frame[list(keep)].copy()
    if len(frame):
        with lock:
            proba = classifier.predict_proba(frame[list(fields)])
    else:
        proba = np.zeros((0, len(classes)))
    for j, label in enumerate(classes):
        out[PROBA_PREFIX + str(label)] = proba[:, j].astype(np.float64)
    labels = np.asarray(classes)
    out[LABEL_COLUMN] = pd.Series(
        labels[np.argmax(proba, axis=1)] if len(frame) else labels[:0],
        index=frame.index,
    )
    return out


def _default_client(client: Any) -> Any:
    if client is not None:
        return client
    try:
        from distributed import default_client
    except ImportError:
        return None
    try:
        return default_client()
    except ValueError:  # no Client made in this process: a local scheduler
        return None


def _template_fields(params: dict[str, Any]) -> tuple[str, ...]:
    from ..zero_shot import scoring_templates

    templates = scoring_templates(
        params.get("template"),
        params.get("language", "en"),
        bool(params.get("ensemble", False)),
    )
    return tuple(dict.fromkeys(f for t in templates for f in t.fields))


def _cluster_error(exc: BaseException) -> bool:
    """Whether ``exc`` says the scheduler or workers went away."""
    import asyncio
    import concurrent.futures

    kinds: tuple[type, ...] = (
        concurrent.futures.CancelledError,
        asyncio.CancelledError,
        ConnectionError,
        TimeoutError,
    )
    try:
        from distributed import KilledWorker
        from distributed.comm.core import CommClosedError

        kinds += (KilledWorker, CommClosedError)
    except ImportError:
        pass
    return isinstance(exc, kinds)


def _write_parquet(frame: Any, output: Path, client: Any) -> None:
    """Write ``frame`` to a temporary directory beside ``output``, then rename it.

    Computed on ``client`` (a distributed Client) if given, else on Dask's
    default scheduler.
    """
    partial = output.with_name(f".{output.name}.incomplete-{uuid.uuid4().hex[:8]}")
    compute_kwargs = {} if client is None else {"scheduler": client}
    try:
        frame.to_parquet(
            partial,
            compute=True,
            compute_kwargs=compute_kwargs,
            write_metadata_file=False,
        )
        if output.exists():  # overwrite=True (checked before scoring)
            # swap, then remove the old one
            old = output.with_name(f".{output.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(output, old)
            os.replace(partial, output)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(partial, output)
    except BaseException as exc:
        shutil.rmtree(partial, ignore_errors=True)
        if _cluster_error(exc):
            raise RuntimeError(
                f"the Dask cluster went away while scoring ({type(exc).__name__}: "
                f"{exc}); {output} was not written (the partial output was removed). "
                "Start the cluster again and rerun"
            ) from exc
        raise


def score_dataframe(
    ddf: Any,
    model: Any,
    *,
    template: Any = None,
    labels: Sequence[Any] | None = None,
    language: str | None = None,
    keep_columns: Sequence[str] = (),
    output: str | os.PathLike | None = None,
    overwrite: bool = False,
    client: Any = None,
    **params: Any,
) -> Any:
    """Zero-shot classify every row of a Dask DataFrame, partition by partition.

    Each partition goes through :meth:`ZeroShotStatementClassifier.predict_proba`
    on a Dask worker (``dask.dataframe.map_partitions``). The model is loaded
    **once per worker** from its path: with a ``distributed.Client`` by a
    worker plugin registered on the cluster (load errors are raised here,
    before any scoring); with a local Dask scheduler once per process.
    Weights never travel through the scheduler.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        The texts, one column per template field (e.g. from
        ``dd.read_parquet`` or ``dd.read_csv``). Rename columns to the
        field names first (``ddf.rename(columns={"body": "text"})``).
    model : str, PathLike or ZeroShotStatementClassifier
        A directory written by ``StatementTuner.save_pretrained`` that every
        worker can read at this path (a shared filesystem), a hub id, or a
        ``ZeroShotStatementClassifier`` whose ``model`` is one (its
        parameters are used; fitted or not).
    template, labels, language
        As in :class:`ZeroShotStatementClassifier` (when ``model`` is a
        path; ``template`` is then required).
    keep_columns : sequence of str, default=()
        Columns of ``ddf`` copied into the result (ids, gold labels…).
    output : str, PathLike or None, default=None
        Write the result here as a Parquet dataset (a directory of one file
        per partition) and return it read back lazily. It is written under
        a temporary name beside ``output`` and renamed when complete, so a
        failed run leaves no ``output``. A local or shared-filesystem path.
    overwrite : bool, default=False
        Replace an existing ``output``.
    client : distributed.Client, optional
        Default: the current client (``distributed.default_client()``) if
        there is one, else Dask's local scheduler.
    **params
        Other :class:`ZeroShotStatementClassifier` parameters
        (``batch_size``, ``max_length``, ``device``, ``precision``,
        ``normalize``, ``ensemble``).

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy (compute it on the cluster: ``client.compute(result)``, or
        ``result.compute()`` when ``client`` is the default client); same
        index and partitions as ``ddf``. Columns:
        ``keep_columns``, then ``proba_<label>`` (float64) for every label of
        ``classes_`` in that order (rows sum to 1), then ``label`` (the most
        likely one, as ``predict``). With ``output``, the written dataset.

    Raises
    ------
    ImportError
        If dask is not installed (the message names the ``[scale]`` extra).
    TypeError
        If ``ddf`` is not a Dask DataFrame, or ``model`` is a tuner in memory
        (save it first) or of another type.
    ValueError
        If ``ddf`` lacks a template field or a ``keep_columns`` column, a
        kept column clashes with an output column, parameters are given
        twice, ``few_shot`` or ``multi_label`` is set, or the template is
        invalid.
    FileNotFoundError
        If a worker cannot read the model directory (raised before scoring).
    FileExistsError
        If ``output`` exists and ``overwrite`` is False.
    RuntimeError
        If the cluster goes away while ``output`` is written (nothing is left
        under the ``output`` name).

    See Also
    --------
    ZeroShotStatementClassifier : the classifier each worker runs.
    AcceleratedStatementTuner : multi-process training.

    Examples
    --------
    >>> import dask.dataframe as dd  # doctest: +SKIP
    >>> from distributed import Client  # doctest: +SKIP
    >>> from sklearn_statement import score_dataframe
    >>> client = Client("scheduler:8786")  # doctest: +SKIP
    >>> texts = dd.read_parquet("corpus/")  # doctest: +SKIP
    >>> score_dataframe(texts, "/shared/statement-model", template="topic",
    ...                 labels=["sports", "politics"], keep_columns=["id"],
    ...                 output="/shared/labelled.parquet")  # doctest: +SKIP
    """
    dd = require("dask.dataframe", "score_dataframe")
    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(
            f"ddf must be a dask.dataframe.DataFrame, got {type(ddf).__name__}; for "
            "pandas data use ZeroShotStatementClassifier.predict_proba, or "
            "dd.from_pandas(df, npartitions=...)"
        )
    spec = _model_spec(
        model, {"template": template, "labels": labels, "language": language, **params}
    )
    columns = list(ddf.columns)
    fields = _template_fields(spec.params)
    missing = [f for f in fields if f not in columns]
    if missing:
        raise ValueError(
            f"the Dask DataFrame lacks the template field column(s) {missing}; it has "
            f"{columns} and the template needs {list(fields)}. Rename them first, e.g. "
            f"ddf.rename(columns={{{columns[0] if columns else 'column'!r}: {missing[0]!r}}})"
        )
    keep = list(keep_columns)
    absent = [c for c in keep if c not in columns]
    if absent:
        raise ValueError(f"keep_columns {absent} are not columns of ddf ({columns})")
    target = None
    if output is not None:
        target = Path(output).expanduser().absolute()
        if "://" in os.fspath(output):
            raise ValueError(
                f"output={output!r}: only local or shared-filesystem paths are written "
                "atomically (rename at the end); write to an object store yourself "
                "with result.to_parquet(url)"
            )
        if target.exists() and not overwrite:
            raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")

    client = _default_client(client)
    if client is not None:
        from ._dask_plugin import StatementModelPlugin

        try:
            try:
                client.register_plugin(StatementModelPlugin(spec))
            except BaseException as exc:
                if not _cluster_error(exc):
                    # a plugin whose setup failed stays registered (and would
                    # fail on every worker that joins later)
                    client.unregister_worker_plugin(spec.plugin_name)
                raise
            described = client.run(_describe, spec)
        except BaseException as exc:
            if _cluster_error(exc):
                raise RuntimeError(
                    f"the Dask cluster went away while the model was loaded "
                    f"({type(exc).__name__}: {exc}); nothing was scored or written"
                ) from exc
            raise
        found = {tuple(v) for v in described.values()}
        if len(found) != 1:
            raise RuntimeError(f"the workers loaded different classes_: {described}")
        classes = list(found.pop())
    else:
        classes = _describe(spec)
    names = [PROBA_PREFIX + str(c) for c in classes]
    clash = sorted(set(keep) & {*names, LABEL_COLUMN})
    if clash:
        raise ValueError(
            f"keep_columns {clash} clash with output columns {names + [LABEL_COLUMN]}; "
            "rename them first"
        )
    meta = _partition_meta(ddf, keep, names, classes)
    classified = ddf.map_partitions(
        _classify_partition, spec, fields, keep, classes, meta=meta
    )
    if target is None:
        return classified
    _write_parquet(classified, target, client)
    return dd.read_parquet(target)


def _partition_meta(ddf: Any, keep: list[str], names: list[str], classes: list):
    import pandas as pd

    meta = ddf._meta[keep].copy()
    for name in names:
        meta[name] = pd.Series([], dtype=np.float64, index=meta.index)
    meta[LABEL_COLUMN] = pd.Series(np.asarray(classes)[:0], index=meta.index)
    return meta
