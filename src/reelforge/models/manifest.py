"""manifest.json: what happened in a run (providers, stages, hashes, cost, warnings, exit code)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from reelforge.models.common import Contract, Mode, NonNegFloat, PathTaken, SchemaVersion, Sha256


class AssetRecord(Contract):
    path: str = Field(min_length=1, description="run-relative path")
    sha256: Sha256
    bytes: int = Field(ge=0)
    seed: int | None = None


class StageRecord(Contract):
    stage: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    path_taken: PathTaken = Field(alias="pathTaken")
    params: dict[str, Any] = Field(default_factory=dict)
    seconds: NonNegFloat = 0.0
    fingerprint: Sha256 | None = None
    reused: bool = Field(default=False, description="true when the stage was skipped on a matching fingerprint")
    warnings: list[str] = Field(default_factory=list)


class Outputs(Contract):
    video: str | None = None
    duration_sec: NonNegFloat | None = Field(default=None, alias="durationSec")
    sha256: Sha256 | None = None
    frames: int | None = Field(default=None, ge=0)
    contact_sheet: str | None = Field(default=None, alias="contactSheet")


class Cost(Contract):
    usd: NonNegFloat = 0.0
    breakdown: dict[str, NonNegFloat] = Field(default_factory=dict)


class AudioMeasure(Contract):
    integrated_lufs: float = Field(alias="integratedLufs")
    true_peak_db: float = Field(alias="truePeakDb")


class ManifestError(Contract):
    kind: str
    message: str
    hint: str
    file: str | None = None
    fields: list[dict[str, str]] | None = None


class Manifest(Contract):
    schema_version: SchemaVersion = Field(alias="schemaVersion")
    kind: Literal["video_run"] = Field(default="video_run", description="the envelope kind (models/envelope.py)")
    tool: str = "reelforge"
    tool_version: str = Field(alias="toolVersion")
    run_id: str = Field(alias="runId", min_length=1)
    mode: Mode
    status: Literal["planned", "running", "succeeded", "failed", "interrupted"] = "running"
    seed: int
    prompt: str | None = None
    prompt_sha256: Sha256 | None = Field(default=None, alias="promptSha256")
    providers: dict[str, str | list[str]] = Field(default_factory=dict)
    stages: list[StageRecord] = Field(default_factory=list)
    assets: list[AssetRecord] = Field(default_factory=list)
    outputs: Outputs = Field(default_factory=Outputs)
    audio: AudioMeasure | None = None
    cost: Cost = Field(default_factory=Cost)
    warnings: list[str] = Field(default_factory=list)
    nondeterministic: bool | None = None
    check: dict[str, Any] | None = Field(default=None, description="the pre-publish report (reelforge check)")
    credentials: dict[str, Any] | None = Field(default=None, description="the C2PA content credentials of the video")
    capture_url_masked: str | None = Field(
        default=None, alias="captureUrlMasked",
        description="demo web capture: the URL with user info, query, fragment and token-like path segments removed")
    exit_code: int = Field(alias="exitCode", ge=0, le=130)
    error: ManifestError | None = None
