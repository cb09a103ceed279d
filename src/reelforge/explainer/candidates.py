"""A scene the draft may use, and the deterministic choice of which ones fit the limits."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from reelforge.explainer.markdown import sentences
from reelforge.text.speech_rate import DEFAULT_WORDS_PER_SEC, scene_seconds

WORDS_PER_SEC = DEFAULT_WORDS_PER_SEC  # measured for the default voice (text/speech_rate.py)
MIN_SCENE_SEC = 1.0
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
    section: str = ""  # the README section it belongs to (for the section map)
    wps: float = DEFAULT_WORDS_PER_SEC

    @property
    def duration(self) -> float:
        return estimate_duration(self.narration, self.wps)


def word_count(text: str) -> int:
    return len(text.split())


def estimate_duration(text: str, wps: float = DEFAULT_WORDS_PER_SEC) -> float:
    """Seconds of speech at the voice's measured pace plus a breath (pacing fits drafted scenes to the
    speech), rounded up to 0.1 s."""
    return scene_seconds(text, wps, minimum=MIN_SCENE_SEC)


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
    sentence = re.sub(r"\s*(\.{3}|…)\s*$", ".", re.sub(r"(\.{3}|…)(?=\s)", ",", sentence))
    sentence = "".join(ch for ch in sentence if unicodedata.category(ch) not in ("So", "Sk", "Mn", "Cf")
                       or ch in "'’")
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


def select_window(candidates: list[Candidate], *, max_scenes: int, low_sec: float, high_sec: float) -> list[Candidate]:
    """Pinned first; then the set of candidates whose total lands in [low_sec, high_sec] with the highest
    summed score (a knapsack over 0.1 s steps), or the fullest set under high_sec when none lands there.
    Kept in material order."""
    pinned = [c for c in candidates if c.pinned]
    rest = [c for c in candidates if not c.pinned]
    used = sum(c.duration for c in pinned)
    lo, hi = round((low_sec - used) * 10), round((high_sec - used) * 10)
    best: dict[int, tuple[float, int, tuple[int, ...]]] = {0: (0.0, 0, ())}
    if hi > 0:
        for i, cand in enumerate(rest):
            cost = round(cand.duration * 10)
            value = max(cand.score, 0.1) * min(1.0, cand.duration / 6.0)  # a 2 s aside is worth less
            for total, (score, count, picked) in list(best.items()):
                t = total + cost
                if t > hi or count + 1 + len(pinned) > max_scenes:
                    continue
                if t not in best or best[t][0] < score + value:
                    best[t] = (score + value, count + 1, (*picked, i))
    # Estimates are within about 6 % of the spoken length, so aim at the middle of the window: the choice
    # nearest it wins in 2 s steps, and within a step the most important one.
    mid = (lo + hi) / 2
    in_range = [t for t in best if t >= lo]
    chosen_t = max(in_range, key=lambda t: (-round(abs(t - mid) / 20), best[t][0])) if in_range else max(best)
    chosen = pinned + [rest[i] for i in best[chosen_t][2]]
    return sorted(chosen, key=lambda c: (c.order, candidates.index(c)))
