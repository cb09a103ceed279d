"""ElevenLabs through the production adapter (the official SDK) against a loopback fake of its documented API:
audio decoded, tts-native timing from the character alignment, cost recorded, the cache, and every failure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reelforge.errors import EXIT_INVALID_INPUT, EXIT_NOT_FOUND, EXIT_PROVIDER, ReelforgeError
from reelforge.models import Script
from reelforge.pipeline.narration import narrate
from reelforge.providers.timing.words import script_words
from reelforge.providers.voice import elevenlabs
from reelforge.providers.voice.base import VoiceOptions
from reelforge.providers.voice.elevenlabs import ElevenLabsVoice
from reelforge.providers.voice.registry import resolve_profile
from reelforge.providers.voice.wavio import read_wav
from tests.fakes.elevenlabs_server import ElevenLabsFake

FAST = VoiceOptions(retry_attempts=3, retry_base_s=0.01, retry_cap_s=0.05)


@pytest.fixture
def fake(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ElevenLabsFake]:
    elevenlabs._VOICE_LISTS.clear()
    with ElevenLabsFake() as server:
        monkeypatch.setenv("ELEVENLABS_API_KEY", server.key)
        monkeypatch.setenv("REELFORGE_ELEVENLABS_BASE_URL", server.base)
        monkeypatch.setenv("REELFORGE_RETRY_BASE_S", "0.01")
        yield server


def script(locale: str, *lines: str) -> Script:
    return Script.model_validate({
        "schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": locale, "title": "T",
        "scenes": [{"id": f"s{i}", "durationSec": 1.0, "narration": line} for i, line in enumerate(lines, 1)]})


def test_synthesis_decodes_the_mp3_and_keeps_one_span_per_character(fake: ElevenLabsFake, tmp_path: Path) -> None:
    profile = resolve_profile("elevenlabs:Rachel", FAST)
    assert profile is not None
    voice = ElevenLabsVoice(profile, options=FAST)
    text = "Sleep well tonight."
    result = voice.synthesize(text, tmp_path / "a.wav", speed=1.0)
    samples, rate = read_wav(result.wav_path)
    assert rate == 44100 and samples.ndim == 1 and len(samples) / rate == pytest.approx(result.duration_sec)
    assert result.duration_sec > 1.2 and abs(samples.astype(int)).max() > 5000, "real audio, not silence"
    assert result.text_spans is not None and "".join(s.text for s in result.text_spans) == text
    request = fake.requests[-1]
    assert request["voice_id"] == "21m00Tcm4TlvDq8ikWAM", "the name was looked up in GET /v1/voices"
    assert request["model_id"] == "eleven_multilingual_v2" and "output_format=mp3_44100_128" in request["query"]
    assert request["voice_settings"]["stability"] == 0.5 and request["voice_settings"]["similarity_boost"] == 0.75
    assert result.params["voiceId"] == "21m00Tcm4TlvDq8ikWAM" and result.params["voiceSettings"]["stability"] == 0.5
    assert result.usd == pytest.approx(len(text) * 0.10 / 1000)


def test_narration_is_tts_native_from_the_character_alignment(fake: ElevenLabsFake, tmp_path: Path) -> None:
    s = script("en-US", "Sleep well tonight, friend.", "Put the phone away.")
    result = narrate(s, tmp_path, voice="elevenlabs:Rachel", options=FAST)
    assert result.timing.source == "tts-native" and result.path_taken == "real"
    assert result.providers == {"voice": "elevenlabs", "timing": "elevenlabs-alignment"}
    chars = sum(len(sc.narration) for sc in s.scenes)
    assert result.params["usd"] == pytest.approx(chars * 0.10 / 1000)
    assert result.params["model"] == "eleven_multilingual_v2"
    for scene, seg in zip(s.scenes, result.timing.segments, strict=True):
        assert [w.t for w in seg.words] == script_words(scene.narration)
    # the fake's letters last 70 ms: "Sleep" (5 letters) ~0.35 s, "well" ~0.28 s
    first = result.timing.segments[0].words
    assert first[0].end_sec - first[0].start_sec == pytest.approx(0.35, abs=0.06)
    assert first[1].end_sec - first[1].start_sec == pytest.approx(0.28, abs=0.06)


def test_korean_and_japanese_map_characters_to_caption_words(fake: ElevenLabsFake, tmp_path: Path) -> None:
    ko = narrate(script("ko-KR", "오늘 밤은 잠을 잘 자요."), tmp_path / "ko", voice="elevenlabs:Matilda",
                 options=FAST)
    assert ko.timing.source == "tts-native"
    assert [w.t for w in ko.timing.segments[0].words] == ["오늘", "밤은", "잠을", "잘", "자요."]
    ja = narrate(script("ja-JP", "寝る前に画面を消そう。"), tmp_path / "ja", voice="elevenlabs:Matilda",
                 options=FAST)
    assert ja.timing.source == "tts-native"
    words = ja.timing.segments[0].words
    assert "".join(w.t for w in words) == "寝る前に画面を消そう。"
    # each character lasts 160 ms in the fake's audio: the timing follows it, not an even spread
    assert all(w.end_sec - w.start_sec == pytest.approx(0.16, abs=0.03) for w in words[:-1])


def test_the_locale_check_covers_hosted_voices(fake: ElevenLabsFake, tmp_path: Path) -> None:
    flash_en = VoiceOptions(model="eleven_flash_v2")  # an English-only model
    with pytest.raises(ReelforgeError) as err:
        narrate(script("ko-KR", "잠을 잘 자요."), tmp_path, voice="elevenlabs:Rachel", options=flash_en)
    assert err.value.exit_code == EXIT_NOT_FOUND and fake.submits == 0


def test_a_missing_or_refused_key_is_exit_5_naming_the_variable(fake: ElevenLabsFake, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fake.script.append("401")
    with pytest.raises(ReelforgeError) as err:
        narrate(script("en-US", "Hello there."), tmp_path, voice="elevenlabs:21m00Tcm4TlvDq8ikWAM", options=FAST)
    assert err.value.exit_code == EXIT_PROVIDER and "ELEVENLABS_API_KEY" in err.value.message
    assert fake.key not in str(err.value.to_dict() if hasattr(err.value, "to_dict") else err.value)
    assert fake.submits == 0 and fake.received == 1, "a refused key is not retried, nor read by another voice"
    monkeypatch.delenv("ELEVENLABS_API_KEY")
    with pytest.raises(ReelforgeError) as err:
        narrate(script("en-US", "Hello there."), tmp_path, voice="elevenlabs:21m00Tcm4TlvDq8ikWAM", options=FAST)
    assert err.value.exit_code == EXIT_PROVIDER and "ELEVENLABS_API_KEY is not set" in err.value.message


def test_429_and_5xx_are_retried_then_succeed(fake: ElevenLabsFake, tmp_path: Path) -> None:
    fake.script.extend(["429", "500"])
    result = narrate(script("en-US", "Hello there."), tmp_path, voice="elevenlabs:21m00Tcm4TlvDq8ikWAM",
                     options=FAST)
    assert result.path_taken == "real" and fake.received == 3 and fake.submits == 1
    retried = [w for w in result.warnings if "retried" in w]
    assert len(retried) == 2 and "429" in retried[0] and "500" in retried[1]


def test_a_vendor_that_keeps_failing_falls_back_to_the_key_free_voice_when_the_locale_allows(
        fake: ElevenLabsFake, tmp_path: Path) -> None:
    fake.script.extend(["500"] * 3)
    result = narrate(script("en-US", "Hello there."), tmp_path, voice="elevenlabs:21m00Tcm4TlvDq8ikWAM",
                     options=FAST)
    assert result.path_taken == "fallback" and result.providers["voice"] == "piper"
    assert result.params["voiceFallback"] is True and result.params["engine"] == "piper"
    assert any("failed" in w and "key-free voice joe" in w for w in result.warnings)


def test_a_failing_vendor_stops_a_korean_run_rather_than_read_it_in_english(fake: ElevenLabsFake,
                                                                            tmp_path: Path) -> None:
    fake.script.extend(["500"] * 3)
    with pytest.raises(ReelforgeError) as err:
        narrate(script("ko-KR", "잠을 잘 자요."), tmp_path, voice="elevenlabs:21m00Tcm4TlvDq8ikWAM", options=FAST)
    assert err.value.exit_code == EXIT_PROVIDER and "HTTP 500" in err.value.message
    assert "No key-free voice speaks ko-KR" in (err.value.hint or "")
    assert not (tmp_path / "audio" / "narration.wav").exists()


def test_an_unknown_voice_is_exit_4_with_close_matches(fake: ElevenLabsFake, tmp_path: Path) -> None:
    with pytest.raises(ReelforgeError) as err:
        narrate(script("en-US", "Hello."), tmp_path, voice="elevenlabs:Rachle", options=FAST)
    assert err.value.exit_code == EXIT_INVALID_INPUT and "Rachel" in err.value.message
    with pytest.raises(ReelforgeError) as err:  # a well-formed id the account does not have: the vendor's 404
        narrate(script("en-US", "Hello."), tmp_path, voice="elevenlabs:AAAAAAAAAAAAAAAAAAAA", options=FAST)
    assert err.value.exit_code == EXIT_INVALID_INPUT and "did you mean" not in err.value.message
    assert fake.submits == 1, "the 404 voice_not_found was not retried"


def test_a_malformed_answer_is_a_provider_error_not_a_crash(fake: ElevenLabsFake, tmp_path: Path) -> None:
    profile = resolve_profile("elevenlabs:21m00Tcm4TlvDq8ikWAM", FAST)
    assert profile is not None
    fake.script.append("malformed")
    with pytest.raises(ReelforgeError) as err:
        ElevenLabsVoice(profile, options=FAST).synthesize("Hello.", tmp_path / "a.wav", speed=1.0)
    assert err.value.exit_code == EXIT_PROVIDER and "could not read" in err.value.message
    assert not (tmp_path / "a.wav").exists()
