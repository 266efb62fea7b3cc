"""A statement model on disk: its files, loading, saving, tokenizers, model card and conversions.

- the files of a saved model directory, each name defined once: the
  constants of ``_layout`` (:data:`TUNER_RECORD`, :data:`SAFE_WEIGHTS`,
  :data:`EXPORT_DIRS`...) and :func:`export_file`;
- loading: :func:`load_statement_model`, :func:`model_source`,
  :func:`saved_record`, :func:`saved_params`, :func:`true_false_index`,
  :func:`position_limit`, :func:`check_max_length` (``_load``);
- saving: :func:`save_statement_model`, :func:`record_evaluation`
  (``_save``) and the model card :func:`write_model_card`,
  :func:`render_model_card`, :func:`evaluation_record` (``_card``, from
  ``model_card_template.md``), which names the hub model a local base model
  stands for (:func:`base_model_origin`, ``_origin``);
- sharing: :func:`push_model_dir`, :func:`check_model_dir`,
  :func:`hub_token` (``_push``, through huggingface_hub);
- parameter-efficient fine-tuning: :func:`peft_config_for`,
  :func:`with_peft`, :func:`bitsandbytes_config`, :func:`is_peft`
  (``_peft``);
- tokenizers: :func:`load_tokenizer` (the one tokenizer loader, also used by
  ``datasets_builders``), :func:`save_tokenizer`, :func:`cut_middle`
  (``_tokenizers``);
- conversions: :func:`convert_to_safetensors` (``_convert``) and the offline
  model builder :func:`offline_model` (``_offline``, ``_offline_build``,
  ``_e5s1``, ``offline_model_card.md``).

Importing it loads neither torch nor transformers (``offline_model`` needs
neither); huggingface_hub is imported by the functions that use it.
"""

from ._card import (
    CARD_TAGS,
    PIPELINE_TAG,
    evaluation_record,
    render_model_card,
    write_model_card,
)
from ._convert import convert_to_safetensors
from ._layout import (
    ADAPTER_CONFIG,
    ADAPTER_WEIGHTS,
    BUILD_RECORD,
    CHECKPOINT_FILES,
    CONFIG,
    EXPORT_DIRS,
    EXPORT_MANIFEST,
    MODEL_CARD,
    PICKLE_INDEX,
    PICKLE_WEIGHTS,
    SAFE_INDEX,
    SAFE_WEIGHTS,
    SENTENCE_TRANSFORMERS_FILES,
    TEMPLATES,
    TOKENIZER_CONFIG,
    TOKENIZER_FILES,
    TOKENIZER_JSON,
    TUNER_RECORD,
    export_file,
)
from ._load import (
    ID2LABEL,
    LABEL2ID,
    ModelSource,
    check_max_length,
    load_statement_model,
    looks_like_path,
    model_source,
    position_limit,
    saved_params,
    saved_record,
    true_false_index,
)
from ._offline import HUB_IDS, offline_build_of, offline_model
from ._origin import BaseModel, base_model_origin
from ._peft import (
    bitsandbytes_config,
    freeze_word_embeddings,
    is_peft,
    peft_config_for,
    with_peft,
)
from ._push import check_model_dir, hub_token, push_model_dir
from ._save import SAVED_PARAMS, record_evaluation, save_statement_model
from ._tokenizers import (
    cut_middle,
    load_tokenizer,
    missing_tokenizer_backends,
    save_tokenizer,
)

__all__ = [
    "ADAPTER_CONFIG",
    "ADAPTER_WEIGHTS",
    "BUILD_RECORD",
    "BaseModel",
    "CARD_TAGS",
    "CHECKPOINT_FILES",
    "CONFIG",
    "EXPORT_DIRS",
    "EXPORT_MANIFEST",
    "HUB_IDS",
    "ID2LABEL",
    "LABEL2ID",
    "MODEL_CARD",
    "ModelSource",
    "PICKLE_INDEX",
    "PICKLE_WEIGHTS",
    "PIPELINE_TAG",
    "SAFE_INDEX",
    "SAFE_WEIGHTS",
    "SAVED_PARAMS",
    "SENTENCE_TRANSFORMERS_FILES",
    "TEMPLATES",
    "TOKENIZER_CONFIG",
    "TOKENIZER_FILES",
    "TOKENIZER_JSON",
    "TUNER_RECORD",
    "base_model_origin",
    "bitsandbytes_config",
    "check_max_length",
    "check_model_dir",
    "convert_to_safetensors",
    "cut_middle",
    "evaluation_record",
    "export_file",
    "hub_token",
    "is_peft",
    "load_statement_model",
    "load_tokenizer",
    "looks_like_path",
    "missing_tokenizer_backends",
    "model_source",
    "offline_build_of",
    "offline_model",
    "peft_config_for",
    "position_limit",
    "push_model_dir",
    "record_evaluation",
    "render_model_card",
    "save_statement_model",
    "save_tokenizer",
    "saved_params",
    "saved_record",
    "true_false_index",
    "with_peft",
    "freeze_word_embeddings",
    "write_model_card",
]
