"""The ``sklearn-statement templates`` sub-command (list / show) on the registry."""

from __future__ import annotations

from sklearn_statement.cli import main


def test_show_native_template(capsys):
    assert main(["templates", "show", "xnli", "--language", "de"]) == 0
    out = capsys.readouterr().out
    assert "language='de'" in out and "note:" not in out
    assert "Aus „Ein Mann spielt auf der Bühne Gitarre.“ folgt" in out


def test_show_says_when_it_falls_back_to_english(capsys):
    assert main(["templates", "show", "xcopa", "--language", "quy"]) == 0
    out = capsys.readouterr().out
    assert "no native template in 'qu'" in out and "language='en'" in out


def test_show_open_template_uses_its_verbalizer(capsys):
    assert main(["templates", "show", "intent"]) == 0
    out = capsys.readouterr().out
    assert "wants to set an alarm." in out


def test_list_filters_by_task_and_language(capsys):
    assert (
        main(["templates", "list", "--task", "story_ending", "--language", "ja"]) == 0
    )
    out = capsys.readouterr().out
    assert "3 templates" in out and "story_ending" in out
    assert main(["templates", "list", "--task", "nli", "--language", "yo"]) == 0
    assert "get_template returns the English ones" in capsys.readouterr().out
