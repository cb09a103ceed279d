"""sha256 of files and of canonical JSON (for fingerprints)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from reelforge.workspace.atomic import canonical_json

_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_json(data: Any) -> str:
    return sha256_bytes(canonical_json(data).encode("utf-8"))
