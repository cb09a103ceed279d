"""Probe a capture with PyAV: is it a real video, and what is it (codec, container, size, duration)?

A file is judged by its content, never its extension: a zero-byte file, a text file named .mp4 or
an audio-only file is refused with exit 4.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reelforge.errors import InvalidInputError

_MP4_FAMILY = "mov,mp4,m4a,3gp,3g2,mj2"


@dataclass(frozen=True)
class VideoInfo:
    container: str
    codec: str
    pix_fmt: str
    width: int
    height: int
    fps: float
    duration_sec: float
    has_audio: bool
    major_brand: str

    @property
    def is_h264_mp4(self) -> bool:
        """Already what the compositor reads best: H.264 yuv420p in an mp4 (not a QuickTime .mov) file."""
        return (self.container == _MP4_FAMILY and self.major_brand != "qt" and self.codec == "h264"
                and self.pix_fmt == "yuv420p" and self.width % 2 == 0 and self.height % 2 == 0)


def probe_video(path: Path, *, what: str = "--capture") -> VideoInfo:
    """Open ``path`` with PyAV, decode one frame, and describe it; InvalidInputError if it is not a video."""
    import av

    hint = "pass a screen recording (mp4, mov, webm, mkv) that plays in a video player"
    if path.stat().st_size == 0:
        raise InvalidInputError(f"{what} {path} is empty (0 bytes)", hint=hint, file=str(path))
    try:
        with av.open(str(path), mode="r") as container:
            if not container.streams.video:
                kind = "audio-only" if container.streams.audio else "without a video stream"
                raise InvalidInputError(f"{what} {path} is {kind}; a screen recording needs video",
                                        hint=hint, file=str(path))
            stream = container.streams.video[0]
            frame = next(container.decode(stream), None)
            if frame is None:
                raise InvalidInputError(f"{what} {path} has a video stream but no decodable frame",
                                        hint=hint, file=str(path))
            duration = _duration(container, stream)
            rate = stream.average_rate or stream.guessed_rate
            return VideoInfo(
                container=container.format.name, codec=stream.codec_context.name,
                pix_fmt=stream.codec_context.pix_fmt or "", width=frame.width, height=frame.height,
                fps=float(rate) if rate else 0.0, duration_sec=duration,
                has_audio=bool(container.streams.audio),
                major_brand=str(container.metadata.get("major_brand", "")).strip())
    except InvalidInputError:
        raise
    except (av.FFmpegError, StopIteration, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInputError(f"{what} {path} is not a readable video ({type(exc).__name__})",
                                hint=hint, file=str(path)) from None


def _duration(container: object, stream: object) -> float:
    if getattr(stream, "duration", None) and getattr(stream, "time_base", None):
        return float(stream.duration * stream.time_base)  # type: ignore[attr-defined]
    if getattr(container, "duration", None):
        return float(container.duration) / 1_000_000  # type: ignore[attr-defined]
    return 0.0
