"""Sphinx configuration of the sklearn-statement documentation.

Build: ``make -C docs html`` (warnings are errors). Without executing the
gallery: ``make -C docs html-noplot``. The build works offline: intersphinx
inventories that cannot be fetched only leave external names unlinked (see
``_ext/statement_docs.py``), and the gallery uses the offline MiniLM of the
``demo`` extra and the data sample bundled with ``datasets_builders``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

# The gallery must never reach the Hugging Face hub (models and data are local).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import sklearn_statement  # noqa: E402

# -- Project -----------------------------------------------------------------
project = "sklearn-statement"
author = "sklearn-statement developers"
copyright = "2026, sklearn-statement developers"  # noqa: A001
release = sklearn_statement.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "statement_docs",
]
templates_path: list[str] = []
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**/README.txt"]
root_doc = "index"
default_role = "literal"
# Every cross-reference inside our own docs must resolve; references to other
# projects are checked against their inventories when those can be fetched.
nitpicky = False
suppress_warnings: list[str] = []

# -- autodoc / autosummary / numpydoc ------------------------------------------
# numpydoc renders the types; signatures stay as written in the code.
autodoc_typehints = "none"
autodoc_member_order = "groupwise"
autodoc_default_options = {"members": True}
autosummary_generate = False  # the API pages are written by statement_docs
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = True
# numpydoc's default aliases link bool, iterable, sequence and array-like
# through :ref:/:term: roles, which warn when the inventories are offline;
# the py-domain targets below link the same pages when online and stay quiet
# (plain code) offline.
numpydoc_xref_aliases = {
    "bool": "bool",
    "boolean": "bool",
    "iterable": "collections.abc.Iterable",
    "sequence": "collections.abc.Sequence",
    "generator": "collections.abc.Generator",
    "array-like": "numpy.typing.ArrayLike",
    "array_like": "numpy.typing.ArrayLike",
    "scalar": "numpy.generic",
    "mapping": "collections.abc.Mapping",
    "hashable": "collections.abc.Hashable",
    "callable": "collections.abc.Callable",
    "Template": "template_registry.Template",
    "TemplateError": "template_registry.TemplateError",
    "StatementTuner": "sklearn_statement.StatementTuner",
    "ZeroShotStatementClassifier": "sklearn_statement.ZeroShotStatementClassifier",
    "DataFrame": "pandas.DataFrame",
    "Path": "pathlib.Path",
    "PathLike": "os.PathLike",
    "ndarray": "numpy.ndarray",
    "Dataset": "datasets.Dataset",
    "datasets.Dataset": "datasets.Dataset",
    "FrozenEstimator": "sklearn.frozen.FrozenEstimator",
}
numpydoc_xref_ignore = {
    "of",
    "or",
    "and",
    "shape",
    "optional",
    "default",
    "type",
    "length",
    "n_samples",
    "n_classes",
    "n_statements",
    "n_examples",
    "n_labels",
    "them",
    "those",
    "label",
    "case",
    "path",
    "pattern",
    "options",
}

# -- intersphinx ---------------------------------------------------------------
# Links to the projects users meet next to this one. Offline (no internet on the
# build machine) the inventories cannot be fetched: statement_docs turns
# Sphinx's "failed to reach any of the inventories" warning into an info line,
# so ``-W`` still guards everything else, and names of those projects render
# as plain code. A local copy can be dropped in ``docs/_intersphinx/<name>.inv``
# (it is used when the URL cannot be reached).
intersphinx_timeout = 5
_INV_URLS = {
    "python": "https://docs.python.org/3/",
    "numpy": "https://numpy.org/doc/stable/",
    "pandas": "https://pandas.pydata.org/docs/",
    "sklearn": "https://scikit-learn.org/stable/",
    "torch": "https://docs.pytorch.org/docs/stable/",
    "transformers": "https://huggingface.co/docs/transformers/main/en/",
    "datasets": "https://huggingface.co/docs/datasets/main/en/",
    "peft": "https://huggingface.co/docs/peft/main/en/",
    "skorch": "https://skorch.readthedocs.io/en/stable/",
    "matplotlib": "https://matplotlib.org/stable/",
}
intersphinx_mapping = {
    name: (url, (None, str(DOCS / "_intersphinx" / f"{name}.inv")))
    if (DOCS / "_intersphinx" / f"{name}.inv").is_file()
    else (url, None)
    for name, url in _INV_URLS.items()
}

# -- sphinx-gallery --------------------------------------------------------------
# Examples named plot_*.py run during the build (on CPU, a few minutes in all);
# the others are shown, not run. Subsections in reading order.
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py|/_",
    "subsection_order": [
        "../examples/tuning",
        "../examples/zero_shot",
        "../examples/templates",
        "../examples/statement_data",
        "../examples/model_selection",
        "../examples/evaluation",
        "../examples/few_shot",
        "../examples/sharing",
    ],
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sklearn_statement", "template_registry", "datasets_builders"),
    "backreferences_dir": "gen_modules/backreferences",
    "reference_url": {
        "sklearn_statement": None,
        "template_registry": None,
        "datasets_builders": None,
    },
    "capture_repr": ("_repr_html_", "__repr__"),
    "image_scrapers": ("matplotlib",),
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "default_thumb_file": None,
    "write_computation_times": True,
    "plot_gallery": "True",
}

# -- HTML --------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-statement {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "header_links_before_dropdown": 7,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
    "navigation_with_keys": False,
}
html_sidebars = {"install": [], "faq": [], "changelog": [], "templates_catalogue": []}
html_show_sourcelink = True
html_copy_source = True
html_last_updated_fmt = None

# -- doctest builder (``make -C docs doctest``) -------------------------------------
# Only the explicit ``.. doctest::`` blocks of the pages are run here; the
# docstrings' examples run in the test suite (pytest --doctest-modules), and
# inherited third-party docstrings are not ours to test.
doctest_test_doctest_blocks = ""
