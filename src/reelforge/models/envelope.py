"""One manifest envelope over the three run records: video runs, image jobs and render jobs.

Each runner still writes its own detailed manifest.json; ``envelope_from`` reads any of them (the shapes
written since schemaVersion 1, including ``promptHash "sha256:…"`` and records without ``kind``) into the
shared vocabulary: kind, lineage, attempts or stages, assets with sha256, cost, warnings, exit code.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from reelforge.models.common import Contract, NonNegFloat, PathTaken, Sha256

Kind = Literal["video_run", "image_job", "render_job"]
ENVELOPE_VERSION = 1
LINEAGE_KEYS = ("campaignId", "conceptId", "personaId", "scriptId", "voiceTakeId", "imageAssetId", "assetId")


class EnvelopeAsset(Contract):
    path: str = Field(min_length=1, description="as the record names it (run-, asset- or workspace-relative)")
    sha256: Sha256
    bytes: int | None = Field(default=None, ge=0)
    kind: str | None = Field(default=None, description="image, video, audio, ...")
    status: str | None = None


class EnvelopeAttempt(Contract):
    attempt_id: str = Field(alias="attemptId", min_length=1)
    state: str | None = None
    phase: str | None = None
    next_action: str | None = Field(default=None, alias="nextAction")


class EnvelopeStage(Contract):
    stage: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    path_taken: PathTaken = Field(alias="pathTaken")
    seconds: NonNegFloat = 0.0
    reused: bool = False


class EnvelopeCost(Contract):
    usd: NonNegFloat = Field(default=0.0, description="spent (video runs) or estimated (image and render jobs)")
    breakdown: dict[str, NonNegFloat] = Field(default_factory=dict)


class ManifestEnvelope(Contract):
    envelope_version: Literal[1] = Field(default=ENVELOPE_VERSION, alias="envelopeVersion")
    kind: Kind
    id: str = Field(min_length=1, description="runId of a video run or image job, jobId of a render job")
    status: str | None = None
    lineage: dict[str, str] = Field(default_factory=dict, description="campaign -> concept -> persona -> ... ids")
    provider: str | None = None
    model: str | None = None
    path_taken: PathTaken | None = Field(default=None, alias="pathTaken")
    prompt_sha256: Sha256 | None = Field(default=None, alias="promptSha256")
    attempts: list[EnvelopeAttempt] = Field(default_factory=list)
    stages: list[EnvelopeStage] = Field(default_factory=list)
    assets: list[EnvelopeAsset] = Field(default_factory=list)
    cost: EnvelopeCost = Field(default_factory=EnvelopeCost)
    warnings: list[str] = Field(default_factory=list)
    exit_code: int | None = Field(default=None, alias="exitCode", ge=0, le=130)


def kind_of(data: dict[str, Any]) -> Kind:
    """Which record this is; older records carry no ``kind`` and are told apart by their own keys."""
    kind = data.get("kind")
    if kind in ("video_run", "image_job", "render_job"):
        return kind  # type: ignore[no-any-return]
    if data.get("mediaType") == "image":
        return "image_job"
    if data.get("mediaType") == "video" and data.get("jobId"):
        return "render_job"
    if data.get("runId") and "stages" in data:
        return "video_run"
    raise ValueError("not a reelforge manifest: no kind, mediaType or stages")


def prompt_sha256_of(data: dict[str, Any]) -> str | None:
    """``promptSha256`` (hex) or the older ``promptHash`` (``sha256:<hex>``), as bare hex."""
    value = data.get("promptSha256") or data.get("promptHash")
    if not isinstance(value, str):
        return None
    return value.removeprefix("sha256:") or None


def _lineage(data: dict[str, Any]) -> dict[str, str]:
    return {k: str(data[k]) for k in LINEAGE_KEYS if isinstance(data.get(k), str) and data[k]}


def _asset(entry: dict[str, Any], kind: str | None) -> EnvelopeAsset | None:
    path = entry.get("relativePath") or entry.get("assetRelativePath") or entry.get("path") or entry.get("localPath")
    if not path or not entry.get("sha256"):
        return None
    return EnvelopeAsset(path=str(path), sha256=entry["sha256"], bytes=entry.get("bytes"),
                         kind=entry.get("kind") or kind, status=entry.get("status"))


def envelope_from(data: dict[str, Any]) -> ManifestEnvelope:
    """The envelope of any manifest.json reelforge writes or has written (pure: the caller reads the file)."""
    kind = kind_of(data)
    warnings = [str(w) for w in data.get("warnings") or []]
    if kind == "video_run":
        cost = data.get("cost") or {}
        assets = [a for a in (_asset(e, None) for e in data.get("assets") or []) if a]
        outputs = data.get("outputs") or {}
        if outputs.get("video") and outputs.get("sha256"):
            assets.append(EnvelopeAsset(path=outputs["video"], sha256=outputs["sha256"], kind="video"))
        stages = [EnvelopeStage(stage=s["stage"], provider=s["provider"], pathTaken=s["pathTaken"],
                                seconds=s.get("seconds", 0.0), reused=s.get("reused", False))
                  for s in data.get("stages") or []]
        taken = "fallback" if any(s.path_taken == "fallback" for s in stages) else ("real" if stages else None)
        return ManifestEnvelope(kind=kind, id=data["runId"], status=data.get("status"), lineage=_lineage(data),
                                pathTaken=taken, promptSha256=prompt_sha256_of(data), stages=stages,
                                assets=assets, cost=EnvelopeCost(usd=cost.get("usd", 0.0),
                                                                 breakdown=cost.get("breakdown") or {}),
                                warnings=warnings, exitCode=data.get("exitCode"))
    media = "image" if kind == "image_job" else None
    assets = [a for a in (_asset(e, media) for e in data.get("assets") or []) if a]
    attempts = ([EnvelopeAttempt(attemptId=data["attemptId"], state=data.get("attemptState"),
                                 phase=data.get("attemptPhase"), nextAction=data.get("nextAction"))]
                if data.get("attemptId") else [])
    cost = data.get("cost") or {}
    usd = cost.get("estimatedUsd", cost.get("usd", 0.0)) if isinstance(cost, dict) else 0.0
    status = data.get("status") or data.get("attemptPhase")
    ident = data.get("runId") if kind == "image_job" else data.get("jobId")
    error = data.get("error") or data.get("materializationError")
    if isinstance(error, dict) and error.get("message"):
        warnings.append(str(error["message"]))
    elif isinstance(error, str) and error:
        warnings.append(error)
    return ManifestEnvelope(kind=kind, id=str(ident), status=status, lineage=_lineage(data),
                            provider=data.get("provider"), model=data.get("model"), pathTaken=data.get("pathTaken"),
                            promptSha256=prompt_sha256_of(data), attempts=attempts, assets=assets,
                            cost=EnvelopeCost(usd=usd or 0.0), warnings=warnings,
                            exitCode=data.get("exitCode"))
