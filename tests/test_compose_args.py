from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from reelforge.compose.ffmpeg_args import (
    PCM_OUT,
    build_audio_args,
    build_measure_args,
    build_mux_args,
    build_segment_args,
    concat_list,
)
from reelforge.compose.filter_text import escape_filter_path, seconds
from reelforge.compose.kenburns import plan_ken_burns
from reelforge.compose.segment_graph import segment_graph
from reelforge.compose.timeline import pieces, plan_segments, scene_clips
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
            "seed": 1}
    data.update(over)
    return data


def graph_of(argv: list[str]) -> str:
    """All filtergraphs of the argv, joined."""
    return ";".join(argv[i + 1] for i, a in enumerate(argv) if a == "-filter_complex")


def spec_of(**over: Any) -> RenderSpec:
    return RenderSpec.model_validate(spec_dict(**over))


def whole_graph(spec: RenderSpec) -> str:
    """Every segment's video graph, joined (one segment per call when the target is huge)."""
    return ";".join(segment_graph(spec, seg, Path("/run")).graph for seg in plan_segments(spec))


def test_every_still_is_one_decoded_frame_and_expanded_once() -> None:
    spec = spec_of(encoder={"threads": 1, "segmentFrames": 10_000})  # one segment
    (seg,) = plan_segments(spec)
    g = segment_graph(spec, seg, Path("/run"))
    assert "-loop" not in g.inputs  # never `-loop 1`: that re-decodes the PNG every frame
    assert g.inputs.count("-pattern_type") == 1  # the static still, read as a single image
    # the static still (scene 1): its slide-in frames (13), its solo (78 = 90 - 12 out) and the tail of
    # its slide-out (12 + 2) are one decoded frame repeated
    assert [int(n) for n in re.findall(r"loop=loop=(\d+):size=1", g.graph)] == [15, 77, 13]
    # the three Ken Burns stills: no zoom in the graph; each stretch is a raw feed drawn in Python, at its
    # place in the move: first those an xfade mixes (scene 0's fade into the still without Ken Burns, the
    # slide into 2, the wipe into 4, each with its tail), then the solo stretches (0, 2 and 4)
    assert "zoompan" not in g.graph and "scale=2160" not in g.graph
    assert [[(s.scene, s.offset, s.count, s.into) for s in f.stretches] for f in g.feeds] == [
        [(0, 75, 17, None)], [(2, 0, 13, None)], [(4, 0, 10, None)],
        [(0, 0, 75, None)], [(2, 12, 90, None)], [(4, 9, 90, None)]]
    assert [f.fd for f in g.feeds] == [3, 4, 5, 6, 7, 8]
    pipes = [g.inputs[i + 1] for i, a in enumerate(g.inputs) if a == "-i" and g.inputs[i + 1].startswith("pipe:")]
    assert pipes == [f"pipe:{fd}" for fd in range(3, 9)]
    assert g.graph.count("rawvideo") == 0 and g.inputs.count("rawvideo") == 6


def test_pieces_cover_the_output_once_and_mix_only_transition_frames() -> None:
    spec = spec_of()
    assert [(p.start, p.frames, p.scene, p.offset, p.into) for p in pieces(spec)] == [
        (0, 75, 0, 0, None), (75, 15, 0, 75, 1),       # fade 0 -> 1 over scene 0's last 15 frames
        (90, 78, 1, 15, None), (168, 12, 1, 93, 2),    # slide up 1 -> 2
        (180, 90, 2, 12, None),                        # cut 2 -> 3
        (270, 81, 3, 0, None), (351, 9, 3, 81, 4),     # wipe 3 -> 4
        (360, 90, 4, 9, None)]
    assert [(c.start, c.frames, c.lead_in) for c in scene_clips(spec)] == [
        (0, 90, 0), (75, 105, 15), (168, 102, 12), (270, 90, 0), (351, 99, 9)]


