"""
Calibrate zero-shot probabilities
=================================

``predict_proba`` of a zero-shot classifier is a softmax over the labels'
true-logits: it ranks the labels, but a model that never saw the task's
labels has no reason to give probabilities that match frequencies. With a few
labeled examples, :class:`~sklearn.calibration.CalibratedClassifierCV` over a
*frozen* classifier (nothing is re-trained) learns a mapping from its scores
to calibrated probabilities. Here on SST-2 movie reviews (positive or
negative) with the statement-tuned MiniLM of
:ref:`sphx_glr_auto_examples_tuning_plot_statement_tuning.py`.
"""

# %%
# A statement model
# -----------------
# The gallery's first example statement-tunes MiniLM and saves it; run alone,
# this example tunes the same kind of model (about a minute on a CPU).
import matplotlib.pyplot as plt
import numpy as np

from datasets_builders import sample_data_dir
from sklearn_statement.recipes import gallery_model

data = sample_data_dir()
model_dir = gallery_model()  # tuned once, shared by the gallery's examples

# %%
# Data: the SST-2 validation reviews of the bundled sample, half to calibrate,
# half to evaluate.
from sklearn.model_selection import train_test_split

from datasets_builders import load_task

reviews = load_task("sst2", split="validation", data_dir=data).to_pandas()
calib, test = train_test_split(
    reviews, test_size=0.5, stratify=reviews["label"], random_state=0
)
y_calib, y_test = calib["label"].to_numpy(), test["label"].to_numpy()

# %%
# The zero-shot classifier and its calibrated version
# ---------------------------------------------------
# ``FrozenEstimator`` keeps ``CalibratedClassifierCV`` from re-fitting the
# classifier; with ``ensemble=False`` one sigmoid (Platt) calibrator is fit on
# the cross-validated scores of the calibration reviews.
from sklearn.calibration import CalibratedClassifierCV, CalibrationDisplay
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import accuracy_score, brier_score_loss, log_loss

from sklearn_statement import ZeroShotStatementClassifier

clf = ZeroShotStatementClassifier(str(model_dir), template="sst2", device="cpu")
clf.fit(calib, y_calib)  # trains nothing
calibrated = CalibratedClassifierCV(
    FrozenEstimator(clf), method="sigmoid", ensemble=False
)
calibrated.fit(calib, y_calib)

p_raw = clf.predict_proba(test)[:, 1]
p_cal = calibrated.predict_proba(test)[:, 1]
for name, p in (("zero-shot", p_raw), ("calibrated", p_cal)):
    print(
        f"{name:>10}: accuracy {accuracy_score(y_test, p > 0.5):.2f}  "
        f"Brier {brier_score_loss(y_test, p):.3f}  log-loss {log_loss(y_test, p):.3f}"
    )

# %%
# Reliability diagram
# -------------------
# A calibrated model's curve follows the diagonal: among reviews given
# P(positive) = 0.7, about 70% are positive. Calibration can change accuracy
# only where it moves probabilities across 0.5; its job is the probabilities.
fig, ax = plt.subplots(figsize=(5, 4.5))
CalibrationDisplay.from_predictions(y_test, p_raw, n_bins=6, name="zero-shot", ax=ax)
CalibrationDisplay.from_predictions(
    y_test, p_cal, n_bins=6, name="calibrated (sigmoid)", ax=ax
)
ax.set_title("SST-2 reviews, statement-tuned MiniLM")
fig.tight_layout()

# %%
# The distribution of the predicted probabilities before and after.
fig, ax = plt.subplots(figsize=(5, 3))
bins = np.linspace(0, 1, 21)
ax.hist(p_raw, bins=bins, alpha=0.6, label="zero-shot")
ax.hist(p_cal, bins=bins, alpha=0.6, label="calibrated")
ax.set_xlabel("P(positive)")
ax.set_ylabel("reviews")
ax.legend()
fig.tight_layout()
