"""Caption presets (how pages are cut, sized, placed and animated) and the user's look on top of them.

Sizes are fractions of the frame's shorter side, so a preset looks the same at 1080x1920 and 720x1280.
docs/captions.md lists each preset's measured cap height as a share of the frame height.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from reelforge.errors import InvalidInputError

Effect = Literal["highlight", "karaoke", "pop", "static"]
Anchor = Literal["bottom-center", "bottom-left", "center"]
Position = Literal["auto", "bottom", "middle", "top"]
POSITIONS: tuple[str, ...] = ("auto", "bottom", "middle", "top")


@dataclass(frozen=True)
class CaptionStyle:
    name: str
    max_words: int
    size_ratio: float  # ASS Fontsize as a fraction of the frame's shorter side
    floor_ratio: float  # shrink a page down to this fraction of the base size before splitting it
    min_ratio: float  # a single over-long word may shrink to this fraction
    outline_ratio: float  # outline as a fraction of the font size
    shadow_ratio: float
    width_fill: float  # share of the safe width the text may use
    anchor: Anchor
    lift_ratio: float  # distance of the text from the safe area's edge, share of its height
    box: bool  # a drawn semi-transparent panel behind the page
    effect: Effect
    pad_x_ratio: float = 0.0  # panel padding as a fraction of the font size
    pad_y_ratio: float = 0.0
    pause_ms: int = 300
    hold_ms: int = 250
    bridge_ms: int = 300
    cjk_piece_chars: int = 6  # longest Chinese/Japanese phrase counted as one "word" for paging
    uppercase: bool = False  # Latin/Cyrillic/Greek shown in capitals (captions.srt keeps the script's case)
    max_lines: int = 2
    portrait_size_ratio: float | None = None  # a different size on 9:16 frames (None: size_ratio)

    @property
    def highlight(self) -> bool:
        return self.effect == "highlight"


STYLES: dict[str, CaptionStyle] = {
    "word-highlight": CaptionStyle(
        name="word-highlight", max_words=3, size_ratio=0.075, floor_ratio=0.72, min_ratio=0.3,
        outline_ratio=0.07, shadow_ratio=0.03, width_fill=0.92, anchor="bottom-center", lift_ratio=0.16,
        box=False, effect="highlight"),
    "karaoke": CaptionStyle(
        name="karaoke", max_words=6, size_ratio=0.062, floor_ratio=0.8, min_ratio=0.3,
        outline_ratio=0.07, shadow_ratio=0.03, width_fill=0.92, anchor="bottom-center", lift_ratio=0.16,
        box=False, effect="karaoke", pause_ms=350, hold_ms=300, bridge_ms=500),
    "pop": CaptionStyle(
        name="pop", max_words=4, size_ratio=0.07, floor_ratio=0.75, min_ratio=0.3,
        outline_ratio=0.08, shadow_ratio=0.03, width_fill=0.92, anchor="bottom-center", lift_ratio=0.16,
        box=False, effect="pop"),
    "hook": CaptionStyle(
        name="hook", max_words=3, size_ratio=0.115, floor_ratio=0.62, min_ratio=0.3,
        outline_ratio=0.09, shadow_ratio=0.04, width_fill=0.94, anchor="center", lift_ratio=0.0,
        box=False, effect="highlight", cjk_piece_chars=4, uppercase=True),
    "lower-third": CaptionStyle(
        # 4.8 % on landscape keeps the explainer's slide margins (explainer/frames/canvas.py); phones get 5.8 %
        name="lower-third", max_words=7, size_ratio=0.048, portrait_size_ratio=0.058, floor_ratio=0.8, min_ratio=0.3,
        outline_ratio=0.0, shadow_ratio=0.0, width_fill=0.9, anchor="bottom-left", lift_ratio=0.0,
        box=True, effect="static", pad_x_ratio=0.4, pad_y_ratio=0.25,
        pause_ms=350, hold_ms=400, bridge_ms=600, cjk_piece_chars=16),
    "minimal": CaptionStyle(
        name="minimal", max_words=7, size_ratio=0.058, floor_ratio=0.85, min_ratio=0.3,
        outline_ratio=0.05, shadow_ratio=0.05, width_fill=0.9, anchor="bottom-center", lift_ratio=0.05,
        box=False, effect="static", pause_ms=350, hold_ms=400, bridge_ms=600, cjk_piece_chars=16),
}
# Older names that keep working: `tiktok` was the word-highlight style's name before presets.
ALIASES: dict[str, str] = {"tiktok": "word-highlight"}
PRESET_NAMES: tuple[str, ...] = (*STYLES, *ALIASES)


def style_named(name: str) -> CaptionStyle:
    key = ALIASES.get(name, name)
    if key not in STYLES:
        raise InvalidInputError(f"unknown caption preset {name!r}",
                                hint=f"--captions must be one of {', '.join([*PRESET_NAMES, 'none'])}")
    return STYLES[key]


_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


def parse_color(value: str) -> str:
    """``#RRGGBB`` (the # optional), normalised to upper case; ValueError names the expected form."""
    match = _HEX.match(str(value).strip())
    if not match:
        raise ValueError("must be a colour as #RRGGBB")
    return "#" + match.group(1).upper()


def ass_color(rgb: str, alpha: int = 0) -> str:
    """``#RRGGBB`` as an ASS style colour ``&HAABBGGRR``."""
    r, g, b = rgb[1:3], rgb[3:5], rgb[5:7]
    return f"&H{alpha:02X}{b}{g}{r}".upper()


def ass_inline_color(rgb: str) -> str:
    """``#RRGGBB`` as an inline override colour ``&HBBGGRR&``."""
    r, g, b = rgb[1:3], rgb[3:5], rgb[5:7]
    return f"&H{b}{g}{r}&".upper()


@dataclass(frozen=True)
class CaptionLook:
    """The reelforge.toml ``[captions]`` table on top of a preset: scales, colours and where it sits."""

    size: float = 1.0  # multiplies the preset's font size
    outline: float = 1.0  # multiplies the preset's outline width (0: none)
    color: str = "#FFFFFF"  # the text
    highlight: str = "#FFD700"  # the spoken word (word-highlight, hook) or the karaoke fill
    outline_color: str = "#000000"
    position: Position = "auto"  # auto: the preset's own (bottom; hook: middle)

    def __post_init__(self) -> None:
        for name in ("color", "highlight", "outline_color"):
            object.__setattr__(self, name, parse_color(getattr(self, name)))
        if self.position not in POSITIONS:
            raise ValueError(f"position must be one of {', '.join(POSITIONS)}")
        if not 0.3 <= self.size <= 3.0:
            raise ValueError("size must be between 0.3 and 3")
        if not 0.0 <= self.outline <= 4.0:
            raise ValueError("outline must be between 0 and 4")

    def to_params(self) -> dict[str, Any]:
        return {"size": self.size, "outline": self.outline, "color": self.color, "highlight": self.highlight,
                "outlineColor": self.outline_color, "position": self.position}
