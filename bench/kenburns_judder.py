"""Ken Burns: judder (sub-pixel path error) and per-frame filter cost of candidate zoom graphs (issue 21).

The still is an analytic texture (a sum of low-frequency cosines), so the ideal frame at any zoom and
position is known exactly. Each candidate graph renders the same move (1080x1920, 30 fps); every frame is
compared with the ideal frame on a 3x3 grid of 128 px patches by Lucas-Kanade (least squares for a shift,
gain and offset, two iterations): e_t is the patch's position error in output pixels.
  judder = std over frames of e_t - e_(t-1) (both axes, all patches pooled): 0 is perfectly smooth motion
  maxErr = largest |e_t| seen (a steady offset is not judder, but is reported)
Cost = ffmpeg -benchmark utime of the graph to the null muxer, (run of N frames - run of 30 frames) /
(N - 30): the per-frame cost without the one-time still decode and upscale; median of --runs.

  python bench/kenburns_judder.py [--frames 150] [--runs 3] [--only today,scale_crop] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from reelforge.compose.kenburns import source_size, still_zoom_chain, zoompan_filter
from reelforge.compose.kenburns_frames import StillPlanes
from reelforge.compose.kenburns_frames import frames as kb_frames
from reelforge.compose.runner import ffmpeg_exe
from reelforge.models.render_spec import KenBurns

W, H = 1080, 1920
PATCH = 128
# (cycles per 1x source pixel in x, in y, amplitude, phase): periods of 9 to 40 px, no aliasing at 1x
WAVES = [(1 / 9.0, 1 / 31.0, 14, 0.3), (1 / 13.0, -1 / 11.0, 16, 1.1), (-1 / 17.0, 1 / 10.0, 15, 2.0),
         (1 / 23.0, 1 / 19.0, 18, 0.7), (1 / 37.0, -1 / 40.0, 20, 2.9), (1 / 10.5, 1 / 14.0, 12, 0.1),
         (-1 / 12.0, -1 / 27.0, 13, 1.7), (1 / 29.0, 1 / 9.5, 12, 2.4)]
# a full-style move of the seeded plan's size: zoom 1.0 -> 1.16 with a drift of 0.035 each way
MOVE = KenBurns.model_validate({"startZoom": 1.0, "endZoom": 1.16, "startX": 0.5, "startY": 0.5,
                                "endX": 0.535, "endY": 0.465})


def texture(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Grey level at normalized source coordinates (0..1 across the still)."""
    g = np.full(np.broadcast(u, v).shape, 128.0)
    for fx, fy, a, ph in WAVES:
        g += a * np.cos(2 * np.pi * (fx * u * W + fy * v * H) + ph)
    return g


def write_still(path: Path) -> None:
    ff = ffmpeg_exe()
    u = (np.arange(W) + 0.5) / W
    v = (np.arange(H) + 0.5) / H
    img = np.clip(np.round(texture(u[None, :], v[:, None])), 0, 255).astype(np.uint8)
    subprocess.run([ff, "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "gray", "-s", f"{W}x{H}",
                    "-i", "-", "-pix_fmt", "rgb24", str(path)], input=img.tobytes(), check=True)


def view(kb: KenBurns, frames: int, n: int) -> tuple[float, float, float]:
    """(left, top, zoom) of frame n in normalized source coordinates, clamped inside the still as
    zoompan clamps it."""
    p = n / max(frames - 1, 1)
    z = kb.start_zoom + (kb.end_zoom - kb.start_zoom) * p
    cx = kb.start_x + (kb.end_x - kb.start_x) * p
    cy = kb.start_y + (kb.end_y - kb.start_y) * p
    left = min(max(cx - 0.5 / z, 0.0), 1 - 1 / z)
    top = min(max(cy - 0.5 / z, 0.0), 1 - 1 / z)
    return left, top, z


