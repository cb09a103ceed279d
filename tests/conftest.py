from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty workspace as the current directory, with no REELFORGE_* or provider keys leaking in."""
    for name in list(os.environ):
        if name.startswith("REELFORGE_") or name.endswith("_API_KEY"):
            monkeypatch.delenv(name, raising=False)
    root = tmp_path / "ws"
    root.mkdir()
    monkeypatch.chdir(root)
    return root
