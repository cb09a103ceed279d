"""Every provider per capability and whether it can run here (for `video list-providers`), from the registry."""

from __future__ import annotations

from typing import Any

from reelforge.providers.registry import ROWS, availability


def list_providers() -> list[dict[str, Any]]:
    """One entry per registry row: image and video vendors included, each with its key, extra and limits."""
    return [{"capability": r.capability, "id": r.id, "available": availability(r), "cost": r.cost,
             "keyEnv": r.key_env, "extra": r.extra, "concurrency": r.concurrency if r.cls else None,
             "priceKey": r.price_key, "installHint": r.install_hint or None} for r in ROWS]
