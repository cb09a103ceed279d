"""Ken Burns: a seeded plan (KenBurns model) and the zoompan filters.

Since issue 21 a still's move is drawn in Python (compose/kenburns_frames.py: one bilinear pass per plane
at the exact sub-pixel view, judder 0.005 px at about a third of the cost). zoompan still draws the move
over footage (zoompan_video_filter); still_zoom_chain is the previous still path, kept for
bench/kenburns_judder.py and its tests. What was measured for it:

zoompan crops an integer rectangle of its input and x is rounded down to the chroma step, so on a 1x
still a slow pan moves in whole-pixel jerks. Measured on a 1080x1920 pan of 0.83 px/frame
(std of the frame-to-frame shift; 0 is perfectly smooth):
  yuv420p, 2x source: 0.48 px (visible judder)   yuv444p, 2x source: 0.21 px   yuv444p, 3x: 0.08 px
  perspective filter (true sub-pixel): 0.005 px, but 3x slower than zoompan at 2x.
We zoom a 2x still plane by plane (gray planes have no chroma rounding): the 0.21 px of yuv444p at the
cost of yuv420p (3.2x faster than yuv444p in the same run).

Issue 21 (bench/kenburns_judder.py: a 1080x1920 zoom 1.0 -> 1.16 of an analytic texture, position error
against the ideal frame on 9 patches; 150 frames): the crop is now placed with its centre nearest the true
view centre instead of its corner floored, which at the same cost takes the largest error from 0.98 to
0.45 px and judder from 0.25 to 0.23 px. A smaller source does not pay: 1.75x costs 9 % less per frame at
0.29 px judder (zoompan builds a new scaler every frame, a fixed cost), 1x 3x less at 0.46 px; the
perspective filter is exact (0.002 px) but 57 ms a frame.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from reelforge.models.render_spec import KenBurns

KenBurnsStyle = Literal["full", "subtle", "off"]
UPSCALE = 2  # zoompan's source is this many times the frame size (see the module docstring)


def source_size(width: int, height: int) -> tuple[int, int]:
    """The size a Ken Burns still is scaled to once, before zoompan: UPSCALE x the frame, rounded to
    even numbers so its chroma planes are exactly half."""
    return round(width * UPSCALE / 2) * 2, round(height * UPSCALE / 2) * 2


def plan_ken_burns(seed: int, index: int, *, style: KenBurnsStyle = "full") -> KenBurns | None:
    """A gentle zoom in or out with a small drift, direction from (seed, index).

    ``subtle`` (text cards) zooms 1.00 <-> 1.06 around the centre; ``off`` (text-heavy slides) is None.
    """
    if style == "off":
        return None
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([abs(seed) % (2**63), index, 0x4B42])))
    zoom_in = bool(rng.integers(0, 2))
    if style == "subtle":
        near, far = 1.0, 1.06
        sx = sy = ex = ey = 0.5
    else:
        near, far = 1.0, round(float(rng.uniform(1.12, 1.2)), 3)
        dx, dy = (round(float(v), 3) for v in rng.uniform(-0.04, 0.04, size=2))
        sx, sy, ex, ey = 0.5 - dx, 0.5 - dy, 0.5 + dx, 0.5 + dy
    start, end = (near, far) if zoom_in else (far, near)
    return KenBurns.model_validate({"startZoom": start, "endZoom": end, "startX": sx, "startY": sy,
                                    "endX": ex, "endY": ey})


def _lerp(a: float, b: float, p: str) -> str:
    if a == b:
        return f"{a:.6g}"
    return f"({a:.6g}+({b - a:.6g})*{p})"


def _progress(frames: int, offset: int) -> str:
    """How far through the move output frame ``on`` is, when the first frame drawn is ``offset`` frames
    into the clip (a segment or piece that starts mid-clip draws exactly the frames a whole clip would)."""
    on = f"(on+{offset})" if offset else "on"
    return f"({on}/{max(frames - 1, 1)})"


def zoompan_filter(kb: KenBurns, frames: int, width: int, height: int, *, count: int | None = None,
                   offset: int = 0, centred: bool = True) -> str:
    """zoompan for one still input frame: the move spans ``frames`` output frames of width x height;
    ``count`` frames are drawn starting ``offset`` frames into the move (frames past its end continue it,
    for transition tails).

    x/y in the spec are the view centre as fractions of the source; zoompan clamps the view inside it.
    ``centred=False`` is the placement used before issue 21 (x/y floored at the view's corner), kept
    for bench/kenburns_judder.py.
    """
    p = _progress(frames, offset)
    z = _lerp(kb.start_zoom, kb.end_zoom, p)
    cx = _lerp(kb.start_x, kb.end_x, p)
    cy = _lerp(kb.start_y, kb.end_y, p)
    if not centred:
        return (f"zoompan=z='{z}':x='{cx}*iw-iw/zoom/2':y='{cy}*ih-ih/zoom/2'"
                f":d={count or frames}:s={width}x{height}:fps=30")
    # zoompan crops floor(iw/zoom) source pixels at integer x: pick the x that puts the crop's centre
    # nearest the true view centre (the error becomes +-0.5 source px around 0, not 0..1.5 px one way)
    x = f"floor({cx}*iw-floor(iw/zoom)/2+0.5)"
    y = f"floor({cy}*ih-floor(ih/zoom)/2+0.5)"
    return f"zoompan=z='{z}':x='{x}':y='{y}':d={count or frames}:s={width}x{height}:fps=30"


def still_zoom_chain(src: str, out: str, kb: KenBurns, frames: int, width: int, height: int, *,
                     count: int | None = None, offset: int = 0, centred: bool = True) -> str:
    """[src] (a yuv420p still, e.g. of source_size) -> [out]: the move drawn plane by plane. As gray
    planes zoompan positions luma to one source pixel (in yuv420p it rounds x to two), at half the cost
    of doing it in yuv444p."""
    planes = [f"[{out}{p}]{zoompan_filter(kb, frames, pw, ph, count=count, offset=offset, centred=centred)}"
              f"[{out}{p.upper()}]"
              for p, pw, ph in (("y", width, height), ("u", width // 2, height // 2), ("v", width // 2, height // 2))]
    return (f"[{src}]extractplanes=y+u+v[{out}y][{out}u][{out}v];" + ";".join(planes)
            + f";[{out}Y][{out}U][{out}V]mergeplanes=mapping=0x001020:format=yuv420p,setsar=1[{out}]")


def zoompan_video_filter(kb: KenBurns, frames: int, width: int, height: int, *, offset: int = 0) -> str:
    """zoompan over moving footage: one output frame per input frame (d=1), the move spanning ``frames``."""
    p = _progress(frames, offset)
    z = _lerp(kb.start_zoom, kb.end_zoom, p)
    cx = _lerp(kb.start_x, kb.end_x, p)
    cy = _lerp(kb.start_y, kb.end_y, p)
    return f"zoompan=z='{z}':x='{cx}*iw-iw/zoom/2':y='{cy}*ih-ih/zoom/2':d=1:s={width}x{height}:fps=30"
