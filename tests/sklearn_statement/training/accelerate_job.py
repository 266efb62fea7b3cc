"""Training job for the multi-process tests: ``accelerate launch ... accelerate_job.py``.

Every process statement-tunes a tiny model on :func:`statement_data` with an
:class:`AcceleratedStatementTuner` and calls ``save_pretrained``; each writes
``<report>/rank<k>.json`` with what it did: the example ids of every batch
it trained on, its loss history, and every file it opened for writing or
directory it created (a ``sys.addaudithook`` record), so that the test can
check which process wrote the output directory.

Also imported by the test for :func:`statement_data` and :data:`PARAMS`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

#: Tuner parameters shared by the multi-process run and its single-process oracle.
#: No dropout: the processes draw other dropout masks than one process would.
PARAMS = dict(
    max_epochs=2,
    batch_size=4,
    lr=1e-3,
    random_state=0,
    verbose=0,
    objective="listwise",
    # exact comparisons: "auto" is bf16 on CPUs with native bf16
    precision="fp32",
    model__hidden_dropout_prob=0.0,
    model__attention_probs_dropout_prob=0.0,
)
N_PROCESSES = 2


def statement_data(n_examples: int = 16) -> tuple[list[str], list[int], list[int]]:
    """Statements, labels and example ids: one true and one or two false per example.

    37 statements; with ``batch_size=4`` the example-grouped sampler cuts
    them into 10 batches of 3 to 5 statements (whole examples): a multiple
    of 2 processes, so accelerate repeats no batch to even them out.
    """
    words = "the dog cat movie man woman is good bad great terrible happy sad".split()
    rng = np.random.default_rng(0)
    X, y, ids = [], [], []
    for example in range(n_examples):
        subject = " ".join(rng.choice(words, size=int(rng.integers(2, 6))))
        X += [f"{subject} is true.", f"{subject} is false."]
        y += [1, 0]
        if example % 3 == 0:
            X.append(f"{subject} is unknown.")
            y.append(0)
        ids += [example] * (len(X) - len(ids))
    return X, y, ids


def _audit(record: list[str]):
    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            writing = (mode is not None and any(c in mode for c in "wax+")) or (
                mode is None
                and isinstance(flags, int)
                and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            )
            if writing and isinstance(path, (str, bytes, os.PathLike)):
                record.append(os.fsdecode(path))
        elif event in ("os.mkdir", "os.rename", "os.replace"):
            record.append(os.fsdecode(args[0]))

    return hook


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--report", required=True)
    parser.add_argument("--checkpoint-dir")
    parser.add_argument("--kill-after-epoch", type=int)
    args = parser.parse_args()

    writes: list[str] = []
    sys.addaudithook(_audit(writes))

    from accelerate import Accelerator
    from skorch.callbacks import Callback

    from sklearn_statement import AcceleratedStatementTuner

    batches: list[list[int]] = []

    class Record(Callback):
        def on_batch_begin(self, net, batch=None, training=False, **kwargs):
            if training:
                batches.append(batch[0]["example_id"].tolist())

        def on_epoch_end(self, net, **kwargs):
            if args.kill_after_epoch == len(net.history):
                report(net, killed=True)
                os._exit(3)  # after the checkpoint callback has written this epoch

    accelerator = Accelerator(cpu=True)

    def report(net, killed=False):
        out = Path(args.report)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"rank{accelerator.process_index}.json").write_text(
            json.dumps(
                {
                    "rank": accelerator.process_index,
                    "num_processes": accelerator.num_processes,
                    "batches": batches,
                    "train_loss": [float(v) for v in net.history[:, "train_loss"]],
                    "writes": writes,
                    "killed": killed,
                }
            )
        )

    X, y, ids = statement_data()
    tuner = AcceleratedStatementTuner(
        args.model,
        accelerator=accelerator,
        gradient_accumulation_steps=1,
        checkpoint_dir=args.checkpoint_dir,
        callbacks=[("record", Record())],
        **PARAMS,
    )
    tuner.fit(X, y, example_id=ids)
    tuner.save_pretrained(args.output)
    report(tuner)


if __name__ == "__main__":
    main()
    # Leave without interpreter finalization. With torch 2.13, gloo's worker
    # thread releases a finished collective's tensors after the caller has moved
    # on, and releasing a tensor that has a Python wrapper takes the GIL; if the
    # main thread is finalizing by then, that thread exits inside a noexcept
    # destructor and the process aborts ("terminate called without an active
    # exception", SIGABRT) although all its work is done. gdb showed the stack:
    # ProcessGroupGloo::runLoop -> ~AsyncBroadcastWork -> decref_pyobject ->
    # take_gil -> PyThread_exit_thread (an open torch issue: pytorch/pytorch#190489,
    # and the abandoned atexit fix pytorch/pytorch#179291; destroy_process_group()
    # here did not help, the process group outlives it through accelerate and DDP
    # references). Everything this job reports is written
    # and closed by now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
