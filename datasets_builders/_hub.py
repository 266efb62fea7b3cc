"""Hugging Face hub sources for ``load_task(..., data_dir=None)``.

Each entry names the hub dataset that holds a task, how a language maps to
its configuration, and how its columns and label values map to the
template's fields and labels. Loading goes through
:func:`datasets.load_dataset`, so hub caching, offline mode
(``HF_HUB_OFFLINE=1`` with a filled cache) and mirrors work as usual.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from template_registry import normalize_language

from ._local import NUSAX_LANGUAGES

__all__ = ["HUB_SOURCES", "HubSource", "flores_code"]


@functools.cache
def _flores_codes() -> dict[str, str]:
    """Normalised language -> FLORES-200 code, for the 205 SIB-200 languages."""
    text = (resources.files("datasets_builders") / "flores200_codes.txt").read_text(
        encoding="utf-8"
    )
    out: dict[str, str] = {}
    for code in text.split():
        out.setdefault(normalize_language(code), code)
    return out


def flores_code(language: str) -> str:
    """FLORES-200 code (``"deu_Latn"``) of a normalised language (``"de"``).

    Raises
    ------
    ValueError
        If the language is not one of SIB-200's 205 languages.
    """
    codes = _flores_codes()
    if language not in codes:
        raise ValueError(
            f"language {language!r} is not one of the 205 SIB-200/FLORES-200 languages"
        )
    return codes[language]


@dataclass(frozen=True)
class HubSource:
    """Where a task lives on the Hugging Face hub.

    Attributes
    ----------
    repo : str
        Hub dataset id.
    config : callable
        ``config(language) -> str or None``: the configuration name.
    columns : mapping
        Hub column -> template field (``label`` included).
    splits : mapping
        Our split name -> hub split name.
    labels : mapping, optional
        Hub label value -> our label value (identity when omitted).
    languages : tuple of str, optional
        Languages the repo has (None: any the config function accepts).
    """

    repo: str
    config: Callable[[str], str | None]
    columns: Mapping[str, str]
    splits: Mapping[str, str] = field(
        default_factory=lambda: {
            "train": "train",
            "validation": "validation",
            "test": "test",
        }
    )
    labels: Mapping[Any, Any] | None = None
    languages: tuple[str, ...] | None = None


def _english_only(config: str | None) -> Callable[[str], str | None]:
    def pick(language: str) -> str | None:
        if language != "en":
            raise ValueError(
                f"this task is English-only on the hub; got language {language!r}"
            )
        return config

    return pick


def _same(language: str) -> str:
    return language


_NLI3 = {0: "entailment", 1: "neutral", 2: "contradiction"}
_NLI2 = {0: "entailment", 1: "not_entailment"}

HUB_SOURCES: dict[str, HubSource] = {
    "xnli": HubSource(
        "facebook/xnli",
        _same,
        {"premise": "premise", "hypothesis": "hypothesis", "label": "label"},
        labels=_NLI3,
        languages=(
            "ar",
            "bg",
            "de",
            "el",
            "en",
            "es",
            "fr",
            "hi",
            "ru",
            "sw",
            "th",
            "tr",
            "ur",
            "vi",
            "zh",
        ),
    ),
    "xcopa": HubSource(
        "cambridgeltl/xcopa",
        _same,
        {k: k for k in ("premise", "choice1", "choice2", "question", "label")},
        splits={"validation": "validation", "test": "test"},
        languages=("et", "ht", "id", "it", "qu", "sw", "ta", "th", "tr", "vi", "zh"),
    ),
    "pawsx": HubSource(
        "google-research-datasets/paws-x",
        _same,
        {"sentence1": "sentence1", "sentence2": "sentence2", "label": "label"},
        languages=("de", "en", "es", "fr", "ja", "ko", "zh"),
    ),
    "xwinograd": HubSource(
        "Muennighoff/xwinograd",
        lambda lang: "jp" if lang == "ja" else lang,
        {
            "sentence": "sentence",
            "option1": "option1",
            "option2": "option2",
            "answer": "label",
        },
        splits={"test": "test"},
        labels={"1": 1, "2": 2, 1: 1, 2: 2},
        languages=("en", "fr", "ja", "pt", "ru", "zh"),
    ),
    "sib200": HubSource(
        "Davlan/sib200", flores_code, {"text": "text", "category": "label"}
    ),
    "sst2": HubSource(
        "nyu-mll/glue", _english_only("sst2"), {"sentence": "text", "label": "label"}
    ),
    "mrpc": HubSource(
        "nyu-mll/glue",
        _english_only("mrpc"),
        {"sentence1": "sentence1", "sentence2": "sentence2", "label": "label"},
    ),
    "rte": HubSource(
        "nyu-mll/glue",
        _english_only("rte"),
        {"sentence1": "premise", "sentence2": "hypothesis", "label": "label"},
        labels=_NLI2,
    ),
    "qnli": HubSource(
        "nyu-mll/glue",
        _english_only("qnli"),
        {"question": "question", "sentence": "sentence", "label": "label"},
        labels=_NLI2,
    ),
    "stsb": HubSource(
        "nyu-mll/glue",
        _english_only("stsb"),
        {"sentence1": "sentence1", "sentence2": "sentence2", "label": "label"},
    ),
    "agnews": HubSource(
        "fancyzhx/ag_news",
        _english_only(None),
        {"text": "text", "label": "label"},
        splits={"train": "train", "test": "test"},
        labels={0: "World", 1: "Sports", 2: "Business", 3: "Sci/Tech"},
    ),
    "snli": HubSource(
        "stanfordnlp/snli",
        _english_only(None),
        {"premise": "premise", "hypothesis": "hypothesis", "label": "label"},
        labels=_NLI3,
    ),
    **{
        f"tweeteval_{task}": HubSource(
            "cardiffnlp/tweet_eval",
            _english_only(task),
            {"text": "text", "label": "label"},
        )
        for task in ("offensive", "emotion", "hate", "irony", "sentiment")
    },
    "nusax_sentiment": HubSource(
        "indonlp/NusaX-senti",
        lambda lang: {v: k for k, v in NUSAX_LANGUAGES.items()}[lang],
        {"text": "text", "label": "label"},
        labels={0: "negative", 1: "neutral", 2: "positive"},
        languages=tuple(NUSAX_LANGUAGES.values()),
    ),
    "tatoeba": HubSource(
        "mteb/tatoeba-bitext-mining",
        lambda lang: f"{_tatoeba_code(lang)}-eng",
        {"sentence1": "source", "sentence2": "target"},
        splits={"test": "test"},
    ),
}


def _tatoeba_code(language: str) -> str:
    """Tatoeba's ISO 639-3 file code for a normalised language."""
    import pycountry

    if len(language) == 3:
        return language
    lang = pycountry.languages.get(alpha_2=language.split("-")[0])
    special = {
        "zh": "cmn",
        "ar": "ara",
        "sw": "swh",
        "ms": "zsm",
        "fa": "pes",
        "lv": "lvs",
        "et": "est",
    }
    return special.get(language, lang.alpha_3 if lang else language)
