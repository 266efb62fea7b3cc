"""Recipes: the demo end to end and the gallery's statement model.

- :func:`run_demo`, :data:`DEMO_RECIPE`, :func:`default_model_path`,
  :func:`environment` (``_demo``);
- :func:`gallery_model` (``_gallery``).
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
from ._gallery import gallery_model, gallery_model_dir

__all__ = [
    "DEMO_EVAL_SUITE",
    "DEMO_RECIPE",
    "QUICK_RECIPE",
    "DemoRecipe",
    "default_model_path",
    "demo_statements",
    "demo_tuner",
    "environment",
    "gallery_model",
    "gallery_model_dir",
    "run_demo",
]
