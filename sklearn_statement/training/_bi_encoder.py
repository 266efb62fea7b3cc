"""``BiEncoderStatementTuner``: statement tuning of a sentence encoder (a bi-encoder).

:class:`StatementTuner` reads a whole statement ("'Messi scored.' is about
sports.") with one forward pass and judges it true or false: a cross-encoder.
A bi-encoder embeds the input ("Messi scored.") and each candidate label's
statement with the input left out, its *description* ("this text is about
sports."), separately, and scores each label by their cosine similarity:
the rule of :class:`~sklearn_statement.EmbeddingZeroShotClassifier`. This
tuner trains that rule on statement data: for every example, a softmax over
``scale x cos(input, description)`` of its candidate labels, cross-entropy
with the true one (:func:`candidates_loss`). It keeps the encoder's prior
(it starts as the untuned embedding baseline and moves it), and scores K
labels at the cost of N + K encodings instead of N x K statements.

Training runs through sentence-transformers' own trainer
(``SentenceTransformerTrainer``); the tuned encoder is a plain
sentence-transformers model (its prompts kept: e5's ``"query: "``).
"""

from __future__ import annotations

import os
import tempfile
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..models import freeze_word_embeddings
from ..utils import PRECISIONS, require, resolve_device, resolve_precision

__all__ = ["BiEncoderStatementTuner", "candidates_loss", "description_triplets"]

#: The columns a statement table gives the bi-encoder (``build_multitask``'s output).
PAIR_COLUMNS = ("input", "description", "label", "example_id")


