"""Measure how fast the default voice speaks: words per second of audible speech.

Synthesizes a fixed set of scene-sized narrations with the bundled Piper voice (deterministic: no noise),
measures each wav's audible span (first to last sample above -40 dBFS, the level silencedetect uses) and
prints words / seconds per narration and overall. The result is DEFAULT_WORDS_PER_SEC in
reelforge.pipeline.pace, the rate a drafted script's first estimate of a scene's length uses.

    PYTHONPATH=src python bench/voice_rate.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from reelforge.providers.timing.words import script_words
from reelforge.providers.voice.piper import PiperProvider
from reelforge.providers.voice.registry import resolve_profile
from reelforge.providers.voice.wavio import read_wav, speech_bounds

NARRATIONS = (
    "Most people sleep badly because of light. Dim your screens an hour before bed.",
    "Keep the room cool. Wake up at the same time every day.",
    "Salt the water until it tastes like the sea. Save a cup of pasta water before you drain.",
    "Put your phone in another room. Work in blocks of fifty minutes.",
    "Move ten percent of every paycheck to savings automatically, then forget it is there.",
    "Water only when the top inch of soil is dry, and give your plants bright indirect light.",
    "Begin with run walk intervals. Increase your weekly distance by no more than ten percent.",
    "The state-of-the-art tool is 3.5 times faster than the one it replaces.",
    "A good explainer starts with the problem, shows one example, and ends with what to do next.",
    "Read the error message twice before you search for it; it usually names the fix.",
)


def main() -> None:
    profile = resolve_profile("joe")
    assert profile is not None
    voice = PiperProvider(profile)
    total_words = 0
    total_sec = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(NARRATIONS):
            synthesis = voice.synthesize(text, Path(tmp) / f"{i}.wav", speed=1.0)
            samples, rate = read_wav(synthesis.wav_path)
            start, end = speech_bounds(samples, rate)
            words = len(script_words(text))
            total_words += words
            total_sec += end - start
            print(f"{words:3d} words  {end - start:5.2f} s speech  {words / (end - start):4.2f} words/s"
                  f"  (wav {synthesis.duration_sec:5.2f} s)  {text[:48]}")
    print(f"overall: {total_words} words in {total_sec:.2f} s of speech = {total_words / total_sec:.2f} words/s")


if __name__ == "__main__":
    main()
