"""Atomic file writes: temp file in the same directory + fsync + rename, so a crash never leaves half a file.

Every write goes through ``contain.target``: the folder is resolved (symlinks included) and checked inside
the confined workspace at the moment of use, and the rename replaces a symlink at the final name instead of
writing through it. A full disk is a DiskFullError naming the folder, and the old file stays intact.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reelforge.workspace import contain
from reelforge.workspace.diskspace import disk_full, is_disk_full


def canonical_json(data: Any) -> str:
    """Stable JSON text: sorted keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()


def write_bytes_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` all at once; the old file stays intact if anything fails midway."""
    write_parts_atomic(path, (data,), mode=mode)


def write_parts_atomic(path: Path, parts: Iterable[bytes | memoryview], *, mode: int | None = None) -> None:
    """``write_bytes_atomic`` of the parts one after another, without joining them in memory first (a
    30-minute narration track is ~345 MB)."""
    final = contain.target(path, what=path.name)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=final.parent)
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full(final.parent, what=path.name) from None
        raise
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; user-facing files get the usual umask mode unless asked otherwise.
        os.chmod(tmp, _FILE_MODE if mode is None else mode)
        os.replace(tmp, final)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise disk_full(final.parent, what=path.name) from None
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(final.parent)


def write_text_atomic(path: Path, text: str, *, mode: int | None = None) -> None:
    write_bytes_atomic(path, text.encode("utf-8"), mode=mode)


def write_json_atomic(path: Path, data: Any, *, mode: int | None = None) -> None:
    write_text_atomic(path, canonical_json(data), mode=mode)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
