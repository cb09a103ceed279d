"""Each hosted route against a loopback fake of its vendor's wire protocol, through the production runner."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reelforge.errors import InvalidInputError, ReelforgeError, StageTimeoutError
from tests.fakes._http import SECRET_SIG
from tests.fakes.ark_video_server import ArkVideoFake, VideoFake, mp4_bytes
from tests.fakes.fal_server import FalFake
from tests.fakes.render_assets import all_text, motion, runner, seedance, talking_head, upstream

# (id, fake class, request builder, key env, base-url env name, base suffix)
ROUTES: list[tuple[str, type[VideoFake], Callable[..., dict[str, Any]], str, str, str]] = [
    ("talking-head", FalFake, talking_head, "FAL_KEY", "FAL", ""),
    ("seedance", ArkVideoFake, seedance, "ARK_API_KEY", "ARK", "/api/v3"),
    ("motion-transfer", FalFake, motion, "FAL_KEY", "FAL", ""),
]


@pytest.fixture(params=ROUTES, ids=[r[0] for r in ROUTES])
def route(request: pytest.FixtureRequest, workspace: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Callable[..., VideoFake], Callable[..., Any]]]:
    _id, cls, build, env, name, suffix = request.param
    upstream(workspace)
    fakes: list[VideoFake] = []

    def start(plan: list[str] | None = None) -> VideoFake:
        fake = cls(plan=plan).__enter__()
        fakes.append(fake)
        monkeypatch.setenv(env, fake.key)
        monkeypatch.setenv(f"REELFORGE_{name}_BASE_URL", fake.base + suffix)
        return fake

    yield start, build
    for fake in fakes:
        fake.__exit__(None, None, None)


def _job(root: Path, build: Callable[..., dict[str, Any]]) -> tuple[Any, Any]:
    run = runner(root)
    return run, run.prepare(build())


def test_submit_then_queued_running_succeeded_downloads_and_hashes(route: Any, workspace: Path) -> None:
    start, build = route
    fake = start()
    run, prepared = _job(workspace, build)
    first = run.submit(prepared)
    assert first.status == "processing" and first.submitted and fake.submits == 1
    manifest_path = workspace / "renders" / prepared.request.job_id / "manifest.json"
    assert json.loads(manifest_path.read_text())["status"] == "processing"  # saved before returning
    assert run.poll(prepared.request.job_id).provider_status == "queued"
    assert run.poll(prepared.request.job_id).provider_status == "running"
    done = run.poll(prepared.request.job_id)
    assert done.status == "review_pending" and fake.submits == 1
    video = workspace / done.files[0]
    assert video.read_bytes()[4:8] == b"ftyp"
    manifest = json.loads(manifest_path.read_text())
    asset = manifest["assets"][0]
    assert asset["sha256"] == hashlib.sha256(video.read_bytes()).hexdigest() == hashlib.sha256(
        mp4_bytes(1)).hexdigest()
    assert asset["status"] == "review_pending" and manifest["predictionId"] and manifest["pathTaken"] == "real"
    assert manifest["resolution"] == prepared.request.video.tiers[0]  # best tier by default, persisted
    assert json.loads((workspace / "renders" / prepared.request.job_id / "request.json").read_text())[
        "resolution"] == manifest["resolution"]
    text = all_text(workspace)
    assert fake.key not in text and SECRET_SIG not in text and "SECRET-MOTION-SIG" not in text
    assert ";base64," not in text
    # resumed after a restart: a new runner answers from the files, no network
    hits = fake.hits
    assert runner(workspace).poll(prepared.request.job_id).status == "review_pending" and fake.hits == hits


@pytest.mark.parametrize("outcome", ["failed", "expired"])
def test_terminal_failures_are_recorded(route: Any, workspace: Path, outcome: str) -> None:
    start, build = route
    start(["queued", outcome])
    run, prepared = _job(workspace, build)
    run.submit(prepared)
    run.poll(prepared.request.job_id)
    with pytest.raises(ReelforgeError) as info:
        run.poll(prepared.request.job_id)
    assert info.value.exit_code == 1 and outcome in info.value.message
    manifest = json.loads((workspace / "renders" / prepared.request.job_id / "manifest.json").read_text())
    assert manifest["status"] == outcome and manifest["assets"] == [] and manifest["error"]


def test_429_and_5xx_are_retried(route: Any, workspace: Path) -> None:
    start, build = route
    fake = start(["running", "succeeded"])
    fake.script.extend(["429"])
    run, prepared = _job(workspace, build)
    began = time.monotonic()
    run.submit(prepared)
    assert time.monotonic() - began >= 0.2 and fake.submits == 1  # Retry-After honoured
    attempt = json.loads((workspace / ".reelforge/renders" / prepared.request.job_id /
                          "attempts/attempt-001/attempt.json").read_text())
    assert [t["status"] for t in attempt["tries"]] == [429]
    fake.script.extend(["500", "500"])
    assert run.poll(prepared.request.job_id).provider_status == "running"
    assert run.poll(prepared.request.job_id).status == "review_pending"


def test_no_double_submit_and_timeout_leaves_job_pollable(route: Any, workspace: Path) -> None:
    start, build = route
    fake = start(["queued", "running", "running", "running", "running", "succeeded"])
    run, prepared = _job(workspace, build)
    with pytest.raises(StageTimeoutError) as info:
        run.submit(prepared, wait=0.03)
    assert info.value.exit_code == 6 and "render poll" in info.value.hint
    with pytest.raises(InvalidInputError) as again:
        runner(workspace).submit(runner(workspace).prepare(build()))
    assert again.value.exit_code == 4 and fake.submits == 1
    assert runner(workspace).poll(prepared.request.job_id, wait=5).status == "review_pending"
    assert fake.submits == 1


def test_wire_bodies_follow_each_vendor(route: Any, workspace: Path) -> None:
    start, build = route
    fake = start()
    run, prepared = _job(workspace, build)
    run.submit(prepared)
    body = fake.requests[0]
    route_name = prepared.request.route
    if route_name == "seedance":
        assert body["model"] == "dreamina-seedance-2-0-260128" and body["resolution"] == "1080p"
        assert [c["type"] for c in body["content"]] == ["text", "image_url"]
        assert body["content"][1]["role"] == "first_frame"
        assert body["content"][1]["image_url"]["url"].startswith("data:image/png;base64,")
        assert body["ratio"] == "9:16" and body["duration"] == 5
    elif route_name == "talking-head":
        assert fake.models == ["fal-ai/infinitalk"]  # type: ignore[attr-defined]
        assert body["resolution"] == "720p" and body["audio_url"].startswith("data:audio/")
        assert 41 <= body["num_frames"] <= 721
    else:
        assert fake.models == ["fal-ai/kling-video/v2.6/pro/motion-control"]  # type: ignore[attr-defined]
        assert body["character_orientation"] == "video"
        assert body["video_url"] == "https://cdn.example.com/dance.mp4?sig=SECRET-MOTION-SIG"
