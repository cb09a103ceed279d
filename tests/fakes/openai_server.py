"""Fake OpenAI Images: POST /v1/images/generations (JSON) and /v1/images/edits (multipart).

Answers ``{created, data: [{b64_json}] | [{url}], usage}`` like the real API; ``mode="url"`` answers URLs.
"""

from __future__ import annotations

import base64
import json
import time
from http.server import BaseHTTPRequestHandler

from tests.fakes._http import FakeVendor, png_bytes


class OpenAIFake(FakeVendor):
    def __init__(self, *, latency: float = 0.0, mode: str = "b64") -> None:
        super().__init__(latency=latency)
        self.mode = mode

    def post(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        if path == "/v1/images/generations":
            params = json.loads(body)
        elif path == "/v1/images/edits":
            ctype = handler.headers.get("Content-Type", "")
            if not ctype.startswith("multipart/form-data") or b'name="image' not in body:
                self.send(handler, 400, self.error_body("image file required"))
                return
            params = {"prompt": "edit", "multipart": True}
        else:
            self.send(handler, 404, self.error_body("no route"))
            return
        n = self.count_submit({"path": path, **params})
        image = b"<!doctype html><html>quota page</html>" if self.not_image else png_bytes(n)
        item = {"url": self.add_file(n)} if self.mode == "url" else {"b64_json": base64.b64encode(image).decode()}
        self.send(handler, 200, {"created": int(time.time()), "data": [item], "output_format": "png",
                                 "usage": {"input_tokens": 10, "output_tokens": 100, "total_tokens": 110}})
