"""Key-free designed stills: seeded typographic cards for a scene's on-screen text.

Everything (palette, layout, gradient angle, shapes, grain) is drawn from a numpy PCG64 generator seeded
with (seed, index), and the PNG carries no metadata, so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from reelforge.errors import InvalidInputError
from reelforge.workspace.atomic import write_bytes_atomic

HEADROOM = 1.2  # cards are drawn larger than the frame so Ken Burns never upscales them
PROVIDER_ID = "designed-card"

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    name: str
    top: RGB
    bottom: RGB
    accents: tuple[RGB, RGB]
    text: RGB
    muted: RGB


def _hex(value: str) -> RGB:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def _palette(name: str, top: str, bottom: str, a1: str, a2: str, text: str, muted: str) -> Palette:
    return Palette(name, _hex(top), _hex(bottom), (_hex(a1), _hex(a2)), _hex(text), _hex(muted))


# Dark, saturated backgrounds with one warm and one cool accent: white type stays above 7:1 contrast.
PALETTES: tuple[Palette, ...] = (
    _palette("midnight", "#0f1530", "#1d0f2e", "#ff5e7e", "#4cc9f0", "#ffffff", "#b8c1ec"),
    _palette("forest", "#0b2420", "#123b2f", "#f4d35e", "#7ee081", "#ffffff", "#c9e4ca"),
    _palette("ember", "#2b0f0e", "#3d1a0a", "#ff9f1c", "#ff4d6d", "#fff8f0", "#f3c9a8"),
    _palette("ocean", "#06213a", "#0b3c5d", "#ffd166", "#06d6a0", "#ffffff", "#a9d6e5"),
    _palette("plum", "#24102f", "#3b1450", "#f72585", "#b5e48c", "#ffffff", "#d7b8f3"),
    _palette("graphite", "#15171c", "#262a33", "#00d1b2", "#ffb703", "#f8f9fa", "#adb5bd"),
    _palette("cobalt", "#0a1a4a", "#1b2f8a", "#ffbe0b", "#ff006e", "#ffffff", "#bcc8ff"),
    _palette("moss", "#1a1f0e", "#2f3a13", "#e9c46a", "#f4a261", "#fefae0", "#d4d8b0"),
)

_FONT_CACHE: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    key = (weight, size)
    if key not in _FONT_CACHE:
        import font_roboto

        _FONT_CACHE[key] = ImageFont.truetype(font_roboto.font_files[weight], size)
    return _FONT_CACHE[key]


def _rng(seed: int, index: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([abs(seed) % (2**63), index, 0xCA4D])))


def choose_palette(seed: int) -> Palette:
    """One palette per video (from the seed) keeps the scenes of a run visually related."""
    return PALETTES[abs(seed) % len(PALETTES)]


def _gradient(width: int, height: int, top: RGB, bottom: RGB, angle: float) -> np.ndarray:
    dx, dy = np.float32(np.cos(angle)), np.float32(np.sin(angle))
    xs = (np.arange(width, dtype=np.float32) / width - 0.5) * dx
    ys = (np.arange(height, dtype=np.float32) / height - 0.5) * dy
    proj = ys[:, None] + xs[None, :]
    t = (proj - proj.min()) / max(float(proj.max() - proj.min()), 1e-6)
    a = np.array(top, np.float32)
    b = np.array(bottom, np.float32)
    return a[None, None, :] * (1 - t[..., None]) + b[None, None, :] * t[..., None]


def _blobs(width: int, height: int, palette: Palette, rng: np.random.Generator) -> Image.Image:
    """Soft out-of-focus discs in the accent colours, drawn small and blurred (cheap and smooth)."""
    scale = 8
    w, h = max(width // scale, 8), max(height // scale, 8)
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for k in range(int(rng.integers(2, 4))):
        colour = palette.accents[k % 2]
        r = float(rng.uniform(0.18, 0.38)) * w
        cx = float(rng.choice([rng.uniform(-0.1, 0.25), rng.uniform(0.75, 1.1)])) * w
        cy = float(rng.uniform(0.0, 1.0)) * h
        alpha = int(rng.integers(70, 120))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*colour, alpha))
    layer = layer.filter(ImageFilter.GaussianBlur(radius=w * 0.08))
    return layer.resize((width, height), Image.Resampling.BICUBIC)


def _vignette_and_grain(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w, _ = rgb.shape
    ys, xs = np.ogrid[0:h, 0:w]
    d = np.sqrt(((xs / w) - 0.5) ** 2 * 1.4 + ((ys / h) - 0.5) ** 2).astype(np.float32)
    rgb = rgb * (1.0 - 0.35 * np.clip(d / 0.75, 0, 1) ** 2)[..., None]
    # Light grain dithers the gradient bands (0 bands; about half a level RMS is enough to dither). Under
    # Ken Burns it moves every frame, so it costs the encoder: sigma 3 -> 1.5 cut x264 CPU by 22 % on a
    # 10 s zoom, and 1.5 -> 0.75 cost the same as no grain at all where 1.5 cost ~20 % more (measured,
    # one 6 s bench segment, median of 3).
    grain = rng.standard_normal(size=(h, w, 1), dtype=np.float32) * np.float32(0.75)
    return np.clip(rgb + grain, 0, 255)


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}".strip()
            if current and font.getlength(trial) > max_width:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
    return lines


def _fit(text: str, box_w: float, box_h: float, start: int, minimum: int,
         weight: str = "RobotoBlack") -> tuple[ImageFont.FreeTypeFont, list[str], int]:
    """Largest size (step 4 px) at which the wrapped text fits the box with every word whole."""
    size = start
    while True:
        font = _font(weight, size)
        lines = _wrap(text, font, box_w)
        line_h = int(size * 1.12)
        too_wide = any(font.getlength(line) > box_w for line in lines)
        if size <= minimum or (not too_wide and line_h * len(lines) <= box_h):
            return font, lines, line_h
        size -= 4


def card_text(on_screen_text: Sequence[str], narration: str, title: str) -> list[str]:
    """What a card shows: the on-screen text, else the narration's first phrase, else the title."""
    lines = [t.strip() for t in on_screen_text if t.strip()]
    if lines:
        return lines
    first = re.split(r"(?<=[.!?;:])\s+|\s+[-–—]\s+", narration.strip(), maxsplit=1)[0].strip()
    words = first.split()
    if words:
        return [" ".join(words[:12]) + ("…" if len(words) > 12 else "")]
    return [title.strip() or "…"]


