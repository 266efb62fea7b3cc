"""
Build multilingual statement data
=================================

The multilingual Statement-Tuning recipe (arXiv 2506.01592) trains on
statements from many tasks in many languages — 1,500 per task and language,
half true and half false — plus machine-translation (MT) statements built from
parallel text. This example builds a small version of such a corpus from the
real data sample bundled with :mod:`datasets_builders`, looks at its
composition and at the MT statements with their hard negatives. No model is
needed.
"""

# %%
# Many tasks, many languages
# --------------------------
# :func:`~datasets_builders.build_multitask` loads every (task, language) the
# data has, builds ``n_per_task`` balanced statements for each and shuffles
# them together. A task without data in a language is skipped for it; the
# families evaluated zero-shot are held out (here NLI, so XNLI adds nothing).
# Parallel-text tasks (Tatoeba, FLORES) become MT statements.
import matplotlib.pyplot as plt
import numpy as np

from datasets_builders import (
    build_multitask,
    build_translation_statements,
    load_task,
    sample_data_dir,
    statement_stats,
)

data = sample_data_dir()
tasks = ["sst2", "nusax_sentiment", "sib200", "pawsx", "tatoeba", "flores", "xnli"]
languages = ["en", "de", "fr", "zh", "id"]
statements = build_multitask(
    tasks,
    languages=languages,
    n_per_task=120,
    data_dir=data,
    exclude_families=["nli"],
    random_state=0,
)
print(statements)

# %%
# :func:`~datasets_builders.statement_stats` counts true and false statements
# per task and language: every cell is balanced.
stats = statement_stats(statements)
stats

# %%
# The composition per language and task family. English has no MT statements
# (the other side of every pair is English); Indonesian sentiment comes from
# NusaX, the other languages' paraphrase statements from PAWS-X.
frame = statements.to_pandas()
counts = frame.groupby(["language", "family"]).size().unstack(fill_value=0)
ax = counts.loc[languages].plot.bar(stacked=True, figsize=(6, 3.5), rot=0)
ax.set_ylabel("statements")
ax.set_title("Statement corpus by language and task family")
ax.legend(title="family", bbox_to_anchor=(1.02, 1), loc="upper left")
plt.tight_layout()

# %%
# A few statements per language: the English template is used where the
# registry has no native one, as the paper found English templates work as
# well as translated ones.
for language in languages:
    row = frame[frame["language"] == language].iloc[0]
    truth = "true " if row["label"] else "false"
    print(
        f"{language} [{truth}] ({row['task']}/{row['template']}) {row['statement'][:100]}"
    )

# %%
# Machine-translation statements and hard negatives
# -------------------------------------------------
# :func:`~datasets_builders.build_translation_statements` turns aligned
# sentence pairs into true statements and mismatched pairs into false ones;
# the negated variants ("is not a translation") flip the truth value. The
# mismatched partner is a sentence of similar length, so length alone gives
# nothing away.
pairs = load_task("tatoeba", language="de", data_dir=data)
mt = build_translation_statements(pairs, n=200, random_state=0)
for row in mt.select(range(6)):
    print(f"[{'true ' if row['label'] else 'false'}] {row['statement']}")

# %%
# Why similar lengths? A sentence and its translation have similar lengths; a
# random partner often does not, so a model could learn "very different
# lengths means false" instead of reading the sentences. The builder therefore
# draws each false partner from the same length bucket (16 sentences sorted by
# length).
rng = np.random.default_rng(0)
source = np.array([len(s) for s in pairs["source"]])
target = np.array([len(t) for t in pairs["target"]])
aligned = source / target
random_partner = source / rng.permutation(target)
fig, ax = plt.subplots(figsize=(5, 3))
bins = np.linspace(0, 3, 31)
ax.hist(aligned, bins=bins, alpha=0.6, label="aligned pairs")
ax.hist(random_partner, bins=bins, alpha=0.6, label="random partners")
ax.set_xlabel("length ratio (German / English characters)")
ax.set_ylabel("pairs")
ax.set_title("Why negatives need similar lengths")
ax.legend()
fig.tight_layout()
