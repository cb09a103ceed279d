"""Ken Burns motion is measured, not assumed: a still of known content (a sum of cosines) is zoomed by the
production chain and each frame's position error against the ideal frame is estimated by least squares."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from reelforge.compose.kenburns import source_size, still_zoom_chain
from reelforge.models.render_spec import KenBurns

W, H, FRAMES = 180, 320, 40
WAVES = [(1 / 7.0, 1 / 23.0, 30, 0.3), (1 / 11.0, -1 / 9.0, 30, 1.1), (-1 / 13.0, 1 / 8.0, 30, 2.0),
         (1 / 19.0, 1 / 15.0, 30, 0.7)]
MOVE = KenBurns.model_validate({"startZoom": 1.02, "endZoom": 1.18, "startX": 0.49, "startY": 0.51,
                                "endX": 0.53, "endY": 0.47})


def texture(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    g = np.full(np.broadcast(u, v).shape, 128.0)
    for fx, fy, a, ph in WAVES:
        g += a * np.cos(2 * np.pi * (fx * u * W + fy * v * H) + ph)
    return g


def ideal(n: int, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    p = n / (FRAMES - 1)
    z = MOVE.start_zoom + (MOVE.end_zoom - MOVE.start_zoom) * p
    left = MOVE.start_x + (MOVE.end_x - MOVE.start_x) * p - 0.5 / z
    top = MOVE.start_y + (MOVE.end_y - MOVE.start_y) * p - 0.5 / z
    return texture(left + (xs + 0.5) / (W * z), top + (ys + 0.5) / (H * z))


def centre_error(frame: np.ndarray, n: int) -> np.ndarray:
    """Shift (px) of the frame's central 96x96 against the ideal frame (Lucas-Kanade, gain and offset)."""
    y0, x0 = H // 2 - 48, W // 2 - 48
    ys, xs = np.mgrid[y0:y0 + 96, x0:x0 + 96].astype(np.float64)
    r = frame[y0:y0 + 96, x0:x0 + 96].ravel()
    d = np.zeros(2)
    for _ in range(3):
        i0 = ideal(n, xs + d[0], ys + d[1])
        gx = ideal(n, xs + d[0] + 0.5, ys + d[1]) - ideal(n, xs + d[0] - 0.5, ys + d[1])
        gy = ideal(n, xs + d[0], ys + d[1] + 0.5) - ideal(n, xs + d[0], ys + d[1] - 0.5)
        a = np.stack([gx.ravel(), gy.ravel(), i0.ravel(), np.ones(i0.size)], axis=1)
        sol, *_ = np.linalg.lstsq(a, r, rcond=None)
        d += sol[:2] / sol[2]
    return d


def errors(tmp: Path, *, scale: float | None, centred: bool) -> np.ndarray:
    ff = imageio_ffmpeg.get_ffmpeg_exe()
    still = tmp / "texture.png"
    if not still.exists():
        u, v = (np.arange(W) + 0.5) / W, (np.arange(H) + 0.5) / H
        img = np.clip(np.round(texture(u[None, :], v[:, None])), 0, 255).astype(np.uint8)
        subprocess.run([ff, "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "gray", "-s", f"{W}x{H}", "-i", "-",
                        "-pix_fmt", "rgb24", str(still)], input=img.tobytes(), check=True)
    uw, uh = source_size(W, H) if scale is None else (round(W * scale), round(H * scale))
    graph = (f"[0:v]scale={uw}:{uh}:flags=lanczos,format=yuv420p[s];"
             + still_zoom_chain("s", "k", MOVE, FRAMES, W, H, centred=centred) + ";[k]extractplanes=y[g]")
    out = subprocess.run([ff, "-v", "error", "-nostdin", "-f", "image2", "-pattern_type", "none", "-i", str(still),
                          "-filter_complex", graph, "-map", "[g]", "-frames:v", str(FRAMES), "-f", "rawvideo",
                          "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout
    video = np.frombuffer(out, np.uint8).reshape(FRAMES, H, W).astype(np.float64)
    return np.array([centre_error(video[n], n) for n in range(FRAMES)])


def test_the_zoom_follows_the_ideal_path_within_a_fraction_of_a_pixel(tmp_path: Path) -> None:
    e = errors(tmp_path, scale=None, centred=True)
    assert np.abs(e).max() < 0.45  # the crop is centred on the true view: never a whole pixel off
    assert np.std(np.diff(e, axis=0)) < 0.3  # frame-to-frame judder


def test_production_zoom_is_nearer_the_path_than_the_old_floored_one_and_no_jerkier(tmp_path: Path) -> None:
    before = errors(tmp_path, scale=2, centred=False)
    now = errors(tmp_path, scale=None, centred=True)
    assert np.abs(now).max() < 0.6 * np.abs(before).max()
    # judder: the same within the noise of 40 frames (bench/kenburns_judder.py measures it at full size)
    assert np.std(np.diff(now, axis=0)) <= 1.15 * np.std(np.diff(before, axis=0))
