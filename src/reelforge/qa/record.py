"""A QA record for a render job: ``<job dir>/qa/<qa-report-id>.json``, plus the manifest's feedback history.

Only a person records a verdict (``approved | revise | reject``); renders start ``review_pending`` and stay
there until then. ``approved`` needs what worked; ``revise`` and ``reject`` need what failed, and
``revise`` also needs the stage to rerun. Issue categories and the rerun stage are checked against fixed
lists. Each record hashes the render it judged (``targetVersion``), so a later re-render cannot inherit it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reelforge.assets.store import now_iso
from reelforge.config import environ_value
from reelforge.errors import FieldIssue, InvalidInputError, SchemaValidationError
from reelforge.models.qa import QARecord
from reelforge.renders.jobs import find_job
from reelforge.renders.manifest import write_manifest
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace

VERDICTS = ("approved", "revise", "reject")
RERUN_STAGES = ("script", "voice", "image", "render")
ISSUE_CATEGORIES = ("lip_sync", "persona_drift", "audio_style", "audio_pacing", "hook_weak", "ad_like",
                    "ugc_native_feel", "visual_realism", "subtitle_accuracy", "image_realism", "render_realism",
                    "quality_setting", "voice_persona_drift", "mixed")
STATUS = {"approved": "approved", "revise": "revise_requested", "reject": "rejected"}
RERUN_HINT = {"script": "edit the script, then redo voice, image and render from it",
              "voice": "record a new voice take, approve it, then `reelforge render submit --new-attempt`",
              "image": "generate and approve a new image (`reelforge image generate`), keep the voice take, "
                       "then render again",
              "render": "`reelforge render submit --request <request.json> --new-attempt` (change one variable)"}


def _clean(values: Sequence[str] | None) -> list[str]:
    return [v.strip() for v in values or [] if v and v.strip()]


def record_qa(job_id: str, *, verdict: str, worked: Sequence[str] | None = None,
              failed: Sequence[str] | None = None, rerun_stage: str | None = None,
              issues: Sequence[str] | None = None, reviewer: str | None = None, notes: str | None = None,
              scores: dict[str, int] | None = None, workspace: Workspace | Path | None = None) -> dict[str, Any]:
    ws = workspace if isinstance(workspace, Workspace) else Workspace.at(workspace)
    paths = find_job(ws, job_id)
    manifest = paths.read_manifest()
    good, bad, categories = _clean(worked), _clean(failed), _clean(issues)
    problems: list[FieldIssue] = []
    if verdict not in VERDICTS:
        problems.append(FieldIssue("--verdict", f"must be one of {', '.join(VERDICTS)}"))
    if verdict == "approved" and not good:
        problems.append(FieldIssue("--worked", "an approval needs at least one reason that worked"))
    if verdict in ("revise", "reject") and not bad:
        problems.append(FieldIssue("--failed", f"a {verdict} verdict needs at least one reason that failed"))
    if verdict == "revise" and not rerun_stage:
        problems.append(FieldIssue("--rerun-stage", "a revise verdict names the stage to rerun"))
    if rerun_stage is not None and rerun_stage not in RERUN_STAGES:
        problems.append(FieldIssue("--rerun-stage", f"must be one of {', '.join(RERUN_STAGES)}"))
    problems += [FieldIssue("--issue", f"{c!r} is not one of {', '.join(ISSUE_CATEGORIES)}")
                 for c in categories if c not in ISSUE_CATEGORIES]
    problems += [FieldIssue(f"--score {k}", "must be 1-5") for k, v in (scores or {}).items() if not 1 <= v <= 5]
    if problems:
        raise SchemaValidationError("QA record", problems, hint="fix the listed flags; no QA record was written")
    videos = [a for a in manifest.get("assets", []) if a.get("kind") == "video"]
    if not videos or not paths.recorded_file(videos[-1]).is_file():
        raise InvalidInputError(f"render job {job_id} has no downloaded render to review (status "
                                f"{manifest.get('status')})", hint=f"finish it first: reelforge render poll {job_id}",
                                file=str(paths.manifest))
    video = paths.recorded_file(videos[-1])
    stamp = now_iso()
    qa_id = f"qa-{job_id}-{len(manifest.get('qaReports', [])) + 1:03d}"
    report: dict[str, Any] = {
        "schemaVersion": 1, "qaReportId": qa_id, "targetObjectType": "video_render", "targetObjectId": job_id,
        "targetVersion": sha256_file(video), "targetPath": paths.rel(video),
        "reviewer": reviewer or environ_value("USER") or "unknown", "reviewedAt": stamp, "verdict": verdict,
        "goodReasons": good, "badReasons": bad, "issueCategories": categories, "rerunStage": rerun_stage,
        "proposedAction": RERUN_HINT[rerun_stage] if rerun_stage else ("ship it" if verdict == "approved" else
                                                                        "do not use this render"),
        "scores": scores or {}, "notes": notes, "status": "final", "pathTaken": manifest.get("pathTaken"),
        **{k: manifest.get(k) for k in ("campaignId", "conceptId", "personaId", "scriptId", "voiceTakeId",
                                        "imageAssetId")},
    }
    report = QARecord.model_validate(report).model_dump(mode="json", by_alias=True)  # the exported schema holds
    path = paths.qa / f"{qa_id}.json"
    write_json_atomic(path, report)
    entry = {"qaReportId": qa_id, "verdict": verdict, "rerunStage": rerun_stage, "path": str(path),
             "relativePath": paths.rel(path),
             "sha256": sha256_file(path), "targetVersion": report["targetVersion"], "at": stamp}
    assets = [{**a, "status": STATUS[verdict]} if a.get("kind") == "video" and paths.recorded_file(a) == video else a
              for a in manifest.get("assets", [])]
    data = {k: manifest.get(k) for k in manifest}
    write_manifest(paths, data, None, status=STATUS[verdict], assets=assets, exitCode=0,
                   qaReports=[*manifest.get("qaReports", []), entry],
                   feedback=[*manifest.get("feedback", []), {"source": "qa", "qaReportId": qa_id, "verdict": verdict,
                                                             "worked": good, "failed": bad, "at": stamp}])
    return {**report, "path": str(path)}
