"""Signed output URLs, kept only as long as they are needed to rebuild files.

Vendors answer with URLs whose query string is a signature. They never go into manifests, responses,
logs or errors (those get the redacted form). Until the files are materialized, the full URLs sit in one
owner-only file under ``.reelforge/vault/``; it is deleted as soon as every output is on disk.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from reelforge.workspace import contain
from reelforge.workspace.atomic import write_json_atomic


def vault_path(internal: Path, asset_id: str, run_id: str, attempt_id: str) -> Path:
    return internal / "vault" / asset_id / run_id / f"{attempt_id}.json"


def save_urls(path: Path, urls: dict[int, str]) -> None:
    os.chmod(contain.mkdir(path.parent, what="vault folder"), 0o700)
    write_json_atomic(path, {str(k): v for k, v in urls.items()}, mode=0o600)


def load_urls(path: Path) -> dict[int, str]:
    try:
        return {int(k): v for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def drop(path: Path) -> None:
    path.unlink(missing_ok=True)
