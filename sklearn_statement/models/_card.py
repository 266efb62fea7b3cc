"""Model cards (README.md) written next to saved statement models.

The card is ``model_card_template.md`` filled in (``string.Template``, as the
offline model's card), from the tuner's record (``statement_tuner.json``):
its metadata block is built with huggingface_hub's ``ModelCardData`` and the
rendered text is parsed back with ``ModelCard`` before it is written, so a
card whose metadata the Hub would not read is never saved. Nothing in it
names a local path: ``base_model`` is a hub id or absent
(:func:`~sklearn_statement.models.base_model_origin`).

Metadata: ``library_name: transformers`` (``peft`` for an adapter), the tags
``statement-tuning``, ``zero-shot-classification``, ``sklearn-statement``,
and ``pipeline_tag: text-classification``, not ``zero-shot-classification``:
the Hub runs a ``zero-shot-classification`` model through transformers' NLI
pipeline, which pairs each text with "This example is {label}." and looks for
an ``entailment`` label this 2-way head does not have, while a
``text-classification`` widget shows what the weights do: P(true) of the
statement typed in. The zero-shot use is in the tags and the card's code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from string import Template
from typing import Any

from ..utils import format_table
from ._layout import ADAPTER_CONFIG, MODEL_CARD, TUNER_RECORD
from ._load import looks_like_path
from ._origin import base_model_origin

__all__ = [
    "CARD_TAGS",
    "PIPELINE_TAG",
    "evaluation_record",
    "render_model_card",
    "write_model_card",
]

#: The card's template (``${card_data}``, ``${recipe}``...).
CARD_TEMPLATE = Path(__file__).with_name("model_card_template.md")
#: Tags of every statement model's card.
CARD_TAGS = ("statement-tuning", "zero-shot-classification", "sklearn-statement")
#: What the Hub's widget runs: one statement in, P(true) out (see the module's docstring).
PIPELINE_TAG = "text-classification"
#: The columns an evaluation row needs (``evaluate_zero_shot``'s rows have them).
EVALUATION_COLUMNS = ("dataset", "language", "n", "accuracy", "majority", "macro_f1")
#: What "accuracy" is in a hybrid's rows (they have "statement model alone").
HYBRID = (
    " \"accuracy\" is the hybrid's: this model's true-logits plus the cosine of "
    "{embedding} (ZeroShotStatementClassifier(embedding_model=...)); "
    '"statement model alone" is this model without it.'
)
#: The hybrid's embedding model when the evaluation's ``meta`` does not name one.
UNTUNED_ENCODER = "the untuned encoder"
#: Where an unknown model id goes in the card's code.
NO_MODEL_ID = "<hub id or directory>"


def _load_report(path: Path) -> Any:
    source = path / "results.json" if path.is_dir() else path
    try:
        with open(source, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        raise ValueError(
            f"could not read an evaluation report from {source}: {exc} (give the "
            "directory or results.json of sklearn-statement evaluate --output-dir, "
            "or the JSON rows of --output)"
        ) from exc


def evaluation_record(evaluation: Any) -> dict[str, Any] | None:
    """An evaluation, as a model card shows it: ``{"rows": [...], "meta": {...}}``.

    Parameters
    ----------
    evaluation : None, sequence of dict, mapping, str or os.PathLike
        Rows of :func:`~sklearn_statement.evaluate_zero_shot`; a report
        (``{"rows": ..., "meta": ...}``, the content of ``results.json``); or
        the path of a report directory (``sklearn-statement evaluate
        --output-dir``, :func:`~sklearn_statement.evaluation.write_report`),
        of its ``results.json`` or of a JSON list of rows (``--output``).

    Returns
    -------
    dict or None
        None when ``evaluation`` is None.

    Raises
    ------
    ValueError
        If the file cannot be read, there are no rows, or a row lacks a
        column of :data:`EVALUATION_COLUMNS` (the message names it).
    """
    if evaluation is None:
        return None
    if isinstance(evaluation, (str, os.PathLike)):
        evaluation = _load_report(Path(evaluation))
    meta: dict[str, Any] = {}
    if isinstance(evaluation, Mapping):
        meta = dict(evaluation.get("meta") or {})
        evaluation = evaluation.get("rows")
    if not isinstance(evaluation, Sequence) or isinstance(evaluation, str):
        raise ValueError("an evaluation needs its rows (a list of dicts)")
    rows = [dict(r) for r in evaluation]
    if not rows:
        raise ValueError("the evaluation has no rows")
    for i, row in enumerate(rows):
        missing = [c for c in EVALUATION_COLUMNS if c not in row]
        if missing:
            raise ValueError(
                f"evaluation row {i} lacks {missing}: give rows of evaluate_zero_shot"
            )
    return {"rows": rows, "meta": meta}


def _table(rows: Sequence[tuple[str, Any]]) -> str:
    lines = ["| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines)


def _listed(values: Any, empty: str = "not recorded") -> str:
    if values is None:
        return empty
    if isinstance(values, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in values.items()) or "none"
    if isinstance(values, (list, tuple)):
        return ", ".join(map(str, values)) or "none"
    return str(values)


def _data_facts(info: Mapping[str, Any]) -> dict[str, Any]:
    """The recipe, its gaps filled from the statement table ``fit`` got."""
    data = info.get("training_data") or {}
    recipe = dict(info.get("recipe") or {})
    for key in ("tasks", "languages"):
        if not recipe.get(key) and data.get(key):
            recipe[key] = data[key]
    return recipe


def _recipe(info: Mapping[str, Any]) -> str:
    """The training recipe: the data (the caller's recipe) and the tuner's settings."""
    recipe = _data_facts(info)
    params, settings = info.get("params", {}), info.get("settings") or {}
    stats = info.get("training_stats") or {}
    tasks = recipe.get("tasks") or sorted(
        {t.split("/")[0] for t in info.get("templates") or []}
    )
    statements = (
        f"{stats.get('n_statements', 'unknown')} ({stats.get('n_true', '?')} true"
    )
    statements += (
        f", from {stats['n_examples']} examples)" if "n_examples" in stats else ")"
    )
    batch = f"{params.get('batch_size')}"
    if (settings.get("gradient_accumulation_steps") or 1) > 1:
        batch += f" x {settings['gradient_accumulation_steps']} accumulated"
    peft = params.get("peft") or "none (full fine-tuning)"
    if params.get("peft") and settings.get("peft_options"):
        peft += f" ({_listed(settings['peft_options'])})"
    optimizer = settings.get("optimizer", "AdamW")
    rows = [
        ("training tasks", _listed(tasks or None)),
        ("preset", recipe.get("preset")),
        ("languages", _listed(recipe.get("languages"))),
        ("machine-translation statements", _listed(recipe.get("mt_languages"))),
        ("task families trained", _listed(info.get("trained_families"))),
        ("task families held out", _listed(recipe.get("exclude_families"))),
        ("statements", statements),
        ("statements per task", _listed(recipe.get("n_per_task"))),
        (
            "epochs",
            f"{info.get('epochs_trained', 0)} (max_epochs={params.get('max_epochs')})",
        ),
        ("learning rate", f"{params.get('lr')} ({optimizer}, linear warmup and decay)"),
        ("batch size", batch),
        ("max length (tokens)", params.get("max_length")),
        ("objective", settings.get("objective", "not recorded")),
        ("parameter-efficient", peft),
        ("precision", params.get("precision")),
        ("seed (random_state)", settings.get("random_state", "not recorded")),
    ]
    return _table([(k, v) for k, v in rows if v is not None])


def _evaluation(info: Mapping[str, Any]) -> str:
    evaluation = info.get("evaluation")
    if not evaluation:
        return "No evaluation was recorded with this model."
    meta = evaluation.get("meta") or {}
    where = ", ".join(f"{k}={meta[k]}" for k in ("suite", "max_samples") if meta.get(k))
    return (
        "Zero-shot accuracy (%) per dataset and language, with its bootstrap 95% "
        "confidence interval, next to the baselines on the same rows: the majority "
        "class and, where measured, the untuned encoder as a sentence-embedding "
        "classifier (cosine between the text and each label's statement). "
        '"unseen task family": the dataset\'s task family was held out of '
        "training."
        + (
            HYBRID.format(embedding=meta.get("embedding_model") or UNTUNED_ENCODER)
            if any("statement_accuracy" in r for r in evaluation["rows"])
            else ""
        )
        + (f" Run: {where}." if where else "")
        + "\n\n"
        + format_table(evaluation["rows"])
    )


def _hub_base(info: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The record's base model: a hub id and a note (a record of 0.1 names a path)."""
    base, note = info.get("base_model"), info.get("base_model_note")
    if base and (looks_like_path(base) or Path(base).expanduser().is_dir()):
        origin = base_model_origin(base)
        return origin.hub_id, origin.note
    return base, note


def _base_model(info: Mapping[str, Any], adapter: bool) -> str:
    hub_id, note = _hub_base(info)
    if hub_id:
        text = f"[{hub_id}](https://huggingface.co/{hub_id})" + (
            f": {note}." if note else "."
        )
    else:
        text = f"No Hugging Face hub model: {note or 'not recorded'}."
    if adapter:
        text += (
            " This repository holds a peft adapter only (LoRA or soft prompt): "
            "`adapter_config.json` names the base model as it was loaded when "
            "training; load the base from the hub where that path does not exist."
        )
    return text


def _load_code(model_id: str, adapter: bool) -> str:
    auto = (
        "AutoPeftModelForSequenceClassification"
        if adapter
        else ("AutoModelForSequenceClassification")
    )
    module = "peft" if adapter else "transformers"
    return (
        f"import torch\nfrom {module} import {auto}\n"
        "from transformers import AutoTokenizer\n\n"
        f'tokenizer = AutoTokenizer.from_pretrained("{model_id}")\n'
        f'model = {auto}.from_pretrained("{model_id}")\n'
        'inputs = tokenizer(["Paris is the capital of France."], return_tensors="pt")\n'
        "with torch.inference_mode():\n"
        "    p_true = model(**inputs).logits.softmax(-1)[:, 1]"
    )


def card_data(info: Mapping[str, Any], *, adapter: bool) -> Any:
    """The card's metadata (``huggingface_hub.ModelCardData``)."""
    from huggingface_hub import ModelCardData

    recipe = _data_facts(info)
    languages = list(
        dict.fromkeys([*recipe.get("languages", ()), *recipe.get("mt_languages", ())])
    )
    return ModelCardData(
        library_name="peft" if adapter else "transformers",
        pipeline_tag=PIPELINE_TAG,
        tags=list(CARD_TAGS),
        base_model=_hub_base(info)[0],
        language=languages or None,
    )


def render_model_card(
    info: Mapping[str, Any], *, adapter: bool, model_id: str | None = None
) -> str:
    """The model card's text, its metadata checked by huggingface_hub's ``ModelCard``.

    Parameters
    ----------
    info : mapping
        The content of ``statement_tuner.json``.
    adapter : bool
        Whether the model is a peft adapter (needs peft to load).
    model_id : str, optional
        The hub id the card's code loads (``push_to_hub`` gives the repo id);
        default: a placeholder.

    Returns
    -------
    str
        A YAML metadata block, then the markdown of ``model_card_template.md``.

    Raises
    ------
    ValueError
        If the metadata block does not parse back to the metadata written.
    """
    from huggingface_hub import ModelCard

    data = card_data(info, adapter=adapter)
    scores = info.get("scores") or {}
    losses = ", ".join(
        f"{h['train_loss']:.4f}" for h in info.get("history") or [] if "train_loss" in h
    )
    model_id = model_id or NO_MODEL_ID
    text = Template(CARD_TEMPLATE.read_text(encoding="utf-8")).substitute(
        card_data=data.to_yaml(),
        base_model=_base_model(info, adapter),
        recipe=_recipe(info),
        losses=losses or "not recorded",
        evaluation=_evaluation(info),
        scores=_table(sorted(scores.items())) if scores else "None.",
        model_id=model_id,
        library="peft" if adapter else "transformers",
        load=_load_code(model_id, adapter),
    )
    parsed = ModelCard(text, ignore_metadata_errors=False).data.to_dict()
    if parsed != data.to_dict():
        raise ValueError(f"the model card's metadata reads back as {parsed}")
    return text


def write_model_card(
    path: str | os.PathLike,
    info: Mapping[str, Any] | None = None,
    *,
    adapter: bool | None = None,
    model_id: str | None = None,
) -> Path:
    """Write ``README.md``: base model, training recipe, evaluation, how to load it.

    Parameters
    ----------
    path : str or os.PathLike
        The saved model directory.
    info : mapping, optional
        The content of ``statement_tuner.json``; default: read from ``path``.
    adapter : bool, optional
        Whether the directory holds a peft adapter; default: whether it has
        ``adapter_config.json``.
    model_id : str, optional
        The hub id the card's code loads (see :func:`render_model_card`).

    Returns
    -------
    pathlib.Path
        The card's path.
    """
    path = Path(path)
    if info is None:
        with open(path / TUNER_RECORD, encoding="utf-8") as f:
            info = json.load(f)
    if adapter is None:
        adapter = (path / ADAPTER_CONFIG).is_file()
    card = path / MODEL_CARD
    text = render_model_card(info, adapter=adapter, model_id=model_id)
    card.write_text(text, encoding="utf-8")
    return card
