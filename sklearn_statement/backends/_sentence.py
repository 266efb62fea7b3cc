"""Sentence-transformers encoders: the embedding baseline's, the hybrid's and a shortlist's.

:func:`load_sentence_encoder` loads one (quietly, on the device asked for) and
:func:`encode_sentences` embeds texts as unit vectors, the way every caller
here needs them (numpy, normalised, no progress bar).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..utils import quiet_transformers, require, resolve_device

__all__ = ["encode_sentences", "load_sentence_encoder"]


def load_sentence_encoder(model: Any, device: Any = "auto") -> Any:
    """A ``SentenceTransformer`` from a directory or hub id (or the one given).

    Parameters
    ----------
    model : str, PathLike or sentence_transformers.SentenceTransformer
        Returned as is when it is already a ``SentenceTransformer``.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"

    Raises
    ------
    ImportError
        If sentence-transformers is not installed (the message names the
        ``demo`` extra).
    """
    st = require("sentence_transformers", "a sentence-embedding model")
    if isinstance(model, st.SentenceTransformer):
        return model
    with quiet_transformers():
        return st.SentenceTransformer(str(model), device=str(resolve_device(device)))


def encode_sentences(
    encoder: Any, texts: Sequence[str], batch_size: int, *, prompt: str | None = None
) -> np.ndarray:
    """Unit-length embeddings of ``texts``, shape (len(texts), dim), float32.

    ``prompt`` goes before every text; None: the encoder's default prompt
    (sentence-transformers' ``default_prompt_name``), if it has one.
    """
    return encoder.encode(
        list(texts),
        prompt=prompt,
        batch_size=batch_size,
        convert_to_numpy=True,
        normalize_embeddings=True,
        show_progress_bar=False,
    )
