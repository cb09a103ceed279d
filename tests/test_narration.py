from __future__ import annotations

import dataclasses
import wave
from pathlib import Path

import numpy as np
import pytest

from reelforge.errors import EXIT_NOT_FOUND, NotFoundError
from reelforge.models import Script, Timing
from reelforge.pipeline.narration import narrate
from reelforge.pipeline.pacing import DEFAULT_BREATH_SEC, FIRST_LEAD_IN_SEC, SPEECH_PAD_SEC
from reelforge.providers.timing.words import script_words
from reelforge.providers.voice.base import Availability, Synthesis
from reelforge.providers.voice.piper import PiperProvider
from reelforge.providers.voice.registry import resolve_profile
from reelforge.providers.voice.wavio import read_wav, speech_bounds

FPS = 30


def _script(locale: str = "en-US") -> Script:
    return Script.model_validate({
        "schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": locale, "title": "Test",
        "scenes": [
            {"id": "hook", "durationSec": 1.0, "narration": "The state-of-the-art tool is 3.5 times faster."},
            {"id": "quiet", "durationSec": 1.5, "narration": ""},
            {"id": "close", "durationSec": 8.0, "narration": "Don't wait. Try one of the demos in the U.S. today!"},
        ]})


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def _check_invariants(timing: Timing, script: Script) -> None:
    for scene, seg in zip(script.scenes, timing.segments, strict=True):
        assert seg.scene_id == scene.id
        frames = (seg.end_sec - seg.start_sec) * FPS
        assert frames == pytest.approx(round(frames), abs=1e-4), "scene length is whole frames"
        assert seg.end_sec - seg.start_sec >= scene.duration_sec - 1e-6, "durationSec is a minimum"
        assert [w.t for w in seg.words] == script_words(scene.narration), "every word, in order"
        prev = seg.start_sec
        for w in seg.words:
            assert prev <= w.start_sec < w.end_sec <= seg.end_sec
            prev = w.end_sec
        if seg.words and seg.speech_start_sec is not None and seg.speech_end_sec is not None:
            assert seg.speech_start_sec <= seg.words[0].start_sec
            assert seg.words[-1].end_sec <= seg.speech_end_sec
    starts = [s.start_sec for s in timing.segments]
    assert starts == sorted(starts) and starts[0] == 0.0
    assert timing.total_sec == pytest.approx(timing.segments[-1].end_sec)
    Timing.model_validate(timing.to_json_dict())  # round-trips through the JSON contract


def test_narrate_writes_scene_wavs_and_a_timeline_that_follows_the_speech(tmp_path: Path) -> None:
    script = _script()
    result = narrate(script, tmp_path, fps=FPS)
    timing = result.timing
    assert timing.source == "tts-native" and result.path_taken == "real" and result.warnings == []
    assert timing.audio == "audio/narration.wav" and timing.voice == "joe"
    assert result.files == ["audio/narration-01.wav", "audio/narration-03.wav", "audio/narration.wav"]
    assert not (tmp_path / "audio/narration-02.wav").exists()
    _check_invariants(timing, script)

    hook, quiet, close = timing.segments
    lo, hi = speech_bounds(*read_wav(tmp_path / "audio/narration-01.wav"))
    assert 0 <= lo < hi <= _wav_seconds(tmp_path / "audio/narration-01.wav")
    assert hook.audio == "audio/narration-01.wav"
    assert hook.speech_start_sec == pytest.approx(FIRST_LEAD_IN_SEC)
    assert hook.speech_end_sec == pytest.approx(FIRST_LEAD_IN_SEC + hi - lo, abs=1e-5)
    # the script asked for 1 s, the speech needs more: the scene grows to speech + breath, never cuts speech
    assert hook.end_sec == pytest.approx(np.ceil((FIRST_LEAD_IN_SEC + hi - lo + DEFAULT_BREATH_SEC) * FPS) / FPS)
    assert quiet.audio is None and quiet.words == [] and quiet.end_sec - quiet.start_sec == pytest.approx(1.5)
    assert close.end_sec - close.start_sec == pytest.approx(8.0)  # long enough already

    track, rate = read_wav(tmp_path / "audio/narration.wav")
    assert rate == 48000 and track.shape == (round(timing.total_sec * 48000), 2)
    loud = np.flatnonzero(np.abs(track[:, 0].astype(np.int32)) > 300)
    assert loud[0] / rate >= FIRST_LEAD_IN_SEC - SPEECH_PAD_SEC
    in_quiet = track[round(quiet.start_sec * rate): round(quiet.end_sec * rate)]
    assert not in_quiet.any(), "silence where no one speaks"
    assert result.params["modelSha256"] and result.params["noiseScale"] == 0.0
    assert result.params["timingSources"] == {"hook": "tts-native", "close": "tts-native"}
    assert set(result.seconds) == {"synthesis", "timing", "mix"}
    assert result.stage_record().path_taken == "real"


