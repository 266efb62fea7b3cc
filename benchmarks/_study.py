"""The multilingual recipe study: evaluation suites and scoring shared by the benchmarks.

Two suites over the same datasets, with disjoint rows:

- ``validation``: what recipes are chosen on (SIB-200 dev, XNLI dev, PAWS-X
  dev's first half, XCOPA validation, XWinograd's first half, TweetEval emotion
  validation);
- ``test``: scored once, for the final table (SIB-200 test, XNLI test,
  PAWS-X dev's second half (the labelled PAWS-X test exists for de and zh
  only), XCOPA test, XWinograd's second half, TweetEval emotion test).

PAWS-X and XWinograd have one labelled split per language here, so their rows
are cut in two halves by a fixed permutation (``random_state=0``): selection
never sees a final row.

Every row is scored by the untuned encoder's cosine similarity (with its
prompt: e5's ``"query: "``), by the statement model's true-logits and by
their sum (the hybrid); accuracies per (dataset, language) with their
majority class.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

#: SIB-200 languages of the final table: high- and low-resource, 11 scripts.
SIB_TEST_LANGUAGES = (
    "en de fr es ru zh ja ar hi tr vi id sw yo am ta te th ko fa ha zu he el"
).split()
#: A smaller spread for selection (each language's dev set has 99 rows).
SIB_VALIDATION_LANGUAGES = "en de ru zh ar hi sw yo ta tr".split()
XNLI_LANGUAGES = "ar bg de el en es fr hi ru sw th tr ur vi zh".split()
PAWSX_LANGUAGES = "de en es fr ja ko zh".split()
XCOPA_LANGUAGES = "et ht id it qu sw ta th tr vi zh".split()
XWINOGRAD_LANGUAGES = "en fr pt ru ja".split()

#: Families never trained on (the evaluated task families of the paper, plus emotion).
UNSEEN_FAMILIES = ("nli", "copa", "winograd", "emotion")


@dataclass(frozen=True)
class Part:
    """One dataset of a suite: its split, languages and rows per language."""

    task: str
    split: str
    languages: tuple[str, ...]
    rows: int | None = None  # at most this many rows per language (fixed sample)
    half: int | None = None  # 0 / 1: that half of a single labelled split


SUITES: dict[str, tuple[Part, ...]] = {
    "validation": (
        Part("sib200", "validation", tuple(SIB_VALIDATION_LANGUAGES)),
        Part("xnli", "validation", tuple("en de zh ar sw hi".split()), rows=200),
        Part("pawsx", "validation", tuple("en de zh ja".split()), rows=200, half=0),
        Part("xcopa", "validation", tuple("it id tr zh sw".split())),
        Part("xwinograd", "test", ("en", "fr", "ru"), rows=150, half=0),
        Part("tweeteval_emotion", "validation", ("en",), rows=300),
    ),
    "test": (
        Part("sib200", "test", tuple(SIB_TEST_LANGUAGES)),
        Part("xnli", "test", tuple(XNLI_LANGUAGES), rows=300),
        Part("pawsx", "validation", tuple(PAWSX_LANGUAGES), rows=300, half=1),
        Part("xcopa", "test", tuple(XCOPA_LANGUAGES), rows=300),
        Part("xwinograd", "test", tuple(XWINOGRAD_LANGUAGES), rows=300, half=1),
        Part("tweeteval_emotion", "test", ("en",), rows=500),
    ),
}


@dataclass
class Row:
    """The examples of one (dataset, language) of a suite."""

    task: str
    language: str
    data: Any  # datasets.Dataset

    @property
    def key(self) -> str:
        return f"{self.task}/{self.language}"

    @property
    def gold(self) -> np.ndarray:
        return np.asarray(self.data["label"])

    def majority(self) -> float:
        _, counts = np.unique(self.gold, return_counts=True)
        return float(counts.max() / counts.sum())


def _select(ds: Any, part: Part) -> Any:
    n = len(ds)
    order = np.random.default_rng(0).permutation(n)
    if part.half is not None:
        order = order[: n // 2] if part.half == 0 else order[n // 2 :]
    if part.rows is not None:
        order = order[: part.rows]
    return ds.select(sorted(order.tolist()))


def load_suite(
    name: str, data_dir: Path = DATA, only: tuple[str, ...] = ()
) -> list[Row]:
    """The rows of suite ``name`` (``only``: a subset of its dataset names)."""
    from datasets_builders import load_task

    rows = []
    for part in SUITES[name]:
        if only and part.task not in only:
            continue
        for lang in part.languages:
            ds = load_task(
                part.task, language=lang, split=part.split, data_dir=data_dir
            )
            rows.append(Row(part.task, lang, _select(ds, part)))
    return rows


def cosine_similarities(
    rows: list[Row], encoder: Any, *, language: str | None = None, **kw: Any
) -> dict[str, Any]:
    """The encoder's cosine similarities per row, columns in ``classes_`` order.

    ``language``: the templates' language (None: each row's own language, with
    the registry's English fallback where it has none; ``"en"``: English everywhere).
    """
    from sentence_transformers import SentenceTransformer

    from sklearn_statement import EmbeddingZeroShotClassifier

    if not isinstance(encoder, SentenceTransformer):  # load once for all rows
        encoder = SentenceTransformer(str(encoder), device="cpu")
    out = {}
    for row in rows:
        clf = EmbeddingZeroShotClassifier(
            encoder, template=row.task, language=language or row.language, **kw
        ).fit(row.data)
        out[row.key] = (clf.classes_, clf.similarities(row.data))
    return out


def true_logits(
    rows: list[Row], model: Any, *, language: str | None = None, **kw: Any
) -> dict[str, Any]:
    """The statement model's true-logits per row, columns in ``classes_`` order.

    ``language``: as in :func:`cosine_similarities`.
    """
    from sklearn_statement import ZeroShotStatementClassifier

    out = {}
    for row in rows:
        clf = ZeroShotStatementClassifier(
            model, template=row.task, language=language or row.language, **kw
        ).fit(row.data)
        out[row.key] = (clf.classes_, clf.true_logits(row.data))
    return out


def loss_quarters(losses: list[float]) -> list[float]:
    """Mean training loss over each quarter of the steps (fewer parts when there are < 4 losses)."""
    if not losses:
        return []
    parts = np.array_split(np.asarray(losses, dtype=float), min(4, len(losses)))
    return [round(float(q.mean()), 4) for q in parts]


def accuracies(rows: list[Row], scores: dict[str, Any]) -> dict[str, float]:
    """Accuracy per row key of the argmax of ``scores``."""
    out = {}
    for row in rows:
        classes, s = scores[row.key]
        out[row.key] = float((classes[np.argmax(s, axis=1)] == row.gold).mean())
    return out


def combine(a: dict[str, Any], b: dict[str, Any], weight: float) -> dict[str, Any]:
    """``a + weight * b`` per row (same classes_ order)."""
    out = {}
    for key, (classes, s) in a.items():
        classes_b, t = b[key]
        assert list(classes) == list(classes_b), key
        out[key] = (classes, s + weight * t)
    return out


def averages(acc: dict[str, float]) -> dict[str, float]:
    """Mean accuracy per dataset and over all (dataset, language) rows."""
    by_task: dict[str, list[float]] = {}
    for key, value in acc.items():
        by_task.setdefault(key.split("/")[0], []).append(value)
    out = {task: float(np.mean(v)) for task, v in by_task.items()}
    out["all rows"] = float(np.mean(list(acc.values())))
    out["dataset mean"] = float(np.mean([out[t] for t in by_task]))
    return out


# --------------------------------------------------------------------------- hybrid weight
#: Candidate weights of the cosine similarity in the hybrid score.
WEIGHT_GRID = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 80.0)


def calibration_rows(
    tasks: list[str], *, rows: int = 200, data_dir: Path = DATA, random_state: int = 0
) -> list[Row]:
    """Held-out examples of the *training* tasks (their validation split, else test).

    The hybrid weight is chosen on these: data of the families the model was
    trained on, never the evaluated tasks.
    """
    from datasets_builders import load_task

    out = []
    for task in tasks:
        ds = None
        for split in ("validation", "test"):
            try:
                ds = load_task(task, split=split, data_dir=data_dir)
                break
            except (ValueError, FileNotFoundError):
                continue
        if ds is None:
            continue
        from template_registry import get_template

        fields = get_template(task).fields
        ds = ds.filter(lambda ex, fs=fields: all(str(ex[f] or "").strip() for f in fs))
        order = np.random.default_rng(random_state).permutation(len(ds))[:rows]
        out.append(Row(task, "en", ds.select(sorted(order.tolist()))))
    return out


def calibrate_weight(z: dict[str, Any], sims: dict[str, Any], rows: list[Row]) -> float:
    """The grid weight whose hybrid is most accurate on ``rows`` (mean over tasks)."""
    best, best_acc = 0.0, -1.0
    for w in WEIGHT_GRID:
        acc = float(np.mean(list(accuracies(rows, combine(z, sims, w)).values())))
        if acc > best_acc + 1e-9:
            best, best_acc = w, acc
    return best
