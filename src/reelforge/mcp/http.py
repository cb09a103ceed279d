"""Streamable HTTP on 127.0.0.1 behind a bearer token (every request without the token gets 401)."""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from reelforge.workspace.atomic import write_text_atomic

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
LOOPBACK = "127.0.0.1"


class BearerTokenGate:
    """ASGI middleware: only requests carrying ``Authorization: Bearer <token>`` reach the MCP app."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        if not token:
            raise ValueError("an empty bearer token would let anyone in")
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"authorization", b"")
        if hmac.compare_digest(given, self._expected):
            await self.app(scope, receive, send)
            return
        body = json.dumps({"error": "unauthorized",
                           "hint": "send Authorization: Bearer <token> (REELFORGE_MCP_TOKEN)"}).encode()
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def token_file_with_new_token(internal: Path) -> Path:
    """No token in the environment: make one, readable only by this user, and name the file (never the token)."""
    path = internal / "mcp-token"
    write_text_atomic(path, secrets.token_urlsafe(32) + "\n", mode=0o600)
    return path


def serve_http(app: ASGIApp, token: str, port: int) -> None:
    import uvicorn

    config = uvicorn.Config(BearerTokenGate(app, token), host=LOOPBACK, port=port, log_level="warning",
                            access_log=False)
    uvicorn.Server(config).run()
