"""`--visual aigc`: one hosted generative clip per scene through the render runner (the seed's Pixelle AIGC).

The seed reaches a community MCP (Pixelle on RunningHub credits); reelforge asks a hosted text-to-video
model it already speaks, Seedance 2.0 fast on BytePlus/Volcengine Ark (``ARK_API_KEY``), through the render
runner (request record, attempt log, no double charge, download, render manifest under ``renders/<jobId>``).

The chain runs first in ``auto`` mode, so a scene's own media and explainer frames win and the designed card
is ready as the fallback. Each remaining scene becomes a ``mode: text`` Seedance request for a clip of the
scene's length (4-15 s, the model's range), priced per second before anything is sent; the video's cost
plan carries that price through the guardrail (``--max-usd``/``--yes``). No key, a dry run, a spend the plan
did not approve, or a failed job: the card stays, ``pathTaken: fallback``, with a warning naming why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.config import environ_value
from reelforge.errors import ReelforgeError, SchemaValidationError
from reelforge.models.script import Scene, Script
from reelforge.pipeline.visual_chain import VisualResult
from reelforge.providers.visual import designed, user_media
from reelforge.workspace.paths import Workspace, sanitize_id

MODEL = "video-seedance-2-fast"
TIER = "720p"
KEY_ENV = "ARK_API_KEY"
_TEXT_HEAVY = frozenset({"slide", "code", "diagram", "chart"})
_RATIOS = {"9:16": "9:16", "16:9": "16:9", "1:1": "1:1"}


@dataclass(frozen=True)
class ClipPlan:
    """What `--visual aigc` will call: ``model`` None means designed cards (``reason`` says why)."""

    model: str | None
    usd_per_second: float = 0.0
    reason: str | None = None

    def usd(self, scenes: Sequence[Scene]) -> float:
        return round(self.usd_per_second * sum(clip_seconds(s) for s in scenes), 4)


def clip_seconds(scene: Scene) -> int:
    """Seedance renders whole seconds in 4..15; a scene gets a clip at least as long as it is planned."""
    return min(15, max(4, math.ceil(scene.duration_sec)))


def clip_scenes(script: Script) -> list[Scene]:
    """The scenes a clip is asked for (text-heavy frames are typeset, not generated)."""
    return [s for s in script.scenes if s.visual.kind not in _TEXT_HEAVY]


def plan_clips(environ: Mapping[str, str] | None = None) -> ClipPlan:
    from reelforge.providers.video.catalog import MODELS

    key = environ_value(KEY_ENV) if environ is None else environ.get(KEY_ENV, "").strip()
    if not key:
        return ClipPlan(None, reason=f"{KEY_ENV} is not set (aigc uses {MODEL} on Ark)")
    return ClipPlan(MODEL, MODELS[MODEL].usd_per_second[TIER])


@dataclass
class GeneratedClips:
    results: list[VisualResult]
    plan: ClipPlan
    warnings: list[str] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)
    estimate_usd: float = 0.0


def _fallback(result: VisualResult, reason: str) -> VisualResult:
    result.path_taken = "fallback"
    message = f"aigc clip unavailable: {reason}; used designed card"
    if message not in result.warnings:
        result.warnings.append(message)
    return result


def _prompt(scene: Scene, script: Script) -> str:
    subject = (scene.visual.prompt or " ".join(scene.on_screen_text) or scene.narration or script.title).strip()
    return (f"{subject[:600]}. Cinematic b-roll for a short video about {script.title[:120]}; natural motion, "
            "no text, captions or logos on screen.")


def scene_request(scene: Scene, script: Script, *, run_id: str, seed: int) -> dict[str, Any]:
    job_id = sanitize_id(f"{run_id}-{scene.id}-aigc", max_len=1000)[:80].strip("-_")
    return {"jobId": job_id, "model": MODEL, "mode": "text", "assetPurpose": "first_pass_render",
            "sourceBasis": f"videos/{run_id}/script.json#{scene.id}", "localOutputDir": f"renders/{job_id}",
            "prompt": _prompt(scene, script), "duration": clip_seconds(scene), "resolution": TIER,
            "targetAspectRatio": _RATIOS[script.aspect], "seed": seed}


def generate_clips(script: Script, results: list[VisualResult], *, run_dir: Path, run_id: str,
                   workspace: Workspace, seed: int, plan: ClipPlan, approved: Mapping[str, float], dry_run: bool,
                   wait_sec: float, runner: Any = None) -> GeneratedClips:
    """Replace the designed cards of ``results`` (the chain's ``auto`` output) by hosted clips.

    ``approved`` is the cost plan's breakdown that passed the guardrail before any side effect; nothing is
    submitted beyond the line it holds for the model.
    """
    out = GeneratedClips(list(results), plan)
    todo = [r for r in out.results if r.provider == designed.PROVIDER_ID
            and script.scenes[r.index].visual.kind not in _TEXT_HEAVY]
    if not todo:
        return out
    if plan.model is None:
        for r in todo:
            _fallback(r, plan.reason or "no video model")
        return out
    scenes = [script.scenes[r.index] for r in todo]
    out.estimate_usd = plan.usd(scenes)
    if dry_run:
        for r in todo:
            _fallback(r, f"dry run, {plan.model} was not called (a real run estimates ${out.estimate_usd:.2f} "
                         f"for {len(todo)} clip(s))")
        return out
    budget = approved.get(plan.model, 0.0)
    if out.estimate_usd > budget + 1e-9:
        for r in todo:
            _fallback(r, f"{plan.model} needs ${out.estimate_usd:.2f} but the run's cost plan approved ${budget:.2f}")
        return out
    from reelforge.renders.runner import RenderRunner

    run = runner or RenderRunner(workspace)
    for result, scene in zip(todo, scenes, strict=True):
        request = scene_request(scene, script, run_id=run_id, seed=seed)
        out.jobs.append(request["jobId"])
        try:
            prepared = run.prepare(request)
            job = run.submit(prepared, wait=wait_sec)
        except SchemaValidationError:
            raise  # a request this module built is wrong: a bug to see, not a fallback
        except ReelforgeError as exc:
            _fallback(result, f"{plan.model}: {exc.message} (job {request['jobId']})")
            continue
        clip = next((f for f in job.files if f.endswith(".mp4")), None)  # workspace-relative
        if clip is None:
            _fallback(result, f"{plan.model}: job {job.job_id} is {job.status}")
            continue
        try:
            _adopt(out.results, result, workspace.root / clip, run_dir, job_id=job.job_id,
                   seconds=request["duration"])
        except ReelforgeError as exc:  # the vendor's file is not a playable clip
            _fallback(result, f"{plan.model}: job {job.job_id} returned no usable clip ({exc.message})")
    return out


def _adopt(results: list[VisualResult], card: VisualResult, clip: Path, run_dir: Path, *, job_id: str,
           seconds: int) -> None:
    """Import the clip into the run's visuals/ (probed, hashed) in the card's place."""
    from reelforge.providers.video.catalog import MODELS

    media = user_media.import_media(clip, run_dir, card.index)
    (run_dir / card.src).unlink(missing_ok=True)  # the card was only the fallback
    attribution = {"provider": MODEL, "vendor": MODELS[MODEL].vendor, "jobId": job_id,
                   "renderManifest": f"renders/{job_id}/manifest.json",
                   "usdEstimate": round(MODELS[MODEL].usd_per_second[TIER] * seconds, 4)}
    warnings = [w for w in card.warnings if not w.startswith("aigc clip unavailable")]
    results[results.index(card)] = VisualResult(card.scene_id, card.index, media.src, media.sha256, media.type,
                                                MODEL, "real", "off", warnings, attribution, card.seconds)
