from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from reelforge.compose.ffmpeg_args import (
    build_ffmpeg_args,
    build_measure_args,
    escape_filter_path,
    scene_clips,
    seconds,
)
from reelforge.compose.kenburns import plan_ken_burns
from reelforge.errors import InvalidInputError
from reelforge.models.render_spec import RenderSpec

SHA = "0" * 64


def spec_dict(**over: Any) -> dict[str, Any]:
    kb = plan_ken_burns(1, 0, style="full")
    assert kb is not None
    scenes = []
    trans = [{"kind": "fade", "durationFrames": 15}, {"kind": "slide", "durationFrames": 12, "direction": "up"},
             {"kind": "cut"}, {"kind": "wipe", "durationFrames": 9, "direction": "left"}, {"kind": "cut"}]
    for i in range(5):
        visual: dict[str, Any] = {"src": f"visuals/scene-{i + 1:02d}.png", "sha256": SHA, "type": "image",
                                  "provider": "designed-card"}
        if i != 1:
            visual["kenBurns"] = kb.to_json_dict()
        if i == 3:
            visual = {"src": "visuals/scene-04.mp4", "sha256": SHA, "type": "video", "provider": "user-media"}
        scenes.append({"id": f"s{i}", "fromFrame": i * 90, "durationInFrames": 90, "visual": visual,
                       "transitionOut": trans[i]})
    data = {"schemaVersion": "1.0", "composition": "Shorts", "slug": "t", "output": "shorts-t.mp4",
            "dimensions": {"width": 1080, "height": 1920}, "durationInFrames": 450, "scenes": scenes,
            "audio": {"narration": {"src": "audio/narration.wav", "sha256": SHA},
                      "music": {"src": "audio/music.wav", "sha256": SHA, "gainDb": -18}},
            "captions": {"style": "tiktok", "file": {"src": "captions.ass", "sha256": SHA},
                         "fonts": [{"src": "fonts/Roboto-Black.ttf", "sha256": SHA, "family": "Roboto Black"}]},
            "encoder": {"threads": 3}, "seed": 1}
    data.update(over)
    return data


def argv_for(data: dict[str, Any], loudnorm: dict[str, Any] | None = None) -> list[str]:
    return build_ffmpeg_args(RenderSpec.model_validate(data), Path("/run"), Path("/run/out.mp4"), "ffmpeg",
                             loudnorm=loudnorm)


def graph_of(argv: list[str]) -> str:
    """All filtergraphs of the argv (video and audio run as separate graphs), joined."""
    return ";".join(argv[i + 1] for i, a in enumerate(argv) if a == "-filter_complex")


def test_every_still_is_one_decoded_frame_and_expanded_once() -> None:
    argv = argv_for(spec_dict())
    graph = graph_of(argv)
    assert "-loop" not in argv  # never `-loop 1`: that re-decodes the PNG every frame
    assert argv.count("-filter_complex") == 2  # video and audio graphs run in their own threads
    assert argv.count("-pattern_type") == 4  # four still inputs, each read as a single image
    assert graph.count("extractplanes=y+u+v") == 3  # the three Ken Burns stills, upscaled once each
    assert graph.count("zoompan=") == 9  # ... zoomed plane by plane
    # the static still (scene 1: 90 + 15 lead-in + 2 tail): one frame repeated by the filter
    assert graph.count("loop=loop=106:size=1") == 1
    # each Ken Burns clip spans its scene plus the incoming transition (scenes 0, 2 and 4), plus the
    # xfade tail when it leaves through a transition; the move itself spans the visible frames
    assert [int(d) for d in re.findall(r"zoompan=[^,]*?:d=(\d+)", graph)] == [92] * 3 + [102] * 3 + [99] * 3
    assert "(on/89)" in graph and "(on/101)" in graph and "(on/98)" in graph


def test_clip_lengths_absorb_transitions_and_keep_the_total() -> None:
    spec = RenderSpec.model_validate(spec_dict())
    clips = scene_clips(spec)
    assert [(c.start, c.frames, c.lead_in, c.tail) for c in clips] == [
        (0, 90, 0, 2), (75, 105, 15, 2), (168, 102, 12, 0), (270, 90, 0, 2), (351, 99, 9, 0)]
    end = clips[0].frames
    for c in clips[1:]:
        end = c.start + c.frames  # each join ends at the start + length of the incoming clip
    assert end == spec.duration_in_frames


