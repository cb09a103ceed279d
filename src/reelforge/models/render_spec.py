"""render-spec.json: the whole input of the render (with the files it names and their hashes)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from reelforge.models.common import (
    CaptionStyle,
    Contract,
    Platform,
    SchemaVersion,
    Sha256,
    TransitionKind,
)

Composition = Literal["Shorts", "Explainer", "Demo"]
VisualType = Literal["image", "video"]


class FileRef(Contract):
    """A file the render reads: run-relative path plus the sha256 it must still have."""

    src: str = Field(min_length=1, description="run-relative path")
    sha256: Sha256


class KenBurns(Contract):
    """A smooth zoom/pan from (startZoom, startX, startY) to (endZoom, endX, endY); x/y are the
    centre of the view as fractions of the source (0..1)."""

    start_zoom: float = Field(alias="startZoom", ge=1.0, le=2.0)
    end_zoom: float = Field(alias="endZoom", ge=1.0, le=2.0)
    start_x: float = Field(alias="startX", ge=0.0, le=1.0)
    start_y: float = Field(alias="startY", ge=0.0, le=1.0)
    end_x: float = Field(alias="endX", ge=0.0, le=1.0)
    end_y: float = Field(alias="endY", ge=0.0, le=1.0)


class Transition(Contract):
    kind: TransitionKind = "cut"
    duration_frames: int = Field(default=0, alias="durationFrames", ge=0, le=60)
    direction: Literal["left", "right", "up", "down"] = "left"

    @model_validator(mode="after")
    def _cut_has_no_length(self) -> Transition:
        if self.kind == "cut" and self.duration_frames != 0:
            raise ValueError("a cut has durationFrames 0")
        if self.kind != "cut" and self.duration_frames == 0:
            raise ValueError(f"a {self.kind} transition needs durationFrames > 0")
        return self


class SceneVisualSpec(FileRef):
    type: VisualType
    clip_start_sec: float = Field(default=0.0, alias="clipStartSec", ge=0,
                                  description="for video: where in the clip this scene starts")
    ken_burns: KenBurns | None = Field(default=None, alias="kenBurns")
    provider: str = Field(min_length=1)


class SceneSpec(Contract):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    from_frame: int = Field(alias="fromFrame", ge=0)
    duration_in_frames: int = Field(alias="durationInFrames", gt=0)
    visual: SceneVisualSpec
    transition_out: Transition = Field(default_factory=Transition, alias="transitionOut")


class FontRef(FileRef):
    family: str = Field(min_length=1, description="family name libass must match exactly")


class CaptionSpec(Contract):
    style: CaptionStyle
    platform: Platform = "generic"
    file: FileRef | None = Field(default=None, description="captions.ass burned in by libass")
    fonts: list[FontRef] = Field(default_factory=list)


class MusicSpec(FileRef):
    gain_db: float = Field(alias="gainDb", ge=-60, le=0)
    duck: bool = True
    fade_out_sec: float = Field(default=2.0, alias="fadeOutSec", ge=0, le=10)


class AudioSpec(Contract):
    narration: FileRef | None = None
    music: MusicSpec | None = None
    target_lufs: float = Field(default=-14.0, alias="targetLufs", ge=-40, le=-5)
    true_peak_db: float = Field(default=-1.0, alias="truePeakDb", ge=-9, le=0)
    sample_rate: int = Field(default=48000, alias="sampleRate")


class EncoderSpec(Contract):
    """x264/AAC settings. The video is encoded in segments of about ``segmentFrames`` frames, each by its
    own ffmpeg with ``threads`` x264 threads (1: single-threaded x264, the cheapest per frame; more: that
    many slice threads, so one segment can use several cores). The bytes depend on these two values, never
    on how many segments run at once or how many CPUs the machine has. 0 lets x264 pick the slice count
    from the CPUs, so its bytes differ between machines (measured: 1 CPU against 2); `video generate`
    writes 2.

    90 frames (3 s) by default: a rerun that changes one 6 s scene re-encodes its two segments side by
    side instead of one after the other. The price, measured on the bench short: a keyframe every 3 s
    instead of every scene, ~10 % more bytes at the same CRF and ~5 % more x264 CPU."""

    video_codec: Literal["libx264"] = Field(default="libx264", alias="videoCodec")
    preset: str = "veryfast"
    crf: int = Field(default=21, ge=0, le=51)
    profile: Literal["high"] = "high"
    pix_fmt: Literal["yuv420p"] = Field(default="yuv420p", alias="pixFmt")
    threads: int = Field(default=1, ge=0, le=64,
                         description="x264 slice threads per segment (0: x264 picks by CPU count, machine-dependent)")
    segment_frames: int = Field(default=90, alias="segmentFrames", ge=30,
                                description="target frames per independently encoded segment")
    audio_codec: Literal["aac"] = Field(default="aac", alias="audioCodec")
    audio_bitrate: str = Field(default="160k", alias="audioBitrate")


class Dimensions(Contract):
    width: int = Field(gt=0, le=4096)
    height: int = Field(gt=0, le=4096)

    @model_validator(mode="after")
    def _even(self) -> Dimensions:
        if self.width % 2 or self.height % 2:
            raise ValueError("width and height must be even for yuv420p")
        return self


class RenderSpec(Contract):
    schema_version: SchemaVersion = Field(alias="schemaVersion")
    compositor: Literal["ffmpeg"] = "ffmpeg"
    composition: Composition
    slug: str = Field(min_length=1, max_length=60)
    output: str = Field(min_length=1, description="run-relative output file name, <mode>-<slug>.mp4")
    fps: Literal[30] = 30
    dimensions: Dimensions
    duration_in_frames: int = Field(alias="durationInFrames", gt=0)
    background: str = Field(default="#0f1117", pattern=r"^#[0-9a-fA-F]{6}$")
    scenes: list[SceneSpec] = Field(min_length=1)
    audio: AudioSpec = Field(default_factory=AudioSpec)
    captions: CaptionSpec
    encoder: EncoderSpec = Field(default_factory=EncoderSpec)
    seed: int

    @model_validator(mode="after")
    def _frames(self) -> RenderSpec:
        expected = 0
        for i, scene in enumerate(self.scenes):
            if scene.from_frame != expected:
                raise ValueError(f"scenes.{i}.fromFrame is {scene.from_frame}; expected {expected}")
            expected += scene.duration_in_frames
            t = scene.transition_out
            if t.duration_frames:
                if i == len(self.scenes) - 1:
                    raise ValueError(f"scenes.{i}: the last scene cannot have a transition out")
                nxt = self.scenes[i + 1].duration_in_frames
                if t.duration_frames * 2 > min(scene.duration_in_frames, nxt):
                    raise ValueError(f"scenes.{i}.transitionOut is longer than half of a neighbouring scene")
        if expected != self.duration_in_frames:
            raise ValueError(f"durationInFrames is {self.duration_in_frames}; the scenes add up to {expected}")
        return self

    def files(self) -> list[FileRef]:
        """Every file the render reads, in a stable order."""
        refs: list[FileRef] = [s.visual for s in self.scenes]
        if self.captions.file:
            refs.append(self.captions.file)
        refs.extend(self.captions.fonts)
        if self.audio.narration:
            refs.append(self.audio.narration)
        if self.audio.music:
            refs.append(self.audio.music)
        return refs
