"""fal.ai InfiniteTalk talking heads and Kling motion control over fal's queue (the protocol: providers/fal.py).

    GET  {response_url}                     -> 200 {video: {url, content_type, file_size}, ...}
                                               4xx/5xx {detail, error_type?} when the request failed

fal has no "expired" state: a result that is gone (404/410 on the
response URL after COMPLETED) is reported as ``expired``; COMPLETED with an error, a 422 validation
answer, or a stored 5xx that names an ``error_type`` is ``failed``. A bare 5xx stays a transient error
for the runner to retry. ``fal-client`` exists, but its queue calls hide the status codes this needs.
"""

from __future__ import annotations

from typing import Any

from reelforge.errors import ProviderCallError
from reelforge.providers.fal import FalQueueClient
from reelforge.providers.video.base import VideoJob, VideoResult, redact_body
from reelforge.providers.video.spec import VideoModel

_STATUS = {"IN_QUEUE": "queued", "IN_PROGRESS": "running"}


class FalQueue(FalQueueClient):
    models = (VideoModel("video-infinitetalk", "talking-head", "fal", "fal-ai/infinitalk", ("720p", "480p"),
                         {"720p": 0.40, "480p": 0.20}),
              VideoModel("video-kling-v2-6-motion-control", "motion-transfer", "fal",
                         "fal-ai/kling-video/v2.6/{tier}/motion-control", ("pro", "standard"),
                         {"pro": 0.112, "standard": 0.07}))

    def body(self, job: VideoJob) -> dict[str, Any]:
        return fal_body(job)

    def submit(self, job: VideoJob) -> VideoResult:
        submitted = self.queue_submit(job.vendor_model, self.body(job))
        return VideoResult("queued", redact_body(submitted.body), handle=submitted.response_url,
                           prediction_id=submitted.request_id,
                           provider_status=str(submitted.body.get("status") or "IN_QUEUE"))

    def poll(self, handle: str) -> VideoResult:
        request_id = handle.rstrip("/").rsplit("/", 1)[-1]
        word, status = self.queue_status(handle)
        if word in _STATUS:
            return VideoResult(_STATUS[word], redact_body(status), handle=handle, prediction_id=request_id,  # type: ignore[arg-type]
                               provider_status=word)
        if status.get("error"):
            return VideoResult("failed", redact_body(status), handle=handle, prediction_id=request_id,
                               provider_status=word, error={"message": str(status["error"]),
                                                            "code": status.get("error_type")})
        return self._result(handle, request_id)

    def _result(self, handle: str, request_id: str) -> VideoResult:
        code, body, text = self.queue_result(handle, ok_statuses=(400, 404, 410, 422, 500, 502, 503, 504))
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
