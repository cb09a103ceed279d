"""Options of a web capture: the stop rule, the viewport, the bounds. Pure parsing, no browser."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from reelforge.errors import InvalidInputError

DEVICE_VIEWPORTS: dict[str, tuple[int, int]] = {
    "desktop": (1920, 1080),
    "laptop": (1440, 900),
    "tablet": (1024, 1366),
    "mobile": (390, 844),
}
# CSS-pixel viewports per aspect when no --device is given (the video is recorded at this size).
ASPECT_VIEWPORTS: dict[str, tuple[int, int]] = {"16:9": (1920, 1080), "9:16": (390, 694), "1:1": (1080, 1080)}
MAX_CAPTURE_SEC = 180.0


@dataclass(frozen=True)
class StopRule:
    kind: Literal["duration", "selector"]
    seconds: float = 0.0
    selector: str = ""

    def describe(self) -> str:
        return f"duration:{self.seconds:g}" if self.kind == "duration" else f"selector:{self.selector}"


def parse_stop(value: str | None) -> StopRule | None:
    """``duration:<sec>`` (0 < sec <= 180) or ``selector:<css>``; None when not given."""
    if value is None or not value.strip():
        return None
    kind, _, arg = value.strip().partition(":")
    hint = "use --capture-stop duration:<seconds> or --capture-stop selector:<css>"
    if kind == "duration":
        try:
            seconds = float(arg)
        except ValueError:
            raise InvalidInputError(f"--capture-stop {value!r}: {arg!r} is not a number of seconds",
                                    hint=hint) from None
        if not math.isfinite(seconds) or not 0 < seconds <= MAX_CAPTURE_SEC:
            raise InvalidInputError(f"--capture-stop {value!r}: seconds must be in (0, {MAX_CAPTURE_SEC:g}]",
                                    hint=hint)
        return StopRule("duration", seconds=seconds)
    if kind == "selector":
        if not arg.strip():
            raise InvalidInputError(f"--capture-stop {value!r}: the CSS selector is empty", hint=hint)
        return StopRule("selector", selector=arg.strip())
    raise InvalidInputError(f"--capture-stop {value!r}: unknown kind {kind!r}", hint=hint)


def viewport_for(device: str | None, aspect: str) -> tuple[int, int]:
    """The browser viewport (= the recorded frame size): from --device, else from the aspect."""
    if device:
        if device not in DEVICE_VIEWPORTS:
            raise InvalidInputError(f"--device {device!r} is unknown",
                                    hint=f"use one of {', '.join(DEVICE_VIEWPORTS)}")
        return DEVICE_VIEWPORTS[device]
    if aspect not in ASPECT_VIEWPORTS:
        raise InvalidInputError(f"aspect {aspect!r} has no capture viewport",
                                hint=f"use --aspect {' | '.join(ASPECT_VIEWPORTS)} or --device")
    return ASPECT_VIEWPORTS[aspect]


@dataclass(frozen=True)
class WebCaptureOptions:
    url: str
    stop: StopRule | None = None
    viewport: tuple[int, int] = DEVICE_VIEWPORTS["desktop"]
    ready_selector: str | None = None
    ready_timeout_sec: float = 30.0
    load_timeout_sec: float = 30.0
    max_seconds: float = MAX_CAPTURE_SEC
    browser_path: str | None = None
    show_cursor: bool = False

    def __post_init__(self) -> None:
        width, height = self.viewport
        if width <= 0 or height <= 0 or width % 2 or height % 2 or max(width, height) > 4096:
            raise InvalidInputError(f"capture viewport {width}x{height} must be even and at most 4096",
                                    hint="pick a --device or an even size")

    def __repr__(self) -> str:  # never show the raw URL
        return f"WebCaptureOptions(stop={self.stop}, viewport={self.viewport})"
