"""The voice capability: what a text-to-speech provider must offer, and what it hands back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable


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
class Synthesis:
    """A synthesized wav on disk plus what the engine knows about its timing."""

    wav_path: Path
    sample_rate: int
    duration_sec: float
    alignments: list[PhonemeSpan] | None = None
    params: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class VoiceProvider(Protocol):
    """A text-to-speech engine bound to one voice. Premium providers implement the same three members."""

    @property
    def id(self) -> str: ...

    def available(self) -> Availability: ...

    def synthesize(self, text: str, out_wav: Path, *, speed: float) -> Synthesis: ...


@runtime_checkable
class PhonemizingVoice(Protocol):
    """A voice that can also spell one word in the phonemes its alignments use (for tts-native timing)."""

    def phonemize_word(self, word: str) -> str: ...
