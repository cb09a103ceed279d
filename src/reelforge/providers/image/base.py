"""The one Protocol every image vendor adapter implements, the values it exchanges, and redaction.

Adapters speak the vendor's wire protocol and nothing else: no retries (the runner owns them), no files
(the runner writes them). They raise ``ProviderCallError`` for anything the runner must classify.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

Status = Literal["completed", "processing", "failed"]
_URL = re.compile(r"(https?://[^\s\"'?#<>]+)\?[^\s\"'#<>]*")
_B64_MIN = 256


@dataclass(frozen=True)
class SourceImage:
    """An approved source image; ``url`` is a freshly signed URL held in memory only (never persisted)."""

    path: Path
    mime: str
    url: str | None = None


@dataclass(frozen=True)
class ProviderJob:
    key: str
    vendor_model: str
    operation: str  # text | edit
    prompt: str
    aspect_ratio: str
    resolution: str
    size: str
    output_format: str
    quality: str | None = None
    max_images: int = 1
    sequential: bool = False
    seed: int | None = None
    sources: tuple[SourceImage, ...] = ()


@dataclass
class ProviderOutput:
    index: int
    kind: Literal["url", "bytes"]
    mime: str
    url: str | None = None  # may carry a signature: never written outside the vault
    data: bytes | None = None


@dataclass
class ProviderResult:
    status: Status
    raw: Any  # the response body, redacted (no base64 payloads, no URL query strings)
    handle: str | None = None
    outputs: list[ProviderOutput] = field(default_factory=list)
    error: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None


class ProviderCallError(Exception):
    """A failed vendor call, classified for the runner (retry, stop, or save the raw body)."""

    def __init__(self, kind: Literal["http", "timeout", "connection", "malformed"], message: str, *,
                 status: int | None = None, retry_after: float | None = None, raw_body: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        self.raw_body = raw_body

    @property
    def retryable(self) -> bool:
        if self.kind in ("timeout", "connection"):
            return True
        return self.kind == "http" and self.status is not None and (self.status == 429 or self.status >= 500)

    @property
    def auth(self) -> bool:
        return self.kind == "http" and self.status in (401, 403)


class ImageProvider(Protocol):
    vendor: str
    key_env: str | None

    def submit(self, job: ProviderJob) -> ProviderResult:
        """Send one generation or edit; a vendor without async jobs returns ``completed`` or ``failed``."""
        ...

    def poll(self, handle: str) -> ProviderResult:
        """One status check of an async job by its handle."""
        ...


def base_url(vendor: str, default: str) -> str:
    return os.environ.get(f"REELFORGE_{vendor.upper()}_BASE_URL", "").strip() or default


def api_key(env: str) -> str | None:
    value = os.environ.get(env, "").strip()
    return value or None


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def redact_url(url: str) -> str:
    """Scheme, host and path only: query strings carry signatures and keys."""
    return url.split("?", 1)[0].split("#", 1)[0] + ("?<redacted>" if "?" in url else "")


def redact_text(text: str, secrets: tuple[str | None, ...] = ()) -> str:
    out = _URL.sub(lambda m: m.group(1) + "?<redacted>", text)
    for secret in secrets:
        if secret and len(secret) >= 6:
            out = out.replace(secret, "<redacted>")
    return out


def redact_json(value: Any) -> Any:
    """Drop base64 payloads (the bytes are in the image file) and URL query strings from a response body."""
    if isinstance(value, dict):
        return {k: redact_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    if isinstance(value, str):
        if value.startswith(("http://", "https://")):
            return redact_url(value)
        if len(value) >= _B64_MIN and re.fullmatch(r"[A-Za-z0-9+/=_-]+", value):
            return f"<base64 {len(value)} chars elided>"
    return value


def json_list(text: str, key: str, *, vendor: str) -> tuple[dict[str, Any], list[Any]]:
    """A JSON response body and its ``body[key]`` list, or a 'malformed' error that keeps the raw body."""
    import json

    try:
        body = json.loads(text)
        items = body[key]
        if not isinstance(items, list):
            raise TypeError
    except (json.JSONDecodeError, KeyError, TypeError):
        raise ProviderCallError("malformed", f"{vendor} returned a body without a {key} list",
                                raw_body=text) from None
    return body, items


def strict_b64(value: str) -> bytes:
    """Decode base64 only if it is well formed (length, alphabet, round trip)."""
    text = value.strip()
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ProviderCallError("malformed", "an output is not valid base64") from None
    if len(text) % 4 or base64.b64encode(data).decode() != text:
        raise ProviderCallError("malformed", "an output is not valid base64")
    return data


def sniff_mime(data: bytes, default: str = "image/png") -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return default
