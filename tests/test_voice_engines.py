"""Every voice engine in the provider registry keeps the voice protocol, and ``--voice ENGINE:VOICE`` parses
the same way for all of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelforge.errors import EXIT_INVALID_INPUT, EXIT_NOT_FOUND, ReelforgeError
from reelforge.providers.pricing import voice_price_per_1k_chars
from reelforge.providers.registry import provider_class, rows
from reelforge.providers.voice.base import VoiceOptions
from reelforge.providers.voice.registry import resolve_profile, split_engine, voice_for

ENGINES = [r.id for r in rows("voice") if r.cls]


@pytest.mark.parametrize("engine", ENGINES)
def test_every_voice_row_class_offers_the_engine_side_of_the_protocol(engine: str) -> None:
    try:
        cls = provider_class("voice", engine)
    except ReelforgeError as exc:  # an optional SDK imported at module level would show here
        pytest.fail(f"{engine}: the adapter module must import without its SDK: {exc.message}")
    assert isinstance(cls.offline, bool)
    for member in ("profile_for", "list_voices", "usd_per_1k_chars", "available", "synthesize"):
        assert callable(getattr(cls, member, None)), f"{engine} lacks {member}"
    price = voice_price_per_1k_chars(engine, VoiceOptions())
    assert price >= 0 and (price == 0) == (next(r for r in rows("voice") if r.id == engine).price_key is None)


def test_engine_prefixes_are_only_registry_rows() -> None:
    assert split_engine("elevenlabs:Rachel") == ("elevenlabs", "Rachel")
    assert split_engine("OpenAI:alloy") == ("openai", "alloy")
    assert split_engine("C:\\voices\\de.onnx") is None, "a Windows drive is not an engine"
    assert split_engine("narrator") is None and split_engine("nosuchengine:x") is None


def test_piper_voices_resolve_by_name_or_path_through_the_engine_prefix(tmp_path: Path) -> None:
    joe = resolve_profile("piper:joe")
    assert joe is not None and joe.id == "joe" and joe.engine == "piper" and joe.offline
    with pytest.raises(ReelforgeError) as err:
        resolve_profile(f"piper:{tmp_path / 'missing.onnx'}")
    assert err.value.exit_code == EXIT_NOT_FOUND


def test_an_engine_without_a_voice_or_with_an_unknown_model_is_exit_4() -> None:
    with pytest.raises(ReelforgeError) as err:
        resolve_profile("openai:")
    assert err.value.exit_code == EXIT_INVALID_INPUT and "reelforge voices" in (err.value.hint or "")
    with pytest.raises(ReelforgeError) as err:
        resolve_profile("elevenlabs:Rachel", VoiceOptions(model="eleven_multilingual_v3"))
    assert err.value.exit_code == EXIT_INVALID_INPUT and "eleven_multilingual_v2" in err.value.message


def test_a_multilingual_hosted_voice_speaks_its_models_languages_only() -> None:
    assert voice_for("elevenlabs:Rachel", "ko-KR") is not None
    assert voice_for("openai:alloy", "ja") is not None
    with pytest.raises(ReelforgeError) as err:
        voice_for("elevenlabs:Rachel", "ko-KR", VoiceOptions(model="eleven_turbo_v2"))
    assert err.value.exit_code == EXIT_NOT_FOUND and "speaks en" in err.value.message
