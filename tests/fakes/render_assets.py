"""Approved upstream assets (persona, image, voice take, script) and render requests for the render tests."""

from __future__ import annotations

import json
import math
import struct
import wave
from pathlib import Path
from typing import Any

from reelforge.assets.store import AssetStore
from reelforge.jobs.retry import Gates, RetryPolicy
from reelforge.renders.runner import RenderRunner
from reelforge.workspace.paths import Workspace
from tests.fakes._http import png_bytes

PERSONA, IMAGE, TAKE = "female-1", "female-1-cover-v1", "take-1"


def write_wav(path: Path, seconds: float = 1.0, rate: int = 16000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 220 * i / rate)))
                               for i in range(int(seconds * rate))))


def image_asset(root: Path, asset_id: str, *, approve: bool = True, n: int = 1) -> AssetStore:
    store = AssetStore(root / "assets" / asset_id, asset_id)
    store.ensure_layout()
    name = f"{asset_id}-img-001.png"
    (store.media_dir("image", "candidates") / name).write_bytes(png_bytes(n, (64, 112)))
    store.upsert_asset({"personaId": PERSONA, "assetPurpose": "persona_candidate"})
    store.record_outputs("image", [{"path": f"images/candidates/{name}", "kind": "candidate", "originRunId": "r1"}],
                         run_id="r1")
    if approve:
        store.review(name, "approve")
    return store


def voice_take(root: Path, take_id: str = TAKE, *, approve: bool = True, seconds: float = 1.0) -> AssetStore:
    store = AssetStore(root / "assets" / take_id, take_id)
    store.ensure_layout("audio")
    write_wav(store.media_dir("audio", "candidates") / f"{take_id}.wav", seconds)
    store.upsert_asset({"scriptId": "script-1", "scriptPath": "scripts/script-1.json",
                        "text": "Your inbox is not broken. Here is the two minute fix."})
    store.record_outputs("audio", [{"path": f"audio/candidates/{take_id}.wav", "kind": "candidate",
                                    "originRunId": "v1"}], run_id="v1")
    if approve:
        store.review(f"audio/candidates/{take_id}.wav", "approve")
    return store


def upstream(root: Path, *, persona: bool = True, image: bool = True, take: bool = True) -> None:
    image_asset(root, PERSONA, approve=persona, n=1)
    image_asset(root, IMAGE, approve=image, n=2)
    voice_take(root, approve=take)
    (root / "scripts").mkdir(exist_ok=True)
    (root / "scripts" / "script-1.json").write_text(json.dumps({"title": "gmail fixer"}), encoding="utf-8")
    (root / "briefs").mkdir(exist_ok=True)
    (root / "briefs" / "concept.md").write_text("# gmail fixer\n", encoding="utf-8")
    (root / "briefs" / "campaign.md").write_text("# camp-1: inbox fixes, spring\n", encoding="utf-8")


def base(job_id: str, model: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"jobId": job_id, "model": model, "campaignId": "camp-1", "conceptId": "gmail-fixer",
                            "sourceBasis": ["research/benchmark-01.md"], "localOutputDir": f"renders/{job_id}",
                            "upstreamRefs": {"script": "scripts/script-1.json", "concept": "briefs/concept.md",
                                             "campaign": "briefs/campaign.md"}}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def talking_head(job_id: str = "th-001", **extra: Any) -> dict[str, Any]:
    return base(job_id, "video-infinitetalk", assetPurpose="talking_head", personaId=PERSONA, imageAssetId=IMAGE,
                voiceTakeId=TAKE, scriptId="script-1", **extra)


def animatic(job_id: str = "an-001", **extra: Any) -> dict[str, Any]:
    return base(job_id, "video-local-animatic", assetPurpose="animatic_preview", personaId=PERSONA,
                imageAssetId=IMAGE, voiceTakeId=TAKE, scriptId="script-1", **extra)


def seedance(job_id: str = "sd-001", **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"assetPurpose": "first_pass_render", "mode": "first_frame",
                              "image": f"assets/{IMAGE}/images/approved/{IMAGE}-img-001.png", "duration": 5,
                              "promptPlan": {"subject": "a woman in her 30s at a kitchen table",
                                             "action": "she looks up from her phone and smiles"}}
    fields.update(extra)
    return base(job_id, "video-seedance-2", **fields)


def motion(job_id: str = "mt-001", **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"assetPurpose": "reference_motion_transfer", "characterOrientation": "video",
                              "image": f"assets/{IMAGE}/images/approved/{IMAGE}-img-001.png",
                              "motionVideo": "https://cdn.example.com/dance.mp4?sig=SECRET-MOTION-SIG",
                              "prompt": "the woman dances in her kitchen"}
    fields.update(extra)
    return base(job_id, "video-kling-v2-6-motion-control", **fields)


def runner(root: Path, **kwargs: Any) -> RenderRunner:
    policy = kwargs.pop("policy", RetryPolicy(attempts=4, base_s=0.01, cap_s=0.05))
    return RenderRunner(Workspace.at(root), gates=Gates(), policy=policy, download_timeout=5.0,
                        poll_interval=kwargs.pop("poll_interval", 0.01), **kwargs)


def all_text(root: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in root.rglob("*")
                     if p.is_file() and p.suffix in (".json", ".md", ".txt", ".srt"))