def test_xfade_runs_only_over_its_transition() -> None:
    graph = whole_graph(spec_of())
    xfades = re.findall(r"xfade=transition=(\w+):duration=([\d.]+):offset=([\d.]+)", graph)
    assert xfades == [("fade", seconds(15), "0"), ("slidedown", seconds(12), "0"), ("wipeleft", seconds(9), "0")]
    assert "vflip" in graph  # slide up is drawn as a mirrored slide down (ffmpeg's slideup is not stable)
    assert "trim=end_frame=15,format=yuv420p" in graph  # back to 4:2:0 right after the mix
    assert seconds(75) == "2.500000" and seconds(1) == "0.033333"


def test_segments_never_cut_a_transition_or_footage_and_prefer_scene_starts() -> None:
    spec = spec_of(encoder={"threads": 1, "segmentFrames": 60})
    segments = plan_segments(spec)
    bounds = [s.start for s in segments] + [segments[-1].end]
    assert bounds[0] == 0 and bounds[-1] == 450
    transitions = [(p.start, p.end) for p in pieces(spec) if p.is_transition]
    assert not any(a < b < z for b in bounds for a, z in transitions)
    assert not any(270 < b < 351 for b in bounds)  # scene 3 is footage: never split
    assert 90 in bounds and 180 in bounds and 270 in bounds  # scene starts near the ideal cut are used
    # pieces cut at a bound continue where the previous segment stopped
    for seg in segments:
        assert sum(p.frames for p in seg.pieces) == seg.frames
        assert seg.pieces[0].start == seg.start
    # a long still is split inside its solo piece
    long = plan_segments(spec_of(encoder={"threads": 1, "segmentFrames": 30}))
    assert any(0 < s.start < 75 for s in long)


def test_captions_are_timed_on_the_whole_video_in_every_segment() -> None:
    spec = spec_of(encoder={"threads": 1, "segmentFrames": 90})
    for seg in plan_segments(spec):
        graph = segment_graph(spec, seg, Path("/run")).graph
        assert f"setpts=N+{seg.start},subtitles=filename=/run/captions.ass:fontsdir=/run/fonts,setpts=N," in graph
    no_caps = spec_of(captions={"style": "none"})
    assert "subtitles" not in whole_graph(no_caps)


def test_segment_argv_pins_frames_threads_and_bitexact() -> None:
    spec = spec_of(encoder={"threads": 1})
    seg = plan_segments(spec)[0]
    argv = build_segment_args(spec, seg, Path("/run"), Path("/run/.r/segment-000.mp4"), "ffmpeg")
    assert argv[argv.index("-frames:v") + 1] == str(seg.frames)
    assert argv[argv.index("-threads") + 1] == "1" and "-x264-params" not in argv  # one thread: no slices
    assert argv[argv.index("-r") + 1] == "30"
    assert argv[argv.index("-profile:v") + 1] == "high"
    assert argv[argv.index("-pix_fmt") + 1] == "yuv420p"
    assert "-an" in argv
    for flag in ("-fflags", "-flags:v", "-flags:a"):
        assert argv[argv.index(flag) + 1] == "+bitexact"
    threaded = build_segment_args(spec_of(encoder={"threads": 3}), seg, Path("/run"), Path("/x.mp4"), "ffmpeg")
    assert threaded[threaded.index("-x264-params") + 1] == "sliced-threads=1"  # frame threads raced


def test_join_copies_streams_with_faststart() -> None:
    spec = spec_of()
    argv = build_mux_args(spec, Path("/run/.r/segments.txt"), Path("/run/.r/audio.mp4"), Path("/run/o.mp4"), "ff")
    assert argv[argv.index("-f") + 1] == "concat"
    assert argv[argv.index("-c") + 1] == "copy"
    assert argv[argv.index("-frames:v") + 1] == "450"
    assert argv[argv.index("-movflags") + 1] == "+faststart"
    assert argv[argv.index("-map_metadata") + 1] == "-1"
    assert argv[-1] == "/run/o.mp4"
    assert concat_list([Path("/w/segment-000.mp4"), Path("/w/it's.mp4")]) == (
        "file 'segment-000.mp4'\nfile 'it'\\''s.mp4'\n")


def test_two_threads_are_two_slices() -> None:
    spec = spec_of(encoder={"threads": 2})
    argv = build_segment_args(spec, plan_segments(spec)[0], Path("/run"), Path("/x.mp4"), "ffmpeg")
    assert argv[argv.index("-threads") + 1] == "2"
    assert argv[argv.index("-x264-params") + 1] == "sliced-threads=1"  # 2 frame threads raced (measured)


