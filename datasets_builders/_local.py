"""Readers for the staged data layout (``shared/data`` and the bundled sample).

Each reader knows one dataset's files: which languages and splits exist
(``index``) and how to turn a file into rows with the template's field names
plus ``label`` (``read``). File formats, licenses and origins are described
in each folder's ``SOURCE.md``.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from template_registry import normalize_language

__all__ = ["LOCAL_SOURCES", "LocalSource"]

logger = logging.getLogger(__name__)
csv.field_size_limit(2**31 - 1)

Rows = list[dict[str, Any]]
Index = dict[str, dict[str, Any]]  # language -> split -> file spec


@dataclass(frozen=True)
class LocalSource:
    """How one dataset is stored under a data directory.

    Attributes
    ----------
    folder : str
        Sub-folder of the data directory (``"xnli"``, ``"glue/SST-2"``).
    index : callable
        ``index(folder_path) -> {language: {split: spec}}`` for the files that
        exist (languages normalised, see
        :func:`template_registry.normalize_language`).
    read : callable
        ``read(spec) -> list of dict`` rows with the template fields and
        ``label``.
    """

    folder: str
    index: Callable[[Path], Index]
    read: Callable[[Any], Rows]


def _tsv(
    path: Path, *, header: bool, quoting: int = csv.QUOTE_NONE, encoding: str = "utf-8"
) -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=quoting))
    return rows[1:] if header else rows


def _lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")[:-1] if path.stat().st_size else []


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _by_pattern(patterns: dict[str, str]) -> Callable[[Path], Index]:
    """Index files named like ``dev-{lang}.tsv`` (one glob pattern per split)."""

    def index(root: Path) -> Index:
        out: Index = {}
        for split, pattern in patterns.items():
            regex = re.compile(
                re.escape(pattern)
                .replace(r"\{lang\}", "(?P<lang>[^/]+?)")
                .replace(r"\*", "[^/]*")
                + "$"
            )
            for path in sorted(root.glob(pattern.replace("{lang}", "*"))):
                match = regex.match(path.relative_to(root).as_posix())
                if match:
                    out.setdefault(normalize_language(match["lang"]), {})[split] = path
        return out

    return index


def _single(
    language: str, splits: dict[str, str | tuple[str, ...]]
) -> Callable[[Path], Index]:
    """Index an English-only dataset whose split files have fixed names."""

    def index(root: Path) -> Index:
        found = {}
        for split, names in splits.items():
            names = (names,) if isinstance(names, str) else names
            paths = tuple(root / n for n in names)
            if all(p.exists() for p in paths):
                found[split] = paths if len(paths) > 1 else paths[0]
        return {language: found} if found else {}

    return index


# ---------------------------------------------------------------- evaluation
def _read_xnli(path: Path) -> Rows:
    return [
        {"premise": p, "hypothesis": h, "label": lab}
        for p, h, lab in _tsv(path, header=False)
    ]


def _read_pawsx(path: Path) -> Rows:
    if path.parent.name == "hf_test":  # header: id, sentence1, sentence2, label
        rows = [r[1:] for r in _tsv(path, header=True, quoting=csv.QUOTE_MINIMAL)]
    else:
        rows = _tsv(path, header=False, quoting=csv.QUOTE_MINIMAL)
    return [{"sentence1": a, "sentence2": b, "label": int(lab)} for a, b, lab in rows]


def _read_xcopa(path: Path) -> Rows:
    keys = ("premise", "choice1", "choice2", "question", "label")
    return [{k: r[k] for k in keys} for r in _jsonl(path)]


def _index_xwinograd(root: Path) -> Index:
    out: Index = {}
    for path in sorted(root.glob("xwinograd_*.jsonl")):
        code = path.stem.split("_", 1)[1]
        out[normalize_language("ja" if code == "jp" else code)] = {"test": path}
    return out


def _read_xwinograd(path: Path) -> Rows:
    return [
        {
            "sentence": r["sentence"],
            "option1": r["option1"],
            "option2": r["option2"],
            "label": int(r["answer"]),
        }
        for r in _jsonl(path)
    ]


def _index_sib200(root: Path) -> Index:
    out: Index = {}
    names = {"train": "train.tsv", "validation": "dev.tsv", "test": "test.tsv"}
    for folder in sorted((root / "data" / "annotated").glob("*_*")):
        splits = {s: folder / n for s, n in names.items() if (folder / n).exists()}
        if splits:
            out[normalize_language(folder.name)] = splits
    return out


def _read_sib200(path: Path) -> Rows:
    return [{"text": text, "label": cat} for _, cat, text in _tsv(path, header=True)]


# ---------------------------------------------------------------- training
def _read_sst2(path: Path) -> Rows:
    return [{"text": s, "label": int(lab)} for s, lab in _tsv(path, header=True)]


def _read_mrpc(path: Path) -> Rows:
    rows = _tsv(path, header=True, encoding="utf-8-sig")
    return [{"sentence1": a, "sentence2": b, "label": int(q)} for q, _, _, a, b in rows]


def _read_rte(path: Path) -> Rows:
    return [
        {"premise": a, "hypothesis": b, "label": lab}
        for _, a, b, lab in _tsv(path, header=True)
    ]


def _read_qnli(path: Path) -> Rows:
    return [
        {"question": q, "sentence": s, "label": lab}
        for _, q, s, lab in _tsv(path, header=True)
    ]


def _read_stsb(path: Path) -> Rows:
    rows = _tsv(path, header=True)
    # label = score (0-5) rounded half up to an integer class (similarity family)
    return [
        {"sentence1": r[7], "sentence2": r[8], "label": int(float(r[9]) + 0.5)}
        for r in rows
    ]


def _read_agnews(path: Path) -> Rows:
    return [{"text": text, "label": lab} for text, lab in _tsv(path, header=False)]


def _read_comve(paths: tuple[Path, Path]) -> Rows:
    data, answers = paths
    with open(data, encoding="utf-8", newline="") as f:
        sents = {r["id"]: r for r in csv.DictReader(f)}
    with open(answers, encoding="utf-8", newline="") as f:
        gold = {i: int(lab) for i, lab in csv.reader(f)}
    missing = sorted(set(sents) ^ set(gold))
    if missing:
        raise ValueError(f"{data} and {answers} disagree on ids {missing[:5]}")
    return [
        {"sent0": r["sent0"], "sent1": r["sent1"], "label": gold[i]}
        for i, r in sents.items()
    ]


def _read_snli(path: Path) -> Rows:
    rows = _jsonl(path)
    kept = [r for r in rows if r["gold_label"] != "-"]
    logger.info(
        "snli: %d of %d rows have no gold label ('-', no annotator majority) and are left out",
        len(rows) - len(kept),
        len(rows),
    )
    return [
        {
            "premise": r["sentence1"],
            "hypothesis": r["sentence2"],
            "label": r["gold_label"],
        }
        for r in kept
    ]


def _index_tweeteval(task: str) -> Callable[[Path], Index]:
    def index(root: Path) -> Index:
        found = {}
        for split, stem in (
            ("train", "train"),
            ("validation", "val"),
            ("test", "test"),
        ):
            for suffix in (".txt", ".sample5000.txt"):
                text, labels = (
                    root / f"{stem}_text{suffix}",
                    root / f"{stem}_labels{suffix}",
                )
                if text.exists() and labels.exists():
                    found[split] = (text, labels)
        return {"en": found} if found else {}

    return index


def _aligned_lines(paths: tuple[Path, Path]) -> tuple[list[str], list[str]]:
    """The lines of two files that must match line by line."""
    first, second = _lines(paths[0]), _lines(paths[1])
    if len(first) != len(second):
        raise ValueError(
            f"{paths[0]} has {len(first)} lines but {paths[1]} has {len(second)}"
        )
    return first, second


def _read_tweeteval(paths: tuple[Path, Path]) -> Rows:
    texts, labels = _aligned_lines(paths)
    return [{"text": t, "label": int(lab)} for t, lab in zip(texts, labels)]


# NusaX folders are named after the language; codes from ISO 639-3.
NUSAX_LANGUAGES = {
    "acehnese": "ace",
    "balinese": "ban",
    "banjarese": "bjn",
    "buginese": "bug",
    "english": "en",
    "indonesian": "id",
    "javanese": "jv",
    "madurese": "mad",
    "minangkabau": "min",
    "ngaju": "nij",
    "sundanese": "su",
    "toba_batak": "bbc",
}


def _index_nusax_sentiment(root: Path) -> Index:
    out: Index = {}
    for name, code in NUSAX_LANGUAGES.items():
        folder = root / name
        splits = {
            s: folder / f"{f}.csv"
            for s, f in (("train", "train"), ("validation", "valid"), ("test", "test"))
        }
        splits = {s: p for s, p in splits.items() if p.exists()}
        if splits:
            out[code] = splits
    return out


def _read_nusax_sentiment(path: Path) -> Rows:
    with open(path, encoding="utf-8", newline="") as f:
        return [{"text": r["text"], "label": r["label"]} for r in csv.DictReader(f)]


# ---------------------------------------------------------------- parallel text
def _index_tatoeba(root: Path) -> Index:
    out: Index = {}
    for path in sorted(root.glob("v1/tatoeba.*-eng.eng")):
        code = path.name.split(".")[1].split("-")[0]
        other = path.with_name(f"tatoeba.{code}-eng.{code}")
        if other.exists():
            out[normalize_language(code)] = {"test": (other, path)}
    return out


def _read_pairs(paths: tuple[Path, Path]) -> Rows:
    source, target = _aligned_lines(paths)
    return [{"source": s, "target": t, "label": 1} for s, t in zip(source, target)]


def _index_nusax_mt(root: Path) -> Index:
    out: Index = {}
    splits = {
        s: root / f"{f}.csv"
        for s, f in (("train", "train"), ("validation", "valid"), ("test", "test"))
    }
    splits = {s: p for s, p in splits.items() if p.exists()}
    for name, code in NUSAX_LANGUAGES.items():
        if code != "en" and splits:
            out[code] = {s: (p, name) for s, p in splits.items()}
    return out


def _read_nusax_mt(spec: tuple[Path, str]) -> Rows:
    path, name = spec
    with open(path, encoding="utf-8", newline="") as f:
        return [
            {"source": r[name], "target": r["english"], "label": 1}
            for r in csv.DictReader(f)
        ]


def _index_flores(root: Path) -> Index:
    sib = _index_sib200(root)
    english = sib.get("en", {})
    out: Index = {}
    for lang, splits in sib.items():
        if lang == "en":
            continue
        pairs = {
            s: (p, english[s])
            for s, p in splits.items()
            if s in ("validation", "test") and s in english
        }
        if pairs:
            out[lang] = pairs
    return out


def _read_flores(paths: tuple[Path, Path]) -> Rows:
    source, target = _tsv(paths[0], header=True), _tsv(paths[1], header=True)
    eng = {r[0]: r[2] for r in target}
    missing = [r[0] for r in source if r[0] not in eng]
    if missing:
        raise ValueError(
            f"{paths[0]}: index_id(s) {missing[:5]} have no English row in {paths[1]}"
        )
    return [{"source": r[2], "target": eng[r[0]], "label": 1} for r in source]


LOCAL_SOURCES: dict[str, LocalSource] = {
    "xnli": LocalSource(
        "xnli",
        _by_pattern({"validation": "dev-{lang}.tsv", "test": "test-{lang}.tsv"}),
        _read_xnli,
    ),
    "pawsx": LocalSource(
        "pawsx",
        _by_pattern(
            {
                "validation": "xtreme_dev/dev-{lang}.tsv",
                "test": "hf_test/test-{lang}.tsv",
            }
        ),
        _read_pawsx,
    ),
    "xcopa": LocalSource(
        "xcopa",
        _by_pattern(
            {
                "validation": "data/{lang}/val.*.jsonl",
                "test": "data/{lang}/test.*.jsonl",
            }
        ),
        _read_xcopa,
    ),
    "xwinograd": LocalSource("xwinograd", _index_xwinograd, _read_xwinograd),
    "sib200": LocalSource("sib200", _index_sib200, _read_sib200),
    "sst2": LocalSource(
        "glue/SST-2",
        _single("en", {"train": "train.sample5000.tsv", "validation": "dev.tsv"}),
        _read_sst2,
    ),
    "mrpc": LocalSource(
        "glue/MRPC",
        _single(
            "en",
            {
                "train": "train.tsv",
                "validation": "dev.tsv",
                "test": "msr_paraphrase_test.txt",
            },
        ),
        _read_mrpc,
    ),
    "rte": LocalSource(
        "glue/RTE",
        _single("en", {"train": "train.tsv", "validation": "dev.tsv"}),
        _read_rte,
    ),
    "qnli": LocalSource(
        "glue/QNLI", _single("en", {"validation": "dev.sample5000.tsv"}), _read_qnli
    ),
    "stsb": LocalSource(
        "glue/STS-B",
        _single("en", {"train": "train.sample5000.tsv", "validation": "dev.tsv"}),
        _read_stsb,
    ),
    # dev.sample5000.tsv rows come from the AG News *training* set (SOURCE.md)
    "agnews": LocalSource(
        "agnews",
        _single("en", {"train": "dev.sample5000.tsv", "test": "test.tsv"}),
        _read_agnews,
    ),
    "comve": LocalSource(
        "comve",
        _single(
            "en",
            {
                "train": (
                    "train_subtaskA_data.sample5000.csv",
                    "train_subtaskA_answers.sample5000.csv",
                ),
                "validation": (
                    "dev_subtaskA_dev_data.csv",
                    "dev_subtaskA_gold_answers.csv",
                ),
                "test": (
                    "test_subtaskA_test_data.csv",
                    "test_subtaskA_gold_answers.csv",
                ),
            },
        ),
        _read_comve,
    ),
    "snli": LocalSource(
        "snli_subset",
        _single(
            "en",
            {
                "validation": "snli_1.0_dev.subset.jsonl",
                "test": "snli_1.0_test.subset.jsonl",
            },
        ),
        _read_snli,
    ),
    **{
        f"tweeteval_{task}": LocalSource(
            f"tweeteval/{task}", _index_tweeteval(task), _read_tweeteval
        )
        for task in ("offensive", "emotion", "hate", "irony", "sentiment")
    },
    "nusax_sentiment": LocalSource(
        "nusax/datasets/sentiment", _index_nusax_sentiment, _read_nusax_sentiment
    ),
    "tatoeba": LocalSource("tatoeba", _index_tatoeba, _read_pairs),
    "nusax_mt": LocalSource("nusax/datasets/mt", _index_nusax_mt, _read_nusax_mt),
    "flores": LocalSource("sib200", _index_flores, _read_flores),
}
