"""ffmpeg children run without transparent huge pages and die with their parent (compose/processes.py)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from reelforge.compose.processes import ProcessGroup


def _thp_line(status: str) -> str | None:
    return next((line for line in status.splitlines() if line.startswith("THP_enabled:")), None)


def _child_status(tmp_path: Path) -> str:
    """/proc status of a child ProcessGroup.run started (a script standing in for ffmpeg: it takes the
    same argv and writes its status)."""
    out = tmp_path / "status.txt"
    fake = tmp_path / "fake-ffmpeg"
    fake.write_text(f"#!/bin/sh\ncat /proc/$$/status > '{out}'\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    ProcessGroup().run([str(fake), "-i", "x"], what="the status script")
    return out.read_text(encoding="utf-8")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_a_child_has_no_huge_pages_and_the_parent_keeps_them(tmp_path: Path) -> None:
    own = Path(f"/proc/{os.getpid()}/status").read_text(encoding="utf-8")
    if _thp_line(own) is None:
        pytest.skip("this kernel does not report THP_enabled (Linux < 5.0)")
    assert _thp_line(_child_status(tmp_path)) == "THP_enabled:\t0"
    assert _thp_line(Path(f"/proc/{os.getpid()}/status").read_text(encoding="utf-8")) == "THP_enabled:\t1"
