"""
A custom template for a new task
================================

A statement model can solve any task you can phrase as statements. This
example writes templates for a task the registry does not have — *would the
reviewer recommend this movie?* — in the three ways the package offers (a
dict, a :class:`~template_registry.Template`, a YAML file), shows how the
registry rejects a broken template, and compares the wordings zero-shot on
real SST-2 movie reviews.
"""

# %%
# A statement model
# -----------------
# The gallery's first example statement-tunes MiniLM and saves it; run alone,
# this example tunes the same kind of model (about a minute on a CPU).
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from datasets_builders import sample_data_dir
from sklearn_statement.recipes import gallery_model

data = sample_data_dir()
model_dir = gallery_model()  # tuned once, shared by the gallery's examples

# %%
# The data: SST-2 movie reviews, label 1 for a positive review. We read the
# label as "the reviewer would recommend the movie".
from datasets_builders import load_task

reviews = (
    load_task("sst2", split="validation", data_dir=data)
    .shuffle(seed=0)
    .select(range(150))
)
X, y = reviews, np.asarray(reviews["label"])
print(reviews[0])

# %%
# 1. A dict
# ---------
# The quickest template: one statement pattern per label, fields in
# ``{braces}``. The classifier builds a :class:`~template_registry.Template`
# from it; the fields are the placeholders (here ``text``).
from sklearn_statement import ZeroShotStatementClassifier

as_dict = {
    1: "{text} I would recommend this movie.",
    0: "{text} I would not recommend this movie.",
}
clf = ZeroShotStatementClassifier(str(model_dir), template=as_dict, device="cpu").fit(
    X, y
)
print(clf.template_.fields, clf.template_.labels)
print(clf.template_.statements(reviews[0]))

# %%
# 2. A Template, registered under a task name
# -------------------------------------------
# :func:`~template_registry.register_template` makes the template available by
# name everywhere: the classifier's ``template=``, the statement builders, the
# command line.
from template_registry import Template, get_template, register_template

register_template(
    Template(
        "recommendation",
        {
            1: 'Someone who wrote "{text}" would recommend the movie.',
            0: 'Someone who wrote "{text}" would not recommend the movie.',
        },
        name="would_recommend",
        example={"text": "A gorgeous, witty, seductive movie."},
    ),
    overwrite=True,
)
print(get_template("recommendation"))

# %%
# 3. A YAML file
# --------------
# Templates are data: the package's own templates are YAML files of this
# shape (one file per task family and language), loaded with
# :func:`~template_registry.load_templates`. Several variants of one task go
# in one file.
from template_registry import load_templates

yaml_text = """
task: recommendation
language: en
fields: [text]
labels: [0, 1]
templates:
  - name: worth_watching
    statements:
      1: '"{text}" The movie is worth watching.'
      0: '"{text}" The movie is not worth watching.'
  - name: verdict
    statements:
      1: 'Review: {text} Verdict: go and see it.'
      0: 'Review: {text} Verdict: skip it.'
example:
  text: A gorgeous, witty, seductive movie.
"""
folder = Path(tempfile.mkdtemp())
(folder / "recommendation.en.yaml").write_text(yaml_text, encoding="utf-8")
loaded = load_templates(folder / "recommendation.en.yaml", overwrite=True)
print([t.name for t in loaded])

# %%
# Mistakes are caught when a template is loaded, with the file, the template
# and the fix in the message — here a misspelled placeholder:
from template_registry import TemplateError

broken = yaml_text.replace(
    "'Review: {text} Verdict: skip it.'", "'Review: {txt} Verdict: skip it.'"
)
(folder / "broken.en.yaml").write_text(broken, encoding="utf-8")
try:
    load_templates(folder / "broken.en.yaml", register=False)
except TemplateError as exc:
    print(exc)

# %%
# Which wording works best?
# -------------------------
# The model never saw a "recommendation" statement; how well each wording
# works depends on how close it is to the statements it was tuned on. The
# registered ``sst2`` template (sentiment statements, the kind the model was
# trained on) is the reference. A list of templates is an ensemble: their
# true-logits are averaged.
from template_registry import list_templates

candidates = {"dict": as_dict}
candidates.update({t.name: t for t in list_templates("recommendation")})
candidates["sst2 (registered)"] = "sst2"
candidates["ensemble of the 3 registered"] = list_templates("recommendation")
scores = {}
for name, template in candidates.items():
    clf = ZeroShotStatementClassifier(str(model_dir), template=template, device="cpu")
    scores[name] = clf.fit(X, y).score(X, y)
    print(f"{name:>30}: {scores[name]:.2f}")

fig, ax = plt.subplots(figsize=(6, 3))
ax.barh(list(scores), list(scores.values()))
ax.axvline(max(np.mean(y), 1 - np.mean(y)), color="k", ls="--", label="majority class")
ax.set_xlabel("zero-shot accuracy (150 SST-2 reviews)")
ax.set_xlim(0, 1)
ax.legend(loc="lower right")
fig.tight_layout()
