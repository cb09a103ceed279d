"""How big the workspace cache is, and pruning the entries unused for longer than an age.

An entry is any folder holding an ``entry.json`` (the stage caches' ``<kind>/<xx>/<key>/`` and the narration
cache's ``narration/<key>/``); its mtime is its last use. Left-over temporary folders of an interrupted write
(``.<key>.*.tmp``) older than an hour go too.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.errors import InvalidInputError
from reelforge.workspace.cache_store import ENTRY

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_STALE_TMP_SEC = 3600


def parse_age(text: str) -> float:
    """``30d``, ``12h``, ``90m``, ``2w`` or plain seconds -> seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", text)
    if match is None:
        raise InvalidInputError(f"--older-than {text!r} is not an age",
                                hint="pass a number with a unit: 30d, 12h, 90m, 2w (or seconds)")
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _entries(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.rglob(ENTRY)) if root.is_dir() else []


@dataclass
class CacheUsage:
    root: Path
    bytes: int = 0
    entries: int = 0
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"root": str(self.root), "bytes": self.bytes, "entries": self.entries, "byKind": self.by_kind}


def cache_usage(root: Path) -> CacheUsage:
    usage = CacheUsage(root)
    for entry in _entries(root):
        kind = entry.relative_to(root).parts[0]
        size = _size(entry)
        slot = usage.by_kind.setdefault(kind, {"bytes": 0, "entries": 0})
        slot["bytes"] += size
        slot["entries"] += 1
        usage.bytes += size
        usage.entries += 1
    return usage


@dataclass(frozen=True)
class PruneResult:
    removed: int
    freed_bytes: int
    kept: int
    dry_run: bool

    def to_json(self) -> dict[str, Any]:
        return {"removed": self.removed, "freedBytes": self.freed_bytes, "kept": self.kept, "dryRun": self.dry_run}


def prune(root: Path, *, older_than_sec: float, now: float | None = None, dry_run: bool = False) -> PruneResult:
    """Remove every entry whose last use is more than ``older_than_sec`` ago."""
    now = time.time() if now is None else now
    removed = freed = kept = 0
    for entry in _entries(root):
        if now - entry.stat().st_mtime <= older_than_sec:
            kept += 1
            continue
        freed += _size(entry)
        removed += 1
        if not dry_run:
            shutil.rmtree(entry, ignore_errors=True)
    if root.is_dir() and not dry_run:
        for tmp in root.rglob(".*.tmp"):
            if tmp.is_dir() and now - tmp.stat().st_mtime > _STALE_TMP_SEC:
                shutil.rmtree(tmp, ignore_errors=True)
    return PruneResult(removed=removed, freed_bytes=freed, kept=kept, dry_run=dry_run)


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
