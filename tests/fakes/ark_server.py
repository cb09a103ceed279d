"""Fake Ark Seedream: POST /api/v3/images/generations; sequential answers ``max_images`` URLs."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler

from tests.fakes._http import FakeVendor


class ArkFake(FakeVendor):
    def post(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        if path != "/api/v3/images/generations":
            self.send(handler, 404, self.error_body("no route"))
            return
        params = json.loads(body)
        n = self.count_submit(params)
        count = 1
        if params.get("sequential_image_generation") == "auto":
            count = int(params.get("sequential_image_generation_options", {}).get("max_images", 1))
        data = [{"url": self.add_file(n * 100 + i), "size": params.get("size", "1440x2560")} for i in range(count)]
        self.send(handler, 200, {"model": params["model"], "created": int(time.time()), "data": data,
                                 "usage": {"generated_images": count, "output_tokens": 4096 * count,
                                           "total_tokens": 4096 * count}})