def test_voice_none_is_silent_with_estimated_timing(tmp_path: Path) -> None:
    script = _script()
    result = narrate(script, tmp_path, voice="none", fps=FPS)
    assert result.timing.audio == "" and result.timing.source == "estimated" and result.timing.voice is None
    assert result.path_taken == "fallback" and "voice none: silent video" in result.warnings
    assert result.files == [] and not (tmp_path / "audio").exists()
    _check_invariants(result.timing, script)


def test_a_locale_without_a_voice_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    script = _script(locale="de-DE")
    with pytest.raises(NotFoundError) as caught:
        narrate(script, tmp_path)
    assert caught.value.exit_code == EXIT_NOT_FOUND
    assert "--voice" in caught.value.hint
    assert not (tmp_path / "audio").exists()
    assert narrate(script, tmp_path, voice="none").timing.source == "estimated"


class _NoAlignments:
    """A voice that speaks but gives no phoneme alignments (like most hosted TTS)."""

    def __init__(self) -> None:
        profile = resolve_profile("joe")
        assert profile is not None
        self._inner = PiperProvider(profile)

    @property
    def id(self) -> str:
        return "plain-voice"

    def available(self) -> Availability:
        return Availability(True)

    def synthesize(self, text: str, out_wav: Path, *, speed: float) -> Synthesis:
        return dataclasses.replace(self._inner.synthesize(text, out_wav, speed=speed), alignments=None)


@pytest.mark.slow
def test_without_alignments_timing_falls_back_to_stt(tmp_path: Path) -> None:
    script = _script()
    result = narrate(script, tmp_path, provider=_NoAlignments(), fps=FPS)
    assert result.timing.source == "stt" and result.path_taken == "fallback"
    assert result.providers == {"voice": "plain-voice", "timing": "faster-whisper:tiny.en"}
    assert any("used stt" in w for w in result.warnings)
    _check_invariants(result.timing, script)


def test_narration_is_byte_identical_on_a_rerun(tmp_path: Path) -> None:
    script = _script()
    first = narrate(script, tmp_path / "a", fps=FPS)
    second = narrate(script, tmp_path / "b", fps=FPS)
    assert first.timing == second.timing
    for rel in first.files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_the_voice_engine_is_chosen_through_the_provider_registry(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile names its engine; narration builds it from the registry row, and an engine with no row is
    refused (exit 4, naming the registered voice providers) before any audio is written."""
    from reelforge.errors import InvalidInputError
    from reelforge.providers import registry as providers
    from reelforge.providers.voice import registry as voices

    joe = resolve_profile("joe")
    assert joe is not None and joe.engine == "piper"
    built = providers.create("voice", joe.engine, profile=joe)
    assert isinstance(built, PiperProvider) and built.profile is joe
    alien = dataclasses.replace(joe, id="alien", engine="espeak-ng")
    monkeypatch.setitem(voices._PROFILES, "alien", lambda: alien)
    with pytest.raises(InvalidInputError) as caught:
        narrate(_script(), tmp_path, voice="alien")
    assert caught.value.exit_code == 4 and "espeak-ng" in caught.value.message and "piper" in caught.value.hint
    assert not (tmp_path / "audio").exists()
