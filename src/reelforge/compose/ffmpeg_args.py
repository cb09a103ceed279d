"""render-spec -> ONE ffmpeg argv. Pure: no file is read or written here, so tests can inspect the graph.

Timeline: scene i owns output frames [fromFrame, fromFrame + durationInFrames). A transition out of
scene i-1 of d frames starts scene i's clip d frames early (its clip is d frames longer) and xfades over
the last d frames of scene i-1, so the total stays durationInFrames and scene boundaries stay where the
narration expects them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.compose.audio_graph import AudioInputs, audio_graph
from reelforge.compose.kenburns import UPSCALE, zoompan_filter, zoompan_video_filter
from reelforge.errors import InvalidInputError
from reelforge.models.render_spec import RenderSpec, SceneSpec, Transition

# x264 frame threads read reference rows while other threads still pad their edges: under CPU load the
# right edge of a few frames came out different run to run (measured at 1080x1920, threads 3). Slice
# threads encode one frame at a time and were identical across runs; they cost a little compression.
X264_PARAMS = "sliced-threads=1"
BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1"]
_XFADE = {"fade": "fade", "slide": "slide", "wipe": "wipe"}
_COLOUR = "out_color_matrix=bt709:out_range=tv"


# Frames a clip runs past the end of its outgoing xfade. xfade only notices a transition is over from a
# frame past its end, or from the first input's EOF; the EOF path races with the other inputs and gave a
# different picture run to run (measured), so every xfaded clip carries a short tail that xfade drops.
XFADE_TAIL = 2
CAPTURE_PROVIDER = "capture"


@dataclass(frozen=True)
class SceneClip:
    """Where one scene's clip sits in the output: it starts ``lead_in`` frames before its scene and is
    generated ``tail`` frames longer than it is shown (see XFADE_TAIL)."""

    index: int
    start: int
    frames: int
    lead_in: int
    tail: int = 0

    @property
    def generated(self) -> int:
        return self.frames + self.tail


def scene_clips(spec: RenderSpec) -> list[SceneClip]:
    clips: list[SceneClip] = []
    for i, scene in enumerate(spec.scenes):
        lead = spec.scenes[i - 1].transition_out.duration_frames if i else 0
        tail = XFADE_TAIL if scene.transition_out.kind != "cut" else 0
        clips.append(SceneClip(i, scene.from_frame - lead, scene.duration_in_frames + lead, lead, tail))
    return clips


def seconds(frames: int, fps: int = 30) -> str:
    """Frames as a decimal string ffmpeg parses to the exact frame (microseconds, rounded down)."""
    us = frames * 1_000_000 // fps
    return f"{us // 1_000_000}.{us % 1_000_000:06d}"


def escape_filter_path(path: str) -> str:
    """Escape a path for an (unquoted) filter option value inside -filter_complex: first the option level
    (``\\ ' :``), then the graph level (``\\ ' [ ] , ;``)."""
    level1 = path.replace("\\", "\\\\").replace("'", "\\'").replace(":", "\\:")
    out = []
    for ch in level1:
        out.append("\\" + ch if ch in "\\'[],;" else ch)
    return "".join(out)


def xfade_name(t: Transition) -> str:
    if t.kind == "fade":
        return "fade"
    return f"{_XFADE[t.kind]}{t.direction}"


def _still_chain(scene: SceneSpec, clip: SceneClip, w: int, h: int, idx: int) -> str:
    kb = scene.visual.ken_burns
    if kb is None:
        # scaled once, then the one frame is repeated: never re-decoded or re-scaled per frame
        return (f"[{idx}:v]scale={w}:{h}:force_original_aspect_ratio=increase:flags=lanczos:{_COLOUR},"
                f"crop={w}:{h},setsar=1,format=yuv420p,loop=loop={clip.generated - 1}:size=1:start=0,"
                f"settb=1/30,setpts=N,fps=30")
    uw, uh = w * UPSCALE, h * UPSCALE
    # Planes are zoomed separately: as gray planes zoompan positions luma to one source pixel (in yuv420p
    # it rounds x to two), at half the cost of doing it in yuv444p.
    k = f"k{idx}"
    planes = [f"[{k}{p}]{zoompan_filter(kb, clip.frames, pw, ph, total=clip.generated)}[{k}{p.upper()}]"
              for p, pw, ph in (("y", w, h), ("u", w // 2, h // 2), ("v", w // 2, h // 2))]
    return (f"[{idx}:v]scale={uw}:{uh}:force_original_aspect_ratio=increase:flags=lanczos:{_COLOUR},"
            f"crop={uw}:{uh},setsar=1,format=yuv420p,extractplanes=y+u+v[{k}y][{k}u][{k}v];"
            + ";".join(planes)
            + f";[{k}Y][{k}U][{k}V]mergeplanes=mapping=0x001020:format=yuv420p,setsar=1")


def _video_chain(scene: SceneSpec, clip: SceneClip, w: int, h: int, idx: int, background: str) -> str:
    if scene.visual.provider == CAPTURE_PROVIDER:
        # footage (a screen recording) is shown whole: fit inside the frame and pad, never crop
        fit = (f"scale={w}:{h}:force_original_aspect_ratio=decrease:flags=bicubic:{_COLOUR},"
               f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=0x{background.lstrip('#')}")
    else:
        fit = f"scale={w}:{h}:force_original_aspect_ratio=increase:flags=bicubic:{_COLOUR},crop={w}:{h}"
    chain = (f"[{idx}:v]fps=30,{fit},setsar=1,format=yuv420p,tpad=stop=-1:stop_mode=clone,"
             f"trim=end_frame={clip.generated},setpts=PTS-STARTPTS")
    if scene.visual.ken_burns is not None:
        chain += f",{zoompan_video_filter(scene.visual.ken_burns, clip.frames, w, h)},setsar=1"
    return chain


def _input_args(spec: RenderSpec, run_dir: Path) -> tuple[list[str], AudioInputs]:
    args: list[str] = []
    for scene, clip in zip(spec.scenes, scene_clips(spec), strict=True):
        path = str(run_dir / scene.visual.src)
        if scene.visual.type == "image":
            args += ["-f", "image2", "-pattern_type", "none", "-framerate", "30", "-i", path]
        else:
            # loop short clips; -t bounds how much is read (a second of slack for the fps conversion).
            # clipStartSec picks the stretch of a longer clip (demo footage) this scene shows.
            start_frames = max(0, round(scene.visual.clip_start_sec * 30) - clip.lead_in)
            seek = ["-ss", seconds(start_frames)] if start_frames else []
            footage = seek or scene.visual.provider == CAPTURE_PROVIDER  # footage holds its last frame
            loop = [] if footage else ["-stream_loop", "-1"]
            args += [*loop, *seek, "-t", seconds(clip.generated + 30), "-i", path]
    n = len(spec.scenes)
    narration = music = None
    if spec.audio.narration:
        args += ["-i", str(run_dir / spec.audio.narration.src)]
        narration = n
        n += 1
    if spec.audio.music:
        args += ["-stream_loop", "-1", "-i", str(run_dir / spec.audio.music.src)]
        music = n
    return args, AudioInputs(narration, music)


def video_graph(spec: RenderSpec, run_dir: Path, out_label: str = "vout") -> list[str]:
    w, h = spec.dimensions.width, spec.dimensions.height
    chains: list[str] = []
    for scene, clip in zip(spec.scenes, scene_clips(spec), strict=True):
        body = (_still_chain(scene, clip, w, h, clip.index) if scene.visual.type == "image"
                else _video_chain(scene, clip, w, h, clip.index, spec.background))
        chains.append(f"{body}[s{clip.index}]")
    current = "s0"
    for clip in scene_clips(spec)[1:]:
        i = clip.index
        t = spec.scenes[i - 1].transition_out
        nxt = f"x{i}"
        if t.kind == "cut":
            chains.append(f"[{current}][s{i}]concat=n=2:v=1:a=0[{nxt}]")
        elif t.kind == "slide" and t.direction == "up":
            # ffmpeg's slideup reads one row out of bounds (garbage top row, different every run):
            # draw it as a vertically mirrored slidedown instead (vflip is zero-copy).
            chains.append(f"[{current}]vflip[{nxt}a];[s{i}]vflip[{nxt}b];[{nxt}a][{nxt}b]xfade=transition=slidedown"
                          f":duration={seconds(t.duration_frames)}:offset={seconds(clip.start)},vflip[{nxt}]")
        else:
            chains.append(f"[{current}][s{i}]xfade=transition={xfade_name(t)}:duration={seconds(t.duration_frames)}"
                          f":offset={seconds(clip.start)}[{nxt}]")
        current = nxt
    # tag what the scale filters produced, so players do not guess BT.601
    tail = f"[{current}]setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv,"
    cap = spec.captions.file
    if cap is not None and spec.captions.style != "none":
        fonts_dir = _fonts_dir(spec, run_dir)
        sub = f"subtitles=filename={escape_filter_path(str(run_dir / cap.src))}"
        if fonts_dir is not None:
            sub += f":fontsdir={escape_filter_path(str(fonts_dir))}"
        chains.append(f"{tail}{sub}[{out_label}]")
    else:
        chains.append(f"{tail}null[{out_label}]")
    return chains


def _fonts_dir(spec: RenderSpec, run_dir: Path) -> Path | None:
    dirs = sorted({str(Path(f.src).parent) for f in spec.captions.fonts})
    if not dirs:
        return None
    if len(dirs) > 1:
        raise InvalidInputError(f"captions.fonts live in {len(dirs)} directories ({', '.join(dirs)})",
                                hint="put every caption font file in one run-relative directory (fonts/)")
    return run_dir / dirs[0]


def check_threads(spec: RenderSpec) -> int:
    threads = spec.encoder.threads
    if threads == 2:
        raise InvalidInputError(
            "encoder.threads is 2: x264 with exactly 2 threads was measured non-deterministic",
            hint="set encoder.threads to 0 (auto), 1, 3 or 4 in render-spec.json")
    return threads


def build_ffmpeg_args(spec: RenderSpec, run_dir: Path, out: Path, ffmpeg: str, *,
                      loudnorm: dict[str, Any] | None) -> list[str]:
    """The whole render as one argv. ``loudnorm`` holds the first pass's measurement (linear second pass);
    without it loudnorm runs single-pass (dynamic), which is deterministic but less exact."""
    threads = check_threads(spec)
    enc = spec.encoder
    inputs, audio_inputs = _input_args(spec, run_dir)
    # two graphs: ffmpeg runs each filtergraph in its own thread, so the audio mix (loudnorm resamples to
    # 192 kHz) does not queue behind the single-threaded Ken Burns work
    return [
        ffmpeg, "-hide_banner", "-nostdin", "-y", *inputs,
        "-filter_complex", ";".join(video_graph(spec, run_dir)),
        "-filter_complex", ";".join(audio_graph(spec, audio_inputs, loudnorm=loudnorm)),
        "-map", "[vout]", "-map", "[aout]",
        "-c:v", enc.video_codec, "-preset", enc.preset, "-crf", str(enc.crf), "-profile:v", enc.profile,
        "-pix_fmt", enc.pix_fmt, "-threads", str(threads), "-x264-params", X264_PARAMS, "-r", str(spec.fps),
        "-frames:v", str(spec.duration_in_frames),
        "-c:a", enc.audio_codec, "-b:a", enc.audio_bitrate, "-ar", str(spec.audio.sample_rate), "-ac", "2",
        *BITEXACT, "-movflags", "+faststart", "-f", "mp4", str(out),
    ]


def build_measure_args(spec: RenderSpec, run_dir: Path, ffmpeg: str) -> list[str] | None:
    """Audio-only first pass: the same mix through loudnorm print_format=json into the null muxer.
    None when there is nothing to measure (silent track)."""
    _, audio_inputs = _input_args(spec, run_dir)
    if audio_inputs.narration is None and audio_inputs.music is None:
        return None
    args: list[str] = [ffmpeg, "-hide_banner", "-nostdin", "-nostats"]
    if spec.audio.narration:
        args += ["-i", str(run_dir / spec.audio.narration.src)]
    if spec.audio.music:
        args += ["-stream_loop", "-1", "-i", str(run_dir / spec.audio.music.src)]
    # re-index: only audio inputs are present in this argv
    renum = AudioInputs(0 if audio_inputs.narration is not None else None,
                        (1 if audio_inputs.narration is not None else 0) if audio_inputs.music is not None
                        else None)
    graph = audio_graph(spec, renum, loudnorm=None, measure=True)
    return [*args, "-filter_complex", ";".join(graph), "-map", "[aout]", "-f", "null", "-"]
