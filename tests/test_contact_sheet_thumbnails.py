"""The contact sheet's thumbnails made per segment inside the render: the same pixels as decoding the joined
output, kept in the segment cache (a second render reuses them), and a tampered cached thumbnail is a miss."""

from __future__ import annotations

import shutil
from pathlib import Path

import av
import pytest
from PIL import Image, ImageChops

from reelforge.compose.contact_sheet import make_contact_sheet
from reelforge.compose.runner import render
from reelforge.compose.segment_cache import RenderCache
from reelforge.compose.thumbnails import (
    THUMB_WIDTH,
    SegmentThumbnails,
    decode_frames,
    png_bytes,
    scene_middle,
    thumbnail,
)
from reelforge.compose.timeline import plan_segments
from reelforge.errors import RenderError
from reelforge.models.render_spec import RenderSpec
from tests.fakes.tiny_run import ffmpeg, make_tiny_run


def _spec(root: Path) -> RenderSpec:
    """3 scenes of 60 frames (Ken Burns, static, footage), a fade, segments of ~30 frames: scene 1's middle
    (frame 30) is the first frame of a segment, the others fall inside one."""
    spec = make_tiny_run(root, with_clip=True,
                         transitions=[{"kind": "fade", "durationFrames": 6}, {"kind": "cut"}, {"kind": "cut"}])
    data = spec.to_json_dict()
    data["encoder"] = {**data.get("encoder", {}), "segmentFrames": 30}
    return RenderSpec.model_validate(data)


def _old_sheet(video: Path, spec: RenderSpec, folder: Path) -> bytes:
    """Today's path: every thumbnail decoded from the joined output."""
    folder.mkdir(parents=True, exist_ok=True)
    return make_contact_sheet(video, spec, folder).read_bytes()


def _pixels_equal(a: bytes, b: bytes, tmp: Path) -> bool:
    (tmp / "a.png").write_bytes(a)
    (tmp / "b.png").write_bytes(b)
    with Image.open(tmp / "a.png") as x, Image.open(tmp / "b.png") as y:
        return x.size == y.size and ImageChops.difference(x.convert("RGB"), y.convert("RGB")).getbbox() is None


def test_each_scene_middle_belongs_to_exactly_one_segment(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    segments = plan_segments(spec)
    plans = [SegmentThumbnails.plan(spec, s, tmp_path, THUMB_WIDTH) for s in segments]
    owners = sorted(scene for p in plans for scene in p.frames)
    assert owners == [0, 1, 2]
    for plan, segment in zip(plans, segments, strict=True):
        for scene, local in plan.frames.items():
            assert segment.start + local == scene_middle(spec.scenes[scene])
            assert 0 <= local < segment.frames
    assert any(0 in p.frames.values() for p in plans), "a middle on a segment's first frame is covered"


def test_decode_frames_gives_the_frames_counted_from_the_start(tmp_path: Path) -> None:
    """B-frames (some of them references, b-pyramid) and an extra keyframe: every frame asked for, alone or
    with others, is the one counted from the start with every frame decoded, though non-references are
    skipped."""
    video = tmp_path / "gop.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=30:duration=1", "-c:v", "libx264", "-g", "16",
           "-bf", "3", "-x264-params", "b-pyramid=normal", "-pix_fmt", "yuv420p", str(video))
    with av.open(str(video)) as container:
        counted = [f.to_image() for f in container.decode(video=0)]
    assert len(counted) == 30
    with av.open(str(video)) as container:
        container.streams.video[0].codec_context.skip_frame = "NONREF"
        assert sum(1 for _ in container.decode(video=0)) < 30, "the file has frames the decoder may skip"
    for i in range(30):
        assert ImageChops.difference(decode_frames(video, [i])[i], counted[i]).getbbox() is None, f"frame {i}"
    several = decode_frames(video, [29, 3, 17, 3])
    assert sorted(several) == [3, 17, 29]
    assert all(ImageChops.difference(img, counted[i]).getbbox() is None for i, img in several.items())
    assert ImageChops.difference(several[17], counted[18]).getbbox() is not None, "neighbouring frames differ"
    with pytest.raises(RenderError, match="30 frames"):
        decode_frames(video, [30])


