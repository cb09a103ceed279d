"""The drawn Ken Burns (compose/kenburns_frames.py): on the exact sub-pixel path, the same frame whichever
way the move is split, and the cheap resize path agrees with the exact affine warp it stands in for."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

from reelforge.compose import kenburns_frames as kf
from reelforge.compose.segment_graph import still_cover_filter
from tests.test_kenburns_motion import FRAMES, MOVE, H, W, centre_error, errors, texture


def planes_of(tmp: Path) -> kf.StillPlanes:
    """The test texture through the production still preparation (lanczos cover, BT.709, yuv420p)."""
    still = tmp / "texture.png"
    u, v = (np.arange(W) + 0.5) / W, (np.arange(H) + 0.5) / H
    img = np.clip(np.round(texture(u[None, :], v[:, None])), 0, 255).astype(np.uint8)
    ff = imageio_ffmpeg.get_ffmpeg_exe()
    subprocess.run([ff, "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "gray", "-s", f"{W}x{H}", "-i", "-",
                    "-pix_fmt", "rgb24", str(still)], input=img.tobytes(), check=True)
    raw = subprocess.run([ff, "-v", "error", "-nostdin", "-i", str(still), "-vf", still_cover_filter(W, H),
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                         capture_output=True, check=True).stdout
    return kf.StillPlanes.from_yuv420p(raw, W, H)


def luma(frame: memoryview) -> np.ndarray:
    return np.frombuffer(frame, np.uint8)[:W * H].reshape(H, W).astype(np.float64)


def test_drawn_zoom_is_on_the_sub_pixel_path_and_smoother_than_the_zoompans(tmp_path: Path) -> None:
    planes = planes_of(tmp_path)
    e = np.array([centre_error(luma(f), n)
                  for n, f in enumerate(kf.frames(planes, MOVE, FRAMES, W, H, count=FRAMES))])
    assert np.abs(e).max() < 0.1  # the zoompans: up to 0.45 px (test_kenburns_motion.py)
    judder = np.std(np.diff(e, axis=0))
    assert judder < 0.05
    assert judder < 0.5 * np.std(np.diff(errors(tmp_path, scale=None, centred=True), axis=0))


def test_a_split_move_draws_the_same_bytes(tmp_path: Path) -> None:
    planes = planes_of(tmp_path)
    whole = [bytes(f) for f in kf.frames(planes, MOVE, FRAMES, W, H, count=FRAMES)]
    part = [bytes(f) for f in kf.frames(planes, MOVE, FRAMES, W, H, offset=17, count=8)]
    assert part == whole[17:25]
    # past the end of the move (a transition tail) the move continues and stays inside the still
    tail = [bytes(f) for f in kf.frames(planes, MOVE, FRAMES, W, H, offset=FRAMES, count=3)]
    assert len(tail) == 3 and all(len(t) == W * H * 3 // 2 for t in tail)


def test_the_resize_path_agrees_with_the_affine_warp(tmp_path: Path) -> None:
    src = planes_of(tmp_path).planes[0]
    checked = 0
    for n in range(0, FRAMES, 3):
        left, top, zoom = kf.view_at(MOVE, FRAMES, n)
        ax, ay = W / (zoom * W), H / (zoom * H)
        tx, ty = kf.PAD + left * W, kf.PAD + top * H
        if kf._origin(tx, ax) is None or kf._origin(ty, ay) is None:
            continue
        cheap = np.empty((H, W), np.uint8)
        kf.draw_plane(src, W, H, left, top, zoom, cheap)
        exact = cv2.warpAffine(src, np.array([[ax, 0, tx + 0.5 * ax - 0.5], [0, ay, ty + 0.5 * ay - 0.5]]),
                               (W, H), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REPLICATE)
        diff = cheap.astype(int) - exact.astype(int)
        # the warp rounds positions to 1/32 px, the resize origin is within 1/40 px: on this steep texture
        # (up to ~40 levels a pixel) that is a level or two, unbiased; half a pixel off would be ~10
        assert np.abs(diff).max() <= 3 and np.abs(diff).mean() < 1.0, f"frame {n}: {np.abs(diff).mean():.3f}"
        # and no shift between the two: least squares of diff ~ gx * dx + gy * dy + offset
        e = exact.astype(np.float64)
        gx, gy = np.gradient(e, axis=1)[8:-8, 8:-8], np.gradient(e, axis=0)[8:-8, 8:-8]
        a = np.stack([gx.ravel(), gy.ravel(), np.ones(gx.size)], axis=1)
        (dx, dy, _), *_ = np.linalg.lstsq(a, diff[8:-8, 8:-8].ravel().astype(np.float64), rcond=None)
        assert abs(dx) < 0.05 and abs(dy) < 0.05, f"frame {n}: shifted by ({dx:.3f}, {dy:.3f}) px"
        checked += 1
    assert checked >= FRAMES // 6
