"""Fake Ark content-generation task API: POST /api/v3/contents/generations/tasks, GET .../tasks/{id}.

Each task walks through ``plan`` (one status per GET, the last one repeats). ``hits`` counts every API call
(submits and polls), so a test can prove that nothing left the machine.
"""

from __future__ import annotations

import functools
import io
import json
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes._http import SECRET_SIG, FakeVendor

TASKS = "/api/v3/contents/generations/tasks"


@functools.lru_cache(maxsize=64)
def mp4_bytes(n: int) -> bytes:
    """A real two-frame 32x32 mp4 (PyAV opens and decodes it) whose colour, and so bytes, differ per n."""
    import av
    import numpy as np

    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=25)
        stream.width = stream.height = 32
        stream.pix_fmt = "yuv420p"
        for _ in range(2):
            frame = av.VideoFrame.from_ndarray(np.full((32, 32, 3), (n * 53) % 256, dtype=np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buf.getvalue()


class VideoFake(FakeVendor):
    """Shared by the video fakes: counted, scriptable GETs and mp4 files at signed-looking URLs."""

    def __init__(self, *, plan: list[str] | None = None) -> None:
        super().__init__()
        self.plan = plan or ["queued", "running", "succeeded"]
        self.hits = 0
        self.polls = 0
        self.bodies: list[dict[str, Any]] = []
        self.tasks: dict[str, list[str]] = {}
        self.counter_lock = threading.Lock()

    def authorized(self, handler: BaseHTTPRequestHandler) -> bool:
        with self.counter_lock:
            self.hits += 1
        return handler.headers.get("Authorization") == self.auth_value()

    def auth_value(self) -> str:
        return f"Bearer {self.key}"

    def add_video(self, n: int) -> str:
        name = f"video-{n}.mp4"
        self.files[name] = mp4_bytes(n)
        return f"{self.base}/files/{name}?X-Sig={SECRET_SIG}&Expires=99"

    def next_status(self, task_id: str) -> str:
        with self.counter_lock:
            steps = self.tasks[task_id]
            return steps.pop(0) if len(steps) > 1 else steps[0]

    def get(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        if not self.authorized(handler):
            self.send(handler, 401, self.error_body("invalid api key"))
            return
        if self.scripted(handler):
            return
        with self.counter_lock:
            self.polls += 1
        self.route_get(handler, path)

    def route_get(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        raise NotImplementedError


class ArkVideoFake(VideoFake):
    def post(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        if path != TASKS:
            self.send(handler, 404, self.error_body("no route"))
            return
        params = json.loads(body)
        n = self.count_submit(params)
        task_id = f"cgt-2026-{n:04d}"
        self.tasks[task_id] = list(self.plan)
        self.send(handler, 200, {"id": task_id})

    def route_get(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        task_id = path.rsplit("/", 1)[-1]
        if not path.startswith(TASKS + "/") or task_id not in self.tasks:
            self.send(handler, 404, self.error_body("task not found"))
            return
        status = self.next_status(task_id)
        params = self.requests[int(task_id.rsplit("-", 1)[-1]) - 1]
        task: dict[str, Any] = {"id": task_id, "model": params["model"], "status": status, "created_at": 1,
                                "updated_at": 2, "resolution": params.get("resolution"), "ratio": params.get("ratio"),
                                "duration": params.get("duration"), "seed": params.get("seed", 11)}
        if status == "succeeded":
            task["content"] = {"video_url": self.add_video(int(task_id[-4:]))}
            task["usage"] = {"completion_tokens": 108900, "total_tokens": 108900}
        elif status == "failed":
            task["error"] = {"code": "OutputVideoSensitiveContentDetected", "message": "the output was refused"}
        self.send(handler, 200, task)
