"""timing.json: when each word is spoken, absolute on the video timeline."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from reelforge.models.common import Contract, NonNegFloat, SchemaVersion

TimingSource = Literal["tts-native", "stt", "estimated"]


class Word(Contract):
    t: str = Field(min_length=1, description="the word as written in the script")
    start_sec: NonNegFloat = Field(alias="startSec")
    end_sec: NonNegFloat = Field(alias="endSec")

    @model_validator(mode="after")
    def _positive(self) -> Word:
        if self.end_sec <= self.start_sec:
            raise ValueError(f"word '{self.t}': endSec must be greater than startSec")
        return self


class Segment(Contract):
    scene_id: str = Field(alias="sceneId", min_length=1)
    start_sec: NonNegFloat = Field(alias="startSec")
    end_sec: NonNegFloat = Field(alias="endSec")
    audio: str | None = Field(default=None, description="run-relative narration wav of this scene")
    speech_start_sec: NonNegFloat | None = Field(default=None, alias="speechStartSec")
    speech_end_sec: NonNegFloat | None = Field(default=None, alias="speechEndSec")
    words: list[Word] = Field(default_factory=list)

    @model_validator(mode="after")
    def _inside(self) -> Segment:
        if self.end_sec <= self.start_sec:
            raise ValueError("endSec must be greater than startSec")
        last = self.start_sec
        eps = 1e-6
        for i, w in enumerate(self.words):
            if w.start_sec < last - eps:
                raise ValueError(f"words.{i} starts before the previous word ends (or before the segment)")
            if w.end_sec > self.end_sec + eps:
                raise ValueError(f"words.{i} ends after the segment")
            last = w.end_sec
        return self


class Timing(Contract):
    schema_version: SchemaVersion = Field(alias="schemaVersion")
    source: TimingSource
    audio: str = Field(default="", description="run-relative narration track of the whole timeline; '' if silent")
    total_sec: NonNegFloat = Field(alias="totalSec")
    segments: list[Segment] = Field(min_length=1)
    voice: str | None = Field(default=None, description="voice profile used, or null when silent")

    @model_validator(mode="after")
    def _ordered(self) -> Timing:
        eps = 1e-6
        prev_end = 0.0
        for i, seg in enumerate(self.segments):
            if seg.start_sec < prev_end - eps:
                raise ValueError(f"segments.{i} overlaps the previous segment or is out of order")
            prev_end = seg.end_sec
        if prev_end > self.total_sec + eps:
            raise ValueError("totalSec is shorter than the last segment")
        return self
