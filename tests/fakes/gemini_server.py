"""Fake Gemini: POST /v1[beta]/models/{model}:generateContent with x-goog-api-key.

Answers candidates[0].content.parts with ``inlineData`` (base64 PNG); ``mode="file"`` answers ``fileData``
URIs instead, so the download path can be exercised.
"""

from __future__ import annotations

import base64
import json
from http.server import BaseHTTPRequestHandler

from tests.fakes._http import FakeVendor, png_bytes


class GeminiFake(FakeVendor):
    def __init__(self, *, latency: float = 0.0, mode: str = "inline") -> None:
        super().__init__(latency=latency)
        self.mode = mode

    def authorized(self, handler: BaseHTTPRequestHandler) -> bool:
        return handler.headers.get("x-goog-api-key") == self.key

    def error_body(self, message: str) -> dict[str, object]:
        return {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}

    def post(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        if not (path.startswith(("/v1beta/models/", "/v1/models/")) and path.endswith(":generateContent")):
            self.send(handler, 404, self.error_body("no route"))
            return
        params = json.loads(body)
        n = self.count_submit({"path": path, **params})
        if self.mode == "file":
            part = {"fileData": {"mimeType": "image/png", "fileUri": self.add_file(n)}}
        else:
            part = {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(png_bytes(n)).decode()}}
        self.send(handler, 200, {"candidates": [{"content": {"role": "model", "parts": [{"text": "here"}, part]},
                                                 "finishReason": "STOP", "index": 0}],
                                 "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 1290},
                                 "modelVersion": "gemini-3.1-flash-image-preview"})
