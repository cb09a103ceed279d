"""Key-free designed stills: one card per scene, its look following the video's topic.

The look (topic, palette, layout, icons) comes from card_theme, the boxes of every element from
card_layout (checked: no decoration over text, text inside the safe area and out of the caption band),
the fonts from text.fonts by the script of each string. Random detail (glows, grain) is drawn from a
numpy PCG64 generator seeded with (seed, index), and the PNG carries no metadata, so the same inputs
give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from reelforge.errors import InvalidInputError
from reelforge.models.safe_area import safe_area
from reelforge.providers.visual import icons
from reelforge.providers.visual.card_layout import (
    Box,
    CardLayout,
    Content,
    Decoration,
    Frame,
    TextBlock,
    TextTooLongError,
    frame_geometry,
    layout_card,
    pil_font,
)
from reelforge.providers.visual.card_text import card_text, headline_text
from reelforge.providers.visual.card_theme import LAYOUTS, Look, Palette, choose_look, language_of
from reelforge.text.fonts import missing_message
from reelforge.text.symbols import strip_emoji
from reelforge.workspace.atomic import write_bytes_atomic

HEADROOM = 1.2  # cards are drawn larger than the frame so Ken Burns never upscales them
PROVIDER_ID = "designed-card"
_LOW = 8  # the background is computed at 1/_LOW size and scaled up (it is smooth)

__all__ = ["HEADROOM", "PROVIDER_ID", "CardResult", "card_text", "draw_card", "kicker_text", "make_card"]


@dataclass(frozen=True)
class CardResult:
    path: Path
    look: Look
    layout: CardLayout

    def to_json(self) -> dict[str, object]:
        """The card's record for the manifest: look, fonts and the icon set's licence."""
        fonts = {b.font.source.family: b.font.describe() for b in self.layout.texts}
        return {"look": self.look.to_json(), "icon": self.look.icon(0) if not self.layout.decorations else
                next((d.icon for d in self.layout.decorations if d.icon), None),
                "headline": self.layout.headline.text, "fonts": list(fonts.values()),
                "icons": icons.attribution()}


def kicker_text(look: Look, language: str, index: int, count: int | None) -> str:
    """``SLEEP · 2/5`` (label in the headline's language), or just the number for a general topic."""
    number = f"{index + 1}/{count}" if count else f"{index + 1:02d}"
    label = look.label(language)
    return f"{label} · {number}" if label else number


def _first_clear_layout(texts: list[str], frame: Frame, look: Look, index: int, count: int | None) -> CardLayout:
    """The look's layout for the first text that fits, else another layout; a text that fits nowhere is
    TextTooLongError (exit 4), a layout that breaks its own rules a RuntimeError (a bug, never drawn)."""
    order = [look.layout, *(name for name in LAYOUTS if name != look.layout)]
    first_error: TextTooLongError | None = None
    broken: list[str] = []
    for text in texts:
        content = Content(text, kicker_text(look, language_of(text), index, count), look.icon(index))
        for name in order:
            try:
                layout = layout_card(content, frame, name, index=index)
            except TextTooLongError as exc:
                first_error = first_error or exc
                continue
            problems = layout.problems()
            if not problems:
                return layout
            broken.append(f"{name}: {'; '.join(problems)}")
    if broken:
        raise RuntimeError(f"card layouts broke their rules: {' | '.join(broken)}")
    assert first_error is not None
    raise first_error


def draw_card(headline: str, out: Path, *, width: int, height: int, seed: int, index: int, look: Look,
              count: int | None = None, platform: str = "tiktok", caption_band: Box | None = None,
              headroom: float = HEADROOM, alternatives: Sequence[str] = ()) -> CardResult:
    """Lay out and draw one card for a ``width`` x ``height`` frame (at ``headroom`` times that size).

    ``alternatives`` are shorter texts to use when ``headline`` fits no layout (for text the tool chose;
    an author's onScreenText that does not fit is an error naming the scene)."""
    if width <= 0 or height <= 0:
        raise InvalidInputError(f"card size {width}x{height} is not positive", hint="pass the frame size")
    headline, emoji = strip_emoji(headline)
    alternatives = [strip_emoji(a)[0] for a in alternatives]
    if not headline.strip() and emoji:
        headline = next((a for a in alternatives if a.strip()), "")
    if not headline.strip():
        raise InvalidInputError("a card needs text", hint="give the scene narration or onScreenText")
    frame = frame_geometry(width, height, scale=headroom, area=safe_area(platform, width, height), band=caption_band)
    layout = _first_clear_layout([headline.strip(), *(a.strip() for a in alternatives if a.strip())], frame,
                                 look, index, count)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([abs(seed) % (2**63), index, 0xCA4D])))
    img = _background(frame.width, frame.height, look.palette, rng, layout)
    _draw_decorations(img, layout, look.palette)
    _draw_texts(img, layout, look.palette)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="PNG", compress_level=1)  # grain does not compress; level 1 is 5x faster
    write_bytes_atomic(out, buf.getvalue())
    return CardResult(out, look, layout)


