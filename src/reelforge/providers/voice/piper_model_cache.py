"""The alignment-patched Piper model, kept per user so only the first narration on a machine patches it.

piper-tts exposes phoneme alignments by marking the model's Ceil tensor as a graph output. Done in memory on
every load (``PiperVoice.load(..., include_alignments=True)``) that costs ~1.2 s: importing onnx, parsing and
re-serializing a 60 MB graph. The patched model is derived from the installed voice, so it is kept under the
per-user cache (``config.user_cache_dir()``, shared by every workspace) as ``piper-aligned/<key>.onnx`` beside
``<key>.json`` (its sha256 and what it was made from). The key is the voice file's sha256, the piper-tts
version and the onnx version. A cached model is hash-checked before it is handed back: a changed, truncated or
unrecorded file is patched again and rewritten, with one warning. A cache that cannot be written is not an
error: the caller patches in memory as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

SUBDIR = "piper-aligned"
_LOG = logging.getLogger(__name__)
_WARNED: set[str] = set()


@dataclass
class PatchStats:
    """How many models this process patched and how many it found in the cache (for tests and doctor)."""

    patched: int = 0
    hits: int = 0


STATS = PatchStats()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def cache_key(model_sha256: str) -> str:
    """What the patched model depends on: the voice's bytes, piper's patch code and onnx's serializer."""
    recipe = f"piper-aligned\nmodel {model_sha256}\npiper-tts {_version('piper-tts')}\nonnx {_version('onnx')}"
    return hashlib.sha256(recipe.encode("utf-8")).hexdigest()


def cache_folder(root: Path) -> Path:
    return root / SUBDIR


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _warn_once(message: str) -> None:
    """One warning per damaged file and damage (threads loading the same voice would repeat it)."""
    if message not in _WARNED:
        _WARNED.add(message)
        _LOG.warning(message)


def _verified(folder: Path, key: str) -> Path | None:
    """The cached model if its recorded sha256 matches its bytes; None when absent (silently) or bad (warned)."""
    model, record = folder / f"{key}.onnx", folder / f"{key}.json"
    if not model.exists() and not record.exists():
        return None
    try:
        expected = json.loads(record.read_text(encoding="utf-8"))["sha256"]
        actual = _file_sha256(model)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        _warn_once(f"reelforge: the cached Piper model {model} is unreadable ({exc}); patching it again")
        return None
    if actual != expected:
        _warn_once(f"reelforge: the cached Piper model {model} has sha256 {actual[:12]}…, recorded "
                        f"{str(expected)[:12]}… (changed or truncated); patching it again")
        return None
    try:
        os.utime(model)  # last use, for pruning
    except OSError:
        pass
    return model


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _patch(model: Path) -> bytes | None:
    """The model with its alignment output added, serialized; None when piper cannot patch it (no single Ceil
    tensor, or already patched: the caller then loads it as piper would)."""
    import onnx
    from piper.patch_voice_with_alignment import add_alignment_output

    graph = onnx.load(str(model))
    try:
        add_alignment_output(graph)
    except ValueError:
        return None
    return graph.SerializeToString()


def aligned_model(model: Path, model_sha256: str, root: Path | None) -> Path | None:
    """The cached alignment-patched copy of ``model``, made now if missing or bad. None when the cache folder
    cannot be written or the model cannot be patched: the caller then patches in memory, as piper does."""
    if root is None:
        return None
    folder = cache_folder(root)
    key = cache_key(model_sha256)
    cached = _verified(folder, key)
    if cached is not None:
        STATS.hits += 1
        return cached
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe_ok = os.access(folder, os.W_OK)
    except OSError:
        return None
    if not probe_ok:
        return None
    data = _patch(model)
    if data is None:
        return None
    STATS.patched += 1
    record: dict[str, Any] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                              "source": str(model), "modelSha256": model_sha256,
                              "piperTts": _version("piper-tts"), "onnx": _version("onnx"), "created": time.time()}
    target = folder / f"{key}.onnx"
    try:
        _write_atomic(target, data)
        _write_atomic(folder / f"{key}.json", (json.dumps(record, indent=2, sort_keys=True) + "\n").encode())
    except OSError:
        return None
    return target


@dataclass(frozen=True)
class AlignedUsage:
    folder: Path
    models: int
    bytes: int


def usage(root: Path) -> AlignedUsage:
    """How many patched models the per-user cache holds and their size."""
    folder = cache_folder(root)
    files = [p for p in folder.glob("*") if p.is_file() and not p.name.startswith(".")] if folder.is_dir() else []
    return AlignedUsage(folder, sum(1 for p in files if p.suffix == ".onnx"), sum(p.stat().st_size for p in files))


def prune(root: Path, *, older_than_sec: float, now: float | None = None, dry_run: bool = False) -> tuple[int, int]:
    """Remove patched models unused for longer than ``older_than_sec`` (and stale temporary files);
    (removed, freed bytes)."""
    now = time.time() if now is None else now
    folder = cache_folder(root)
    removed = freed = 0
    if not folder.is_dir():
        return 0, 0
    for model in folder.glob("*.onnx"):
        if model.name.startswith(".") or now - model.stat().st_mtime <= older_than_sec:
            continue
        record = model.with_suffix(".json")
        freed += model.stat().st_size + (record.stat().st_size if record.exists() else 0)
        removed += 1
        if not dry_run:
            model.unlink(missing_ok=True)
            record.unlink(missing_ok=True)
    if not dry_run:
        for tmp in folder.glob(".*.tmp"):
            if now - tmp.stat().st_mtime > 3600:
                tmp.unlink(missing_ok=True)
    return removed, freed
