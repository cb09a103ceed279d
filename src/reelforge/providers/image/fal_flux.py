"""fal.ai hosted FLUX through fal's queue API (https://queue.fal.run), with the shared HTTP module.

    POST {base}/{model_id}          {prompt, image_size: {width, height}, num_images, seed?, output_format}
                                    -> {request_id, response_url, status_url, cancel_url}
    GET  {response_url}/status      -> 202 {status: IN_QUEUE | IN_PROGRESS}, 200 {status: COMPLETED, error?}
    GET  {response_url}             -> 200 {images: [{url, width, height, content_type}], seed, ...}
                                       4xx {detail} when the request failed; 404/410 when the result is gone

The queue protocol itself (auth, submit, status, result, the same-host rule) is providers/fal.py.
Submit answers ``processing`` with the ``response_url`` as the handle; the job kernel polls it. This module
plus its row in ``providers/registry.py`` is the whole model route: the class declares its endpoint keys
and prices (``models``), which ``providers/image/catalog.py`` collects.
"""

from __future__ import annotations

from typing import Any

from reelforge.errors import ProviderCallError
from reelforge.providers.fal import PENDING, FalQueueClient
from reelforge.providers.image.base import ProviderJob, ProviderOutput, ProviderResult, redact_json
from reelforge.providers.image.spec import ModelSpec

_RATIOS = ("9:16", "16:9", "1:1", "4:5", "5:4", "3:4", "4:3", "2:3", "3:2")


class FalFlux(FalQueueClient):
    models = (ModelSpec("image-flux-dev-text", "fal", "text", "fal-ai/flux/dev", None, None, None, "1k", "0.5k",
                        False, 0.035, _RATIOS),)

    def body(self, job: ProviderJob) -> dict[str, Any]:
        width, height = (int(x) for x in job.size.split("x"))
        body: dict[str, Any] = {"prompt": job.prompt, "image_size": {"width": width, "height": height},
                                "num_images": job.max_images, "enable_safety_checker": True,
                                "output_format": "jpeg" if job.output_format in ("jpeg", "jpg") else "png"}
        if job.seed is not None:
            body["seed"] = job.seed
        return body

    def submit(self, job: ProviderJob) -> ProviderResult:
        submitted = self.queue_submit(job.vendor_model, self.body(job))
        return ProviderResult("processing", redact_json(submitted.body), handle=submitted.response_url)

    def poll(self, handle: str) -> ProviderResult:
        word, status = self.queue_status(handle)
        if word in PENDING:
            return ProviderResult("processing", redact_json(status), handle=handle)
        if status.get("error"):
            return ProviderResult("failed", redact_json(status), handle=handle,
                                  error={"message": str(status["error"]), "code": status.get("error_type")})
        code, body, text = self.queue_result(handle, ok_statuses=(400, 404, 410, 422))
        if code >= 400:
            gone = code in (404, 410)
            return ProviderResult("failed", redact_json(body), handle=handle,
                                  error={"code": "result_gone" if gone else body.get("error_type") or str(code),
                                         "message": "fal no longer holds the result" if gone
                                         else str(body.get("detail"))})
        return parse_result(body, text, handle)


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
