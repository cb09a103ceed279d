"""A small review workspace made with the key-free providers and the library calls the CLI uses (docs/runners.md):
two designed-still candidates of one persona, an approved voice take, and optionally one local animatic render
(``review_pending``) made from an approved still and that take."""

from __future__ import annotations

import subprocess
from pathlib import Path

from reelforge.assets import api as assets_api
from reelforge.batch import api as batch_api
from reelforge.renders import api as renders_api

PERSONA = "female-1"
TAKE = "take-1"
JOB = "an-001"
PROMPTS = ("a creator in her 30s at a desk, natural window light", "the same creator on a sofa, evening lamp light")


def image_request(run_id: str, prompt: str, seed: int) -> dict[str, object]:
    return {"assetId": PERSONA, "runId": run_id, "personaId": PERSONA, "campaignId": "camp-1",
            "conceptId": "gmail-fixer", "assetPurpose": "persona_candidate",
            "sourceBasis": ["research/benchmark-01.md"], "mustKeep": ["face"], "canVary": ["lighting"],
            "mustAvoid": ["ad polish"], "prompt": prompt, "model": "image-local-designed", "seed": seed,
            "localAssetDir": f"assets/{PERSONA}"}


def candidate_name(run_id: str) -> str:
    return f"{run_id}-attempt-001-img-001.png"


def tone_wav(path: Path, seconds: float = 1.5) -> Path:
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency=220:duration={seconds}", str(path)], check=True)
    return path


def make_review_workspace(root: Path, *, render: bool) -> Path:
    (root / "research").mkdir(parents=True, exist_ok=True)
    (root / "scripts").mkdir(exist_ok=True)
    (root / "briefs").mkdir(exist_ok=True)
    (root / "research/benchmark-01.md").write_text("# creators at a desk\n", encoding="utf-8")
    (root / "scripts/script-1.json").write_text('{"title": "gmail fixer", "scenes": []}\n', encoding="utf-8")
    (root / "briefs/concept.md").write_text("# the two minute inbox fix\n", encoding="utf-8")
    for n, prompt in enumerate(PROMPTS, start=1):
        batch_api.generate(image_request(f"image-run-00{n}", prompt, seed=40 + n), workspace=root)
    assets_api.add(TAKE, tone_wav(root / "take.wav"), kind="audio", purpose="voice_take",
                   source_basis=["scripts/script-1.json"], workspace=root)
    assets_api.review(TAKE, "audio/candidates/take.wav", "approve", workspace=root)
    if render:
        assets_api.review(PERSONA, candidate_name("image-run-001"), "approve", workspace=root)
        renders_api.submit({
            "jobId": JOB, "model": "video-local-animatic", "assetPurpose": "animatic_preview",
            "campaignId": "camp-1", "conceptId": "gmail-fixer", "personaId": PERSONA, "imageAssetId": PERSONA,
            "voiceTakeId": TAKE, "scriptId": "script-1", "sourceBasis": ["research/benchmark-01.md"],
            "localOutputDir": f"renders/{JOB}",
            "upstreamRefs": {"script": "scripts/script-1.json", "concept": "briefs/concept.md"},
            "captionText": "Your inbox is not broken."}, workspace=root)
    return root
