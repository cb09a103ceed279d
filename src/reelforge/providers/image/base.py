"""The one Protocol every image vendor adapter implements, the values it exchanges, and redaction.

Adapters speak the vendor's wire protocol and nothing else: no retries (the job kernel owns them), no
files (the runner writes them). They raise ``errors.ProviderCallError`` for anything the kernel must
classify (re-exported here for the adapters).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from reelforge.config import environ_value
from reelforge.errors import ProviderCallError
from reelforge.providers.http import redact_url

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


class ImageProvider(Protocol):
    vendor: str
    key_env: str | None

    def submit(self, job: ProviderJob) -> ProviderResult:
        """Send one generation or edit; a vendor without async jobs returns ``completed`` or ``failed``."""
        ...

    def poll(self, handle: str) -> ProviderResult:
        """One status check of an async job by its handle."""
        ...

    def close(self) -> None:
        """Release the adapter's connections (providers.http.OwnsClient)."""
        ...


def base_url(vendor: str, default: str) -> str:
    return environ_value(f"REELFORGE_{vendor.upper()}_BASE_URL") or default


def api_key(env: str) -> str | None:
    return environ_value(env)


def redact_text(text: str, secrets: tuple[str | None, ...] = ()) -> str:
    out = _URL.sub(lambda m: m.group(1) + "?<redacted>", text)
    for secret in secrets:
        if secret and len(secret) >= 6:
            out = out.replace(secret, "<redacted>")
    return out


def redact_json(value: Any, secrets: tuple[str | None, ...] = ()) -> Any:
    """Drop base64 payloads (the bytes are in the image file), URL query strings and known key values from
    a response body (success bodies included: a vendor may echo the key back)."""
    if isinstance(value, dict):
        return {redact_text(str(k), secrets) if secrets else k: redact_json(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v, secrets) for v in value]
    if isinstance(value, str):
        if value.startswith(("http://", "https://")):
            return redact_text(redact_url(value), secrets)
        if len(value) >= _B64_MIN and re.fullmatch(r"[A-Za-z0-9+/=_-]+", value):
            return f"<base64 {len(value)} chars elided>"
        return redact_text(value, secrets) if secrets else value
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
