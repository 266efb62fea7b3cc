"""
Few-shot soft prompts that carry across languages
=================================================

Eight labelled English examples per class, then topic classification of texts
in other languages: :class:`~sklearn_statement.FewShotStatementClassifier`
trains a *soft prompt* (a few vectors put before every statement) for a
frozen statement model, scoring each example's candidate statements together
(the zero-shot prediction rule as the loss), with contrastive label smoothing,
a penalty that keeps the prompt near its start, and label statements in
several languages averaged per class — the idea of RoSPrompt (Philippy et al.,
2025, arXiv 2503.19469), whose exact formulas were not available offline (see
the user guide, "Few-shot soft prompts").

Each part is switched off by one parameter; this example fits the whole
method, one ablation per part, and the full-model few-shot continuation on the
same eight shots per class, next to zero-shot.

This example trains six models, so it is not run when the docs are built. The
gallery's statement model is the English MiniLM: for the cross-lingual setting
use a multilingual statement model (e.g. one statement-tuned from
``sklearn_statement.offline_model()``, multilingual-e5-small) as ``MODEL``.
``benchmarks/bench_few_shot.py`` runs the full comparison on SIB-200 in 23
languages with three seeds.
"""

# %%
# Data: English training shots, test texts in three languages
# ------------------------------------------------------------
import numpy as np
import pandas as pd

from datasets_builders import load_task, sample_data_dir
from sklearn_statement.recipes import gallery_model

MODEL = gallery_model()  # or the directory of a multilingual statement model
data = sample_data_dir()
train = load_task("sib200", language="en", split="train", data_dir=data)
tests = {
    lang: load_task("sib200", language=lang, split="test", data_dir=data)
    .shuffle(seed=0)
    .select(range(40))
    for lang in ("en", "de", "sw")
}
print(train, {lang: len(ds) for lang, ds in tests.items()})

# %%
# Zero-shot, for reference
# ------------------------
from sklearn_statement import ZeroShotStatementClassifier


def accuracies(clf):
    return {
        lang: float(np.mean(clf.predict(ds) == np.asarray(ds["label"])))
        for lang, ds in tests.items()
    }


zero = ZeroShotStatementClassifier(MODEL, template="sib200").fit(train)
results = {"zero-shot (English labels)": accuracies(zero)}

# %%
# The soft prompt, each part, and the full-model baseline
# -------------------------------------------------------
# ``fit(X, y)`` draws ``shots=8`` examples of every class from the 701
# training texts (``random_state`` picks them; every variant below gets the
# same ones) and trains only the prompt: the statement model's weights do not
# change. ``languages`` lists the label statements' languages (the task's
# registered templates); their true-logits are averaged per class, in training
# and in prediction.
from sklearn_statement import FewShotStatementClassifier

variants = {
    "soft prompt, all parts": {},
    "- contrastive smoothing (uniform)": {"contrastive": False},
    "- prompt penalty": {"prompt_penalty": 0.0},
    "- multilingual labels (English only)": {"languages": ["en"]},
    "full model (English labels)": {"method": "full", "languages": ["en"]},
}
for name, params in variants.items():
    few = FewShotStatementClassifier(
        MODEL,
        template="sib200",
        **{"languages": ["en", "de", "sw"], "random_state": 0, **params},
    )
    few.fit(train, train["label"])
    results[name] = accuracies(few)
    if "history_" in few.__dict__:
        last = few.history_[-1]
        print(f"{name}: loss {last['loss']:.3f}, penalty {last['penalty']:.4f}")

# %%
# The targets of contrastive smoothing
# ------------------------------------
# The gold label keeps ``1 - label_smoothing``; the rest is spread over the
# other labels by how similar their descriptions are to the gold one's (the
# statement model's own mean-pooled embeddings, averaged over the languages).
few = FewShotStatementClassifier(
    MODEL, template="sib200", languages=["en", "de", "sw"], random_state=0, epochs=1
).fit(train, train["label"])
print(
    pd.DataFrame(few.label_similarity_, index=few.classes_, columns=few.classes_)
    .round(2)
    .to_string()
)

# %%
# The table
# ---------
table = pd.DataFrame(results).T
table["mean"] = table.mean(axis=1)
print((100 * table).round(1).to_string())

# %%
# 40 texts per language and one draw of the shots: differences of a few
# points are noise here. ``benchmarks/bench_few_shot.py`` gives intervals.
