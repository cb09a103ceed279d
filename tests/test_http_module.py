"""providers/http.py with an injected transport: error mapping, JSON calls, checked downloads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from reelforge.errors import DownloadError, ProviderCallError
from reelforge.media.checks import check_image_file
from reelforge.providers import http
from tests.fakes._http import png_bytes


def _client(handler: object) -> httpx.Client:
    return http.client(http.Deadlines(1.0, 2.0, 2.0), transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


def test_json_calls_map_every_failure_into_the_error_tree() -> None:
    answers = iter([httpx.Response(200, json={"ok": True}), httpx.Response(429, headers={"Retry-After": "3"}),
                    httpx.Response(200, text="<html>")])
    c = _client(lambda request: next(answers))
    assert http.call_json(c, "GET", "https://vendor.test/x", headers={}, what="vendor")[1] == {"ok": True}
    with pytest.raises(ProviderCallError) as info:
        http.call_json(c, "GET", "https://vendor.test/x", headers={}, what="vendor")
    assert info.value.call_kind == "http" and info.value.status == 429 and info.value.retry_after == 3.0
    with pytest.raises(ProviderCallError) as info:
        http.call_json(c, "GET", "https://vendor.test/x", headers={}, what="vendor")
    assert info.value.call_kind == "malformed" and info.value.raw_body == "<html>"


@pytest.mark.parametrize(("exc", "kind", "sent"), [
    (httpx.ConnectError("refused"), "connect", False),
    (httpx.ConnectTimeout("slow"), "connect", False),
    (httpx.ReadTimeout("slow"), "timeout", True),
    (httpx.RemoteProtocolError("cut"), "connection", True),
])
def test_map_error_tells_never_sent_from_maybe_sent(exc: httpx.HTTPError, kind: str, sent: bool) -> None:
    mapped = http.map_error(exc, "vendor")
    assert mapped.call_kind == kind and mapped.sent is sent
    assert mapped.exit_code == (6 if kind == "timeout" else 5)


def test_download_checks_before_it_records_and_returns_the_sha256(tmp_path: Path) -> None:
    data = png_bytes(3)
    c = _client(lambda request: httpx.Response(200, content=data if request.url.path == "/ok.png" else b"<html>no"))
    dest = tmp_path / "out.png"
    got = http.download("https://cdn.test/ok.png?sig=SECRET", dest, http=c,
                        check=lambda p: check_image_file(p, "image/png", what="out"))
    assert got.sha256 == hashlib.sha256(data).hexdigest() and dest.read_bytes() == data
    bad = tmp_path / "bad.png"
    with pytest.raises(DownloadError) as info:
        http.download("https://cdn.test/bad.png?sig=SECRET", bad, http=c,
                      check=lambda p: check_image_file(p, "image/png", what="bad"))
    assert "not an image" in info.value.message and "SECRET" not in info.value.message
    assert not bad.exists() and (tmp_path / "bad.png.rejected").read_bytes() == b"<html>no"
