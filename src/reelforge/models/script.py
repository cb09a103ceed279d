"""script.json: what the author asked for (the start of the determinism boundary).

Scripts written for the seed's own tool (oma video) are accepted as they are: its contract allows any
non-empty scene id (it sanitises ids itself before naming files), repeated ids, and any transition
string (its reference writer puts ``"none"`` on every last scene). Those are normalised here before
validation, and ``seed_compat_notes`` says what was changed so the run can warn about it.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from reelforge.models.common import (
    MAX_SCENES_ANY,
    SCENE_MAX_SEC,
    Aspect,
    Contract,
    Mode,
    SchemaVersion,
    TransitionKind,
    limits_for,
    longer_video_fix,
)

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_TRANSITION_SYNONYMS = {
    "cut": "cut", "hard-cut": "cut", "hardcut": "cut", "jump": "cut", "jump-cut": "cut",
    "fade": "fade", "dissolve": "fade", "crossfade": "fade", "cross-fade": "fade", "xfade": "fade",
    "fade-black": "fade", "fadeblack": "fade", "fade-in": "fade", "fade-out": "fade",
    "slide": "slide", "slide-left": "slide", "slide-right": "slide", "slide-up": "slide", "push": "slide",
    "wipe": "wipe", "wipe-left": "wipe", "wipe-right": "wipe",
}

VisualKind = Literal["still", "clip", "mixed", "slide", "code", "diagram", "chart", "capture", "card"]


class SceneVisual(Contract):
    kind: VisualKind = "still"
    prompt: str | None = None
    ref: str | None = Field(default=None, description="workspace-relative image/clip/source path")
    source: str | None = None


# Narration is checked against its mode's limit (models/common.py MODE_LIMITS) before any synthesis, at a
# rate faster than anyone speaks (so a real script is never refused): 5 words/s, or 12 characters/s for
# scripts written without spaces.
FASTEST_WORDS_PER_SEC = 5.0
FASTEST_CJK_CHARS_PER_SEC = 12.0


def fastest_speech_seconds(text: str) -> float:
    """The shortest time ``text`` can take to read aloud (a lower bound, not an estimate)."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)  # CJK, kana, hangul: no spaces between words
    words = len(text.split()) if wide == 0 else len([w for w in text.split() if not any(ord(c) >= 0x2E80
                                                                                          for c in w)])
    return words / FASTEST_WORDS_PER_SEC + wide / FASTEST_CJK_CHARS_PER_SEC


class Scene(Contract):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    duration_sec: float = Field(alias="durationSec", gt=0, le=SCENE_MAX_SEC,
                                description="minimum scene length; speech may make it longer, never shorter")
    narration: str = ""
    on_screen_text: list[str] = Field(default_factory=list, alias="onScreenText")
    visual: SceneVisual = Field(default_factory=SceneVisual)
    transition: TransitionKind | None = Field(default=None, description="transition out of this scene")

    @model_validator(mode="after")
    def _speakable(self) -> Scene:
        if "\x00" in self.narration:
            raise ValueError(f"scene {self.id!r}: narration contains a NUL character (\\0); remove it")
        seconds = fastest_speech_seconds(self.narration)
        if seconds > SCENE_MAX_SEC:  # the mode's own limit is checked by Script, which knows the mode
            raise ValueError(f"scene {self.id!r}: narration of {len(self.narration.split()):,} words takes at "
                             f"least {seconds:.0f} s to read aloud; a video is at most {SCENE_MAX_SEC:.0f} s in "
                             "any mode: shorten it or split it into a separate video")
        return self


