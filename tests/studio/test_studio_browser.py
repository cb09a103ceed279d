"""The Runs and Run pages in Debian's chromium against a live server: open the runs, play the video (it
reaches readyState >= 3 and its currentTime advances), verify, re-render and read "identical"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.studio.conftest import StudioServer, needs_browser

pytestmark = [pytest.mark.slow, needs_browser]


def test_open_runs_and_play_the_video(studio_page: Any, studio_server: StudioServer, video_run: Path) -> None:
    page = studio_page
    page.goto(f"{studio_server.base_url}/runs")
    row = page.locator(f'tr.run-row[data-run-id="{video_run.name}"]')
    assert row.count() == 1
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    row.get_by_role("link").click()
    page.wait_for_url(f"**/runs/{video_run.name}")
    page.wait_for_function("() => document.querySelector('#player').readyState >= 3", timeout=20_000)
    start = page.evaluate("""async () => {
        const v = document.querySelector('#player');
        v.muted = true;
        await v.play();
        return v.currentTime;
    }""")
    page.wait_for_function(f"() => document.querySelector('#player').currentTime > {start} + 0.5", timeout=20_000)
    state = page.evaluate("() => { const v = document.querySelector('#player'); "
                          "return {ready: v.readyState, error: v.error, duration: v.duration}; }")
    assert state["ready"] >= 3 and state["error"] is None
    assert 3.5 < state["duration"] < 4.5


def test_verify_then_rerender_reports_identical(studio_page: Any, studio_server: StudioServer,
                                                 video_run: Path) -> None:
    page = studio_page
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{studio_server.base_url}/runs/{video_run.name}")
    page.click("#verify-btn")
    page.wait_for_function("() => document.querySelector('#verify-log').dataset.state === 'done'")
    assert "verified: all" in page.inner_text("#verify-log")
    page.click("#rerender-btn")
    assert page.is_disabled("#rerender-btn")
    page.wait_for_function("() => ['done', 'error'].includes(document.querySelector('#rerender-log').dataset.state)",
                           timeout=120_000)
    log = page.inner_text("#rerender-log")
    assert "render ..." in log and "render 100%" in log
    assert "identical: the new video has the recorded sha256" in log, log
    assert not errors, errors  # nothing blocked by the content security policy, no script errors
