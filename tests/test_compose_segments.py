"""Segmented rendering draws exactly the frames a single process would, and the bytes of a render do not
depend on how many segments run at once."""

from __future__ import annotations

from pathlib import Path

import imageio_ffmpeg
import pytest

from reelforge.compose.frame_feeds import StillCache, run_segment
from reelforge.compose.processes import default_jobs, run_all
from reelforge.compose.runner import render
from reelforge.compose.segment_graph import segment_graph
from reelforge.compose.timeline import plan_segments
from reelforge.errors import InvalidInputError
from reelforge.models.render_spec import RenderSpec
from tests.fakes.tiny_run import make_tiny_run


def raw_frames(spec: RenderSpec, run: Path, target: int) -> tuple[bytes, int]:
    """Every segment's graph output as raw yuv420p (no encoder), joined; and the segment count. Ken Burns
    frames come through the production feeds (compose/frame_feeds.py)."""
    spec = spec.model_copy(update={"encoder": spec.encoder.model_copy(update={"segment_frames": target})})
    out = b""
    segments = plan_segments(spec)
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    work = run / f".raw-{target}"
    work.mkdir()
    stills = StillCache(spec, run, work, exe)
    for seg in segments:
        g = segment_graph(spec, seg, run)
        raw = work / f"segment-{seg.index}.yuv"
        argv = [exe, "-v", "error", "-nostdin", *g.inputs, "-filter_complex", g.graph, "-map", "[vout]",
                "-frames:v", str(seg.frames), "-f", "rawvideo", "-pix_fmt", "yuv420p", str(raw)]
        run_all([lambda group, seg=seg, argv=argv: run_segment(group, spec, seg, run, argv, stills, what="raw")], 1)
        out += raw.read_bytes()
    return out, len(segments)


@pytest.mark.slow
def test_any_segment_plan_draws_the_same_frames(tmp_path: Path) -> None:
    spec = make_tiny_run(tmp_path, with_clip=True, scene_frames=60,
                         transitions=[{"kind": "fade", "durationFrames": 10},
                                      {"kind": "slide", "durationFrames": 8, "direction": "up"}, {"kind": "cut"}])
    frame_bytes = 180 * 320 * 3 // 2
    whole, n_whole = raw_frames(spec, tmp_path, 10_000)
    assert n_whole == 1 and len(whole) == 180 * frame_bytes
    for target in (30, 45):
        split, n = raw_frames(spec, tmp_path, target)
        assert n >= 3  # the still scenes were cut inside as well as at scene starts
        assert len(split) == len(whole)
        differing = [f for f in range(180) if split[f * frame_bytes:(f + 1) * frame_bytes]
                     != whole[f * frame_bytes:(f + 1) * frame_bytes]]
        assert differing == [], f"target {target}: frames {differing[:10]} differ"


@pytest.mark.slow
def test_render_bytes_do_not_depend_on_parallel_jobs(tmp_path: Path) -> None:
    spec = make_tiny_run(tmp_path, scene_frames=60)
    spec = spec.model_copy(update={"encoder": spec.encoder.model_copy(update={"segment_frames": 40})})
    one = render(spec, tmp_path, jobs=1, measure=False)
    assert one.segments >= 3
    three = render(spec, tmp_path, jobs=3, measure=False)
    assert three.sha256 == one.sha256
    assert not list(tmp_path.glob(".render-*"))  # the segment work directory is removed


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_render_jobs_setting_is_named(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELFORGE_RENDER_JOBS", value)
    with pytest.raises(InvalidInputError, match="REELFORGE_RENDER_JOBS") as err:
        default_jobs()
    assert err.value.exit_code == 4


def test_render_jobs_setting_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELFORGE_RENDER_JOBS", "3")
    assert default_jobs() == 3
    monkeypatch.delenv("REELFORGE_RENDER_JOBS")
    assert default_jobs() >= 1
