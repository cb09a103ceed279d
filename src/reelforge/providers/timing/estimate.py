"""estimated timing: words spread over the speech window in proportion to their letters.

Also estimates how long a narration would take to say, for silent videos (``--voice none``), so captions
stay readable: about 15 letters a second at speed 1.0 (Piper's joe voice speaks ~213 words a minute).
"""

from __future__ import annotations

from collections.abc import Sequence

from reelforge.providers.timing.words import word_key

PROVIDER_ID = "estimate"
SEC_PER_LETTER = 1 / 15
SEC_PER_WORD_GAP = 0.08


def word_times(words: Sequence[str], start: float, end: float) -> list[tuple[float, float] | None]:
    weights = [len(word_key(w)) + 1 for w in words]
    total = float(sum(weights)) or 1.0
    out: list[tuple[float, float] | None] = []
    cursor = start
    for w in weights:
        step = (end - start) * w / total
        out.append((cursor, cursor + step))
        cursor += step
    return out


def speech_seconds(words: Sequence[str], *, speed: float = 1.0) -> float:
    """How long saying ``words`` takes, roughly."""
    if not words:
        return 0.0
    letters = sum(max(len(word_key(w)), 1) for w in words)
    return (letters * SEC_PER_LETTER + SEC_PER_WORD_GAP * (len(words) - 1)) / speed
