"""The one Protocol every video vendor adapter implements, and the values it exchanges.

Adapters speak the vendor's wire protocol and nothing else: retries, files, manifests and approval gates
belong to the render runner. Every adapter normalizes the vendor's task states to ``VideoStatus`` so the
runner never branches on a vendor. ``ProviderCallError`` (shared with the image adapters) classifies
failed calls for the runner's retry loop.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from reelforge.providers.image.base import ProviderCallError, redact_json

VideoStatus = Literal["queued", "running", "succeeded", "failed", "expired", "cancelled"]
PENDING: tuple[str, ...] = ("queued", "running")
TERMINAL: tuple[str, ...] = ("succeeded", "failed", "expired", "cancelled")

__all__ = ["PENDING", "TERMINAL", "MediaRef", "ProviderCallError", "VideoJob", "VideoProvider", "VideoResult",
           "data_uri", "redact_body"]


@dataclass(frozen=True)
class MediaRef:
    """One input medium. ``wire`` is what goes on the wire (an https URL, a presigned URL or a data URI);
    it is built in memory right before submit and never persisted."""

    kind: Literal["image", "video", "audio"]
    role: str  # first_frame | last_frame | reference_image | reference_video | reference_audio | subject | motion
    path: Path | None = None
    wire: str | None = None
    sha256: str | None = None
    mime: str | None = None


@dataclass(frozen=True)
class VideoJob:
    route: str  # talking-head | seedance | motion-transfer | animatic
    key: str  # catalog key (stable name in request records)
    vendor_model: str  # the model id on the wire
    prompt: str
    media: tuple[MediaRef, ...] = ()
    resolution: str | None = None
    ratio: str | None = None
    duration: int | None = None
    seed: int | None = None
    generate_audio: bool | None = None
    return_last_frame: bool = False
    character_orientation: str | None = None
    keep_original_sound: bool | None = None
    negative_prompt: str | None = None
    num_frames: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def first(self, role: str) -> MediaRef | None:
        return next((m for m in self.media if m.role == role), None)

    def all(self, role: str) -> list[MediaRef]:
        return [m for m in self.media if m.role == role]


@dataclass
class VideoResult:
    status: VideoStatus
    raw: Any  # the vendor body, redacted (no URL query strings, no base64)
    handle: str | None = None  # what poll() needs next time (task id, queue response URL)
    prediction_id: str | None = None  # the vendor's id for the job, for people and support tickets
    video_url: str | None = None  # may carry a signature: never written outside the vault
    last_frame_url: str | None = None
    local_path: Path | None = None  # set by routes that render on this machine
    error: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    provider_status: str | None = None  # the vendor's own word, kept for the record


class VideoProvider(Protocol):
    vendor: str
    key_env: str | None

    def submit(self, job: VideoJob) -> VideoResult:
        """Create the job; async vendors answer ``queued``/``running`` with a handle."""
        ...

    def poll(self, handle: str) -> VideoResult:
        """One status check (plus the result fetch when the vendor keeps it apart)."""
        ...

    def close(self) -> None:
        """Release the adapter's connections (providers.http.OwnsClient)."""
        ...


def data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def redact_body(value: Any) -> Any:
    """``redact_json`` plus data URIs elided (they are the approved files, whose hashes are recorded)."""
    if isinstance(value, dict):
        return {k: redact_body(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_body(v) for v in value]
    if isinstance(value, str) and value.startswith("data:") and ";base64," in value:
        return f"<{value.split(';', 1)[0][5:]} data URI {len(value)} chars elided>"
    return redact_json(value)