def candidates_loss(model: Any, scale: float = 20.0) -> Any:
    """Listwise loss over each input's own candidates (the true description first).

    ``softmax(scale * cos(input, candidate))`` over an example's candidate
    descriptions, cross-entropy with the true one: the rule the zero-shot
    classifier predicts with, and the listwise objective of
    :func:`~sklearn_statement.training.listwise_loss` on cosine scores.
    Unlike sentence-transformers' ``MultipleNegativesRankingLoss``, other
    examples' candidates are not negatives: label descriptions repeat across a
    batch ("this text is about sports."), and a repeat of the true one must not
    count as false.

    Parameters
    ----------
    model : sentence_transformers.SentenceTransformer
    scale : float, default=20.0
        Inverse temperature of the softmax (sentence-transformers' scale for
        cosine similarities).

    Returns
    -------
    torch.nn.Module
        ``loss(sentence_features, labels)``: the columns are the inputs, the
        true descriptions, then the false ones.
    """
    import torch

    class CandidatesLoss(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model
            self.scale = scale

        def forward(self, sentence_features: Any, labels: Any) -> Any:
            reps = [self.model(sentence_features[0])["sentence_embedding"]]
            reps += embed_unique(self.model, sentence_features[1:])
            unit = [torch.nn.functional.normalize(r, dim=-1) for r in reps]
            candidates = torch.stack(unit[1:], dim=1)
            logits = self.scale * torch.einsum("bd,bcd->bc", unit[0], candidates)
            target = torch.zeros(len(logits), dtype=torch.long, device=logits.device)
            return torch.nn.functional.cross_entropy(logits, target)

    return CandidatesLoss()


def embed_unique(model: Any, features_list: list[dict[str, Any]]) -> list[Any]:
    """Embed candidate columns in one forward pass over their *distinct* rows.

    Label descriptions repeat across a batch (a handful of labels, each
    example's true and false ones): each distinct tokenized description is
    encoded once and its embedding reused, so a step costs ``batch_size``
    input encodings plus the number of distinct descriptions instead of
    ``batch_size x (1 + n_candidates)``. Gradients flow to every use (the
    indexing is differentiable); with dropout, repeats share one dropout
    sample.

    Parameters
    ----------
    model : sentence_transformers.SentenceTransformer
    features_list : list of dict
        The tokenized candidate columns (sentence-transformers' features).

    Returns
    -------
    list of torch.Tensor
        One ``(batch_size, dim)`` embedding tensor per column, as
        sentence-transformers' ``embed_columns`` returns.
    """
    import torch
    from sentence_transformers.base.losses.merged_forward import (
        embed_columns,
        merge_feature_batches,
    )

    merged = merge_feature_batches(features_list) if len(features_list) > 1 else None
    if merged is None:
        return embed_columns(model, features_list, separate_first=False)
    ids, mask = merged["input_ids"], merged["attention_mask"].bool()
    rows = ids.shape[0]
    # padding differs by column (the tokenizer's pad id, then merging's 0): compare tokens only
    tokens = ids.masked_fill(~mask, 0)
    distinct, inverse = torch.unique(tokens, dim=0, return_inverse=True)
    order = torch.arange(rows, device=ids.device)
    first = torch.full((len(distinct),), rows, dtype=torch.long, device=ids.device)
    first = first.scatter_reduce(0, inverse, order, reduce="amin")
    keep = mask[first].any(
        dim=0
    )  # positions a kept row attends to (either padding side)
    features = {}
    for key, value in merged.items():
        if (
            isinstance(value, torch.Tensor)
            and value.ndim >= 1
            and value.shape[0] == rows
        ):
            value = value[first]
            features[key] = value[:, keep] if value.ndim >= 2 else value
        else:
            features[key] = value
    embeddings = model(features)["sentence_embedding"][inverse]
    return list(
        embeddings.reshape(len(features_list), -1, embeddings.shape[-1]).unbind(0)
    )


def description_triplets(
    inputs: Any, descriptions: Any, labels: Any, example_ids: Any
) -> dict[str, list[str]]:
    """(input, true description, false description) rows: one per false candidate.

    Parameters
    ----------
    inputs, descriptions : sequence of str, shape (n_rows,)
        Each row's input text and its candidate label's description.
    labels : sequence of {0, 1}, shape (n_rows,)
        1 where the description is the example's true one.
    example_ids : sequence, shape (n_rows,)
        The example each row belongs to.

    Returns
    -------
    dict
        ``anchor``, ``positive``, ``negative`` columns.

    Raises
    ------
    ValueError
        If an example has no true row, more than one, no false one, or rows
        whose inputs differ.
    """
    groups: dict[Any, list[int]] = {}
    for i, key in enumerate(example_ids):
        groups.setdefault(key, []).append(i)
    out: dict[str, list[str]] = {"anchor": [], "positive": [], "negative": []}
    for key, rows in groups.items():
        true = [i for i in rows if int(labels[i]) == 1]
        false = [i for i in rows if int(labels[i]) == 0]
        if len(true) != 1 or not false or len({inputs[i] for i in rows}) != 1:
            raise ValueError(
                f"example {key!r} has {len(true)} true and {len(false)} false "
                f"descriptions over {len({inputs[i] for i in rows})} input(s); each "
                "example needs one input, exactly one true description and at least "
                "one false one (build_multitask's rows grouped by example_id)"
            )
        for i in false:
            out["anchor"].append(str(inputs[true[0]]))
            out["positive"].append(str(descriptions[true[0]]))
            out["negative"].append(str(descriptions[i]))
    return out


def _columns(X: Any, y: Any, example_id: Any) -> tuple[list, list, list, list]:
    """inputs, descriptions, labels, example ids from a table (and optional y / ids)."""
    import pandas as pd

    if hasattr(X, "to_pandas") and not isinstance(X, pd.DataFrame):
        X = X.to_pandas()  # datasets.Dataset
    if isinstance(X, dict):
        X = pd.DataFrame(X)
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            "X must be a table (pandas DataFrame, datasets.Dataset or dict of columns) "
            "with 'input' and 'description' columns, such as build_multitask's output; "
            f"got {type(X).__name__}"
        )
    missing = [c for c in ("input", "description") if c not in X.columns]
    if y is None and "label" not in X.columns:
        missing.append("label (or y=)")
    if example_id is None and "example_id" not in X.columns:
        missing.append("example_id (or example_id=)")
    if missing:
        raise ValueError(
            f"X lacks column(s) {missing}; build the table with "
            "datasets_builders.build_multitask (it writes input, description, label "
            f"and example_id), got columns {list(X.columns)}"
        )
    labels = list(X["label"] if y is None else y)
    ids = list(X["example_id"] if example_id is None else example_id)
    if not (len(labels) == len(ids) == len(X)):
        raise ValueError(
            f"X has {len(X)} rows but y has {len(labels)} and example_id {len(ids)}"
        )
    return list(X["input"]), list(X["description"]), labels, ids


