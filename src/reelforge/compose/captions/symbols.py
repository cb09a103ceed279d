"""Captions without emoji: libass draws no colour emoji (see text/symbols.py)."""

from __future__ import annotations

from reelforge.models.timing import Timing
from reelforge.text.symbols import strip_emoji


def timing_without_emoji(timing: Timing) -> tuple[Timing, list[str]]:
    """A copy of ``timing`` whose words carry no emoji (words that were only emoji are left out), and the
    distinct characters removed."""
    removed: list[str] = []
    segments = []
    for segment in timing.segments:
        words = []
        for word in segment.words:
            text, gone = strip_emoji(word.t)
            removed.extend(gone)
            if text.strip():
                words.append(word.model_copy(update={"t": text.strip()}) if gone else word)
        segments.append(segment.model_copy(update={"words": words}))
    if not removed:
        return timing, []
    return timing.model_copy(update={"segments": segments}), list(dict.fromkeys(removed))
