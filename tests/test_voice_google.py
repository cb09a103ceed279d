"""Google Cloud Text-to-Speech against a loopback fake of v1beta1 text:synthesize: SSML marks -> timepoints ->
tts-native word times, LINEAR16 decoded, cost by voice tier, the key only in a header, 400/401/429/5xx."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelforge.errors import AuthRequiredError, InvalidInputError, ProviderCallError
from reelforge.pipeline.voice_calls import hosted_call
from reelforge.providers.timing.tts_native import word_times_from_text
from reelforge.providers.timing.words import script_words
from reelforge.providers.voice.base import VoiceOptions
from reelforge.providers.voice.google_tts import GoogleVoice, marked_ssml, usd_per_1k
from reelforge.providers.voice.wavio import read_wav
from tests.fakes.google_tts_server import GoogleTTSFake

FAST = VoiceOptions(retry_attempts=4, retry_base_s=0.01, retry_cap_s=0.05)


@pytest.fixture
def google(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[GoogleTTSFake]:
    with GoogleTTSFake() as fake:
        monkeypatch.setenv("GOOGLE_TTS_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_GOOGLE_BASE_URL", fake.base)
        yield fake


def _voice(name: str) -> GoogleVoice:
    return GoogleVoice(GoogleVoice.profile_for(name, FAST), options=FAST)


def test_marks_go_before_every_script_word_and_text_is_escaped() -> None:
    ssml, words = marked_ssml("Tom & <Jerry> — run!  今日は")
    assert words == script_words("Tom & <Jerry> — run!  今日は")
    assert ssml.count("<mark ") == len(words) == 6
    assert "&amp;" in ssml and "&lt;Jerry&gt;" in ssml and "<Jerry>" not in ssml
    assert ssml.startswith('<speak><mark name="w0"/>Tom') and '<mark name="w5"/>は' in ssml


def test_korean_synthesis_timepoints_time_every_word(google: GoogleTTSFake, workspace: Path) -> None:
    text = "안녕하세요 여러분, 오늘은 좋은 날입니다."
    synthesis = _voice("ko-KR-Neural2-A").synthesize(text, workspace / "k.wav", speed=1.1)

    samples, rate = read_wav(synthesis.wav_path)
    assert rate == 24000 and len(samples) / rate == pytest.approx(synthesis.duration_sec) and len(samples) > rate
    request = google.requests[0]
    assert request["enableTimePointing"] == ["SSML_MARK"] and request["voice"] == {"languageCode": "ko-KR",
                                                                                   "name": "ko-KR-Neural2-A"}
    assert request["audioConfig"]["audioEncoding"] == "LINEAR16" and request["audioConfig"]["speakingRate"] == 1.1
    spans = synthesis.text_spans or []
    words = script_words(text)
    assert [s.text for s in spans] == words
    assert all(a.end_sec == pytest.approx(b.start_sec) for a, b in itertools.pairwise(spans))
    assert spans[0].start_sec == pytest.approx(0.12, abs=1e-3) and spans[-1].end_sec <= synthesis.duration_sec
    times = word_times_from_text(words, spans)
    assert times is not None and all(t is not None for t in times)
    assert synthesis.timing_provider == "google-ssml-marks" and synthesis.params["marks"] == len(words)
    assert synthesis.usd == pytest.approx(len(text) * 0.016 / 1000)


def test_tier_prices() -> None:
    assert usd_per_1k("en-US-Standard-B") == 0.004 and usd_per_1k("en-US-Neural2-F") == 0.016
    assert usd_per_1k("en-US-Studio-O") == 0.16 and usd_per_1k("en-US-Chirp3-HD-Kore") == 0.03


def test_bad_key_is_exit_5_naming_the_variable_and_never_in_the_url(google: GoogleTTSFake, workspace: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_TTS_API_KEY", "AIza-wrong-000000000")
    with pytest.raises(AuthRequiredError) as caught:
        _voice("en-US-Neural2-F").synthesize("Hello.", workspace / "g.wav", speed=1.0)
    assert caught.value.exit_code == 5 and "GOOGLE_TTS_API_KEY" in caught.value.message
    assert "AIza-wrong" not in caught.value.message + caught.value.hint
    assert not (workspace / "g.wav").exists()


def test_401_429_and_5xx(google: GoogleTTSFake, workspace: Path) -> None:
    voice = _voice("en-US-Neural2-F")
    voice.check_voice()
    google.script.append("401")
    with pytest.raises(AuthRequiredError) as caught:
        voice.synthesize("Hello.", workspace / "g.wav", speed=1.0)
    assert "GOOGLE_TTS_API_KEY" in caught.value.message
    google.script.extend(["429", "500"])
    warnings: list[str] = []
    synthesis = hosted_call("google", FAST, lambda: voice.synthesize("Hello.", workspace / "g.wav", speed=1.0),
                            warnings, "google")
    assert synthesis.wav_path.is_file() and len(warnings) == 2 and google.submits == 1
    google.script.extend(["500"] * 4)
    with pytest.raises(ProviderCallError) as failed:
        hosted_call("google", FAST, lambda: voice.synthesize("Hello.", workspace / "g.wav", speed=1.0), [], "g")
    assert failed.value.status == 500


def test_unknown_voice_is_exit_4_with_close_matches(google: GoogleTTSFake, workspace: Path) -> None:
    with pytest.raises(InvalidInputError) as caught:
        _voice("ja-JP-Neural2-C").synthesize("こんにちは", workspace / "g.wav", speed=1.0)
    assert caught.value.exit_code == 4 and "ja-JP-Neural2-B" in caught.value.message and google.submits == 0
    with pytest.raises(InvalidInputError):
        GoogleVoice.profile_for("Kore", FAST)


def test_voice_list_only_with_the_key(google: GoogleTTSFake, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = {v.voice: v for v in GoogleVoice.list_voices(FAST)}
    assert listed["en-US-Standard-B"].usd_per_1k_chars == 0.004 and listed["ko-KR-Neural2-A"].locales == ("ko-KR",)
    assert listed["ko-KR-Neural2-A"].gender == "female" and not listed["ko-KR-Neural2-A"].offline
    monkeypatch.delenv("GOOGLE_TTS_API_KEY")
    assert GoogleVoice.list_voices(FAST) == []


def test_chirp_voices_get_plain_text_and_no_marks(google: GoogleTTSFake, workspace: Path) -> None:
    synthesis = _voice("en-US-Chirp3-HD-Kore").synthesize("Plain & simple.", workspace / "c.wav", speed=1.0)
    request = google.requests[0]
    assert request["input"] == {"text": "Plain & simple."} and "enableTimePointing" not in request
    assert synthesis.text_spans is None and synthesis.timing_provider == ""  # the pipeline times it with stt
    assert synthesis.usd == pytest.approx(len("Plain & simple.") * 0.03 / 1000)
