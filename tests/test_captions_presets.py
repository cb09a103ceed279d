"""Caption presets: each one renders through the real libass, inside the platform's safe area.

The render tests burn ``captions.ass`` onto a small grey clip (540x960 or 960x540, ~3 s at 4 fps) in one ffmpeg
call per preset and measure every frame's text box from the pixels that changed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from reelforge.compose.captions import PRESET_NAMES, CaptionLook, safe_area, style_named, write_captions
from reelforge.compose.captions.layout import caption_band
from reelforge.config import CAPTION_PRESETS, resolve_settings
from reelforge.errors import InvalidInputError
from reelforge.models.timing import Timing

BACKGROUND = (128, 128, 128)
GOLD = (255, 215, 0)
TEXT = "Sleep comes faster in a cool dark room, so dim every screen tonight."
PRESETS = ("word-highlight", "karaoke", "pop", "hook", "lower-third", "minimal")


def timing_of(text: str, *, word_sec: float = 0.22, gap_sec: float = 0.03) -> Timing:
    words, t = [], 0.0
    for word in text.split():
        words.append({"t": word, "startSec": round(t, 3), "endSec": round(t + word_sec, 3)})
        t += word_sec + gap_sec
    end = round(t + 0.4, 3)
    return Timing.model_validate({"schemaVersion": "1.0", "source": "estimated", "totalSec": end,
                                  "segments": [{"sceneId": "a", "startSec": 0.0, "endSec": end, "words": words}]})


def burn_clip(run: Path, width: int, height: int, seconds: float, fps: int = 4) -> list[np.ndarray]:
    """Burn captions.ass onto a grey clip; return every frame as an RGB array."""
    frames = run / "frames"
    frames.mkdir(exist_ok=True)
    bg = "0x{:02x}{:02x}{:02x}".format(*BACKGROUND)
    argv = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi",
            "-i", f"color=c={bg}:s={width}x{height}:r={fps}:d={seconds:.2f}",
            "-vf", "subtitles=captions.ass:fontsdir=fonts", str(frames / "f%03d.png")]
    subprocess.run(argv, check=True, cwd=run, capture_output=True, timeout=120)
    return [np.asarray(Image.open(p).convert("RGB")).astype(int) for p in sorted(frames.glob("f*.png"))]


def text_box(frame: np.ndarray) -> tuple[int, int, int, int] | None:
    changed = np.abs(frame - np.array(BACKGROUND)).sum(axis=2) > 30
    ys, xs = np.nonzero(changed)
    if not xs.size:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def color_pixels(frame: np.ndarray, rgb: tuple[int, int, int]) -> int:
    return int((np.abs(frame - np.array(rgb)).sum(axis=2) < 40).sum())


FRAMES = [(540, 960, "tiktok"), (540, 960, "reels"), (960, 540, "generic")]


@pytest.mark.slow
@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize(("width", "height", "platform"), FRAMES)
def test_every_preset_renders_inside_the_safe_area(tmp_path: Path, preset: str, width: int, height: int,
                                                     platform: str) -> None:
    timing = timing_of(TEXT)
    write_captions(timing, tmp_path, style=preset, platform=platform, width=width, height=height)
    frames = burn_clip(tmp_path, width, height, timing.total_sec)
    area = safe_area(platform, width, height)
    boxes = [box for box in map(text_box, frames) if box is not None]
    assert len(boxes) >= len(frames) * 0.6, "captions missing from most frames"
    band = caption_band(style_named(preset), area)
    for box in boxes:
        assert area.contains(box), f"{preset}: {box} leaves the safe area {area}"
        assert band[0] <= box[0] and band[1] <= box[1] and box[2] <= band[2] and box[3] <= band[3], (box, band)
    centre_y = [(top + bottom) / 2 for _, top, _, bottom in boxes]
    if preset == "hook":  # centre frame
        assert all(abs(y - height / 2) < 0.12 * height for y in centre_y)
    else:  # the lower part of the safe area
        assert all(y > area.y0 + 0.55 * area.h for y in centre_y)
    gold = [color_pixels(f, GOLD) for f in frames]
    if preset in ("word-highlight", "karaoke", "hook"):
        assert sum(g > 0 for g in gold) >= len(frames) * 0.5, "no highlight/fill colour drawn"
    else:
        assert max(gold) == 0


@pytest.mark.slow
def test_pop_reveals_words_one_by_one_and_karaoke_fills(tmp_path: Path) -> None:
    timing = timing_of("one two three four", word_sec=0.5, gap_sec=0.1)
    (tmp_path / "pop").mkdir()
    write_captions(timing, tmp_path / "pop", style="pop", platform="tiktok", width=540, height=960)
    frames = burn_clip(tmp_path / "pop", 540, 960, 2.2, fps=10)
    widths = [box[2] - box[0] if box else 0 for box in map(text_box, frames)]
    # frame k is at k/10 s: one word at 0.4 s, two at 1.0 s, four at 2.1 s; the box only grows
    assert 0 < widths[4] < widths[10] < widths[21]
    (tmp_path / "k").mkdir()
    write_captions(timing, tmp_path / "k", style="karaoke", platform="tiktok", width=540, height=960)
    frames = burn_clip(tmp_path / "k", 540, 960, 2.2, fps=10)
    gold = [color_pixels(f, GOLD) for f in frames]
    assert gold[2] < gold[8] < gold[14] < gold[20]  # the fill sweeps through the page


def test_karaoke_fill_durations_add_up_to_the_page(tmp_path: Path) -> None:
    write_captions(timing_of("one two three four five"), tmp_path, style="karaoke", platform="tiktok",
                   width=1080, height=1920)
    events = [e for e in (tmp_path / "captions.ass").read_text().splitlines() if e.startswith("Dialogue:")]
    assert len(events) == 1
    _, start, end = events[0].split(",")[:3]

    def cs(clock: str) -> int:
        h, m, s = clock.split(":")
        return round((int(h) * 3600 + int(m) * 60 + float(s)) * 100)

    fills = [int(k) for k in re.findall(r"\\kf(\d+)", events[0])]
    assert len(fills) == 5 and sum(fills) == cs(end) - cs(start)
    assert "Style: Caption,Roboto Black,67,&H0000D7FF,&H00FFFFFF," in (tmp_path / "captions.ass").read_text()


def test_hook_is_large_capitals_two_or_three_words_and_srt_keeps_case(tmp_path: Path) -> None:
    result = write_captions(timing_of(TEXT), tmp_path, style="hook", platform="tiktok", width=1080, height=1920)
    ass = (tmp_path / "captions.ass").read_text()
    assert "SLEEP" in ass and "Sleep" not in ass
    assert "Sleep comes faster" in (tmp_path / "captions.srt").read_text()
    assert result.params["fontSize"] > 1.5 * style_named("word-highlight").size_ratio * 1080 * 0.9
    assert result.params["alignment"] == 5 and result.params["position"] == "middle"


def test_cap_heights_are_sized_for_phones(tmp_path: Path) -> None:
    shares = {}
    for preset in PRESETS:
        result = write_captions(timing_of("Hello there"), tmp_path, style=preset, platform="tiktok",
                                width=1080, height=1920)
        shares[preset] = result.params["capHeight"]["shareOfFrameHeight"]
    assert all(0.017 <= s <= 0.05 for s in shares.values()), shares  # readable on a phone, not a poster
    assert shares["hook"] > shares["word-highlight"] > shares["minimal"]


def test_look_changes_colours_size_and_position(tmp_path: Path) -> None:
    look = CaptionLook(size=1.2, outline=0.0, color="#00ff00", highlight="#FF0000", position="top")
    result = write_captions(timing_of("one two three"), tmp_path, style="tiktok", platform="tiktok",
                            width=1080, height=1920, look=look)
    ass = (tmp_path / "captions.ass").read_text()
    assert "Style: Caption,Roboto Black,97,&H0000FF00,&H0000FF00,&H00000000," in ass
    assert "{\\1c&H0000FF&}one" in ass and "\\an8" in ass
    assert result.params["outline"] == 0 and result.params["look"]["position"] == "top"
    with pytest.raises(ValueError, match="RRGGBB"):
        CaptionLook(color="green")


def test_captions_table_in_reelforge_toml_with_origins(tmp_path: Path) -> None:
    (tmp_path / "reelforge.toml").write_text(
        '[video]\nseed = 2\n\n[captions]\npreset = "karaoke"\nfont = "my.ttf"\nsize = 1.3\n'
        'color = "#fafafa"\nhighlight = "#00ccff"\noutline-color = "#101010"\noutline = 0.5\nposition = "middle"\n',
        encoding="utf-8")
    s = resolve_settings(workspace_root=tmp_path, environ={"REELFORGE_CAPTION_SIZE": "1.1"})
    assert s["captions"] == "karaoke" and s.origin("captions") == "reelforge.toml"
    assert s["caption_font"] == "my.ttf" and s["caption_color"] == "#FAFAFA"
    assert s["caption_outline_color"] == "#101010" and s["caption_position"] == "middle"
    assert s["caption_size"] == 1.1 and s.origin("caption_size") == "env:REELFORGE_CAPTION_SIZE"
    (tmp_path / "reelforge.toml").write_text('[captions]\ncolor = "white"\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="caption_color"):
        resolve_settings(workspace_root=tmp_path, environ={})


def test_cli_choices_match_the_presets() -> None:
    assert set(CAPTION_PRESETS) == {*PRESET_NAMES, "none"}
    assert style_named("tiktok") is style_named("word-highlight")
    with pytest.raises(InvalidInputError) as err:
        style_named("bouncy")
    assert "karaoke" in err.value.hint


@pytest.mark.slow
def test_cap_height_param_matches_the_rendered_capitals(tmp_path: Path) -> None:
    """The cap height reported (and stated in docs/captions.md) is what libass draws: "HHH" without
    outline or shadow measures the font's cap height in pixels."""
    look = CaptionLook(outline=0.0)
    result = write_captions(timing_of("HHH", word_sec=1.0), tmp_path, style="minimal", platform="tiktok",
                            width=1080, height=1920, look=look)
    (tmp_path / "captions.ass").write_text((tmp_path / "captions.ass").read_text().replace(
        f",{result.params['shadow']},2,0,0,0,1", ",0,2,0,0,0,1"), encoding="utf-8")  # no shadow either
    frames = burn_clip(tmp_path, 1080, 1920, 0.5, fps=2)
    box = text_box(frames[0])
    assert box is not None
    assert abs((box[3] - box[1]) - result.params["capHeight"]["px"]) <= 2


