"""`--polish`: turn a render-spec into one whose scenes are segments of capture.mp4 (pure, no I/O).

The footage is the picture: each scene shows capture.mp4 from ``clipStartSec`` = the scene's own
start on the timeline, so narration, captions and callouts are laid over the recording without
ever hiding it. ``--zoom t:x,y`` points become short scenes with a zoom in, a hold and a zoom out
(kenBurns on a video visual); the compositor must honour kenBurns and clipStartSec on video scenes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from reelforge.capture.result import CAPTURE_FILE, CaptureAsset
from reelforge.errors import InvalidInputError
from reelforge.models.render_spec import KenBurns, RenderSpec, SceneSpec, SceneVisualSpec, Transition

FPS = 30
ZOOM = 1.6
ZOOM_IN_FRAMES = 12
ZOOM_HOLD_FRAMES = 45
ZOOM_OUT_FRAMES = 12
_ZOOM_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*:\s*(\d*\.?\d+)\s*,\s*(\d*\.?\d+)\s*$")


@dataclass(frozen=True)
class ZoomPoint:
    """Zoom into (x, y) (fractions of the frame, 0..1) at ``t`` seconds of the footage."""

    t: float
    x: float
    y: float


def parse_zoom(value: str) -> ZoomPoint:
    """``--zoom 12.5:0.30,0.70`` -> ZoomPoint(12.5, 0.3, 0.7)."""
    match = _ZOOM_RE.match(value)
    hint = "write --zoom SECONDS:X,Y with X and Y as fractions of the frame, e.g. --zoom 12.5:0.30,0.70"
    if not match:
        raise InvalidInputError(f"--zoom {value!r} is not SECONDS:X,Y", hint=hint)
    t, x, y = (float(g) for g in match.groups())
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise InvalidInputError(f"--zoom {value!r}: X and Y must be between 0 and 1", hint=hint)
    return ZoomPoint(t, x, y)


def _centre(value: float, zoom: float) -> float:
    room = 0.5 / zoom
    return round(min(max(value, room), 1 - room), 4)


def _zoom_pieces(point: ZoomPoint) -> list[tuple[int, int, KenBurns]]:
    """(start frame, frames, motion) of the in / hold / out pieces of one zoom."""
    cx, cy = _centre(point.x, ZOOM), _centre(point.y, ZOOM)
    start = round(point.t * FPS)
    return [
        (start, ZOOM_IN_FRAMES, KenBurns(startZoom=1.0, endZoom=ZOOM, startX=0.5, startY=0.5, endX=cx, endY=cy)),
        (start + ZOOM_IN_FRAMES, ZOOM_HOLD_FRAMES,
         KenBurns(startZoom=ZOOM, endZoom=ZOOM, startX=cx, startY=cy, endX=cx, endY=cy)),
        (start + ZOOM_IN_FRAMES + ZOOM_HOLD_FRAMES, ZOOM_OUT_FRAMES,
         KenBurns(startZoom=ZOOM, endZoom=1.0, startX=cx, startY=cy, endX=0.5, endY=0.5)),
    ]


def _part_of(piece: tuple[int, int, KenBurns], a: int, b: int) -> KenBurns:
    """The slice [a, b) of a zoom piece that a scene boundary cut: the motion continues, it does not restart."""
    start, frames, kb = piece
    fa, fb = (a - start) / frames, (b - start) / frames

    def lerp(x: float, y: float, f: float) -> float:
        return round(x + (y - x) * f, 4)

    return KenBurns(startZoom=lerp(kb.start_zoom, kb.end_zoom, fa), endZoom=lerp(kb.start_zoom, kb.end_zoom, fb),
                    startX=lerp(kb.start_x, kb.end_x, fa), endX=lerp(kb.start_x, kb.end_x, fb),
                    startY=lerp(kb.start_y, kb.end_y, fa), endY=lerp(kb.start_y, kb.end_y, fb))


def build_polish_spec(spec: RenderSpec, capture: CaptureAsset, zooms: list[ZoomPoint] | tuple[ZoomPoint, ...] = ()
                      ) -> RenderSpec:
    """Re-point every scene at the footage, extend the timeline to the footage's end, add zoom scenes."""
    total = max(spec.duration_in_frames, capture.frames)
    motions: list[tuple[int, int, KenBurns]] = []
    for point in sorted(zooms, key=lambda p: p.t):
        pieces = _zoom_pieces(point)
        end = pieces[-1][0] + pieces[-1][1]
        if end > total:
            raise InvalidInputError(f"--zoom at {point.t:g} s runs past the end of the video ({total / FPS:.2f} s)",
                                    hint="zoom earlier; a zoom lasts about 2.3 s")
        if motions and pieces[0][0] < motions[-1][0] + motions[-1][1]:
            raise InvalidInputError(f"--zoom at {point.t:g} s overlaps the previous zoom",
                                    hint="keep zoom points at least 2.3 s apart")
        motions.extend(pieces)

    # Cut the timeline at every scene start and every zoom-piece boundary.
    owners: list[tuple[int, SceneSpec]] = [(s.from_frame, s) for s in spec.scenes]
    cuts = sorted({0, total, *(f for f, _ in owners), *(m[0] for m in motions), *(m[0] + m[1] for m in motions)})
    scenes: list[SceneSpec] = []
    counts: dict[str, int] = {}
    for a, b in pairwise(cuts):
        if b <= a:
            continue
        owner = next(s for f, s in reversed(owners) if f <= a)
        piece = next((m for m in motions if m[0] <= a < m[0] + m[1]), None)
        motion = _part_of(piece, a, b) if piece else None
        n = counts[owner.id] = counts.get(owner.id, 0) + 1
        scene_id = owner.id if n == 1 else f"{owner.id}-{n}"
        scenes.append(SceneSpec(
            id=scene_id, fromFrame=a, durationInFrames=b - a, transitionOut=Transition(kind="cut", durationFrames=0),
            visual=SceneVisualSpec(src=CAPTURE_FILE, sha256=capture.sha256, type="video",
                                   clipStartSec=round(a / FPS, 6), kenBurns=motion, provider="capture")))
    data = spec.to_json_dict()
    data["scenes"] = [s.to_json_dict() for s in scenes]
    data["durationInFrames"] = total
    data["composition"] = "Demo"
    return RenderSpec.model_validate(data)
