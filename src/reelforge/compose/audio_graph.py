"""The audio half of the filter graph: narration (loudnorm) + music (looped, ducked, faded) -> limiter.

Shared by the main render and by the cheap loudness-measuring pass, so both hear the same mix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reelforge.models.render_spec import RenderSpec

# Ducking: music drops ~10 dB under speech, recovers over ~0.4 s. Threshold is on the narration key.
DUCK = "threshold=0.025:ratio=8:attack=15:release=400:knee=4"
LRA = 11.0
FRAMING = "asetnsamples=n=1024:p=1"
# AAC encoding overshoots the limiter's peaks by a few tenths of a dB (measured -0.9 dBTP in the mp4 for a
# -1.0 target), so loudnorm aims this much lower than the spec's true-peak ceiling.
AAC_TP_HEADROOM_DB = 0.0
# loudnorm's dynamic mode still let 48 kHz AAC output reach -0.7 dBTP on a 90 s narration (measured);
# a sample-peak limiter this far under the ceiling, after resampling to the output rate, holds it.
LIMIT_MARGIN_DB = 0.6
# The limiter and loudnorm's dynamic mode cost speech about half a LU (measured -14.5 to -14.9 for a -14
# target); loudnorm aims this much higher so the file lands on the target.
LIMITER_LOSS_LU = 0.5


@dataclass(frozen=True)
class AudioInputs:
    """Input indexes of the audio files in the ffmpeg argv (None when absent)."""

    narration: int | None
    music: int | None


def total_samples(spec: RenderSpec) -> int:
    """Samples in the timeline: exact because 48 kHz (and 44.1 kHz) divide evenly by 30 fps."""
    return spec.duration_in_frames * spec.audio.sample_rate // spec.fps


def _fmt(rate: int) -> str:
    return f"aresample={rate},aformat=sample_fmts=fltp:sample_rates={rate}:channel_layouts=stereo"


def loudnorm_filter(spec: RenderSpec, measured: dict[str, Any] | None, *, measure: bool = False) -> str:
    """loudnorm for the target; with measured values (second pass) it runs linear and exactly."""
    a = spec.audio
    base = f"loudnorm=I={a.target_lufs + LIMITER_LOSS_LU:g}:TP={a.true_peak_db - AAC_TP_HEADROOM_DB:g}:LRA={LRA:g}"
    if measure:
        return base + ":print_format=json"
    if measured:
        base += (f":measured_I={float(measured['input_i']):.2f}:measured_TP={float(measured['input_tp']):.2f}"
                 f":measured_LRA={float(measured['input_lra']):.2f}"
                 f":measured_thresh={float(measured['input_thresh']):.2f}"
                 f":offset={float(measured['target_offset']):.2f}:linear=true")
    return base + ":print_format=none"


def audio_graph(spec: RenderSpec, inputs: AudioInputs, *, loudnorm: dict[str, Any] | None,
                measure: bool = False, out_label: str = "aout") -> list[str]:
    """Filter chains (joined later with ';') ending in ``[out_label]``: 48 kHz stereo, exactly timeline-long."""
    rate = spec.audio.sample_rate
    n = total_samples(spec)
    seconds = n / rate
    chains: list[str] = []
    if inputs.narration is None and inputs.music is None:
        return [f"anullsrc=r={rate}:cl=stereo,atrim=end_sample={n}[{out_label}]"]

    music = spec.audio.music
    limiter = "" if measure else f",alimiter=limit={10 ** ((spec.audio.true_peak_db - LIMIT_MARGIN_DB) / 20):.4f}" \
        ":attack=5:release=50:level=false"
    bed = inputs.music is not None and music is not None
    if inputs.narration is not None:
        nar = f"[{inputs.narration}:a]{_fmt(rate)},apad=whole_len={n},atrim=end_sample={n}"
        if bed:
            # Under a bed the speech alone is normalized and the bed laid under it at its fixed gain. A
            # loudness pass over the whole mix falls back to loudnorm's dynamic mode (speech peaks rule out
            # one linear gain), which acts as an AGC and lifted the bed between sentences to 2.5 LU under
            # the speech (measured); this way it stays where music.gainDb puts it.
            nar += f",{loudnorm_filter(spec, loudnorm, measure=measure)},{_fmt(rate)}"
            if measure:
                return [f"{nar}[{out_label}]"]
        chains.append(f"{nar}[nar]")
    if inputs.music is not None and music is not None:
        mus = f"[{inputs.music}:a]{_fmt(rate)},atrim=end_sample={n},volume={music.gain_db:g}dB"
        if music.fade_out_sec > 0:
            fade = min(music.fade_out_sec, seconds)
            mus += f",afade=t=out:st={seconds - fade:.6f}:d={fade:.6f}"
        if inputs.narration is not None and music.duck:
            # sidechaincompress gives different samples run to run unless both inputs arrive in
            # fixed-size frames (measured); asetnsamples pins the framing.
            chains.append(f"[nar]asplit=2[nar_mix][nar_key0];[nar_key0]{FRAMING}[nar_key]")
            chains.append(f"{mus},{FRAMING}[mus0]")
            chains.append(f"[mus0][nar_key]sidechaincompress={DUCK}[mus]")
            nar = "[nar_mix]"
        else:
            chains.append(f"{mus}[mus]")
            nar = "[nar]"
        if inputs.narration is not None:
            chains.append(f"{nar}[mus]amix=inputs=2:duration=first:dropout_transition=0:normalize=0[mix]")
        else:
            chains.append("[mus]anull[mix]")
    else:
        chains.append("[nar]anull[mix]")
    # loudnorm works at 192 kHz internally; bring it back to the output rate and the exact length.
    normalize = "" if (bed and inputs.narration is not None) else \
        f"{loudnorm_filter(spec, loudnorm, measure=measure)},{_fmt(rate)}"
    chains.append(f"[mix]{normalize or 'anull'}{limiter},apad=whole_len={n},atrim=end_sample={n}[{out_label}]")
    return chains
