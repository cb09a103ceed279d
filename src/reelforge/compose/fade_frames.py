"""A fade between two Ken Burns moves, blended in the feeder on the raw yuv420p frames (issue 21).

ffmpeg's xfade has no 4:2:0 formats: mixing there meant two more pipes, yuv444p conversions of both
inputs, the mix and a conversion back, ~33 ms a transition frame at 1080x1920 (measured). Here the two
drawn frames are mixed plane by plane in one OpenCV pass (it releases the GIL), ~1 ms a frame.

Frame i of a d-frame fade shows the incoming move at weight i/d, as xfade's fade: frame 0 is all the
outgoing clip, the frame after the fade all the incoming one. The weights are rounded to 1/4096, so every
product and sum addWeighted forms is exact in float32 (8 + 12 bits): with or without FMA, SIMD or scalar
tail, the result is the same round-half-even of the same exact number on every machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import cv2
import numpy as np

BLEND_VERSION = "fade-q12/1"  # change when the blended bytes change (segment cache keys include it)
_ONE = 1 << 12


def fade_weights(i: int, d: int) -> tuple[float, float]:
    """(outgoing, incoming) weights of frame ``i`` of a ``d``-frame fade, in exact multiples of 1/4096."""
    if not 0 <= i < d:
        raise ValueError(f"frame {i} is outside a {d}-frame fade")
    incoming = (i * _ONE + d // 2) // d  # integer rounding: no float in the weight itself
    return (_ONE - incoming) / _ONE, incoming / _ONE


def faded(outgoing: Iterable[memoryview], incoming: Iterable[memoryview], d: int) -> Iterator[memoryview]:
    """The ``d`` frames of a fade from ``outgoing`` into ``incoming`` (each ``d`` raw frames of one size).
    The buffer is reused: consume each frame before asking for the next."""
    out: np.ndarray | None = None
    n = 0
    for i, (a, b) in enumerate(zip(outgoing, incoming, strict=True)):
        fa, fb = np.frombuffer(a, np.uint8), np.frombuffer(b, np.uint8)
        if out is None:
            out = np.empty_like(fa)
        wa, wb = fade_weights(i, d)
        cv2.addWeighted(fa, wa, fb, wb, 0.0, dst=out)
        n += 1
        yield memoryview(out)
    if n != d:
        raise ValueError(f"a {d}-frame fade got {n} frames")
