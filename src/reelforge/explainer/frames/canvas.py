"""Shared drawing pieces for explainer frames: safe margins, palette, fonts, styled text, PNG output.

Text-heavy frames keep every pixel of content inside ``Geometry.safe``: the margins leave room for the
caption band (bottom) and for app/player overlays. Fonts come from PyPI packages (Roboto, Roboto Mono)
and Pillow's BASIC layout engine is used, so the bytes do not depend on the machine's fonts or libraqm.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from reelforge.workspace.atomic import write_bytes_atomic

RGB = tuple[int, int, int]

# (left/right, top, bottom) as shares of the frame. Bottom holds the caption band (a lower-third page of
# two lines at 9:16 reaches ~30 % up from the bottom on TikTok/Shorts) and a player's progress bar.
MARGINS: dict[str, tuple[float, float, float]] = {"16:9": (0.05, 0.07, 0.16), "9:16": (0.06, 0.08, 0.30),
                                                  "1:1": (0.05, 0.07, 0.18)}


@dataclass(frozen=True)
class Box:
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

    def contains(self, other: tuple[int, int, int, int]) -> bool:
        return other[0] >= self.x0 and other[1] >= self.y0 and other[2] <= self.x1 and other[3] <= self.y1


@dataclass(frozen=True)
class Palette:
    top: RGB
    bottom: RGB
    text: RGB
    muted: RGB
    accent: RGB
    accent2: RGB
    panel: RGB
    code_bg: RGB


PALETTES: tuple[Palette, ...] = (
    Palette((15, 23, 42), (17, 24, 39), (241, 245, 249), (148, 163, 184), (56, 189, 248), (251, 191, 36),
            (30, 41, 59), (13, 17, 23)),
    Palette((20, 17, 38), (28, 20, 48), (245, 243, 255), (167, 160, 200), (167, 139, 250), (52, 211, 153),
            (39, 33, 66), (13, 17, 23)),
    Palette((10, 30, 30), (14, 38, 36), (240, 253, 250), (140, 180, 170), (45, 212, 191), (251, 146, 60),
            (22, 52, 50), (13, 17, 23)),
    Palette((30, 20, 16), (40, 24, 18), (255, 247, 237), (200, 170, 150), (251, 146, 60), (96, 165, 250),
            (60, 40, 30), (13, 17, 23)),
)


def aspect_of(width: int, height: int) -> str:
    if width * 16 == height * 9:
        return "9:16"
    if width == height:
        return "1:1"
    return "16:9" if width > height else "9:16"


def frame_margins(width: int, height: int) -> Box:
    """The rectangle every explainer frame's content stays inside, in pixels (right/bottom exclusive)."""
    side, top, bottom = MARGINS[aspect_of(width, height)]
    return Box(round(side * width), round(top * height), width - round(side * width),
               height - round(bottom * height))


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    safe: Box
    palette: Palette

    @property
    def unit(self) -> float:
        """One 'point' at 1080p: sizes scale with the shorter side of the frame."""
        return min(self.width, self.height) / 1080

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    def px(self, value: float) -> int:
        return max(1, round(value * self.unit))


def geometry(width: int, height: int, seed: int, margins: Box | None = None) -> Geometry:
    return Geometry(width, height, margins or frame_margins(width, height), PALETTES[abs(seed) % len(PALETTES)])


def background(g: Geometry) -> Image.Image:
    """A quiet vertical gradient; tests diff frames against it to find every drawn pixel."""
    t = np.linspace(0.0, 1.0, g.height, dtype=np.float32)[:, None, None]
    top = np.array(g.palette.top, dtype=np.float32)[None, None, :]
    bottom = np.array(g.palette.bottom, dtype=np.float32)[None, None, :]
    column = np.rint(top + (bottom - top) * t).astype(np.uint8)
    return Image.fromarray(np.repeat(column, g.width, axis=1), "RGB")


_FONTS: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}
_MONO_WEIGHTS = {"mono": 400, "mono-medium": 500, "mono-bold": 700}


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """``Roboto``/``RobotoMedium``/``RobotoBold``... from font-roboto, or ``mono``/``mono-bold`` (Roboto Mono)."""
    key = (name, size)
    if key not in _FONTS:
        if name in _MONO_WEIGHTS:
            import fontpkg_roboto_mono

            face = ImageFont.truetype(str(fontpkg_roboto_mono.ROOT / "files" / "RobotoMono[wght].ttf"), size,
                                      layout_engine=ImageFont.Layout.BASIC)
            face.set_variation_by_axes([_MONO_WEIGHTS[name]])
        else:
            import font_roboto

            face = ImageFont.truetype(font_roboto.font_files[name], size, layout_engine=ImageFont.Layout.BASIC)
        _FONTS[key] = face
    return _FONTS[key]


def text_width(text: str, face: ImageFont.FreeTypeFont) -> float:
    return face.getlength(text)


def line_height(face: ImageFont.FreeTypeFont, factor: float = 1.25) -> int:
    ascent, descent = face.getmetrics()
    return round((ascent + descent) * factor)


def ellipsize(text: str, face: ImageFont.FreeTypeFont, max_width: float) -> str:
    if face.getlength(text) <= max_width:
        return text
    while text and face.getlength(text + "…") > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, face: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Greedy word wrap; a word wider than the line is cut with an ellipsis rather than overflow."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if face.getlength(trial) <= max_width:
            current = trial
            continue
        if current:
            lines.append(current)
        current = word if face.getlength(word) <= max_width else ellipsize(word, face, max_width)
    if current:
        lines.append(current)
    return lines


Run = tuple[str, bool]  # (text, is_code)


def inline_runs(text: str) -> list[Run]:
    """Split a line of slide markdown on backticks: odd pieces are inline code."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an unmatched backtick is just a character
        pieces[-2:] = [pieces[-2] + "`" + pieces[-1]]
    return [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece]


def save_png(image: Image.Image, out: Path) -> Path:
    """PNG without metadata (no dates, no software tag): same pixels, same bytes."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", optimize=False, compress_level=6)
    write_bytes_atomic(out, buffer.getvalue())
    return out


def draw_text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, face: ImageFont.FreeTypeFont,
              fill: RGB) -> None:
    draw.text((round(xy[0]), round(xy[1])), text, font=face, fill=fill)
