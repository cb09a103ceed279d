"""A skeleton script from a one-line brief, so `generate "<brief>"` works without an author.

Deterministic: the same brief, mode, aspect, locale and duration give the same script.json (the seed
drives palettes, layouts and motion downstream, not the words).
Sentences become scenes (short neighbours are merged so a scene says something), and each scene's
minimum duration is estimated from its word count; the narration stage lengthens scenes whose speech
runs longer, never shortens them.
"""

from __future__ import annotations

import re

from reelforge.errors import InvalidInputError
from reelforge.models.common import MAX_DURATION_SEC, MAX_SCENES, SCHEMA_VERSION
from reelforge.models.script import Scene, SceneVisual, Script
from reelforge.pipeline.pacing import DEFAULT_WORDS_PER_SEC

# The default voice's measured rate; only a first estimate: the narration stage fits drafted scenes to the speech.
WORDS_PER_SECOND = DEFAULT_WORDS_PER_SEC
MIN_SCENE_SEC = 2.5
SCENE_WORD_TARGET = 14
HEADLINE_WORDS = 7

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def normalize_brief(brief: str) -> str:
    text = " ".join(brief.split())
    if not text:
        raise InvalidInputError("the brief is empty", hint='pass a one-line brief: reelforge video generate "..."')
    return text


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def group_sentences(sentences: list[str], *, max_scenes: int = MAX_SCENES) -> list[str]:
    """Merge short sentences so each scene has about SCENE_WORD_TARGET words, keeping order."""
    groups: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        current.append(sentence)
        if sum(len(s.split()) for s in current) >= SCENE_WORD_TARGET * 0.6:
            groups.append(" ".join(current))
            current = []
    if current:
        if groups and sum(len(s.split()) for s in current) < 4:
            groups[-1] = f"{groups[-1]} {' '.join(current)}"
        else:
            groups.append(" ".join(current))
    while len(groups) > max_scenes:
        # Merge the shortest neighbouring pair until the limit holds.
        sizes = [len(groups[i].split()) + len(groups[i + 1].split()) for i in range(len(groups) - 1)]
        i = sizes.index(min(sizes))
        groups[i : i + 2] = [f"{groups[i]} {groups[i + 1]}"]
    return groups


def make_title(brief: str) -> str:
    first = split_sentences(brief)[0] if split_sentences(brief) else brief
    title = first.rstrip(".!?。！？ ")
    if len(title) > 64:
        title = title[:61].rstrip() + "…"
    return title or "Untitled"


def headline(narration: str) -> str:
    words = narration.split()
    text = " ".join(words[:HEADLINE_WORDS]).rstrip(",;:")
    if len(words) > HEADLINE_WORDS:
        text += "…"
    return text


def estimate_seconds(narration: str) -> float:
    return max(MIN_SCENE_SEC, round(len(narration.split()) / WORDS_PER_SECOND + 0.5, 1))


def skeleton_script(brief: str, *, mode: str, aspect: str, locale: str,
                    duration: float | None = None, transition: str = "fade") -> Script:
    """Build script.json from a brief: one scene per sentence group, durations from word counts."""
    text = normalize_brief(brief)
    groups = group_sentences(split_sentences(text)) or [text]
    seconds = [estimate_seconds(g) for g in groups]
    if duration is not None:
        # --duration is the target total: stretch the minimums to it (speech can still make scenes longer).
        scale = duration / sum(seconds)
        seconds = [max(1.0, round(s * scale, 2)) for s in seconds]
    total = sum(seconds)
    if total > MAX_DURATION_SEC:
        raise InvalidInputError(
            f"the brief would make a {total:.0f} s video; the limit is {MAX_DURATION_SEC:.0f} s",
            hint="shorten the brief, or write a script.json and pass --script")
    title = make_title(text)
    kind = "slide" if mode == "explainer" else "card"
    scenes = []
    for index, (narration, sec) in enumerate(zip(groups, seconds, strict=True), start=1):
        on_screen = [title] if index == 1 and len(groups) > 1 else [headline(narration)]
        scenes.append(Scene(
            id=f"scene-{index:02d}",
            durationSec=sec,
            narration=narration,
            onScreenText=on_screen,
            visual=SceneVisual(kind=kind, prompt=narration, source="skeleton"),
            transition=transition if index < len(groups) else None,
        ))
    return Script(schemaVersion=SCHEMA_VERSION, mode=mode, aspect=aspect, locale=locale, title=title,
                  scenes=scenes, music="none")
