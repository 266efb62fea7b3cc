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

__all__ = ["HUB_SOURCES", "HUB_ONLY_TASKS", "HubSource", "flores_code"]


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
    labels : mapping or "names", optional
        Hub label value -> our label value (identity when omitted);
        ``"names"``: the hub column is a ``ClassLabel`` and its names are the
        labels.
    languages : tuple of str, optional
        Languages the repo has (None: any the config function accepts).
    rows : callable, optional
        ``rows(hub_dataset) -> list of dict``: builds rows with the template
        fields and ``label`` when a column rename is not enough (``columns``
        then lists the hub columns it needs).
    split_languages : mapping, optional
        Split -> the only languages that have it (e.g. XL-WiC trains in
        de/fr/it only).
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
    labels: Mapping[Any, Any] | str | None = None
    languages: tuple[str, ...] | None = None
    rows: Callable[[Any], list[dict[str, Any]]] | None = None
    split_languages: Mapping[str, tuple[str, ...]] | None = None


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

#: The Hugging Face hub source of every dataset ``load_task`` reads from the hub
#: (repository, configuration per language, field mapping, languages).
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


# ---------------------------------------------------------------------------
# Multilingual sets of the paper's recipe that are not staged in shared/data
# (arXiv 2506.01592 Sec. 3; shared/data/README.md "Not found as plain files"):
# hub only. Field names are those of their template_registry families.

#: Hub-only dataset key -> the family, fields and labels its loader produces
#: (``template_registry/datasets.yaml`` binds the key to that family).
HUB_ONLY_TASKS: dict[str, dict[str, Any]] = {
    "xstory_cloze": {
        "family": "story_ending",
        "fields": (
            "input_sentence_1",
            "input_sentence_2",
            "input_sentence_3",
            "input_sentence_4",
            "sentence_quiz1",
            "sentence_quiz2",
        ),
        "labels": (1, 2),
    },
    "massive": {
        "family": "intent",
        "fields": ("utterance",),
        "labels": "the 60 MASSIVE intents (ClassLabel names of the hub data)",
    },
    "xquad": {
        "family": "extractive_qa",
        "fields": ("context", "question", "answer"),
        "labels": (1, 0),
    },
    "belebele": {
        "family": "reading_comprehension",
        "fields": ("passage", "question", "option1", "option2", "option3", "option4"),
        "labels": (1, 2, 3, 4),
    },
    "xl_wic": {
        "family": "word_in_context",
        "fields": ("word", "sentence1", "sentence2"),
        "labels": (0, 1),
    },
}


def _xquad_rows(hub: Any) -> list[dict[str, Any]]:
    """XQuAD as answer verification: each question with its gold span and a wrong one.

    Row pairs: the gold answer (label 1) and a distractor (label 0), the answer
    of the next question on the same paragraph (cyclically; XQuAD asks
    several questions per paragraph), else of the next row whose answer
    differs. Questions for which every other answer is identical give only the
    gold row.
    """
    data = list(hub)
    by_context: dict[str, list[int]] = {}
    for i, r in enumerate(data):
        by_context.setdefault(r["context"], []).append(i)
    out = []
    for i, r in enumerate(data):
        gold = r["answers"]["text"][0]
        group = by_context[r["context"]]
        here = group.index(i)
        candidates = group[here + 1 :] + group[:here]
        candidates += [(i + d) % len(data) for d in range(1, len(data))]
        wrong = next(
            (
                data[j]["answers"]["text"][0]
                for j in candidates
                if data[j]["answers"]["text"][0].strip() != gold.strip()
            ),
            None,
        )
        base = {"context": r["context"], "question": r["question"]}
        out.append({**base, "answer": gold, "label": 1})
        if wrong is not None:
            out.append({**base, "answer": wrong, "label": 0})
    return out


#: MASSIVE locales (AmazonScience/massive configurations), by language.
MASSIVE_LOCALES = {
    normalize_language(loc.split("-")[0]) if loc != "zh-TW" else "zh-Hant": loc
    for loc in (
        "af-ZA am-ET ar-SA az-AZ bn-BD ca-ES cy-GB da-DK de-DE el-GR en-US es-ES fa-IR "
        "fi-FI fr-FR he-IL hi-IN hu-HU hy-AM id-ID is-IS it-IT ja-JP jv-ID ka-GE km-KH "
        "kn-IN ko-KR lv-LV ml-IN mn-MN ms-MY my-MM nb-NO nl-NL pl-PL pt-PT ro-RO ru-RU "
        "sl-SL sq-AL sv-SE sw-KE ta-IN te-IN th-TH tl-PH tr-TR ur-PK vi-VN zh-CN zh-TW"
    ).split()
}

#: XL-WiC target languages (configs ``xlwic_<train>_<target>``); de, fr and it
#: have in-language training data, the others train on English WiC, so only
#: their validation and test splits are in the language.
_XLWIC_OWN_TRAIN = ("de", "fr", "it")
_XLWIC = ("bg", "da", "de", "et", "fa", "fr", "hr", "it", "ja", "ko", "nl", "zh")
_STORY = HUB_ONLY_TASKS["xstory_cloze"]["fields"]

HUB_SOURCES.update(
    {
        "xstory_cloze": HubSource(
            "juletxara/xstory_cloze",
            _same,
            {**{f: f for f in _STORY}, "answer_right_ending": "label"},
            splits={"train": "train", "test": "eval"},
            languages=tuple("ar en es eu hi id my ru sw te zh".split()),
        ),
        "massive": HubSource(
            "AmazonScience/massive",
            lambda lang: MASSIVE_LOCALES[lang],
            {"utt": "utterance", "intent": "label"},
            labels="names",
            languages=tuple(MASSIVE_LOCALES),
        ),
        "xquad": HubSource(
            "google/xquad",
            lambda lang: f"xquad.{lang}",
            {c: c for c in ("context", "question", "answers")},
            splits={"validation": "validation"},
            languages=tuple("ar de el en es hi ro ru th tr vi zh".split()),
            rows=_xquad_rows,
        ),
        "belebele": HubSource(
            "facebook/belebele",
            flores_code,
            {
                "flores_passage": "passage",
                "question": "question",
                **{f"mc_answer{k}": f"option{k}" for k in range(1, 5)},
                "correct_answer_num": "label",
            },
            splits={"test": "test"},
            labels={**{str(k): k for k in range(1, 5)}, **{k: k for k in range(1, 5)}},
        ),
        "xl_wic": HubSource(
            "pasinit/xlwic",
            lambda lang: f"xlwic_{lang if lang in _XLWIC_OWN_TRAIN else 'en'}_{lang}",
            {
                "target_word": "word",
                "context_1": "sentence1",
                "context_2": "sentence2",
                "label": "label",
            },
            languages=_XLWIC,
            split_languages={"train": _XLWIC_OWN_TRAIN},
        ),
    }
)


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