def test_xfade_offsets_and_kinds() -> None:
    graph = graph_of(argv_for(spec_dict()))
    xfades = re.findall(r"xfade=transition=(\w+):duration=([\d.]+):offset=([\d.]+)", graph)
    assert xfades == [("fade", seconds(15), seconds(75)), ("slidedown", seconds(12), seconds(168)),
                      ("wipeleft", seconds(9), seconds(351))]
    assert "vflip" in graph  # slide up is drawn as a mirrored slide down (ffmpeg's slideup is not stable)
    assert graph.count("concat=n=2") == 1  # the cut
    assert seconds(75) == "2.500000" and seconds(1) == "0.033333"


def test_output_flags_pin_frames_threads_and_bitexact() -> None:
    argv = argv_for(spec_dict())
    assert argv[argv.index("-frames:v") + 1] == "450"
    assert argv[argv.index("-threads") + 1] == "3"
    assert argv[argv.index("-x264-params") + 1] == "sliced-threads=1"  # frame threads raced (see module)
    assert argv[argv.index("-r") + 1] == "30"
    assert argv[argv.index("-profile:v") + 1] == "high"
    assert argv[argv.index("-pix_fmt") + 1] == "yuv420p"
    assert argv[argv.index("-ar") + 1] == "48000" and argv[argv.index("-ac") + 1] == "2"
    for flag in ("-fflags", "-flags:v", "-flags:a"):
        assert argv[argv.index(flag) + 1] == "+bitexact"
    assert argv[argv.index("-map_metadata") + 1] == "-1"
    assert argv[argv.index("-movflags") + 1] == "+faststart"
    assert argv[-1] == "/run/out.mp4"


def test_two_threads_are_refused() -> None:
    with pytest.raises(InvalidInputError, match=r"encoder\.threads"):
        argv_for(spec_dict(encoder={"threads": 2}))


def test_captions_burned_with_the_run_fonts_dir() -> None:
    graph = graph_of(argv_for(spec_dict()))
    assert "subtitles=filename=/run/captions.ass:fontsdir=/run/fonts[vout]" in graph
    no_caps = spec_dict(captions={"style": "none"})
    assert "subtitles" not in graph_of(argv_for(no_caps))


def test_audio_music_looped_ducked_faded_and_loudnorm_linear_with_measurement() -> None:
    measured = {"input_i": "-23.1", "input_tp": "-4.0", "input_lra": "3.2", "input_thresh": "-33.5",
                "target_offset": "0.2"}
    argv = argv_for(spec_dict(), loudnorm=measured)
    graph = graph_of(argv)
    music_at = argv.index("/run/audio/music.wav")
    assert argv[music_at - 3:music_at - 1] == ["-stream_loop", "-1"]
    assert "sidechaincompress" in graph and "afade=t=out:st=13.000000:d=2.000000" in graph
    assert "measured_I=-23.10" in graph and "linear=true" in graph
    assert "atrim=end_sample=720000[aout]" in graph  # 450 frames at 48 kHz / 30 fps


def test_silent_track_when_no_audio() -> None:
    data = spec_dict(audio={})
    graph = graph_of(argv_for(data))
    assert "anullsrc=r=48000:cl=stereo,atrim=end_sample=720000[aout]" in graph
    assert build_measure_args(RenderSpec.model_validate(data), Path("/run"), "ffmpeg") is None


def test_measure_pass_is_audio_only() -> None:
    argv = build_measure_args(RenderSpec.model_validate(spec_dict()), Path("/run"), "ffmpeg")
    assert argv is not None
    assert "print_format=json" in graph_of(argv) and argv[-3:] == ["-f", "null", "-"]
    assert not any(a.endswith(".png") for a in argv)
    assert "[0:a]" in graph_of(argv) and "[1:a]" in graph_of(argv)


def test_filter_path_escaping() -> None:
    assert escape_filter_path("/a/b's:c,d[e].ass") == "/a/b\\\\\\'s\\\\:c\\,d\\[e\\].ass"