class BiEncoderStatementTuner(TransformerMixin, BaseEstimator):
    """Statement-tune a sentence encoder: each input closer to its true label's description.

    A bi-encoder variant of Statement-Tuning (arXiv 2404.12897 trains a
    cross-encoder): the input and each candidate label's description are
    embedded separately and the label whose description is most similar wins,
    as in :class:`~sklearn_statement.EmbeddingZeroShotClassifier`, which
    takes the tuned encoder as ``model`` (or the hybrid, as
    ``embedding_model``). Training minimises the cross-entropy of the softmax
    over ``scale x`` cosine similarity of each example's candidates
    (:func:`candidates_loss`) with sentence-transformers' trainer (linear
    warmup and decay, AdamW).

    Parameters
    ----------
    model : str, PathLike or sentence_transformers.SentenceTransformer, default=None
        A sentence-transformers model directory or hub id, e.g.
        :func:`sklearn_statement.offline_model` (multilingual-e5-small) or
        ``"intfloat/multilingual-e5-small"``. Required. Loaded in ``fit``; a
        ``SentenceTransformer`` given here is copied, never modified.
    max_epochs : int, default=1
    lr : float, default=2e-5
        Peak learning rate.
    batch_size : int, default=32
        Examples (input, true and one false description) per step.
    scale : float, default=20.0
        Inverse temperature of the listwise softmax; the zero-shot classifier
        turns similarities into probabilities with the same scale.
    freeze_embeddings : bool, default=True
        Keep the word-embedding matrix fixed (96M of multilingual-e5-small's
        118M parameters): no optimizer state or update for it, and the
        vocabulary of languages absent from training is not moved.
    warmup_ratio : float, default=0.1
    precision : {"auto", "fp32", "bf16"}, default="auto"
        ``"auto"``: bf16 autocast on CUDA GPUs with bf16 and on CPUs that
        compute bf16 natively, else fp32 (the rule of
        :func:`~sklearn_statement.utils.resolve_precision`).
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
    random_state : int or None, default=None
        Seeds the batch order (and dropout).
    verbose : int, default=1
        Show the trainer's progress bar.

    Attributes
    ----------
    encoder_ : sentence_transformers.SentenceTransformer
        The tuned encoder.
    history_ : list of dict
        The trainer's logged steps (``loss``, ``learning_rate``, ``epoch``).
    n_examples_ : int
    n_triplets_ : int
        Training rows: one per (example, false description).

    See Also
    --------
    StatementTuner : the cross-encoder statement tuner.
    EmbeddingZeroShotClassifier : zero-shot classification with the tuned encoder.

    Examples
    --------
    >>> from datasets_builders import build_multitask, sample_data_dir
    >>> from sklearn_statement import BiEncoderStatementTuner, offline_model
    >>> train = build_multitask(["sst2", "agnews"], n_per_task=200,
    ...                         data_dir=sample_data_dir())  # doctest: +SKIP
    >>> bi = BiEncoderStatementTuner(offline_model()).fit(train)  # doctest: +SKIP
    >>> bi.transform(["Messi scored twice."]).shape  # doctest: +SKIP
    (1, 384)
    """

    _parameter_constraints: dict = {
        "model": "no_validation",  # path, hub id or SentenceTransformer: checked in fit
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "scale": [Interval(Real, 0, None, closed="neither")],
        "freeze_embeddings": ["boolean"],
        "warmup_ratio": [Interval(Real, 0, 1, closed="both")],
        "precision": [StrOptions(set(PRECISIONS) - {"fp16"})],
        "device": "no_validation",
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        model: Any = None,
        *,
        max_epochs: int = 1,
        lr: float = 2e-5,
        batch_size: int = 32,
        scale: float = 20.0,
        freeze_embeddings: bool = True,
        warmup_ratio: float = 0.1,
        precision: str = "auto",
        device: str = "auto",
        random_state: int | None = None,
        verbose: int = 1,
    ) -> None:
        self.model = model
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.scale = scale
        self.freeze_embeddings = freeze_embeddings
        self.warmup_ratio = warmup_ratio
        self.precision = precision
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.non_deterministic = self.random_state is None
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self, X: Any, y: Any = None, example_id: Any = None
    ) -> BiEncoderStatementTuner:
        """Tune the encoder on statement data.

        Parameters
        ----------
        X : DataFrame, datasets.Dataset or dict of columns
            One row per (example, candidate label): ``input`` (the text the
            encoder embeds), ``description`` (the label's statement with the
            input left out) and, unless given as ``y`` / ``example_id``,
            ``label`` (1 = true) and ``example_id``:
            ``datasets_builders.build_multitask``'s output.
        y : array-like of {0, 1}, shape (n_rows,), optional
        example_id : array-like, shape (n_rows,), optional

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If ``model`` is missing, a column is missing, lengths differ, or
            an example has not exactly one true description and at least one
            false one.
        TypeError
            If ``X`` is not a table.
        ImportError
            If sentence-transformers is not installed.
        """
        if self.model is None:
            raise ValueError(
                "model is required: a sentence-transformers directory or hub id, e.g. "
                "sklearn_statement.offline_model()"
            )
        columns = _columns(X, y, example_id)
        triplets = description_triplets(*columns)
        self.encoder_ = self._load()
        self.history_ = self._train(triplets)
        self.n_examples_ = len(set(columns[3]))
        self.n_triplets_ = len(triplets["anchor"])
        return self

    def _load(self) -> Any:
        import copy

        from ..backends import load_sentence_encoder

        device = resolve_device(self.device)
        encoder = load_sentence_encoder(self.model, device)
        if encoder is self.model:
            encoder = copy.deepcopy(encoder)
        if self.freeze_embeddings:
            freeze_word_embeddings(encoder)
        return encoder

    def _bf16(self) -> bool:
        """bf16 autocast for the trainer, by :func:`resolve_precision`'s rule."""
        import torch

        dtype = resolve_precision(self.precision, resolve_device(self.device))
        return dtype is torch.bfloat16

    def _train(self, triplets: dict[str, list[str]]) -> list[dict[str, Any]]:
        import math

        import datasets

        st = require("sentence_transformers", "BiEncoderStatementTuner")
        encoder = self.encoder_
        prompt = (encoder.prompts or {}).get(encoder.default_prompt_name or "", "")
        steps = math.ceil(len(triplets["anchor"]) / self.batch_size) * self.max_epochs
        with tempfile.TemporaryDirectory(prefix="bi_encoder_") as tmp:
            args = st.SentenceTransformerTrainingArguments(
                output_dir=tmp,
                num_train_epochs=self.max_epochs,
                per_device_train_batch_size=self.batch_size,
                learning_rate=self.lr,
                warmup_steps=int(self.warmup_ratio * steps),
                seed=0 if self.random_state is None else self.random_state,
                bf16=self._bf16(),
                use_cpu=resolve_device(self.device).type == "cpu",
                logging_steps=max(1, min(10, steps // 4)),
                save_strategy="no",
                report_to="none",
                prompts=prompt or None,
                disable_tqdm=not self.verbose,
            )
            trainer = st.SentenceTransformerTrainer(
                model=encoder,
                args=args,
                train_dataset=datasets.Dataset.from_dict(triplets),
                loss=candidates_loss(encoder, self.scale),
            )
            trainer.train()
        return [h for h in trainer.state.log_history if "loss" in h]

    def transform(self, X: Any) -> np.ndarray:
        """Unit-length embeddings of texts (with the encoder's prompt).

        Parameters
        ----------
        X : sequence of str, shape (n_texts,)

        Returns
        -------
        ndarray of float32, shape (n_texts, dim)
        """
        from ..backends import encode_sentences
        from ..utils import check_statements

        check_is_fitted(self, "encoder_")
        return encode_sentences(self.encoder_, check_statements(X), batch_size=64)

    def save_pretrained(
        self, save_directory: str | os.PathLike, *, overwrite: bool = False
    ) -> Path:
        """Save the tuned encoder as a sentence-transformers directory.

        Parameters
        ----------
        save_directory : str or PathLike
        overwrite : bool, default=False
            Replace files in a non-empty directory (otherwise an error: files a
            user owns are not overwritten).

        Returns
        -------
        pathlib.Path

        Raises
        ------
        sklearn.exceptions.NotFittedError
        FileExistsError
            If the directory is not empty and ``overwrite`` is False.
        """
        check_is_fitted(self, "encoder_")
        path = Path(save_directory)
        if path.exists() and any(path.iterdir()) and not overwrite:
            raise FileExistsError(
                f"{path} is not empty; pass overwrite=True to replace its files"
            )
        self.encoder_.save(str(path))
        return path
