"""An exclusive inter-process lock on a file (fcntl.flock), for read-modify-write of shared JSON files.

flock locks belong to the open file description, so two threads of one process that each open the lock
file exclude each other just like two processes do. A process killed with -9 releases its lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reelforge.workspace.contain import open_lock


@contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    fd = open_lock(lock_path)  # checked inside the workspace; never follows a symlink at the name
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
