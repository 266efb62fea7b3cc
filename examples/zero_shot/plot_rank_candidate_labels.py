"""
Candidate labels per text with ``rank``
=======================================

Support tickets, product categories and intents often come with their own
candidate labels: each text has its own list, of its own length.
:meth:`~sklearn_statement.ZeroShotStatementClassifier.rank` takes one list per
text, scores every (text, label) statement of every text in one batched pass,
and returns what transformers' zero-shot pipeline returns for each text: the
labels sorted by their scores, highest first. It uses the statement-tuned
MiniLM of :ref:`sphx_glr_auto_examples_tuning_plot_statement_tuning.py`.
"""

# %%
# A statement model and a classifier without fixed labels
# -------------------------------------------------------
# The ``topic`` template writes any label into "... is about {label}.", so
# ``fit`` needs no labels: ``classes_`` stays empty and ``rank`` brings each
# text's own.
import matplotlib.pyplot as plt
import numpy as np

from sklearn_statement import ZeroShotStatementClassifier
from sklearn_statement.recipes import gallery_model

model_dir = gallery_model()  # tuned once, shared by the gallery's examples
clf = ZeroShotStatementClassifier(str(model_dir), template="topic", device="cpu")
clf.fit()
print("classes_:", clf.classes_)

# %%
# Each text, its own candidates
# -----------------------------
texts = [
    "The striker scored twice in the second half.",
    "The central bank raised interest rates by half a point.",
    "A new vaccine reduced infections by ninety percent.",
]
candidates = [
    ["sports", "politics"],
    ["economy", "sports", "travel", "weather"],
    ["health", "entertainment", "science"],
]
for result in clf.rank(texts, candidates):
    pairs = ", ".join(
        f"{lab} {p:.2f}" for lab, p in zip(result["labels"], result["scores"])
    )
    print(f"{result['sequence'][:45]:<46} {pairs}")

# %%
# Scores of one text sum to 1 (a softmax over its own candidates); with
# ``multi_label=True`` they are each candidate's own P(true). A bad list is an
# error that names the text:
try:
    clf.rank(texts, [["sports", "sports"], ["economy"], ["health"]])
except ValueError as error:
    print(error)

# %%
# On real data: SIB-200 with four candidates per text
# ---------------------------------------------------
# Each English SIB-200 test sentence gets its gold topic and three of the six
# other topics at random. The classifier fitted with the seven topics scores
# the same rows against all of them (``predict_proba``); ``rank`` answers the
# easier question of the four.
from datasets_builders import load_task, sample_data_dir

sib = load_task("sib200", language="en", split="test", data_dir=sample_data_dir())
sib = sib.shuffle(seed=0).select(range(80))
fixed = ZeroShotStatementClassifier(
    str(model_dir), template="sib200", device="cpu"
).fit()  # classes_: the template's seven topics
topics = list(fixed.classes_)
rng = np.random.default_rng(0)
rows = []
for gold in sib["label"]:
    others = rng.choice([t for t in topics if t != gold], size=3, replace=False)
    rows.append(list(rng.permutation([gold, *others])))

gold = np.asarray(sib["label"], dtype=object)
texts_sib = list(sib["text"])
fixed_top = fixed.predict(texts_sib).astype(object)
ranked = fixed.rank(texts_sib, rows)  # the same classifier, each row's own topics
rank_top = np.asarray([r["labels"][0] for r in ranked], dtype=object)
accuracy = {
    "all 7 topics\n(predict)": (fixed_top == gold).mean(),
    "gold + 3 others\n(rank)": (rank_top == gold).mean(),
}
chance = {"all 7 topics\n(predict)": 1 / 7, "gold + 3 others\n(rank)": 1 / 4}
for name, value in accuracy.items():
    print(
        f"{name.splitlines()[0]:<16} accuracy {value:.2f} (chance {chance[name]:.2f})"
    )

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.bar(list(accuracy), list(accuracy.values()), color=["tab:gray", "tab:blue"])
ax.scatter(
    list(chance),
    list(chance.values()),
    color="black",
    marker="_",
    s=900,
    label="chance",
)
ax.set_ylabel("accuracy")
ax.set_ylim(0, 1)
ax.set_title(f"SIB-200 (English), {len(gold)} test sentences, tiny MiniLM")
ax.legend()
fig.tight_layout()
