"""Recipes: what to train on and how, and the jobs that run them.

- :class:`Recipe`: one recipe type (a frozen dataclass) for the demo, the
  gallery and the presets: the training statements (tasks, languages,
  ``exclude_families``, or a ``datasets_builders`` preset) and the tuner's
  settings; :func:`preset_recipe` (``_recipe``);
- the demo end to end: :func:`run_demo`, :data:`DEMO_RECIPE`,
  :data:`QUICK_RECIPE`, :data:`DEMO_EVAL_SUITE`, :func:`default_model_path`,
  :func:`environment` (``_demo``);
- the gallery's statement model: :func:`gallery_model`,
  :data:`GALLERY_RECIPE` (``_gallery``).
"""

from ._demo import (
    DEMO_EVAL_SUITE,
    DEMO_RECIPE,
    QUICK_RECIPE,
    DemoRecipe,
    default_model_path,
    demo_statements,
    demo_tuner,
    environment,
    run_demo,
)
from ._gallery import GALLERY_RECIPE, gallery_model, gallery_model_dir
from ._recipe import Recipe, preset_recipe

__all__ = [
    "DEMO_EVAL_SUITE",
    "DEMO_RECIPE",
    "GALLERY_RECIPE",
    "QUICK_RECIPE",
    "DemoRecipe",
    "Recipe",
    "default_model_path",
    "demo_statements",
    "demo_tuner",
    "environment",
    "gallery_model",
    "gallery_model_dir",
    "preset_recipe",
    "run_demo",
]
