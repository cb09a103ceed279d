"""The audio half of the filter graph: narration (gain to the loudness target) + music (looped, ducked,
faded) -> limiter.

Shared by the main render and by the cheap loudness-measuring pass, so both hear the same mix. The measuring
pass sends the audio to the meter (media/bs1770.py) from where the mix applies its gain; the mix then
applies one linear gain (target - measured) and the sample-peak limiter holds the true-peak ceiling.
ffmpeg's loudnorm did the same job in two passes at 192 kHz and fell back to its dynamic (AGC) mode
whenever one linear gain would pass the ceiling, which for speech is nearly always: 7.8 CPU-s of a 60 s
short against 3.5 then, landing within 0.1 LU of the same target with the same true peak (measured on the
bench short).
"""

from __future__ import annotations

from dataclasses import dataclass

from reelforge.models.render_spec import RenderSpec

# Ducking: music drops ~10 dB under speech, recovers over ~0.4 s. Threshold is on the narration key.
DUCK = "threshold=0.025:ratio=8:attack=15:release=400:knee=4"
FRAMING = "asetnsamples=n=1024:p=1"
# A sample-peak limiter this far under the true-peak ceiling, at the output rate, keeps the AAC file under
# the ceiling (AAC overshoots sample peaks; measured -1.5 dBTP in the mp4 for a -1.0 ceiling).
LIMIT_MARGIN_DB = 0.6
# The limiter takes about a tenth of a LU off speech gained to -14 LUFS (measured -14.1 on the bench
# narration); the gain aims this much higher so the file lands on the target.
LIMITER_LOSS_LU = 0.1
# ebur128 reports -70 LUFS (its gate) for digital silence: nothing to scale.
SILENCE_LUFS = -69.0
# What the measuring pass puts where the mix applies its gain: nothing, the audio goes out to the meter there.
MEASURE_FILTER = "anull"


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


def gain_db(spec: RenderSpec, measured: dict[str, float] | None) -> float:
    """The one linear gain that brings the measured loudness to the spec's target (0 without a measurement
    or for silence), plus the ``correctionDb`` compose/audio_mix.py adds when the limiter took more."""
    if not measured:
        return 0.0
    lufs = float(measured["integratedLufs"])
    if lufs <= SILENCE_LUFS:
        return 0.0
    return round(spec.audio.target_lufs + LIMITER_LOSS_LU - lufs + float(measured.get("correctionDb", 0.0)), 2)


def _normalize(spec: RenderSpec, measured: dict[str, float] | None, measure: bool) -> str:
    return MEASURE_FILTER if measure else f"volume={gain_db(spec, measured):.2f}dB"


def audio_graph(spec: RenderSpec, inputs: AudioInputs, *, measured: dict[str, float] | None,
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
            # Under a bed the speech alone is brought to the target and the bed laid under it at its fixed
            # gain, so the bed stays where music.gainDb puts it (an AGC over the whole mix, as loudnorm's
            # dynamic mode was, lifted it between sentences to 2.5 LU under the speech, measured).
            nar += f",{_normalize(spec, measured, measure)}"
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
    if bed and inputs.narration is not None:
        normalize = "anull"
    else:
        normalize = _normalize(spec, measured, measure)
        if measure:
            return [*chains, f"[mix]{normalize}[{out_label}]"]
    chains.append(f"[mix]{normalize}{limiter},apad=whole_len={n},atrim=end_sample={n}[{out_label}]")
    return chains
