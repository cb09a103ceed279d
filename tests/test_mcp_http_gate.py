"""The bearer-token gate in front of the streamable HTTP app, and the token file made when none is set."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import anyio
import pytest

from reelforge.mcp.http import BearerTokenGate, token_file_with_new_token


async def call(gate: BearerTokenGate, headers: list[tuple[bytes, bytes]]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    await gate({"type": "http", "method": "POST", "path": "/mcp", "headers": headers}, receive, send)
    return sent


def test_only_the_exact_bearer_token_reaches_the_app() -> None:
    reached: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})

    gate = BearerTokenGate(app, "s3cret")
    for headers in ([], [(b"authorization", b"Bearer wrong")], [(b"authorization", b"s3cret")],
                    [(b"authorization", b"Bearer s3cret ")]):
        sent = anyio.run(call, gate, headers)
        assert sent[0]["status"] == 401 and (b"www-authenticate", b"Bearer") in sent[0]["headers"]
        assert b"s3cret" not in sent[1]["body"]
    assert reached == []
    ok = anyio.run(call, gate, [(b"authorization", b"Bearer s3cret")])
    assert ok[0]["status"] == 200 and reached == ["/mcp"]


def test_an_empty_token_is_refused() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        pass

    with pytest.raises(ValueError):
        BearerTokenGate(app, "")


def test_a_new_token_file_is_private_and_random(tmp_path: Path) -> None:
    first = token_file_with_new_token(tmp_path).read_text().strip()
    path = token_file_with_new_token(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = path.read_text().strip()
    assert len(second) >= 40 and second != first
