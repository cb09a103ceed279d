from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from reelforge.errors import InvalidInputError, NotFoundError
from reelforge.media.probe import probe
from reelforge.providers.visual.user_media import classify, import_media
from tests.fakes.tiny_run import ffmpeg


def test_probe_clip_counts_frames(tmp_path: Path) -> None:
    clip = tmp_path / "c.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=128x96:rate=25:duration=1", "-f", "lavfi", "-i",
           "sine=sample_rate=44100:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-shortest", str(clip))
    info = probe(clip, count_frames=True)
    assert info.video is not None and info.audio is not None
    assert (info.video.width, info.video.height, info.video.frames) == (128, 96, 25)
    assert info.video.codec == "h264" and info.audio.sample_rate == 44100
    assert not info.is_image


def test_image_is_recognised_by_content_not_name(tmp_path: Path) -> None:
    disguised = tmp_path / "photo.mp4"  # a PNG with a misleading extension
    Image.new("RGB", (200, 300), (10, 20, 30)).save(disguised, format="PNG")
    kind, ext, info = classify(disguised)
    assert (kind, ext) == ("image", ".png") and info.is_image
    run = tmp_path / "run"
    media = import_media(disguised, run, 4)
    assert media.src == "visuals/scene-05.png" and (run / media.src).read_bytes() == disguised.read_bytes()
    assert (media.width, media.height) == (200, 300)


def test_non_media_and_tiny_images_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.png"
    text.write_text("not an image", encoding="utf-8")
    with pytest.raises(InvalidInputError):
        classify(text)
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (16, 16)).save(tiny)
    with pytest.raises(InvalidInputError, match="16x16"):
        classify(tiny)
    with pytest.raises(NotFoundError):
        probe(tmp_path / "missing.png")
