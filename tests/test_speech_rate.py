"""The pace the writers assume is the default voice's measured pace, not a guess."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from reelforge.text.speech_rate import DEFAULT_CHARS_PER_SEC, SCENE_OVERHEAD_SEC, scene_seconds, spoken_chars

SENTENCES = [
    "Rich is a Python library for rich text and beautiful formatting in the terminal.",
    "Keep your bedroom cool, dark and quiet, and put the phone away an hour before you sleep.",
    "Most people drink too little water during the day. Start every morning with one full glass before coffee.",
    "The Console object has a print method which has an intentionally similar interface to the builtin print.",
    "Rich can render multiple flicker-free progress bars to track long-running tasks.",
    "Sourdough needs only flour, water and salt. The starter does the rest, given time and a warm kitchen.",
]


def test_scene_seconds_counts_characters_and_spaceless_scripts() -> None:
    assert scene_seconds("a" * 180) == pytest.approx(180 / DEFAULT_CHARS_PER_SEC + SCENE_OVERHEAD_SEC, abs=0.1)
    assert spoken_chars("今日は") == 12  # a kana/han character is said like about four Latin letters
    assert spoken_chars("HTTP/1.1") > 2 * len("HTTP/1.1")  # letters and digits said one by one


@pytest.mark.slow
def test_default_voice_speaks_at_the_assumed_pace(tmp_path: Path) -> None:
    from reelforge.providers.voice.piper import PiperProvider
    from reelforge.providers.voice.registry import resolve_profile

    profile = resolve_profile("joe")
    assert profile is not None
    voice = PiperProvider(profile)
    chars = seconds = 0.0
    for i, text in enumerate(SENTENCES):
        out = tmp_path / f"s{i}.wav"
        voice.synthesize(text, out, speed=1.0)
        with wave.open(str(out)) as wav:
            seconds += wav.getnframes() / wav.getframerate()
        chars += spoken_chars(text)
    measured = chars / seconds  # audio includes Piper's own short silences at both ends
    assert DEFAULT_CHARS_PER_SEC * 0.85 <= measured <= DEFAULT_CHARS_PER_SEC * 1.2, measured
