"""Caption styles and layout: pages -> measured lines -> a position inside the safe area.

Sizes scale with the frame (a fraction of its shorter side), never absolute pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from reelforge.compose.captions.fonts import FontInfo
from reelforge.compose.captions.paging import Page, TimedWord, group_words, page_end, time_pages
from reelforge.compose.captions.presets import STYLES, CaptionLook, CaptionStyle, style_named
from reelforge.compose.captions.wrap import Fitted, Measurer, fit_words, line_text
from reelforge.models.safe_area import SafeArea
from reelforge.models.timing import Timing

__all__ = ["STYLES", "CaptionStyle", "Metrics", "PlacedPage", "caption_band", "layout_captions", "metrics_for",
           "style_named"]

MEASURE_SLACK = 0.97  # Pillow and libass shape with the same HarfBuzz data; keep 3 % for hinting drift


@dataclass(frozen=True)
class Metrics:
    """The style turned into pixels for one frame; ``alignment`` is the ASS \\an of ``(x, y)``."""

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
    alignment: int = 2
    position: str = "bottom"

    def to_params(self) -> dict[str, Any]:
        return {"fontSize": self.base_size, "floorFontSize": self.floor_size, "minFontSize": self.min_size,
                "outline": self.outline, "shadow": self.shadow, "panelPadding": [self.pad_x, self.pad_y],
                "maxLineWidth": round(self.max_width, 1), "anchor": [self.x, self.y],
                "alignment": self.alignment, "position": self.position}


TOP_LIFT = 0.04  # position=top: the text's top this share of the safe height below the safe area's top


REFERENCE_EM = 2048 / 2701  # Roboto Black's em per ASS Fontsize: the presets' sizes were set with it
MAX_EM_SCALE = 1.7
FONTLESS_BAND_SCALE = 1.1  # caption_band without a font: room for Noto Sans CJK's em scale (REFERENCE_EM * 1.448)


def em_scale(font: FontInfo | None) -> float:
    """How much larger a font's ASS size must be so its em matches Roboto Black's at the preset size.
    libass sizes by usWinAscent + usWinDescent, which is tall for fonts with room for marks: Noto Sans
    Arabic's em is 0.46 of its ASS size (Roboto's 0.76), so unscaled Arabic captions came out at 60 %."""
    if font is None:
        return 1.0
    return min(MAX_EM_SCALE, max(1.0, REFERENCE_EM * font.win_height / font.units_per_em))


def metrics_for(style: CaptionStyle, area: SafeArea, look: CaptionLook | None = None,
                font: FontInfo | None = None) -> Metrics:
    look = look or CaptionLook()
    short_side = min(area.width, area.height)
    ratio = style.portrait_size_ratio if style.portrait_size_ratio and area.height > area.width else style.size_ratio
    base = max(12, round(ratio * look.size * em_scale(font) * short_side))
    outline = round(style.outline_ratio * look.outline * base)
    shadow = round(style.shadow_ratio * base)
    pad_x, pad_y = round(style.pad_x_ratio * base), round(style.pad_y_ratio * base)
    sizes = {"base_size": base, "floor_size": max(10, round(base * style.floor_ratio)),
             "min_size": max(8, round(base * style.min_ratio)), "outline": outline, "shadow": shadow,
             "pad_x": pad_x, "pad_y": pad_y}
    if style.anchor == "bottom-left":
        # The panel's bottom-left corner sits on the safe area's bottom-left corner (position does not apply).
        max_width = (area.w * style.width_fill - 2 * pad_x - 2 * outline - shadow) * MEASURE_SLACK
        return Metrics(**sizes, max_width=max_width, x=area.x0 + pad_x, y=area.y1 - pad_y, alignment=1,
                       position="bottom")
    max_width = (area.w * style.width_fill - 2 * outline - shadow) * MEASURE_SLACK
    position = look.position if look.position != "auto" else ("middle" if style.anchor == "center" else "bottom")
    x = area.center_x
    if position == "bottom":
        y, alignment = area.y1 - round(style.lift_ratio * area.h) - outline - shadow, 2
    elif position == "top":
        y, alignment = area.y0 + round(TOP_LIFT * area.h) + outline, 8
    else:
        # The frame's middle, moved into the safe area's middle band if the platform's UI covers it.
        y, alignment = min(max(area.height // 2, area.y0 + area.h // 4), area.y1 - area.h // 4), 5
    return Metrics(**sizes, max_width=max_width, x=x, y=y, alignment=alignment, position=position)


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


def layout_captions(timing: Timing, style: CaptionStyle, area: SafeArea, measure: Measurer,
                    look: CaptionLook | None = None) -> tuple[list[PlacedPage], Metrics]:
    """Page, wrap and place every caption of the timeline."""
    m = metrics_for(style, area, look, measure.font)
    groups = group_words(timing, max_words=style.max_words, pause_ms=style.pause_ms,
                         cjk_piece_chars=style.cjk_piece_chars)
    fitted_groups: list[tuple[list[TimedWord], int, int]] = []
    fits: list[Fitted] = []
    for words, seg_index, seg_end in groups:
        shown = [w.text.upper() if style.uppercase else w.text for w in words]
        shown[-1] = page_end(shown[-1])
        for fit in fit_words(shown, measure, base_size=m.base_size, floor_size=m.floor_size,
                             min_size=m.min_size, max_width=m.max_width, max_lines=style.max_lines):
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


def caption_band(style: CaptionStyle, area: SafeArea, look: CaptionLook | None = None,
                 font: FontInfo | None = None) -> tuple[int, int, int, int]:
    """The (left, top, right, bottom) rectangle a preset's captions may cover (right/bottom exclusive),
    from its metrics alone: other layers (a card's headline) can keep out of it. With the caption ``font``
    the band is ``max_lines`` of its libass line boxes; without it, of line boxes tall enough for Roboto
    (0.89 of the ASS size) and Noto Sans CJK at its em scale (1.10): Latin, Korean, Japanese, Chinese. Plus
    outline, shadow and panel padding."""
    m = metrics_for(style, area, look, font)
    grow = 1.0 if font is not None else FONTLESS_BAND_SCALE
    line = font.line_height(m.base_size) if font is not None else m.base_size * grow
    height = math.ceil(style.max_lines * line + grow * (2 * (m.outline + m.pad_y) + m.shadow))
    if m.alignment in (1, 2):
        top, bottom = m.y - height + m.pad_y + m.outline, m.y + m.pad_y + m.outline + m.shadow
    elif m.alignment == 8:
        top, bottom = m.y - m.outline, m.y - m.outline + height
    else:
        top, bottom = m.y - height // 2, m.y + (height + 1) // 2
    return area.x0, max(area.y0, top), area.x1, min(area.y1, bottom)
