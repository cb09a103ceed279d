"""What a capture produced: capture.mp4 in the run dir, hashed, and how it was made."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

CAPTURE_FILE = "capture.mp4"
CaptureProvider = Literal["file", "playwright-web"]


@dataclass(frozen=True)
class CaptureAsset:
    path: Path
    sha256: str
    bytes: int
    duration_sec: float
    width: int
    height: int
    frames: int
    provider: CaptureProvider
    nondeterministic: bool
    url_masked: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
