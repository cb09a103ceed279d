"""A Korean and a Japanese short end to end through the fake ElevenLabs (real HTTP on loopback, real mp3
audio, correct character alignments): timing is tts-native, captions keep Korean words and Japanese caption
units whole, and the burned captions are the CJK font's own glyphs (no tofu), with a negative control."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from reelforge.providers.voice import elevenlabs
from tests.cli_helpers import run_json
from tests.fakes.elevenlabs_server import ElevenLabsFake

pytestmark = pytest.mark.slow

W, H = 1080, 1920
MATCH = 0.8
SCRIPTS = {
    "ko-KR": ["오늘 밤은 휴대폰을 내려놓고 잠을 잘 자요.", "침실은 시원하고 어둡게 유지하세요."],
    "ja-JP": ["寝る前に画面を消して、部屋を暗くしましょう。", "毎朝同じ時間に起きると、夜に自然と眠くなります。"],
}


@pytest.fixture
def fake(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ElevenLabsFake]:
    elevenlabs._VOICE_LISTS.clear()
    with ElevenLabsFake() as server:
        monkeypatch.setenv("ELEVENLABS_API_KEY", server.key)
        monkeypatch.setenv("REELFORGE_ELEVENLABS_BASE_URL", server.base)
        yield server


def srt_pages(path: Path) -> list[tuple[float, float, str]]:
    pages = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        lines = block.splitlines()
        a, b = (sum(float(x) * m for x, m in zip(re.split("[:,]", t)[:3], (3600, 60, 1), strict=True))
                + int(t[-3:]) / 1000 for t in lines[1].split(" --> "))
        pages.append((a, b, " ".join(lines[2:])))
    return pages


def burn(run: Path, at: float, fontsdir: str) -> np.ndarray:
    out = run / "probe.png"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"color=c=black:s={W}x{H}:d={at + 1:.2f}", "-vf",
                    f"subtitles=probe.ass:fontsdir={fontsdir}", "-ss", f"{at:.2f}", "-frames:v", "1", str(out)],
                   check=True, cwd=run, capture_output=True, timeout=120)
    return np.asarray(Image.open(out).convert("L")).astype(float)


def ink(image: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(image > 60)
    assert xs.size, "nothing drawn"
    return image[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def correlation(drawn: np.ndarray, reference: np.ndarray) -> float:
    resized = np.asarray(Image.fromarray(reference.astype(np.uint8)).resize(
        (drawn.shape[1], drawn.shape[0]), Image.Resampling.BILINEAR)).astype(float)
    a, b = drawn - drawn.mean(), resized - resized.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


@pytest.mark.parametrize("locale", list(SCRIPTS))
def test_a_cjk_short_through_a_hosted_voice(capsys: pytest.CaptureFixture[str], fake: ElevenLabsFake,
                                            workspace: Path, locale: str) -> None:
    lines = SCRIPTS[locale]
    script = {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": locale, "title": "Sleep",
              "scenes": [{"id": f"s{i}", "durationSec": 1.0, "narration": t} for i, t in enumerate(lines, 1)]}
    (workspace / "script.json").write_text(json.dumps(script, ensure_ascii=False), encoding="utf-8")
    code, out = run_json(capsys, "video", "generate", "--script", "script.json", "--voice", "elevenlabs:Matilda",
                         "--no-check")
    assert code == 0, out
    run = Path(out["runDir"])
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    narration = next(s for s in manifest["stages"] if s["stage"] == "narration")
    assert narration["provider"] == "elevenlabs+elevenlabs-alignment" and narration["pathTaken"] == "real"
    assert json.loads((run / "timing.json").read_text(encoding="utf-8"))["source"] == "tts-native"
    assert list(run.glob("*.mp4")), "the video was rendered"

    pages = srt_pages(run / "captions.srt")
    spoken = "".join(lines).replace(" ", "")
    assert "".join(p[2] for p in pages).replace(" ", "") == spoken, "every character captioned once, in order"
    if locale.startswith("ko"):  # Korean wraps between words, never inside one
        words = {w for t in lines for w in t.split()}
        assert all(set(p[2].split()) <= words for p in pages)

    ass = (run / "captions.ass").read_text(encoding="utf-8")
    style = re.search(r"^Style: Caption,([^,]+),(\d+),.*$", ass, re.M)
    assert style is not None and "CJK" in style.group(1)
    fields = style.group(0).split(",")
    fields[16], fields[17] = "0", "0"  # outline and shadow off: only the glyphs' own pixels
    (run / "probe.ass").write_text(ass.replace(style.group(0), ",".join(fields)), encoding="utf-8")
    start, end, text = pages[len(pages) // 2]
    font = ImageFont.truetype(str(next((run / "fonts").glob("*.otf"))), size=int(style.group(2)))
    reference = Image.new("L", (W * 2, 400), 0)
    ImageDraw.Draw(reference).text((20, 100), text, font=font, fill=255)
    expected = ink(np.asarray(reference).astype(float))
    at = (start + end) / 2
    assert correlation(ink(burn(run, at, "fonts")), expected) > MATCH
    (run / "empty").mkdir()
    assert correlation(ink(burn(run, at, "empty")), expected) < MATCH, "the control without the font differs"
