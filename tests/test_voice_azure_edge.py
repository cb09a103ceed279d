"""Azure Speech and edge-tts against a loopback fake of Microsoft's speech websocket protocol: audio decoded,
word boundaries -> tts-native word times, cost recorded, 401/429/5xx, unknown voices."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from reelforge.errors import AuthRequiredError, InvalidInputError, ProviderCallError, ProviderUnavailableError
from reelforge.models import Script
from reelforge.pipeline.narration import narrate
from reelforge.pipeline.voice_calls import hosted_call
from reelforge.providers.timing.tts_native import word_times_from_text
from reelforge.providers.timing.words import script_words
from reelforge.providers.voice.azure import AzureVoice
from reelforge.providers.voice.base import VoiceOptions
from reelforge.providers.voice.edge import EdgeVoice
from reelforge.providers.voice.wavio import read_wav
from tests.fakes.ms_speech_server import MsSpeechFake

FAST = VoiceOptions(retry_attempts=4, retry_base_s=0.01, retry_cap_s=0.05)


@pytest.fixture
def azure(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MsSpeechFake]:
    with MsSpeechFake("azure") as fake:
        monkeypatch.setenv("AZURE_SPEECH_KEY", fake.key)
        monkeypatch.delenv("AZURE_SPEECH_REGION", raising=False)
        monkeypatch.setenv("REELFORGE_AZURE_BASE_URL", fake.base)
        yield fake


@pytest.fixture
def edge(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MsSpeechFake]:
    with MsSpeechFake("edge") as fake:
        monkeypatch.setenv("REELFORGE_EDGE_BASE_URL", fake.base)
        yield fake


def _rms(samples: np.ndarray, rate: int, start: float, end: float) -> float:
    part = samples[int(start * rate): int(end * rate)].astype(np.float64)
    return float(np.sqrt(np.mean(part ** 2))) if part.size else 0.0


def _voice(cls: type, name: str) -> AzureVoice | EdgeVoice:
    return cls(cls.profile_for(name, FAST), options=FAST)  # type: ignore[no-any-return]


def test_azure_audio_and_word_boundaries_time_the_script(azure: MsSpeechFake, workspace: Path) -> None:
    text = "Hello there, state-of-the-art world!"
    synthesis = _voice(AzureVoice, "en-US-JennyNeural").synthesize(text, workspace / "a.wav", speed=1.2)

    samples, rate = read_wav(synthesis.wav_path)
    assert rate == 24000 and synthesis.duration_sec == pytest.approx(len(samples) / rate) and len(samples) > rate
    spans = synthesis.text_spans or []
    assert [s.text for s in spans] == ["Hello", "there", "stateoftheart", "world"]
    for span in spans:  # the sound is where the boundaries say, silence before the first word
        assert _rms(samples, rate, span.start_sec + 0.02, span.end_sec - 0.02) > 3000
    assert _rms(samples, rate, 0.0, spans[0].start_sec - 0.01) < 50
    times = word_times_from_text(script_words(text), spans)
    assert times is not None and all(t is not None for t in times)
    assert times[0][0] == pytest.approx(0.12, abs=1e-3) and times[2][1] == pytest.approx(spans[2].end_sec, abs=1e-3)
    assert synthesis.timing_provider == "azure-word-boundaries"
    assert synthesis.usd == pytest.approx(len(text) * 0.015 / 1000)
    assert synthesis.params["characters"] == len(text) and synthesis.params["usdPer1kChars"] == 0.015

    sent = azure.messages[0]
    assert sent["paths"] == ["speech.config", "synthesis.context", "ssml"]
    audio = sent["configs"]["synthesis.context"]["synthesis"]["audio"]
    assert audio["metadataOptions"]["wordBoundaryEnabled"] is True
    assert sent["voice"] == "en-US-JennyNeural" and 'rate="+20%"' in sent["ssml"]
    assert azure.key not in str(synthesis.params)


def test_azure_refused_key_is_exit_5_naming_the_variable(azure: MsSpeechFake, workspace: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_SPEECH_KEY", "wrong-key-0000000000")
    with pytest.raises(AuthRequiredError) as caught:
        _voice(AzureVoice, "en-US-JennyNeural").synthesize("Hi there.", workspace / "a.wav", speed=1.0)
    assert caught.value.exit_code == 5 and "AZURE_SPEECH_KEY" in caught.value.message
    assert "wrong-key" not in caught.value.message + caught.value.hint
    assert not (workspace / "a.wav").exists()


def test_azure_401_on_the_synthesis_socket_is_exit_5(azure: MsSpeechFake, workspace: Path) -> None:
    voice = _voice(AzureVoice, "en-US-JennyNeural")
    voice.check_voice()  # the voice list is fetched (and kept) first
    azure.script.append("401")
    with pytest.raises(AuthRequiredError) as caught:
        voice.synthesize("Hi there.", workspace / "a.wav", speed=1.0)
    assert "AZURE_SPEECH_KEY" in caught.value.message and azure.syntheses == 0


def test_azure_429_and_500_are_retried_then_succeed(azure: MsSpeechFake, workspace: Path) -> None:
    voice = _voice(AzureVoice, "en-US-GuyNeural")
    voice.check_voice()
    azure.script.extend(["429", "500"])
    warnings: list[str] = []
    synthesis = hosted_call("azure", FAST, lambda: voice.synthesize("Hello again.", workspace / "b.wav", speed=1.0),
                            warnings, "scene s1: azure")
    assert synthesis.wav_path.is_file() and azure.syntheses == 1
    assert len(warnings) == 2 and "429" in warnings[0] and "500" in warnings[1]


def test_azure_5xx_every_time_gives_up_with_a_call_error(azure: MsSpeechFake, workspace: Path) -> None:
    voice = _voice(AzureVoice, "en-US-GuyNeural")
    voice.check_voice()
    azure.script.extend(["500"] * 4)
    with pytest.raises(ProviderCallError) as caught:
        hosted_call("azure", FAST, lambda: voice.synthesize("Hello.", workspace / "c.wav", speed=1.0), [], "x")
    assert caught.value.status == 500 and caught.value.exit_code == 5 and azure.handshakes >= 5


def test_azure_unknown_voice_is_exit_4_with_close_matches(azure: MsSpeechFake, workspace: Path) -> None:
    with pytest.raises(InvalidInputError) as caught:
        _voice(AzureVoice, "en-US-JenyNeural").synthesize("Hi.", workspace / "a.wav", speed=1.0)
    assert caught.value.exit_code == 4 and "en-US-JennyNeural" in caught.value.message
    assert azure.syntheses == 0
    with pytest.raises(InvalidInputError):
        AzureVoice.profile_for("Jenny", FAST)  # not a voice name at all: refused without the network


def test_azure_profile_and_voice_list(azure: MsSpeechFake, monkeypatch: pytest.MonkeyPatch) -> None:
    profile = AzureVoice.profile_for("ko-KR-SunHiNeural", FAST)
    assert profile.speaks("ko") and not profile.speaks("en") and not profile.offline
    listed = {v.voice: v for v in AzureVoice.list_voices(FAST)}
    assert listed["ja-JP-NanamiNeural"].locales == ("ja-JP",) and listed["en-US-GuyNeural"].gender == "male"
    assert listed["en-US-GuyNeural"].usd_per_1k_chars == 0.015 and AzureVoice.usd_per_1k_chars(FAST) == 0.015
    monkeypatch.delenv("AZURE_SPEECH_KEY")
    assert AzureVoice.list_voices(FAST) == []  # hosted lists only with the key
    assert not AzureVoice(profile, options=FAST).available().ok


def test_edge_mp3_and_boundaries_for_japanese(edge: MsSpeechFake, workspace: Path) -> None:
    text = "今日は いい天気ですね。"
    synthesis = _voice(EdgeVoice, "ja-JP-NanamiNeural").synthesize(text, workspace / "e.wav", speed=1.0)

    samples, rate = read_wav(synthesis.wav_path)
    assert rate == 24000 and len(samples) > rate  # decoded from the mp3 the service streamed
    spans = synthesis.text_spans or []
    assert [s.text for s in spans] == ["今日", "は", "いい", "天気", "です", "ね"]
    words = script_words(text)
    times = word_times_from_text(words, spans)
    assert times is not None and len(times) == len(words) == 10 and all(t is not None for t in times)
    assert times[0][1] <= times[1][0] + 1e-6  # 今 then 日 share the engine's word "今日"
    assert synthesis.timing_provider == "edge-word-boundaries" and synthesis.usd == 0.0
    assert "unofficial" in synthesis.params["service"]
    assert edge.messages[0]["paths"] == ["speech.config", "ssml"]
    config = edge.messages[0]["configs"]["speech.config"]["context"]["synthesis"]["audio"]
    assert config["metadataoptions"]["wordBoundaryEnabled"] == "true"
    assert "Sec-MS-GEC=" in edge.messages[0]["query"]  # the package's token, never written anywhere by us
    assert "Sec-MS-GEC" not in str(synthesis.params)


def test_edge_refused_and_retried(edge: MsSpeechFake, workspace: Path) -> None:
    voice = _voice(EdgeVoice, "en-US-GuyNeural")
    voice.check_voice()
    edge.script.append("401")
    with pytest.raises(ProviderUnavailableError) as caught:
        voice.synthesize("Hi.", workspace / "a.wav", speed=1.0)
    assert caught.value.exit_code == 5 and "unofficial" in caught.value.message
    edge.script.extend(["429", "500"])
    warnings: list[str] = []
    synthesis = hosted_call("edge", FAST, lambda: voice.synthesize("Hi.", workspace / "a.wav", speed=1.0),
                            warnings, "edge")
    assert synthesis.wav_path.is_file() and len(warnings) == 2


def test_edge_unknown_voice_and_listing(edge: MsSpeechFake, workspace: Path) -> None:
    with pytest.raises(InvalidInputError) as caught:
        _voice(EdgeVoice, "ko-KR-SunhiNeural").synthesize("안녕", workspace / "a.wav", speed=1.0)
    assert "ko-KR-SunHiNeural" in caught.value.message
    listed = EdgeVoice.list_voices(FAST)
    assert {v.voice for v in listed} >= {"en-US-JennyNeural", "ko-KR-SunHiNeural"}
    assert all(v.usd_per_1k_chars == 0 and not v.offline and "unofficial" in v.note for v in listed)


def _script(locale: str, line: str) -> Script:
    return Script.model_validate({"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": locale,
                                  "title": "T", "scenes": [{"id": "s1", "durationSec": 1.0, "narration": line}]})


def test_a_failing_azure_falls_back_to_the_key_free_voice_only_when_the_locale_allows(
        azure: MsSpeechFake, workspace: Path) -> None:
    azure.script.extend(["500"] * 12)  # the voice list and every synthesis try
    result = narrate(_script("en-US", "Hello there."), workspace / "en", voice="azure:en-US-JennyNeural",
                     options=FAST)
    assert result.path_taken == "fallback" and result.providers["voice"] == "piper"
    assert any("azure:en-US-JennyNeural failed" in w for w in result.warnings)
    azure.script.clear()
    azure.script.extend(["500"] * 12)
    with pytest.raises(ProviderCallError) as caught:
        narrate(_script("ko-KR", "잠을 잘 자요."), workspace / "ko", voice="azure:ko-KR-SunHiNeural", options=FAST)
    assert caught.value.exit_code == 5 and "No key-free voice speaks ko-KR" in caught.value.hint
    assert not (workspace / "ko" / "audio" / "narration-01.wav").exists()


def test_azure_narration_is_tts_native_for_korean(azure: MsSpeechFake, workspace: Path) -> None:
    result = narrate(_script("ko-KR", "오늘 밤은 잠을 잘 자요."), workspace, voice="azure:ko-KR-SunHiNeural",
                     options=FAST)
    assert result.timing.source == "tts-native" and result.path_taken == "real"
    assert result.providers == {"voice": "azure", "timing": "azure-word-boundaries"}
    words = result.timing.segments[0].words
    assert [w.t for w in words] == ["오늘", "밤은", "잠을", "잘", "자요."]
    assert all(b.start_sec >= a.end_sec - 1e-6 for a, b in itertools.pairwise(words))


def test_edge_voices_are_listed_only_on_request(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with MsSpeechFake("edge") as fake:
        monkeypatch.delenv("REELFORGE_EDGE_BASE_URL", raising=False)
        with pytest.raises(ProviderUnavailableError) as caught:
            EdgeVoice.list_voices(FAST)  # installed is not asked: no call to an unofficial service
        assert "REELFORGE_EDGE_TTS=1" in caught.value.hint and fake.handshakes == 0


def test_edge_403_corrects_the_token_clock_once_like_edge_tts(edge: MsSpeechFake, workspace: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from edge_tts.drm import DRM

    monkeypatch.setattr(DRM, "clock_skew_seconds", 0.0)  # the package's state, restored after the test
    voice = _voice(EdgeVoice, "en-US-GuyNeural")
    voice.check_voice()
    edge.script.append("403-skew")
    synthesis = voice.synthesize("Hi.", workspace / "a.wav", speed=1.0)
    assert synthesis.wav_path.is_file() and edge.syntheses == 1
    server = DRM.parse_rfc2616_date("Wed, 02 Dec 2026 00:00:00 GMT")
    assert server is not None and abs(DRM.get_unix_timestamp() - server) < 60
    edge.script.extend(["403-skew", "403-skew"])
    with pytest.raises(ProviderUnavailableError):  # still refused after one correction: say so, exit 5
        voice.synthesize("Hi.", workspace / "a.wav", speed=1.0)


def test_a_socket_dropped_mid_turn_is_not_resent_and_a_stalled_one_times_out(azure: MsSpeechFake,
                                                                            workspace: Path) -> None:
    from reelforge.providers.http import Deadlines

    voice = _voice(AzureVoice, "en-US-GuyNeural")
    voice.check_voice()
    azure.turns.append("drop")
    with pytest.raises(ProviderCallError) as dropped:
        hosted_call("azure", FAST, lambda: voice.synthesize("Hi.", workspace / "a.wav", speed=1.0), [], "azure")
    assert dropped.value.call_kind == "connection" and azure.syntheses == 1, "sent once: never paid twice"

    quick = VoiceOptions(retry_attempts=3, retry_base_s=0.01, deadlines=Deadlines(connect_s=1.0, call_s=1.5))
    stalled = AzureVoice(AzureVoice.profile_for("en-US-GuyNeural", quick), options=quick)
    azure.turns.append("stall")
    started = time.monotonic()
    with pytest.raises(ProviderCallError) as timed_out:
        hosted_call("azure", quick, lambda: stalled.synthesize("Hi.", workspace / "b.wav", speed=1.0), [], "azure")
    assert timed_out.value.exit_code == 6 and time.monotonic() - started < 10
    assert not (workspace / "b.wav").exists()
