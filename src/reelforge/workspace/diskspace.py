"""Telling a full disk apart from other I/O failures, and saying where and how much is free."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from reelforge.errors import DiskFullError

_FULL = {errno.ENOSPC, errno.EDQUOT}
FFMPEG_ENOSPC_EXIT = 256 - errno.ENOSPC  # ffmpeg exits with -ENOSPC, seen by the shell as 228


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in _FULL


def free_bytes(folder: Path) -> int | None:
    """Free space of the filesystem holding ``folder`` (or its nearest existing parent)."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return shutil.disk_usage(probe).free
    except OSError:
        return None


def disk_full(folder: Path, *, what: str | None = None) -> DiskFullError:
    return DiskFullError(str(folder), free_bytes=free_bytes(folder), what=what)


def from_os_error(exc: BaseException, folder: Path | None = None) -> DiskFullError | None:
    """A DiskFullError for an ENOSPC/EDQUOT OSError (naming its file's folder), else None."""
    if not is_disk_full(exc):
        return None
    assert isinstance(exc, OSError)
    where = folder or (Path(exc.filename).parent if isinstance(exc.filename, str) else Path.cwd())
    return disk_full(where)
