"""Request records and runner wiring shared by the image tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelforge.batch.runner import ImageRunner
from reelforge.jobs.retry import Gates, RetryPolicy
from reelforge.workspace.paths import Workspace


def request(asset_id: str = "female-1-cover-v1", run_id: str = "image-run-001", **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "assetId": asset_id, "runId": run_id, "campaignId": "camp-1", "personaId": "female-1",
        "conceptId": "gmail-fixer", "assetPurpose": "cover_frame", "sourceBasis": ["research/benchmark-01.md"],
        "mustKeep": ["face", "desk"], "canVary": ["lighting"], "mustAvoid": ["ad polish"],
        "prompt": "a creator at a desk, natural window light", "model": "image-local-designed",
        "localAssetDir": f"assets/{asset_id}",
    }
    base.update(extra)
    return base


def runner(root: Path, **kwargs: Any) -> ImageRunner:
    policy = kwargs.pop("policy", RetryPolicy(attempts=4, base_s=0.01, cap_s=0.05))
    return ImageRunner(Workspace.at(root), gates=kwargs.pop("gates", Gates()), policy=policy,
                       download_timeout=5.0, **kwargs)


def all_text(root: Path) -> str:
    """Every file under root (except image bytes) as text, for 'no secret anywhere' checks."""
    parts = []
    for path in root.rglob("*"):
        if path.is_file() and path.suffix not in (".png", ".jpeg", ".webp"):
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)
