"""Google Gemini image models (the nano-banana keys) through the official ``google-genai`` SDK, lazily.

``models.generateContent`` with ``responseModalities: [IMAGE]`` and ``imageConfig {aspectRatio, imageSize}``;
the image comes back as ``inlineData`` (base64) in the candidate's parts. Edits send the approved file as
an inline part. The SDK retries nothing by default; a response hook keeps the raw body of the current
thread's last call, so a malformed body is saved verbatim.
"""

from __future__ import annotations

import threading
from typing import Any

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

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/"
KEY_ENV = "GEMINI_API_KEY"
_SIZES = {"0.5k": "1K", "1k": "1K", "2k": "2K", "4k": "4K"}
_RATIOS = ("9:16", "16:9", "1:1", "4:5", "3:4", "4:3", "2:3", "3:2", "21:9")


def _nano2(key: str, op: str) -> ModelSpec:
    return ModelSpec(key, "gemini", op, "gemini-3.1-flash-image-preview", None, None, None, "2k", "1k", False,
                     0.067, _RATIOS)


def _pro(op: str, tier: str) -> ModelSpec:
    price = {"1k": 0.134, "2k": 0.134, "4k": 0.24}[tier]
    return ModelSpec(f"image-nano-banana-pro-{op}-{tier}", "gemini", op, "gemini-3-pro-image-preview", None, None,
                     tier, tier, tier, False, price, _RATIOS)


class GeminiImages(http.OwnsClient):
    vendor = "gemini"
    key_env: str | None = KEY_ENV
    models = (_nano2("image-nano-banana-2-text", "text"), _nano2("image-nano-banana-2-edit", "edit"),
              *(_pro(op, tier) for op in ("text", "edit") for tier in ("1k", "2k", "4k")))

    def __init__(self, *, deadlines: http.Deadlines | None = None) -> None:
        self.deadlines = deadlines or http.default_deadlines()
        self._client: Any = None
        self._last = threading.local()

    def _sdk(self) -> Any:
        if self._client is None:
            try:
                from google import genai
                from google.genai import types
            except ImportError:
                raise ProviderUnavailableError("the google-genai SDK is not installed",
                                               hint="pip install 'reelforge[images]'") from None

            def keep_body(response: Any) -> None:
                response.read()
                self._last.body = response.text
                self._last.headers = dict(response.headers)

            client = http.client(self.deadlines, event_hooks={"response": [keep_body]})
            options = types.HttpOptions(base_url=base_url("gemini", DEFAULT_BASE_URL),
                                        timeout=int(self.deadlines.call_s * 1000), httpx_client=client)
            self._client = genai.Client(api_key=api_key(KEY_ENV) or "missing", http_options=options)
        return self._client

    def submit(self, job: ProviderJob) -> ProviderResult:
        client = self._sdk()
        from google.genai import errors, types

        contents: list[Any] = [job.prompt]
        for source in job.sources:
            contents.append(types.Part.from_bytes(data=source.path.read_bytes(), mime_type=source.mime))
        config = types.GenerateContentConfig(
            response_modalities=["IMAGE"], seed=job.seed,
            image_config=types.ImageConfig(aspect_ratio=job.aspect_ratio,
                                           image_size=_SIZES.get(job.resolution, "2K")))
        self._last.body = None
        try:
            client.models.generate_content(model=job.vendor_model, contents=contents, config=config)
        except errors.APIError as exc:
            headers = getattr(getattr(exc, "response", None), "headers", None) or {}
            raise ProviderCallError("http", f"Gemini answered HTTP {exc.code}", status=exc.code,
                                    raw_body=getattr(self._last, "body", None),
                                    retry_after=http.retry_after_seconds(headers.get("retry-after"))) from None
        except Exception as exc:  # the SDK raises plain exceptions for timeouts and undecodable bodies
            raise self._classify(exc) from None
        return parse_generate_content(getattr(self._last, "body", None) or "", job.output_format)

    def _classify(self, exc: Exception) -> ProviderCallError:
        import httpx

        if isinstance(exc, httpx.HTTPError):
            return http.map_error(exc, "Gemini")
        body = getattr(self._last, "body", None)
        if body is not None:
            return ProviderCallError("malformed", f"Gemini returned a body the SDK could not read "
                                                  f"({type(exc).__name__})", raw_body=body)
        raise exc

    def poll(self, handle: str) -> ProviderResult:
        raise ProviderCallError("http", "Gemini generateContent is synchronous; there is no job to poll", status=404)


def parse_generate_content(text: str, output_format: str) -> ProviderResult:
    body, candidates = json_list(text, "candidates", vendor="Gemini")
    outputs: list[ProviderOutput] = []
    notes: list[str] = []
    for candidate in candidates:
        for part in (candidate.get("content") or {}).get("parts") or []:
            inline = part.get("inlineData") or part.get("inline_data")
            file_data = part.get("fileData") or part.get("file_data")
            if inline and inline.get("data"):
                try:
                    data = strict_b64(inline["data"])
                except ProviderCallError as exc:
                    exc.raw_body = text
                    raise
                mime = inline.get("mimeType") or inline.get("mime_type") or f"image/{output_format}"
                outputs.append(ProviderOutput(len(outputs), "bytes", mime, data=data))
            elif file_data and file_data.get("fileUri"):
                outputs.append(ProviderOutput(len(outputs), "url", file_data.get("mimeType", "image/png"),
                                              url=file_data["fileUri"]))
            elif part.get("text"):
                notes.append(part["text"])
    error = None
    if not outputs:
        reason = (candidates[0].get("finishReason") if candidates else None) or body.get("promptFeedback")
        error = {"message": "Gemini returned no image", "finishReason": reason, "text": " ".join(notes)[:500]}
    return ProviderResult("completed" if outputs else "failed", redact_json(body), outputs=outputs,
                          usage=body.get("usageMetadata"), error=error)
