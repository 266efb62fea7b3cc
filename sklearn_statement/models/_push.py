"""Sharing a saved statement model on the Hugging Face hub.

:func:`push_model_dir` uploads a directory written by
``StatementTuner.save_pretrained`` with huggingface_hub (``create_repo``, then
``upload_folder``), private by default as SetFit and sentence-transformers
do. Everything that can fail here fails before the first request: the
directory is checked (:func:`check_model_dir`), the card's metadata parsed,
and the token found (:func:`hub_token`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ._layout import (
    ADAPTER_CONFIG,
    ADAPTER_WEIGHTS,
    CONFIG,
    MODEL_CARD,
    SAFE_INDEX,
    SAFE_WEIGHTS,
    TOKENIZER_FILES,
)

__all__ = ["DEFAULT_COMMIT_MESSAGE", "check_model_dir", "hub_token", "push_model_dir"]

DEFAULT_COMMIT_MESSAGE = "Add a statement model (sklearn-statement)"
#: How to log in, for the error without a token.
LOGIN_HELP = (
    "log in once with `hf auth login` (or `huggingface-cli login`), set the "
    "HF_TOKEN environment variable, or pass a token with write access "
    "(token=... / --token); create one at https://huggingface.co/settings/tokens"
)


def hub_token(token: str | None = None) -> str:
    """The token to push with: ``token``, else huggingface_hub's own lookup.

    huggingface_hub looks at ``HF_TOKEN``, then the token stored by
    ``hf auth login``.

    Raises
    ------
    huggingface_hub.errors.LocalTokenNotFoundError
        (an ``OSError``) If there is none; the message says how to log in.
    """
    from huggingface_hub import get_token
    from huggingface_hub.errors import LocalTokenNotFoundError

    token = token or get_token()
    if not token:
        raise LocalTokenNotFoundError(
            f"pushing to the Hugging Face hub needs a token and none was found: {LOGIN_HELP}"
        )
    return token


def _missing(path: Path) -> list[str]:
    adapter = (path / ADAPTER_CONFIG).is_file()
    if not adapter and not (path / CONFIG).is_file():
        return [f"{CONFIG} (or {ADAPTER_CONFIG})"]
    missing = []
    weights = (ADAPTER_WEIGHTS,) if adapter else (SAFE_WEIGHTS, SAFE_INDEX)
    if not any((path / name).is_file() for name in weights):
        missing.append(" or ".join(weights) + " (safetensors weights)")
    if not any((path / name).is_file() for name in TOKENIZER_FILES):
        missing.append("a tokenizer vocabulary (" + ", ".join(TOKENIZER_FILES) + ")")
    if not (path / MODEL_CARD).is_file():
        missing.append(f"{MODEL_CARD} (the model card)")
    return missing


def check_model_dir(directory: str | os.PathLike) -> Path:
    """Refuse a directory that is not a saved statement model, naming what is missing.

    A saved statement model has a config (``config.json``, or
    ``adapter_config.json`` for a peft adapter), safetensors weights, a
    tokenizer vocabulary and a model card whose metadata parses.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If ``directory`` does not exist or lacks one of these files.
    ValueError
        If the card's metadata block does not parse.
    """
    import yaml
    from huggingface_hub import ModelCard

    path = Path(directory)
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is not a directory")
    missing = _missing(path)
    if missing:
        raise FileNotFoundError(
            f"{path} is not a saved statement model: it lacks {'; '.join(missing)} "
            "(save one with StatementTuner.save_pretrained)"
        )
    try:
        ModelCard.load(path / MODEL_CARD, ignore_metadata_errors=False)
    except (ValueError, yaml.YAMLError) as exc:
        message = " ".join(str(exc).split())
        raise ValueError(
            f"{path / MODEL_CARD}: its metadata block does not parse: {message}"
        ) from exc
    return path


def push_model_dir(
    directory: str | os.PathLike,
    repo_id: str,
    *,
    private: bool = True,
    token: str | None = None,
    commit_message: str | None = None,
    exist_ok: bool = True,
    revision: str | None = None,
    create_pr: bool = False,
) -> str:
    """Upload a saved statement model to the Hugging Face hub.

    Creates the model repository (``create_repo``; an existing one is
    reused, its visibility unchanged) and uploads every file of
    ``directory`` in one commit (``upload_folder``).

    Parameters
    ----------
    directory : str or os.PathLike
        A directory written by ``StatementTuner.save_pretrained``.
    repo_id : str
        ``"user/name"`` or ``"organization/name"``.
    private : bool, default=True
        Create the repository private (an existing one keeps its visibility).
    token : str, optional
        A token with write access; default: ``HF_TOKEN``, else the login
        stored by ``hf auth login``.
    commit_message : str, optional
    exist_ok : bool, default=True
        Upload into an existing repository; False makes it an error.
    revision : str, optional
        The branch to commit to (default: ``main``).
    create_pr : bool, default=False
        Open a pull request with the upload instead of committing.

    Returns
    -------
    str
        The commit's URL (the pull request's with ``create_pr``).

    Raises
    ------
    FileNotFoundError, ValueError
        If ``directory`` is not a saved statement model
        (:func:`check_model_dir`).
    huggingface_hub.errors.LocalTokenNotFoundError
        If no token is found (:func:`hub_token`); nothing is sent.
    huggingface_hub.errors.HfHubHTTPError
        If the hub refuses a request.
    """
    from huggingface_hub import HfApi

    path = check_model_dir(directory)
    token = hub_token(token)
    api = HfApi(token=token)
    repo = api.create_repo(
        repo_id, private=private, exist_ok=exist_ok, token=token, repo_type="model"
    )
    commit: Any = api.upload_folder(
        repo_id=repo.repo_id,
        folder_path=path,
        repo_type="model",
        commit_message=commit_message or DEFAULT_COMMIT_MESSAGE,
        token=token,
        revision=revision,
        create_pr=create_pr,
    )
    return commit.pr_url or commit.commit_url
