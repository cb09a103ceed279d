"""Ken Burns frames of a still, drawn here and piped to ffmpeg as raw yuv420p (issue 21).

ffmpeg's zoompan crops whole source pixels and builds a new bicubic scaler every frame: sub-pixel
smoothness needed a 2x still and a zoompan per plane, ~6-9 ms a frame. Here each plane of each frame is
one bilinear resampling pass of the 1x still (OpenCV, SIMD, fixed point, so the same bytes every run),
positioned to the exact sub-pixel view: about 2 ms a frame (bench/kenburns_judder.py, bench/RESULTS.md).

cv2.resize maps output pixel k to source x0 + (k + 0.5) * a - 0.5 for an integer ROI origin x0. To hit a
fractional view origin T we draw c extra columns and drop them: x0 + c * a = T has a near-exact integer
solution for some small c unless a is within ~1/C of 1 (zoom ~1.0); those frames go through
cv2.warpAffine (the same bilinear kernel, ~3x the cost). Chroma planes are zoomed like luma on their own
half-size grid, as the per-plane zoompans did.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from reelforge.models.render_spec import KenBurns

DRAWING_VERSION = "bilinear-1x/1"  # change when the drawn bytes change (segment cache keys include it)
PAD = 48  # replicated border around each plane: ROI origins may sit left of / above the still
MAX_EXTRA = 64  # most columns (rows) drawn and dropped to reach a sub-pixel origin
EXACT = 1 / 40  # source px: a resize origin this close counts as exact (warpAffine itself rounds to 1/32)

cv2.setNumThreads(1)  # segments already run side by side; a thread pool per resize only adds overhead


@dataclass(frozen=True)
class StillPlanes:
    """A still already scaled to cover the frame (width x height, yuv420p, BT.709 TV range), each plane
    padded by PAD replicated pixels."""

    width: int
    height: int
    planes: tuple[np.ndarray, np.ndarray, np.ndarray]

    @classmethod
    def from_yuv420p(cls, raw: bytes, width: int, height: int) -> StillPlanes:
        if width % 2 or height % 2:
            raise ValueError(f"yuv420p needs an even frame size, got {width}x{height}")
        luma = width * height
        buf = np.frombuffer(raw, np.uint8)
        if buf.size != luma * 3 // 2:
            raise ValueError(f"expected {luma * 3 // 2} bytes of yuv420p, got {buf.size}")
        y = buf[:luma].reshape(height, width)
        u = buf[luma:luma + luma // 4].reshape(height // 2, width // 2)
        v = buf[luma + luma // 4:].reshape(height // 2, width // 2)
        return cls(width, height, tuple(cv2.copyMakeBorder(p, PAD, PAD, PAD, PAD, cv2.BORDER_REPLICATE)
                                        for p in (y, u, v)))  # type: ignore[arg-type]


def view_at(kb: KenBurns, frames: int, n: int) -> tuple[float, float, float]:
    """(left, top, zoom) of move frame ``n`` (of ``frames``; past the end the move continues), left/top
    as fractions of the still, the view clamped inside it (as zoompan clamps)."""
    p = n / max(frames - 1, 1)
    z = kb.start_zoom + (kb.end_zoom - kb.start_zoom) * p
    cx = kb.start_x + (kb.end_x - kb.start_x) * p
    cy = kb.start_y + (kb.end_y - kb.start_y) * p
    z = max(z, 1.0)  # a transition tail past the end of a zoom-out must not show past the still
    left = min(max(cx - 0.5 / z, 0.0), 1 - 1 / z)
    top = min(max(cy - 0.5 / z, 0.0), 1 - 1 / z)
    return left, top, z


def _origin(target: float, a: float) -> tuple[int, int] | None:
    """(x0, c): integer ROI origin and dropped columns with x0 + c * a within EXACT of target."""
    for c in range(1, MAX_EXTRA + 1):
        x0 = round(target - c * a)
        if x0 >= 0 and abs(target - c * a - x0) <= EXACT:
            return x0, c
    return None


def draw_plane(src: np.ndarray, sw: int, sh: int, left: float, top: float, zoom: float,
               out: np.ndarray) -> None:
    """Resample the view (left, top, zoom) of the padded plane ``src`` (sw x sh inside its border) into
    ``out`` (h x w), one bilinear pass."""
    oh, ow = out.shape
    ax, ay = sw / (zoom * ow), sh / (zoom * oh)  # source px per output px
    tx, ty = PAD + left * sw, PAD + top * sh  # the view's origin in padded source px
    ox, oy = _origin(tx, ax), _origin(ty, ay)
    if ox is not None and oy is not None:
        (x0, cx), (y0, cy) = ox, oy
        rw = min(math.ceil((cx + ow) * ax) + 2, src.shape[1] - x0)
        rh = min(math.ceil((cy + oh) * ay) + 2, src.shape[0] - y0)
        big = cv2.resize(src[y0:y0 + rh, x0:x0 + rw], None, fx=1 / ax, fy=1 / ay, interpolation=cv2.INTER_LINEAR)
        if big.shape[0] >= cy + oh and big.shape[1] >= cx + ow:
            np.copyto(out, big[cy:cy + oh, cx:cx + ow])
            return
    m = np.array([[ax, 0.0, tx + 0.5 * ax - 0.5], [0.0, ay, ty + 0.5 * ay - 0.5]])
    cv2.warpAffine(src, m, (ow, oh), dst=out, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                   borderMode=cv2.BORDER_REPLICATE)


def frames(still: StillPlanes, kb: KenBurns, move_frames: int, width: int, height: int, *, offset: int = 0,
           count: int) -> Iterator[memoryview]:
    """Frames offset .. offset+count-1 of the move (spanning ``move_frames``) as raw yuv420p width x height.
    Each frame depends only on its index, so any split of the move draws the same bytes. The buffer is
    reused: consume each frame before asking for the next."""
    luma = width * height
    buf = np.empty(luma * 3 // 2, np.uint8)
    outs = (buf[:luma].reshape(height, width), buf[luma:luma + luma // 4].reshape(height // 2, width // 2),
            buf[luma + luma // 4:].reshape(height // 2, width // 2))
    sizes = ((still.width, still.height), (still.width // 2, still.height // 2),
             (still.width // 2, still.height // 2))
    for n in range(offset, offset + count):
        left, top, zoom = view_at(kb, move_frames, n)
        for src, (sw, sh), out in zip(still.planes, sizes, outs, strict=True):
            draw_plane(src, sw, sh, left, top, zoom, out)
        yield memoryview(buf)
