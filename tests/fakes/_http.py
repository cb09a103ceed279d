"""A small threaded HTTP server on 127.0.0.1 shared by the vendor fakes.

Each fake counts submissions, can be scripted to answer the next calls with 429 / 500 / 401 / a malformed
body, adds latency, and serves generated images at signed-looking URLs whose download can break halfway.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

SECRET_SIG = "sig-SECRET-0123456789"


def png_bytes(n: int, size: tuple[int, int] = (32, 48)) -> bytes:
    img = Image.new("RGB", size, ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


class FakeVendor:
    key = "test-key-abcdef123456"

    def __init__(self, *, latency: float = 0.0) -> None:
        self.latency = latency
        self.script: deque[str] = deque()
        self.submits = 0
        self.requests: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.break_downloads = 0
        self.downloads = 0
        self.in_flight = 0
        self.peak_in_flight = 0  # most POSTs being answered at one moment: how concurrent the client was
        self.html_downloads = False  # answer file downloads with 200 and an HTML page
        self.echo_key = False  # echo the request headers (the key among them) in every 200 JSON body
        self.not_image = False  # fakes that inline images send HTML bytes instead (valid base64)
        self.drip_s = 1.0  # the "drip" step sends one byte every drip_s seconds
        self.stop = threading.Event()  # ends "hang" and "drip" steps when the fake closes
        self.received = 0  # every POST that reached the fake, scripted or not
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._get(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fake._post(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeVendor:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()

    # ---- helpers for subclasses
    def send(self, handler: BaseHTTPRequestHandler, status: int, body: bytes | str | dict[str, Any],
             headers: dict[str, str] | None = None) -> None:
        if self.echo_key and status == 200 and isinstance(body, dict):
            body = {**body, "echo": {"headers": dict(handler.headers.items())}}
        data = json.dumps(body).encode() if isinstance(body, dict) else (
            body.encode() if isinstance(body, str) else body)
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            handler.send_header(k, v)
        handler.end_headers()
        handler.wfile.write(data)

    def scripted(self, handler: BaseHTTPRequestHandler) -> bool:
        """Answer from the script if it has a step; True when answered."""
        with self.lock:
            step = self.script.popleft() if self.script else None
        if step is None:
            return False
        if step == "429":
            self.send(handler, 429, self.error_body("rate limited"), {"Retry-After": "0.2"})
        elif step == "500":
            self.send(handler, 500, self.error_body("internal"))
        elif step == "401":
            self.send(handler, 401, self.error_body("bad key"))
        elif step == "400":
            self.send(handler, 400, self.error_body("bad request"))
        elif step == "malformed":
            self.send(handler, 200, '{"data": [ {"b64_json": "trunc')
        elif step == "hang":  # accept, read the request, never answer
            self.stop.wait(120)
        elif step == "drip":  # headers, then one byte every drip_s seconds: never a silent gap
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "100000")
            handler.end_headers()
            try:
                while not self.stop.wait(self.drip_s):
                    handler.wfile.write(b" ")
                    handler.wfile.flush()
            except OSError:
                pass
            handler.close_connection = True
        return True

    def error_body(self, message: str) -> dict[str, Any]:
        return {"error": {"message": message, "code": message.replace(" ", "_")}}

    def count_submit(self, record: dict[str, Any]) -> int:
        with self.lock:
            self.submits += 1
            self.requests.append(record)
            return self.submits

    def add_file(self, n: int) -> str:
        name = f"out-{n}.png"
        self.files[name] = png_bytes(n)
        return f"{self.base}/files/{name}?X-Sig={SECRET_SIG}&Expires=99"

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        if path.startswith("/files/") and path[7:] in self.files:
            data = self.files[path[7:]]
            if self.html_downloads:
                self.send(handler, 200, b"<!doctype html><html><body>Access denied</body></html>",
                          {"Content-Type": "text/html"})
                return
            with self.lock:
                self.downloads += 1
                broken = self.break_downloads > 0
                self.break_downloads -= broken
            handler.send_response(200)
            handler.send_header("Content-Type", "image/png")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data[: len(data) // 2] if broken else data)
            handler.wfile.flush()
            if broken:
                handler.close_connection = True
            return
        self.get(handler, path)

    def get(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        self.send(handler, 404, self.error_body("not found"))

    def _post(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        with self.lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            self.received += 1
        try:
            self._answer_post(handler, body)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _answer_post(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        if self.latency:
            time.sleep(self.latency)
        if not self.authorized(handler):
            self.send(handler, 401, self.error_body("invalid api key"))
            return
        if self.scripted(handler):
            return
        self.post(handler, handler.path.split("?", 1)[0], body)

    def authorized(self, handler: BaseHTTPRequestHandler) -> bool:
        return handler.headers.get("Authorization") == f"Bearer {self.key}"

    def post(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        raise NotImplementedError
