"""Azure, Google, edge-tts and Kokoro through the CLI: `reelforge voices --format json` and
`video generate --voice ENGINE:VOICE` against the loopback fakes (cost priced before the call, tts-native timing
from word boundaries / SSML marks, the narration cache on the second run)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reelforge.providers.voice import azure, edge, google_tts
from tests.cli_helpers import run_json
from tests.fakes.google_tts_server import GoogleTTSFake
from tests.fakes.ms_speech_server import MsSpeechFake

SCRIPT = {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en-US", "title": "Sleep",
          "scenes": [{"id": "a", "durationSec": 1.0, "narration": "Sleep well tonight."},
                     {"id": "b", "durationSec": 1.0, "narration": "Put the phone away."}]}
CHARS = sum(len(s["narration"]) for s in SCRIPT["scenes"])


@pytest.fixture
def fakes(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for module in (azure, edge, google_tts):
        module._VOICE_LISTS.clear()
    with MsSpeechFake("azure") as az, MsSpeechFake("edge") as ed, GoogleTTSFake() as gg:
        monkeypatch.setenv("AZURE_SPEECH_KEY", az.key)
        monkeypatch.delenv("AZURE_SPEECH_REGION", raising=False)
        monkeypatch.setenv("REELFORGE_AZURE_BASE_URL", az.base)
        monkeypatch.setenv("REELFORGE_EDGE_BASE_URL", ed.base)
        monkeypatch.setenv("GOOGLE_TTS_API_KEY", gg.key)
        monkeypatch.setenv("REELFORGE_GOOGLE_BASE_URL", gg.base)
        monkeypatch.setenv("REELFORGE_RETRY_BASE_S", "0.01")
        yield {"azure": az, "edge": ed, "google": gg}


def _calls(fake: Any) -> int:
    return int(fake.syntheses if isinstance(fake, MsSpeechFake) else fake.submits)


@pytest.mark.parametrize(("engine", "voice", "price", "timing"), [
    ("azure", "en-US-JennyNeural", 0.015, "azure-word-boundaries"),
    ("google", "en-US-Neural2-F", 0.016, "google-ssml-marks"),
    ("edge", "en-US-GuyNeural", 0.0, "edge-word-boundaries"),
])
def test_generate_prices_times_and_reuses(capsys: pytest.CaptureFixture[str], fakes: dict[str, Any],
                                          workspace: Path, engine: str, voice: str, price: float,
                                          timing: str) -> None:
    fake = fakes[engine]
    (workspace / "script.json").write_text(json.dumps(SCRIPT), encoding="utf-8")
    args = ("video", "generate", "--script", "script.json", "--voice", f"{engine}:{voice}", "--dry-run")
    code, a = run_json(capsys, *args)
    assert code == 0, a
    assert _calls(fake) == 2
    manifest_text = Path(a["manifestPath"]).read_text()
    manifest = json.loads(manifest_text)
    assert manifest["cost"]["breakdown"][f"voice:{engine}:default"] == pytest.approx(CHARS * price / 1000)
    stage = next(s for s in manifest["stages"] if s["stage"] == "narration")
    assert stage["pathTaken"] == "real" and stage["provider"] == f"{engine}+{timing}"
    assert stage["params"]["usd"] == pytest.approx(CHARS * price / 1000)
    if engine == "edge":
        assert "unofficial" in stage["params"]["service"]
    timing_doc = json.loads((Path(a["runDir"]) / "timing.json").read_text())
    assert timing_doc["source"] == "tts-native"
    words = [w["t"] for seg in timing_doc["segments"] for w in seg["words"]]
    assert words == ["Sleep", "well", "tonight.", "Put", "the", "phone", "away."]
    for key in ("azure-test-key", "AIza-test-key", "Sec-MS-GEC="):
        assert key not in manifest_text

    code, b = run_json(capsys, *args)
    assert code == 0 and _calls(fake) == 2, "the second run made no call"
    again = next(s for s in json.loads(Path(b["manifestPath"]).read_text())["stages"] if s["stage"] == "narration")
    assert again["reused"] is True and again["fingerprint"] == stage["fingerprint"]


def test_voices_json_lists_the_new_engines(capsys: pytest.CaptureFixture[str], fakes: dict[str, Any],
                                           workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    voices = workspace / "voices.bin"
    with voices.open("wb") as handle:
        np.savez(handle, af_heart=np.zeros((510, 1, 256), np.float32), jf_alpha=np.zeros((510, 1, 256), np.float32))
    model = workspace / "kokoro.onnx"
    model.write_bytes(b"user model")
    monkeypatch.setenv("REELFORGE_KOKORO_MODEL", str(model))
    monkeypatch.setenv("REELFORGE_KOKORO_VOICES", str(voices))
    code, out = run_json(capsys, "voices")
    assert code == 0, out
    by_id = {v["voice"]: v for v in out["voices"]}
    assert by_id["azure:ko-KR-SunHiNeural"] == {**by_id["azure:ko-KR-SunHiNeural"], "engine": "azure",
                                                "locales": ["ko-KR"], "usdPer1kChars": 0.015, "offline": False}
    assert by_id["google:en-US-Standard-B"]["usdPer1kChars"] == 0.004
    assert by_id["edge:ja-JP-NanamiNeural"]["offline"] is False and "unofficial" in by_id["edge:ja-JP-NanamiNeural"][
        "note"]
    assert by_id["kokoro:jf_alpha"] == {**by_id["kokoro:jf_alpha"], "locales": ["ja"], "offline": True,
                                        "usdPer1kChars": 0.0}
    code, korean = run_json(capsys, "voices", "--locale", "ko")
    ids = {v["voice"] for v in korean["voices"]}
    assert {"azure:ko-KR-SunHiNeural", "google:ko-KR-Neural2-A", "edge:ko-KR-SunHiNeural"} <= ids
    assert not any(i.startswith(("kokoro:", "azure:en-")) for i in ids)
