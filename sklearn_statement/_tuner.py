"""``StatementTuner``: fine-tune an encoder to judge statements true or false."""

from __future__ import annotations

import contextlib
import copy
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch
from skorch import NeuralNetClassifier
from skorch.callbacks import ProgressBar
from skorch.utils import is_dataset, to_tensor

from ._callbacks import WarmupLinearSchedule
from ._device import autocast, resolve_device, resolve_precision
from ._model_io import CONFIG_NAME, load_statement_model, peft_config_for, saved_params
from ._validation import check_binary_targets, check_statements

__all__ = ["StatementTuner"]

DEFAULT_MODEL = "microsoft/mdeberta-v3-base"
PEFT_KINDS = (None, "lora", "qlora", "prompt")
_SAVED_PARAMS = (
    "max_length",
    "batch_size",
    "max_epochs",
    "lr",
    "peft",
    "precision",
    "group_by_length",
)


class StatementCollator:
    """Tokenize a batch of statements and pad it to its longest member.

    Dynamic padding: each batch is padded to its own longest statement
    (at most ``max_length`` tokens), not to ``max_length``.

    Parameters
    ----------
    tokenizer : transformers tokenizer
    max_length : int
        Longer statements are cut at the end (build statements with
        ``datasets_builders.build_statements`` to truncate input fields
        instead).
    """

    def __init__(self, tokenizer: Any, max_length: int) -> None:
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(
        self, batch: list[tuple[Any, Any]]
    ) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
        texts = [str(x) for x, _ in batch]
        enc = self.tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        y = torch.as_tensor(
            np.asarray([np.asarray(t).reshape(-1)[0] for _, t in batch]),
            dtype=torch.long,
        )
        return dict(enc), y


def _texts_of(dataset: Any) -> list[str] | None:
    """The statements behind a skorch Dataset (or a Subset of one), if reachable."""
    if isinstance(dataset, torch.utils.data.Subset):
        inner = _texts_of(dataset.dataset)
        return None if inner is None else [inner[i] for i in dataset.indices]
    X = getattr(dataset, "X", None)
    if isinstance(X, (list, np.ndarray)) and getattr(X, "ndim", 1) == 1:
        return [str(x) for x in X]
    return None


