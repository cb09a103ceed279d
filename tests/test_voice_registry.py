from __future__ import annotations

import json
from pathlib import Path

import pytest

from reelforge.errors import EXIT_NOT_FOUND, NotFoundError
from reelforge.providers.voice import registry
from reelforge.providers.voice.registry import (
    DEFAULT_VOICE,
    piper_profile,
    primary_language,
    register_profile,
    resolve_profile,
    voice_for,
)


def _fake_voice(tmp_path: Path, code: str, espeak: str) -> Path:
    model = tmp_path / f"{code}-test.onnx"
    model.write_bytes(b"not really onnx")
    config = {"audio": {"sample_rate": 16000}, "espeak": {"voice": espeak},
              "language": {"code": code, "family": primary_language(code)}}
    model.with_name(model.name + ".json").write_text(json.dumps(config), encoding="utf-8")
    return model


def test_joe_reads_its_language_from_the_voice_config() -> None:
    profile = resolve_profile(DEFAULT_VOICE)
    assert profile is not None
    assert profile.id == "joe"
    assert profile.language == "en-US"
    assert profile.language_family == "en"
    assert profile.sample_rate == 22050
    assert profile.config_path.name == "en_US-joe-medium.onnx.json"
    assert "CC0" in profile.provenance


@pytest.mark.parametrize("locale", ["en", "en-US", "en-GB", "en_AU"])
def test_english_locales_get_joe(locale: str) -> None:
    profile = voice_for("joe", locale)
    assert profile is not None and profile.id == "joe"


def test_none_is_silent() -> None:
    assert voice_for("none", "de-DE") is None


def test_locale_without_a_voice_is_not_found_with_the_fix() -> None:
    with pytest.raises(NotFoundError) as caught:
        voice_for("joe", "de-DE")
    assert caught.value.exit_code == EXIT_NOT_FOUND == 3
    assert "de-DE" in caught.value.message
    assert "--voice /path/to/voice.onnx" in caught.value.hint
    assert "--voice none" in caught.value.hint


def test_a_voice_file_brings_its_own_language(tmp_path: Path) -> None:
    model = _fake_voice(tmp_path, "de_DE", "de")
    profile = voice_for(str(model), "de-DE")
    assert profile is not None
    assert profile.language == "de-DE" and profile.espeak_voice == "de"
    assert profile.sample_rate == 16000
    with pytest.raises(NotFoundError):  # a German voice never reads English text
        voice_for(str(model), "en-US")


def test_default_voice_yields_to_a_registered_voice_for_the_locale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _fake_voice(tmp_path, "fi_FI", "fi")
    monkeypatch.setattr(registry, "_PROFILES", dict(registry._PROFILES))  # keep the global registry clean
    register_profile("test-finnish", lambda: piper_profile(model))
    profile = voice_for("joe", "fi")
    assert profile is not None and profile.model_path == model


def test_missing_config_names_the_file(tmp_path: Path) -> None:
    model = tmp_path / "lonely.onnx"
    model.write_bytes(b"x")
    with pytest.raises(NotFoundError) as caught:
        resolve_profile(str(model))
    assert caught.value.file is not None and caught.value.file.endswith("lonely.onnx.json")


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_profile("nobody")
    assert "joe" in caught.value.message
    assert "--voice none" in caught.value.hint


def test_a_voice_file_suffix_picks_its_engine_loader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _fake_voice(tmp_path, "en-GB", "en-gb")
    seen: list[Path] = []

    def loader(path: Path) -> registry.VoiceProfile:
        seen.append(path)
        return registry.VoiceProfile(id=str(path), engine="other-tts", model_path=path, config_path=path,
                                     language="en-GB")

    monkeypatch.setitem(registry._MODEL_LOADERS, ".voice", loader)
    other = resolve_profile(str(tmp_path / "narrator.voice"))
    assert other is not None and other.engine == "other-tts" and seen == [tmp_path / "narrator.voice"]
    piper = resolve_profile(str(model))
    assert piper is not None and piper.engine == "piper" and piper.language == "en-GB"
    with pytest.raises(NotFoundError):
        resolve_profile(str(tmp_path / "missing.onnx"))
