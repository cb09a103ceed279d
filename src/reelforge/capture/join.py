"""Join the cut page videos into one capture.mp4: H.264 yuv420p, 30 fps, exactly the session's length."""

from __future__ import annotations

from pathlib import Path

from reelforge.capture.ffmpeg import FPS, X264, run_ffmpeg
from reelforge.capture.timeline import Segment


def join_argv(videos: list[Path], segments: list[Segment], size: tuple[int, int], total_sec: float,
              out: Path) -> list[str]:
    """ffmpeg arguments (without the binary): one input per segment, trimmed, fitted, concatenated.

    The last frame is held (tpad) and the output cut at exactly ``round(total_sec * 30)`` frames, so
    rounding in the cuts can never make the capture shorter or longer than the session.
    """
    width, height = size
    frames = max(1, round(total_sec * FPS))
    args: list[str] = []
    chains: list[str] = []
    for n, seg in enumerate(segments):
        args += ["-i", str(videos[seg.page])]
        chains.append(
            f"[{n}:v]trim=start={seg.video_start:.3f}:end={seg.video_end:.3f},setpts=PTS-STARTPTS,"
            f"fps={FPS},scale={width}:{height}:force_original_aspect_ratio=decrease:out_range=tv,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=gray,setsar=1,format=yuv420p[s{n}]")
    labels = "".join(f"[s{n}]" for n in range(len(segments)))
    graph = ";".join([*chains, f"{labels}concat=n={len(segments)}:v=1:a=0,tpad=stop_mode=clone:stop=-1[out]"])
    args += ["-filter_complex", graph, "-map", "[out]", "-frames:v", str(frames), "-r", str(FPS), *X264,
             "-an", "-movflags", "+faststart", "-map_metadata", "-1", str(out)]
    return args


def join_pages(videos: list[Path], segments: list[Segment], size: tuple[int, int], total_sec: float,
               out: Path) -> None:
    run_ffmpeg(join_argv(videos, segments, size, total_sec, out), what=f"join {len(segments)} recorded page"
               f" segment{'s' if len(segments) != 1 else ''} into {out.name}", output=out)
