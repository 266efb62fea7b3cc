"""The gallery's shared statement model: built once, then reused by every example."""

import tempfile

from sklearn_statement import __version__
from sklearn_statement.recipes import _gallery as _examples


def test_gallery_model_reuses_the_saved_model(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    directory = _examples.gallery_model_dir()
    assert directory == tmp_path / f"sklearn-statement-gallery-{__version__}"
    directory.mkdir()
    (directory / "config.json").write_text("{}", encoding="utf-8")
    assert _examples.gallery_model() == directory  # found: nothing is tuned
    assert sorted(p.name for p in directory.iterdir()) == ["config.json"]
