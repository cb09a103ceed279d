"""OpenAI Images (gpt-image-2) through the official ``openai`` SDK (extra ``images``), imported lazily.

POST /v1/images/generations (JSON) and /v1/images/edits (multipart, the approved file's bytes). The SDK's
own retries are off (``max_retries=0``): the runner retries with backoff and Retry-After. We read the raw
body ourselves so a malformed body can be saved verbatim instead of crashing inside the SDK.
"""

from __future__ import annotations

from typing import Any

import httpx

from reelforge.errors import ProviderUnavailableError
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

DEFAULT_BASE_URL = "https://api.openai.com/v1"
KEY_ENV = "OPENAI_API_KEY"
_RATIOS = ("1:1", "9:16", "16:9", "4:5", "5:4", "3:4", "4:3", "2:3", "3:2")
# GPT Image bills by quality tier: the share of the "high" price per tier.
_QUALITY_SHARE = {"high": 1.0, "medium": 0.25, "low": 0.064}


def _gpt(key: str, op: str) -> ModelSpec:
    return ModelSpec(key, "openai", op, "gpt-image-2", "high", "low", None, "2k", "1k", False, 0.25, _RATIOS,
                     _QUALITY_SHARE)


class OpenAIImages(http.OwnsClient):
    vendor = "openai"
    key_env: str | None = KEY_ENV
    models = (_gpt("image-gpt-image-2-text", "text"), _gpt("image-gpt-image-2-edit", "edit"))

    def __init__(self, *, deadlines: http.Deadlines | None = None) -> None:
        self.deadlines = deadlines or http.default_deadlines()
        self._client: Any = None

    def _sdk(self) -> Any:
        if self._client is None:
            try:
                import openai
            except ImportError:
                raise ProviderUnavailableError("the openai SDK is not installed",
                                               hint="pip install 'reelforge[images]'") from None
            self._client = openai.OpenAI(api_key=api_key(KEY_ENV) or "missing",
                                         base_url=base_url("openai", DEFAULT_BASE_URL), max_retries=0,
                                         timeout=self.deadlines.timeout(),
                                         http_client=http.client(self.deadlines))
        return self._client

    def submit(self, job: ProviderJob) -> ProviderResult:
        client = self._sdk()
        params: dict[str, Any] = {"model": job.vendor_model, "prompt": job.prompt, "n": 1, "size": job.size,
                                  "output_format": job.output_format}
        if job.quality:
            params["quality"] = job.quality
        import openai

        try:
            if job.operation == "edit":
                files = [(s.path.name, s.path.read_bytes(), s.mime) for s in job.sources]
                raw = client.images.with_raw_response.edit(image=files, **params)
            else:
                raw = client.images.with_raw_response.generate(**params)
        except openai.APIStatusError as exc:
            raise ProviderCallError("http", f"OpenAI Images answered HTTP {exc.status_code}",
                                    status=exc.status_code, raw_body=exc.response.text,
                                    retry_after=http.retry_after_seconds(exc.response.headers.get("retry-after"))
                                    ) from None
        except openai.APIConnectionError as exc:  # APITimeoutError included; the httpx cause says if it was sent
            cause = exc.__cause__
            if isinstance(cause, httpx.HTTPError):
                raise http.map_error(cause, "OpenAI Images") from None
            kind = "timeout" if isinstance(exc, openai.APITimeoutError) else "connection"
            raise ProviderCallError(kind, f"OpenAI Images: {kind}") from None
        return parse_images_body(raw.http_response.text, job.output_format)

    def poll(self, handle: str) -> ProviderResult:
        raise ProviderCallError("http", "OpenAI Images has no async jobs to poll", status=404)


def parse_images_body(text: str, output_format: str) -> ProviderResult:
    body, items = json_list(text, "data", vendor="OpenAI Images")
    mime = f"image/{output_format}"
    outputs: list[ProviderOutput] = []
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("b64_json"):
            try:
                data = strict_b64(item["b64_json"])
            except ProviderCallError as exc:
                exc.raw_body = text
                raise
            outputs.append(ProviderOutput(i, "bytes", mime, data=data))
        elif isinstance(item, dict) and item.get("url"):
            outputs.append(ProviderOutput(i, "url", mime, url=item["url"]))
        else:
            raise ProviderCallError("malformed", f"OpenAI Images data[{i}] has neither b64_json nor url",
                                    raw_body=text)
    status = "completed" if outputs else "failed"
    return ProviderResult(status, redact_json(body), outputs=outputs, usage=body.get("usage"),
                          error=None if outputs else {"message": "no images in the response"})
