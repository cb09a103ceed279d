from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.openai_server import OpenAIFake

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# The per-user cache (the alignment-patched Piper model, ~60 MB) goes to a folder of this test session, not
# the user's ~/.cache: the first narration of the session patches the model once, the rest reuse it.
_USER_CACHE = tempfile.mkdtemp(prefix="reelforge-test-cache-")
os.environ["XDG_CACHE_HOME"] = _USER_CACHE
atexit.register(shutil.rmtree, _USER_CACHE, ignore_errors=True)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty workspace as the current directory, with no REELFORGE_* or provider keys leaking in."""
    for name in list(os.environ):
        if name.startswith(("REELFORGE_", "AZURE_SPEECH_")) or name.endswith("_API_KEY"):
            monkeypatch.delenv(name, raising=False)
    root = tmp_path / "ws"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def openai_fake(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIFake]:
    """A loopback OpenAI images server, with the key, base URL and fast retries in the environment."""
    with OpenAIFake() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_OPENAI_BASE_URL", fake.base + "/v1")
        monkeypatch.setenv("REELFORGE_RETRY_BASE_S", "0.01")
        yield fake
