"""The price of one render before it is submitted: seconds of output x the model's list price per second.

The guardrail (``--max-usd``, ``--yes``) reads it before any network call, and the manifest records it.
"""

from __future__ import annotations

from reelforge.jobs.cost import Estimate
from reelforge.models.render_request import RenderRequest, media_list
from reelforge.providers.pricing import video_price_per_second
from reelforge.renders.gates import Input

DEFAULT_SECONDS = 10.0


def estimate(req: RenderRequest, inputs: list[Input]) -> Estimate:
    data = req.data
    seconds = float(data.get("duration") or 0)
    if req.route in ("talking-head", "animatic"):
        audio = next((i for i in inputs if i.kind == "audio"), None)
        seconds = audio.duration_s if audio and audio.duration_s else DEFAULT_SECONDS
    elif req.route == "motion-transfer":
        motion = media_list(data.get("motionVideo"))
        given = motion[0].get("durationSeconds") if motion else None
        seconds = float(given) if isinstance(given, (int, float)) and given > 0 else DEFAULT_SECONDS
    usd = round(seconds * video_price_per_second(req.video.key, data["resolution"]), 4)
    return Estimate(usd, 1, {req.video.key: usd}, unit="video")
