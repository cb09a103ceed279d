"""The render's segment cache: keys follow the segment's own captions window, a second run dir with the same
inputs reuses every segment and gets the same bytes, and a tampered cached segment is made again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reelforge.compose.runner import render
from reelforge.compose.segment_cache import RenderCache, captions_window_digest
from reelforge.models.render_spec import RenderSpec
from reelforge.workspace.hashing import sha256_file
from tests.fakes.tiny_run import make_tiny_run

HEAD = """[Script Info]
ScriptType: v4.00+
PlayResX: 180
PlayResY: 320

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, \
Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, \
MarginV, Encoding
Style: Default,Roboto Black,22,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,40,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


def _ass(third: str) -> str:
    return HEAD + "".join([
        "Dialogue: 0,0:00:00.10,0:00:00.90,Default,,0,0,0,,One\n",
        "Dialogue: 0,0:00:01.10,0:00:01.90,Default,,0,0,0,,Two\n",
        f"Dialogue: 0,0:00:02.10,0:00:02.90,Default,,0,0,0,,{third}\n"])


def test_the_window_digest_sees_only_events_in_the_window() -> None:
    a, b = _ass("Three"), _ass("Drei")
    assert captions_window_digest(a, 0.0, 29 / 30) == captions_window_digest(b, 0.0, 29 / 30)
    assert captions_window_digest(a, 2.0, 89 / 30) != captions_window_digest(b, 2.0, 89 / 30)
    # "Drei" starts at 2.10 s: frame 63 shows it, the segment ending with frame 62 (2.067 s) does not
    assert captions_window_digest(a, 0.0, 62 / 30) == captions_window_digest(b, 0.0, 62 / 30)
    assert captions_window_digest(a, 0.0, 63 / 30) != captions_window_digest(b, 0.0, 63 / 30)
    assert captions_window_digest(a, 0.0, 1.0) != captions_window_digest(a.replace("22,", "24,"), 0.0, 1.0), \
        "a style change reaches every segment"


def _run(root: Path, third: str) -> RenderSpec:
    spec = make_tiny_run(root, scene_frames=30, music=False, transitions=[{"kind": "cut"}] * 3)
    (root / "captions.ass").write_text(_ass(third), encoding="utf-8")
    data = spec.to_json_dict()
    data["captions"]["file"]["sha256"] = sha256_file(root / "captions.ass")
    data["encoder"] = {**data.get("encoder", {}), "segmentFrames": 30}
    return RenderSpec.model_validate(data)


@pytest.mark.slow
def test_segments_are_reused_across_run_dirs_and_the_bytes_match(tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    first = _run(tmp_path / "a", "Three")
    made = RenderCache.at(cache_root)
    a = render(first, tmp_path / "a", measure=False, cache=made)
    assert a.segments == 3 and sorted(made.made) == ["audio", "segment-000", "segment-001", "segment-002"]

    edited = _run(tmp_path / "b", "Drei")  # only the third scene's caption differs
    reuse = RenderCache.at(cache_root)
    b = render(edited, tmp_path / "b", measure=False, cache=reuse)
    assert sorted(reuse.hits) == ["audio", "segment-000", "segment-001"]
    assert reuse.made == ["segment-002"]

    shutil.copytree(tmp_path / "b", tmp_path / "c", ignore=shutil.ignore_patterns("*.mp4"))
    fresh = render(edited, tmp_path / "c", measure=False)  # no cache at all
    assert fresh.sha256 == b.sha256 != a.sha256


@pytest.mark.slow
def test_a_tampered_cached_segment_is_a_miss_and_made_again(tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    spec = _run(tmp_path / "a", "Three")
    first = render(spec, tmp_path / "a", measure=False, cache=RenderCache.at(cache_root))
    stored = sorted((cache_root / "segment").rglob("segment.mp4"))
    assert len(stored) == 3
    data = bytearray(stored[1].read_bytes())
    data[-100] ^= 0xFF
    stored[1].write_bytes(bytes(data))
    warnings: list[str] = []
    cache = RenderCache.at(cache_root, warn=warnings.append)
    shutil.copytree(tmp_path / "a", tmp_path / "b", ignore=shutil.ignore_patterns("*.mp4"))
    again = render(spec, tmp_path / "b", measure=False, cache=cache)
    assert len(cache.hits) == 3 and len(cache.made) == 1, (cache.hits, cache.made)
    assert len(warnings) == 1 and "made again" in warnings[0]
    assert again.sha256 == first.sha256
    assert cache.segments.get(cache.keys[cache.made[0]]) is not None, "the re-made segment is cached again"


def test_a_changed_ken_burns_move_changes_the_segment_key(tmp_path: Path) -> None:
    """The move is drawn in Python and piped in: the argv is the same, so the key must see the move itself."""
    from reelforge.compose.ffmpeg_args import build_segment_args
    from reelforge.compose.segment_cache import render_key
    from reelforge.compose.timeline import plan_segments

    spec = _run(tmp_path, "Three")
    data = spec.to_json_dict()
    data["scenes"][0]["visual"]["kenBurns"]["endZoom"] = 1.0 + (data["scenes"][0]["visual"]["kenBurns"]["endZoom"]
                                                               - 1.0) / 2
    moved = RenderSpec.model_validate(data)

    def key(s: RenderSpec) -> tuple[list[str], str]:
        segment = plan_segments(s)[0]
        argv = build_segment_args(s, segment, tmp_path, tmp_path / "seg.mp4", "ffmpeg")
        return argv, render_key(argv, spec=s, run_dir=tmp_path, out=tmp_path / "seg.mp4", kind="segment",
                                segment=segment)[0]

    (argv_a, key_a), (argv_b, key_b) = key(spec), key(moved)
    assert argv_a == argv_b, "the argv names only pipes"
    assert key_a != key_b
