"""Issue 22 item 2, the last part: one total deadline per hosted job (``job_deadline``), over every submit retry,
status check and wait of the job, ending in exit 6 with a message that names the setting and where it came from."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from reelforge.config import resolve_settings
from reelforge.errors import StageTimeoutError
from reelforge.jobs.deadline import JobDeadline
from reelforge.jobs.poll import poll_until
from tests.cli_helpers import run_json
from tests.fakes.ark_server import ArkFake
from tests.fakes.ark_video_server import ArkVideoFake
from tests.fakes.image_requests import request
from tests.fakes.render_assets import runner as render_runner
from tests.fakes.render_assets import seedance, upstream


def test_the_setting_has_a_default_and_an_origin(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = resolve_settings(workspace_root=workspace)
    assert settings["job_deadline"] == 600.0 and settings.origin("job_deadline") == "default"
    monkeypatch.setenv("REELFORGE_JOB_DEADLINE", "90")
    deadline = JobDeadline.from_settings(resolve_settings(workspace_root=workspace))
    assert deadline.seconds == 90.0 and deadline.named == "job_deadline (90 s, from env:REELFORGE_JOB_DEADLINE)"


def test_submit_retries_stop_at_the_job_deadline_with_exit_6_and_nothing_charged(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with ArkFake() as fake:
        monkeypatch.setenv("ARK_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", fake.base + "/api/v3")
        # a vendor that keeps refusing with 503-like 500s: 60 tries would take ~10 s, the job may take 1.5 s
        monkeypatch.setenv("REELFORGE_RETRY_ATTEMPTS", "60")
        monkeypatch.setenv("REELFORGE_RETRY_BASE_S", "0.2")
        monkeypatch.setenv("REELFORGE_RETRY_CAP_S", "0.2")
        monkeypatch.setenv("REELFORGE_JOB_DEADLINE", "1.5")
        fake.script.extend(["500"] * 60)
        path = workspace / "req.json"
        path.write_text(json.dumps(request(model="image-seedream-v5-lite-text")))
        start = time.monotonic()
        code, data = run_json(capsys, "image", "generate", "--request", str(path), "--yes")
        elapsed = time.monotonic() - start
    assert code == 6, data
    assert elapsed < 5, elapsed
    text = json.dumps(data)
    assert "job_deadline (1.5 s, from env:REELFORGE_JOB_DEADLINE)" in text and "nothing was charged" in text
    assert 2 <= fake.received < 60
    run_dir = workspace / "assets/female-1-cover-v1/runs/image/image-run-001"
    assert json.loads((run_dir / "manifest.json").read_text())["attemptState"] == "not_submitted"


def test_a_render_wait_stops_at_the_job_deadline_not_at_the_longer_wait(workspace: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    upstream(workspace)
    with ArkVideoFake(plan=["queued"] + ["running"] * 400) as fake:
        monkeypatch.setenv("ARK_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", fake.base + "/api/v3")
        run = render_runner(workspace, poll_interval=0.05, job_deadline=JobDeadline(0.8, "test"))
        prepared = run.prepare(seedance("sd-deadline"))
        start = time.monotonic()
        with pytest.raises(StageTimeoutError) as info:
            run.submit(prepared, wait=8)
        elapsed = time.monotonic() - start
    assert info.value.exit_code == 6 and elapsed < 3, elapsed
    assert "job_deadline (0.8 s, from test)" in info.value.message
    assert "render poll sd-deadline" in (info.value.hint or "")  # the job stays pollable
    assert fake.submits == 1


def test_the_poll_loop_honours_the_job_deadline_before_sleeping() -> None:
    now = [0.0]
    job = JobDeadline(10.0, "test", clock=lambda: now[0]).start()

    def sleep(s: float) -> None:
        now[0] += s

    last, timed_out = poll_until(0, lambda n: n + 1, pending=lambda n: True, interval=3.0, deadline_s=100.0,
                                 sleep=sleep, clock=lambda: now[0], job=job)
    assert timed_out and last == 3 and now[0] == 9.0  # a 4th poll would start past 10 s


def test_a_hung_vendor_call_is_cut_at_the_job_deadline_when_that_comes_first(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with ArkFake() as fake:
        monkeypatch.setenv("ARK_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", fake.base + "/api/v3")
        monkeypatch.setenv("REELFORGE_VENDOR_DEADLINE", "8")
        monkeypatch.setenv("REELFORGE_JOB_DEADLINE", "1.5")
        fake.script.append("hang")
        path = workspace / "req.json"
        path.write_text(json.dumps(request(model="image-seedream-v5-lite-text")))
        start = time.monotonic()
        code, data = run_json(capsys, "image", "generate", "--request", str(path), "--yes")
        elapsed = time.monotonic() - start
    assert code == 6 and elapsed < 5, (elapsed, data)
    message = data["error"]["message"]
    assert "job_deadline (1.5 s, from env:REELFORGE_JOB_DEADLINE)" in message and "in doubt" in message
    assert fake.received == 1  # a sent submit is never sent again
