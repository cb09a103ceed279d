"""Card layout: every element's box, computed before anything is drawn, so tests can check them.

Coordinates are card pixels (the frame times ``scale``, the Ken Burns headroom). The card moves under a
subtle Ken Burns zoom (up to ``MAX_ZOOM`` about the centre) while the safe area and the caption band stay
put on screen, so text is kept inside the safe area shrunk by that zoom, and out of the caption band
grown by it. Decorations (icon, badge, ring, bars, dots) never overlap a text box; the background
(gradient and soft glows) is not an element.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from PIL import ImageFont

from reelforge.errors import InvalidInputError
from reelforge.models.safe_area import SafeArea
from reelforge.providers.visual import card_wrap
from reelforge.providers.visual.card_theme import LayoutName
from reelforge.text.fonts import ScriptFont, font_for_text
from reelforge.text.scripts import dominant_script

Box = tuple[float, float, float, float]  # left, top, right, bottom
Align = Literal["left", "center", "right"]
MAX_ZOOM = 1.06  # kenburns "subtle" (cards) zooms 1.00 <-> 1.06 about the centre
LINE_PITCH = 1.14
CJK_PITCH = 1.3


class TextTooLongError(InvalidInputError):
    """The text does not fit its box even at the smallest size (exit 4 when the author wrote it)."""


def intersects(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def contains(outer: Box, inner: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _zoomed(box: Box, cx: float, cy: float, factor: float) -> Box:
    return (cx + (box[0] - cx) * factor, cy + (box[1] - cy) * factor,
            cx + (box[2] - cx) * factor, cy + (box[3] - cy) * factor)


def _union(a: Box, b: Box) -> Box:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


_FONT_LOCK = threading.Lock()
_FONTS: OrderedDict[tuple[str, int], ImageFont.FreeTypeFont] = OrderedDict()
_FONT_CACHE_SIZE = 48  # a CJK face costs ~2.3 MB; fitting tries ~10 sizes per card


def pil_font(font: ScriptFont, size: int) -> ImageFont.FreeTypeFont:
    key = (f"{font.path}:{font.weight}", size)
    with _FONT_LOCK:
        if key in _FONTS:
            _FONTS.move_to_end(key)
        else:
            while len(_FONTS) >= _FONT_CACHE_SIZE:
                _FONTS.popitem(last=False)
            loaded = ImageFont.truetype(str(font.path), size)
            if font.variation:
                values = []
                for axis in loaded.get_variation_axes():
                    name = axis["name"].decode() if isinstance(axis["name"], bytes) else str(axis["name"])
                    tag = "wght" if name.lower().startswith("weight") else name.lower()[:4]
                    values.append(font.variation.get(tag, float(axis["default"])))
                loaded.set_variation_by_axes(values)
            _FONTS[key] = loaded
        return _FONTS[key]


@dataclass(frozen=True)
class TextBlock:
    """Lines of one font and size; ``origins`` are the baseline anchor points, ``box`` encloses all ink."""

    role: str
    text: str
    lines: tuple[str, ...]
    font: ScriptFont
    size: int
    align: Align
    origins: tuple[tuple[float, float], ...]
    box: Box

    @property
    def anchor(self) -> str:
        return {"left": "ls", "center": "ms", "right": "rs"}[self.align]


@dataclass(frozen=True)
class Decoration:
    kind: str  # badge, icon, ring, bar, underline, dots, watermark
    box: Box
    icon: str | None = None


@dataclass(frozen=True)
class CardLayout:
    width: int  # card pixels
    height: int
    scale: float
    layout: LayoutName
    safe: Box  # the platform safe area (card pixels)
    text_safe: Box  # where text may be at every zoom
    caption_band: Box  # kept clear for the burned-in captions (on screen)
    caption_keepout: Box  # the band as the zooming card sees it
    headline: TextBlock
    kicker: TextBlock | None
    decorations: tuple[Decoration, ...] = field(default_factory=tuple)

    @property
    def texts(self) -> tuple[TextBlock, ...]:
        return (self.headline,) if self.kicker is None else (self.kicker, self.headline)

    def problems(self) -> list[str]:
        """Every broken rule (empty when the card is right): overlaps, text outside the safe area."""
        out: list[str] = []
        cx, cy = self.width / 2, self.height / 2
        for block in self.texts:
            swept = _union(block.box, _zoomed(block.box, cx, cy, MAX_ZOOM))
            if not contains(self.safe, swept):
                out.append(f"{block.role} {_fmt(swept)} leaves the safe area {_fmt(self.safe)}")
            if intersects(swept, self.caption_band):
                out.append(f"{block.role} {_fmt(swept)} enters the caption band {_fmt(self.caption_band)}")
            for deco in self.decorations:
                if intersects(block.box, deco.box):
                    out.append(f"{deco.kind} {_fmt(deco.box)} overlaps {block.role} {_fmt(block.box)}")
        if self.kicker is not None and intersects(self.kicker.box, self.headline.box):
            out.append("kicker overlaps headline")
        return out


def _fmt(box: Box) -> str:
    return "(" + ", ".join(f"{v:.0f}" for v in box) + ")"


def default_band(area: SafeArea) -> Box:
    """The lowest 30 % of the safe area, where bottom captions sit: kept clear when the caller names no band
    (a still for the image runner has no captions yet, but may get them in a video later)."""
    return float(area.x0), area.y1 - 0.3 * area.h, float(area.x1), float(area.y1)


@dataclass(frozen=True)
class Frame:
    """The fixed geometry of one card: sizes, safe area, caption band, and the zones derived from them."""

    width: int
    height: int
    scale: float
    safe: Box
    text_safe: Box
    band: Box
    keepout: Box

    @property
    def short(self) -> float:
        return min(self.width, self.height)

    @property
    def portrait(self) -> bool:
        return self.height > self.width * 1.2

    def zone(self) -> Box:
        """The larger text-safe region above or below the caption band, a gap away from it."""
        gap = self.short * 0.03
        left, top, right, bottom = self.text_safe
        above = (left, top, right, min(bottom, self.keepout[1] - gap))
        below = (left, max(top, self.keepout[3] + gap), right, bottom)
        return above if above[3] - above[1] >= below[3] - below[1] else below

    def free_area(self) -> Box:
        """The frame on the other side of the caption band from the text (decoration only: app UI may
        cover part of it): below the band when the text is above it, as it usually is."""
        gap = self.short * 0.04
        if self.zone()[1] < self.keepout[1]:
            return 0.0, self.keepout[3] + gap, float(self.width), float(self.height)
        return 0.0, 0.0, float(self.width), max(0.0, self.keepout[1] - gap)


def frame_geometry(width: int, height: int, *, scale: float, area: SafeArea, band: Box | None = None) -> Frame:
    """The card's geometry for a ``width`` x ``height`` frame drawn ``scale`` times larger: ``area`` is the
    platform safe area and ``band`` the box the burned-in captions will cover (frame pixels), which the
    caption stage knows; the cards only keep it clear."""
    band = band if band is not None else default_band(area)
    s = scale
    cw, ch = round(width * s / 2) * 2, round(height * s / 2) * 2
    safe = (area.x0 * s, area.y0 * s, area.x1 * s, area.y1 * s)
    cx, cy = cw / 2, ch / 2
    shrunk = _zoomed(safe, cx, cy, 1 / MAX_ZOOM)
    text_safe = (max(safe[0], shrunk[0]), max(safe[1], shrunk[1]), min(safe[2], shrunk[2]), min(safe[3], shrunk[3]))
    band_c = (band[0] * s, band[1] * s, band[2] * s, band[3] * s)
    keepout = _union(band_c, _zoomed(band_c, cx, cy, 1 / MAX_ZOOM))
    return Frame(cw, ch, s, safe, text_safe, band_c, keepout)


# ---- text fitting ----------------------------------------------------------------------------------------

def _pitch(font: ScriptFont, text: str) -> float:
    return _script_pitch(text)


@lru_cache(maxsize=256)
def _script_pitch(text: str) -> float:
    return CJK_PITCH if dominant_script(text) in ("han", "kana", "hangul", "arabic") else LINE_PITCH


def _place(role: str, text: str, lines: list[str], font: ScriptFont, size: int, align: Align,
           x: float, top: float, width: float, pad: float) -> TextBlock:
    """Baselines from ``top``; the box is the union of each line's ink and its ascent/descent, plus pad."""
    pil = pil_font(font, size)
    ascent, descent = pil.getmetrics()
    pitch = size * _pitch(font, text)
    ax = {"left": x, "center": x + width / 2, "right": x + width}[align]
    anchor = {"left": "ls", "center": "ms", "right": "rs"}[align]
    origins: list[tuple[float, float]] = []
    box: Box | None = None
    for i, line in enumerate(lines):
        baseline = top + ascent + i * pitch
        origins.append((ax, baseline))
        ink = pil.getbbox(line, anchor=anchor)
        lb = (ax + ink[0], baseline + ink[1], ax + ink[2], baseline + ink[3])
        metric = (lb[0], baseline - ascent, lb[2], baseline + descent)
        line_box = _union(lb, metric)
        box = line_box if box is None else _union(box, line_box)
    assert box is not None
    box = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
    # ink may overhang the origin (side bearings, tall marks): move the block back inside its column
    dx = max(0.0, (x - pad) - box[0]) + min(0.0, (x + width + pad) - box[2])
    dy = max(0.0, (top - pad) - box[1])
    if dx or dy:
        origins = [(ox + dx, oy + dy) for ox, oy in origins]
        box = (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)
    return TextBlock(role, text, tuple(lines), font, size, align, tuple(origins), box)


