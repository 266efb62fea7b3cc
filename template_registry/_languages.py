"""Language codes: ISO 639-1 where one exists, ISO 639-3 otherwise.

FLORES-200 style codes (``eng_Latn``) and BCP-47 style codes (``zh-Hant``) are
accepted and normalised. The script is kept (``zh-Hant``) only where it is not
the language's usual script in FLORES-200, so ``zho_Hans`` becomes ``zh`` and
``zho_Hant`` becomes ``zh-Hant``.
"""

from __future__ import annotations

import functools
import re

__all__ = ["normalize_language"]

# Individual languages whose ISO 639-3 code has no ISO 639-1 code of its own
# but which FLORES-200 / Tatoeba use for the language an ISO 639-1 code names
# through its macrolanguage (ISO 639-3 macrolanguage tables).
_INDIVIDUAL_TO_ISO1 = {
    "arb": "ar",  # Standard Arabic -> Arabic
    "cmn": "zh",  # Mandarin -> Chinese
    "swh": "sw",  # Swahili (individual) -> Swahili
    "zsm": "ms",  # Standard Malay -> Malay
    "pes": "fa",  # Iranian Persian -> Persian
    "ekk": "et",  # Standard Estonian -> Estonian
    "lvs": "lv",  # Standard Latvian -> Latvian
    "npi": "ne",  # Nepali (individual) -> Nepali
    "ory": "or",  # Odia (individual) -> Oriya
    "pbt": "ps",  # Southern Pashto -> Pashto
    "plt": "mg",  # Plateau Malagasy -> Malagasy
    "uzn": "uz",  # Northern Uzbek -> Uzbek
    "khk": "mn",  # Halh Mongolian -> Mongolian
    "gaz": "om",  # West Central Oromo -> Oromo
    "azj": "az",  # North Azerbaijani -> Azerbaijani
    "ydd": "yi",  # Eastern Yiddish -> Yiddish
    "als": "sq",  # Tosk Albanian -> Albanian
    "quy": "qu",  # Ayacucho Quechua -> Quechua
    "kmr": "ku",  # Northern Kurdish -> Kurdish
    "fuv": "ff",  # Nigerian Fulfulde -> Fulah
    "knc": "kr",  # Central Kanuri -> Kanuri
    "ayr": "ay",  # Central Aymara -> Aymara
}

# Codes that real corpora use but ISO 639-3 retired or lists as collective
# (ISO 639-2/5) codes; accepted as they are.
_EXTRA_CODES = {"ajp", "ber", "kzj"}

# FLORES-200 languages written in several scripts: the default one is dropped
# from the normalised code, the others are kept ("zh-Hant").
_DEFAULT_SCRIPT = {
    "zh": "Hans",
    "ar": "Arab",
    "ks": "Arab",
    "kr": "Latn",
    "ace": "Latn",
    "bjn": "Latn",
    "min": "Latn",
    "taq": "Latn",
}

_CODE = re.compile(r"^(?P<lang>[A-Za-z]{2,3})(?:[-_](?P<script>[A-Za-z]{4}))?$")


@functools.cache
def _iso_tables() -> tuple[dict[str, str], set[str]]:
    import pycountry

    alpha3_to_1: dict[str, str] = {}
    alpha2: set[str] = set()
    for lang in pycountry.languages:
        a2 = getattr(lang, "alpha_2", None)
        if a2:
            alpha2.add(a2)
            alpha3_to_1[lang.alpha_3] = a2
            bib = getattr(lang, "bibliographic", None)
            if bib:
                alpha3_to_1[bib] = a2
        else:
            alpha3_to_1[lang.alpha_3] = lang.alpha_3
    for family in pycountry.language_families:
        alpha3_to_1.setdefault(family.alpha_3, family.alpha_3)
    return alpha3_to_1, alpha2


@functools.cache
def normalize_language(code: str) -> str:
    """Normalise a language code to ISO 639-1 (or ISO 639-3 where none exists).

    Parameters
    ----------
    code : str
        An ISO 639-1 code (``"de"``), an ISO 639-3 code (``"deu"``), a
        FLORES-200 code (``"deu_Latn"``) or a BCP-47 language-script code
        (``"zh-Hant"``).

    Returns
    -------
    str
        ``"de"`` for all of the examples above; ``"zh-Hant"`` for
        ``"zho_Hant"``; ``"ace"`` for ``"ace_Latn"`` (no ISO 639-1 code).

    Raises
    ------
    TypeError
        If ``code`` is not a string.
    ValueError
        If ``code`` is not a known ISO 639-1/639-3 code in any of the forms
        above. Codes come from the ISO 639-3 tables shipped with ``pycountry``.

    Examples
    --------
    >>> from template_registry import normalize_language
    >>> normalize_language("eng_Latn"), normalize_language("swh"), normalize_language("zho_Hant")
    ('en', 'sw', 'zh-Hant')
    """
    if not isinstance(code, str):
        raise TypeError(
            f"language must be a string such as 'en' or 'deu_Latn', got {type(code).__name__}"
        )
    match = _CODE.match(code.strip())
    if match is None:
        raise ValueError(
            f"unknown language code {code!r}: use an ISO 639-1 code ('de'), an ISO 639-3 code "
            "('deu') or a FLORES-200 code ('deu_Latn')"
        )
    lang = match["lang"].lower()
    alpha3_to_1, alpha2 = _iso_tables()
    if len(lang) == 2:
        if lang not in alpha2:
            hint = " (did you mean 'ja'?)" if lang == "jp" else ""
            raise ValueError(f"unknown ISO 639-1 language code {code!r}{hint}")
        base = lang
    elif lang in _INDIVIDUAL_TO_ISO1:
        base = _INDIVIDUAL_TO_ISO1[lang]
    elif lang in alpha3_to_1:
        base = alpha3_to_1[lang]
    elif lang in _EXTRA_CODES:
        base = lang
    else:
        raise ValueError(f"unknown ISO 639-3 language code {code!r}")
    script = match["script"]
    if script is None:
        return base
    script = script.title()
    if _DEFAULT_SCRIPT.get(base, script) == script:
        return base
    return f"{base}-{script}"
