"""File facts read without decoding (PyAV demux, mp4 box order) and the checks against a platform's limits."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import av

from reelforge.check.model import CheckResult
from reelforge.check.platforms import PlatformSpec, orientation, ratio_matches
from reelforge.errors import InvalidInputError, NotFoundError

VFR_TOLERANCE = 0.25  # a frame interval this far from the median one is irregular
VFR_SHARE = 0.02  # more irregular intervals than this: variable frame rate


@dataclass(frozen=True)
class FileFacts:
    path: str
    kind: str  # mp4 | mov | webm | other:<format>
    size_bytes: int
    duration_sec: float
    video_codec: str | None
    width: int
    height: int
    fps: float | None
    frames: int
    irregular_share: float  # share of frame intervals off the median by more than VFR_TOLERANCE
    interval_range_ms: tuple[float, float]
    video_bitrate: int | None
    audio_codec: str | None
    audio_rate: int | None
    audio_channels: int | None
    faststart: bool | None  # moov before mdat (mp4/mov only)

    @property
    def variable_frame_rate(self) -> bool:
        return self.irregular_share > VFR_SHARE


def _kind(path: Path, format_name: str) -> str:
    names = set(format_name.split(","))
    if "mp4" in names or "mov" in names:
        return "mov" if path.suffix.lower() == ".mov" else "mp4"
    if "webm" in names or "matroska" in names:
        return "webm"
    return f"other:{format_name}"


def box_order(path: Path) -> list[str]:
    """Top-level ISO BMFF box types in file order (stops at the first malformed header)."""
    order: list[str] = []
    size_total = path.stat().st_size
    with path.open("rb") as fh:
        offset = 0
        while offset + 8 <= size_total and len(order) < 64:
            fh.seek(offset)
            header = fh.read(16)
            size = int.from_bytes(header[:4], "big")
            box = header[4:8].decode("latin-1")
            if size == 1:
                size = int.from_bytes(header[8:16], "big")
            elif size == 0:
                size = size_total - offset
            if size < 8:
                break
            order.append(box)
            offset += size
    return order


def read_facts(path: Path) -> FileFacts:
    if not path.is_file():
        raise NotFoundError(f"video not found: {path}", hint="pass an mp4 or a run directory", file=str(path))
    try:
        container = av.open(str(path))
    except (av.error.InvalidDataError, av.error.FFmpegError) as exc:
        raise InvalidInputError(f"{path} is not a readable video ({exc})", hint="pass an mp4/mov/webm file",
                                file=str(path)) from None
    with container:
        kind = _kind(path, container.format.name)
        duration = container.duration / av.time_base if container.duration else 0.0
        vcodec = acodec = None
        width = height = 0
        fps = None
        arate = achannels = None
        if container.streams.audio:
            a = container.streams.audio[0]
            acodec, arate, achannels = a.codec_context.name, a.codec_context.sample_rate, a.codec_context.channels
        times: list[float] = []
        vbytes = 0
        if container.streams.video:
            v = container.streams.video[0]
            vcodec, width, height = v.codec_context.name, v.codec_context.width, v.codec_context.height
            rate = v.average_rate or v.guessed_rate
            fps = float(rate) if rate else None
            tb = v.time_base
            for packet in container.demux(v):
                if packet.size and packet.pts is not None and tb is not None:
                    times.append(float(packet.pts * tb))
                    vbytes += packet.size
    times.sort()
    intervals = [b - a for a, b in pairwise(times) if b > a]
    irregular = 0.0
    span = (0.0, 0.0)
    if len(intervals) >= 3:
        median = statistics.median(intervals)
        irregular = sum(1 for d in intervals if abs(d - median) > VFR_TOLERANCE * median) / len(intervals)
        span = (round(min(intervals) * 1000, 2), round(max(intervals) * 1000, 2))
    faststart = None
    if kind in ("mp4", "mov"):
        order = box_order(path)
        if "moov" in order and "mdat" in order:
            faststart = order.index("moov") < order.index("mdat")
    video_seconds = (times[-1] - times[0] + (statistics.median(intervals) if intervals else 0)) if times else 0
    return FileFacts(
        path=str(path), kind=kind, size_bytes=path.stat().st_size, duration_sec=duration, video_codec=vcodec,
        width=width, height=height, fps=fps, frames=len(times), irregular_share=round(irregular, 4),
        interval_range_ms=span, video_bitrate=int(vbytes * 8 / video_seconds) if video_seconds > 0 else None,
        audio_codec=acodec, audio_rate=arate, audio_channels=achannels, faststart=faststart)


def _gcd_ratio(w: int, h: int) -> str:
    from math import gcd

    g = gcd(w, h) or 1
    return f"{w // g}:{h // g}"


def container_checks(f: FileFacts, p: PlatformSpec) -> list[CheckResult]:
    results: list[CheckResult] = []
    fmt_ok = f.kind in p.containers
    if not fmt_ok:
        results.append(CheckResult("container", "fail", f"{f.kind} is not accepted by {p.title}",
                                   fix=f"re-mux or re-encode to {'/'.join(sorted(p.containers))}", value=f.kind,
                                   limit=sorted(p.containers)))
    elif p.needs_faststart and f.faststart is False:
        results.append(CheckResult("container", "fail", "the moov box is after the media data (no fast start)",
                                   fix="re-mux with ffmpeg -c copy -movflags +faststart", value=f.kind))
    else:
        results.append(CheckResult("container", "pass", f"{f.kind}" + (", fast start" if f.faststart else ""),
                                   value=f.kind))

    problems = []
    if f.video_codec is None:
        problems.append("no video stream")
    elif f.video_codec not in p.video_codecs:
        problems.append(f"video codec {f.video_codec} (accepted: {', '.join(sorted(p.video_codecs))})")
    if f.audio_codec is not None and f.audio_codec not in p.audio_codecs:
        problems.append(f"audio codec {f.audio_codec} (accepted: {', '.join(sorted(p.audio_codecs))})")
    if f.audio_rate and p.audio_max_rate and f.audio_rate > p.audio_max_rate:
        problems.append(f"audio sample rate {f.audio_rate} Hz above {p.audio_max_rate}")
    codecs = f"{f.video_codec}/{f.audio_codec or 'no audio'}"
    if problems:
        results.append(CheckResult("codecs", "fail", "; ".join(problems), value=codecs,
                                   fix="re-encode: -c:v libx264 -pix_fmt yuv420p -c:a aac -ar 48000"))
    elif f.audio_codec is None:
        results.append(CheckResult("codecs", "warn", f"{codecs}: the video has no audio track", value=codecs,
                                   fix="add a sound track: silent posts get less reach and cannot carry music"))
    else:
        results.append(CheckResult("codecs", "pass", codecs, value=codecs))

    results.append(_resolution(f, p))
    results.append(_fps(f, p))
    if p.max_video_bitrate and f.video_bitrate and f.video_bitrate > p.max_video_bitrate:
        results.append(CheckResult("bitrate", "fail", f"video {f.video_bitrate / 1e6:.1f} Mbps above "
                                   f"{p.max_video_bitrate / 1e6:.0f} Mbps", value=f.video_bitrate,
                                   limit=p.max_video_bitrate, fix="re-encode with a higher CRF or -maxrate 20M"))
    else:
        rate = f"{f.video_bitrate / 1e6:.2f} Mbps" if f.video_bitrate else "unknown"
        results.append(CheckResult("bitrate", "pass", f"video {rate}", value=f.video_bitrate,
                                   limit=p.max_video_bitrate))

    results.append(_duration(f, p))
    if f.size_bytes > p.max_bytes:
        results.append(CheckResult("fileSize", "fail", f"{f.size_bytes / 1024**2:.1f} MB above "
                                   f"{p.max_bytes / 1024**2:.0f} MB", value=f.size_bytes, limit=p.max_bytes,
                                   fix="re-encode with a higher CRF or a lower resolution"))
    else:
        results.append(CheckResult("fileSize", "pass", f"{f.size_bytes / 1024**2:.1f} MB", value=f.size_bytes,
                                   limit=p.max_bytes))
    return results


def _resolution(f: FileFacts, p: PlatformSpec) -> CheckResult:
    if f.video_codec is None or not (f.width and f.height):
        return CheckResult("resolution", "fail", "no video stream", fix="pass a video file, not audio only")
    size = f"{f.width}x{f.height}"
    ratio = _gcd_ratio(f.width, f.height) if f.width and f.height else "?"
    shape = orientation(f.width, f.height)
    pw, ph = p.preferred_aspect
    if shape not in p.aspects:
        return CheckResult("resolution", "fail", f"{size} ({ratio}, {shape}) is not {'/'.join(p.aspects)} "
                           f"as {p.title} needs", value=size, limit=f"{pw}:{ph}",
                           fix=f"render at {pw}:{ph}, e.g. --aspect {pw}:{ph}")
    if p.ratios and not any(ratio_matches(f.width, f.height, r) for r in p.ratios):
        accepted = " or ".join(f"{w}:{h}" for w, h in p.ratios)
        return CheckResult("resolution", "fail", f"{size} ({ratio}) is not {accepted} as {p.title} needs",
                           value=size, limit=accepted, fix=f"render at {pw}:{ph}, e.g. --aspect {pw}:{ph}")
    if min(f.width, f.height) < p.min_side or max(f.width, f.height) > p.max_side or (
            p.max_width and f.width > p.max_width):
        return CheckResult("resolution", "fail", f"{size} is outside {p.min_side}..{p.max_side} px"
                           + (f" or wider than {p.max_width}" if p.max_width else ""), value=size,
                           fix="render at 1080x1920")
    if not ratio_matches(f.width, f.height, (pw, ph)):
        return CheckResult("resolution", "warn", f"{size} ({ratio}); {p.title} fills the screen at {pw}:{ph}",
                           value=size, limit=f"{pw}:{ph}", fix=f"render at {pw}:{ph} to avoid bars")
    if min(f.width, f.height) < p.recommended_min_width:
        return CheckResult("resolution", "warn", f"{size} is below the recommended {p.recommended_min_width} px",
                           value=size, fix="render at 1080x1920 for a sharp picture")
    return CheckResult("resolution", "pass", f"{size} ({ratio})", value=size)


def _fps(f: FileFacts, p: PlatformSpec) -> CheckResult:
    if f.fps is None:
        return CheckResult("fps", "fail", "no frame rate (no video frames)", fix="re-encode the video")
    details = {"irregularShare": f.irregular_share, "intervalMs": list(f.interval_range_ms)}
    if f.variable_frame_rate:
        return CheckResult("fps", "fail", f"variable frame rate: {f.irregular_share:.0%} of frame intervals "
                           f"irregular ({f.interval_range_ms[0]:g}..{f.interval_range_ms[1]:g} ms)",
                           value=round(f.fps, 3), details=details,
                           fix="re-encode at a constant rate: ffmpeg -i in.mp4 -fps_mode cfr -r 30 out.mp4")
    if not p.fps_min <= f.fps <= p.fps_max + 0.01:
        return CheckResult("fps", "fail", f"{f.fps:.3g} fps outside {p.fps_min:g}..{p.fps_max:g}",
                           value=round(f.fps, 3), limit=[p.fps_min, p.fps_max], details=details,
                           fix="re-encode at 30 fps: -r 30")
    return CheckResult("fps", "pass", f"{f.fps:.3g} fps, constant", value=round(f.fps, 3), details=details)


def _duration(f: FileFacts, p: PlatformSpec) -> CheckResult:
    d = f.duration_sec
    if d > p.max_duration + 0.05:
        return CheckResult("duration", "fail", f"{d:.2f} s is longer than {p.title}'s {p.max_duration:g} s",
                           value=round(d, 3), limit=p.max_duration,
                           fix=f"cut it to {p.max_duration:g} s or less (shorter script or --duration)")
    if d < p.min_duration:
        return CheckResult("duration", "fail", f"{d:.2f} s is shorter than {p.min_duration:g} s",
                           value=round(d, 3), limit=p.min_duration, fix="make it longer")
    if p.warn_duration and d > p.warn_duration:
        return CheckResult("duration", "warn", f"{d:.2f} s is over {p.warn_duration:g} s", value=round(d, 3),
                           limit=p.max_duration, fix=f"keep it under {p.warn_duration:g} s (see docs/platforms.md)")
    return CheckResult("duration", "pass", f"{d:.2f} s", value=round(d, 3), limit=p.max_duration)
