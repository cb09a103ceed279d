"""The voice capability: what a text-to-speech engine must offer, and what it hands back.

Two sides, both reached through the provider registry row named by the engine (``--voice ENGINE:VOICE``):

- the engine class (``VoiceEngine``, class-level, no network unless a key is set): turns the VOICE part into
  a ``VoiceProfile`` (its languages, so the locale check covers every engine), lists its voices, and prices
  a narration before any call;
- an instance bound to one profile (``VoiceProvider``): ``synthesize`` writes a mono 16-bit wav and returns
  what the engine knows about timing: Piper's phoneme alignments (``alignments``) or, for engines that
  report character or word times (ElevenLabs, Azure, Google marks, edge-tts), ``text_spans``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from reelforge.providers.http import Deadlines
    from reelforge.providers.voice.registry import VoiceProfile


@dataclass(frozen=True)
class Availability:
    """Whether a provider can run here; when not, why and the one step that fixes it."""

    ok: bool
    reason: str = ""
    remediation: str = ""


@dataclass(frozen=True)
class PhonemeSpan:
    """One phoneme (as the engine spelled it) and where it sits in the wav, in seconds."""

    phoneme: str
    start_sec: float
    end_sec: float


@dataclass(frozen=True)
class TextSpan:
    """A piece of the spoken text (one character, or one word for word-boundary engines) and its time in the
    wav, in seconds. Spans come in text order; whitespace/punctuation spans are allowed and ignored."""

    text: str
    start_sec: float
    end_sec: float


@dataclass(frozen=True)
class Synthesis:
    """A synthesized wav on disk plus what the engine knows about its timing."""

    wav_path: Path
    sample_rate: int
    duration_sec: float
    alignments: list[PhonemeSpan] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    text_spans: list[TextSpan] | None = None
    timing_provider: str = ""
    """Names the tts-native timing in the manifest (e.g. ``elevenlabs-alignment``); "" for Piper's."""
    usd: float = 0.0
    """What this call cost at list price (0 for local engines)."""


@dataclass(frozen=True)
class VoiceOptions:
    """Engine settings from config.py (``voice_model``, ``voice_stability``, ``voice_similarity``) plus how
    hosted calls behave. ``identity()`` is what the narration cache fingerprints; retries/deadlines are not."""

    model: str = ""
    """The engine's model ("" = the engine's default), e.g. ``eleven_multilingual_v2`` or ``tts-1``."""
    stability: float | None = None
    similarity: float | None = None
    style: str = ""
    """Free-form delivery instructions for engines that take them (gpt-4o-mini-tts, Gemini TTS)."""
    retry_attempts: int = 5
    retry_base_s: float = 0.5
    retry_cap_s: float = 30.0
    deadlines: Deadlines | None = None
    cache_dir: Path | None = None
    """Where hosted voice lists are cached (``.reelforge/cache/voices``); None: not cached on disk."""

    def identity(self) -> dict[str, Any]:
        return {"model": self.model, "stability": self.stability, "similarity": self.similarity,
                "style": self.style}

    @classmethod
    def from_settings(cls, settings: Any, *, cache_dir: Path | None = None) -> VoiceOptions:
        from reelforge.providers.http import Deadlines

        def get(key: str, default: Any) -> Any:
            try:
                return settings[key]
            except KeyError:
                return default

        return cls(model=str(get("voice_model", "")), stability=get("voice_stability", None),
                   similarity=get("voice_similarity", None), style=str(get("voice_style", "")),
                   retry_attempts=int(get("retry_attempts", 5)), retry_base_s=float(get("retry_base_s", 0.5)),
                   retry_cap_s=float(get("retry_cap_s", 30.0)), deadlines=Deadlines.from_settings(settings),
                   cache_dir=cache_dir)


@dataclass(frozen=True)
class VoiceInfo:
    """One voice as `reelforge voices` lists it."""

    engine: str
    voice: str
    """What goes after ``ENGINE:`` in ``--voice`` (a name or an id)."""
    name: str
    locales: tuple[str, ...]
    """The languages it speaks (BCP 47 or bare language codes); empty: unknown."""
    gender: str = ""
    usd_per_1k_chars: float = 0.0
    offline: bool = True
    model: str = ""
    note: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "voice": f"{self.engine}:{self.voice}", "name": self.name,
                "locales": list(self.locales), "gender": self.gender or None,
                "usdPer1kChars": self.usd_per_1k_chars, "offline": self.offline, "model": self.model or None,
                "note": self.note or None}


@runtime_checkable
class VoiceProvider(Protocol):
    """A text-to-speech engine bound to one voice. Every engine implements the same three members."""

    @property
    def id(self) -> str: ...

    def available(self) -> Availability: ...

    def synthesize(self, text: str, out_wav: Path, *, speed: float) -> Synthesis: ...


class VoiceEngine(Protocol):
    """The class of a voice provider registry row, before any voice is bound (all class-level).

    Its constructor is ``Class(profile=..., variation=..., options=...)`` (``registry.create``)."""

    offline: bool
    """True when synthesis runs on this machine (Piper, Kokoro)."""

    @classmethod
    def profile_for(cls, voice: str, options: VoiceOptions) -> VoiceProfile:
        """The VOICE part of ``--voice ENGINE:VOICE`` as a profile; no network. Unknown voices that can be
        told apart offline raise InvalidInputError (exit 4) listing close matches."""
        ...

    @classmethod
    def list_voices(cls, options: VoiceOptions) -> list[VoiceInfo]:
        """Every voice it offers here; hosted lists are fetched only when the engine's key is set."""
        ...

    @classmethod
    def usd_per_1k_chars(cls, options: VoiceOptions) -> float:
        """List price of 1,000 narration characters with ``options.model`` (0 for free engines)."""
        ...


@runtime_checkable
class PhonemizingVoice(Protocol):
    """A voice that can also spell one word in the phonemes its alignments use (for tts-native timing)."""

    def phonemize_word(self, word: str) -> str: ...