def make_card(text_lines: Sequence[str], out: Path, *, width: int, height: int, seed: int, index: int,
              title: str, headroom: float = HEADROOM, theme_text: str | None = None, mode: str = "shorts",
              count: int | None = None, platform: str = "tiktok", caption_band: Box | None = None) -> Path:
    """Draw the card for ``text_lines`` (shown as given, one per line; a cut copy falls back to the title)."""
    headline = headline_text(text_lines, "", title)
    look = choose_look(theme_text if theme_text is not None else f"{title}\n{headline}", seed=seed, mode=mode)
    return draw_card(headline, out, width=width, height=height, seed=seed, index=index, look=look, count=count,
                     platform=platform, caption_band=caption_band, headroom=headroom).path


# ---- drawing ---------------------------------------------------------------------------------------------

def _background(cw: int, ch: int, palette: Palette, rng: np.random.Generator, layout: CardLayout) -> Image.Image:
    """Gradient, soft glows and vignette at low resolution, scaled up; fine grain at full size."""
    w, h = max(cw // _LOW, 8), max(ch // _LOW, 8)
    angle = float(rng.uniform(0.35, 0.65)) * np.pi
    xs = (np.arange(w, dtype=np.float32) / w - 0.5) * np.float32(np.cos(angle))
    ys = (np.arange(h, dtype=np.float32) / h - 0.5) * np.float32(np.sin(angle)) * (h / w)
    proj = ys[:, None] + xs[None, :]
    t = ((proj - proj.min()) / max(float(proj.max() - proj.min()), 1e-6))[..., None]
    rgb = np.array(palette.top, np.float32) * (1 - t) + np.array(palette.bottom, np.float32) * t
    glow = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(glow)
    head = layout.headline.box
    for k in range(2):
        colour = palette.accent if k == 0 else palette.accent2
        r = float(rng.uniform(0.25, 0.4)) * w
        cx = float(rng.choice([rng.uniform(-0.15, 0.15), rng.uniform(0.85, 1.15)])) * w
        cy = (head[3] / ch + float(rng.uniform(0.2, 0.6))) * h if k == 0 else float(rng.uniform(0.0, 0.25)) * h
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*colour, 55 if palette.light else 70))
    glow = glow.filter(ImageFilter.GaussianBlur(radius=w * 0.12))
    alpha = np.asarray(glow, dtype=np.float32)[..., 3:4] / 255.0
    rgb = rgb * (1 - alpha) + np.asarray(glow, dtype=np.float32)[..., :3] * alpha
    yy, xx = np.ogrid[0:h, 0:w]
    d = np.sqrt(((xx / w) - 0.5) ** 2 * 1.4 + ((yy / h) - 0.5) ** 2).astype(np.float32)
    strength = 0.12 if palette.light else 0.35
    rgb = rgb * (1.0 - strength * np.clip(d / 0.75, 0, 1) ** 2)[..., None]
    small = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
    big = np.asarray(small.resize((cw, ch), Image.Resampling.BICUBIC), dtype=np.float32)
    # Light grain dithers the gradient bands; sigma 0.75 costs the encoder no more than none under Ken Burns.
    grain = rng.standard_normal(size=(ch, cw, 1), dtype=np.float32) * np.float32(0.75)
    return Image.fromarray(np.clip(big + grain, 0, 255).astype(np.uint8), "RGB").convert("RGBA")


def _icon(draw: ImageDraw.ImageDraw, name: str, box: tuple[float, float, float, float], fill: tuple[int, ...],
          share: float = 1.0) -> None:
    """Icon ``name`` centred in ``box``, its ink scaled to ``share`` of the box side (never past it)."""
    side = min(box[2] - box[0], box[3] - box[1]) * share
    glyph = icons.glyph(name)
    probe = icons.icon_font(200)
    ink = probe.getbbox(glyph, anchor="mm")
    size = max(8, int(200 * side / max(ink[2] - ink[0], ink[3] - ink[1], 1)))
    font = icons.icon_font(size)
    ink = font.getbbox(glyph, anchor="mm")
    cx = (box[0] + box[2]) / 2 - (ink[0] + ink[2]) / 2
    cy = (box[1] + box[3]) / 2 - (ink[1] + ink[3]) / 2
    draw.text((cx, cy), glyph, font=font, fill=fill, anchor="mm")


