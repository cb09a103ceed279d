"""The audio mix brought to the loudness target: measure the speech, try the gain on the mixed (not yet
encoded) audio, correct it when the limiter took more than expected, then encode the mix once.

Speech with a high crest factor (peaks far above its loudness) loses up to ~1 LU in the limiter once it is
gained to the target (measured: -15.0 LUFS for -14 on a Piper narration with 17 dB between true peak and
loudness), so the gain is corrected: the miss over FIRST_SLOPE at first (the limiter takes part of every added dB), then
the secant through the last two tries, at most three times. A try runs the mix's filters into the meter
(compose/loudness.py, ~0.2 CPU-s a minute of audio); only the kept gain is encoded to AAC (~1). Every step
is a function of the inputs alone, so the bytes stay reproducible.

Under a music bed the speech alone is normalized and the bed keeps its set gain under it (README, "music"):
there a try runs the speech alone through the gain and the limiter, so the bed's level is never traded for
the speech's (a Piper narration under a bed landed at -15.2 LUFS for -14 without it).
"""

from __future__ import annotations

from pathlib import Path

from reelforge.compose.audio_graph import SILENCE_LUFS
from reelforge.compose.ffmpeg_args import build_audio_args, build_mix_measure_args
from reelforge.compose.loudness import measure_loudness, pcm_loudness
from reelforge.compose.processes import ProcessGroup
from reelforge.models.render_spec import RenderSpec

TOLERANCE_LU = 0.3  # a mix this close to the target is kept
CORRECTIONS = 3
MIN_SLOPE = 0.2  # LU gained per dB added, at least (the limiter never takes it all)
# LU gained per dB added when a first try fell short: the limiter is taking part of it (measured 0.58 on
# Piper speech, the first try -15.2 LUFS for -14: +1.2 dB gave +0.7 LU), so a correction of miss/1 needs a
# third try where miss/0.6 lands in tolerance.
FIRST_SLOPE = 0.6
MAX_CORRECTION_DB = 6.0  # a miss larger than this is not the limiter's doing: leave it to the check


def mix_to_target(spec: RenderSpec, run_dir: Path, out: Path, ffmpeg: str, group: ProcessGroup
                  ) -> dict[str, float] | None:
    """Write the mix to ``out`` (AAC in mp4); return the measurement its gain came from (with any
    ``correctionDb``), None for a silent track."""
    measured = measure_loudness(spec, run_dir, ffmpeg, group)
    if measured is not None:
        measured = _corrected(spec, run_dir, ffmpeg, group, measured)
    group.run(build_audio_args(spec, run_dir, out, ffmpeg, measured=measured), what="the audio mix")
    return measured


def _mixed_lufs(spec: RenderSpec, run_dir: Path, ffmpeg: str, group: ProcessGroup,
                measured: dict[str, float]) -> float:
    argv = build_mix_measure_args(spec, run_dir, ffmpeg, measured=measured)
    return pcm_loudness(group, argv, "loudness of the mix")


def _corrected(spec: RenderSpec, run_dir: Path, ffmpeg: str, group: ProcessGroup, measured: dict[str, float]
               ) -> dict[str, float]:
    target = spec.audio.target_lufs
    tries = [(0.0, _mixed_lufs(spec, run_dir, ffmpeg, group, measured))]  # (correction dB, LUFS it gave)
    for _ in range(CORRECTIONS):
        miss = target - tries[-1][1]
        if tries[-1][1] <= SILENCE_LUFS or abs(miss) <= TOLERANCE_LU:
            break
        slope = FIRST_SLOPE if miss > 0 else 1.0  # too loud: the limiter took less, nothing in the way
        if len(tries) > 1:
            (c0, l0), (c1, l1) = tries[-2], tries[-1]
            slope = min(max((l1 - l0) / (c1 - c0), MIN_SLOPE), 1.0) if c1 != c0 else 1.0
        correction = round(min(max(tries[-1][0] + miss / slope, -MAX_CORRECTION_DB), MAX_CORRECTION_DB), 2)
        if correction == tries[-1][0]:
            break
        measured = {**measured, "correctionDb": correction}
        tries.append((correction, _mixed_lufs(spec, run_dir, ffmpeg, group, measured)))
    return measured
