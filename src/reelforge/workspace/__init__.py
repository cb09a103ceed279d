"""Paths, atomic writes and hashes: everything that touches the workspace on disk."""

from reelforge.workspace.atomic import (
    canonical_json,
    write_bytes_atomic,
    write_json_atomic,
    write_text_atomic,
)
from reelforge.workspace.hashing import sha256_bytes, sha256_file, sha256_json
from reelforge.workspace.paths import (
    Workspace,
    ensure_inside,
    new_run_id,
    resolve_in_run,
    sanitize_id,
    slugify,
)

__all__ = [
    "Workspace",
    "canonical_json",
    "ensure_inside",
    "new_run_id",
    "resolve_in_run",
    "sanitize_id",
    "sha256_bytes",
    "sha256_file",
    "sha256_json",
    "slugify",
    "write_bytes_atomic",
    "write_json_atomic",
    "write_text_atomic",
]
