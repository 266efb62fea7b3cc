"""Make the pickles that ``tests/sklearn_statement/test_legacy_pickles.py`` loads.

Run it on a checkout of the code *before* the subpackage reorganisation (issue
20; commit 66a5cec), so that the pickles store the old module paths
(``sklearn_statement._tuner.StatementTuner``, ``sklearn_statement._batching.
StatementCollator``, ``sklearn_statement._zero_shot.ZeroShotStatementClassifier``,
``sklearn_statement._shortlist.ShortlistIndex`` ...)::

    git worktree add --detach /tmp/premove 66a5cec
    cd /tmp/premove && python /path/to/scripts/make_premove_pickles.py OUT_DIR

It writes ``tuner.pkl`` (a tiny BERT StatementTuner fitted for one epoch),
``zero_shot.pkl`` (a ZeroShotStatementClassifier on that tuner, with a
``Shortlist``) and ``expected.json`` (their inputs and predictions), and records
the commit it ran on.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path.cwd()
sys.path.insert(0, str(HERE / "tests"))


def main(out: Path) -> None:
    import numpy as np
    import torch
    from conftest import ToyStatements, build_tiny_model

    from sklearn_statement import Shortlist, StatementTuner, ZeroShotStatementClassifier

    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    toy = ToyStatements()
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = build_tiny_model("bert", Path(tmp) / "bert")
        tuner = StatementTuner(
            str(model_dir),
            max_epochs=1,
            batch_size=8,
            device="cpu",
            precision="fp32",
            random_state=0,
            verbose=0,
        ).fit(toy.X, toy.y)
        clf = ZeroShotStatementClassifier(
            tuner,
            template={
                "good": "the {text} is good.",
                "bad": "the {text} is bad.",
                "great": "the {text} is great.",
            },
            # k >= the labels: nothing is left out, but the pickle stores a
            # sklearn_statement._shortlist.Shortlist (a shortlist that embeds
            # with the model makes it unpicklable before the move: transformers
            # keeps local output-capturing hooks on it)
            shortlist=Shortlist(3),
            device="cpu",
            precision="fp32",
        ).fit(["dog", "movie"])
    statements = ["the dog is good.", "the movie is terrible.", "a cat is sad."]
    texts = ["dog", "movie", "cat"]
    expected = {
        "commit": subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=HERE
        ).stdout.strip(),
        "statements": statements,
        "tuner_proba": tuner.predict_proba(statements).tolist(),
        "texts": texts,
        "classes": np.asarray(clf.classes_).tolist(),
        "zero_shot_true_logits": clf.true_logits(texts).tolist(),
        "zero_shot_proba": clf.predict_proba(texts).tolist(),
    }
    with open(out / "tuner.pkl", "wb") as f:
        pickle.dump(tuner, f)
    with open(out / "zero_shot.pkl", "wb") as f:
        pickle.dump(clf, f)
    (out / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
