"""Glyph coverage checked on the drawn frame: Korean, Japanese and Chinese captions burned by libass look
like the caption font's own glyphs (rendered by Pillow/HarfBuzz from the same file), not tofu boxes or a
fallback font. The negative control burns the same file without the font and must fail the same check."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from reelforge.compose.captions import CaptionLook, load_font, write_captions
from reelforge.compose.captions.fonts import cjk_font_path
from reelforge.models.timing import Timing

pytestmark = pytest.mark.slow

W, H = 720, 1280
MATCH = 0.8  # correlation of the drawn line with the font's own rendering


def one_page(text: str) -> Timing:
    words = [{"t": w, "startSec": round(i * 0.3, 3), "endSec": round(i * 0.3 + 0.25, 3)}
             for i, w in enumerate(text.split())]
    return Timing.model_validate({"schemaVersion": "1.0", "source": "estimated", "totalSec": 3.0,
                                  "segments": [{"sceneId": "a", "startSec": 0.0, "endSec": 3.0, "words": words}]})


def burn_gray(run: Path, at: float, fontsdir: str) -> np.ndarray:
    out = run / "frame.png"
    argv = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", f"color=c=black:s={W}x{H}:d=2",
            "-vf", f"setpts=PTS+{at:.2f}/TB,subtitles=captions.ass:fontsdir={fontsdir}", "-frames:v", "1",
            "-update", "1", str(out)]
    subprocess.run(argv, check=True, cwd=run, capture_output=True, timeout=120)
    return np.asarray(Image.open(out).convert("L")).astype(float)


def ink(image: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(image > 60)
    assert xs.size, "nothing drawn"
    return image[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def correlation(drawn: np.ndarray, reference: np.ndarray) -> float:
    resized = np.asarray(Image.fromarray(reference.astype(np.uint8)).resize((drawn.shape[1], drawn.shape[0]),
                                                                             Image.Resampling.BILINEAR)).astype(float)
    a, b = drawn - drawn.mean(), resized - resized.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


@pytest.mark.parametrize(("text", "locale"), [("잠을 잘 자요", "ko"), ("寝る前に 画面を", "ja"), ("睡前 一小时", "zh")])
def test_cjk_caption_frame_shows_the_fonts_glyphs(tmp_path: Path, text: str, locale: str) -> None:
    if cjk_font_path() is None:
        pytest.skip("noto-cjk-sans-jp-bold is not installed")
    result = write_captions(one_page(text), tmp_path, style="minimal", platform="generic", width=W, height=H,
                            locale=locale, look=CaptionLook(outline=0.0))
    ass = tmp_path / "captions.ass"
    ass.write_text(ass.read_text(encoding="utf-8").replace(f",{result.params['shadow']},2,0,0,0,1", ",0,2,0,0,0,1"),
                   encoding="utf-8")  # no shadow: only the glyphs' own pixels
    [line] = [ln for ln in (tmp_path / "captions.srt").read_text(encoding="utf-8").splitlines() if ln.strip()][2:]
    font = load_font(tmp_path / result.fonts[0].src)
    em = font.em_px(result.params["fontSize"])
    reference = Image.new("L", (W * 2, 400), 0)
    ImageDraw.Draw(reference).text((20, 100), line, font=ImageFont.truetype(str(font.path), size=em), fill=255)
    expected = ink(np.asarray(reference).astype(float))

    drawn = ink(burn_gray(tmp_path, 0.5, "fonts"))
    assert correlation(drawn, expected) > MATCH

    (tmp_path / "empty").mkdir()  # the same captions without the font: libass draws boxes or another font
    fallback = ink(burn_gray(tmp_path, 0.5, "empty"))
    assert correlation(fallback, expected) < MATCH
