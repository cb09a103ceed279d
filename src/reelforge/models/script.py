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


class Scene(Contract):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    duration_sec: float = Field(alias="durationSec", gt=0, le=MAX_DURATION_SEC,
                                description="minimum scene length; speech may make it longer, never shorter")
    narration: str = ""
    on_screen_text: list[str] = Field(default_factory=list, alias="onScreenText")
    visual: SceneVisual = Field(default_factory=SceneVisual)
    transition: TransitionKind | None = Field(default=None, description="transition out of this scene")


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
        ids = [s.id for s in self.scenes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"scene ids must be unique; repeated: {', '.join(dupes)}")
        return self
