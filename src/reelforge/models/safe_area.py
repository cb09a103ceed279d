"""Per-platform caption safe areas: where the apps' own UI (buttons, captions, tabs) does not cover the video.

Numbers and sources: docs/captions.md. The 9:16 table is in pixels at 1080x1920 and scales with the
frame. A 16:9 or 1:1 frame shown in a 9:16 app is fitted to the screen width (letterboxed), so the
app's overlays are projected onto it; a broadcast title-safe margin (5 %) and room for a player's
progress bar at the bottom apply on top of that (for ``generic`` only these, as in a plain player).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reelforge.errors import InvalidInputError

PORTRAIT_W, PORTRAIT_H = 1080, 1920


@dataclass(frozen=True)
class Margins:
    top: int
    bottom: int
    left: int
    right: int


# Pixels covered by each app's UI on a 1080x1920 portrait video (see docs/captions.md).
PORTRAIT_MARGINS: dict[str, Margins] = {
    "tiktok": Margins(top=160, bottom=440, left=60, right=160),
    "reels": Margins(top=270, bottom=672, left=65, right=120),
    "shorts": Margins(top=150, bottom=480, left=60, right=150),
}
# generic: safe on all three apps at once (a video is usually cross-posted).
PORTRAIT_MARGINS["generic"] = Margins(
    top=max(m.top for m in PORTRAIT_MARGINS.values()),
    bottom=max(m.bottom for m in PORTRAIT_MARGINS.values()),
    left=max(m.left for m in PORTRAIT_MARGINS.values()),
    right=max(m.right for m in PORTRAIT_MARGINS.values()),
)

TITLE_SAFE = 0.05  # EBU R 95 / SMPTE ST 2046-1 graphics (title) safe: 5 % of each dimension
PLAYER_BOTTOM = 0.08  # desktop/TV players draw a progress bar and controls over the bottom ~8 %


@dataclass(frozen=True)
class SafeArea:
    """The rectangle captions must stay inside, in frame pixels: x0 <= x < x1, y0 <= y < y1."""

    platform: str
    width: int
    height: int
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def w(self) -> int:
        return self.x1 - self.x0

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    @property
    def center_x(self) -> int:
        return (self.x0 + self.x1) // 2

    def contains(self, box: tuple[int, int, int, int]) -> bool:
        """True when a (left, top, right, bottom) box with exclusive right/bottom lies inside."""
        left, top, right, bottom = box
        return left >= self.x0 and top >= self.y0 and right <= self.x1 and bottom <= self.y1

    def to_params(self) -> dict[str, Any]:
        return {"platform": self.platform, "frame": [self.width, self.height],
                "x0": self.x0, "y0": self.y0, "x1": self.x1, "y1": self.y1,
                "margins": {"top": self.y0, "bottom": self.height - self.y1,
                            "left": self.x0, "right": self.width - self.x1}}


def safe_area(platform: str, width: int, height: int) -> SafeArea:
    """The caption safe area of ``platform`` for a ``width`` x ``height`` frame."""
    if platform not in PORTRAIT_MARGINS:
        raise InvalidInputError(f"unknown platform {platform!r}",
                                hint=f"--platform must be one of {', '.join(sorted(PORTRAIT_MARGINS))}")
    if width <= 0 or height <= 0:
        raise InvalidInputError(f"frame size {width}x{height} is not positive", hint="check dimensions")
    m = PORTRAIT_MARGINS[platform]
    if width * 16 == height * 9:
        sx, sy = width / PORTRAIT_W, height / PORTRAIT_H
        top, bottom = round(m.top * sy), round(m.bottom * sy)
        left, right = round(m.left * sx), round(m.right * sx)
    else:
        # generic here means a landscape/square player (YouTube, web): no app overlay to project.
        top, bottom, left, right = (0, 0, 0, 0) if platform == "generic" else _projected(m, width, height)
        top = max(top, round(TITLE_SAFE * height))
        bottom = max(bottom, round(PLAYER_BOTTOM * height))
        left = max(left, round(TITLE_SAFE * width))
        right = max(right, round(TITLE_SAFE * width))
    return SafeArea(platform, width, height, left, top, width - right, height - bottom)


def _projected(m: Margins, width: int, height: int) -> tuple[int, int, int, int]:
    """Margins a 9:16 app's overlay leaves on a non-portrait frame fitted (letterboxed) into the screen."""
    scale = min(PORTRAIT_W / width, PORTRAIT_H / height)
    shown_w, shown_h = width * scale, height * scale
    off_x, off_y = (PORTRAIT_W - shown_w) / 2, (PORTRAIT_H - shown_h) / 2

    def cover(overlay: float, offset: float, extent: float) -> float:
        return min(max(overlay - offset, 0.0), extent) / scale

    top = cover(m.top, off_y, shown_h)
    bottom = cover(m.bottom, off_y, shown_h)
    left = cover(m.left, off_x, shown_w)
    right = cover(m.right, off_x, shown_w)
    return round(top), round(bottom), round(left), round(right)
