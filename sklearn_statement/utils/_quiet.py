"""Keep transformers' loading chatter (weight bars, load reports) behind ``verbose``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["quiet_transformers"]


@contextlib.contextmanager
def quiet_transformers(quiet: bool = True) -> Iterator[None]:
    """Silence transformers' progress bars and log messages below ERROR.

    transformers prints a "Loading weights" / "Writing model shards" bar and
    a LOAD REPORT table on every ``from_pretrained`` / ``save_pretrained``.
    Inside this context they are hidden (with ``quiet=True``); the previous
    verbosity and progress-bar setting are restored on exit, also after an
    error.

    Parameters
    ----------
    quiet : bool, default=True
        False leaves everything as it is (``verbose`` estimators).
    """
    if not quiet:
        yield
        return
    from transformers.utils import logging

    verbosity = logging.get_verbosity()
    bars = logging.is_progress_bar_enabled()
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        logging.set_verbosity(verbosity)
        if bars:
            logging.enable_progress_bar()
