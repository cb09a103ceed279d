"""A scene the draft may use, and the deterministic choice of which ones fit the limits."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from reelforge.explainer.markdown import sentences

WORDS_PER_SEC = 2.8
MIN_SCENE_SEC = 3.0
MAX_NARRATION_WORDS = 45
MAX_BULLET_WORDS = 22


@dataclass
class Candidate:
    kind: str  # slide | code | diagram | chart
    ref: str
    narration: str
    on_screen: list[str] = field(default_factory=list)
    score: float = 0.0
    order: float = 0.0  # position in the material; the video follows it
    pinned: bool = False  # always kept (the hook)

    @property
    def duration(self) -> float:
        return estimate_duration(self.narration)


def word_count(text: str) -> int:
    return len(text.split())


def estimate_duration(text: str) -> float:
    """Seconds of speech at ~2.8 words/s, never under 3 s, rounded up to 0.1 s."""
    return max(MIN_SCENE_SEC, math.ceil(word_count(text) / WORDS_PER_SEC * 10) / 10)


def trim_words(text: str, limit: int, *, ellipsis: str = "…") -> str:
    words = text.split()
    if len(words) <= limit:
        return text.strip()
    return " ".join(words[:limit]).rstrip(",;:") + ellipsis


def narration_from(parts: list[str], limit: int = MAX_NARRATION_WORDS) -> str:
    """Whole sentences, in order, until the word budget is used; a first over-long sentence is cut."""
    chosen: list[str] = []
    used = 0
    for part in parts:
        for sentence in sentences(part):
            sentence = _speakable(sentence)
            n = word_count(sentence)
            if not n:
                continue
            if used + n > limit:
                if not chosen:
                    chosen.append(trim_words(sentence, limit, ellipsis="."))
                return " ".join(chosen)
            chosen.append(sentence if sentence[-1] in ".!?…" else sentence + ".")
            used += n
    return " ".join(chosen)


def _speakable(sentence: str) -> str:
    """What a voice should not read out: leftover markup characters and trailing colons."""
    sentence = re.sub(r"[`*#<>|\\]", "", sentence).lstrip(".… ")
    sentence = re.sub(r"\s+", " ", sentence).strip()
    return re.sub(r"[:;,]\s*$", ".", sentence)


def select(candidates: list[Candidate], *, max_scenes: int, max_total_sec: float) -> list[Candidate]:
    """Pinned first, then by score (ties by material order) while the scene and time budgets allow."""
    ranked = sorted(enumerate(candidates), key=lambda p: (not p[1].pinned, -p[1].score, p[1].order, p[0]))
    chosen: list[tuple[int, Candidate]] = []
    total = 0.0
    for index, cand in ranked:
        if len(chosen) >= max_scenes:
            break
        if total + cand.duration > max_total_sec + 1e-9:
            continue
        chosen.append((index, cand))
        total += cand.duration
    chosen.sort(key=lambda p: (p[1].order, p[0]))
    return [c for _, c in chosen]
