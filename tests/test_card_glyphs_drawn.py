"""Korean, Japanese and Chinese cards: the glyphs are checked on the drawn PNG, not only against the cmap.

The headline's pixels in the card are compared with the same lines drawn alone in the font the layout chose
and in Roboto (which has no Hangul/Kana/Han and so draws boxes or nothing). A card that drew tofu would match
the Roboto mask, not the CJK one.
"""

from pathlib import Path

import font_roboto
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from reelforge.providers.visual.card_layout import pil_font
from reelforge.providers.visual.card_theme import choose_look
from reelforge.providers.visual.designed import draw_card

TEXTS = {
    "ko": "방을 시원하게 유지하세요",
    "ja": "毎日十分だけ歩きましょう",
    "zh": "每天喝足够的水",
}


def _mask(img: Image.Image, rgb: tuple[int, int, int]) -> np.ndarray:
    diff = np.abs(np.asarray(img.convert("RGB"), dtype=np.int16) - np.array(rgb, dtype=np.int16)).sum(axis=2)
    return diff < 90


def _drawn_alone(block, font: ImageFont.FreeTypeFont, size: tuple[int, int]) -> np.ndarray:  # type: ignore[no-untyped-def]
    canvas = Image.new("L", size, 0)
    draw = ImageDraw.Draw(canvas)
    for line, origin in zip(block.lines, block.origins, strict=True):
        draw.text(origin, line, font=font, fill=255, anchor=block.anchor)
    return np.asarray(canvas) > 128


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_cjk_headline_pixels_are_the_cjk_font_glyphs(tmp_path: Path, lang: str) -> None:
    text = TEXTS[lang]
    look = choose_look(text, seed=5)
    card = draw_card(text, tmp_path / f"{lang}.png", width=540, height=960, seed=5, index=0, look=look)
    block = card.layout.headline
    with Image.open(card.path) as png:
        drawn = _mask(png, look.palette.text)
        size = png.size
    x0, y0, x1, y1 = (int(v) for v in block.box)
    region = (slice(max(y0, 0), y1), slice(max(x0, 0), x1))
    chosen = _drawn_alone(block, pil_font(block.font, block.size), size)[region]
    roboto = _drawn_alone(block, ImageFont.truetype(font_roboto.font_files["RobotoBlack"], block.size), size)[region]
    ink = drawn[region]
    assert ink.sum() > 500, "the headline drew almost nothing"
    match, tofu = _iou(ink, chosen), _iou(ink, roboto)
    assert match > 0.6, f"{lang}: drawn headline matches its own font's glyphs only {match:.2f}"
    assert match > tofu + 0.3, f"{lang}: drawn headline looks like the Latin font's boxes ({tofu:.2f} vs {match:.2f})"
