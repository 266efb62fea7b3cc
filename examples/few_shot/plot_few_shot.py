"""
Few-shot adaptation to a new task
=================================

Zero-shot is where Statement-Tuning starts; a handful of labeled examples of
the target task can take it further. With ``few_shot=True``,
:class:`~sklearn_statement.ZeroShotStatementClassifier` turns the labeled
examples into true and false statements with the task's template and
continues statement tuning on a *copy* of the model — the few-shot setting of
the original paper (arXiv 2404.12897). The model you pass is never modified.

The task here, offensive-language detection on real tweets (TweetEval), is a
family the statement model never saw in training.
"""

# %%
# A statement model
# -----------------
# The gallery's first example statement-tunes MiniLM and saves it; run alone,
# this example tunes the same kind of model (about a minute on a CPU).
import matplotlib.pyplot as plt
import numpy as np

from datasets_builders import sample_data_dir
from sklearn_statement import StatementTuner
from sklearn_statement.recipes import gallery_model

data = sample_data_dir()
model_dir = gallery_model()  # tuned once, shared by the gallery's examples

# %%
# Data and template
# -----------------
# Labeled tweets to learn from (the training split) and tweets to evaluate on
# (the test split). The registered template writes one statement per label:
from datasets_builders import load_task
from template_registry import get_template

pool = load_task("tweeteval_offensive", split="train", data_dir=data).to_pandas()
test = (
    load_task("tweeteval_offensive", split="test", data_dir=data)
    .shuffle(seed=0)
    .select(range(200))
)
y_test = np.asarray(test["label"])
print(get_template("tweeteval_offensive").statements(test[0]))

# %%
# Zero-shot, then k examples per class
# ------------------------------------
# ``fit(X, y)`` with ``few_shot=True`` tunes for ``few_shot_epochs`` epochs at
# ``few_shot_lr`` (a small model on a few statements takes a larger rate than
# the default). Each k draws its own examples, stratified.
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import f1_score

from sklearn_statement import ZeroShotStatementClassifier

tuner = StatementTuner.from_pretrained(model_dir, device="cpu")
zero = ZeroShotStatementClassifier(
    FrozenEstimator(tuner), template="tweeteval_offensive"
)
pred = zero.fit(test).predict(test)
scores = {0: (np.mean(pred == y_test), f1_score(y_test, pred, average="macro"))}

for k in (8, 32):
    shots = pool.groupby("label", group_keys=False).sample(n=k, random_state=k)
    few = ZeroShotStatementClassifier(
        FrozenEstimator(tuner),
        template="tweeteval_offensive",
        few_shot=True,
        few_shot_epochs=3,
        few_shot_lr=1e-4,
        random_state=0,
    )
    few.fit(shots, shots["label"])
    pred = few.predict(test)
    scores[k] = (np.mean(pred == y_test), f1_score(y_test, pred, average="macro"))
    print(
        f"k={k:>2}: {len(few.tuner_.history_)} epochs on {len(shots) * len(few.classes_)} statements"
    )

for k, (acc, f1) in scores.items():
    print(f"{k:>2} examples per class: accuracy {acc:.2f}, macro-F1 {f1:.2f}")

# %%
# The original model is untouched: the few-shot classifier tuned a copy.
same = ZeroShotStatementClassifier(
    FrozenEstimator(tuner), template="tweeteval_offensive"
)
assert np.array_equal(same.fit(test).predict(test), zero.predict(test))

# %%
# The plot
# --------
ks = list(scores)
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(ks, [scores[k][1] for k in ks], marker="o", label="macro-F1")
ax.plot(ks, [scores[k][0] for k in ks], marker="s", label="accuracy")
ax.axhline(
    max(np.mean(y_test), 1 - np.mean(y_test)),
    color="k",
    ls="--",
    label="majority class",
)
ax.set_xticks(ks)
ax.set_xlabel("labeled examples per class (0 = zero-shot)")
ax.set_ylim(0, 1)
ax.set_title("TweetEval offensive, statement-tuned MiniLM")
ax.legend(loc="lower right", fontsize="small")
fig.tight_layout()

# %%
# One draw of k examples per point: with so few examples, which tweets are
# drawn matters, so repeat with several seeds before drawing conclusions.
