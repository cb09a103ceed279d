"""A loopback HTTP server that speaks Pexels' API: /v1/search (photos), /videos/search, and media downloads.

Shapes follow https://www.pexels.com/api/documentation/ (photos[].src presets, videos[].video_files[],
videos[].user). Behaviour is scripted per test: which key is valid, a queue of forced statuses (e.g. 429
with Retry-After), and every request is recorded (path, query, Authorization header).
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from PIL import Image


@dataclass
class Recorded:
    path: str
    query: dict[str, list[str]]
    authorization: str | None


@dataclass
class PexelsFake:
    valid_key: str = "test-key"
    forced: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (status, headers) served first
    requests: list[Recorded] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    base_url: str = ""

    def photo(self, pid: int, width: int, height: int) -> dict[str, Any]:
        orig = f"{self.base_url}/media/photos/{pid}/pexels-photo-{pid}.jpeg"
        q = "?auto=compress&cs=tinysrgb"
        return {
            "id": pid, "width": width, "height": height, "url": f"https://www.pexels.com/photo/{pid}/",
            "photographer": f"Photographer {pid}", "photographer_url": f"https://www.pexels.com/@p{pid}",
            "photographer_id": pid * 10, "avg_color": "#7E7E7E", "liked": False, "alt": "a test photo",
            "src": {"original": orig, "large2x": f"{orig}{q}&dpr=2&h=650&w=940", "large": f"{orig}{q}&h=650&w=940",
                    "medium": f"{orig}{q}&h=350", "small": f"{orig}{q}&h=130",
                    "portrait": f"{orig}{q}&fit=crop&h=1200&w=800",
                    "landscape": f"{orig}{q}&fit=crop&h=627&w=1200", "tiny": f"{orig}{q}&dpr=1&fit=crop&h=200&w=280"},
        }

    def video(self, vid: int, sizes: list[tuple[int, int]]) -> dict[str, Any]:
        files = [{"id": vid * 100 + k, "quality": "hd" if min(w, h) >= 720 else "sd", "file_type": "video/mp4",
                  "width": w, "height": h, "fps": 25.0,
                  "link": f"{self.base_url}/media/videos/{vid}/{w}x{h}.mp4"} for k, (w, h) in enumerate(sizes)]
        files.append({"id": vid * 100 + 99, "quality": "hls", "file_type": "hls", "width": None, "height": None,
                      "fps": None, "link": f"{self.base_url}/media/videos/{vid}/playlist.m3u8"})
        return {"id": vid, "width": max(w for w, _ in sizes), "height": max(h for _, h in sizes),
                "url": f"https://www.pexels.com/video/{vid}/", "image": f"{self.base_url}/media/{vid}.jpg",
                "duration": 8, "full_res": None, "tags": [],
                "user": {"id": vid * 7, "name": f"Videographer {vid}", "url": f"https://www.pexels.com/@v{vid}"},
                "video_files": files, "video_pictures": []}


def _jpeg(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 200)).save(buf, format="JPEG", quality=80)
    return buf.getvalue()


def _handler(fake: PexelsFake) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
            self._send(status, json.dumps(data).encode(), "application/json", headers)

        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            query = parse_qs(parsed.query)
            fake.requests.append(Recorded(parsed.path, query, self.headers.get("Authorization")))
            if parsed.path.startswith("/media/"):
                data = fake.media.get(parsed.path)
                if data is None:
                    self._json(404, {"error": "Not Found"})
                else:
                    self._send(200, data, "image/jpeg" if parsed.path.endswith(".jpeg") else "video/mp4")
                return
            if self.headers.get("Authorization") != fake.valid_key:
                self._json(401, {"error": "Unauthorized"})
                return
            if fake.forced:
                status, headers = fake.forced.pop(0)
                self._json(status, {"error": "Rate limit exceeded" if status == 429 else "error"}, headers)
                return
            per_page = int(query.get("per_page", ["15"])[0])
            if parsed.path == "/v1/search":
                photos = [fake.photo(1001, 3000, 4500), fake.photo(1002, 4000, 3000)][:per_page]
                self._json(200, {"total_results": 2, "page": 1, "per_page": per_page, "photos": photos,
                                 "next_page": ""})
            elif parsed.path == "/videos/search":
                videos = [fake.video(2001, [(640, 360), (1080, 1920), (2160, 3840), (720, 1280)])][:per_page]
                self._json(200, {"page": 1, "per_page": per_page, "total_results": 1, "videos": videos,
                                 "url": "https://www.pexels.com/videos/"})
            else:
                self._json(404, {"error": "Not Found"})

    return Handler


@contextmanager
def serve(fake: PexelsFake | None = None) -> Iterator[PexelsFake]:
    """Run the fake on 127.0.0.1 (free port) in a thread for the duration of the block."""
    fake = fake or PexelsFake()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    fake.media.setdefault("/media/photos/1001/pexels-photo-1001.jpeg", _jpeg(300, 450))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