def _block_height(font: ScriptFont, text: str, size: int, n_lines: int) -> float:
    ascent, descent = pil_font(font, size).getmetrics()
    return ascent + descent + (n_lines - 1) * size * _pitch(font, text)


class _Scaled:
    """Advance widths measured once at a reference size and scaled linearly to the size being tried
    (shaping is the slow part of fitting); the lines finally chosen are measured for real."""

    def __init__(self, font: ScriptFont, reference: int) -> None:
        self.pil = pil_font(font, reference)
        self.reference = reference
        self.cache: dict[str, float] = {}

    def at(self, size: int) -> card_wrap.Measure:
        factor = size / self.reference

        def measure(text: str) -> float:
            if text not in self.cache:
                self.cache[text] = self.pil.getlength(text)
            return self.cache[text] * factor

        return measure


def _fits(text: str, font: ScriptFont, size: int, width: float, height: float, max_lines: int,
          scaled: _Scaled | None = None) -> list[str] | None:
    pil = pil_font(font, size)
    ascent, descent = pil.getmetrics()
    limit = min(max_lines, int((height - ascent - descent) // (size * _pitch(font, text))) + 1)
    measure = scaled.at(size) if scaled is not None else pil.getlength
    if limit < 1 or len(card_wrap.wrap(text, measure, width)) > limit:
        return None
    lines = card_wrap.balanced_wrap(text, measure, width, max_lines=limit)
    return lines if all(_ink_width(pil, line) <= width for line in lines) else None


def _ink_width(pil: ImageFont.FreeTypeFont, line: str) -> float:
    """The wider of the advance and the ink: some glyphs overhang their advance (side bearings)."""
    ink = pil.getbbox(line, anchor="ls")
    return max(pil.getlength(line), ink[2] - min(ink[0], 0))


def _splits_a_word(text: str, lines: list[str]) -> bool:
    """True when a space-separated word of ``text`` was broken between two of ``lines`` (Japanese and Chinese
    have no such words: their breaks are judged by ``card_wrap.break_cost``)."""
    if len(lines) < 2 or any(card_wrap.is_unspaced_char(ch) for ch in text):
        return False
    return " ".join(lines).split() != text.split()


def fit_text(text: str, font: ScriptFont, width: float, height: float, *, start: int, minimum: int,
             max_lines: int) -> tuple[int, list[str]]:
    """The largest size (and its lines) at which ``text`` fits ``width`` x ``height`` in at most
    ``max_lines`` lines, every character kept; below ``minimum`` more lines are allowed before giving up."""
    size = start
    floor = max(8, minimum // 2)
    scaled = _Scaled(font, start)
    while size >= floor:
        lines = _fits(text, font, size, width, height, max_lines if size >= minimum else max_lines * 2, scaled)
        if lines is not None:
            if size >= minimum and _splits_a_word(text, lines):
                # a word broken across lines ("충분합니-다", "hydra-tion"): a smaller size that keeps words whole
                # reads better, as long as it stays at or above the minimum
                smaller = int(size * 0.93) if size > 40 else size - 2
                while smaller >= minimum:
                    found = _fits(text, font, smaller, width, height, max_lines, scaled)
                    if found is not None and not _splits_a_word(text, found):
                        return smaller, found
                    smaller = int(smaller * 0.93) if smaller > 40 else smaller - 2
            if card_wrap.break_cost(lines) >= 0.5 and size >= minimum:
                # a Japanese/Chinese line cut mid-word: one or two sizes down may break at phrase ends
                for smaller in (int(size * 0.93), int(size * 0.86)):
                    if smaller < minimum:
                        break
                    found = _fits(text, font, smaller, width, height, max_lines, scaled)
                    if found is not None and card_wrap.break_cost(found) < card_wrap.break_cost(lines):
                        return smaller, found
            return size, lines
        size = int(size * 0.93) if size > 40 else size - 2
    raise TextTooLongError(f"on-screen text is too long for a card even at {floor} px: {text[:60]!r}",
                           hint="shorten the scene's onScreenText (a hook of a few words reads best)")


# ---- layouts ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Content:
    headline: str
    kicker: str
    icon: str


def layout_card(content: Content, frame: Frame, layout: LayoutName, *, index: int = 0) -> CardLayout:
    """Place headline, kicker, icon and decorations for ``layout`` on ``frame``."""
    head_font = font_for_text(content.headline, "black", what="card headline")
    kick_font = font_for_text(content.kicker, "bold", what="card kicker") if content.kicker.strip() else None
    rtl = dominant_script(content.headline) in ("arabic", "hebrew")
    if frame.portrait:
        parts = _portrait(content, frame, layout, head_font, kick_font, rtl, index)
    else:
        parts = _landscape(content, frame, layout, head_font, kick_font, rtl, index)
    headline, kicker, decorations = parts
    return CardLayout(frame.width, frame.height, frame.scale, layout, frame.safe, frame.text_safe, frame.band,
                      frame.keepout, headline, kicker, tuple(decorations))


Parts = tuple[TextBlock, TextBlock | None, list[Decoration]]


def _text_column(content: Content, frame: Frame, column: Box, align: Align, head_font: ScriptFont,
                 kick_font: ScriptFont | None, *, max_lines: int, vcenter: float) -> tuple[TextBlock, TextBlock | None]:
    """Kicker over headline inside ``column``, the pair placed at ``vcenter`` (0 top .. 1 bottom) of the
    column's free height."""
    short = frame.short
    pad = short * 0.012  # the shadow's offset and blur
    x0, y0, x1, y1 = column
    width = x1 - x0 - 2 * pad
    kick_size = max(12, round(short * 0.036))
    kick_h = 0.0
    kick_lines: list[str] = []
    if kick_font is not None:
        try:
            kick_size, kick_lines = fit_text(content.kicker, kick_font, width, short * 0.12, start=kick_size,
                                             minimum=max(10, kick_size // 2), max_lines=1)
            kick_h = _block_height(kick_font, content.kicker, kick_size, len(kick_lines)) + short * 0.035
        except TextTooLongError:
            kick_font = None  # a tiny frame: the kicker is the part to drop
    start = round(short * 0.155)
    size, lines = fit_text(content.headline, head_font, width, y1 - y0 - kick_h - 2 * pad, start=start,
                           minimum=round(short * 0.05), max_lines=max_lines)
    head_h = _block_height(head_font, content.headline, size, len(lines))
    top = y0 + pad + max(0.0, (y1 - y0 - 2 * pad - kick_h - head_h)) * vcenter
    kicker = None
    if kick_font is not None:
        kicker = _place("kicker", content.kicker, kick_lines, kick_font, kick_size, align, x0 + pad, top, width, pad)
        top += kick_h
    headline = _place("headline", content.headline, lines, head_font, size, align, x0 + pad, top, width, pad)
    return headline, kicker


def _badge(center: tuple[float, float], diameter: float, icon: str) -> list[Decoration]:
    cx, cy = center
    r = diameter / 2
    return [Decoration("badge", (cx - r, cy - r, cx + r, cy + r), icon)]


def _portrait(content: Content, frame: Frame, layout: LayoutName, head_font: ScriptFont,
              kick_font: ScriptFont | None, rtl: bool, index: int) -> Parts:
    zone = frame.zone()
    short = frame.short
    below = frame.free_area()
    decorations: list[Decoration] = []
    gap = short * 0.04
    if layout == "badge":
        d = min(short * 0.24, (zone[3] - zone[1]) * 0.26)
        decorations += _badge(((zone[0] + zone[2]) / 2, zone[1] + d / 2), d, content.icon)
        column = (zone[0], zone[1] + d + gap, zone[2], zone[3])
        headline, kicker = _text_column(content, frame, column, "center", head_font, kick_font,
                                        max_lines=5, vcenter=0.2)
        decorations.append(Decoration("arcs", (0.0, below[1], float(frame.width), below[3])))
    elif layout == "editorial":
        bar_w = short * 0.018
        align: Align = "right" if rtl else "left"
        column = (zone[0] + (0 if rtl else bar_w * 3), zone[1], zone[2] - (bar_w * 3 if rtl else 0), zone[3])
        headline, kicker = _text_column(content, frame, column, align, head_font, kick_font,
                                        max_lines=5, vcenter=0.3)
        hb = headline.box
        bar_x = hb[2] + bar_w if rtl else hb[0] - bar_w * 2
        decorations.append(Decoration("bar", (bar_x, hb[1] + bar_w, bar_x + bar_w, hb[3] - bar_w)))
        under_y = hb[3] + short * 0.02
        if under_y + short * 0.012 < frame.keepout[1]:
            ux = hb[2] - short * 0.16 if rtl else hb[0]
            decorations.append(Decoration("underline", (ux, under_y, ux + short * 0.16, under_y + short * 0.012)))
        size = min(short * 0.62, (below[3] - below[1]) * 0.9)
        x = below[0] + short * 0.02 if (index % 2 == 1) != rtl else below[2] - size * 0.85
        decorations.append(Decoration("watermark", (x, below[1], x + size, below[1] + size), content.icon))
    else:  # spotlight: centred headline, the icon large inside a ring below the captions
        headline, kicker = _text_column(content, frame, zone, "center", head_font, kick_font,
                                        max_lines=5, vcenter=0.45)
        d = min(short * 0.46, (below[3] - below[1]) * 0.7)
        cx, cy = frame.width / 2, below[1] + d / 2 + short * 0.02
        decorations.append(Decoration("ring", (cx - d / 2, cy - d / 2, cx + d / 2, cy + d / 2), content.icon))
    return headline, kicker, decorations


def _landscape(content: Content, frame: Frame, layout: LayoutName, head_font: ScriptFont,
               kick_font: ScriptFont | None, rtl: bool, index: int) -> Parts:
    zone = frame.zone()
    short = frame.short
    zx0, zy0, zx1, zy1 = zone
    zw, zh = zx1 - zx0, zy1 - zy0
    decorations: list[Decoration] = []
    square = frame.width < frame.height * 1.2
    if layout == "badge":
        d = min(short * 0.2, zh * 0.28)
        decorations += _badge(((zx0 + zx1) / 2, zy0 + d / 2), d, content.icon)
        column = (zx0 + zw * 0.06, zy0 + d + short * 0.035, zx1 - zw * 0.06, zy1)
        headline, kicker = _text_column(content, frame, column, "center", head_font, kick_font,
                                        max_lines=3, vcenter=0.25)
        decorations.append(_dots(frame.free_area(), frame))
        return headline, kicker, decorations
    # editorial and spotlight: a text column on one side, the pictogram on the other
    split = 0.64 if square else 0.6
    icon_left = (index % 2 == 1) != rtl
    if icon_left:
        column, side = (zx1 - zw * split, zy0, zx1, zy1), (0.0, zy0, zx1 - zw * split, zy1)
    else:
        column, side = (zx0, zy0, zx0 + zw * split, zy1), (zx0 + zw * split, zy0, float(frame.width), zy1)
    bar_w = short * 0.018
    align: Align = "right" if rtl else "left"
    if layout == "editorial":
        column = (column[0] + (0 if rtl else bar_w * 3), column[1], column[2] - (bar_w * 3 if rtl else 0), column[3])
    headline, kicker = _text_column(content, frame, column, align, head_font, kick_font, max_lines=4,
                                    vcenter=0.45)
    hb = headline.box
    gap = short * 0.04
    if layout == "editorial":
        bar_x = hb[2] + bar_w if rtl else hb[0] - bar_w * 2
        decorations.append(Decoration("bar", (bar_x, hb[1] + bar_w, bar_x + bar_w, hb[3] - bar_w)))
        size = min(frame.height * 0.6, (side[2] - side[0]) * 0.9)
        left_edge = max(side[0] + gap, _text_right(headline, kicker) + gap) if not icon_left else side[0]
        x = left_edge if not icon_left else min(side[2] - gap - size, _text_left(headline, kicker) - gap - size)
        y = (frame.height - size) / 2
        decorations.append(Decoration("watermark", (x, y, x + size, y + size), content.icon))
    else:
        width = side[2] - side[0] - 2 * gap
        if not icon_left:
            width = min(side[2] - gap, frame.text_safe[2]) - max(side[0] + gap, _text_right(headline, kicker) + gap)
        d = max(short * 0.1, min(width, zh * 0.8))
        cy = (zy0 + zy1) / 2
        if icon_left:
            cx = min(side[2] - gap, _text_left(headline, kicker) - gap) - d / 2
        else:
            cx = max(side[0] + gap, _text_right(headline, kicker) + gap) + d / 2
        decorations.append(Decoration("ring", (cx - d / 2, cy - d / 2, cx + d / 2, cy + d / 2), content.icon))
        decorations.append(_dots(frame.free_area(), frame))
    return headline, kicker, decorations


def _text_right(headline: TextBlock, kicker: TextBlock | None) -> float:
    return max(headline.box[2], kicker.box[2] if kicker else -math.inf)


def _text_left(headline: TextBlock, kicker: TextBlock | None) -> float:
    return min(headline.box[0], kicker.box[0] if kicker else math.inf)


def _dots(region: Box, frame: Frame) -> Decoration:
    """A field of dots in the free space below the captions (clipped to the frame)."""
    short = frame.short
    x0, y0, x1, y1 = region
    return Decoration("dots", (x0 + short * 0.08, y0 + short * 0.02, x1 - short * 0.08,
                               min(y1, y0 + short * 0.5)))