def ideal(kb: KenBurns, frames: int, n: int, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    left, top, z = view(kb, frames, n)
    return texture(left + (xs + 0.5) / (W * z), top + (ys + 0.5) / (H * z))


# ---- candidates: each maps (kb, frames) to a chain from [0:v] (the 1x still) to [out] ---------------------

PREP = "scale={w}:{h}:flags=lanczos:out_color_matrix=bt709:out_range=tv,setsar=1,format=yuv420p"


def today(kb: KenBurns, frames: int) -> str:
    """The compositor before issue 21: three zoompans on the planes of a 2x still, x/y floored."""
    uw, uh = W * 2, H * 2
    planes = [f"[{p}]{zoompan_filter(kb, frames, pw, ph, centred=False)}[{p.upper()}]"
              for p, pw, ph in (("y", W, H), ("u", W // 2, H // 2), ("v", W // 2, H // 2))]
    return (f"[0:v]{PREP.format(w=uw, h=uh)},extractplanes=y+u+v[y][u][v];" + ";".join(planes)
            + ";[Y][U][V]mergeplanes=mapping=0x001020:format=yuv420p[out]")


def production(kb: KenBurns, frames: int) -> str:
    """What the compositor draws now (compose/kenburns.py)."""
    uw, uh = source_size(W, H)
    return f"[0:v]{PREP.format(w=uw, h=uh)}[s];" + still_zoom_chain("s", "out", kb, frames, W, H)


def zoompan_420(kb: KenBurns, frames: int) -> str:
    """One zoompan on the yuv420p 2x still (x rounded to the chroma step)."""
    return f"[0:v]{PREP.format(w=W * 2, h=H * 2)},{zoompan_filter(kb, frames, W, H, centred=False)}[out]"


def zoompan_planes_1x(kb: KenBurns, frames: int) -> str:
    """today's plane split on a 1x still."""
    planes = [f"[{p}]{zoompan_filter(kb, frames, pw, ph, centred=False)}[{p.upper()}]"
              for p, pw, ph in (("y", W, H), ("u", W // 2, H // 2), ("v", W // 2, H // 2))]
    return (f"[0:v]{PREP.format(w=W, h=H)},extractplanes=y+u+v[y][u][v];" + ";".join(planes)
            + ";[Y][U][V]mergeplanes=mapping=0x001020:format=yuv420p[out]")


def _corner_exprs(kb: KenBurns, frames: int, var: str = "n") -> dict[str, str]:
    p = f"({var}/{max(frames - 1, 1)})"
    z = f"({kb.start_zoom}+({kb.end_zoom - kb.start_zoom})*{p})"
    cx = f"({kb.start_x}+({kb.end_x - kb.start_x})*{p})"
    cy = f"({kb.start_y}+({kb.end_y - kb.start_y})*{p})"
    left = f"clip({cx}-0.5/{z},0,1-1/{z})"
    top = f"clip({cy}-0.5/{z},0,1-1/{z})"
    return {"z": z, "left": left, "top": top}


def perspective(kb: KenBurns, frames: int, interp: str = "linear") -> str:
    """One remap pass with true sub-pixel corners (the perspective filter, evaluated per frame) on a 1x
    still. Corners are pixel-edge positions; perspective maps pixel centres, hence the half-pixel terms."""
    e = _corner_exprs(kb, frames, "in")
    x0 = f"({e['left']})*W"
    y0 = f"({e['top']})*H"
    x1 = f"({e['left']}+1/{e['z']})*W"
    y1 = f"({e['top']}+1/{e['z']})*H"
    corners = (f"x0='{x0}':y0='{y0}':x1='{x1}':y1='{y0}':x2='{x0}':y2='{y1}':x3='{x1}':y3='{y1}'")
    return (f"[0:v]{PREP.format(w=W, h=H)},perspective={corners}:interpolation={interp}"
            f":sense=source:eval=frame[out]")


def perspective_cubic(kb: KenBurns, frames: int) -> str:
    return perspective(kb, frames, "cubic")


def planes(scale: float, centred: bool) -> Callable[[KenBurns, int], str]:
    """today's three plane zoompans on a still of ``scale`` x the frame, x/y floored or centre-rounded."""
    def chain(kb: KenBurns, frames: int) -> str:
        uw, uh = round(W * scale / 2) * 2, round(H * scale / 2) * 2
        zp = [f"[{p}]{zoompan_filter(kb, frames, pw, ph, centred=centred)}[{p.upper()}]"
              for p, pw, ph in (("y", W, H), ("u", W // 2, H // 2), ("v", W // 2, H // 2))]
        return (f"[0:v]{PREP.format(w=uw, h=uh)},extractplanes=y+u+v[y][u][v];" + ";".join(zp)
                + ";[Y][U][V]mergeplanes=mapping=0x001020:format=yuv420p[out]")
    return chain


CANDIDATES: dict[str, Callable[[KenBurns, int], str]] = {
    "today": today, "production": production, "zoompan_420": zoompan_420, "zoompan_planes_1x": zoompan_planes_1x,
    "perspective_linear": perspective, "perspective_cubic": perspective_cubic,
    "centred_2x": planes(2, True), "centred_1.5x": planes(1.5, True), "centred_1.25x": planes(1.25, True),
    "centred_1.75x": planes(1.75, True), "centred_1.6x": planes(1.6, True), "centred_1x": planes(1, True),
    "floored_1.5x": planes(1.5, False),
}


DRAWN = "drawn_1x"  # compose/kenburns_frames.py: one bilinear pass per plane of the 1x still, in Python


def register(name: str, fn: Callable[[KenBurns, int], str]) -> None:
    CANDIDATES[name] = fn


# ---- measuring ----------------------------------------------------------------------------------------

def render_gray(still: Path, chain: str, frames: int) -> np.ndarray:
    ff = ffmpeg_exe()
    out = subprocess.run([ff, "-v", "error", "-nostdin", "-f", "image2", "-pattern_type", "none",
                          "-framerate", "30", "-loop", "1", "-i", str(still), "-filter_complex",
                          chain + ";[out]extractplanes=y[g]", "-map", "[g]", "-frames:v", str(frames),
                          "-f", "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True, check=True)
    return np.frombuffer(out.stdout, np.uint8).reshape(frames, H, W).astype(np.float64)


def patch_errors(frame: np.ndarray, kb: KenBurns, frames: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(9, 2) position error of each patch in output px (Lucas-Kanade with gain and offset), and the 9
    gains (contrast kept against the ideal frame: lower is blurrier)."""
    errs, gains = [], []
    for cy in (H * 0.2, H * 0.5, H * 0.8):
        for cx in (W * 0.2, W * 0.5, W * 0.8):
            x0, y0 = int(cx) - PATCH // 2, int(cy) - PATCH // 2
            ys, xs = np.mgrid[y0:y0 + PATCH, x0:x0 + PATCH].astype(np.float64)
            r = frame[y0:y0 + PATCH, x0:x0 + PATCH]
            d = np.zeros(2)
            for _ in range(3):
                i0 = ideal(kb, frames, n, xs + d[0], ys + d[1])
                gx = (ideal(kb, frames, n, xs + d[0] + 0.5, ys + d[1])
                      - ideal(kb, frames, n, xs + d[0] - 0.5, ys + d[1]))
                gy = (ideal(kb, frames, n, xs + d[0], ys + d[1] + 0.5)
                      - ideal(kb, frames, n, xs + d[0], ys + d[1] - 0.5))
                a = np.stack([gx.ravel(), gy.ravel(), i0.ravel(), np.ones(i0.size)], axis=1)
                # r ~ gain * i0(p + d + dd) + off  ->  r ~ gain*i0 + gain*(gx*ddx + gy*ddy) + off
                sol, *_ = np.linalg.lstsq(a, r.ravel(), rcond=None)
                gain = sol[2]
                d += sol[:2] / gain
            errs.append(d.copy())
            gains.append(gain)
    return np.array(errs), np.array(gains)


def judder_of(video: np.ndarray, frames: int) -> dict[str, float]:
    per = [patch_errors(video[n], MOVE, frames, n) for n in range(frames)]
    e = np.array([p[0] for p in per])  # (frames, 9, 2)
    g = np.array([p[1] for p in per])  # (frames, 9)
    step = np.diff(e, axis=0)
    # gain: mean contrast kept (sharpness); gainJitter: its frame-to-frame change (sharpness pulsing)
    return {"judderPx": round(float(np.std(step)), 4), "maxErrPx": round(float(np.abs(e).max()), 3),
            "gain": round(float(g.mean()), 4), "gainJitter": round(float(np.std(np.diff(g, axis=0))), 4)}


def judder(still: Path, chain: str, frames: int) -> dict[str, float]:
    return judder_of(render_gray(still, chain, frames), frames)


# ---- drawn in Python (compose/kenburns_frames.py), piped to ffmpeg as raw frames ----------------------

def still_planes(still: Path) -> StillPlanes:
    """The production still preparation: lanczos to 1x, BT.709 TV range, yuv420p."""
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-nostdin", "-f", "image2", "-pattern_type", "none",
                          "-i", str(still), "-vf", PREP.format(w=W, h=H), "-frames:v", "1", "-f", "rawvideo",
                          "-pix_fmt", "yuv420p", "-"], capture_output=True, check=True).stdout
    return StillPlanes.from_yuv420p(raw, W, H)


def drawn_video(still: Path, frames: int) -> np.ndarray:
    planes = still_planes(still)
    out = np.empty((frames, H, W), np.float64)
    for n, frame in enumerate(kb_frames(planes, MOVE, frames, W, H, count=frames)):
        out[n] = np.frombuffer(frame, np.uint8)[:W * H].reshape(H, W)
    return out


def drawn_cost_ms(still: Path, frames: int, runs: int) -> float:
    """CPU (this process) per frame to draw the frames, plus ffmpeg's utime per frame to take them in as
    rawvideo from a pipe (what the segment process pays instead of the zoom)."""
    planes = still_planes(still)
    per = []
    for _ in range(runs):
        t = time.process_time()
        for _f in kb_frames(planes, MOVE, frames, W, H, count=frames):
            pass
        draw = (time.process_time() - t) / frames
        proc = subprocess.Popen(["nice", "-n", "5", ffmpeg_exe(), "-benchmark", "-hide_banner", "-nostats",
                                 "-nostdin", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{W}x{H}",
                                 "-framerate", "30", "-i", "pipe:0", "-f", "null", "-"],
                                stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=False)
        assert proc.stdin is not None
        for f in kb_frames(planes, MOVE, frames, W, H, count=frames):
            proc.stdin.write(f)
        proc.stdin.close()
        err = proc.stderr.read().decode() if proc.stderr else ""
        proc.wait()
        m = re.search(r"utime=([\d.]+)s", err)
        ingest = float(m.group(1)) / frames if m else 0.0
        per.append((draw + ingest) * 1000)
    return round(statistics.median(per), 2)


def utime(still: Path, chain: str, frames: int) -> float:
    ff = ffmpeg_exe()
    err = subprocess.run(["nice", "-n", "5", ff, "-benchmark", "-hide_banner", "-nostats", "-nostdin", "-f", "image2",
                          "-pattern_type", "none", "-framerate", "30", "-loop", "1", "-i", str(still),
                          "-filter_complex", chain, "-map", "[out]", "-frames:v", str(frames), "-f", "null",
                          "-"], capture_output=True, text=True, check=True).stderr
    m = re.search(r"utime=([\d.]+)s", err)
    if m is None:
        raise SystemExit(f"no -benchmark line: {err[-500:]}")
    return float(m.group(1))


def cost_ms(still: Path, chain_of: Callable[[int], str], frames: int, runs: int) -> float:
    per = []
    for _ in range(runs):
        long, short = utime(still, chain_of(frames), frames), utime(still, chain_of(30), 30)
        per.append((long - short) / (frames - 30) * 1000)
    return round(statistics.median(per), 2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=150)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or [*CANDIDATES, DRAWN]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        still = Path(tmp) / "texture.png"
        write_still(still)
        for name in names:
            if name == DRAWN:
                row = judder_of(drawn_video(still, args.frames), args.frames)
                row["msPerFrame"] = drawn_cost_ms(still, args.frames, args.runs)
            else:
                fn = CANDIDATES[name]
                row = judder(still, fn(MOVE, args.frames), args.frames)
                row["msPerFrame"] = cost_ms(still, lambda n, fn=fn: fn(MOVE, n), args.frames, args.runs)
            results[name] = row
            print(f"{name:24s} judder {row['judderPx']:.4f} px  maxErr {row['maxErrPx']:.3f} px  "
                  f"gain {row['gain']:.3f} (jitter {row['gainJitter']:.4f})  "
                  f"cost {row['msPerFrame']:.2f} ms/frame", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
