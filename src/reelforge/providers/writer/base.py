"""What a text-model adapter exchanges: turns in, one reply out, or a classified error."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Turn:
    role: Role
    text: str


@dataclass(frozen=True)
class Reply:
    text: str  # the model's JSON text (may be invalid: the caller validates)
    raw_body: str  # the HTTP response body as received (carries no key)
    input_tokens: int = 0
    output_tokens: int = 0
    finish: str = ""  # the vendor's stop reason (stop, length, STOP, MAX_TOKENS, ...)
    attempts: int = 1  # HTTP tries it took, retries included


class WriterCallError(Exception):
    """A failed call, classified: auth (stop, exit 5), unavailable (fall back), malformed (fall back)."""

    def __init__(self, kind: Literal["auth", "unavailable", "malformed"], message: str, *,
                 status: int | None = None, raw_body: str = "", attempts: int = 1) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.raw_body = raw_body
        self.attempts = attempts


@dataclass(frozen=True)
class ModelInfo:
    vendor: str  # openai | gemini | local
    model: str
    key_env: str | None  # the variable the key comes from (None: no key needed)
    base_url: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.vendor}:{self.model}"

    @property
    def shown_url(self) -> str:
        """The base URL without user info, query or fragment (where keys and tokens hide)."""
        return mask_url(self.base_url)


def mask_url(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}".rstrip("/")


class TextModel(Protocol):
    info: ModelInfo

    def complete(self, system: str, turns: list[Turn], *, schema: dict[str, Any], schema_name: str,
                 max_output_tokens: int) -> Reply:
        """One structured-output completion (the HTTP layer retries 429/5xx itself)."""
        ...
