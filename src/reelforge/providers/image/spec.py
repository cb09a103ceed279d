"""What one hosted image endpoint key means: the shape every image adapter declares its models in.

An adapter class lists its keys in a ``models`` class attribute; ``providers/image/catalog.py`` collects
them from the classes the provider table names, so a vendor's models and prices live in its own module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModelSpec:
    key: str
    vendor: str  # a provider id of capability image in providers.registry
    operation: str  # text | edit
    vendor_model: str
    best_quality: str | None  # the highest practical tier (the default unless draft)
    draft_quality: str | None
    fixed_resolution: str | None  # Nano Banana Pro: the key is the billable tier, never switched at runtime
    best_resolution: str | None
    draft_resolution: str | None
    sequential: bool
    usd_per_image: float
    aspect_ratios: tuple[str, ...]
    # Vendors that bill by quality tier: the share of the best tier's price per tier (empty: one price).
    quality_share: Mapping[str, float] = field(default_factory=dict, hash=False, compare=False)
