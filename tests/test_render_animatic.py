"""The key-free local route renders an honest animatic with real ffmpeg, recorded as a fallback."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest

from reelforge.errors import InvalidInputError
from reelforge.renders import api
from tests.fakes.render_assets import animatic, runner, upstream


def caption_rows(video: Path, at: float) -> list[int]:
    with av.open(str(video)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and frame.time >= at:
                pixels = frame.to_ndarray(format="rgb24")
                return [int(y) for y in range(pixels.shape[0]) if (pixels[y].min(axis=1) > 235).any()]
    return []


@pytest.mark.slow
def test_animatic_renders_still_voice_captions(workspace: Path) -> None:
    upstream(workspace)
    request = animatic(draft=True)  # captions come from the voice take's text
    result = api.submit(request, workspace=workspace, runner=runner(workspace))
    assert result.status == "review_pending" and result.files == ["renders/an-001/renders/render-001.mp4"]
    video = workspace / result.files[0]
    with av.open(str(video)) as container:
        v = container.streams.video[0]
        assert (v.codec_context.width, v.codec_context.height) == (480, 854)
        assert container.streams.audio and abs(float(container.duration) / 1e6 - 1.0) < 0.15
    manifest = json.loads((workspace / "renders/an-001/manifest.json").read_text())
    assert manifest["pathTaken"] == "fallback" and "not a talking head" in manifest["providerLabel"].lower()
    assert manifest["route"] == "animatic" and manifest["status"] == "review_pending"
    assert manifest["resolution"] == "480p" and manifest["resolutionSource"] == "draft"
    assert (workspace / ".reelforge/renders/an-001/animatic/captions.srt").read_text().count("-->") == 2
    rows = caption_rows(video, at=0.3)  # the still is flat green: white pixels are the caption
    assert rows, "no caption drawn"
    assert min(rows) > 854 * 2 / 3 and max(rows) - min(rows) < 854 * 0.06, (min(rows), max(rows))
    assert {i["role"]: i["approval"] for i in manifest["inputs"]} == {"subject": "approved", "audio": "approved"}
    with pytest.raises(InvalidInputError):  # no double submit, even locally
        api.submit(request, workspace=workspace, runner=runner(workspace))
