"""What one video endpoint key means: the shape every video adapter declares its models in.

Quality tiers are listed best first: a request without ``resolution`` gets the first one (realism-sensitive
renders start from the best tier), a ``draft: true`` request gets the last one. Prices are approximate list
prices in USD per second of output, used only for the guardrail before submit (the vendor's invoice is the
truth). An adapter class lists its keys in a ``models`` class attribute; ``providers/video/catalog.py``
collects them from the classes the provider table names.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class VideoModel:
    key: str
    route: str
    vendor: str
    wire_model: str  # may hold {tier} for vendors that put the tier in the model path
    tiers: tuple[str, ...]  # best first
    usd_per_second: dict[str, float] = field(default_factory=dict, hash=False)
    durations: tuple[int, ...] = ()
    label: str | None = None

    def vendor_model(self, tier: str) -> str:
        return self.wire_model.format(tier=tier)

    @property
    def path_taken(self) -> str:
        return "fallback" if self.vendor == "local" else "real"