def _draw_decorations(img: Image.Image, layout: CardLayout, palette: Palette) -> None:
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    short = min(layout.width, layout.height)
    for deco in layout.decorations:
        _decoration(layer, draw, deco, palette, short)
    img.alpha_composite(layer)


def _decoration(layer: Image.Image, draw: ImageDraw.ImageDraw, deco: Decoration, palette: Palette,
                short: float) -> None:
    x0, y0, x1, y1 = deco.box
    if deco.kind == "badge":
        draw.ellipse(deco.box, fill=(*palette.accent, 255))
        if deco.icon:
            _icon(draw, deco.icon, deco.box, (*palette.top, 255), share=0.56)
    elif deco.kind == "ring":
        stroke = max(2, round(short * 0.01))
        inset = stroke * 3
        draw.ellipse((x0 + inset, y0 + inset, x1 - inset, y1 - inset), fill=(*palette.accent, 34))
        draw.ellipse(deco.box, outline=(*palette.accent, 210), width=stroke)
        if deco.icon:
            _icon(draw, deco.icon, deco.box, (*palette.accent, 255), share=0.5)
    elif deco.kind == "watermark" and deco.icon:
        _icon(draw, deco.icon, deco.box, (*palette.accent, 60 if palette.light else 48))
    elif deco.kind in ("bar", "underline"):
        draw.rectangle(deco.box, fill=(*palette.accent, 255))
    elif deco.kind == "arcs":  # concentric arcs rising from the box's bottom edge, clipped to the box
        w, h = max(1, round(x1 - x0)), max(1, round(y1 - y0))
        arcs = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        adraw = ImageDraw.Draw(arcs)
        cx, cy = w / 2, h * 1.35
        stroke = max(2, round(short * 0.008))
        for k in range(6):
            r = cy * (1 - k * 0.16)
            colour = palette.accent if k % 2 == 0 else palette.accent2
            adraw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(*colour, 150 - k * 18), width=stroke)
        layer.alpha_composite(arcs, dest=(max(0, round(x0)), max(0, round(y0))))
    elif deco.kind == "dots":
        step = short * 0.055
        r = short * 0.0065
        rows = int((y1 - y0) // step)
        cols = int((x1 - x0) // step)
        off_x = x0 + ((x1 - x0) - cols * step) / 2
        for row in range(rows + 1):
            alpha = int(150 * (1 - row / (rows + 1)))
            for col in range(cols + 1):
                cx, cy = off_x + col * step, y0 + row * step
                if cx - r >= x0 and cx + r <= x1 and cy + r <= y1:
                    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*palette.accent2, alpha))


def _draw_texts(img: Image.Image, layout: CardLayout, palette: Palette) -> None:
    short = min(layout.width, layout.height)
    for block in layout.texts:
        missing = block.font.missing("".join(block.lines))
        if missing:  # checked on what is drawn (wrapped lines, hyphens): never draw a tofu box
            raise InvalidInputError(missing_message(missing, what=f"card {block.role}"),
                                    hint="pick a font with these glyphs or remove the characters")
        colour = palette.accent if block.role == "kicker" and not palette.light else (
            palette.muted if block.role == "kicker" else palette.text)
        if not palette.light and block.role == "headline":
            _shadow(img, block, short)
        draw = ImageDraw.Draw(img)
        font = pil_font(block.font, block.size)
        for line, origin in zip(block.lines, block.origins, strict=True):
            draw.text(origin, line, font=font, fill=(*colour, 255), anchor=block.anchor)


def _shadow(img: Image.Image, block: TextBlock, short: float) -> None:
    """A soft drop shadow, blurred only over the text's own box (a full-frame blur costs ~0.2 s)."""
    offset, blur = short * 0.006, short * 0.006
    pad = int(blur * 3 + offset) + 2
    left, top = int(block.box[0]) - pad, int(block.box[1]) - pad
    right, bottom = int(block.box[2]) + pad, int(block.box[3]) + pad
    layer = Image.new("RGBA", (right - left, bottom - top), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = pil_font(block.font, block.size)
    for line, (x, y) in zip(block.lines, block.origins, strict=True):
        draw.text((x - left, y - top + offset), line, font=font, fill=(0, 0, 0, 150), anchor=block.anchor)
    layer = layer.filter(ImageFilter.GaussianBlur(blur))
    region = img.crop((left, top, right, bottom))
    region.alpha_composite(layer)
    img.paste(region, (left, top))
