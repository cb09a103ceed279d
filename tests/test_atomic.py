from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reelforge.workspace import atomic
from reelforge.workspace.atomic import write_json_atomic


def test_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    write_json_atomic(target, {"a": 1})
    write_json_atomic(target, {"a": 2, "b": [1, 2]})
    assert json.loads(target.read_text()) == {"a": 2, "b": [1, 2]}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_interrupted_write_leaves_old_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "manifest.json"
    write_json_atomic(target, {"version": "old"})
    before = target.read_bytes()

    real_fsync = os.fsync
    calls = {"n": 0}

    def dying_fsync(fd: int) -> None:
        calls["n"] += 1
        raise KeyboardInterrupt  # the process is stopped after the temp file was half written

    monkeypatch.setattr(atomic.os, "fsync", dying_fsync)
    with pytest.raises(KeyboardInterrupt):
        write_json_atomic(target, {"version": "new", "big": "x" * 100_000})
    monkeypatch.setattr(atomic.os, "fsync", real_fsync)

    assert calls["n"] == 1
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"], "temp file must be cleaned up"


def test_canonical_json_is_stable() -> None:
    assert atomic.canonical_json({"b": 1, "a": "é"}) == atomic.canonical_json({"a": "é", "b": 1})
    assert atomic.canonical_json({"a": "é"}).endswith("\n")
    assert "é" in atomic.canonical_json({"a": "é"})
