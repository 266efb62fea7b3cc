"""Zero-shot evaluation of a statement model over datasets and languages.

:func:`evaluate_zero_shot` classifies (dataset, language, split) triples
(:func:`suite_triples`) and gives one row of metrics per triple: accuracy with
its bootstrap interval (:func:`bootstrap_ci`), macro-F1, the majority and
random baselines, the embedding baseline and hybrid where asked for, and
whether the task family was unseen in training.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from datasets_builders import load_task

from ..zero_shot import ZeroShotStatementClassifier

__all__ = [
    "evaluate_zero_shot",
    "suite_triples",
    "bootstrap_ci",
    "PAPER_SUITE",
    "PAPER_REPORTED",
]

#: The paper's zero-shot evaluation sets available here, with the split used
#: (PAWS-X has labeled test sets for de/zh only, so its 7-language dev sets are used).
PAPER_SUITE: dict[str, str] = {
    "xnli": "test",
    "xcopa": "test",
    "pawsx": "validation",
    "xwinograd": "test",
    "sib200": "test",
}

#: Average accuracy (%) over languages reported for statement-tuned mDeBERTa-v3
#: (276M) trained on 25 languages, arXiv 2506.01592 (ACL 2025), Table 2. Reported
#: figures for a different model and setup, shown for reference only.
PAPER_REPORTED: dict[str, float] = {
    "xcopa": 65.52,
    "xnli": 47.84,
    "xstorycloze": 73.53,
    "xwinograd": 54.75,
}


def suite_triples(
    suite: str | Sequence[str] = "paper",
    *,
    data_dir: str | os.PathLike | None = None,
    languages: Sequence[str] | None = None,
) -> list[tuple[str, str, str]]:
    """The (dataset, language, split) triples of an evaluation suite.

    Parameters
    ----------
    suite : "paper" or sequence of str
        ``"paper"`` is :data:`PAPER_SUITE` (XNLI, XCOPA, PAWS-X, XWinograd,
        SIB-200); a sequence names datasets (their default split from
        :data:`PAPER_SUITE`, else ``"test"``).
    data_dir : str or PathLike, optional
        With a local data directory, every language present there is used;
        with None, the languages the hub sources list.
    languages : sequence of str, optional
        Keep only these languages (normalised codes), in this order. By
        default every language, English first and the others by code.

    Returns
    -------
    list of (str, str, str)

    Raises
    ------
    ValueError
        If ``suite`` is an unknown name, ``languages`` is empty, or a dataset
        has no data.
    """
    from datasets_builders import HUB_SOURCES, available_data
    from template_registry import normalize_language

    if isinstance(suite, str):
        if suite != "paper":
            raise ValueError(
                f"unknown suite {suite!r}; use 'paper' or a list of dataset names"
            )
        names = list(PAPER_SUITE)
    else:
        names = list(suite)
    languages = None if languages is None else list(languages)
    if languages is not None and not languages:
        raise ValueError("languages is empty; pass None for every language present")
    # Languages in the order asked for; otherwise English first, then A-Z.
    keep = (
        None
        if languages is None
        else list(dict.fromkeys(normalize_language(lang) for lang in languages))
    )
    triples = []
    for name in names:
        split = PAPER_SUITE.get(name, "test")
        if data_dir is not None:
            have = available_data(data_dir, [name]).get(name, {})
            langs = [lang for lang, splits in have.items() if split in splits]
        else:
            langs = list(HUB_SOURCES[name].languages or ("en",))
        langs = [lang for lang in langs if keep is None or lang in keep]
        if not langs:
            raise ValueError(
                f"dataset {name!r} has no {split!r} data for the languages asked for"
            )
        order = (
            (lambda lang: keep.index(lang))
            if keep is not None
            else (lambda lang: (lang != "en", lang))
        )
        triples += [(name, lang, split) for lang in sorted(langs, key=order)]
    return triples


def bootstrap_ci(
    correct: np.ndarray,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    random_state: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of an accuracy.

    Parameters
    ----------
    correct : ndarray of bool, shape (n_examples,)
        Whether each prediction is right.
    n_resamples : int, default=1000
    confidence : float, default=0.95
    random_state : int, default=0

    Returns
    -------
    (float, float)
        Lower and upper bounds (fractions), Efron & Tibshirani (1993), Ch. 13.
    """
    correct = np.asarray(correct, dtype=float)
    rng = np.random.default_rng(random_state)
    means = correct[
        rng.integers(0, len(correct), size=(n_resamples, len(correct)))
    ].mean(axis=1)
    alpha = (1 - confidence) / 2
    return float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


