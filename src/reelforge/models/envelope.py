"""One manifest envelope over the three run records: video runs, image jobs and render jobs.

Image and render jobs write their manifest.json in the envelope shape (``in_envelope``): the envelope's
fields at the top level (``envelopeVersion``, kind, id, lineage, attempts, assets with a ``path`` and sha256,
cost with ``usd``, warnings, ``exitCode``), the job's own detail beside them. ``envelope_from`` reads any
manifest into the envelope: those, and the shapes written before (schemaVersion 1, ``promptHash
"sha256:…"``, records without ``kind``), which keep reading.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from reelforge.models.common import Contract, NonNegFloat, PathTaken, Sha256

Kind = Literal["video_run", "image_job", "render_job"]
ENVELOPE_VERSION = 1
LINEAGE_KEYS = ("campaignId", "conceptId", "personaId", "scriptId", "voiceTakeId", "imageAssetId", "assetId")
ENVELOPE_KEYS = ("envelopeVersion", "kind", "id", "status", "lineage", "provider", "model", "pathTaken",
                 "promptSha256", "attempts", "stages", "assets", "cost", "warnings", "exitCode")


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


def _asset_path(entry: dict[str, Any]) -> str | None:
    path = entry.get("relativePath") or entry.get("assetRelativePath") or entry.get("path") or entry.get("localPath")
    return str(path) if path else None


def _asset(entry: dict[str, Any], kind: str | None) -> EnvelopeAsset | None:
    path = _asset_path(entry)
    if not path or not entry.get("sha256"):
        return None
    return EnvelopeAsset(path=str(path), sha256=entry["sha256"], bytes=entry.get("bytes"),
                         kind=entry.get("kind") or kind, status=entry.get("status"))


def envelope_from(data: dict[str, Any]) -> ManifestEnvelope:
    """The envelope of any manifest.json reelforge writes or has written (pure: the caller reads the file)."""
    if data.get("envelopeVersion") is not None:
        return ManifestEnvelope.model_validate(envelope_part(data))
    return _from_detail(data)


_ASSET_KEYS = ("path", "sha256", "bytes", "kind", "status")


def envelope_part(data: dict[str, Any]) -> dict[str, Any]:
    """The envelope's own fields of a manifest written in the envelope shape (its detail left out)."""
    part = {k: data[k] for k in ENVELOPE_KEYS if k in data}
    part["assets"] = [{k: a[k] for k in _ASSET_KEYS if a.get(k) is not None}
                      for a in data.get("assets") or [] if a.get("path") and a.get("sha256")]
    cost = data.get("cost") or {}
    part["cost"] = {"usd": cost.get("usd", 0.0), "breakdown": cost.get("breakdown") or {}}
    part["attempts"] = [{k: a.get(k) for k in ("attemptId", "state", "phase", "nextAction")}
                        for a in data.get("attempts") or []]
    return part


def attempts_of(index: dict[str, Any]) -> list[dict[str, Any]]:
    """The envelope's attempts from an attempt index (jobs/attempts.py), oldest first."""
    return [{"attemptId": a["attemptId"], "state": a.get("state"), "phase": a.get("phase"),
             "nextAction": a.get("nextAction")} for a in index.get("attempts") or [] if a.get("attemptId")]


def in_envelope(record: dict[str, Any], *, attempts: list[dict[str, Any]], warnings: list[str],
                exit_code: int | None) -> dict[str, Any]:
    """An image or render job record written in the envelope shape: the envelope's fields at the top level,
    checked by the model, and the record's own detail kept beside them (older readers keep their keys).

    ``warnings`` are this write's (a fallback route, a failure); ``exit_code`` is the exit code of the
    command that wrote it last (None while a command is still working on the job).
    """
    detail = {k: v for k, v in record.items() if k not in ("envelopeVersion", "warnings", "exitCode", "attempts")}
    env = _from_detail(detail)
    env.attempts = [EnvelopeAttempt.model_validate(a) for a in attempts] or env.attempts
    env.warnings = list(dict.fromkeys([*warnings, *env.warnings]))
    env.exit_code = exit_code
    top = env.model_dump(mode="json", by_alias=True)
    out = {**detail, **{k: top[k] for k in ENVELOPE_KEYS if k not in ("assets", "cost", "stages")}}
    out["cost"] = {**(record.get("cost") or {}), **top["cost"]}
    out["assets"] = [{**a, "path": _asset_path(a)} if _asset_path(a) else a for a in record.get("assets") or []]
    ManifestEnvelope.model_validate(envelope_part(out))  # what is written is an envelope, or nothing is
    return out


def _from_detail(data: dict[str, Any]) -> ManifestEnvelope:
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
                            cost=EnvelopeCost(usd=usd or 0.0, breakdown=cost.get("breakdown") or {}
                                              if isinstance(cost, dict) else {}), warnings=warnings,
                            exitCode=data.get("exitCode"))
