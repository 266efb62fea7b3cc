"""
Zero-shot topic classification in a Pipeline
============================================

:class:`~sklearn_statement.ZeroShotStatementClassifier` needs no training
data: for each text it writes one statement per candidate label ("... is about
sports."), a statement model scores each statement, and the most-true one
wins. Being a scikit-learn classifier, it is the last step of a
:class:`~sklearn.pipeline.Pipeline` like any other. Here it classifies the
English SIB-200 sentences (FLORES-200 sentences labeled with seven topics)
with the statement-tuned MiniLM of
:ref:`sphx_glr_auto_examples_tuning_plot_statement_tuning.py`.
"""

# %%
# A statement model
# -----------------
# The gallery's first example statement-tunes MiniLM and saves it; run alone,
# this example tunes the same kind of model (about a minute on a CPU).
import matplotlib.pyplot as plt
import pandas as pd

from datasets_builders import sample_data_dir
from sklearn_statement.recipes import gallery_model

data = sample_data_dir()
model_dir = gallery_model()  # tuned once, shared by the gallery's examples

# %%
# The data
# --------
# :func:`~datasets_builders.load_task` returns a :class:`datasets.Dataset` with
# the template's fields (``text``) and ``label``; as a DataFrame it could come
# from any source.
from datasets_builders import load_task

sib = load_task("sib200", language="en", split="test", data_dir=data).to_pandas()
sib = sib.sample(n=140, random_state=0).reset_index(drop=True)
sib["source"] = "flores-200"  # a column the model does not need
print(sib["label"].value_counts())
sib.head()

# %%
# The pipeline
# ------------
# A preprocessing step turns the DataFrame into what the template reads (one
# ``text`` per example; here with whitespace normalised), then the zero-shot
# classifier. ``fit`` trains nothing: it loads the model, checks the template
# against the data and sets ``classes_`` (from ``y``: the sorted labels).
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_statement import ZeroShotStatementClassifier


def to_examples(frame):
    """One ``{"text": ...}`` example per row, whitespace normalised."""
    return [{"text": " ".join(text.split())} for text in frame["text"]]


pipe = make_pipeline(
    FunctionTransformer(to_examples),
    ZeroShotStatementClassifier(str(model_dir), template="sib200", device="cpu"),
)
pipe.fit(sib, sib["label"])
clf = pipe[-1]
print("classes_:", clf.classes_)
print("template:", clf.template_)

# %%
# What the model reads: one statement per label for each example.
print(clf.template_.statements(to_examples(sib.head(1))[0]))

# %%
# Predictions
# -----------
# ``predict_proba`` has one column per label, in ``classes_`` order.
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score

proba = pipe.predict_proba(sib)
pred = clf.classes_[proba.argmax(axis=1)]
majority = sib["label"].value_counts(normalize=True).max()
print(
    f"accuracy {accuracy_score(sib['label'], pred):.2f} "
    f"(majority class {majority:.2f}, chance {1 / len(clf.classes_):.2f})"
)

fig, ax = plt.subplots(figsize=(6, 5))
ConfusionMatrixDisplay.from_predictions(
    sib["label"], pred, labels=clf.classes_, ax=ax, xticks_rotation=45, colorbar=False
)
ax.set_title("Zero-shot SIB-200 (English), tiny MiniLM")
fig.tight_layout()

# %%
# Labels chosen at prediction time
# --------------------------------
# The ``topic`` family has an open label set: its template writes any label
# into "... is about {label}.", so a new set of topics needs no training, only
# ``set_params``.
texts = [
    "The central bank raised interest rates by half a point.",
    "The striker scored twice in the second half.",
    "A new vaccine reduced infections by ninety percent.",
]
pipe.set_params(
    zeroshotstatementclassifier__template="topic",
    zeroshotstatementclassifier__labels=["economy", "sports", "medicine"],
)
frame = pd.DataFrame({"text": texts})
pipe.fit(frame)  # no labels needed: they are given
for text, label, p in zip(
    texts, pipe.predict(frame), pipe.predict_proba(frame).max(axis=1)
):
    print(f"{label:>9} ({p:.2f})  {text}")
