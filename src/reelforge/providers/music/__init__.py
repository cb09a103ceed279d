"""Music beds synthesized by reelforge itself (key-free, deterministic, licence-clean)."""

from reelforge.providers.music.bed import LICENCE, PROVIDER_ID, Bed, make_bed
from reelforge.providers.music.moods import MOOD_NAMES

__all__ = ["LICENCE", "MOOD_NAMES", "PROVIDER_ID", "Bed", "make_bed"]
