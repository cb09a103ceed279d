"""Caption styles and layout: pages -> measured lines -> a position inside the safe area.

Sizes scale with the frame (a fraction of its shorter side), never absolute pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from reelforge.compose.captions.paging import Page, TimedWord, group_words, time_pages
from reelforge.compose.captions.safe_area import SafeArea
from reelforge.compose.captions.wrap import Fitted, Measurer, fit_words, line_text
from reelforge.errors import InvalidInputError
from reelforge.models.timing import Timing

MEASURE_SLACK = 0.97  # Pillow and libass shape with the same HarfBuzz data; keep 3 % for hinting drift


@dataclass(frozen=True)
class CaptionStyle:
    name: str
    max_words: int
    size_ratio: float  # ASS Fontsize as a fraction of the frame's shorter side
    floor_ratio: float  # shrink a page down to this fraction of the base size before splitting it
    min_ratio: float  # a single over-long word may shrink to this fraction
    outline_ratio: float  # outline (or box padding) as a fraction of the font size
    shadow_ratio: float
    width_fill: float  # share of the safe width the text may use
    anchor: str  # "bottom-center" or "bottom-left"
    lift_ratio: float  # distance of the text's bottom above the safe area's bottom, share of its height
    box: bool  # a drawn semi-transparent panel behind the page
    highlight: bool
    pad_x_ratio: float = 0.0  # panel padding as a fraction of the font size
    pad_y_ratio: float = 0.0
    pause_ms: int = 300
    hold_ms: int = 250
    bridge_ms: int = 300
    cjk_piece_chars: int = 6


STYLES: dict[str, CaptionStyle] = {
    "tiktok": CaptionStyle(name="tiktok", max_words=3, size_ratio=0.075, floor_ratio=0.72, min_ratio=0.3,
                           outline_ratio=0.07, shadow_ratio=0.03, width_fill=0.92,
                           anchor="bottom-center", lift_ratio=0.16, box=False, highlight=True),
    "lower-third": CaptionStyle(name="lower-third", max_words=7, size_ratio=0.048, floor_ratio=0.8,
                                min_ratio=0.3, outline_ratio=0.0, shadow_ratio=0.0, width_fill=0.9,
                                anchor="bottom-left", lift_ratio=0.0, box=True, highlight=False,
                                pad_x_ratio=0.4, pad_y_ratio=0.25,
                                pause_ms=350, hold_ms=400, bridge_ms=600, cjk_piece_chars=16),
}


def style_named(name: str) -> CaptionStyle:
    if name not in STYLES:
        raise InvalidInputError(f"unknown caption style {name!r}",
                                hint=f"--captions must be one of {', '.join([*STYLES, 'none'])}")
    return STYLES[name]


@dataclass(frozen=True)
class Metrics:
    """The style turned into pixels for one frame."""

    base_size: int
    floor_size: int
    min_size: int
    outline: int
    shadow: int
    pad_x: int
    pad_y: int
    max_width: float
    x: int
    y: int

    def to_params(self) -> dict[str, Any]:
        return {"fontSize": self.base_size, "floorFontSize": self.floor_size, "minFontSize": self.min_size,
                "outline": self.outline, "shadow": self.shadow, "panelPadding": [self.pad_x, self.pad_y],
                "maxLineWidth": round(self.max_width, 1), "anchor": [self.x, self.y]}


def metrics_for(style: CaptionStyle, area: SafeArea) -> Metrics:
    short_side = min(area.width, area.height)
    base = max(12, round(style.size_ratio * short_side))
    outline = round(style.outline_ratio * base)
    shadow = round(style.shadow_ratio * base)
    pad_x, pad_y = round(style.pad_x_ratio * base), round(style.pad_y_ratio * base)
    if style.anchor == "bottom-left":
        # The panel's bottom-left corner sits on the safe area's bottom-left corner.
        max_width = (area.w * style.width_fill - 2 * pad_x - 2 * outline - shadow) * MEASURE_SLACK
        x, y = area.x0 + pad_x, area.y1 - pad_y
    else:
        max_width = (area.w * style.width_fill - 2 * outline - shadow) * MEASURE_SLACK
        x = area.center_x
        y = area.y1 - round(style.lift_ratio * area.h) - outline - shadow
    return Metrics(base_size=base, floor_size=max(10, round(base * style.floor_ratio)),
                   min_size=max(8, round(base * style.min_ratio)), outline=outline, shadow=shadow,
                   pad_x=pad_x, pad_y=pad_y, max_width=max_width, x=x, y=y)


@dataclass(frozen=True)
class PlacedPage:
    page: Page
    lines: tuple[tuple[tuple[str, int, bool], ...], ...]  # per line: (atom text, word index, space before)
    size: int
    x: int
    y: int
    panel: tuple[int, int, int, int] | None = None  # (left, bottom, width, height) of the drawn box

    @property
    def plain_lines(self) -> list[str]:
        out: list[str] = []
        for line in self.lines:
            out.append("".join((" " if i and space else "") + text for i, (text, _, space) in enumerate(line)))
        return out


def layout_captions(timing: Timing, style: CaptionStyle, area: SafeArea,
                    measure: Measurer) -> tuple[list[PlacedPage], Metrics]:
    """Page, wrap and place every caption of the timeline."""
    m = metrics_for(style, area)
    groups = group_words(timing, max_words=style.max_words, pause_ms=style.pause_ms,
                         cjk_piece_chars=style.cjk_piece_chars)
    fitted_groups: list[tuple[list[TimedWord], int, int]] = []
    fits: list[Fitted] = []
    for words, seg_index, seg_end in groups:
        for fit in fit_words([w.text for w in words], measure, base_size=m.base_size,
                             floor_size=m.floor_size, min_size=m.min_size, max_width=m.max_width):
            fitted_groups.append(([words[i] for i in fit.word_indices], seg_index, seg_end))
            fits.append(fit)
    pages = time_pages(fitted_groups, hold_ms=style.hold_ms, bridge_ms=style.bridge_ms)
    placed: list[PlacedPage] = []
    for page in pages:
        fit = fits[page.group_index]
        offset = fit.word_indices[0]
        lines = tuple(tuple((a.text, a.word - offset, a.space_before) for a in line) for line in fit.lines)
        panel = _panel(fit, m, measure) if style.box else None
        placed.append(PlacedPage(page, lines, fit.size, m.x, m.y, panel))
    return placed, m


def _panel(fit: Fitted, m: Metrics, measure: Measurer) -> tuple[int, int, int, int]:
    """The box behind a page: widest measured line plus padding; lines are libass line boxes high."""
    widest = max(measure.width(line_text(line), fit.size) for line in fit.lines)
    width = math.ceil(widest * 1.01) + 2 * (m.pad_x + m.outline)
    height = math.ceil(len(fit.lines) * measure.font.line_height(fit.size)) + 2 * (m.pad_y + m.outline)
    return m.x - m.pad_x - m.outline, m.y + m.pad_y + m.outline, width, height