class StatementTuner(NeuralNetClassifier):
    """Statement-tune an encoder: a 2-way (false, true) classifier over statements.

    A skorch net around a transformers sequence-classification model
    (Statement-Tuning, Elshabrawy et al., 2024, arXiv 2404.12897, Sec. 3;
    multilingual: arXiv 2506.01592). Training runs through skorch's loop, so
    history, callbacks, ``set_params(optimizer__weight_decay=...)``,
    ``partial_fit`` and ``warm_start`` work as in skorch; statements are
    tokenized per batch and padded dynamically, and batches group statements
    of similar length.

    Parameters
    ----------
    model : str, default="microsoft/mdeberta-v3-base"
        Hub id or local directory of the encoder (a plain encoder gets a new
        2-way head; a statement model or peft adapter directory continues
        training). The model is loaded in ``fit``, never in ``__init__``.
    max_length : int, default=128
        Token limit per statement (longer ones are cut at the end).
    batch_size : int, default=32
        Statements per optimizer step.
    max_epochs : int, default=3
        Passes over the statements.
    lr : float, default=2e-5
        Peak learning rate of AdamW (linear warmup + decay, see
        :class:`WarmupLinearSchedule`; the paper fine-tunes at 1e-5 to 5e-5).
    peft : {None, "lora", "qlora", "prompt"}, default=None
        Parameter-efficient fine-tuning: LoRA (Hu et al., 2021), QLoRA (4-bit
        NF4 base + LoRA, Dettmers et al., 2023; CUDA only) or soft prompt
        tuning (Lester et al., 2021). Options go in ``peft__*`` parameters,
        e.g. ``peft__r=16``, ``peft__num_virtual_tokens=10``.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
        "auto" is CUDA when available, else CPU.
    precision : {"auto", "fp32", "bf16", "fp16"}, default="auto"
        Autocast dtype: "auto" is bf16 on GPUs that support it, else fp32.
    random_state : int or None, default=None
        Seeds the head initialisation, dropout and batch order.
    group_by_length : bool, default=True
        Batch statements of similar length together (transformers'
        ``LengthGroupedSampler``) to waste less compute on padding.
    optimizer : torch optimizer class, default=torch.optim.AdamW
    train_split : callable or None, default=None
        skorch validation split (e.g. ``skorch.dataset.ValidSplit(0.1)``);
        None trains on everything.
    callbacks : list or None, default=None
        Extra skorch callbacks. Default callbacks add a progress bar (when
        ``verbose``) and ``lr_schedule`` (:class:`WarmupLinearSchedule`).
    verbose : int, default=1
        Print skorch's epoch table and a progress bar.
    warm_start : bool, default=False
        Keep training the fitted model on the next ``fit`` call.
    **kwargs
        Other skorch parameters, with their prefixes (``optimizer__*``,
        ``iterator_train__*``, ``callbacks__*``, ``peft__*``, and
        ``model__*`` for ``from_pretrained``).

    Attributes
    ----------
    module_ : transformers.PreTrainedModel or peft.PeftModel
        The statement model.
    tokenizer_ : transformers tokenizer
    classes_ : ndarray of shape (2,)
        ``[0, 1]``: column 1 of ``predict_proba`` is P(true).
    history_ : skorch.History
        Per-epoch losses and timings.
    training_stats_ : dict
        Statements and true statements of the last training call.

    See Also
    --------
    ZeroShotStatementClassifier : classify with a statement model.
    datasets_builders.build_multitask : build statement data.

    Examples
    --------
    >>> from sklearn_statement import StatementTuner
    >>> tuner = StatementTuner("path/or/hub-id", max_epochs=1)  # doctest: +SKIP
    >>> tuner.fit(["Paris is in France.", "Paris is in Peru."], [1, 0])  # doctest: +SKIP
    >>> tuner.predict_proba(["Rome is in Italy."])[:, 1]  # P(true)  # doctest: +SKIP
    """

    prefixes_ = NeuralNetClassifier.prefixes_ + ["peft", "model"]

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        max_length: int = 128,
        batch_size: int = 32,
        max_epochs: int = 3,
        lr: float = 2e-5,
        peft: str | None = None,
        device: str = "auto",
        precision: str = "auto",
        random_state: int | None = None,
        group_by_length: bool = True,
        optimizer: type = torch.optim.AdamW,
        train_split: Any = None,
        callbacks: Any = None,
        verbose: int = 1,
        warm_start: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("criterion", torch.nn.CrossEntropyLoss)
        kwargs.setdefault("classes", [0, 1])
        # pickle.load of a whole net runs code anyway; full module objects need it
        kwargs.setdefault("torch_load_kwargs", {"weights_only": False})
        module = kwargs.pop("module", None)
        super().__init__(
            module,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            train_split=train_split,
            callbacks=callbacks,
            verbose=verbose,
            warm_start=warm_start,
            device=device,
            **kwargs,
        )
        self.model = model
        self.max_length = max_length
        self.peft = peft
        self.precision = precision
        self.random_state = random_state
        self.group_by_length = group_by_length

    # ------------------------------------------------------------ sklearn tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.classifier_tags.multi_class = False
        tags.non_deterministic = self.random_state is None
        return tags

    # ------------------------------------------------------------ devices
    def _torch_device(self) -> torch.device:
        return resolve_device(self.device)

    @contextlib.contextmanager
    def _skorch_device(self):
        """Let skorch's own code (which reads ``self.device``) see a real device."""
        raw = self.__dict__.get("device")
        self.device = self._torch_device()
        try:
            yield
        finally:
            self.device = raw

    def initialize(self):
        self._check_params()
        with self._skorch_device():
            return super().initialize()

    def load_params(self, *args, **kwargs):
        with self._skorch_device():
            return super().load_params(*args, **kwargs)

    def __setstate__(self, state):
        auto = state.get("device") == "auto"
        if auto:  # skorch maps the saved tensors to state["device"]
            state["device"] = "cuda" if torch.cuda.is_available() else "cpu"
        super().__setstate__(state)
        if auto:
            self.device = "auto"

    # ------------------------------------------------------------ init hooks
    def _check_params(self) -> None:
        if self.peft not in PEFT_KINDS:
            raise ValueError(
                f"peft must be one of {list(PEFT_KINDS)}, got {self.peft!r}"
            )
        if (
            not isinstance(self.max_length, (int, np.integer))
            or isinstance(self.max_length, bool)
            or self.max_length < 8
        ):
            raise ValueError(
                f"max_length must be an integer >= 8, got {self.max_length!r}"
            )
        if not isinstance(self.batch_size, (int, np.integer)) or self.batch_size < 1:
            raise ValueError(
                f"batch_size must be a positive integer, got {self.batch_size!r}"
            )
        dev = self._torch_device()
        resolve_precision(self.precision, dev)
        if self.peft == "qlora" and dev.type != "cuda":
            raise ValueError(
                "peft='qlora' needs a CUDA GPU (bitsandbytes 4-bit NF4 quantisation); on this machine use "
                "peft='lora' (same adapters, full-precision base model)"
            )
        if isinstance(self.model, (str, os.PathLike)) and not str(self.model):
            raise ValueError("model is empty; pass a hub id or a local model directory")

    def get_default_callbacks(self):
        callbacks = list(super().get_default_callbacks())
        callbacks.append(("lr_schedule", WarmupLinearSchedule()))
        if self.verbose:
            callbacks.append(("progress_bar", ProgressBar()))
        return callbacks

    def initialize_module(self):
        """Load the encoder and tokenizer (and wrap it with peft) into ``module_``."""
        if self.random_state is not None:
            torch.manual_seed(self.random_state)
        model_kwargs = self.get_params_for("model")
        if self.peft == "qlora":
            model_kwargs.setdefault("quantization_config", _bnb_config())
            model_kwargs.setdefault("device_map", {"": self._torch_device().index or 0})
        if not isinstance(self.model, (str, os.PathLike)):
            raise TypeError(
                f"model must be a hub id or a directory path, got {type(self.model).__name__}"
            )
        model, tokenizer = load_statement_model(
            os.fspath(self.model),
            new_head=True,
            trainable=True,
            model_kwargs=model_kwargs,
        )
        if self.peft is not None and not _is_peft(model):
            from peft import get_peft_model, prepare_model_for_kbit_training

            if self.peft == "qlora":
                model = prepare_model_for_kbit_training(model)
            model = get_peft_model(
                model,
                peft_config_for(
                    self.peft, model.config.model_type, self.get_params_for("peft")
                ),
            )
        self.module_ = model
        self.tokenizer_ = tokenizer
        self.precision_dtype_ = resolve_precision(self.precision, self._torch_device())
        seed = (
            self.random_state
            if self.random_state is not None
            else int(np.random.SeedSequence().generate_state(1)[0])
        )
        self.generator_ = torch.Generator().manual_seed(int(seed))
        return self

    # ------------------------------------------------------------ training
    @staticmethod
    def _training_data(X, y):
        """Validate before any model loading or callback sees the data."""
        if is_dataset(X):
            return X, y
        texts = check_statements(X)
        return np.asarray(texts, dtype=object), check_binary_targets(y, len(texts))

    def fit(self, X, y, **fit_params):
        """Statement-tune on ``X`` (statements) and ``y`` (1 = true).

        Parameters
        ----------
        X : array-like of str, shape (n_statements,)
        y : array-like of {0, 1} or bool, shape (n_statements,)
        **fit_params
            Passed to skorch (``NeuralNet.fit``).

        Returns
        -------
        self

        Raises
        ------
        TypeError, ValueError
            For invalid statements or targets (see ``check_statements`` /
            ``check_binary_targets``) and invalid parameters.
        """
        X, y = self._training_data(X, y)
        return super().fit(X, y, **fit_params)

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        """Continue statement tuning for ``max_epochs`` on ``X``, ``y`` (see :meth:`fit`)."""
        X, y = self._training_data(X, y)
        return super().partial_fit(X, y, classes=classes, **fit_params)

    def check_data(self, X, y):
        if not is_dataset(X):
            self.training_stats_ = {"n_statements": len(X), "n_true": int(np.sum(y))}
        super().check_data(X, y)

    # ------------------------------------------------------------ data hooks

    def get_dataset(self, X, y=None):
        if is_dataset(X):
            return X
        texts = check_statements(X)
        if y is not None:
            y = check_binary_targets(y, len(texts))
        return super().get_dataset(np.asarray(texts, dtype=object), y)

    def get_iterator(self, dataset, training=False):
        prefix = "iterator_train" if training else "iterator_valid"
        kwargs = self.get_params_for(prefix)
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        kwargs.setdefault(
            "collate_fn", StatementCollator(self.tokenizer_, self.max_length)
        )
        if training and "sampler" not in kwargs and "batch_sampler" not in kwargs:
            shuffle = kwargs.pop("shuffle", True)
            texts = _texts_of(dataset) if (shuffle and self.group_by_length) else None
            if texts is not None and len(texts) > kwargs["batch_size"]:
                from transformers.trainer_pt_utils import LengthGroupedSampler

                lengths = [
                    len(t) for t in texts
                ]  # characters: a cheap proxy for tokens
                kwargs["sampler"] = LengthGroupedSampler(
                    kwargs["batch_size"], lengths=lengths, generator=self.generator_
                )
            elif shuffle:
                kwargs["shuffle"] = True
                kwargs["generator"] = self.generator_
        iterator = self.iterator_train if training else self.iterator_valid
        return iterator(dataset, **kwargs)

    # ------------------------------------------------------------ forward
    def infer(self, x, **fit_params):
        device = self._torch_device()
        x = to_tensor(x, device=device)
        with autocast(device, getattr(self, "precision_dtype_", None)):
            out = self.module_(**x, **fit_params)
        logits = out.logits if hasattr(out, "logits") else out
        return logits.float()

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = to_tensor(y_true, device=self._torch_device())
        return self.criterion_(y_pred, y_true)

    # ------------------------------------------------------------ persistence
    def save_pretrained(
        self,
        save_directory: str | os.PathLike,
        *,
        merge: bool = False,
        overwrite: bool = False,
        scores: dict[str, Any] | None = None,
    ) -> Path:
        """Save the statement model so that plain transformers can load it.

        Writes ``config.json`` + ``model.safetensors`` (or, for peft models,
        ``adapter_config.json`` + ``adapter_model.safetensors`` naming the
        base model), the tokenizer, ``statement_tuner.json`` (parameters and
        training statistics) and a model card ``README.md``.

        Parameters
        ----------
        save_directory : str or PathLike
        merge : bool, default=False
            For LoRA models: merge the adapters into the base weights and save
            a full model (loadable without peft).
        overwrite : bool, default=False
            Replace files in a non-empty directory. Without it a non-empty
            directory is an error: files a user owns are not overwritten.
        scores : dict, optional
            Measured scores to list in the model card (name -> value).

        Returns
        -------
        pathlib.Path
            The directory.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the tuner is not fitted.
        FileExistsError
            If the directory is not empty and ``overwrite`` is False.
        ValueError
            If ``merge=True`` for a soft-prompt model (prompts cannot merge).
        """
        from sklearn.utils.validation import check_is_fitted

        from ._card import write_model_card

        check_is_fitted(self, "module_")
        path = Path(save_directory)
        if (
            path.exists()
            and (not path.is_dir() or any(path.iterdir()))
            and not overwrite
        ):
            raise FileExistsError(
                f"{path} exists and is not empty; pass overwrite=True to replace its files"
            )
        path.mkdir(parents=True, exist_ok=True)
        model = self.module_
        if merge and _is_peft(model):
            if self.peft == "prompt" or not hasattr(model, "merge_and_unload"):
                raise ValueError(
                    "merge=True works for LoRA adapters only; soft prompts cannot be merged"
                )
            model = copy.deepcopy(model).merge_and_unload()
        model.save_pretrained(path, safe_serialization=True)
        self.tokenizer_.save_pretrained(path)
        params = {k: getattr(self, k) for k in _SAVED_PARAMS}
        if merge:
            params["peft"] = None
        info = {
            "base_model": os.fspath(self.model),
            "params": params,
            "training_stats": getattr(self, "training_stats_", None),
            "epochs_trained": len(self.history_) if self.history_ is not None else 0,
            "history": [
                {
                    k: row[k]
                    for k in ("epoch", "train_loss", "valid_loss", "dur")
                    if k in row
                }
                for row in (self.history_ or [])
            ],
            "scores": scores or {},
        }
        with open(path / CONFIG_NAME, "w", encoding="utf-8") as f:
            json.dump(info, f, indent=2, default=str)
        write_model_card(path, info, adapter=_is_peft(model))
        return path

    @classmethod
    def from_pretrained(
        cls, directory: str | os.PathLike, **params: Any
    ) -> StatementTuner:
        """Load a statement model saved by :meth:`save_pretrained` (or any
        transformers statement model directory / hub id).

        The weights are read from safetensors files; no code from the
        directory is executed. The returned tuner is fitted (ready for
        ``predict_proba``) and ``fit`` continues training from these weights.

        Parameters
        ----------
        directory : str or PathLike
            A saved directory or a hub id.
        **params
            Override the saved parameters (``device``, ``batch_size``…).

        Returns
        -------
        StatementTuner

        Raises
        ------
        FileNotFoundError
            If the directory lacks the config or safetensors weights.
        ValueError
            If a file is corrupt or ``statement_tuner.json`` is unreadable.
        """
        directory = os.fspath(directory)
        saved = saved_params(directory)
        kwargs = {k: v for k, v in saved.items() if k in _SAVED_PARAMS}
        kwargs.update(params)
        kwargs.setdefault("verbose", 0)
        tuner = cls(model=directory, **kwargs)
        tuner.initialize()
        return tuner


def _is_peft(model: Any) -> bool:
    try:
        from peft import PeftModel
    except ImportError:  # pragma: no cover - peft is a dependency
        return False
    return isinstance(model, PeftModel)


def _bnb_config() -> Any:
    from transformers import BitsAndBytesConfig

    try:
        import bitsandbytes  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            "peft='qlora' needs bitsandbytes: pip install 'sklearn-statement[gpu]'; on a CPU use peft='lora'"
        ) from exc
    dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=dtype,
    )
