"""Seedance 2.0 through the BytePlus / Volcengine Ark content-generation task API, with httpx.

    POST {base}/contents/generations/tasks        -> {"id": "cgt-..."}
    GET  {base}/contents/generations/tasks/{id}   -> {"id", "model", "status", "content": {"video_url",
                                                      "last_frame_url"?}, "usage", "error"?, "seed", ...}

Statuses on the wire: queued, running, succeeded, failed, expired, cancelled (the same words we use).
The body is ``{model, content[], resolution, ratio, duration, seed, watermark, generate_audio,
return_last_frame}``; ``content`` holds one text item (the compiled prompt) and the media of the mode:
``image_url`` items with role first_frame / last_frame / reference_image, ``video_url`` with
reference_video, ``audio_url`` with reference_audio. Media go as URLs (presigned uploads) or, for images
and audio, as base64 data URIs, which Ark accepts. The base URL is the image adapter's
(``REELFORGE_ARK_BASE_URL``, default BytePlus ap-southeast) and so is the key (``ARK_API_KEY``).
The official Ark runtime SDK only ships inside the all-services BytePlus/Volcengine SDKs, so this is httpx.
"""

from __future__ import annotations

from typing import Any

from reelforge.errors import ProviderCallError
from reelforge.providers import http
from reelforge.providers.image.base import api_key, base_url
from reelforge.providers.video.base import VideoJob, VideoResult, redact_body
from reelforge.providers.video.spec import VideoModel

DEFAULT_BASE_URL = "https://ark.ap-southeast.bytepluses.com/api/v3"
KEY_ENV = "ARK_API_KEY"
TASKS = "/contents/generations/tasks"
_STATUSES = ("queued", "running", "succeeded", "failed", "expired", "cancelled")
_ITEM = {"image": "image_url", "video": "video_url", "audio": "audio_url"}


class ArkSeedance(http.OwnsClient):
    vendor = "ark"
    key_env: str | None = KEY_ENV
    models = (VideoModel("video-seedance-2", "seedance", "ark", "dreamina-seedance-2-0-260128",
                         ("1080p", "720p", "480p"), {"1080p": 0.68, "720p": 0.30, "480p": 0.15}, tuple(range(4, 16))),
              VideoModel("video-seedance-2-fast", "seedance", "ark", "dreamina-seedance-2-0-fast-260128",
                         ("720p", "480p"), {"720p": 0.24, "480p": 0.12}, tuple(range(4, 16))))

    def __init__(self, *, deadlines: http.Deadlines | None = None) -> None:
        self._client = http.client(deadlines)

    def _url(self, suffix: str = "") -> str:
        return base_url("ark", DEFAULT_BASE_URL).rstrip("/") + TASKS + suffix

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_key(KEY_ENV) or ''}", "Content-Type": "application/json"}

    def body(self, job: VideoJob) -> dict[str, Any]:
        return ark_body(job)

    def submit(self, job: VideoJob) -> VideoResult:
        _, parsed, text = http.call_json(self._client, "POST", self._url(), headers=self._headers(),
                                         body=self.body(job), what="Ark video tasks")
        task_id = parsed.get("id")
        if not isinstance(task_id, str) or not task_id:
            raise ProviderCallError("malformed", "Ark answered the task creation without an id", raw_body=text)
        return VideoResult("queued", redact_body(parsed), handle=task_id, prediction_id=task_id,
                           provider_status="created")

    def poll(self, handle: str) -> VideoResult:
        _, task, text = http.call_json(self._client, "GET", self._url(f"/{handle}"), headers=self._headers(),
                                  what="Ark video task status")
        return parse_task(task, text, handle)


def ark_body(job: VideoJob) -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "text", "text": job.prompt}]
    for ref in job.media:
        item = _ITEM[ref.kind]
        content.append({"type": item, item: {"url": ref.wire}, "role": ref.role})
    body: dict[str, Any] = {"model": job.vendor_model, "content": content, "watermark": False}
    for key, value in (("resolution", job.resolution), ("ratio", job.ratio), ("duration", job.duration),
                       ("seed", job.seed), ("generate_audio", job.generate_audio)):
        if value is not None:
            body[key] = value
    if job.return_last_frame:
        body["return_last_frame"] = True
    return body


def parse_task(task: dict[str, Any], text: str, handle: str) -> VideoResult:
    status = task.get("status")
    if status not in _STATUSES:
        raise ProviderCallError("malformed", f"Ark task {handle} has an unknown status {status!r}", raw_body=text)
    content = task.get("content") if isinstance(task.get("content"), dict) else {}
    video_url = content.get("video_url") if status == "succeeded" else None
    if status == "succeeded" and not isinstance(video_url, str):
        raise ProviderCallError("malformed", f"Ark task {handle} succeeded without content.video_url", raw_body=text)
    error = task.get("error") if isinstance(task.get("error"), dict) else None
    if status in ("failed", "expired", "cancelled") and error is None:
        error = {"code": status, "message": f"the task ended {status}"}
    return VideoResult(status, redact_body(task), handle=handle, prediction_id=str(task.get("id") or handle),
                       video_url=video_url, last_frame_url=content.get("last_frame_url"), error=error,
                       usage=task.get("usage"), provider_status=status)
