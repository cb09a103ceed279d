"""Rendered caption boxes: burn captions.ass with the real libass (imageio-ffmpeg) onto one frame and
measure where the pixels land. Each burn renders exactly one frame."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from reelforge.compose.captions import load_font, safe_area, write_captions
from reelforge.compose.captions.fonts import cjk_font_path, default_font_path
from reelforge.compose.captions.wrap import Measurer
from reelforge.models.timing import Timing

pytestmark = pytest.mark.slow

GERMAN = ("Die Donaudampfschifffahrtsgesellschaftskapitänswitwe feierte gestern mit ihrer Familie "
          "einen wirklich langen Geburtstag.")
FINNISH = ("Hänen veljensä on lentokonesuihkuturbiinimoottoriapumekaanikkoaliupseerioppilas "
           "Helsingin lentoasemalla, kertoi hän.")
JAPANESE = "今日はとても良い天気ですね。散歩に行きましょう！"
BACKGROUND = (128, 128, 128)
FRAMES = [(1080, 1920, "tiktok"), (1920, 1080, "generic")]


def make_timing(text: str, *, word_sec: float = 0.4, gap_sec: float = 0.1) -> Timing:
    words, t = [], 0.0
    for word in text.split():
        words.append({"t": word, "startSec": round(t, 3), "endSec": round(t + word_sec, 3)})
        t += word_sec + gap_sec
    end = round(t + 0.5, 3)
    return Timing.model_validate({"schemaVersion": "1.0", "source": "estimated", "totalSec": end,
                                  "segments": [{"sceneId": "a", "startSec": 0.0, "endSec": end, "words": words}]})


def burn(run: Path, at_sec: float, width: int, height: int, ass: str = "captions.ass") -> tuple[int, int, int, int]:
    """Render one frame at ``at_sec`` and return the (left, top, right, bottom) box of changed pixels."""
    out = run / "frame.png"
    bg = "0x{:02x}{:02x}{:02x}".format(*BACKGROUND)
    argv = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi",
            "-i", f"color=c={bg}:s={width}x{height}:r=30:d=0.1",
            "-vf", f"setpts=PTS+{at_sec:.3f}/TB,subtitles={ass}:fontsdir=fonts",
            "-frames:v", "1", "-update", "1", str(out)]
    subprocess.run(argv, check=True, cwd=run, capture_output=True, timeout=120)
    pixels = np.asarray(Image.open(out).convert("RGB")).astype(int)
    changed = np.abs(pixels - np.array(BACKGROUND)).sum(axis=2) > 30
    ys, xs = np.nonzero(changed)
    assert xs.size, "nothing was drawn"
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def cues(run: Path) -> list[tuple[float, float, str]]:
    """(start s, end s, text) of every SRT cue."""
    out = []
    for block in (run / "captions.srt").read_text(encoding="utf-8").strip().split("\n\n"):
        lines = block.splitlines()
        m = re.match(r"(\d+):(\d+):(\d+),(\d+) --> (\d+):(\d+):(\d+),(\d+)", lines[1])
        assert m
        v = [int(x) for x in m.groups()]
        start = v[0] * 3600 + v[1] * 60 + v[2] + v[3] / 1000
        end = v[4] * 3600 + v[5] * 60 + v[6] + v[7] / 1000
        out.append((start, end, " ".join(lines[2:])))
    return out


@pytest.mark.parametrize("style", ["tiktok", "lower-third"])
@pytest.mark.parametrize(("width", "height", "platform"), FRAMES)
@pytest.mark.parametrize("sentence", [GERMAN, FINNISH], ids=["german", "finnish"])
def test_longest_word_stays_inside_safe_area(tmp_path: Path, sentence: str, width: int, height: int,
                                             platform: str, style: str) -> None:
    result = write_captions(make_timing(sentence), tmp_path, style=style, platform=platform,
                            width=width, height=height)
    longest = max(sentence.split(), key=len)
    start, end, _ = next(c for c in cues(tmp_path) if longest in c[2])
    box = burn(tmp_path, (start + end) / 2, width, height)
    area = safe_area(platform, width, height)
    print(f"{style} {platform} {width}x{height} {longest[:12]}…: box {box}, safe {area.x0, area.y0, area.x1, area.y1}")
    assert area.contains(box), f"{box} leaves the safe area {area}"
    # shrunk only as far as needed: the word still spans most of the allowed line width
    assert box[2] - box[0] >= 0.6 * result.params["maxLineWidth"]


def test_every_page_of_a_sentence_stays_inside(tmp_path: Path) -> None:
    write_captions(make_timing(GERMAN), tmp_path, style="tiktok", platform="tiktok", width=1080, height=1920)
    area = safe_area("tiktok", 1080, 1920)
    all_cues = cues(tmp_path)
    assert len(all_cues) >= 4
    for start, end, text in all_cues:
        box = burn(tmp_path, (start + end) / 2, 1080, 1920)
        assert area.contains(box), f"page {text!r}: {box} leaves {area}"


@pytest.mark.parametrize(("width", "height", "platform"), FRAMES)
def test_cjk_line_stays_inside_or_warns(tmp_path: Path, width: int, height: int, platform: str) -> None:
    result = write_captions(make_timing(JAPANESE, word_sec=1.2), tmp_path, style="tiktok", platform=platform,
                            width=width, height=height, locale="ja")
    if cjk_font_path() is None:
        assert any("--caption-font" in w and "CJK" in w for w in result.warnings)
        return
    assert result.warnings == ()
    assert result.fonts[0].family == "Noto Sans CJK JP"
    area = safe_area(platform, width, height)
    for start, end, text in cues(tmp_path):
        box = burn(tmp_path, (start + end) / 2, width, height)
        print(f"CJK {platform} {width}x{height} {text}: box {box}")
        assert area.contains(box), f"{text!r}: {box} leaves {area}"


def test_libass_uses_the_named_font_at_the_measured_size(tmp_path: Path) -> None:
    text = "Hamburgefonstiv quickly"
    result = write_captions(make_timing(text, word_sec=2.0), tmp_path, style="tiktok", platform="generic",
                            width=1080, height=1920)
    ass = (tmp_path / "captions.ass").read_text(encoding="utf-8")
    left, _, right, _ = burn(tmp_path, 1.0, 1080, 1920)
    size, outline, shadow = (result.params[k] for k in ("fontSize", "outline", "shadow"))
    predicted = Measurer(load_font(default_font_path())).width(text, size) + 2 * outline + shadow
    assert abs((right - left) - predicted) <= 0.03 * predicted
    # the same file with an unknown family falls back to another font, visibly wider or narrower
    (tmp_path / "fallback.ass").write_text(ass.replace("Style: Caption,Roboto Black,", "Style: Caption,NoSuchFamily,"),
                                           encoding="utf-8")
    fl, _, fr, _ = burn(tmp_path, 1.0, 1080, 1920, ass="fallback.ass")
    assert abs((fr - fl) - (right - left)) > 0.04 * (right - left)
