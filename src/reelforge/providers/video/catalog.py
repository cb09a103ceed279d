"""Video routes and the video endpoint keys, collected from the adapter classes the provider table names.

Each adapter class declares its keys, tiers (best first) and list prices in its ``models`` attribute
(``providers/video/spec.py``); a request without ``resolution`` gets the best tier, a ``draft: true``
request the last one (models/render_request.py), and the choice is always written into the request record
and the manifest.
"""

from __future__ import annotations

from reelforge.errors import InvalidInputError
from reelforge.providers.registry import declared_models, rows
from reelforge.providers.video.spec import VideoModel

__all__ = ["MODELS", "ROUTES", "VENDOR_KEY_ENV", "VideoModel", "video_model"]

ROUTES = ("talking-head", "seedance", "motion-transfer", "animatic")
VENDOR_KEY_ENV: dict[str, str | None] = {r.id: r.key_env for r in rows("video")}
MODELS: dict[str, VideoModel] = {m.key: m for m in declared_models("video")}


def video_model(key: object) -> VideoModel:
    if not isinstance(key, str) or key not in MODELS:
        raise InvalidInputError(f"model: {key!r} is not a video model",
                                hint=f"use one of: {', '.join(sorted(MODELS))}")
    return MODELS[key]
