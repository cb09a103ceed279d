"""The render manifest: the normalized local handoff for review, rewritten atomically at every step.

Lineage, provider ids, inputs with hashes, local outputs with hashes, source basis and feedback history.
A render never approves itself: a finished render is ``review_pending`` until a human records a QA verdict.
"""

from __future__ import annotations

import hashlib
from typing import Any

from reelforge.assets.store import now_iso
from reelforge.models.envelope import attempts_of, in_envelope
from reelforge.providers.video.base import redact_body
from reelforge.renders.jobs import JobPaths
from reelforge.workspace.atomic import write_json_atomic

LINEAGE = ("campaignId", "conceptId", "personaId", "scriptId", "voiceTakeId", "imageAssetId")
COPIED = ("route", "provider", "model", "vendorModel", "pathTaken", "providerLabel", "assetPurpose", "creativeFormat",
          "targetAspectRatio", "mode", "resolution", "resolutionSource", "draft", "duration", "seed", "ratio",
          "characterOrientation", "sourceBasis", "mustKeep", "canVary", "upstreamRefs", "variant", "prompt",
          "promptPlan", "generateAudio", "returnLastFrame")
# The manifest status of the attempt states the runner does not follow with its own manifest write.
STATUS_OF_STATE = {"in_doubt": "submit_in_doubt", "not_submitted": "not_submitted", "submitting": "submitting"}


def prompt_hash(prompt: str) -> str:
    return "sha256:" + hashlib.sha256(prompt.encode("utf-8")).hexdigest()


def write_manifest(paths: JobPaths, data: dict[str, Any], attempt: dict[str, Any] | None,
                   **fields: Any) -> dict[str, Any]:
    """The render job's manifest in the envelope shape (models/envelope.py); ``exitCode`` is set only by the
    end of a command (``fields``), and is null while one is working on the job."""
    previous = paths.read_manifest()
    manifest: dict[str, Any] = {
        "schemaVersion": 1, "kind": "render_job", "mediaType": "video", "jobId": paths.job_id,
        **{k: data.get(k) for k in LINEAGE}, **{k: data.get(k) for k in COPIED if k in data},
        "promptHash": prompt_hash(str(data.get("prompt") or "")),
        "promptSha256": prompt_hash(str(data.get("prompt") or "")).removeprefix("sha256:"),
        "localOutputDir": str(paths.out_dir), "requestPath": str(paths.request), "responsePath": str(paths.response),
        "internalStatePath": str(paths.internal), "pollCommand": f"reelforge render poll {paths.job_id}",
        "status": "submitting", "providerStatus": None, "predictionId": None, "assets": [], "feedback": [],
        "qaReports": [], "createdAt": now_iso(),
    }
    manifest.update({k: v for k, v in previous.items() if k != "updatedAt"})
    manifest.update(fields)
    if attempt is not None:
        manifest["attemptId"] = attempt["attemptId"]
        manifest["attemptState"] = attempt["state"]
        manifest["attemptPhase"] = attempt.get("phase")
        manifest["nextAction"] = attempt.get("nextAction")
    manifest["updatedAt"] = now_iso()
    label = manifest.get("providerLabel") or manifest.get("provider")
    fallback = [f"fallback: {label}"] if manifest.get("pathTaken") == "fallback" else []
    manifest = in_envelope(redact_body(manifest), attempts=attempts_of(paths.log.read_index()), warnings=fallback,
                           exit_code=fields.get("exitCode"))
    write_json_atomic(paths.manifest, manifest)
    return manifest
