"""BytePlus / Volcengine Ark Seedream through ``POST {base}/images/generations`` with httpx.

The Ark runtime SDK ships only inside the all-services ``byteplus-python-sdk-v2`` / ``volcengine-python-sdk``
packages; the images call is one JSON POST, so httpx keeps the install small. Sequential keys send
``sequential_image_generation: auto`` with ``max_images``; edits send the approved image as a URL
(``image``), which is why edits on Ark need an upload first. Ark's image API is synchronous.
"""

from __future__ import annotations

from typing import Any

from reelforge.providers import http
from reelforge.providers.image.base import (
    ProviderCallError,
    ProviderJob,
    ProviderOutput,
    ProviderResult,
    api_key,
    base_url,
    json_list,
    redact_json,
    strict_b64,
)
from reelforge.providers.image.spec import ModelSpec

DEFAULT_BASE_URL = "https://ark.ap-southeast.bytepluses.com/api/v3"
KEY_ENV = "ARK_API_KEY"
_RATIOS = ("9:16", "16:9", "1:1", "3:4", "4:3", "2:3", "3:2", "21:9")


def _seed(key: str, op: str, sequential: bool) -> ModelSpec:
    return ModelSpec(key, "ark", op, "seedream-5-0-lite-260128", None, None, None, "3k", "2k", sequential, 0.035,
                     _RATIOS)


class ArkSeedream(http.OwnsClient):
    vendor = "ark"
    key_env: str | None = KEY_ENV
    models = (_seed("image-seedream-v5-lite-text", "text", False),
              _seed("image-seedream-v5-lite-edit", "edit", False),
              _seed("image-seedream-v5-lite-sequential", "text", True),
              _seed("image-seedream-v5-lite-edit-sequential", "edit", True))

    def __init__(self, *, deadlines: http.Deadlines | None = None) -> None:
        self._client = http.client(deadlines)  # thread-safe; one pool for the whole batch

    def body(self, job: ProviderJob) -> dict[str, Any]:
        body: dict[str, Any] = {"model": job.vendor_model, "prompt": job.prompt, "size": job.size,
                                "response_format": "url", "output_format": job.output_format,
                                "watermark": False, "stream": False,
                                "sequential_image_generation": "auto" if job.sequential else "disabled"}
        if job.sequential:
            body["sequential_image_generation_options"] = {"max_images": job.max_images}
        if job.seed is not None:
            body["seed"] = job.seed
        if job.operation == "edit":
            urls = [s.url for s in job.sources if s.url]
            body["image"] = urls[0] if len(urls) == 1 else urls
        return body

    def submit(self, job: ProviderJob) -> ProviderResult:
        url = base_url("ark", DEFAULT_BASE_URL).rstrip("/") + "/images/generations"
        headers = {"Authorization": f"Bearer {api_key(KEY_ENV) or ''}", "Content-Type": "application/json"}
        response = http.send(self._client, "POST", url, what="Ark images", headers=headers, json=self.body(job))
        http.raise_for_status(response, "Ark images")
        return parse_ark_body(response.text, job.output_format)

    def poll(self, handle: str) -> ProviderResult:
        raise ProviderCallError("http", "Ark image generation is synchronous; there is no job to poll", status=404)


def parse_ark_body(text: str, output_format: str) -> ProviderResult:
    body, items = json_list(text, "data", vendor="Ark images")
    mime = f"image/{output_format}"
    outputs: list[ProviderOutput] = []
    errors: list[Any] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ProviderCallError("malformed", f"Ark data[{i}] is not an object", raw_body=text)
        if item.get("url"):
            outputs.append(ProviderOutput(i, "url", mime, url=item["url"]))
        elif item.get("b64_json"):
            outputs.append(ProviderOutput(i, "bytes", mime, data=strict_b64(item["b64_json"])))
        elif item.get("error"):
            errors.append(item["error"])  # one image of a sequential set can fail on its own
        else:
            raise ProviderCallError("malformed", f"Ark data[{i}] has no url, b64_json or error", raw_body=text)
    error = {"message": "some images of the set failed", "items": errors} if errors else None
    if not outputs:
        error = error or {"message": "no images in the response"}
    return ProviderResult("completed" if outputs else "failed", redact_json(body), outputs=outputs,
                          usage=body.get("usage"), error=error)
