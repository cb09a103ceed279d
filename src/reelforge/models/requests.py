"""The image request and the render request as a user writes them (and as request.json keeps them, normalized).

These models are the documented shape exported by `reelforge schema export`. The runners' own validators
(batch/request.py, renders/request.py) make the route-specific checks and fill the defaults, then check the
normalized record against these models before anything is written, so request.json always fits the schema.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from reelforge.models.common import Contract
from reelforge.models.image_request import ImageRequest

__all__ = ["ImageRequest", "MediaRef", "RenderRequest"]

StrList = list[str]


class MediaRef(Contract):
    """A media input: a path inside an asset (must be approved) or an external URL, with its sha256."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    path: str | None = None
    url: str | None = None
    duration_seconds: float | None = Field(default=None, alias="durationSeconds", ge=0)


MediaField = str | MediaRef | list[str | MediaRef] | None


class RenderRequest(Contract):
    """One render job: `reelforge render submit --request FILE`. Keys not listed here are kept as written
    (e.g. captionText); structured motion control (trajectories, motion brushes) is refused."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    schema_version: int | str | None = Field(default=None, alias="schemaVersion")
    job_id: str = Field(alias="jobId", min_length=1)
    model: str = Field(min_length=1, description="a video catalog key (reelforge list-providers)")
    asset_purpose: str = Field(alias="assetPurpose", min_length=1, description="e.g. talking_head")
    campaign_id: str | None = Field(default=None, alias="campaignId")
    persona_id: str | None = Field(default=None, alias="personaId")
    concept_id: str | None = Field(default=None, alias="conceptId")
    script_id: str | None = Field(default=None, alias="scriptId")
    voice_take_id: str | None = Field(default=None, alias="voiceTakeId")
    image_asset_id: str | None = Field(default=None, alias="imageAssetId")
    source_basis: str | StrList = Field(alias="sourceBasis", min_length=1,
                                        description="what the render is grounded in (brief, benchmark, assets)")
    upstream_refs: dict[str, str] | None = Field(default=None, alias="upstreamRefs")
    local_output_dir: str = Field(alias="localOutputDir", min_length=1, description="e.g. renders/<jobId>")
    prompt: str | None = None
    prompt_plan: dict[str, Any] | None = Field(default=None, alias="promptPlan")
    mode: Literal["text", "first_frame", "first_last_frame", "reference"] | None = Field(
        default=None, description="Seedance only")
    creative_format: str | None = Field(default=None, alias="creativeFormat")
    target_aspect_ratio: str | None = Field(default=None, alias="targetAspectRatio")
    resolution: str | None = None
    duration: int | None = Field(default=None, gt=0, description="whole seconds (Seedance: 4-15)")
    character_orientation: Literal["image", "video"] | None = Field(default=None, alias="characterOrientation",
                                                                    description="motion transfer only")
    seed: int | None = None
    draft: bool = False
    image: MediaField = None
    last_image: MediaField = Field(default=None, alias="lastImage")
    reference_images: MediaField = Field(default=None, alias="referenceImages")
    reference_videos: MediaField = Field(default=None, alias="referenceVideos")
    reference_audios: MediaField = Field(default=None, alias="referenceAudios")
    motion_video: MediaField = Field(default=None, alias="motionVideo")
    audio: MediaField = None
    inputs: list[dict[str, Any]] = Field(default_factory=list,
                                         description="written by reelforge: each grounded input with its sha256")
    feedback: list[Any] = Field(default_factory=list)
