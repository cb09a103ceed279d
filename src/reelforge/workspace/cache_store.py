"""A content-addressed cache of stage outputs under ``<workspace>/.reelforge/cache/<kind>/``.

An entry is a folder ``<kind>/<key[:2]>/<key>/`` holding the cached files plus ``entry.json`` (each file's
sha256 and the stage's metadata). It is written into a temporary folder and renamed into place, so a reader
sees a whole entry or none. Every read checks each file's sha256 first: a changed or missing file makes the
entry a miss (the entry is removed and the caller makes the output again), with a warning saying so.
The entry folder's mtime is its last use; ``prune`` removes entries unused for longer than a given age.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.workspace.atomic import canonical_json
from reelforge.workspace.hashing import sha256_file

ENTRY = "entry.json"
CACHE_KINDS = ("narration", "voice-scene", "visual", "segment", "audio")

Warn = Callable[[str], None]


@dataclass(frozen=True)
class CacheHit:
    key: str
    folder: Path
    meta: dict[str, Any]
    files: dict[str, str]  # name -> sha256

    def path(self, name: str) -> Path:
        return self.folder / name


class StageCache:
    """One kind of cached output (``voice-scene``, ``visual``, ``segment``, ...)."""

    def __init__(self, root: Path, kind: str, *, warn: Warn | None = None) -> None:
        self.root = root
        self.kind = kind
        self.folder = root / kind
        self.warn = warn

    def entry_dir(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> CacheHit | None:
        """The verified entry for ``key``, or None. A tampered entry is removed and reported."""
        folder = self.entry_dir(key)
        entry_path = folder / ENTRY
        if not entry_path.is_file():
            return None
        try:
            entry = json.loads(entry_path.read_text(encoding="utf-8"))
            files: dict[str, str] = dict(entry["files"])
            meta: dict[str, Any] = dict(entry.get("meta", {}))
        except (OSError, ValueError, KeyError, TypeError):
            self._drop(folder, f"{self.kind} cache entry {key[:12]} has an unreadable {ENTRY}")
            return None
        for name, sha in files.items():
            path = folder / name
            actual = sha256_file(path) if path.is_file() else None
            if actual != sha:
                what = "is missing" if actual is None else f"has sha256 {actual[:12]}…, recorded {sha[:12]}…"
                self._drop(folder, f"{self.kind} cache entry {key[:12]}: {name} {what}; made again")
                return None
        try:
            os.utime(folder)  # last use, for `reelforge cache prune --older-than`
        except OSError:
            pass
        return CacheHit(key=key, folder=folder, meta=meta, files=files)

    def fetch(self, key: str, targets: Mapping[str, Path]) -> CacheHit | None:
        """Copy a verified hit's files to ``targets`` (entry name -> destination); None on a miss."""
        hit = self.get(key)
        if hit is None or any(name not in hit.files for name in targets):
            return None
        for name, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(hit.path(name), target)
        return hit

    def put(self, key: str, files: Mapping[str, Path], meta: Mapping[str, Any] | None = None) -> None:
        """Keep ``files`` (entry name -> source path) under ``key``, all at once. A failure to cache (a full
        disk, a race with another writer) never fails the run: the next run just makes the output again."""
        final = self.entry_dir(key)
        if (final / ENTRY).is_file():
            return
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{key[:12]}.", suffix=".tmp", dir=final.parent))
        except OSError:
            return
        try:
            hashes: dict[str, str] = {}
            for name, source in files.items():
                target = tmp / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                hashes[name] = sha256_file(target)
            entry = {"kind": self.kind, "key": key, "created": time.time(), "files": hashes,
                     "meta": dict(meta or {})}
            (tmp / ENTRY).write_text(canonical_json(entry), encoding="utf-8")
            if final.exists():  # a tampered leftover, or a concurrent writer got here first
                shutil.rmtree(final, ignore_errors=True)
            os.rename(tmp, final)
        except OSError:
            pass
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)

    def _drop(self, folder: Path, message: str) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        if self.warn is not None:
            self.warn(message)


def cache_root(internal: Path) -> Path:
    """The workspace cache folder (``<workspace>/.reelforge/cache``)."""
    return internal / "cache"
