"""`reelforge voices` and `video generate --voice elevenlabs:...` through the CLI against the loopback fake:
the listing (fetched only with a key, cached), the cost priced before the call, the narration cache."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelforge.providers.voice import elevenlabs
from tests.cli_helpers import run_json
from tests.fakes.elevenlabs_server import ElevenLabsFake


@pytest.fixture
def fake(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ElevenLabsFake]:
    elevenlabs._VOICE_LISTS.clear()
    with ElevenLabsFake() as server:
        monkeypatch.setenv("ELEVENLABS_API_KEY", server.key)
        monkeypatch.setenv("REELFORGE_ELEVENLABS_BASE_URL", server.base)
        monkeypatch.setenv("REELFORGE_RETRY_BASE_S", "0.01")
        yield server


def test_voices_lists_every_engine_and_fetches_hosted_lists_only_with_a_key(
        capsys: pytest.CaptureFixture[str], fake: ElevenLabsFake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ELEVENLABS_API_KEY")
    code, out = run_json(capsys, "voices")
    assert code == 0 and fake.requests == [], "no key: ElevenLabs was not called"
    ids = {v["voice"] for v in out["voices"]}
    assert "piper:joe" in ids and "openai:alloy" in ids and not any(i.startswith("elevenlabs:") for i in ids)
    engines = {e["engine"]: e for e in out["engines"]}
    assert "ELEVENLABS_API_KEY not set" in engines["elevenlabs"]["status"]

    monkeypatch.setenv("ELEVENLABS_API_KEY", fake.key)
    code, out = run_json(capsys, "voices")
    rachel = next(v for v in out["voices"] if v["voice"] == "elevenlabs:Rachel")
    assert rachel == {**rachel, "engine": "elevenlabs", "gender": "female", "locales": ["en-US"],
                      "usdPer1kChars": 0.1, "offline": False, "model": "eleven_multilingual_v2"}
    joe = next(v for v in out["voices"] if v["voice"] == "piper:joe")
    assert joe["offline"] is True and joe["usdPer1kChars"] == 0.0 and joe["locales"] == ["en-US"]
    assert len(fake.requests) == 1
    run_json(capsys, "voices")
    assert len(fake.requests) == 1, "the second listing came from the workspace cache"
    cached = json.loads((Path.cwd() / ".reelforge" / "cache" / "voices" / "elevenlabs.json").read_text())
    assert fake.key not in json.dumps(cached)

    code, korean = run_json(capsys, "voices", "--locale", "ko")
    ids = {v["voice"] for v in korean["voices"]}
    assert "elevenlabs:Matilda" in ids and "openai:nova" in ids
    assert "piper:joe" not in ids and "elevenlabs:Rachel" not in ids


SCRIPT = {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en-US", "title": "Sleep",
          "scenes": [{"id": "a", "durationSec": 1.0, "narration": "Sleep well tonight."},
                     {"id": "b", "durationSec": 1.0, "narration": "Put the phone away."}]}


def test_generate_prices_the_voice_before_calling_and_reuses_it_on_the_second_run(
        capsys: pytest.CaptureFixture[str], fake: ElevenLabsFake, workspace: Path) -> None:
    (workspace / "script.json").write_text(json.dumps(SCRIPT), encoding="utf-8")
    args = ("video", "generate", "--script", "script.json", "--voice", "elevenlabs:Rachel", "--dry-run")
    code, _ = run_json(capsys, *args, "--max-usd", "0.001")
    assert code == 4 and fake.submits == 0, "the guardrail stopped the run before any paid call"

    code, a = run_json(capsys, *args)
    assert code == 0 and fake.submits == 2
    manifest = json.loads(Path(a["manifestPath"]).read_text())
    chars = sum(len(s["narration"]) for s in SCRIPT["scenes"])
    assert manifest["cost"]["breakdown"]["voice:elevenlabs:default"] == pytest.approx(chars * 0.10 / 1000)
    stage = next(s for s in manifest["stages"] if s["stage"] == "narration")
    assert stage["pathTaken"] == "real" and stage["provider"] == "elevenlabs+elevenlabs-alignment"
    assert stage["params"]["usd"] == pytest.approx(chars * 0.10 / 1000)
    assert stage["params"]["voiceId"] == "21m00Tcm4TlvDq8ikWAM" and stage["params"]["voiceSettings"]
    timing = json.loads((Path(a["runDir"]) / "timing.json").read_text())
    assert timing["source"] == "tts-native"
    assert fake.key not in Path(a["manifestPath"]).read_text()

    code, b = run_json(capsys, *args)
    assert code == 0 and fake.submits == 2, "the second run made no call"
    again = next(s for s in json.loads(Path(b["manifestPath"]).read_text())["stages"] if s["stage"] == "narration")
    assert again["reused"] is True and again["fingerprint"] == stage["fingerprint"]

    code, _ = run_json(capsys, *args, "--voice-model", "eleven_flash_v2_5")
    assert code == 0 and fake.submits == 4, "another model is another fingerprint"
    assert fake.requests[-1]["model_id"] == "eleven_flash_v2_5"


def test_a_korean_script_with_an_english_only_model_is_refused_with_exit_3(
        capsys: pytest.CaptureFixture[str], fake: ElevenLabsFake, workspace: Path) -> None:
    korean = {**SCRIPT, "locale": "ko-KR", "scenes": [{"id": "a", "durationSec": 1.0, "narration": "잠을 잘 자요."}]}
    (workspace / "script.json").write_text(json.dumps(korean), encoding="utf-8")
    code, out = run_json(capsys, "video", "generate", "--script", "script.json", "--voice", "elevenlabs:Rachel",
                         "--voice-model", "eleven_turbo_v2", "--dry-run")
    assert code == 3 and fake.submits == 0
    assert "reelforge voices --locale ko" in out["error"]["hint"]


def test_openai_speech_is_priced_recorded_and_reused(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes.openai_speech_server import OpenAISpeechFake

    (workspace / "script.json").write_text(json.dumps(SCRIPT), encoding="utf-8")
    with OpenAISpeechFake() as server:
        monkeypatch.setenv("OPENAI_API_KEY", server.key)
        monkeypatch.setenv("REELFORGE_OPENAI_BASE_URL", server.base + "/v1")
        args = ("video", "generate", "--script", "script.json", "--voice", "openai:alloy", "--voice-model", "tts-1",
                "--dry-run")
        code, a = run_json(capsys, *args)
        assert code == 0 and server.submits == 2
        manifest = json.loads(Path(a["manifestPath"]).read_text())
        chars = sum(len(s["narration"]) for s in SCRIPT["scenes"])
        assert manifest["cost"]["breakdown"]["voice:openai:tts-1"] == pytest.approx(chars * 0.015 / 1000)
        stage = next(s for s in manifest["stages"] if s["stage"] == "narration")
        assert stage["provider"] == "openai+faster-whisper:tiny.en" and stage["params"]["voice"] == "openai:alloy"
        assert stage["params"]["usd"] == pytest.approx(chars * 0.015 / 1000)
        code, b = run_json(capsys, *args)
        again = next(s for s in json.loads(Path(b["manifestPath"]).read_text())["stages"]
                     if s["stage"] == "narration")
        assert code == 0 and again["reused"] is True and server.submits == 2, "the second run made no call"
