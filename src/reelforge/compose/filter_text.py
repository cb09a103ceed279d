"""Text helpers for ffmpeg filtergraphs: exact frame times and option/graph escaping."""

from __future__ import annotations


def seconds(frames: int, fps: int = 30) -> str:
    """Frames as a decimal string ffmpeg parses to the exact frame (microseconds, rounded down)."""
    us = frames * 1_000_000 // fps
    return f"{us // 1_000_000}.{us % 1_000_000:06d}"


def escape_filter_path(path: str) -> str:
    """Escape a path for an (unquoted) filter option value inside -filter_complex: first the option level
    (``\\ ' :``), then the graph level (``\\ ' [ ] , ;``)."""
    level1 = path.replace("\\", "\\\\").replace("'", "\\'").replace(":", "\\:")
    out = []
    for ch in level1:
        out.append("\\" + ch if ch in "\\'[],;" else ch)
    return "".join(out)
