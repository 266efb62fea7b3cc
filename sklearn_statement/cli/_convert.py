"""``sklearn-statement convert``: safetensors weights for a pickle-only checkpoint, tensors only."""

from __future__ import annotations

import argparse

NAME = "convert"
HELP = (
    "write model.safetensors from a model directory's pytorch_model.bin (tensors only)"
)
DESCRIPTION = (
    "Convert a pre-downloaded checkpoint that ships pickle weights only "
    "(e.g. hf download microsoft/mdeberta-v3-base --local-dir m) to "
    "safetensors. The pickle is read with torch.load(weights_only=True): "
    "tensors only, a file holding other objects is refused and nothing in "
    "it runs. Then StatementTuner(DIR) loads it."
)
#: The shared options (``_options.parents``) it takes.
PARENTS = ()


def options(p: argparse.ArgumentParser) -> None:
    """The options of ``sklearn-statement convert`` besides the shared ones."""
    p.add_argument("directory", help="model directory with pytorch_model.bin")
    p.add_argument(
        "--output-dir",
        default=None,
        help="write into this new directory (with the config and tokenizer files); "
        "default: beside the pickle",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing model.safetensors / write into a non-empty --output-dir",
    )


def run(args: argparse.Namespace) -> int:
    from ..models import convert_to_safetensors

    out = convert_to_safetensors(
        args.directory, args.output_dir, overwrite=args.overwrite
    )
    files = sorted(p.name for p in out.glob("*.safetensors"))
    print(
        f"wrote {', '.join(files)} in {out}; load it with StatementTuner({str(out)!r})"
    )
    return 0
