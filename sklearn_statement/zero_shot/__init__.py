"""Zero-shot classification: one statement per label, the most-true one wins.

- :class:`ZeroShotStatementClassifier` (``_classifier``), with few-shot tuning
  (``_few_shot``), the embedding hybrid and label shortlists
  (:class:`Shortlist`, ``_shortlist``), and each text's own candidate labels
  (``rank``, ``_rank``);
- :class:`FewShotStatementClassifier` (``_few_shot_classifier``): k examples
  per class train a soft prompt of the frozen model (``_prompt``, with
  contrastive label smoothing from ``_smoothing``) or the whole model;
- :class:`EmbeddingZeroShotClassifier`: the sentence-embedding baseline on
  the same templates (``_embedding``);
- what they share: candidate labels and ``classes_`` (``_labels``), the
  templates to score with (:func:`scoring_templates`, ``_templates``), a
  label's description, the one rule of the embedding baseline, the hybrid,
  shortlists and the bi-encoder (:func:`label_description`, which lives with
  the templates in ``template_registry`` and is re-exported here), true-logits
  to probabilities (``_probabilities``).
"""

from template_registry import label_description, label_descriptions

from ._classifier import ZeroShotStatementClassifier
from ._embedding import EmbeddingZeroShotClassifier
from ._few_shot_classifier import FewShotStatementClassifier
from ._shortlist import Shortlist
from ._templates import scoring_templates

__all__ = [
    "EmbeddingZeroShotClassifier",
    "FewShotStatementClassifier",
    "Shortlist",
    "ZeroShotStatementClassifier",
    "label_description",
    "label_descriptions",
    "scoring_templates",
]
