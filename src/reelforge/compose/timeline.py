"""The timeline as pieces and segments. Pure: derived from the render-spec alone.

Scene i owns output frames [fromFrame, fromFrame + durationInFrames). A transition out of scene i of d
frames starts scene i+1's clip d frames early and mixes the two over the last d frames of scene i, so the
total stays durationInFrames and scene boundaries stay where the narration expects them.

The output is cut into pieces: a *solo* piece shows one clip, a *transition* piece mixes the outgoing and
the incoming clip. Only transition frames are mixed: between two Ken Burns stills by the feeder
(compose/transition_frames.py), any other by ffmpeg's xfade (~3 ms a frame even outside its transition,
measured). Consecutive pieces are grouped into segments that render in separate ffmpeg processes and are
joined without re-encoding; a transition between two stills is a segment of its own, so an edit of one
scene re-encodes only that scene's frames and its two transitions. A segment boundary never falls inside a
transition, nor inside footage (footage is decoded from its start, so it stays in one process).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from reelforge.models.render_spec import RenderSpec

# Frames an outgoing clip runs past the end of its transition. xfade only notices a transition is over
# from a frame past its end, or from its first input's EOF; the EOF path races with the other input and
# gave a different picture run to run (measured), so the outgoing clip carries a short tail xfade drops.
XFADE_TAIL = 2


@dataclass(frozen=True)
class SceneClip:
    """Where one scene's clip sits in the output: it starts ``lead_in`` frames before its scene (the
    incoming transition) and its move (Ken Burns) spans ``frames`` frames."""

    index: int
    start: int
    frames: int
    lead_in: int


@dataclass(frozen=True)
class Piece:
    """Output frames [start, start + frames). A solo piece shows clip ``scene`` from ``offset`` (frames into
    the clip); a transition piece (``into`` set) mixes clip ``scene`` from ``offset`` into clip ``into``
    from its first frame."""

    start: int
    frames: int
    scene: int
    offset: int
    into: int | None = None

    @property
    def end(self) -> int:
        return self.start + self.frames

    @property
    def is_transition(self) -> bool:
        return self.into is not None


@dataclass(frozen=True)
class Segment:
    """Output frames [start, end) rendered by one ffmpeg process."""

    index: int
    start: int
    end: int
    pieces: tuple[Piece, ...]

    @property
    def frames(self) -> int:
        return self.end - self.start

    def scenes(self) -> list[int]:
        """Every clip this segment draws from, in order."""
        seen: list[int] = []
        for p in self.pieces:
            for s in (p.scene, p.into):
                if s is not None and s not in seen:
                    seen.append(s)
        return seen


def scene_clips(spec: RenderSpec) -> list[SceneClip]:
    clips: list[SceneClip] = []
    for i, scene in enumerate(spec.scenes):
        lead = spec.scenes[i - 1].transition_out.duration_frames if i else 0
        clips.append(SceneClip(i, scene.from_frame - lead, scene.duration_in_frames + lead, lead))
    return clips


def pieces(spec: RenderSpec) -> list[Piece]:
    """Solo and transition pieces covering the output exactly once, in order."""
    clips = scene_clips(spec)
    out: list[Piece] = []
    for i, scene in enumerate(spec.scenes):
        d_out = scene.transition_out.duration_frames
        solo_start = scene.from_frame
        solo_frames = scene.duration_in_frames - d_out
        if solo_frames > 0:
            out.append(Piece(solo_start, solo_frames, i, solo_start - clips[i].start))
        if d_out:
            start = scene.from_frame + scene.duration_in_frames - d_out
            out.append(Piece(start, d_out, i, start - clips[i].start, into=i + 1))
    return out


def _cuttable(spec: RenderSpec, all_pieces: list[Piece]) -> list[bool]:
    """allowed[f]: may a segment start at output frame f? Piece starts always; frames inside a solo piece
    of a still too; never inside a transition or inside footage."""
    allowed = [False] * (spec.duration_in_frames + 1)
    for p in all_pieces:
        allowed[p.start] = True
        if not p.is_transition and spec.scenes[p.scene].visual.type == "image":
            for f in range(p.start, p.end):
                allowed[f] = True
    allowed[spec.duration_in_frames] = True
    return allowed


def _isolated_transitions(spec: RenderSpec, all_pieces: list[Piece]) -> list[int]:
    """Cuts on both sides of every transition between two stills: each such transition is a segment of its
    own. A transition belongs to two scenes, so inside a longer segment it made an edit of either scene
    re-encode that whole segment too (an edited 6 s scene re-encoded 270 frames; with its two transitions
    apart, 192). Measured on the 10-scene bench short: +2 % bytes and +3 % CPU for the whole render.
    Transitions to or from footage stay inside segments (footage is decoded from its start in each)."""
    cuts: set[int] = set()
    for p in all_pieces:
        if p.is_transition and p.into is not None and all(
                spec.scenes[i].visual.type == "image" for i in (p.scene, p.into)):
            cuts.update((p.start, p.end))
    return sorted(c for c in cuts if 0 < c < spec.duration_in_frames)


def segment_bounds(spec: RenderSpec, target: int) -> list[int]:
    """Cut frames 0 = b0 < b1 < ... < bn = total: transitions between stills on their own, the rest about
    ``target`` frames apart, preferring scene starts within half a target of the ideal cut (a still split in
    two is decoded and scaled twice)."""
    total = spec.duration_in_frames
    all_pieces = pieces(spec)
    allowed = _cuttable(spec, all_pieces)
    scene_starts = [s.from_frame for s in spec.scenes[1:]]
    bounds = [0]
    half = max(target // 2, 1)
    if total <= target + half:  # one segment: nothing to rerun apart
        return [0, total]
    for end in [*_isolated_transitions(spec, all_pieces), total]:
        while end - bounds[-1] > target + half:
            ideal = bounds[-1] + target
            near = [s for s in scene_starts if bounds[-1] + half <= s <= ideal + half]
            if near:
                cut = min(near, key=lambda s: (abs(s - ideal), s))
            else:
                cut = ideal
                while not allowed[cut]:
                    cut += 1
            if cut > end - half:
                break
            bounds.append(cut)
        bounds.append(end)
    return bounds


def plan_segments(spec: RenderSpec, target: int | None = None) -> list[Segment]:
    """The pieces grouped into segments of about ``target`` frames (default: encoder.segmentFrames)."""
    bounds = segment_bounds(spec, target or spec.encoder.segment_frames)
    all_pieces = pieces(spec)
    segments: list[Segment] = []
    for k, (a, b) in enumerate(itertools.pairwise(bounds)):
        inside: list[Piece] = []
        for p in all_pieces:
            lo, hi = max(p.start, a), min(p.end, b)
            if lo >= hi:
                continue
            if p.is_transition and (lo, hi) != (p.start, p.end):
                raise AssertionError(f"segment [{a}, {b}) cuts transition piece at {p.start}")
            inside.append(Piece(lo, hi - lo, p.scene, p.offset + (lo - p.start), p.into))
        segments.append(Segment(k, a, b, tuple(inside)))
    return segments