def test_audio_music_looped_ducked_faded_and_speech_gained_to_the_target() -> None:
    measured = {"integratedLufs": -23.1}
    argv = build_audio_args(spec_of(), Path("/run"), Path("/run/.r/audio.mp4"), "ffmpeg", measured=measured)
    graph = graph_of(argv)
    music_at = argv.index("/run/audio/music.wav")
    assert argv[music_at - 3:music_at - 1] == ["-stream_loop", "-1"]
    assert "sidechaincompress" in graph and "afade=t=out:st=13.000000:d=2.000000" in graph
    # -14 LUFS target + the limiter's 0.1 LU - the measured -23.1
    assert "volume=9.20dB" in graph and "loudnorm" not in graph
    assert "atrim=end_sample=720000[aout]" in graph  # 450 frames at 48 kHz / 30 fps


def test_silent_track_when_no_audio() -> None:
    data = spec_dict(audio={})
    graph = graph_of(build_audio_args(RenderSpec.model_validate(data), Path("/run"), Path("/a.mp4"), "ffmpeg",
                                      measured=None))
    assert "anullsrc=r=48000:cl=stereo,atrim=end_sample=720000[aout]" in graph
    assert build_measure_args(RenderSpec.model_validate(data), Path("/run"), "ffmpeg") is None


def test_measure_pass_is_audio_only() -> None:
    argv = build_measure_args(RenderSpec.model_validate(spec_dict()), Path("/run"), "ffmpeg")
    assert argv is not None
    # the speech before its gain, out as 48 kHz stereo float PCM to the meter's pipe
    assert graph_of(argv).endswith("anull[aout]") and "volume" not in graph_of(argv)
    assert argv[-7:] == ["-f", "f32le", "-ar", "48000", "-ac", "2", PCM_OUT]
    assert not any(a.endswith(".png") for a in argv)
    # under a music bed only the speech is measured: it alone is normalized, the bed keeps its gain
    assert "[0:a]" in graph_of(argv) and "[1:a]" not in graph_of(argv)
    assert "/run/audio/music.wav" not in argv


def test_bed_is_laid_under_normalized_speech_not_normalized_with_it() -> None:
    measured = {"integratedLufs": -20.0}
    graph = graph_of(build_audio_args(spec_of(), Path("/run"), Path("/a.mp4"), "ffmpeg", measured=measured))
    speech, mix = graph.split("[nar]")[0], graph.split("[mix]")[-1]
    assert "volume=6.10dB" in speech
    assert "volume=" not in mix and "alimiter=" in mix


def test_silence_and_a_missing_measurement_take_no_gain() -> None:
    from reelforge.compose.audio_graph import gain_db

    spec = spec_of()
    assert gain_db(spec, None) == 0.0
    assert gain_db(spec, {"integratedLufs": -70.0}) == 0.0
    assert gain_db(spec, {"integratedLufs": -14.1}) == 0.2


def test_filter_path_escaping() -> None:
    assert escape_filter_path("/a/b's:c,d[e].ass") == "/a/b\\\\\\'s\\\\:c\\,d\\[e\\].ass"


def test_the_feeds_key_names_what_the_pipes_carry() -> None:
    from reelforge.compose.frame_feeds import feeds_key

    spec = spec_of(encoder={"threads": 1, "segmentFrames": 10_000})
    (seg,) = plan_segments(spec)
    key = feeds_key(spec, seg, Path("/run"))
    assert feeds_key(spec, seg, Path("/other")) == key  # not the run's place on disk
    moved = spec_dict(encoder={"threads": 1, "segmentFrames": 10_000})
    moved["scenes"][2]["visual"]["kenBurns"]["endZoom"] = 1.05
    assert feeds_key(RenderSpec.model_validate(moved), seg, Path("/run")) != key
    other_still = spec_dict(encoder={"threads": 1, "segmentFrames": 10_000})
    other_still["scenes"][4]["visual"]["sha256"] = "1" * 64
    assert feeds_key(RenderSpec.model_validate(other_still), seg, Path("/run")) != key
