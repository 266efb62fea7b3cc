"""Converting pickle-only checkpoints to safetensors, tensors only.

Some hub models ship their PyTorch weights only as ``pytorch_model.bin``, a
pickle: ``microsoft/mdeberta-v3-base``, the paper's best model, has no
``model.safetensors`` on ``main``. sklearn-statement never loads pickle
weights from a local directory, so a pre-downloaded copy is converted once
with :func:`convert_to_safetensors` (``sklearn-statement convert DIR``).

The pickle is read with ``torch.load(weights_only=True)``: PyTorch's
restricted unpickler, which only rebuilds tensors and plain containers and
refuses any other object, so no code from the file runs. A full pickle
(one that needs other classes or functions) is refused, never loaded.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from collections import defaultdict
from pathlib import Path

from ._layout import PICKLE_INDEX, PICKLE_WEIGHTS, SAFE_INDEX, SAFE_WEIGHTS

__all__ = ["convert_to_safetensors"]

#: Weight files not copied to a new ``output_dir`` (pickles, other frameworks).
_WEIGHT_SUFFIXES = (
    ".bin",
    ".h5",
    ".msgpack",
    ".safetensors",
    ".pt",
    ".pth",
    ".ckpt",
    ".ot",
)


def _shards(directory: Path) -> dict[str, str]:
    """Pickle file name -> safetensors file name, for a single or sharded checkpoint."""
    if (directory / PICKLE_INDEX).is_file():
        with open(directory / PICKLE_INDEX, encoding="utf-8") as f:
            weight_map = json.load(f).get("weight_map") or {}
        names = sorted(set(weight_map.values()))
        bad = [n for n in names if Path(n).name != n or not n.endswith(".bin")]
        if not names or bad:
            raise ValueError(
                f"{directory / PICKLE_INDEX} has no valid weight_map (shard names must be "
                f".bin files inside the directory; got {bad or 'none'})"
            )
        return {
            n: Path(n).stem.replace("pytorch_model", "model", 1) + ".safetensors"
            for n in names
        }
    if (directory / PICKLE_WEIGHTS).is_file():
        return {PICKLE_WEIGHTS: SAFE_WEIGHTS}
    found = ", ".join(sorted(p.name for p in directory.iterdir())) or "nothing"
    raise FileNotFoundError(
        f"{directory} has no {PICKLE_WEIGHTS} (or {PICKLE_INDEX}) to convert; it holds: {found}"
    )


def _read_tensors(file: Path) -> dict:
    """The tensors of a pickle checkpoint, unpickled with ``weights_only=True``."""
    import torch

    try:
        state = torch.load(file, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        reason = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise ValueError(
            f"{file} is a full pickle, not a plain tensor checkpoint: torch.load(weights_only=True) "
            f"refused it ({reason}). Nothing in it was run or loaded. Such a file can execute "
            "arbitrary code, so sklearn-statement never loads it: get safetensors weights from "
            "the model's author or, only if you trust the file, load it yourself and re-save "
            "the model with model.save_pretrained(dir)"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - truncated or not a torch file
        raise ValueError(
            f"could not read {file} as a PyTorch checkpoint ({type(exc).__name__}: {exc}); "
            "download it again"
        ) from exc
    if not isinstance(state, dict) or not state:
        raise ValueError(
            f"{file} holds a {type(state).__name__}, not a state dict (a non-empty mapping "
            "of parameter names to tensors)"
        )
    odd = [
        k
        for k, v in state.items()
        if not (isinstance(k, str) and isinstance(v, torch.Tensor))
    ]
    if odd:
        raise ValueError(
            f"{file} is not a transformers state dict: {len(odd)} entries are not "
            f"name -> tensor (first: {odd[0]!r}); a training checkpoint that nests the model "
            "weights (e.g. under 'state_dict') cannot be converted by this command"
        )
    return state


def _unshare(state: dict) -> dict:
    """Contiguous tensors that share no storage (safetensors stores no aliases).

    Tensors that share storage in the pickle (tied input/output embeddings,
    views of one buffer) are copied, so every name keeps its values.
    transformers' ``save_pretrained`` instead drops the aliases its model
    class declares tied (``_tied_weights_keys``); without the class the
    converter cannot know which name of a tied pair transformers reads, and
    keeping the first in sorted order (``safetensors.torch.save_model``)
    would keep a DeBERTa-v2 MLM checkpoint's ``cls.predictions.decoder.weight``
    and drop ``deberta.embeddings.word_embeddings.weight``. transformers
    re-ties tied weights when it loads the model, so the copies cost disk
    space only.
    """
    groups: dict[tuple, list[str]] = defaultdict(list)
    for name, tensor in state.items():
        if tensor.numel():
            storage = tensor.untyped_storage()
            groups[(storage.data_ptr(), storage.nbytes())].append(name)
    shared = {n for names in groups.values() if len(names) > 1 for n in names}
    return {
        name: t.clone().contiguous() if name in shared else t.contiguous()
        for name, t in state.items()
    }


def _save_tmp(tensors: dict, target: Path) -> tuple[Path, Path]:
    """Write ``tensors`` to a temporary file beside ``target``; return both paths."""
    from safetensors.torch import save_file

    tmp = target.with_name(f".{target.name}.tmp")
    try:
        save_file(tensors, str(tmp), metadata={"format": "pt"})
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, target


def _check_output(output_dir: Path, overwrite: bool) -> None:
    if output_dir.exists() and (not output_dir.is_dir() or any(output_dir.iterdir())):
        if not overwrite or not output_dir.is_dir():
            raise FileExistsError(
                f"{output_dir} exists and is not an empty directory; pass overwrite=True "
                "(--overwrite) to write into it, or another output directory"
            )


def _copy_other_files(directory: Path, output_dir: Path) -> None:
    """Copy the top-level non-weight files (config, tokenizer, README…)."""
    for file in sorted(directory.iterdir()):
        weights = file.name.endswith(_WEIGHT_SUFFIXES) or file.name == PICKLE_INDEX
        if file.is_file() and not weights and not file.name.startswith("."):
            shutil.copy2(file, output_dir / file.name)


def convert_to_safetensors(
    directory: str | os.PathLike,
    output_dir: str | os.PathLike | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Write ``model.safetensors`` from a directory's pickle weights, tensors only.

    Reads ``pytorch_model.bin`` (or the shards named by
    ``pytorch_model.bin.index.json``) with ``torch.load(weights_only=True)``,
    which rebuilds tensors and refuses every other object, so the pickle
    cannot run code. Other ``*.bin`` files (e.g. mDeBERTa's
    ``pytorch_model.generator.bin``, the ELECTRA-style generator that
    statement tuning does not use) are ignored. The result loads as usual:
    ``StatementTuner(directory)``.

    Parameters
    ----------
    directory : str or os.PathLike
        A transformers model directory with pickle weights, e.g. the output
        of ``hf download microsoft/mdeberta-v3-base --local-dir m``.
    output_dir : str or os.PathLike, optional
        Write the safetensors weights into this new directory, with copies
        of the directory's other files (config, tokenizer, README) and
        without its weight files. Default: beside the pickle, in
        ``directory``.
    overwrite : bool, default=False
        Replace an existing ``model.safetensors`` (or shards and index), or
        write into a non-empty ``output_dir``.

    Returns
    -------
    pathlib.Path
        The directory that now holds ``model.safetensors`` (or
        ``model-0000k-of-0000n.safetensors`` and
        ``model.safetensors.index.json`` for a sharded checkpoint).

    Raises
    ------
    FileNotFoundError
        If ``directory`` is not a directory or has no ``pytorch_model.bin``
        / ``pytorch_model.bin.index.json``.
    FileExistsError
        If the safetensors files exist, or ``output_dir`` is not empty, and
        ``overwrite`` is False.
    ValueError
        If a pickle is refused by ``weights_only=True`` (a full pickle, with
        objects other than tensors: it is never loaded), is corrupt, or is
        not a mapping of names to tensors; or the shard index is invalid.

    See Also
    --------
    StatementTuner : loads the converted directory (``StatementTuner(directory)``).

    Notes
    -----
    Every tensor keeps its name, shape and dtype (a float16 checkpoint
    stays float16). Tensors that share storage (tied embeddings) are
    written as separate copies under every name: safetensors stores no
    aliases, and transformers re-ties tied weights when it loads the model.
    The files are written to temporary names and renamed once all shards
    are converted, so a failed conversion leaves no partial weights.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import torch
    >>> from safetensors.torch import load_file
    >>> from sklearn_statement import convert_to_safetensors
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     torch.save({"weight": torch.ones(2, 2)}, Path(tmp) / "pytorch_model.bin")
    ...     out = convert_to_safetensors(tmp)  # then StatementTuner(tmp) loads it
    ...     sorted(load_file(out / "model.safetensors"))
    ['weight']
    """
    source = Path(directory).expanduser()
    if not source.is_dir():
        raise FileNotFoundError(f"{source} is not a directory")
    shards = _shards(source)
    sharded = (source / PICKLE_INDEX).is_file()
    out = source if output_dir is None else Path(output_dir).expanduser()
    in_place = out.exists() and out.resolve() == source.resolve()
    if in_place:
        names = [*shards.values(), *([SAFE_INDEX] if sharded else [])]
        existing = [n for n in names if (out / n).exists()]
        if existing and not overwrite:
            raise FileExistsError(
                f"{source} already has {', '.join(existing)}; it loads as is. Pass "
                "overwrite=True (--overwrite) to write it again from the pickle weights"
            )
    else:
        _check_output(out, overwrite)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    # (temporary, final): renamed once all succeed
    written: list[tuple[Path, Path]] = []
    weight_map: dict[str, str] = {}
    total = 0
    try:
        for pickle_name, safe_name in shards.items():
            tensors = _unshare(_read_tensors(source / pickle_name))
            written.append(_save_tmp(tensors, out / safe_name))
            weight_map.update(dict.fromkeys(tensors, safe_name))
            total += sum(t.numel() * t.element_size() for t in tensors.values())
            del tensors
    except BaseException:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    for tmp, final in written:
        os.replace(tmp, final)
    if sharded:
        index = {
            "metadata": {"total_size": total},
            "weight_map": dict(sorted(weight_map.items())),
        }
        with open(out / SAFE_INDEX, "w", encoding="utf-8") as f:
            json.dump(index, f, indent=2)
    if not in_place:
        _copy_other_files(source, out)
    return out
