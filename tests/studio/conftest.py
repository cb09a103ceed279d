"""Fixtures for the studio: a real uvicorn server on 127.0.0.1 over a tmp workspace, an HTTP client that
has logged in, and a Playwright page driving Debian's chromium (the way capture/browser.py does)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest

from reelforge.capture.browser import find_chromium, launch_chromium, playwright_missing_reason, start_playwright
from reelforge.studio import StudioConfig
from reelforge.studio.server import StudioThread


class StudioServer(NamedTuple):
    base_url: str
    token: str


@pytest.fixture
def studio_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty workspace (the server's), with no REELFORGE_* or provider keys leaking in from the shell."""
    for name in list(os.environ):
        if name.startswith("REELFORGE_") or name.endswith("_API_KEY"):
            monkeypatch.delenv(name, raising=False)
    root = tmp_path / "ws"
    root.mkdir()
    return root


@pytest.fixture
def studio_server(studio_workspace: Path) -> Iterator[StudioServer]:
    """The studio on a free port over ``studio_workspace``: yields (base_url, token)."""
    with StudioThread(StudioConfig(workspace=studio_workspace, port=0)) as server:
        yield StudioServer(server.base_url, server.config.token)


@contextmanager
def logged_in_client(server: StudioServer, **kwargs: Any) -> Iterator[httpx.Client]:
    """An httpx client holding the session cookie (it followed the login link)."""
    with httpx.Client(base_url=server.base_url, timeout=30, **kwargs) as client:
        answer = client.get(f"/?token={server.token}")
        assert answer.status_code == 303, answer.text
        yield client


@pytest.fixture
def studio_client(studio_server: StudioServer) -> Iterator[httpx.Client]:
    with logged_in_client(studio_server) as client:
        yield client


def csrf_of(html: str) -> str:
    marker = '<meta name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


needs_browser = pytest.mark.skipif(find_chromium() is None or playwright_missing_reason() is not None,
                                   reason="needs Chromium (apt-get install chromium) and playwright (pip)")


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's chromium under Playwright, headless, once per module: Playwright's sync API keeps an asyncio
    loop on this thread while it runs, and the capture tests' own sync_playwright refuses to start inside it."""
    executable = find_chromium()
    if executable is None or playwright_missing_reason() is not None:
        pytest.skip("needs Chromium (apt-get install chromium) and playwright (pip)")
    playwright = start_playwright(tmp_path_factory.mktemp("pw"))
    browser = launch_chromium(playwright, executable, headless=True)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def studio_page(chromium: Any, studio_server: StudioServer) -> Iterator[Any]:
    """A fresh browser page that has followed the login link (so it holds the cookie)."""
    context = chromium.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.goto(f"{studio_server.base_url}/?token={studio_server.token}")
    try:
        yield page
    finally:
        context.close()


TINY_SCRIPT = {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en", "title": "Studio Check",
               "scenes": [{"id": "s1", "durationSec": 2, "narration": "Two short scenes.",
                           "onScreenText": ["Scene one"]},
                          {"id": "s2", "durationSec": 2, "narration": "Then it ends.",
                           "onScreenText": ["Scene two"]}]}


@pytest.fixture(scope="session")
def made_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real 2-scene, 4 s run (Piper, libass, ffmpeg ultrafast), made once per session by the library."""
    import json

    from reelforge.config import resolve_settings
    from reelforge.pipeline.decisions import FlagDecider
    from reelforge.pipeline.generate import GenerateRequest, generate
    from reelforge.workspace.paths import Workspace

    root = tmp_path_factory.mktemp("made-run-ws")
    script = root / "script.json"
    script.write_text(json.dumps(TINY_SCRIPT), encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("REELFORGE_") and not k.endswith("_API_KEY")}
    settings = resolve_settings(workspace_root=root, environ=environ,
                                flags={"preset": "ultrafast", "check": False, "credentials": "off"})
    result = generate(GenerateRequest(brief="", settings=settings, workspace=Workspace.at(root), script_path=script,
                                      decider=FlagDecider(yes=False)))
    assert result.video is not None and result.manifest.status == "succeeded"
    return result.run_dir


@pytest.fixture
def video_run(made_run: Path, studio_workspace: Path) -> Path:
    """A copy of the session's run inside ``studio_workspace/videos/`` (tests may re-render or break it)."""
    import shutil

    target = studio_workspace / "videos" / made_run.name
    shutil.copytree(made_run, target, symlinks=True)
    return target