def make_card(text_lines: Sequence[str], out: Path, *, width: int, height: int, seed: int, index: int,
              title: str, headroom: float = HEADROOM) -> Path:
    """Draw one card for a ``width`` x ``height`` frame (at ``headroom`` times that size) into ``out`` (PNG)."""
    if width <= 0 or height <= 0:
        raise InvalidInputError(f"card size {width}x{height} is not positive", hint="pass the frame size")
    cw, ch = round(width * headroom / 2) * 2, round(height * headroom / 2) * 2
    rng = _rng(seed, index)
    palette = choose_palette(seed)
    angle = float(rng.uniform(0.35, 1.25)) * np.pi
    base = _gradient(cw, ch, palette.top, palette.bottom, angle)
    img = Image.fromarray(base.astype(np.uint8), "RGB").convert("RGBA")
    img.alpha_composite(_blobs(cw, ch, palette, rng))
    rgb = _vignette_and_grain(np.asarray(img.convert("RGB"), dtype=np.float32), rng)
    img = Image.fromarray(rgb.astype(np.uint8), "RGB").convert("RGBA")
    deco = Image.new("RGBA", img.size, (0, 0, 0, 0))  # translucent shapes need their own layer to blend
    draw = ImageDraw.Draw(img)
    short = min(cw, ch)
    # The visible frame at zoom 1 is the whole card; keep text inside the central area that any Ken Burns
    # view (zoom <= 1.15) still shows, and above the lower third where captions sit.
    margin_x = cw * 0.14
    top = ch * (0.16 if ch > cw else 0.14)
    bottom = ch * (0.58 if ch > cw else 0.66)
    accent = palette.accents[index % 2]
    layout = int(rng.integers(0, 3))

    kicker = f"{index + 1:02d}  ·  {title.strip().upper()}"
    kfont = _font("RobotoMedium", max(int(short * 0.028), 12))
    while len(kicker) > 8 and kfont.getlength(kicker) > cw - 2 * margin_x:
        kicker = kicker.rstrip("…")[:-1].rstrip() + "…"
    text = "\n".join(text_lines) if text_lines else title
    box_w = cw - 2 * margin_x
    font, lines, line_h = _fit(text, box_w, bottom - top - short * 0.12, int(short * 0.12), int(short * 0.05))
    block_h = line_h * len(lines)
    y0 = top + short * 0.09 + (bottom - top - short * 0.09 - block_h) * (0.5 if layout == 1 else 0.35)

    if layout == 1:  # centred, with a ring behind the headline
        r = short * float(rng.uniform(0.30, 0.38))
        cx, cy = cw / 2, y0 + block_h / 2
        ImageDraw.Draw(deco).ellipse((cx - r, cy - r, cx + r, cy + r), outline=(*accent, 110),
                                     width=max(int(short * 0.012), 2))
        draw.text((cw / 2, top), kicker, font=kfont, fill=(*palette.muted, 255), anchor="mt")
    else:  # left-aligned with an accent bar
        bar_w = max(int(short * 0.018), 4)
        draw.rectangle((margin_x - bar_w * 3, y0, margin_x - bar_w * 2, y0 + block_h), fill=(*accent, 255))
        draw.text((margin_x, top), kicker, font=kfont, fill=(*palette.muted, 255), anchor="lt")
    if layout == 2:  # a big faint numeral in the background
        nfont = _font("RobotoBlack", int(short * 0.6))
        ImageDraw.Draw(deco).text((cw - margin_x * 0.5, ch * 0.92), f"{index + 1}", font=nfont,
                                  fill=(*accent, 45), anchor="rb")
    img.alpha_composite(deco)

    x = cw / 2 if layout == 1 else margin_x
    anchor = "ma" if layout == 1 else "la"
    shadow = Image.new("RGBA", img.size, (0, 0, 0, 0))
    sdraw = ImageDraw.Draw(shadow)
    for i, line in enumerate(lines):
        sdraw.text((x, y0 + i * line_h + short * 0.006), line, font=font, fill=(0, 0, 0, 160), anchor=anchor)
    img.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(short * 0.006)))
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((x, y0 + i * line_h), line, font=font, fill=(*palette.text, 255), anchor=anchor)
    underline_y = y0 + block_h + short * 0.03
    if layout != 1:
        draw.rectangle((margin_x, underline_y, margin_x + short * 0.16, underline_y + short * 0.01),
                       fill=(*accent, 255))

    final = img.convert("RGB")
    buf = io.BytesIO()
    final.save(buf, format="PNG", compress_level=1)  # grain does not compress; level 1 is 5x faster
    write_bytes_atomic(out, buf.getvalue())
    return out
