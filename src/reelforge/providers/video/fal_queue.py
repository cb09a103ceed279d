"""fal.ai queue API (https://queue.fal.run) with httpx: InfiniteTalk talking heads and Kling motion control.

    POST {base}/{model_id}                  -> {request_id, response_url, status_url, cancel_url}
    GET  {response_url}/status              -> 202 {status: IN_QUEUE|IN_PROGRESS, queue_position}
                                               200 {status: COMPLETED, error?, error_type?}
    GET  {response_url}                     -> 200 {video: {url, content_type, file_size}, ...}
                                               4xx/5xx {detail, error_type?} when the request failed

Authorization is ``Key $FAL_KEY``. fal has no "expired" state: a result that is gone (404/410 on the
response URL after COMPLETED) is reported as ``expired``; COMPLETED with an error, a 422 validation
answer, or a stored 5xx that names an ``error_type`` is ``failed``. A bare 5xx stays a transient error
for the runner to retry. The handle is the ``response_url`` fal returned (fal asks clients to use the
URLs it returns, not to build them); it must share scheme and host with the base URL, so the key is
never sent anywhere else. ``fal-client`` exists, but its queue calls hide the status codes this needs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from reelforge.errors import ProviderCallError
from reelforge.providers import http
from reelforge.providers.image.base import api_key, base_url
from reelforge.providers.video.base import VideoJob, VideoResult, redact_body

DEFAULT_BASE_URL = "https://queue.fal.run"
KEY_ENV = "FAL_KEY"
_STATUS = {"IN_QUEUE": "queued", "IN_PROGRESS": "running"}


class FalQueue:
    vendor = "fal"
    key_env: str | None = KEY_ENV

    def __init__(self, *, deadlines: http.Deadlines | None = None) -> None:
        self._client = http.client(deadlines)

    @property
    def base(self) -> str:
        return base_url("fal", DEFAULT_BASE_URL).rstrip("/")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Key {api_key(KEY_ENV) or ''}", "Content-Type": "application/json"}

    def body(self, job: VideoJob) -> dict[str, Any]:
        return fal_body(job)

    def submit(self, job: VideoJob) -> VideoResult:
        _, parsed, text = http.call_json(self._client, "POST", f"{self.base}/{job.vendor_model}",
                                         headers=self._headers(), body=self.body(job), what="fal queue submit")
        request_id, response_url = parsed.get("request_id"), parsed.get("response_url")
        if not isinstance(request_id, str) or not isinstance(response_url, str):
            raise ProviderCallError("malformed", "fal answered the submit without request_id/response_url",
                                    raw_body=text)
        self._check_same_host(response_url, text)
        return VideoResult("queued", redact_body(parsed), handle=response_url, prediction_id=request_id,
                           provider_status=str(parsed.get("status") or "IN_QUEUE"))

    def _check_same_host(self, url: str, text: str) -> None:
        ours, theirs = urlsplit(self.base), urlsplit(url)
        if (ours.scheme, ours.netloc) != (theirs.scheme, theirs.netloc):
            raise ProviderCallError("malformed", "fal returned a response_url on another host; refusing to send the "
                                    "key there", raw_body=text)

    def poll(self, handle: str) -> VideoResult:
        self._check_same_host(handle, "")
        request_id = handle.rstrip("/").rsplit("/", 1)[-1]
        _, status, text = http.call_json(self._client, "GET", f"{handle}/status", headers=self._headers(),
                                    what="fal queue status")
        word = status.get("status")
        if word in _STATUS:
            return VideoResult(_STATUS[word], redact_body(status), handle=handle, prediction_id=request_id,  # type: ignore[arg-type]
                               provider_status=word)
        if word != "COMPLETED":
            raise ProviderCallError("malformed", f"fal status {word!r} is not one of IN_QUEUE, IN_PROGRESS, "
                                    "COMPLETED", raw_body=text)
        if status.get("error"):
            return VideoResult("failed", redact_body(status), handle=handle, prediction_id=request_id,
                               provider_status=word, error={"message": str(status["error"]),
                                                            "code": status.get("error_type")})
        return self._result(handle, request_id)

    def _result(self, handle: str, request_id: str) -> VideoResult:
        code, body, text = http.call_json(self._client, "GET", handle, headers=self._headers(), what="fal queue result",
                                     ok_statuses=(400, 404, 410, 422, 500, 502, 503, 504))
        if code in (404, 410):
            return VideoResult("expired", redact_body(body), handle=handle, prediction_id=request_id,
                               provider_status=f"COMPLETED/{code}",
                               error={"code": "result_gone", "message": "fal no longer holds the result"})
        if code >= 500 and not body.get("error_type"):
            raise ProviderCallError("http", f"fal queue result answered HTTP {code}", status=code, raw_body=text)
        if code >= 400:
            return VideoResult("failed", redact_body(body), handle=handle, prediction_id=request_id,
                               provider_status=f"COMPLETED/{code}",
                               error={"code": body.get("error_type") or str(code), "message": str(body.get("detail"))})
        video = body.get("video") if isinstance(body.get("video"), dict) else None
        url = video.get("url") if video else None
        if not isinstance(url, str):
            raise ProviderCallError("malformed", "fal result has no video.url", raw_body=text)
        return VideoResult("succeeded", redact_body(body), handle=handle, prediction_id=request_id, video_url=url,
                           provider_status="COMPLETED", usage={"seed": body.get("seed")} if "seed" in body else None)


def fal_body(job: VideoJob) -> dict[str, Any]:
    if job.route == "talking-head":
        image, audio = job.first("subject"), job.first("audio")
        body: dict[str, Any] = {"image_url": image.wire if image else None,
                                "audio_url": audio.wire if audio else None, "prompt": job.prompt}
        if job.resolution:
            body["resolution"] = job.resolution
        if job.num_frames:
            body["num_frames"] = job.num_frames
        if job.seed is not None and job.seed >= 0:
            body["seed"] = job.seed
        return body
    if job.route == "motion-transfer":
        image, motion = job.first("subject"), job.first("motion")
        body = {"image_url": image.wire if image else None, "video_url": motion.wire if motion else None,
                "character_orientation": job.character_orientation}
        if job.prompt:
            body["prompt"] = job.prompt
        if job.negative_prompt:
            body["negative_prompt"] = job.negative_prompt
        if job.keep_original_sound is not None:
            body["keep_original_sound"] = job.keep_original_sound
        return body
    raise ProviderCallError("http", f"fal has no body for route {job.route}", status=400)
