"""Project a timed character stream (phonemes or transcript letters) onto the script's words.

Both tts-native and stt timing reduce to the same problem: the script gives each word a key string
(its phonemes, or its letters), the engine gives a stream of timed units that spells nearly the same
thing but groups it differently ("of the" is one espeak word, "state-of-the-art" four whisper words).
A character alignment (difflib) of the concatenated keys against the stream assigns every stream unit to
a word; a word then spans its units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class Unit:
    """One timed character of the stream; ``group`` numbers the stream's own words (units of one group are
    never split across a pause)."""

    ch: str
    start_sec: float
    end_sec: float
    group: int


@dataclass(frozen=True)
class Projection:
    spans: list[tuple[float, float] | None]
    matched_share: float
    """Share of the keys' characters that found an identical character in the stream."""


def project(keys: Sequence[str], units: Sequence[Unit]) -> Projection:
    owner: list[int] = [w for w, key in enumerate(keys) for _ in key]
    a = "".join(keys)
    b = "".join(u.ch for u in units)
    if not a or not b:
        return Projection([None] * len(keys), 0.0)
    assigned: list[int | None] = [None] * len(units)
    equal = 0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            equal += i2 - i1
            for k in range(j2 - j1):
                assigned[j1 + k] = owner[i1 + k]
        elif tag == "replace":
            # spread the differing stretch evenly: the k-th of n stream units goes to the matching share of keys
            for k in range(j2 - j1):
                assigned[j1 + k] = owner[i1 + (k * (i2 - i1)) // (j2 - j1)]
    _adopt_orphans(assigned, units)
    spans: list[tuple[float, float] | None] = [None] * len(keys)
    for unit, word in zip(units, assigned, strict=True):
        if word is None:
            continue
        current = spans[word]
        spans[word] = ((unit.start_sec, unit.end_sec) if current is None
                       else (min(current[0], unit.start_sec), max(current[1], unit.end_sec)))
    return Projection(spans, equal / len(a))


def _adopt_orphans(assigned: list[int | None], units: Sequence[Unit]) -> None:
    """Stream units the script does not spell (an inserted phoneme) join the word beside them in the same
    stream group: the left one first, else the right one."""
    n = len(units)
    for j in range(n):
        if assigned[j] is not None:
            continue
        k = j - 1
        while k >= 0 and assigned[k] is None and units[k].group == units[j].group:
            k -= 1
        if k >= 0 and assigned[k] is not None and units[k].group == units[j].group:
            assigned[j] = assigned[k]
            continue
        k = j + 1
        while k < n and assigned[k] is None and units[k].group == units[j].group:
            k += 1
        if k < n and assigned[k] is not None and units[k].group == units[j].group:
            assigned[j] = assigned[k]
