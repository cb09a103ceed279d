"""Probe media with PyAV (there is no ffprobe binary): streams, codec, profile, size, exact frame count."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from reelforge.errors import InvalidInputError, NotFoundError

# Image codecs as PyAV names them; a one-frame stream of one of these is a still, not a clip.
IMAGE_CODECS = frozenset({"png", "mjpeg", "jpegls", "webp", "bmp", "tiff", "gif", "jpeg2000", "qoi", "apng"})


@dataclass(frozen=True)
class VideoStreamInfo:
    codec: str
    profile: str | None
    pix_fmt: str | None
    width: int
    height: int
    fps: float | None
    frames: int | None
    duration_sec: float | None


@dataclass(frozen=True)
class AudioStreamInfo:
    codec: str
    sample_rate: int
    channels: int
    duration_sec: float | None


@dataclass(frozen=True)
class MediaInfo:
    path: str
    format: str
    duration_sec: float | None
    video: VideoStreamInfo | None
    audio: AudioStreamInfo | None
    streams: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_image(self) -> bool:
        return self.video is not None and self.video.codec in IMAGE_CODECS and (self.video.frames or 1) <= 1


def _seconds(value: int | None, time_base: Fraction | None) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def count_video_packets(path: Path) -> int:
    """Video packets in the first video stream, without decoding (one packet per frame for H.264 in mp4)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return sum(1 for p in container.demux(stream) if p.size)


def _count_frames(path: Path) -> int:
    """Frames a decoder actually returns (what a player shows)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        return sum(1 for _ in container.decode(stream))


def probe(path: Path, *, count_frames: bool = False) -> MediaInfo:
    """Read stream facts; ``count_frames`` decodes the whole video stream for the exact frame count."""
    if not path.is_file():
        raise NotFoundError(f"media file not found: {path}", file=str(path))
    try:
        container = av.open(str(path))
    except (av.error.InvalidDataError, av.error.FFmpegError) as exc:
        raise InvalidInputError(f"{path} is not a readable image, video or audio file ({exc})",
                                hint="pass a PNG/JPEG/WebP image or an MP4/MOV/WebM clip", file=str(path)) from None
    with container:
        streams = [s.type for s in container.streams]
        video = audio = None
        if container.streams.video:
            vs = container.streams.video[0]
            cc = vs.codec_context
            rate = vs.average_rate or vs.guessed_rate
            video = VideoStreamInfo(
                codec=cc.name, profile=cc.profile, pix_fmt=cc.pix_fmt, width=cc.width, height=cc.height,
                fps=float(rate) if rate else None, frames=vs.frames or None,
                duration_sec=_seconds(vs.duration, vs.time_base))
        if container.streams.audio:
            aus = container.streams.audio[0]
            audio = AudioStreamInfo(codec=aus.codec_context.name, sample_rate=aus.codec_context.sample_rate,
                                    channels=aus.codec_context.channels,
                                    duration_sec=_seconds(aus.duration, aus.time_base))
        duration = container.duration / av.time_base if container.duration else None
        fmt = container.format.name
    if count_frames and video is not None:
        video = VideoStreamInfo(**{**asdict(video), "frames": _count_frames(path)})
    return MediaInfo(path=str(path), format=fmt, duration_sec=duration, video=video, audio=audio, streams=streams)
