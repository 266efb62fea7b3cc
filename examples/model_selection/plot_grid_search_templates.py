"""
Choose a template with GridSearchCV
===================================

The wording of the statements is a hyper-parameter of a zero-shot
classifier, and so is whether to average several wordings (a template
ensemble). :class:`~sklearn.model_selection.GridSearchCV` searches them like
any other parameter. The one idiom to know: wrap a fitted
:class:`~sklearn_statement.StatementTuner` in
:class:`~sklearn.frozen.FrozenEstimator` so that the clones ``GridSearchCV``
makes share its weights (a directory saved with ``save_pretrained`` works
too: every clone loads it).

Choosing the template on labeled data of the target task is no longer
strictly zero-shot: report the score of the chosen template on data that took
no part in the choice.
"""

# %%
# A statement model
# -----------------
# The gallery's first example statement-tunes MiniLM and saves it; run alone,
# this example tunes the same kind of model (about a minute on a CPU).
import matplotlib.pyplot as plt

from datasets_builders import sample_data_dir
from sklearn_statement import StatementTuner
from sklearn_statement.recipes import gallery_model

data = sample_data_dir()
model_dir = gallery_model()  # tuned once, shared by the gallery's examples

# %%
# The fitted tuner, loaded back from its directory and frozen:
from sklearn.frozen import FrozenEstimator

tuner = StatementTuner.from_pretrained(model_dir, device="cpu")
frozen = FrozenEstimator(tuner)  # clone(frozen) is frozen itself: weights shared

# %%
# Data: English SIB-200 sentences for the search, kept apart from a held-out
# set for the final score.
from sklearn.model_selection import train_test_split

from datasets_builders import load_task

sib = load_task("sib200", language="en", split="test", data_dir=data).to_pandas()
search_set, held_out = train_test_split(
    sib, train_size=105, test_size=70, stratify=sib["label"], random_state=0
)

# %%
# The grid
# --------
# Each registered variant of the topic template on its own, and all of them
# averaged (``ensemble=True``). ``labels`` fixes the columns, so folds that
# miss a class still score every label.
from sklearn.model_selection import GridSearchCV

from sklearn_statement import ZeroShotStatementClassifier
from template_registry import get_template, list_templates

labels = sorted(sib["label"].unique())
variants = [t.name for t in list_templates("sib200", language="en")]
grid = [
    {"template": [get_template("sib200", name=name) for name in variants]},
    {"template": ["sib200"], "ensemble": [True]},
]
search = GridSearchCV(
    ZeroShotStatementClassifier(frozen, template="sib200", labels=labels),
    grid,
    cv=3,
    scoring="accuracy",
)
search.fit(search_set, search_set["label"])

# %%
# ``fit`` of a zero-shot classifier trains nothing, so the search costs only
# the scoring of each candidate on each test fold.
results = search.cv_results_
names = variants + ["ensemble"]
for name, mean, std in zip(
    names, results["mean_test_score"], results["std_test_score"]
):
    print(f"{name:>15}: {mean:.2f} +/- {std:.2f}")
print("best:", search.best_params_)

fig, ax = plt.subplots(figsize=(5.5, 3))
ax.barh(names, results["mean_test_score"], xerr=results["std_test_score"])
ax.axvline(1 / len(labels), color="k", ls="--", label="chance")
ax.set_xlabel("cross-validated accuracy (3 folds)")
ax.set_title("Template choice, SIB-200 (English)")
ax.legend(loc="lower right")
fig.tight_layout()

# %%
# The refitted best classifier (``refit=True`` by default) on the held-out
# sentences:
print(
    f"held-out accuracy of the chosen template: "
    f"{search.score(held_out, held_out['label']):.2f}"
)
