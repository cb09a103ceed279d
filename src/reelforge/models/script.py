"""script.json: what the author asked for (the start of the determinism boundary)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from reelforge.models.common import (
    MAX_DURATION_SEC,
    MAX_SCENES,
    Aspect,
    Contract,
    Mode,
    SchemaVersion,
    TransitionKind,
)

VisualKind = Literal["still", "clip", "mixed", "slide", "code", "diagram", "chart", "capture", "card"]


class SceneVisual(Contract):
    kind: VisualKind = "still"
    prompt: str | None = None
    ref: str | None = Field(default=None, description="workspace-relative image/clip/source path")
    source: str | None = None


# Narration is checked against the 180 s limit before any synthesis, at a rate faster than anyone speaks
# (so a real script is never refused): 5 words/s, or 12 characters/s for scripts written without spaces.
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
    duration_sec: float = Field(alias="durationSec", gt=0, le=MAX_DURATION_SEC,
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
        if seconds > MAX_DURATION_SEC:
            raise ValueError(f"scene {self.id!r}: narration of {len(self.narration.split()):,} words takes at "
                             f"least {seconds:.0f} s to read aloud; a video is at most {MAX_DURATION_SEC:.0f} s: "
                             "shorten it or split it into a separate video")
        return self


class Script(Contract):
    schema_version: SchemaVersion = Field(alias="schemaVersion")
    mode: Mode
    aspect: Aspect
    locale: str = Field(min_length=1, max_length=35, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
    title: str = Field(min_length=1, max_length=200)
    scenes: list[Scene] = Field(min_length=1, max_length=MAX_SCENES)
    music: str = Field(default="none", description="'none' or a workspace-relative audio file")
    brand: dict[str, Any] = Field(default_factory=dict)

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("title must not be blank")
        return value

    @model_validator(mode="after")
    def _limits(self) -> Script:
        total = sum(s.duration_sec for s in self.scenes)
        if total > MAX_DURATION_SEC:
            raise ValueError(f"scenes add up to {total:.1f} s; the limit is {MAX_DURATION_SEC:.0f} s")
        spoken = sum(fastest_speech_seconds(s.narration) for s in self.scenes)
        if spoken > MAX_DURATION_SEC:
            longest = max(self.scenes, key=lambda s: fastest_speech_seconds(s.narration))
            raise ValueError(f"the narration takes at least {spoken:.0f} s to read aloud (longest: scene "
                             f"{longest.id!r}); a video is at most {MAX_DURATION_SEC:.0f} s")
        ids = [s.id for s in self.scenes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"scene ids must be unique; repeated: {', '.join(dupes)}")
        return self
