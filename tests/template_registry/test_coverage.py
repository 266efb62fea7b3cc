"""coverage_table: the task x language table of registered variants."""

from __future__ import annotations

import pytest

from template_registry import coverage_table, list_templates


def test_counts_match_list_templates():
    counts = coverage_table(markdown=False)
    assert sum(n for row in counts.values() for n in row.values()) == len(
        list_templates()
    )
    assert counts["nli"]["en"] == 3 and counts["nli"]["de"] == 3
    assert "de" not in counts["sentiment"]  # English fallback there
    assert list(counts) == sorted(counts)


def test_markdown_table():
    table = coverage_table()
    lines = table.splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header[:3] == ["task", "datasets", "en"]  # English first
    assert set(header) >= {"ar", "de", "es", "fr", "hi", "ru", "sw", "tr", "vi", "zh"}
    assert lines[1].startswith("|---|---|---:|")
    rows = {line.split("|")[1].strip(): line for line in lines[2:]}
    assert "xnli, rte, snli" in rows["nli"]
    assert "–" in rows["sentiment"] and "–" not in rows["nli"]
    totals = [c.strip() for c in rows["**tasks**"].strip("|").split("|")]
    assert int(totals[2]) == len(coverage_table(markdown=False))
    assert all(len(line.split("|")) == len(lines[0].split("|")) for line in lines)


def test_selection_and_errors():
    assert coverage_table(
        markdown=False, tasks=["copa"], languages=["eng_Latn", "it"]
    ) == {"copa": {"en": 3, "it": 3}}
    with pytest.raises(ValueError, match="no registered template"):
        coverage_table(tasks=["nope"])
    with pytest.raises(ValueError, match="unknown"):
        coverage_table(languages=["qq"])
