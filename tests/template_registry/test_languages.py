import pytest

from template_registry import normalize_language


@pytest.mark.parametrize(
    "code, expected",
    [
        ("en", "en"),
        ("eng", "en"),
        ("eng_Latn", "en"),
        ("deu_Latn", "de"),
        ("DE", "de"),
        ("swh_Latn", "sw"),
        ("zho_Hans", "zh"),
        ("zho_Hant", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("cmn", "zh"),
        ("arb_Arab", "ar"),
        ("ace_Latn", "ace"),
        ("ace_Arab", "ace-Arab"),
        ("jpn", "ja"),
        ("ajp_Arab", "ajp"),
    ],
)
def test_normalize(code, expected):
    assert normalize_language(code) == expected


@pytest.mark.parametrize("code", ["jp", "xx", "english", "e", "qqq", "de_Latin"])
def test_unknown_codes(code):
    with pytest.raises(ValueError, match="language code"):
        normalize_language(code)


def test_type():
    with pytest.raises(TypeError):
        normalize_language(None)
