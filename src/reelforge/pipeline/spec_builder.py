"""script.json + timing.json + assets -> render-spec.json (pure: no I/O, no clock).

Frame maths: scene i covers [round(start_i * fps), round(end_i * fps)) of the timing segments, so
the picture follows the speech and the total frame count is exact. Motion and transition directions
come from the seed and the scene, never from the order of a dict or the clock.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from reelforge.models.common import FRAME_SIZES, SCHEMA_VERSION
from reelforge.models.render_spec import (
    AudioSpec,
    CaptionSpec,
    Dimensions,
    EncoderSpec,
    FileRef,
    FontRef,
    KenBurns,
    MusicSpec,
    RenderSpec,
    SceneSpec,
    SceneVisualSpec,
    Transition,
)
from reelforge.models.script import Script
from reelforge.models.timing import Segment, Timing
from reelforge.workspace.paths import video_file_name

FPS = 30
TRANSITION_FRAMES = {"fade": 12, "slide": 10, "wipe": 10}
# Two x264 slice threads: a segment alone (a rerun's last one) uses two cores, and the bytes are the same on
# any machine. 0 (auto) picks the slice count from the CPUs the process may use, so a 1-CPU and a 2-CPU run
# gave different files (measured); on 2 CPUs auto is 2, so this gives the bytes auto gave there.
ENCODER_THREADS = 2
COMPOSITIONS = {"shorts": "Shorts", "explainer": "Explainer", "demo": "Demo"}


@dataclass(frozen=True)
class VisualAsset:
    """One scene's chosen visual, as the visual stage produced it."""

    scene_id: str
    src: str
    sha256: str
    type: str  # "image" | "video"
    provider: str
    ken_burns: KenBurns | None = None  # planned by the visual stage; None for video and text-heavy frames


@dataclass(frozen=True)
class SpecInputs:
    script: Script
    timing: Timing
    visuals: list[VisualAsset]
    slug: str
    seed: int
    caption_style: str
    platform: str
    captions_file: FileRef | None = None
    fonts: tuple[FontRef, ...] = ()
    narration: FileRef | None = None
    music: FileRef | None = None
    music_gain_db: float = -18.0
    default_transition: str = "fade"
    crf: int = 21
    preset: str = "veryfast"


def scene_frames(timing: Timing, fps: int = FPS) -> list[tuple[int, int]]:
    """(fromFrame, durationInFrames) per segment. Boundaries are rounded once and shared by the
    neighbouring scenes, so scenes tile the timeline exactly and nothing drifts."""
    segments = timing.segments
    bounds = [0] + [round(seg.start_sec * fps) for seg in segments[1:]] + [round(segments[-1].end_sec * fps)]
    frames: list[tuple[int, int]] = []
    cursor = 0
    for i in range(len(segments)):
        end = max(cursor + 1, bounds[i + 1])
        frames.append((cursor, end - cursor))
        cursor = end
    return frames


def quiet_tail_frames(segment: Segment, end_frame: int, fps: int = FPS) -> int | None:
    """Whole frames at the end of a scene after its last word is spoken; None when nothing is said."""
    if segment.speech_end_sec is not None:
        last = segment.speech_end_sec
    elif segment.words:
        last = segment.words[-1].end_sec
    else:
        return None
    return max(0, end_frame - math.ceil(last * fps - 1e-6))


def transition_for(kind: str, seed: int, scene_id: str, this_frames: int, next_frames: int,
                   quiet_frames: int | None = None) -> Transition:
    """The transition out of a scene. It runs over the scene's last frames, so it is kept inside the
    silence after the scene's speech (``quiet_frames``): a crossfade never starts while a word is said."""
    if kind == "cut":
        return Transition(kind="cut", durationFrames=0)
    want = TRANSITION_FRAMES[kind]
    frames = min(want, this_frames // 2, next_frames // 2)
    if quiet_frames is not None:
        frames = min(frames, quiet_frames)
    if frames < 2:
        return Transition(kind="cut", durationFrames=0)
    rng = random.Random(f"transition:{seed}:{scene_id}")
    direction = rng.choice(["left", "right", "up", "down"])
    return Transition(kind=kind, durationFrames=frames, direction=direction)  # type: ignore[arg-type]


def build_render_spec(inputs: SpecInputs) -> RenderSpec:
    script = inputs.script
    width, height = FRAME_SIZES[script.aspect]
    frames = scene_frames(inputs.timing)
    visuals = {v.scene_id: v for v in inputs.visuals}
    scenes: list[SceneSpec] = []
    for i, scene in enumerate(script.scenes):
        start, length = frames[i]
        visual = visuals[scene.id]
        ken_burns = visual.ken_burns if visual.type == "image" else None
        if i + 1 < len(script.scenes):
            kind = scene.transition or inputs.default_transition
            quiet = quiet_tail_frames(inputs.timing.segments[i], start + length)
            transition = transition_for(kind, inputs.seed, scene.id, length, frames[i + 1][1], quiet)
        else:
            transition = Transition(kind="cut", durationFrames=0)
        scenes.append(SceneSpec(
            id=scene.id, fromFrame=start, durationInFrames=length,
            visual=SceneVisualSpec(src=visual.src, sha256=visual.sha256, type=visual.type,  # type: ignore[arg-type]
                                   kenBurns=ken_burns, provider=visual.provider),
            transitionOut=transition,
        ))
    music = None
    if inputs.music is not None:
        music = MusicSpec(src=inputs.music.src, sha256=inputs.music.sha256, gainDb=inputs.music_gain_db)
    return RenderSpec(
        schemaVersion=SCHEMA_VERSION,
        composition=COMPOSITIONS[script.mode],  # type: ignore[arg-type]
        slug=inputs.slug,
        output=video_file_name(script.mode, script.aspect, inputs.slug),
        dimensions=Dimensions(width=width, height=height),
        durationInFrames=sum(length for _, length in frames),
        scenes=scenes,
        audio=AudioSpec(narration=inputs.narration, music=music),
        captions=CaptionSpec(style=inputs.caption_style, platform=inputs.platform,  # type: ignore[arg-type]
                             file=inputs.captions_file, fonts=list(inputs.fonts)),
        encoder=EncoderSpec(crf=inputs.crf, preset=inputs.preset, threads=ENCODER_THREADS),
        seed=inputs.seed,
    )
