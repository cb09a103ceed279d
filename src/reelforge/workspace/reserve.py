"""A small pre-allocated file that keeps room for the last record of a job on a disk that fills up.

A job holds one beside its records while it runs; when a write finds no space, the job frees the reserve and
writes its "failed: disk full" record into the blocks it gave back. The pid in the name lets the next run
sweep the reserve of a process killed with -9 (compose/stale.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

RESERVE_BYTES = 256 * 1024  # several times the largest record: the temp copy and the old file coexist


def reserve_space(path: Path, size: int = RESERVE_BYTES) -> bool:
    """Allocate ``size`` real bytes at ``path`` (not a sparse file); False when even that does not fit."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError:
        return False
    try:
        try:
            os.posix_fallocate(fd, 0, size)
        except (AttributeError, OSError):
            os.write(fd, b"\0" * size)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


class SpaceReserve:
    """``.<stem>.<pid>.reserve`` in ``folder``: ``hold`` while the job runs, ``release`` to write the last record."""

    def __init__(self, folder: Path, stem: str) -> None:
        self.stem = stem
        self.path = folder / f".{stem}.{os.getpid()}.reserve"

    def hold(self) -> bool:
        """Sweep the reserves that killed (-9) jobs left here, then take ours."""
        sweep_dead(self.path.parent, self.stem)
        return reserve_space(self.path)

    def release(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True


def sweep_dead(folder: Path, stem: str) -> list[Path]:
    """Remove ``.<stem>.<pid>.reserve`` files whose process is gone; returns what was removed."""
    pattern = re.compile(rf"^\.{re.escape(stem)}\.(\d+)\.reserve$")
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None or entry.is_symlink() or pid_alive(int(match.group(1))):
            continue
        entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (this process counts as alive; another user's process too)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
