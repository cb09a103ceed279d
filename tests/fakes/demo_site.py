"""A tiny multi-page site on 127.0.0.1 for demo web capture tests (stdlib http.server in a thread).

Each page is one solid colour, so a recording can be checked frame by frame:
  start (red) --1.5 s, location.href--> go --302 redirect--> blue --1.5 s, window.open--> popup (green)
Pages are found by the last path segment, so any prefix (a token-like path segment) works, and the
query string is ignored. Requests are never logged (a log line would print the planted secret).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

COLOURS: dict[str, tuple[int, int, int]] = {"red": (220, 40, 40), "blue": (40, 80, 220), "green": (40, 180, 60)}
STEP_MS = 1500


def _page(colour: str, script: str = "") -> bytes:
    r, g, b = COLOURS[colour]
    return (f"<!doctype html><html><head><title>{colour}</title><style>html,body{{margin:0;height:100%;"
            f"background:rgb({r},{g},{b})}}</style></head><body><div id='{colour}'></div>"
            f"<script>{script}</script></body></html>").encode()


PAGES: dict[str, bytes] = {
    "start": _page("red", f"setTimeout(() => {{ location.href = 'go'; }}, {STEP_MS});"),
    "blue": _page("blue", f"setTimeout(() => {{ window.open('popup', '_blank'); }}, {STEP_MS});"),
    "popup": _page("green"),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        name = urlsplit(self.path).path.rstrip("/").rsplit("/", 1)[-1]
        if name == "go":
            self.send_response(302)
            self.send_header("Location", "blue")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = PAGES.get(name)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def log_error(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_demo_site() -> Iterator[str]:
    """Serve the site; yields the base URL ``http://127.0.0.1:<port>``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
