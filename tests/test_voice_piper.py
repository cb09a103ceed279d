from __future__ import annotations

import wave
from pathlib import Path

import pytest

from reelforge.errors import InvalidInputError
from reelforge.providers.voice.base import PhonemizingVoice, VoiceProvider
from reelforge.providers.voice.piper import PiperProvider
from reelforge.providers.voice.registry import resolve_profile

TEXT = "Hello there. This is a short test."


def _joe(variation: bool = False) -> PiperProvider:
    profile = resolve_profile("joe")
    assert profile is not None
    return PiperProvider(profile, variation=variation)


def test_piper_is_a_voice_provider_and_available() -> None:
    provider = _joe()
    assert isinstance(provider, VoiceProvider)
    assert isinstance(provider, PhonemizingVoice)
    assert provider.available().ok


def test_synthesis_writes_16bit_mono_at_the_voice_rate_with_alignments(tmp_path: Path) -> None:
    out = tmp_path / "a.wav"
    result = _joe().synthesize(TEXT, out, speed=1.0)
    with wave.open(str(out), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
        assert wav.getnframes() / 22050 == pytest.approx(result.duration_sec)
    assert 1.0 < result.duration_sec < 4.0
    assert result.alignments is not None
    assert result.alignments[0].start_sec == 0.0
    assert result.alignments[-1].end_sec == pytest.approx(result.duration_sec, abs=1e-6)
    assert all(a.end_sec >= a.start_sec for a in result.alignments)
    assert result.params["noiseScale"] == 0.0 and result.params["variation"] is False
    assert len(result.params["modelSha256"]) == 64


def test_default_synthesis_is_deterministic(tmp_path: Path) -> None:
    provider = _joe()
    provider.synthesize(TEXT, tmp_path / "1.wav", speed=1.0)
    provider.synthesize(TEXT, tmp_path / "2.wav", speed=1.0)
    assert (tmp_path / "1.wav").read_bytes() == (tmp_path / "2.wav").read_bytes()


def test_variation_restores_the_voice_noise_and_records_it() -> None:
    params = _joe(variation=True).params(1.0)
    assert params["variation"] is True
    assert params["noiseScale"] == pytest.approx(0.667)
    assert params["noiseWScale"] == pytest.approx(0.8)


def test_slower_speed_makes_longer_speech(tmp_path: Path) -> None:
    provider = _joe()
    normal = provider.synthesize(TEXT, tmp_path / "n.wav", speed=1.0)
    slow = provider.synthesize(TEXT, tmp_path / "s.wav", speed=0.75)
    assert slow.duration_sec == pytest.approx(normal.duration_sec / 0.75, rel=0.1)
    assert slow.params["lengthScale"] == pytest.approx(1 / 0.75, rel=1e-4)


@pytest.mark.parametrize("speed", [0.2, 3.0])
def test_speed_out_of_range_is_invalid_input(tmp_path: Path, speed: float) -> None:
    with pytest.raises(InvalidInputError) as caught:
        _joe().synthesize(TEXT, tmp_path / "x.wav", speed=speed)
    assert "--speed" in caught.value.hint
