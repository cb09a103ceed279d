"""Runs in every state on the Runs and Run pages (no rendering needed: manifests written by hand), the body
size limit, the Host rule for wildcard binds, and the `reelforge studio` command's refusals."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from reelforge.studio import StudioConfig
from reelforge.studio.security import csrf_for, host_allowed
from reelforge.studio.server import StudioThread, banner, is_loopback
from tests.cli_helpers import run_cli
from tests.studio.conftest import StudioServer, logged_in_client


def write_run(workspace: Path, run_id: str, **fields: Any) -> Path:
    run_dir = workspace / "videos" / run_id
    run_dir.mkdir(parents=True)
    manifest = {"schemaVersion": "1.0", "kind": "video_run", "toolVersion": "0.1.0", "runId": run_id,
                "mode": "shorts", "status": "succeeded", "seed": 1, "exitCode": 0, **fields}
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    return run_dir


def test_failed_interrupted_running_and_unreadable_runs(studio_server: StudioServer, studio_workspace: Path) -> None:
    write_run(studio_workspace, "20261201-100000-aaaaaa-shorts", status="failed", exitCode=5,
              error={"kind": "provider-unavailable", "message": "no voice for locale xx",
                     "hint": "pass --voice PATH.onnx"})
    stale = write_run(studio_workspace, "20261201-110000-bbbbbb-shorts", status="running", exitCode=0)
    (stale / "render-spec.json").write_text("{}")
    (stale / ".manifest.999999999.reserve").write_bytes(b"")  # a pid that cannot be alive
    live = write_run(studio_workspace, "20261201-120000-cccccc-demo", mode="demo", status="running", exitCode=0)
    (live / f".manifest.{os.getpid()}.reserve").write_bytes(b"")
    broken = studio_workspace / "videos" / "20261201-130000-dddddd-shorts"
    broken.mkdir()
    (broken / "manifest.json").write_text('{"runId": "half-writ')
    with logged_in_client(studio_server) as client:
        page = client.get("/runs")
        assert page.status_code == 200
        html = page.text
        assert 'data-status="failed"' in html and "fix: pass --voice PATH.onnx" in html
        assert 'data-run-id="20261201-110000-bbbbbb-shorts" data-status="interrupted"' in html
        assert "fix: re-render it from its spec: reelforge video render 20261201-110000-bbbbbb-shorts" in html
        assert 'data-run-id="20261201-120000-cccccc-demo" data-status="running"' in html
        assert 'data-status="unreadable"' in html and "manifest.json cannot be read" in html
        assert client.get("/runs?status=interrupted").text.count('class="run-row"') == 1
        assert client.get("/runs?mode=demo").text.count('class="run-row"') == 1
        failed = client.get("/runs/20261201-100000-aaaaaa-shorts")
        assert failed.status_code == 200
        assert "no voice for locale xx" in failed.text and "fix: pass --voice PATH.onnx" in failed.text
        assert "<video" not in failed.text and "No video" in failed.text
        assert client.get("/runs/20261201-130000-dddddd-shorts").status_code == 200


def test_empty_workspace_says_how_to_make_a_run(studio_client: httpx.Client) -> None:
    html = studio_client.get("/runs").text
    assert "No video runs" in html and "reelforge video generate" in html
    assert studio_client.get("/").headers["location"] == "/runs"


def test_request_bodies_over_the_limit_are_refused(studio_workspace: Path) -> None:
    config = StudioConfig(workspace=studio_workspace, port=0, max_body_bytes=1000)
    with StudioThread(config) as server, httpx.Client(base_url=server.base_url) as client:
        client.get(f"/?token={server.config.token}")
        headers = {"X-CSRF-Token": csrf_for(server.config.token)}
        assert client.post("/runs/x/verify", headers=headers, content=b"a" * 2000).status_code == 413
        chunks = (b"a" * 500 for _ in range(4))  # no content-length: counted while read
        assert client.post("/runs/x/verify", headers=headers, content=chunks).status_code == 413
        assert client.post("/runs/x/verify", headers=headers, content=b"a" * 10).status_code == 404


def test_host_rule() -> None:
    assert host_allowed("127.0.0.1:8770", "127.0.0.1", 8770) and host_allowed("localhost:8770", "127.0.0.1", 8770)
    assert not host_allowed("127.0.0.1:8771", "127.0.0.1", 8770)
    assert not host_allowed("", "127.0.0.1", 8770)
    # a wildcard bind cannot know its names: it takes IP literals only (DNS rebinding needs a name)
    assert host_allowed("192.168.1.20:8770", "0.0.0.0", 8770) and host_allowed("[::1]:8770", "::", 8770)
    assert not host_allowed("attacker.example:8770", "0.0.0.0", 8770)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("0.0.0.0")


def test_studio_command_refusals(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "studio", "--workspace", str(tmp_path / "nope"))
    assert code == 4 and "does not exist" in err and "--workspace" in err
    assert run_cli(capsys, "studio", "--workspace", str(tmp_path), "--port", "70000")[0] == 4
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, _, err = run_cli(capsys, "studio", "--workspace", str(tmp_path), "--port", str(port))
    assert code == 4 and f"cannot listen on 127.0.0.1:{port}" in err and "--port" in err
    assert "token" not in err  # nothing printed before the socket is bound


def test_banner_warns_off_loopback_and_carries_the_login_link(tmp_path: Path) -> None:
    local = StudioConfig(workspace=tmp_path, host="127.0.0.1", port=8770, token="tok123")
    assert "warning" not in banner(local)
    assert "http://127.0.0.1:8770/?token=tok123" in banner(local)
    wide = banner(StudioConfig(workspace=tmp_path, host="0.0.0.0", port=8770, token="tok123"))
    assert wide.startswith("warning: reelforge studio listens on 0.0.0.0, reachable from other machines")
    assert "[::1]:8770" in banner(StudioConfig(workspace=tmp_path, host="::1", port=8770, token="t"))


def test_a_bad_workspace_setting_is_a_page_with_the_fix(studio_client: httpx.Client, studio_workspace: Path) -> None:
    (studio_workspace / "reelforge.toml").write_text("[video]\nmode = 'cinema'\n")
    answer = studio_client.get("/runs")
    assert answer.status_code == 400
    assert "reelforge.toml: mode=&#39;cinema&#39; must be one of shorts, explainer, demo" in answer.text
    assert "fix: " in answer.text and "reelforge.toml" in answer.text
