"""fal.ai hosted FLUX through fal's queue API (https://queue.fal.run), with the shared HTTP module.

    POST {base}/{model_id}          {prompt, image_size: {width, height}, num_images, seed?, output_format}
                                    -> {request_id, response_url, status_url, cancel_url}
    GET  {response_url}/status      -> 202 {status: IN_QUEUE | IN_PROGRESS}, 200 {status: COMPLETED, error?}
    GET  {response_url}             -> 200 {images: [{url, width, height, content_type}], seed, ...}
                                       4xx {detail} when the request failed; 404/410 when the result is gone

Authorization is ``Key $FAL_KEY``. Submit answers ``processing`` with the ``response_url`` as the handle;
the job kernel polls it. The handle must share scheme and host with the base URL, so the key is never
sent anywhere else. This module plus its row in ``providers/registry.py`` (and its endpoint keys in
``providers/image/catalog.py``) is the whole vendor.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from reelforge.errors import ProviderCallError
from reelforge.providers import http
from reelforge.providers.image.base import ProviderJob, ProviderOutput, ProviderResult, api_key, base_url, redact_json

DEFAULT_BASE_URL = "https://queue.fal.run"
KEY_ENV = "FAL_KEY"
_PENDING = ("IN_QUEUE", "IN_PROGRESS")


class FalFlux:
    vendor = "fal"
    key_env: str | None = KEY_ENV

    def __init__(self, *, deadlines: http.Deadlines | None = None) -> None:
        self._client = http.client(deadlines)

    @property
    def base(self) -> str:
        return base_url("fal", DEFAULT_BASE_URL).rstrip("/")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Key {api_key(KEY_ENV) or ''}", "Content-Type": "application/json"}

    def body(self, job: ProviderJob) -> dict[str, Any]:
        width, height = (int(x) for x in job.size.split("x"))
        body: dict[str, Any] = {"prompt": job.prompt, "image_size": {"width": width, "height": height},
                                "num_images": job.max_images, "enable_safety_checker": True,
                                "output_format": "jpeg" if job.output_format in ("jpeg", "jpg") else "png"}
        if job.seed is not None:
            body["seed"] = job.seed
        return body

    def submit(self, job: ProviderJob) -> ProviderResult:
        _, parsed, text = http.call_json(self._client, "POST", f"{self.base}/{job.vendor_model}",
                                         headers=self._headers(), body=self.body(job), what="fal queue submit")
        handle = parsed.get("response_url")
        if not isinstance(parsed.get("request_id"), str) or not isinstance(handle, str):
            raise ProviderCallError("malformed", "fal answered the submit without request_id/response_url",
                                    raw_body=text)
        self._same_host(handle, text)
        return ProviderResult("processing", redact_json(parsed), handle=handle)

    def poll(self, handle: str) -> ProviderResult:
        self._same_host(handle, "")
        _, status, text = http.call_json(self._client, "GET", f"{handle}/status", headers=self._headers(),
                                         what="fal queue status")
        word = status.get("status")
        if word in _PENDING:
            return ProviderResult("processing", redact_json(status), handle=handle)
        if word != "COMPLETED":
            raise ProviderCallError("malformed", f"fal status {word!r} is not IN_QUEUE, IN_PROGRESS or COMPLETED",
                                    raw_body=text)
        if status.get("error"):
            return ProviderResult("failed", redact_json(status), handle=handle,
                                  error={"message": str(status["error"]), "code": status.get("error_type")})
        code, body, text = http.call_json(self._client, "GET", handle, headers=self._headers(),
                                          what="fal queue result", ok_statuses=(400, 404, 410, 422))
        if code >= 400:
            gone = code in (404, 410)
            return ProviderResult("failed", redact_json(body), handle=handle,
                                  error={"code": "result_gone" if gone else body.get("error_type") or str(code),
                                         "message": "fal no longer holds the result" if gone
                                         else str(body.get("detail"))})
        return parse_result(body, text, handle)

    def _same_host(self, url: str, text: str) -> None:
        ours, theirs = urlsplit(self.base), urlsplit(url)
        if (ours.scheme, ours.netloc) != (theirs.scheme, theirs.netloc):
            raise ProviderCallError("malformed", "fal returned a response_url on another host; refusing to send the "
                                    "key there", raw_body=text)


def parse_result(body: dict[str, Any], text: str, handle: str) -> ProviderResult:
    images = body.get("images")
    if not isinstance(images, list):
        raise ProviderCallError("malformed", "fal result has no images list", raw_body=text)
    outputs: list[ProviderOutput] = []
    for i, image in enumerate(images):
        if not isinstance(image, dict) or not isinstance(image.get("url"), str):
            raise ProviderCallError("malformed", f"fal images[{i}] has no url", raw_body=text)
        outputs.append(ProviderOutput(i, "url", str(image.get("content_type") or "image/png"), url=image["url"]))
    nsfw = body.get("has_nsfw_concepts")
    error = {"message": "fal returned no image", "nsfw": nsfw} if not outputs else None
    return ProviderResult("completed" if outputs else "failed", redact_json(body), handle=handle, outputs=outputs,
                          usage={"seed": body.get("seed"), "timings": body.get("timings")}, error=error)
