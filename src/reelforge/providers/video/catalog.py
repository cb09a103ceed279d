"""Video routes and models: endpoint key -> route, vendor, wire model, quality tiers (best first), prices.

Quality tiers are listed best first: a request without ``resolution`` gets the first one (realism-sensitive
renders start from the best tier), a ``draft: true`` request gets the last one, and the choice is always
written into the request record and the manifest. Prices are approximate list prices in USD per second
of output, used only for the guardrail before submit (the vendor's invoice is the truth).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reelforge.errors import InvalidInputError
from reelforge.providers.registry import rows

ROUTES = ("talking-head", "seedance", "motion-transfer", "animatic")
VENDOR_KEY_ENV: dict[str, str | None] = {r.id: r.key_env for r in rows("video")}


@dataclass(frozen=True)
class VideoModel:
    key: str
    route: str
    vendor: str
    wire_model: str  # may hold {tier} for vendors that put the tier in the model path
    tiers: tuple[str, ...]  # best first
    usd_per_second: dict[str, float] = field(default_factory=dict)
    durations: tuple[int, ...] = ()
    label: str | None = None

    def vendor_model(self, tier: str) -> str:
        return self.wire_model.format(tier=tier)

    @property
    def path_taken(self) -> str:
        return "fallback" if self.vendor == "local" else "real"


MODELS: dict[str, VideoModel] = {m.key: m for m in (
    VideoModel("video-infinitetalk", "talking-head", "fal", "fal-ai/infinitalk", ("720p", "480p"),
               {"720p": 0.40, "480p": 0.20}),
    VideoModel("video-seedance-2", "seedance", "ark", "dreamina-seedance-2-0-260128", ("1080p", "720p", "480p"),
               {"1080p": 0.68, "720p": 0.30, "480p": 0.15}, tuple(range(4, 16))),
    VideoModel("video-seedance-2-fast", "seedance", "ark", "dreamina-seedance-2-0-fast-260128", ("720p", "480p"),
               {"720p": 0.24, "480p": 0.12}, tuple(range(4, 16))),
    VideoModel("video-kling-v2-6-motion-control", "motion-transfer", "fal",
               "fal-ai/kling-video/v2.6/{tier}/motion-control", ("pro", "standard"),
               {"pro": 0.112, "standard": 0.07}),
    VideoModel("video-local-animatic", "animatic", "local", "ffmpeg-animatic", ("1080p", "720p", "480p"), {},
               label="local animatic: approved still + voice take + captions, gentle push-in; NOT a talking head"),
)}


def video_model(key: object) -> VideoModel:
    if not isinstance(key, str) or key not in MODELS:
        raise InvalidInputError(f"model: {key!r} is not a video model",
                                hint=f"use one of: {', '.join(sorted(MODELS))}")
    return MODELS[key]


def choose_tier(model: VideoModel, requested: object, *, draft: bool) -> tuple[str, str]:
    """Return (tier, why): the request's own tier, the draft tier, or the best tier by default."""
    if requested is not None:
        if requested not in model.tiers:
            raise InvalidInputError(f"resolution: {requested!r} is not a tier of {model.key}",
                                    hint=f"use one of {', '.join(model.tiers)} (or omit it for the best tier)")
        return str(requested), "request"
    if draft:
        return model.tiers[-1], "draft"
    return model.tiers[0], "default-highest"
