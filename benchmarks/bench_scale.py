"""Corpus scoring on Dask: rows/s of ``score_dataframe`` on 1 and 2 workers.

Workload: N real texts (AG News and SIB-200 sentences from the bundled
sample, cycled; a repeated text gets a " (k)" suffix so that no row is a
duplicate the scorer could skip), the ``agnews`` template (4 labels), on the
same statement model everywhere.

Runs, in one process tree:
- single process: ``ZeroShotStatementClassifier.predict_proba`` on the
  pandas frame, torch on 1 thread and on every core;
- ``distributed.LocalCluster`` with 1 and with 2 worker processes (1 thread
  each; distributed starts workers with ``OMP_NUM_THREADS=1``): the time of
  ``client.compute(score_dataframe(...))`` with the model already loaded
  (loading, once per worker by the worker plugin, is timed apart).

Checks: the 2-worker probabilities equal the single-process ones (max
absolute difference reported). Reports rows/s, the 2-vs-1-worker speedup and
its efficiency (speedup / 2). On a 2-core machine expect at most 2x: the
two workers share the cores with the scheduler, the client and the
nanny processes, and a single process can already use both cores through
torch's intra-op threads.

Usage::

    python benchmarks/bench_scale.py [--model DIR|tiny] [--rows 20000] [--partitions 8] [--quick]

Writes ``benchmarks/results/bench_scale.json`` (``--out-dir`` elsewhere).
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, print_environment, statement_model_dir, write_results  # noqa: E402

TEMPLATE = "agnews"


def corpus(n: int):
    """``n`` distinct real texts from the bundled sample, as a pandas frame."""
    import pandas as pd

    from datasets_builders import load_task, sample_data_dir

    data = sample_data_dir()
    texts = list(load_task("agnews", split="test", data_dir=data)["text"])
    for split in ("test", "validation", "train"):
        texts += list(
            load_task("sib200", language="en", split=split, data_dir=data)["text"]
        )
    rows = [
        texts[i % len(texts)] + ("" if i < len(texts) else f" ({i // len(texts)})")
        for i in range(n)
    ]
    return pd.DataFrame({"id": np.arange(n), "text": rows})


def tiny_model(workdir: Path) -> str:
    """A tiny random BERT statement model (the tests' ``build_tiny_model``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "tests_conftest", Path(__file__).resolve().parents[1] / "tests" / "conftest.py"
    )
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)
    return str(conftest.build_tiny_model("bert", workdir / "tiny", head=True))


def single_process(model: str, frame, threads: int) -> tuple[float, np.ndarray]:
    import torch

    from sklearn_statement import ZeroShotStatementClassifier

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        clf = ZeroShotStatementClassifier(
            model=model, template=TEMPLATE, device="cpu"
        ).fit()
        clf.predict_proba(frame[["text"]].iloc[:8])  # warm-up
        start = time.perf_counter()
        proba = clf.predict_proba(frame[["text"]])
        return time.perf_counter() - start, proba
    finally:
        torch.set_num_threads(before)


def on_cluster(model: str, path: Path, n_workers: int, partitions: int):
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from sklearn_statement import score_dataframe

    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        started = time.perf_counter() - start
        ddf = dd.read_parquet(path, split_row_groups=True)
        if ddf.npartitions != partitions:
            ddf = ddf.repartition(npartitions=partitions)
        ddf = client.persist(ddf)  # reading the file is not what is measured
        client.wait_for_workers(n_workers)
        start = time.perf_counter()
        scored = score_dataframe(
            ddf,
            model,
            template=TEMPLATE,
            device="cpu",
            keep_columns=["id"],
            client=client,
        )
        loaded = time.perf_counter() - start  # plugin: the model on every worker
        start = time.perf_counter()
        result = client.compute(scored).result()
        seconds = time.perf_counter() - start
    return {
        "cluster_start_s": started,
        "model_load_s": loaded,
        "seconds": seconds,
        "result": result.set_index("id").sort_index(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default=None, help="statement model dir, or 'tiny'")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="300 rows, tiny model")
    parser.add_argument("--out-dir", default=None)
    args = parser.parse_args()
    if args.quick:
        args.rows, args.partitions = 300, 4
        args.model = args.model or "tiny"

    env = environment()
    env["cpu_count"] = os.cpu_count()
    print("bench_scale: score_dataframe rows/s on 1 vs 2 Dask workers")
    print_environment(env)
    workdir = Path(tempfile.mkdtemp(prefix="bench_scale_"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    model = (
        tiny_model(workdir)
        if args.model == "tiny"
        else statement_model_dir(args.model, workdir)
    )
    frame = corpus(args.rows)
    path = workdir / "corpus.parquet"
    frame.to_parquet(path, row_group_size=max(1, -(-args.rows // args.partitions)))

    runs = []
    reference = None
    for threads in (1, os.cpu_count() or 1):
        seconds, proba = single_process(model, frame, threads)
        reference = proba if reference is None else reference
        runs.append(
            {
                "run": f"1 process, {threads} torch thread(s)",
                "workers": 0,
                "seconds": seconds,
                "rows_per_s": args.rows / seconds,
            }  # fmt: skip
        )
        print(f"  {runs[-1]['run']}: {runs[-1]['rows_per_s']:.1f} rows/s", flush=True)
    names = None
    for n_workers in (1, 2):
        out = on_cluster(model, path, n_workers, args.partitions)
        result = out.pop("result")
        names = [c for c in result.columns if c.startswith("proba_")]
        diff = float(np.abs(result[names].to_numpy() - reference).max())
        runs.append(
            {
                "run": f"LocalCluster, {n_workers} worker(s) x 1 thread",
                "workers": n_workers,
                **out,
                "rows_per_s": args.rows / out["seconds"],
                "max_abs_diff_vs_1_process": diff,
            }  # fmt: skip
        )
        print(
            f"  {runs[-1]['run']}: {runs[-1]['rows_per_s']:.1f} rows/s "
            f"(model load {out['model_load_s']:.1f} s, max |diff| {diff:.2e})",
            flush=True,
        )
    one, two = runs[-2]["rows_per_s"], runs[-1]["rows_per_s"]
    summary = {
        "rows": args.rows,
        "partitions": args.partitions,
        "labels": len(names or []),
        "model": model if args.model != "tiny" else "tiny random BERT",
        "speedup_2_vs_1_workers": two / one,
        "efficiency_2_workers": two / one / 2,
        "speedup_2_workers_vs_1_process_all_threads": two / runs[1]["rows_per_s"],
        "note": (
            f"{os.cpu_count()} CPU cores: 2 workers can at most double 1 worker; "
            "the scheduler, nanny and client processes share the same cores, and "
            "one process already uses every core through torch's threads"
        ),
    }
    print(
        f"  2 vs 1 worker: {summary['speedup_2_vs_1_workers']:.2f}x "
        f"(efficiency {summary['efficiency_2_workers']:.0%})",
        flush=True,
    )
    write_results(
        "bench_scale", {"environment": env, **summary, "runs": runs}, args.out_dir
    )


if __name__ == "__main__":
    main()
