"""Voice capability: text-to-speech providers and voice profiles."""

from reelforge.providers.voice.base import Availability, PhonemeSpan, PhonemizingVoice, Synthesis, VoiceProvider
from reelforge.providers.voice.registry import (
    DEFAULT_VOICE,
    SILENT_VOICE,
    VoiceProfile,
    piper_profile,
    register_profile,
    resolve_profile,
    voice_for,
)

__all__ = [
    "DEFAULT_VOICE",
    "SILENT_VOICE",
    "Availability",
    "PhonemeSpan",
    "PhonemizingVoice",
    "Synthesis",
    "VoiceProfile",
    "VoiceProvider",
    "piper_profile",
    "register_profile",
    "resolve_profile",
    "voice_for",
]