@pytest.mark.slow
def test_the_sheet_from_segment_thumbnails_is_the_sheet_decoded_from_the_output(tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    spec = _spec(tmp_path / "a")
    cache = RenderCache.at(cache_root)
    first = render(spec, tmp_path / "a", measure=False, cache=cache, thumb_width=THUMB_WIDTH)
    assert first.segments >= 4 and sorted(first.thumbnails) == [0, 1, 2]
    assert cache.to_json()["thumbnails"] == {"hit": [], "made": ["s1", "s2", "s3"]}
    old = _old_sheet(first.output, spec, tmp_path / "old")
    new = make_contact_sheet(first.output, spec, tmp_path / "a", thumbnails=first.thumbnails).read_bytes()
    assert new == old and _pixels_equal(new, old, tmp_path)
    # the comparison can fail: a thumbnail one frame off (scene 1 moves every frame) changes the sheet
    after_middle = scene_middle(spec.scenes[0]) + 1
    shifted = {**first.thumbnails,
               0: png_bytes(thumbnail(decode_frames(first.output, [after_middle])[after_middle], THUMB_WIDTH))}
    assert shifted[0] != first.thumbnails[0]
    assert not _pixels_equal(
        make_contact_sheet(first.output, spec, tmp_path / "old", thumbnails=shifted).read_bytes(), old, tmp_path)

    # a second run dir with the same inputs: every segment and thumbnail from the cache, the same sheet
    shutil.copytree(tmp_path / "a", tmp_path / "b", ignore=shutil.ignore_patterns(first.output.name))
    again = RenderCache.at(cache_root)
    second = render(spec, tmp_path / "b", measure=False, cache=again, thumb_width=THUMB_WIDTH)
    assert again.made == [] and len(again.hits) == first.segments + 1
    assert again.to_json()["thumbnails"] == {"hit": ["s1", "s2", "s3"], "made": []}
    assert second.thumbnails == first.thumbnails and second.sha256 == first.sha256
    assert make_contact_sheet(second.output, spec, tmp_path / "b", thumbnails=second.thumbnails).read_bytes() == old


@pytest.mark.slow
def test_a_tampered_cached_thumbnail_is_a_miss_and_made_again(tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    spec = _spec(tmp_path / "a")
    first = render(spec, tmp_path / "a", measure=False, cache=RenderCache.at(cache_root), thumb_width=THUMB_WIDTH)
    stored = sorted((cache_root / "segment").rglob("thumb-*.png"))
    assert len(stored) == 3
    with Image.open(stored[1]) as img:  # a valid PNG with other pixels: only the hash can tell
        img.convert("RGB").point(lambda v: 255 - v).save(stored[1])
    warnings: list[str] = []
    cache = RenderCache.at(cache_root, warn=warnings.append)
    shutil.copytree(tmp_path / "a", tmp_path / "b", ignore=shutil.ignore_patterns(first.output.name))
    again = render(spec, tmp_path / "b", measure=False, cache=cache, thumb_width=THUMB_WIDTH)
    made_segments = [m for m in cache.made if m.startswith("segment")]
    assert len(made_segments) == 1, cache.to_json()
    assert len(warnings) == 1 and "thumb-" in warnings[0] and "made again" in warnings[0]
    assert len(cache.thumbnails_made) == 1 and len(cache.thumbnails_hit) == 2
    assert again.thumbnails == first.thumbnails and again.sha256 == first.sha256
    assert cache.segments.get(cache.keys[made_segments[0]]) is not None, "the re-made entry is cached again"


@pytest.mark.slow
def test_batch_workers_send_the_same_thumbnails_hash_checked(tmp_path: Path) -> None:
    """The batch/Ray path: segment_part makes its segment's thumbnails on the worker; render_with collects them."""
    from reelforge.errors import HashMismatchError
    from reelforge.pipeline.videobatch.parts import Part, audio_part, render_with, segment_part

    spec = make_tiny_run(tmp_path / "a", scene_frames=30, music=False,
                         transitions=[{"kind": "cut"}, {"kind": "cut"}, {"kind": "cut"}])
    data = spec.to_json_dict()
    data["encoder"] = {**data.get("encoder", {}), "segmentFrames": 30}
    spec = RenderSpec.model_validate(data)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    local = render(spec, tmp_path / "a", measure=False, thumb_width=THUMB_WIDTH)
    parts: list[tuple[int, Part]] = []

    def in_process(s: RenderSpec, run_dir: Path, order: list[int]) -> list[tuple[int, Part]]:
        parts.extend([(-1, audio_part(s.to_json_dict(), str(run_dir))),
                      *((k, segment_part(s.to_json_dict(), str(run_dir), k)) for k in order)])
        return parts

    batch = render_with(in_process, spec, tmp_path / "b")
    assert batch.sha256 == local.sha256 and sorted(batch.thumbnails) == [0, 1, 2]
    assert batch.thumbnails == local.thumbnails

    part = next(p for k, p in parts if k >= 0)
    assert part.extra is not None
    (scene, (png, sha)), = part.extra["thumbnails"].items()
    bad = Part(part.name, part.data, part.sha256, part.seconds, {"thumbnails": {scene: (png[:-1] + b"\0", sha)}})
    with pytest.raises(HashMismatchError, match="thumbnail"):
        bad.thumbnails()