def recorded_families(model: Any) -> list[str] | None:
    """The task families a saved model directory records it was trained on.

    ``statement_tuner.json``'s ``trained_families`` (written by
    ``save_pretrained(trained_families=...)``, ``sklearn-statement tune`` and
    ``demo``); None for a model in memory, a hub id or a directory without them.
    """
    if not isinstance(model, (str, os.PathLike)) or not os.path.isdir(model):
        return None
    from ..models import saved_record

    return saved_record(os.fspath(model)).get("trained_families")


def _shared_model(model: Any, device: str, precision: str) -> Any:
    """Load a saved 2-way statement model once (as a fitted tuner) to share it across datasets.

    Other checkpoints (an NLI head, a peft adapter, a hub id) are left to
    each classifier, which checks them itself.
    """
    if not isinstance(model, (str, os.PathLike)) or not os.path.isdir(model):
        return model
    from ..models import model_source

    if not model_source(os.fspath(model)).is_statement_model:
        return model
    from ..training import StatementTuner

    return StatementTuner.from_pretrained(model, device=device, precision=precision)


def _subsample(ds: Any, max_samples: int | None, random_state: int) -> Any:
    if max_samples is None or len(ds) <= max_samples:
        return ds
    rng = np.random.default_rng(random_state)
    idx = np.sort(rng.choice(len(ds), size=max_samples, replace=False))
    return ds.select(idx.tolist())


