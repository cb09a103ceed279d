"""Transitions between two Ken Burns moves, mixed in the feeder on the raw yuv420p frames (issue 21).

ffmpeg's xfade has no 4:2:0 formats: mixing there meant two more pipes, yuv444p conversions of both
inputs, the mix and a conversion back, ~20-33 ms a transition frame at 1080x1920 (measured). Here the
two drawn frames are mixed plane by plane: ~1 ms a frame for a fade (one OpenCV pass), less for a slide
or wipe (plain copies). Both release the GIL.

Frame i of a d-frame transition is at progress i/d, as xfade's: frame 0 is all the outgoing clip, the
frame after the transition all the incoming one.

- fade: the incoming frame at weight i/d. The weights are rounded to 1/4096, so every product and sum
  addWeighted forms is exact in float32 (8 + 12 bits): with or without FMA, SIMD or scalar tail, the
  result is the same round-half-even of the same exact number on every machine.
- wipe / slide: xfade's geometry (a wipe's edge sweeps toward ``direction``; a slide moves both pictures
  toward it), with the edge on an even luma row or column so the chroma planes split at the same place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import cv2
import numpy as np

from reelforge.models.render_spec import Transition

TRANSITION_VERSION = "fade-q12,slide-wipe-even/1"  # change when mixed bytes change (segment cache keys)
DRAWN_KINDS = frozenset({"fade", "slide", "wipe"})
_ONE = 1 << 12


def fade_weights(i: int, d: int) -> tuple[float, float]:
    """(outgoing, incoming) weights of frame ``i`` of a ``d``-frame fade, in exact multiples of 1/4096."""
    if not 0 <= i < d:
        raise ValueError(f"frame {i} is outside a {d}-frame fade")
    incoming = (i * _ONE + d // 2) // d  # integer rounding: no float in the weight itself
    return (_ONE - incoming) / _ONE, incoming / _ONE


def outgoing_extent(i: int, d: int, n: int) -> int:
    """Luma rows (columns) of ``n`` the outgoing picture still covers at frame ``i`` of ``d``: even."""
    return 2 * ((d - i) * (n // 2) // d)


def _split_plane(out: np.ndarray, a: np.ndarray, b: np.ndarray, e: int, kind: str, direction: str) -> None:
    """One plane of a wipe or slide frame where the outgoing picture ``a`` still covers ``e`` rows/columns."""
    if direction in ("left", "right"):
        out, a, b = out.T, a.T, b.T  # columns as rows: views, no copy
    n = out.shape[0]
    if kind == "wipe":  # the pictures stay put; the edge moves toward `direction`
        if direction in ("left", "up"):
            out[:e], out[e:] = a[:e], b[e:]
        else:
            out[n - e:], out[:n - e] = a[n - e:], b[:n - e]
    elif direction in ("left", "up"):  # slide: both pictures move toward `direction`
        out[:e], out[e:] = a[n - e:], b[:n - e]
    else:
        out[n - e:], out[:n - e] = a[:e], b[e:]


def _planes(buf: np.ndarray, w: int, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    luma = w * h
    return (buf[:luma].reshape(h, w), buf[luma:luma + luma // 4].reshape(h // 2, w // 2),
            buf[luma + luma // 4:].reshape(h // 2, w // 2))


def mixed(t: Transition, outgoing: Iterable[memoryview], incoming: Iterable[memoryview], d: int, width: int,
          height: int) -> Iterator[memoryview]:
    """The ``d`` frames of transition ``t`` from ``outgoing`` into ``incoming`` (each ``d`` raw yuv420p
    frames of width x height). The buffer is reused: consume each frame before asking for the next."""
    if t.kind not in DRAWN_KINDS:
        raise ValueError(f"a {t.kind} transition is not drawn here")
    out = np.empty(width * height * 3 // 2, np.uint8)
    n = 0
    for i, (a, b) in enumerate(zip(outgoing, incoming, strict=True)):
        fa, fb = np.frombuffer(a, np.uint8), np.frombuffer(b, np.uint8)
        if t.kind == "fade":
            wa, wb = fade_weights(i, d)
            cv2.addWeighted(fa, wa, fb, wb, 0.0, dst=out)
        else:
            e = outgoing_extent(i, d, width if t.direction in ("left", "right") else height)
            for k, (po, pa, pb) in enumerate(zip(_planes(out, width, height), _planes(fa, width, height),
                                                 _planes(fb, width, height), strict=True)):
                _split_plane(po, pa, pb, e if k == 0 else e // 2, t.kind, t.direction)
        n += 1
        yield memoryview(out)
    if n != d:
        raise ValueError(f"a {d}-frame transition got {n} frames")
