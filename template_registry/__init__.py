"""Statement templates per task family and language.

Templates are data: YAML files in ``template_registry/templates/`` (one per
task family and language) and ``datasets.yaml`` (dataset keys -> family and
labels). This package does not import torch.
"""

from ._budget import render_statements
from ._coverage import coverage_table
from ._descriptions import label_description, label_descriptions
from ._languages import normalize_language
from ._registry import (
    dataset_info,
    get_template,
    list_tasks,
    list_templates,
    load_templates,
    register_template,
)
from ._template import Template, TemplateError

__all__ = [
    "Template",
    "TemplateError",
    "coverage_table",
    "dataset_info",
    "get_template",
    "label_description",
    "label_descriptions",
    "list_tasks",
    "list_templates",
    "load_templates",
    "normalize_language",
    "register_template",
    "render_statements",
]
