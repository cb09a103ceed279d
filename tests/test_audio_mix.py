"""compose/audio_mix.py on real ffmpeg: speech-like audio with a high crest factor loses loudness in the
limiter once gained to the target; the mix corrects its gain and lands on the target."""

from __future__ import annotations

from pathlib import Path

import imageio_ffmpeg
import numpy as np

from reelforge.compose.audio_mix import TOLERANCE_LU, mix_to_target
from reelforge.compose.loudness import measure_output
from reelforge.compose.processes import ProcessGroup
from reelforge.models.render_spec import RenderSpec
from reelforge.providers.voice.wavio import write_wav
from tests.test_compose_args import spec_dict


def _peaky_narration(path: Path, seconds: float = 15.0, rate: int = 22050) -> None:
    """A quiet tone under loud 4 ms bursts: ~20 dB from true peak to loudness (Piper speech is 15-17)."""
    t = np.arange(int(seconds * rate)) / rate
    x = 0.06 * np.sin(2 * np.pi * 220 * t)
    burst = int(0.004 * rate)
    for start in range(0, len(x) - burst, int(0.2 * rate)):
        x[start:start + burst] = 0.6 * np.sin(2 * np.pi * 1000 * t[:burst])
    write_wav(path, (x * 32767).astype(np.int16), rate)


def test_a_mix_the_limiter_pulled_down_is_gained_again_to_the_target(tmp_path: Path) -> None:
    (tmp_path / "audio").mkdir()
    _peaky_narration(tmp_path / "audio" / "narration.wav")
    data = spec_dict(durationInFrames=450)
    data["audio"] = {"narration": {"src": "audio/narration.wav", "sha256": "0" * 64}}
    spec = RenderSpec.model_validate(data)
    group = ProcessGroup()
    out = tmp_path / "audio.mp4"
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    measured = mix_to_target(spec, tmp_path, out, ffmpeg, group)
    loud = measure_output(out, ffmpeg, group)
    assert measured is not None
    assert measured["correctionDb"] > TOLERANCE_LU, "one gain from the measurement alone fell short"
    assert abs(loud.integrated_lufs - spec.audio.target_lufs) <= TOLERANCE_LU + 0.05
    assert loud.true_peak_db <= spec.audio.true_peak_db
    first = out.read_bytes()
    mix_to_target(spec, tmp_path, out, ffmpeg, group)
    assert out.read_bytes() == first  # the correction is a function of the inputs: same bytes again


def test_under_a_music_bed_the_speech_alone_is_corrected(tmp_path: Path) -> None:
    (tmp_path / "audio").mkdir()
    _peaky_narration(tmp_path / "audio" / "narration.wav")
    _peaky_narration(tmp_path / "audio" / "music.wav")
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    corrections = []
    for bed_gain in (-15, -30):  # how loud the bed is must not move the speech's gain
        data = spec_dict(durationInFrames=450)
        data["audio"] = {"narration": {"src": "audio/narration.wav", "sha256": "0" * 64},
                         "music": {"src": "audio/music.wav", "sha256": "0" * 64, "gainDb": bed_gain}}
        spec = RenderSpec.model_validate(data)
        measured = mix_to_target(spec, tmp_path, tmp_path / "audio.mp4", ffmpeg, ProcessGroup())
        assert measured is not None
        corrections.append(measured["correctionDb"])
        loud = measure_output(tmp_path / "audio.mp4", ffmpeg, ProcessGroup())
        assert loud.true_peak_db <= spec.audio.true_peak_db
        # the speech lands on the target; the bed under it adds a little, never takes away
        assert spec.audio.target_lufs - TOLERANCE_LU - 0.05 <= loud.integrated_lufs <= spec.audio.target_lufs + 1.0
    assert corrections[0] == corrections[1] > TOLERANCE_LU
