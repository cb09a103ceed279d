"""The gate in front of every page: Host check, token cookie, CSRF on every POST, body size limit.

Order matters: a request for a foreign Host is refused (400) before anything else, so a DNS-rebinding page
learns nothing; then the token (401); then, for a state-changing method, the CSRF token (403). The token
travels once in the login URL printed at start and lives on as an HttpOnly, SameSite=Strict cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from html import escape
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.requests import Request

if TYPE_CHECKING:
    from reelforge.studio.app import StudioConfig

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "reelforge_studio"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_WILDCARD_BINDS = frozenset({"0.0.0.0", "::", ""})
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; media-src 'self'; "
                                 b"script-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would send "Origin: null" on POST
    (b"cache-control", b"no-store"),
]


def csrf_for(token: str) -> str:
    """The CSRF token of a session: derived from (never equal to) the login token, so pages need not carry it."""
    return hmac.new(token.encode(), b"reelforge-studio-csrf", hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    return csrf_for(request.app.state.config.token)


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """Host header values naming this server; for a wildcard bind see ``host_allowed``."""
    names = {host, f"{host}:{port}"}
    if host == "127.0.0.1":
        names |= {"localhost", f"localhost:{port}"}
    if ":" in host:  # IPv6 literal
        names |= {f"[{host}]", f"[{host}]:{port}"}
    return frozenset(names)


def _is_ip_literal(value: str) -> bool:
    name = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
    name = name.strip("[]").split("]:")[0]
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(header: str, host: str, port: int) -> bool:
    """A bind to a wildcard address accepts IP literals only: DNS rebinding needs a name to rebind."""
    if host in _WILDCARD_BINDS:
        return _is_ip_literal(header)
    return header in allowed_hosts(host, port)


async def _send_text(send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = (f"<!doctype html><meta charset=utf-8><title>{status}</title>"
            f"<h1>{status} {HTTPStatus(status).phrase}</h1><p>{escape(text)}</p>").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS, *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    pass


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, then: Receive | None = None) -> Receive:
    """A receive that hands out ``body`` once, then waits on ``then`` (the real one: a disconnect is real)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then() if then is not None else {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, config: StudioConfig) -> None:
        if not config.token:
            raise ValueError("an empty studio token would let anyone in")
        self.app = app
        self.config = config
        self._csrf = csrf_for(config.token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # the studio has none; never let one past the gate
            await receive()
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not host_allowed(headers.get("host", ""), self.config.host, self.config.port):
            await _send_text(send, 400, "this server answers only to the address it was started on")
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if "token" in query:
            await self._login(scope, query, send)
            return
        if not self._has_cookie(headers):
            await _send_text(send, 401, "open the login link printed by `reelforge studio` (it carries the token)")
            return
        if scope["method"] in _UNSAFE_METHODS:
            receive = await self._checked_body(scope, headers, receive, send)
            if receive is None:
                return
        await self.app(scope, receive, self._with_headers(send))

    def _has_cookie(self, headers: Headers) -> bool:
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and hmac.compare_digest(value.encode(), self.config.token.encode()):
                return True
        return False

    async def _login(self, scope: Scope, query: dict[str, str], send: Send) -> None:
        if not hmac.compare_digest(query["token"].encode(), self.config.token.encode()):
            await _send_text(send, 401, "that token is not this server's; use the link printed at start")
            return
        rest = urlencode({k: v for k, v in query.items() if k != "token"})
        path = scope.get("path", "/")
        if not path.startswith("/") or path.startswith("//") or "\\" in path:  # never a redirect off this host
            path = "/"
        location = path + (f"?{rest}" if rest else "")
        cookie = f"{COOKIE}={self.config.token}; HttpOnly; SameSite=Strict; Path=/"
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode()), (b"set-cookie", cookie.encode()),
                                (b"content-length", b"0"), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": b""})

    async def _checked_body(self, scope: Scope, headers: Headers, receive: Receive, send: Send) -> Receive | None:
        """The request body, read once (size-limited) and replayed, when its CSRF token is right; else None."""
        origin = headers.get("origin")
        if origin and not host_allowed(origin.split("://", 1)[-1], self.config.host, self.config.port):
            await _send_text(send, 403, "cross-origin request refused")
            return None
        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.config.max_body_bytes:
            await _send_text(send, 413, f"request body over {self.config.max_body_bytes} bytes")
            return None
        try:
            body = await _read_body(receive, self.config.max_body_bytes)
        except _BodyTooLarge:
            await _send_text(send, 413, f"request body over {self.config.max_body_bytes} bytes")
            return None
        given = headers.get(CSRF_HEADER)
        if given is None:
            try:
                form = await Request(scope, _replay(body)).form()
            except Exception:  # a malformed body has no readable token: the same 403 as a missing one
                form = None
            if form is not None:
                value = form.get(CSRF_FIELD)
                given = value if isinstance(value, str) else None
                await form.close()
        if given is None or not hmac.compare_digest(given.encode(), self._csrf.encode()):
            await _send_text(send, 403, "missing or wrong CSRF token; reload the page and try again")
            return None
        return _replay(body, receive)

    def _with_headers(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in SECURITY_HEADERS if h[0] not in present)]
            await send(message)

        return wrapped
