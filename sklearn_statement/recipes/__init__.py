"""Recipes: what to train on and how, and the jobs that run them.

- :class:`Recipe`: one recipe type (a frozen dataclass) for the demo, the
  gallery and the presets: the training statements (tasks, languages,
  ``exclude_families``, or a ``datasets_builders`` preset) and the tuner's
  settings; :func:`preset_recipe` (``_recipe``);
- the demo end to end: :func:`run_demo`, the named recipes :data:`RECIPES`
  (:data:`DEMO_RECIPE`, :data:`FULL_RECIPE` and its :data:`FULL_TASKS`),
  :data:`QUICK_RECIPE`,
  :data:`DEMO_EVAL_SUITE`, :func:`default_model_path` (multilingual-e5-small,
  built offline), :func:`minilm_model_path`,
  :func:`environment` (``_demo``);
- the gallery's statement model: :func:`gallery_model`,
  :data:`GALLERY_RECIPE` (``_gallery``).
"""

from ._demo import (
    DEMO_EVAL_SUITE,
    DEMO_RECIPE,
    FULL_RECIPE,
    FULL_TASKS,
    QUICK_RECIPE,
    RECIPES,
    DemoRecipe,
    default_model_path,
    demo_statements,
    demo_tuner,
    environment,
    minilm_model_path,
    run_demo,
)
from ._gallery import GALLERY_RECIPE, gallery_model, gallery_model_dir
from ._recipe import Recipe, preset_recipe

__all__ = [
    "DEMO_EVAL_SUITE",
    "DEMO_RECIPE",
    "FULL_RECIPE",
    "FULL_TASKS",
    "GALLERY_RECIPE",
    "QUICK_RECIPE",
    "RECIPES",
    "DemoRecipe",
    "Recipe",
    "default_model_path",
    "demo_statements",
    "demo_tuner",
    "environment",
    "gallery_model",
    "gallery_model_dir",
    "minilm_model_path",
    "preset_recipe",
    "run_demo",
]
