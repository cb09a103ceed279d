"""Image generation adapters (OpenAI Images, Gemini, Ark Seedream, local designed stills)."""

from reelforge.providers.image.base import (
    ImageProvider,
    ProviderCallError,
    ProviderJob,
    ProviderOutput,
    ProviderResult,
    SourceImage,
)
from reelforge.providers.image.registry import provider_for

__all__ = ["ImageProvider", "ProviderCallError", "ProviderJob", "ProviderOutput", "ProviderResult", "SourceImage",
           "provider_for"]
