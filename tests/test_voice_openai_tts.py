"""OpenAI speech through the production adapter (the official SDK) against a loopback fake of POST
/v1/audio/speech that answers Piper's real speech: audio decoded, timing from the STT chain, cost, failures."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelforge.errors import EXIT_INVALID_INPUT, EXIT_PROVIDER, ReelforgeError
from reelforge.models import Script
from reelforge.pipeline.narration import narrate
from reelforge.providers.voice.base import VoiceOptions
from reelforge.providers.voice.openai_tts import OpenAISpeech
from reelforge.providers.voice.registry import resolve_profile
from reelforge.providers.voice.wavio import read_wav
from tests.fakes.openai_speech_server import OpenAISpeechFake

FAST = VoiceOptions(retry_attempts=3, retry_base_s=0.01, retry_cap_s=0.05)


@pytest.fixture
def fake(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAISpeechFake]:
    with OpenAISpeechFake() as server:
        monkeypatch.setenv("OPENAI_API_KEY", server.key)
        monkeypatch.setenv("REELFORGE_OPENAI_BASE_URL", server.base + "/v1")
        yield server


def script(locale: str, *lines: str) -> Script:
    return Script.model_validate({
        "schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": locale, "title": "T",
        "scenes": [{"id": f"s{i}", "durationSec": 1.0, "narration": line} for i, line in enumerate(lines, 1)]})


def test_speech_is_decoded_and_the_request_is_what_the_api_documents(fake: OpenAISpeechFake, tmp_path: Path) -> None:
    options = VoiceOptions(model="tts-1")
    profile = resolve_profile("openai:alloy", options)
    assert profile is not None
    result = OpenAISpeech(profile, options=options).synthesize("Good night.", tmp_path / "a.wav", speed=1.25)
    samples, rate = read_wav(result.wav_path)
    assert rate == 22050 and result.duration_sec > 0.5 and abs(samples.astype(int)).max() > 3000
    assert result.text_spans is None and result.alignments is None, "OpenAI returns no timing"
    request = fake.requests[-1]
    assert request == {"path": "/v1/audio/speech", "model": "tts-1", "voice": "alloy", "input": "Good night.",
                       "response_format": "wav", "speed": 1.25}
    assert result.usd == pytest.approx(len("Good night.") * 0.015 / 1000)
    assert "input" not in result.params and result.params["model"] == "tts-1"


def test_gpt_4o_mini_tts_gets_speed_as_an_instruction(fake: OpenAISpeechFake, tmp_path: Path) -> None:
    profile = resolve_profile("openai:coral")
    assert profile is not None
    OpenAISpeech(profile).synthesize("Hi.", tmp_path / "a.wav", speed=1.2)
    request = fake.requests[-1]
    assert request["model"] == "gpt-4o-mini-tts" and "speed" not in request
    assert "1.2 times faster" in request["instructions"]


def test_narration_is_timed_by_the_stt_chain(fake: OpenAISpeechFake, tmp_path: Path) -> None:
    s = script("en-US", "Put the phone away an hour before bed.")
    result = narrate(s, tmp_path, voice="openai:alloy", options=FAST)
    assert result.timing.source == "stt" and result.providers == {"voice": "openai",
                                                                  "timing": "faster-whisper:tiny.en"}
    assert result.path_taken == "fallback", "timing fell back from tts-native, and the manifest says so"
    assert result.params["usd"] == pytest.approx(len(s.scenes[0].narration) * 0.015 / 1000)
    words = result.timing.segments[0].words
    assert len(words) == 8 and all(b.start_sec >= a.end_sec for a, b in itertools.pairwise(words))


def test_korean_through_openai_is_estimated_without_a_multilingual_stt_model(fake: OpenAISpeechFake,
                                                                          tmp_path: Path) -> None:
    result = narrate(script("ko-KR", "잠을 잘 자요."), tmp_path, voice="openai:nova", options=FAST)
    assert result.timing.source == "estimated"
    assert any("set stt_model" in w for w in result.warnings)


def test_failures(fake: OpenAISpeechFake, tmp_path: Path) -> None:
    fake.script.append("401")
    with pytest.raises(ReelforgeError) as err:
        narrate(script("en-US", "Hi."), tmp_path, voice="openai:alloy", options=FAST)
    assert err.value.exit_code == EXIT_PROVIDER and "OPENAI_API_KEY" in err.value.message
    assert fake.received == 1

    fake.script.extend(["429", "500"])
    result = narrate(script("en-US", "Hi there."), tmp_path, voice="openai:alloy", options=FAST)
    assert result.providers["voice"] == "openai" and fake.submits == 1 and fake.received == 4
    assert next(w for w in result.warnings if "retried" in w).count("429") == 1

    fake.script.extend(["500"] * 3)
    result = narrate(script("en-US", "Hi there."), tmp_path, voice="openai:alloy", options=FAST)
    assert result.providers["voice"] == "piper" and result.params["voiceFallback"] is True

    before = fake.received
    with pytest.raises(ReelforgeError) as err:
        narrate(script("en-US", "Hi."), tmp_path, voice="openai:alloi", options=FAST)
    assert err.value.exit_code == EXIT_INVALID_INPUT and "did you mean alloy" in err.value.message
    assert fake.received == before, "an unknown OpenAI voice is refused before any call"


def test_a_user_supplied_multilingual_stt_model_times_korean_speech(fake: OpenAISpeechFake, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The STT rung for a language the bundled tiny.en cannot hear: the user's model folder is named, the
    language is passed to whisper, and Korean words are aligned letter by letter. No multilingual model ships
    offline, so whisper's answer is given here; everything after it is the production path."""
    from reelforge.providers.timing import stt

    model = tmp_path / "whisper-small"
    model.mkdir()
    (model / "model.bin").write_bytes(b"\0")
    assert not stt.available("ko").ok and stt.available("ko", model).ok
    english_only = tmp_path / "tiny.en"
    english_only.mkdir()
    (english_only / "model.bin").write_bytes(b"\0")
    assert "English-only" in stt.available("ko", english_only).reason
    asked: list[tuple[str, Path | None]] = []

    def transcribe(wav: Path, language: str = "en", model: Path | None = None) -> list[tuple[str, float, float]]:
        asked.append((language, model))
        return [(" 잠을", 0.2, 0.5), (" 잘", 0.6, 0.8), (" 자요", 0.9, 1.3)]

    monkeypatch.setattr(stt, "transcribe", transcribe)
    result = narrate(script("ko-KR", "잠을 잘 자요."), tmp_path / "run", voice="openai:nova", options=FAST,
                     stt_model=model)
    assert asked == [("ko", model)]
    assert result.timing.source == "stt" and result.providers["timing"] == "faster-whisper:whisper-small"
    words = result.timing.segments[0].words
    assert [w.t for w in words] == ["잠을", "잘", "자요."]
    assert words[1].end_sec - words[1].start_sec == pytest.approx(0.2, abs=0.01)
