"""Benchmark part B: the same short as reelforge's render-spec, composed with MoviePy 2 the way
MoneyPrinterTurbo-style tools do it (app/services/video.py there):

- each scene is an ImageClip with a per-frame ``resized(lambda t: zoom)`` Ken Burns, wrapped in its own
  CompositeVideoClip (MPT's ``render_image_zoom_video``), entering with CrossFadeIn / SlideIn;
- captions are one TextClip per cue of the production captions.srt (same words and timings as A's
  captions.ass; MoviePy cannot colour the active word, so B draws no highlight);
- narration + a looped music bed at the spec's gain with a fade-out (no ducking: MPT has none);
- libx264 with the spec's preset, CRF and profile (ffmpeg's default threads, as MoviePy users run
  it), AAC at the spec's bitrate and rate, plus MPT's BT.709 ``-vf`` (A converts with the same matrix).

Not part of the test suite. Imported by bench/render_short.py (worker B).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from reelforge.compose.timeline import scene_clips
from reelforge.models.render_spec import KenBurns, RenderSpec

# MPT: "scale=out_color_matrix=bt709:out_range=tv,setparams=..." passed as ffmpeg_params
BT709_VF = ("scale=out_color_matrix=bt709:out_range=tv,"
            "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv")
# which edge an incoming clip enters from, for A's xfade direction (slideleft moves the picture left)
_SIDE = {"left": "right", "right": "left", "up": "bottom", "down": "top"}


def _ken_burns_clip(path: Path, kb: KenBurns | None, frames: int, w: int, h: int, fps: int) -> Any:
    from moviepy import CompositeVideoClip, ImageClip

    duration = frames / fps
    still = ImageClip(str(path)).with_duration(duration)
    cover = max(w / still.w, h / still.h)  # designed cards carry headroom: fit them to cover the frame first
    if kb is None:
        return CompositeVideoClip([still.resized(cover).with_position("center")], size=(w, h)).with_duration(
            duration)
    span = max(frames - 1, 1) / fps

    def prog(t: float) -> float:
        return min(max(t / span, 0.0), 1.0)

    def zoom(t: float) -> float:
        return kb.start_zoom + (kb.end_zoom - kb.start_zoom) * prog(t)

    def pos(t: float) -> tuple[float, float]:
        z = zoom(t)
        cx = kb.start_x + (kb.end_x - kb.start_x) * prog(t)
        cy = kb.start_y + (kb.end_y - kb.start_y) * prog(t)
        x = min(0.0, max(w - w * z, w / 2 - cx * w * z))
        y = min(0.0, max(h - h * z, h / 2 - cy * h * z))
        return x, y

    zoomed = still.resized(lambda t: cover * zoom(t)).with_position(pos)
    return CompositeVideoClip([zoomed], size=(w, h)).with_duration(duration)


def ass_style(ass: Path) -> tuple[int, int, int]:
    """(font size in px, outline px, bottom y) of A's captions: libass sizes a font by ascent+descent, PIL
    by the em, so the em size is Fontsize / 1.17 for Roboto."""
    text = ass.read_text(encoding="utf-8")
    fields = next(ln for ln in text.splitlines() if ln.startswith("Style:")).split(",")
    pos = re.search(r"\\pos\((\d+),(\d+)\)", text)
    return round(int(fields[2]) / 1.17), int(float(fields[16])), int(pos.group(2)) if pos else 1260


def _caption_clips(srt: Path, ass: Path, font: Path, w: int) -> list[Any]:
    from moviepy import TextClip
    from moviepy.video.tools.subtitles import file_to_subtitles

    size, stroke, bottom = ass_style(ass)
    clips = []
    for (t0, t1), text in file_to_subtitles(str(srt), encoding="utf-8"):
        clip = TextClip(text=text, font=str(font), font_size=size, color="white", stroke_color="black",
                        stroke_width=stroke, method="caption", size=(int(w * 0.8), None), text_align="center",
                        margin=(0, stroke * 2))
        clips.append(clip.with_start(t0).with_end(t1).with_position(("center", bottom - clip.h)))
    return clips


def build(spec: RenderSpec, run_dir: Path, srt: Path, font: Path) -> Any:
    """The whole composition as one MoviePy clip with audio."""
    from moviepy import AudioFileClip, CompositeAudioClip, CompositeVideoClip, afx, vfx

    w, h, fps = spec.dimensions.width, spec.dimensions.height, spec.fps
    total = spec.duration_in_frames / fps
    layers = []
    for scene, clip in zip(spec.scenes, scene_clips(spec), strict=True):
        layer = _ken_burns_clip(run_dir / scene.visual.src, scene.visual.ken_burns, clip.frames, w, h, fps)
        if clip.index:
            t = spec.scenes[clip.index - 1].transition_out
            d = t.duration_frames / fps
            if t.kind == "fade":
                layer = layer.with_effects([vfx.CrossFadeIn(d)])
            elif t.kind in ("slide", "wipe"):  # MoviePy has no wipe: the nearest stock effect
                layer = layer.with_effects([vfx.SlideIn(d, _SIDE[t.direction])])
        layers.append(layer.with_start(clip.start / fps))
    assert spec.captions.file is not None, "B needs the captions.ass A burns in"
    layers += _caption_clips(srt, run_dir / spec.captions.file.src, font, w)
    video = CompositeVideoClip(layers, size=(w, h)).with_duration(total)

    tracks = []
    if spec.audio.narration:
        tracks.append(AudioFileClip(str(run_dir / spec.audio.narration.src)))
    music = spec.audio.music
    if music:
        effects = [afx.MultiplyVolume(10 ** (music.gain_db / 20)), afx.AudioLoop(duration=total)]
        if music.fade_out_sec:
            effects.append(afx.AudioFadeOut(music.fade_out_sec))
        tracks.append(AudioFileClip(str(run_dir / music.src)).with_effects(effects))
    if tracks:
        video = video.with_audio(CompositeAudioClip(tracks).with_duration(total))
    return video


def render_moviepy(spec: RenderSpec, run_dir: Path, out: Path, srt: Path, font: Path) -> dict[str, float]:
    """Build and write B; returns the seconds spent building and writing."""
    enc = spec.encoder
    started = time.monotonic()
    clip = build(spec, run_dir, srt, font)
    built = time.monotonic()
    clip.write_videofile(
        # x264 as MoviePy users run it: ffmpeg's default (frame) threads, same preset, CRF and profile
        str(out), fps=spec.fps, codec="libx264", preset=enc.preset, threads=None,
        audio_codec="aac", audio_bitrate=enc.audio_bitrate, audio_fps=spec.audio.sample_rate,
        temp_audiofile_path=str(run_dir),
        ffmpeg_params=["-crf", str(enc.crf), "-profile:v", enc.profile, "-vf", BT709_VF],
        logger=None)
    clip.close()
    done = time.monotonic()
    return {"seconds": done - started, "build": built - started, "write": done - built}