def evaluate_zero_shot(
    model: Any,
    suite: Iterable[tuple[str, str, str]],
    *,
    data_dir: str | os.PathLike | None = None,
    max_samples: int | None = None,
    template_language: str | None = "en",
    template_name: str | None = None,
    ensemble: bool = False,
    batch_size: int = 64,
    max_length: int | None = None,
    device: str = "auto",
    precision: str = "auto",
    random_state: int = 0,
    progress_bar: bool | None = None,
    trained_families: Sequence[str] | None = None,
    callback: Any = None,
    embedding_model: Any = None,
    embedding_weight: float = 20.0,
    baseline: Any = None,
) -> list[dict[str, Any]]:
    """Zero-shot accuracy of a statement model on (dataset, language, split) triples.

    Parameters
    ----------
    model : StatementTuner, FrozenEstimator, str
        Anything :class:`ZeroShotStatementClassifier` accepts as ``model``.
        A directory or hub id is loaded once and shared by every triple.
    suite : iterable of (str, str, str)
        ``(dataset, language, split)`` triples (see
        :func:`datasets_builders.load_task` and :func:`suite_triples`).
    data_dir : str or PathLike, optional
        Local data directory; None loads from the hub.
    max_samples : int, optional
        Evaluate a random subset of at most this many examples per triple
        (seeded by ``random_state``).
    template_language : str or None, default="en"
        Language of the templates; None uses each dataset's own language
        (native templates where the registry has them, else English).
    template_name : str, optional
        Template variant (default: the registry's first one).
    ensemble : bool, default=False
        Average the true-logits of all the task's template variants.
    batch_size, max_length, device, precision, progress_bar
        Passed to :class:`ZeroShotStatementClassifier`.
    random_state : int, default=0
        Seeds the subsampling and the bootstrap.
    trained_families : sequence of str, optional
        Task families in the model's training data; each row records
        whether its family was unseen (``held_out``), so tables can say which
        results are zero-shot on an unseen task and which only on an unseen
        dataset of a seen family. Default: the families a saved model
        directory records (:func:`recorded_families`); else unknown
        (``held_out`` is None).
    callback : callable, optional
        Called with each result row as soon as it is ready.
    embedding_model, embedding_weight
        Score with the hybrid of :class:`ZeroShotStatementClassifier` (the
        statement model's true-logits plus the weighted cosine similarity of
        this sentence-embedding model); loaded once for all triples. Rows
        then also give each part's accuracy alone: the statement model's
        (``statement_accuracy``, ``statement_ci_low``, ``statement_ci_high``)
        and the embedding model's (``embedding_accuracy``, ...).
    baseline : str or SentenceTransformer, optional
        A sentence-embedding model evaluated on the same rows as
        :class:`EmbeddingZeroShotClassifier` (same template and labels): the
        row then also has ``baseline_accuracy``, ``baseline_ci_low`` and
        ``baseline_ci_high``, the figures a statement model must beat.

    Returns
    -------
    list of dict
        One row per triple: ``dataset``, ``language``, ``split``, ``n``,
        ``accuracy``, ``ci_low`` / ``ci_high`` (95% percentile bootstrap,
        1,000 resamples), ``macro_f1``, ``majority`` (accuracy of always
        predicting the most frequent gold label of the evaluated rows),
        ``random`` (expected accuracy of uniform guessing, 1/K),
        ``n_classes``, ``template`` (name and language), ``family``,
        ``held_out``, ``seconds``. Accuracies are fractions.

    Raises
    ------
    TypeError
        If ``suite`` is None or a string instead of triples.
    ValueError
        If ``suite`` is empty or an entry is not a triple, ``max_samples`` is
        not a positive integer, and (from
        :func:`datasets_builders.load_task`) for an unknown dataset, language
        or split.
    """
    from template_registry import get_template

    suite = _check_suite(suite, max_samples)
    if trained_families is None:
        trained_families = recorded_families(model)
    model = _shared_model(model, device, precision)
    encoders: dict[str, Any] = {}

    def encoder(spec: Any) -> Any:  # each sentence-embedding model loaded once
        if spec is None or not isinstance(spec, (str, os.PathLike)):
            return spec
        from ..backends import load_sentence_encoder

        key = os.fspath(spec)
        if key not in encoders:
            encoders[key] = load_sentence_encoder(key, device)
        return encoders[key]

    embedding_model, baseline = encoder(embedding_model), encoder(baseline)
    rows = []
    for dataset, language, split in suite:
        start = time.perf_counter()
        ds = _subsample(
            load_task(dataset, language=language, split=split, data_dir=data_dir),
            max_samples,
            random_state,
        )
        template = dataset
        if template_name is not None:
            template = get_template(
                dataset, language=template_language or language, name=template_name
            )
        clf = ZeroShotStatementClassifier(
            model,
            template=template,
            language=template_language or language,
            ensemble=ensemble,
            batch_size=batch_size,
            max_length=max_length,
            device=device,
            precision=precision,
            progress_bar=progress_bar,
            embedding_model=embedding_model,
            embedding_weight=embedding_weight,
        ).fit(ds)
        pred, similarities, extra = _predictions(
            clf, ds, embedding_model, embedding_weight, random_state
        )
        row = {"dataset": dataset, "language": language, "split": split}
        gold = np.asarray(ds["label"])
        row.update(
            _metrics(gold, pred, clf.classes_, clf.templates_, dataset, random_state)
        )
        row["held_out"] = _unseen(dataset, trained_families)
        row.update(extra)
        row["seconds"] = round(time.perf_counter() - start, 2)
        if baseline is not None:
            row.update(
                _baseline_metrics(
                    baseline,
                    clf.template_,
                    clf.classes_,
                    ds,
                    random_state,
                    similarities if baseline is embedding_model else None,
                )
            )
        rows.append(row)
        if callback is not None:
            callback(row)
    return rows


