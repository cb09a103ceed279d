"""Leftovers of a run killed with -9: the render's ``.render-<pid>-*`` work folder and ``.<name>.<pid>.partial``
output, and the recorder's ``.manifest.<pid>.reserve`` (pipeline/recorder.py)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from reelforge.workspace.reserve import pid_alive

_STALE = re.compile(r"^\.render-(?:(\d+)-)?[A-Za-z0-9_]+$|^\..+\.(\d+)\.(?:partial|reserve)$")


def sweep_stale_render_files(folder: Path) -> list[Path]:
    """Remove ``.render-*`` work folders and ``.*.partial`` outputs left by a render that was killed (-9).

    Each carries its owner's pid; only those whose owner is gone (or that predate the pid in the name) are
    removed, so a render running next door in the same folder is left alone."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _STALE.match(entry.name)
        if match is None or entry.is_symlink():
            continue
        pid = match.group(1) or match.group(2)
        if pid is not None and int(pid) != os.getpid() and pid_alive(int(pid)):
            continue
        if pid is not None and int(pid) == os.getpid():
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def sweep_runs(base: Path) -> list[Path]:
    """Sweep every run folder directly under ``base`` (e.g. videos/) before a new run starts there."""
    removed: list[Path] = []
    try:
        runs = [p for p in base.iterdir() if p.is_dir() and not p.is_symlink()]
    except OSError:
        return removed
    for run in runs:
        removed += sweep_stale_render_files(run)
    return removed