@pytest.mark.slow
@pytest.mark.parametrize(("text", "locale", "family"), [
    ("نم جيدا كل ليلة واطفئ الشاشات قبل النوم", "ar", "Noto Sans Arabic"),
    ("잠을 잘 자려면 화면을 어둡게 하세요", "ko", "Noto Sans CJK JP"),
    ("Спокойной ночи и хороших снов", "ru", "Roboto Black"),
])
def test_other_scripts_render_at_a_comparable_size_inside_the_band(tmp_path: Path, text: str, locale: str,
                                                                     family: str) -> None:
    """Fonts with tall vertical metrics (Noto Sans Arabic's em is 0.46 of its ASS size) are scaled so
    their em matches Roboto's: the drawn text is at least as tall as Latin text of the same preset."""
    (tmp_path / "latin").mkdir()
    write_captions(timing_of("Home to bed", word_sec=1.0), tmp_path / "latin", style="word-highlight",
                   platform="tiktok", width=540, height=960)
    latin = text_box(burn_clip(tmp_path / "latin", 540, 960, 1.0, fps=2)[1])
    (tmp_path / "other").mkdir()
    result = write_captions(timing_of(text, word_sec=1.0), tmp_path / "other", style="word-highlight",
                            platform="tiktok", width=540, height=960, locale=locale)
    assert result.params["font"]["family"] == family
    frames = burn_clip(tmp_path / "other", 540, 960, 3.0, fps=2)
    boxes = [b for b in map(text_box, frames) if b is not None]
    assert latin is not None and boxes
    area, band = safe_area("tiktok", 540, 960), result.params["band"]
    for box in boxes:
        assert area.contains(box)
        assert band[1] <= box[1] and box[3] <= band[3], (box, band)
    one_line = [b for b in boxes if b[3] - b[1] < 1.6 * (latin[3] - latin[1])]
    # "Home to bed" (no descenders) is 30 px high; Arabic drew 28 px unscaled, 47 px scaled; Hangul 36
    assert one_line and max(b[3] - b[1] for b in one_line) >= 0.95 * (latin[3] - latin[1])
