"""The studio's gate: Host check (400), token cookie (401), CSRF on POST (403), and files only from inside
the workspace (404 for ``..``, ``%2e%2e``, absolute paths and symlinks out, with nothing read outside)."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.studio.conftest import StudioServer, csrf_of, logged_in_client


def raw_get(server: StudioServer, path: str, *, host: str | None = None, cookie: bool = True) -> tuple[int, bytes]:
    """A GET whose path goes on the wire exactly as written (httpx would normalise ``..``)."""
    parts = urlsplit(server.base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Host": host or parts.netloc}
    if cookie:
        headers["Cookie"] = f"reelforge_studio={server.token}"
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def test_without_the_token_nothing_is_served(studio_server: StudioServer) -> None:
    for path in ("/", "/runs", "/static/studio.css", "/files/x.png", "/tasks/abc"):
        status, body = raw_get(studio_server, path, cookie=False)
        assert status == 401, path
        assert b"login link" in body
    status, _ = raw_get(studio_server, "/?token=not-the-token", cookie=False)
    assert status == 401


def test_login_link_sets_a_strict_httponly_cookie_and_drops_the_token_from_the_url(
        studio_server: StudioServer) -> None:
    with httpx.Client(base_url=studio_server.base_url) as client:
        answer = client.get(f"/runs?token={studio_server.token}&status=failed")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/runs?status=failed"
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert client.get("/static/studio.css").status_code == 200


def test_a_foreign_host_header_is_refused(studio_server: StudioServer) -> None:
    port = urlsplit(studio_server.base_url).port
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1:1", f"rebind.attacker.test:{port}"):
        status, _ = raw_get(studio_server, "/static/studio.css", host=host)
        assert status == 400, host
    assert raw_get(studio_server, "/static/studio.css", host=f"localhost:{port}")[0] == 200


def test_post_without_the_csrf_token_is_refused(studio_server: StudioServer, studio_workspace: Path) -> None:
    with logged_in_client(studio_server) as client:
        assert client.post("/tasks/none", data={"x": "1"}).status_code == 403
        assert client.post("/tasks/none", data={"csrf": "wrong"}).status_code == 403
        assert client.post("/tasks/none", headers={"X-CSRF-Token": "wrong"}).status_code == 403
        csrf = csrf_of(client.get("/runs").text)
        assert csrf and csrf != studio_server.token
        # right token: the gate lets it through to the router (no POST route there: 405, not 403)
        assert client.post("/tasks/none", data={"csrf": csrf}).status_code == 405
        assert client.post("/tasks/none", headers={"X-CSRF-Token": csrf}).status_code == 405
        foreign = client.post("/tasks/none", headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"})
        assert foreign.status_code == 403


def test_traversal_is_404_and_reads_nothing_outside(studio_server: StudioServer, studio_workspace: Path,
                                                     tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-OUTSIDE")
    (studio_workspace / "inside.txt").write_text("hello inside")
    (studio_workspace / "out.txt").symlink_to(secret)
    (studio_workspace / "outdir").symlink_to(tmp_path)
    hidden = studio_workspace / ".reelforge"
    hidden.mkdir()
    (hidden / "mcp-token.txt").write_text("HIDDEN-TOKEN")
    (studio_workspace / "peek").symlink_to(hidden)
    (studio_workspace / "peek.txt").symlink_to(hidden / "mcp-token.txt")
    assert raw_get(studio_server, "/files/inside.txt") == (200, b"hello inside")
    for path in ("/files/../secret.txt", "/files/%2e%2e/secret.txt", "/files/%2E%2E%2Fsecret.txt",
                 "/files/..%2fsecret.txt", f"/files/{secret}", f"/files//{secret}", "/files/out.txt",
                 "/files/outdir/secret.txt", "/files/.reelforge/mcp-token.txt", "/files/inside.txt%00.png",
                 "/files/", "/files/nothing.png", "/static/../security.py", "/files/peek/mcp-token.txt",
                 "/files/peek.txt"):
        status, body = raw_get(studio_server, path)
        assert status == 404, (path, status)
        assert b"TOP-SECRET" not in body and b"HIDDEN-TOKEN" not in body, path


PLANTED = "sk-planted-4f3a9c1e7b2d6058"


@pytest.mark.slow
def test_a_planted_key_and_urls_appear_in_no_page(studio_server: StudioServer, video_run: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "GEMINI_API_KEY", "PEXELS_API_KEY", "FAL_KEY", "ARK_API_KEY",
                 "REELFORGE_MCP_TOKEN"):
        monkeypatch.setenv(name, PLANTED)
    manifest_path = video_run / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["captureUrlMasked"] = "https://app.example.com/reports/export"
    manifest["warnings"] = [f"stock search https://api.pexels.test/v1/search?query=x&key={PLANTED} answered 500",
                            "scene-02 fell back to a designed card"]
    manifest["stages"][0]["warnings"] = ["retried https://queue.fal.test/requests/9?sig=SIGNEDQUERY"]
    manifest_path.write_text(json.dumps(manifest))
    pages = ["/runs", f"/runs/{video_run.name}", "/runs?status=succeeded", "/assets", "/renders", "/trace", "/new"]
    with logged_in_client(studio_server) as client:
        bodies = {path: client.get(path).text for path in pages}
        csrf = csrf_of(bodies["/runs"])
        task = client.post(f"/runs/{video_run.name}/verify", headers={"X-CSRF-Token": csrf}).json()["taskId"]
        bodies["events"] = client.get(f"/tasks/{task}/events").text
        bodies["status"] = client.get(f"/tasks/{task}").text
    assert "scene-02 fell back to a designed card" in bodies[f"/runs/{video_run.name}"]
    assert "[URL hidden]" in bodies[f"/runs/{video_run.name}"]
    for path, body in bodies.items():
        for secret in (PLANTED, studio_server.token, "app.example.com", "api.pexels.test", "SIGNEDQUERY"):
            assert secret not in body, (path, secret)


def test_a_video_being_rerendered_is_served_from_its_set_aside_copy(studio_server: StudioServer,
                                                                     studio_workspace: Path, tmp_path: Path) -> None:
    run = studio_workspace / "videos" / "r1"
    run.mkdir(parents=True)
    (run / "clip.previous.mp4").write_bytes(b"earlier bytes")
    (run / "still.previous.png").write_bytes(b"png")
    (tmp_path / "outside.previous.mp4").write_bytes(b"OUTSIDE")
    assert raw_get(studio_server, "/files/videos/r1/clip.mp4") == (200, b"earlier bytes")
    assert raw_get(studio_server, "/files/videos/r1/still.png")[0] == 404  # only videos are moved aside
    for path in ("/files/../outside.mp4", "/files/%2e%2e/outside.mp4", f"/files/{tmp_path}/outside.mp4"):
        status, body = raw_get(studio_server, path)
        assert status == 404 and b"OUTSIDE" not in body, path


def test_a_file_renamed_after_it_was_found_is_still_served_whole(tmp_path: Path) -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from reelforge.studio.files import file_response

    video = tmp_path / "clip.mp4"
    video.write_bytes(b"0123456789" * 1000)

    async def swap(request: Request) -> Response:
        response = file_response(video)
        video.replace(tmp_path / "clip.previous.mp4")  # what a re-render does first
        return response

    with TestClient(Starlette(routes=[Route("/v", swap)])) as client:
        answer = client.get("/v", headers={"Range": "bytes=10-19"})
    assert answer.status_code == 206 and answer.content == b"0123456789"


def test_the_login_redirect_never_leaves_the_host(studio_server: StudioServer) -> None:
    parts = urlsplit(studio_server.base_url)
    for path, expected in ((f"//evil.example/?token={studio_server.token}", "/"),
                           (f"/%5Cevil.example?token={studio_server.token}", "/"),
                           (f"/runs?token={studio_server.token}", "/runs")):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        conn.request("GET", path, headers={"Host": parts.netloc})
        answer = conn.getresponse()
        assert answer.status == 303 and answer.getheader("location") == expected, path
        conn.close()


def test_a_malformed_form_is_refused_like_a_missing_token(studio_server: StudioServer) -> None:
    with logged_in_client(studio_server) as client:
        bad = client.post("/runs/x/verify", content=b"--nope\r\nbroken",
                          headers={"Content-Type": "multipart/form-data; boundary=zzz"})
        assert bad.status_code == 403
        csrf = csrf_of(client.get("/runs").text)
        good = client.post("/runs/x/verify", files={"f": ("a.txt", b"x")}, data={"csrf": csrf})
        assert good.status_code == 404  # past the gate (multipart with the token), then no such run
