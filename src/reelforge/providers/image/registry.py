"""The image adapter of a vendor, built from the provider table (``providers.registry``)."""

from __future__ import annotations

from reelforge.providers.http import Deadlines
from reelforge.providers.image.base import ImageProvider
from reelforge.providers.registry import create


def provider_for(vendor: str, deadlines: Deadlines | None = None) -> ImageProvider:
    """Hosted adapters get the caller's deadlines; the local one draws here and needs none."""
    provider: ImageProvider = create("image", vendor, **({"deadlines": deadlines} if vendor != "local" else {}))
    return provider