class Script(Contract):
    schema_version: SchemaVersion = Field(alias="schemaVersion")
    mode: Mode
    aspect: Aspect
    locale: str = Field(min_length=1, max_length=35, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
    title: str = Field(min_length=1, max_length=200)
    # The mode's scene limit is checked with its length limit in _limits, so a script over both hears about
    # both; the schema carries the largest limit of any mode.
    scenes: list[Scene] = Field(min_length=1, json_schema_extra={"maxItems": MAX_SCENES_ANY})
    music: str = Field(default="none", description="'none' or a workspace-relative audio file")
    brand: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _seed_form(cls, data: Any) -> Any:
        return normalise_seed_form(data)[0]

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("title must not be blank")
        return value

    @model_validator(mode="after")
    def _limits(self) -> Script:
        limits = limits_for(self.mode)
        total = round(sum(s.duration_sec for s in self.scenes), 6)  # 0.1 s steps must not add up to 180.0000001
        over = []
        if len(self.scenes) > limits.max_scenes:
            over.append(f"{len(self.scenes)} scenes (the limit is {limits.max_scenes})")
        if total > limits.max_sec:
            over.append(f"scenes whose durationSec add up to {total:.1f} s (the limit is {limits.max_sec:.0f} s)")
        spoken = sum(fastest_speech_seconds(s.narration) for s in self.scenes)
        if spoken > limits.max_sec:
            longest = max(self.scenes, key=lambda s: fastest_speech_seconds(s.narration))
            over.append(f"narration that takes at least {spoken:.0f} s to read aloud (longest: scene "
                        f"{longest.id!r}; the limit is {limits.max_sec:.0f} s)")
        if over:
            article = "an" if self.mode[0] in "aeiou" else "a"
            raise ValueError(f"the {self.mode} script has " + " and ".join(over) + f"; {article} {self.mode} video "
                             f"is at most {limits.label} and {limits.max_scenes} scenes: {longer_video_fix(self.mode)}")
        ids = [s.id for s in self.scenes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"scene ids must be unique; repeated: {', '.join(dupes)}")
        return self


def _transition(value: Any, *, last: bool) -> tuple[Any, str | None]:
    """A seed transition hint in our vocabulary: 'none' is a hard cut (nothing after a last scene)."""
    if value is None or not isinstance(value, str):
        return value, None
    key = value.strip().lower().replace("_", "-").replace(" ", "-")
    if key in ("", "none"):
        return (None if last else "cut"), None
    if key in _TRANSITION_SYNONYMS:
        mapped = _TRANSITION_SYNONYMS[key]
        return mapped, (None if mapped == value else f"transition {value!r} read as {mapped!r}")
    return None, f"transition {value!r} is not one of cut, fade, slide, wipe; the default transition is used"


def normalise_seed_form(data: Any) -> tuple[Any, list[str]]:
    """Seed-form scene ids and transitions in our form, plus one note per change (pure; no I/O)."""
    if not isinstance(data, dict) or not isinstance(data.get("scenes"), list):
        return data, []
    notes: list[str] = []
    scenes = data["scenes"]
    seen: set[str] = set()
    out = []
    for index, scene in enumerate(scenes):
        if not isinstance(scene, dict):
            out.append(scene)
            continue
        scene = dict(scene)
        raw_id = scene.get("id")
        if isinstance(raw_id, str) and raw_id:
            safe = _ID_UNSAFE.sub("_", raw_id)[:64]
            unique, n = safe, 2
            while unique in seen:
                unique = f"{safe[:60]}-{n}"
                n += 1
            if unique != raw_id:
                scene["id"] = unique
                why = "repeats an earlier id" if safe == raw_id else "has characters outside A-Z a-z 0-9 _ -"
                notes.append(f"scene {index + 1} id {raw_id!r} {why}; renamed {unique!r}")
            seen.add(unique)
        if "transition" in scene:
            scene["transition"], note = _transition(scene["transition"], last=index == len(scenes) - 1)
            if note:
                notes.append(f"scene {index + 1}: {note}")
        out.append(scene)
    return {**data, "scenes": out}, notes


def seed_compat_notes(data: Any) -> list[str]:
    """What ``Script`` changes when it reads ``data`` written in the seed's form (for run warnings)."""
    return normalise_seed_form(data)[1]
