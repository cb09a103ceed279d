"""List prices for the one cost guard, looked up through the provider table's ``price_key`` column.

A row without a price key is free (the local designed stills, the local animatic); otherwise the key names
the table that prices the row's models: ``image-models`` (USD per output image, by quality tier) and
``video-models`` (USD per second of output, by resolution tier), each price declared by the vendor's adapter
class and collected by ``providers/image/catalog.py`` / ``providers/video/catalog.py``; ``voice-chars`` (USD
per 1,000 narration characters, by model) in each voice engine's adapter (``VoiceEngine.usd_per_1k_chars``).
``REELFORGE_PRICE_<KEY>`` overrides an image price.
"""

from __future__ import annotations

from typing import Any

from reelforge.providers.registry import provider_class, row


def image_price(model_key: str, quality: str | None = None) -> float:
    from reelforge.providers.image.catalog import model_spec, price_per_image

    spec = model_spec(model_key)
    if row("image", spec.vendor).price_key is None:
        return 0.0
    return price_per_image(spec, quality)


def video_price_per_second(model_key: str, tier: str) -> float:
    from reelforge.providers.video.catalog import video_model

    model = video_model(model_key)
    if row("video", model.vendor).price_key is None:
        return 0.0
    return model.usd_per_second.get(tier, 0.0)


def voice_price_per_1k_chars(engine: str, options: Any) -> float:
    """List price of 1,000 characters read by ``engine`` with ``options`` (a ``VoiceOptions``; its model)."""
    if row("voice", engine).price_key is None:
        return 0.0
    return float(provider_class("voice", engine).usd_per_1k_chars(options))
