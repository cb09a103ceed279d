"""What each platform accepts: published upload limits, with sources in docs/platforms.md.

``hard`` limits make an upload fail or the video be treated as something else (a Short longer than the
limit is a regular video); ``recommended`` values only warn.
"""

from __future__ import annotations

from dataclasses import dataclass

from reelforge.errors import InvalidInputError

GB = 1024**3
MB = 1024**2


@dataclass(frozen=True)
class PlatformSpec:
    name: str
    title: str
    containers: frozenset[str]  # file kinds: mp4, mov, webm
    video_codecs: frozenset[str]  # PyAV codec names
    audio_codecs: frozenset[str]
    min_side: int  # px, both dimensions
    max_side: int
    max_width: int | None
    fps_min: float
    fps_max: float
    max_video_bitrate: int | None  # bits per second
    min_duration: float
    max_duration: float
    warn_duration: float | None  # above this a warn (e.g. a Short with a Content ID claim)
    max_bytes: int
    aspects: tuple[str, ...]  # accepted orientations: portrait, square, landscape (others fail)
    ratios: tuple[tuple[int, int], ...] | None  # when set, only these width:height ratios are accepted
    preferred_aspect: tuple[int, int]
    recommended_min_width: int
    needs_faststart: bool
    audio_max_rate: int | None
    caption_area: str  # safe-area preset of models/safe_area.py
    sources: tuple[str, ...]


_MODERN = frozenset({"h264", "hevc", "vp8", "vp9"})

PLATFORMS: dict[str, PlatformSpec] = {
    "tiktok": PlatformSpec(
        name="tiktok", title="TikTok", containers=frozenset({"mp4", "mov", "webm"}), video_codecs=_MODERN,
        audio_codecs=frozenset({"aac", "mp3", "opus"}), min_side=360, max_side=4096, max_width=None,
        fps_min=23, fps_max=60, max_video_bitrate=None, min_duration=3, max_duration=600, warn_duration=None,
        max_bytes=4 * GB, aspects=("portrait", "landscape"), ratios=((9, 16), (16, 9)),
        preferred_aspect=(9, 16), recommended_min_width=720,
        needs_faststart=False, audio_max_rate=None, caption_area="tiktok",
        sources=("https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide",
                 "https://www.ayrshare.com/docs/media-guidelines/tiktok")),
    "reels": PlatformSpec(
        name="reels", title="Instagram Reels", containers=frozenset({"mp4", "mov"}),
        video_codecs=frozenset({"h264", "hevc"}), audio_codecs=frozenset({"aac"}), min_side=1, max_side=3600,
        max_width=1920, fps_min=23, fps_max=60, max_video_bitrate=25_000_000, min_duration=3, max_duration=900,
        warn_duration=None, max_bytes=300 * MB, aspects=("portrait", "square", "landscape"), ratios=None,
        preferred_aspect=(9, 16), recommended_min_width=540, needs_faststart=True, audio_max_rate=48_000,
        caption_area="reels",
        sources=("https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media",
                 "https://www.ayrshare.com/docs/media-guidelines/instagram")),
    "shorts": PlatformSpec(
        name="shorts", title="YouTube Shorts", containers=frozenset({"mp4", "mov", "webm"}), video_codecs=_MODERN,
        audio_codecs=frozenset({"aac", "opus", "mp3"}), min_side=1, max_side=8192, max_width=None, fps_min=23,
        fps_max=60, max_video_bitrate=None, min_duration=1, max_duration=180, warn_duration=60,
        max_bytes=256 * GB, aspects=("portrait", "square"), ratios=None,
        preferred_aspect=(9, 16), recommended_min_width=720,
        needs_faststart=True, audio_max_rate=None, caption_area="shorts",
        sources=("https://support.google.com/youtube/answer/10059070",
                 "https://support.google.com/youtube/answer/1722171")),
    "youtube": PlatformSpec(
        name="youtube", title="YouTube (long form)", containers=frozenset({"mp4", "mov", "webm"}),
        video_codecs=_MODERN | {"av1"}, audio_codecs=frozenset({"aac", "opus", "mp3"}), min_side=1, max_side=8192,
        max_width=None, fps_min=23, fps_max=60, max_video_bitrate=None, min_duration=1, max_duration=12 * 3600,
        warn_duration=15 * 60, max_bytes=256 * GB, aspects=("portrait", "square", "landscape"), ratios=None,
        preferred_aspect=(16, 9), recommended_min_width=720, needs_faststart=True, audio_max_rate=None,
        caption_area="generic",
        sources=("https://support.google.com/youtube/answer/1722171",
                 "https://support.google.com/youtube/answer/71673")),
    # generic: one file that every short-form feed above accepts unchanged (the strictest of each limit),
    # and no longer than 60 s so it is short-form everywhere without conditions (see docs/platforms.md).
    "generic": PlatformSpec(
        name="generic", title="any short-form feed", containers=frozenset({"mp4"}), video_codecs=frozenset({"h264"}),
        audio_codecs=frozenset({"aac"}), min_side=360, max_side=3600, max_width=1920, fps_min=23, fps_max=60,
        max_video_bitrate=25_000_000, min_duration=3, max_duration=60, warn_duration=None, max_bytes=300 * MB,
        aspects=("portrait",), ratios=((9, 16),),
        preferred_aspect=(9, 16), recommended_min_width=720, needs_faststart=True,
        audio_max_rate=48_000, caption_area="generic",
        sources=("docs/platforms.md: the strictest of the rows above",)),
}


def platform_spec(name: str) -> PlatformSpec:
    if name not in PLATFORMS:
        raise InvalidInputError(f"unknown platform {name!r}", hint=f"--platform must be one of {', '.join(PLATFORMS)}")
    return PLATFORMS[name]


def orientation(width: int, height: int) -> str:
    if width == height:
        return "square"
    return "portrait" if height > width else "landscape"


def ratio_matches(width: int, height: int, ratio: tuple[int, int], tolerance: float = 0.01) -> bool:
    """True when width:height is ``ratio`` within ``tolerance`` (odd sizes like 1080x1918 still count)."""
    if not width or not height:
        return False
    return abs((width / height) / (ratio[0] / ratio[1]) - 1) <= tolerance
