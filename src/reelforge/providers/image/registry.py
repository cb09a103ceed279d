"""One adapter per vendor behind the ImageProvider Protocol; tests may inject their own."""

from __future__ import annotations

from reelforge.providers.image.base import ImageProvider


def provider_for(vendor: str) -> ImageProvider:
    if vendor == "openai":
        from reelforge.providers.image.openai_images import OpenAIImages

        return OpenAIImages()
    if vendor == "gemini":
        from reelforge.providers.image.gemini import GeminiImages

        return GeminiImages()
    if vendor == "ark":
        from reelforge.providers.image.ark import ArkSeedream

        return ArkSeedream()
    from reelforge.providers.image.local import LocalDesigned

    return LocalDesigned()
