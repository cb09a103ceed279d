"""Fake fal.ai queue: POST /{model_id}; GET /{owner}/{app}/requests/{id}/status and /requests/{id}.

Status answers 202 while IN_QUEUE / IN_PROGRESS and 200 when COMPLETED, like fal. The outcome after
COMPLETED is ``succeeded`` (a video), ``failed`` (422 with a detail list, as fal answers validation errors)
or ``expired`` (404: the result is gone). Authorization is ``Key <key>``.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.ark_video_server import VideoFake

_WORDS = {"queued": "IN_QUEUE", "running": "IN_PROGRESS"}


class FalFake(VideoFake):
    def __init__(self, *, plan: list[str] | None = None) -> None:
        super().__init__(plan=plan)
        self.models: list[str] = []

    def auth_value(self) -> str:
        return f"Key {self.key}"

    def post(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        params = json.loads(body)
        n = self.count_submit(params)
        model = path.strip("/")
        self.models.append(model)
        owner_app = "/".join(model.split("/")[:2])
        request_id = f"req-{n:04d}"
        self.tasks[request_id] = list(self.plan)
        url = f"{self.base}/{owner_app}/requests/{request_id}"
        self.send(handler, 200, {"request_id": request_id, "response_url": url, "status_url": f"{url}/status",
                                 "cancel_url": f"{url}/cancel", "status": "IN_QUEUE", "queue_position": 0})

    def route_get(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        parts = path.strip("/").split("/")
        status_call = parts[-1] == "status"
        request_id = parts[-2] if status_call else parts[-1]
        if request_id not in self.tasks:
            self.send(handler, 404, {"detail": "Request not found"})
            return
        if status_call:
            status = self.next_status(request_id)
            if status in _WORDS:
                self.send(handler, 202, {"status": _WORDS[status], "queue_position": 0,
                                         "response_url": path.rsplit("/", 1)[0]})
            else:
                self.send(handler, 200, {"status": "COMPLETED", "metrics": {"inference_time": 1.5}})
            return
        outcome = self.tasks[request_id][-1]
        if outcome == "failed":
            self.send(handler, 422, {"detail": [{"loc": ["body", "image_url"], "msg": "face not detected",
                                                 "type": "face_detection_error"}]})
        elif outcome == "expired":
            self.send(handler, 404, {"detail": "Request result not found"})
        else:
            self.send(handler, 200, self.success_body(int(request_id[-4:])))

    def success_body(self, n: int) -> dict[str, Any]:
        url = self.add_video(n)
        return {"video": {"url": url, "content_type": "video/mp4", "file_name": "out.mp4", "file_size": 2070},
                "seed": 42}


class FalImageFake(FalFake):
    """fal's hosted FLUX on the same queue: the result lists ``images`` (PNG files at signed-looking URLs)."""

    def success_body(self, n: int) -> dict[str, Any]:
        params = self.requests[n - 1]
        count = int(params.get("num_images", 1))
        size = params.get("image_size", {})
        return {"images": [{"url": self.add_file(n * 100 + i), "width": size.get("width"),
                            "height": size.get("height"), "content_type": "image/png"} for i in range(count)],
                "seed": params.get("seed", 42), "has_nsfw_concepts": [False] * count, "prompt": params["prompt"],
                "timings": {"inference": 1.2}}
