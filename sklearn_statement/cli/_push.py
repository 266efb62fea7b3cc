"""``sklearn-statement push``: upload a saved statement model to the Hugging Face hub."""

from __future__ import annotations

import argparse

NAME = "push"
HELP = "upload a saved statement model to the Hugging Face hub (private by default)"
DESCRIPTION = (
    "Create the model repository REPO_ID (private unless --public; an "
    "existing one is reused and keeps its visibility) and upload DIR, a "
    "directory written by StatementTuner.save_pretrained or sklearn-statement "
    "tune, in one commit through huggingface_hub (create_repo, upload_folder). "
    "The token comes from --token, else HF_TOKEN, else the login stored by "
    "`hf auth login`; without one nothing is sent. Prints the commit's URL."
)
#: The shared options (``_options.parents``) it takes.
PARENTS = ()


#: The help of ``--evaluation``.
EVALUATION_HELP = (
    "first add this zero-shot evaluation to DIR's model card and record: the "
    "directory or results.json of `sklearn-statement evaluate --output-dir`, "
    "or the rows of its --output"
)


def options(p: argparse.ArgumentParser) -> None:
    """The options of ``sklearn-statement push`` besides the shared ones."""
    p.add_argument("directory", metavar="DIR", help="a saved statement model")
    p.add_argument("repo_id", metavar="REPO_ID", help="user/name or org/name")
    p.add_argument(
        "--public", action="store_true", help="a public repo (default: private)"
    )
    p.add_argument(
        "--token", help="a write token (default: HF_TOKEN, or hf auth login)"
    )
    p.add_argument("--message", help="the commit message")
    p.add_argument("--evaluation", metavar="REPORT", help=EVALUATION_HELP)


def run(args: argparse.Namespace) -> int:
    from ..models import check_model_dir, hub_token, push_model_dir, record_evaluation

    check_model_dir(args.directory)
    token = hub_token(args.token)  # before the card is touched
    if args.evaluation is not None:
        record_evaluation(args.directory, args.evaluation, model_id=args.repo_id)
    url = push_model_dir(
        args.directory,
        args.repo_id,
        private=not args.public,
        token=token,
        commit_message=args.message,
    )
    print(url)
    return 0