def _check_suite(suite: Any, max_samples: Any) -> list[tuple]:
    """The suite as a list of triples, after checking it and ``max_samples``."""
    if suite is None or isinstance(suite, str):
        raise TypeError(
            "suite must be (dataset, language, split) triples, e.g. "
            f"suite_triples('paper', data_dir=...), got {suite!r}"
        )
    suite = [tuple(triple) for triple in suite]
    if not suite:
        raise ValueError("suite is empty: give at least one (dataset, language, split)")
    if max_samples is not None and (
        isinstance(max_samples, bool)
        or not isinstance(max_samples, (int, np.integer))
        or max_samples < 1
    ):
        raise ValueError(
            f"max_samples must be a positive integer (examples per dataset and "
            f"language) or None for all, got {max_samples!r}"
        )
    bad = [t for t in suite if len(t) != 3]
    if bad:
        raise ValueError(
            f"each suite entry must be (dataset, language, split), got {bad[0]!r}"
        )
    return suite


def _predictions(
    clf: Any, ds: Any, embedding_model: Any, embedding_weight: float, random_state: int
) -> tuple[np.ndarray, np.ndarray | None, dict[str, Any]]:
    """Predictions of one triple; for a hybrid, also its similarities and each part alone.

    One forward pass of each model: the hybrid's prediction, the statement
    model's accuracy alone (``statement_accuracy`` with its interval), the
    embedding model's alone (``embedding_accuracy``; a tuned bi-encoder's, or
    the untuned encoder's) and the embedding similarities (reused as the
    baseline when it is the same encoder) all come from the same true-logits
    and similarities.
    """
    if embedding_model is None:
        return clf.predict(ds), None, {}
    gold = np.asarray(ds["label"])
    z = clf.true_logits(ds)
    similarities = clf.embedding_.similarities(ds)
    pred = clf.classes_[np.argmax(z + embedding_weight * similarities, axis=1)]
    extra = {}
    for name, scores in (("statement", z), ("embedding", similarities)):
        alone = clf.classes_[np.argmax(scores, axis=1)] == gold
        low, high = bootstrap_ci(alone, random_state=random_state)
        extra.update(
            {
                f"{name}_accuracy": float(alone.mean()),
                f"{name}_ci_low": low,
                f"{name}_ci_high": high,
            }
        )
    return pred, similarities, extra


def _metrics(
    gold: np.ndarray,
    pred: np.ndarray,
    classes: np.ndarray,
    templates: Sequence[Any],
    dataset: str,
    random_state: int,
) -> dict[str, Any]:
    """Accuracy (with its bootstrap interval), macro-F1 and the baselines of one triple."""
    from template_registry import dataset_info

    low, high = bootstrap_ci(pred == gold, random_state=random_state)
    counts = Counter(gold.tolist())
    f1 = f1_score(gold, pred, average="macro", labels=classes, zero_division=0)
    return {
        "n": len(gold),
        "accuracy": float(accuracy_score(gold, pred)),
        "ci_low": low,
        "ci_high": high,
        "macro_f1": float(f1),
        "majority": max(counts.values()) / len(gold),
        "random": 1.0 / len(classes),
        "n_classes": len(classes),
        "template": ", ".join(f"{t.name} ({t.language})" for t in templates),
        "family": dataset_info(dataset)["family"],
    }


def _unseen(dataset: str, trained_families: Sequence[str] | None) -> bool | None:
    """Whether ``dataset``'s family is absent from training (None: unknown)."""
    from template_registry import dataset_info

    if trained_families is None:
        return None
    return dataset_info(dataset)["family"] not in trained_families


def _baseline_metrics(
    baseline: Any,
    template: Any,
    classes: np.ndarray,
    ds: Any,
    random_state: int,
    similarities: np.ndarray | None = None,
) -> dict[str, Any]:
    """The embedding baseline on the same rows, template and labels.

    ``similarities`` (the hybrid's own, when the baseline is its encoder)
    avoids encoding the rows twice.
    """
    if similarities is not None:
        pred = classes[np.argmax(similarities, axis=1)]
    else:
        from ..zero_shot import EmbeddingZeroShotClassifier

        emb = EmbeddingZeroShotClassifier(
            baseline, template=template, labels=list(classes)
        ).fit(ds)
        pred = emb.predict(ds)
    correct = pred == np.asarray(ds["label"])
    low, high = bootstrap_ci(correct, random_state=random_state)
    return {
        "baseline_accuracy": float(correct.mean()),
        "baseline_ci_low": low,
        "baseline_ci_high": high,
    }
