"""Who is submitting an attempt right now: a live process holds a lock file, a dead one cannot.

The submitter takes an exclusive ``flock`` on ``<attempt>/.submitting.lock`` before the network call and
keeps it until the attempt leaves ``submitting``. The kernel drops flock locks of a process that dies,
kill -9 included, so "the lock is free" means "nobody is still waiting for the vendor's answer": the
outcome is unknown and the attempt is in doubt. "The lock is held" means another process (or another
thread of this one) is mid-call: wait, never pay again. pid and start time are written beside it only
so messages can name the process.
"""

from __future__ import annotations

import fcntl
import os
import socket
import threading
from pathlib import Path

from reelforge.workspace import contain

LOCK_NAME = ".submitting.lock"
_held: dict[str, int] = {}
_guard = threading.Lock()


def owner_record() -> dict[str, object]:
    return {"pid": os.getpid(), "host": socket.gethostname(), "processStart": _process_start(os.getpid())}


def _process_start(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def hold(attempt_dir: Path) -> None:
    """Take the submitter's lock (blocks only if another live submitter holds it, which create() excludes)."""
    path = attempt_dir / LOCK_NAME
    fd = contain.open_lock(path)  # checked inside the workspace, never through a planted symlink
    fcntl.flock(fd, fcntl.LOCK_EX)
    with _guard:
        _held[str(path)] = fd


def release(attempt_dir: Path) -> None:
    path = str(attempt_dir / LOCK_NAME)
    with _guard:
        fd = _held.pop(path, None)
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def is_live(attempt_dir: Path) -> bool:
    """True while some process (this one included) still holds the submitter's lock."""
    path = attempt_dir / LOCK_NAME
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
