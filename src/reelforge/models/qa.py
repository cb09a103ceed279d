"""The QA record of a render: ``renders/<job-id>/qa/<qa-report-id>.json`` (written by `reelforge qa record`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from reelforge.models.common import Contract, PathTaken, Sha256

Verdict = Literal["approved", "revise", "reject"]
RerunStage = Literal["script", "voice", "image", "render"]
IssueCategory = Literal["lip_sync", "persona_drift", "audio_style", "audio_pacing", "hook_weak", "ad_like",
                        "ugc_native_feel", "visual_realism", "subtitle_accuracy", "image_realism",
                        "render_realism", "quality_setting", "voice_persona_drift", "mixed"]



class QARecord(Contract):
    schema_version: Literal[1] = Field(alias="schemaVersion")
    qa_report_id: str = Field(alias="qaReportId", min_length=1)
    target_object_type: Literal["video_render"] = Field(alias="targetObjectType")
    target_object_id: str = Field(alias="targetObjectId", min_length=1, description="the render job id")
    target_version: Sha256 = Field(alias="targetVersion", description="sha256 of the render judged")
    target_path: str = Field(alias="targetPath", min_length=1)
    reviewer: str = Field(min_length=1)
    reviewed_at: str = Field(alias="reviewedAt", min_length=1)
    verdict: Verdict
    good_reasons: list[str] = Field(alias="goodReasons")
    bad_reasons: list[str] = Field(alias="badReasons")
    issue_categories: list[IssueCategory] = Field(alias="issueCategories")
    rerun_stage: RerunStage | None = Field(alias="rerunStage")
    proposed_action: str = Field(alias="proposedAction")
    scores: dict[str, int] = Field(default_factory=dict)
    notes: str | None = None
    status: Literal["final"] = "final"
    path_taken: PathTaken | None = Field(default=None, alias="pathTaken")
    campaign_id: str | None = Field(default=None, alias="campaignId")
    concept_id: str | None = Field(default=None, alias="conceptId")
    persona_id: str | None = Field(default=None, alias="personaId")
    script_id: str | None = Field(default=None, alias="scriptId")
    voice_take_id: str | None = Field(default=None, alias="voiceTakeId")
    image_asset_id: str | None = Field(default=None, alias="imageAssetId")

    @model_validator(mode="after")
    def _reasons_fit_the_verdict(self) -> QARecord:
        if self.verdict == "approved" and not self.good_reasons:
            raise ValueError("an approval needs at least one reason that worked (goodReasons)")
        if self.verdict in ("revise", "reject") and not self.bad_reasons:
            raise ValueError(f"a {self.verdict} verdict needs at least one reason that failed (badReasons)")
        if self.verdict == "revise" and self.rerun_stage is None:
            raise ValueError("a revise verdict names the stage to rerun (rerunStage)")
        if any(not 1 <= v <= 5 for v in self.scores.values()):
            raise ValueError("scores are 1-5")
        return self
