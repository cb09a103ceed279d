"""What the Renders and QA page shows, gathered with `reelforge render list` and `qa record`'s library calls.

A render is ``review_pending`` until a person submits a verdict: nothing here records one by itself, and the
form has no preselected verdict (``QAForm.parse`` refuses a form without one, naming the field).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.assets.store import read_json
from reelforge.errors import FieldIssue, SchemaValidationError
from reelforge.qa import ISSUE_CATEGORIES, RERUN_STAGES, VERDICTS, record_qa
from reelforge.renders import api as renders_api
from reelforge.renders.jobs import find_job
from reelforge.workspace.contain import confine
from reelforge.workspace.paths import Workspace, is_inside


@dataclass(frozen=True)
class RenderRow:
    job_id: str
    route: str | None
    model: str | None
    status: str | None
    provider_status: str | None
    prediction_id: str | None
    resolution: str | None
    path_taken: str | None
    updated_at: str | None

    @property
    def awaiting_review(self) -> bool:
        return self.status == "review_pending"


@dataclass(frozen=True)
class QAEntry:
    qa_report_id: str
    verdict: str
    rerun_stage: str | None
    at: str | None
    path: str | None  # workspace-relative
    reviewer: str | None = None
    worked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: str | None = None
    target_version: str | None = None
    current: bool = True  # False once the render it judged changed (a re-render cannot inherit a verdict)


@dataclass(frozen=True)
class RenderView:
    row: RenderRow
    provider: str | None
    provider_label: str | None
    video: str | None  # workspace-relative path of the latest downloaded render
    video_sha256: str | None
    inputs: list[dict[str, Any]]
    lineage: dict[str, str]
    qa: list[QAEntry]
    error: str | None

    @property
    def reviewable(self) -> bool:
        return self.video is not None


def _ws(workspace: Workspace | Path) -> Workspace:
    return workspace if isinstance(workspace, Workspace) else Workspace.at(workspace)


def _row(data: Mapping[str, Any]) -> RenderRow:
    return RenderRow(job_id=str(data["jobId"]), route=data.get("route"), model=data.get("model"),
                     status=data.get("status"), provider_status=data.get("providerStatus"),
                     prediction_id=data.get("predictionId"), resolution=data.get("resolution"),
                     path_taken=data.get("pathTaken"), updated_at=data.get("updatedAt"))


def render_rows(workspace: Workspace | Path) -> list[RenderRow]:
    """Every render job (``render list``), those waiting for a person's verdict first, then newest."""
    rows = [_row(r) for r in renders_api.list_jobs(workspace=_ws(workspace))]
    rows.sort(key=lambda r: r.updated_at or "", reverse=True)
    return sorted(rows, key=lambda r: not r.awaiting_review)


def _rel(ws: Workspace, value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    path = Path(value) if Path(value).is_absolute() else ws.root / value
    if not is_inside(path, ws.root):
        return None
    return path.resolve().relative_to(ws.root.resolve()).as_posix()


def _qa_entry(ws: Workspace, entry: Mapping[str, Any], video_sha: str | None) -> QAEntry:
    path = _rel(ws, entry.get("path"))
    record = (read_json(ws.root / path, {}) or {}) if path else {}
    target = entry.get("targetVersion") or record.get("targetVersion")
    return QAEntry(qa_report_id=str(entry.get("qaReportId")), verdict=str(entry.get("verdict")),
                   rerun_stage=entry.get("rerunStage"), at=entry.get("at"), path=path,
                   reviewer=record.get("reviewer"), worked=list(record.get("goodReasons") or []),
                   failed=list(record.get("badReasons") or []), notes=record.get("notes"),
                   target_version=target, current=video_sha is None or target == video_sha)


def render_view(workspace: Workspace | Path, job_id: str) -> RenderView:
    """One render job: status, provider ids, the video to watch, its inputs and every QA record."""
    ws = _ws(workspace)
    paths = find_job(ws, job_id)
    m = paths.read_manifest()
    row = _row({**m, "jobId": paths.job_id})
    videos = [a for a in m.get("assets") or [] if a.get("kind") == "video"]
    latest = videos[-1] if videos else None
    video = _rel(ws, latest.get("localPath")) if latest else None
    if video is not None and not (ws.root / video).is_file():
        video = None
    video_sha = latest.get("sha256") if latest else None
    keys = ("role", "assetId", "kind", "approval", "sha256")
    inputs = [{k: i.get(k) for k in keys} | {"path": _rel(ws, i.get("path"))} for i in m.get("inputs") or []]
    lineage = {k: str(m[k]) for k in ("campaignId", "conceptId", "personaId", "scriptId", "voiceTakeId",
                                      "imageAssetId") if isinstance(m.get(k), str) and m[k]}
    error = m.get("error")
    message = error.get("message") if isinstance(error, dict) else (error if isinstance(error, str) else None)
    return RenderView(row=row, provider=m.get("provider"), provider_label=m.get("providerLabel"), video=video,
                      video_sha256=video_sha, inputs=inputs, lineage=lineage,
                      qa=[_qa_entry(ws, e, video_sha) for e in m.get("qaReports") or []], error=message)


def _lines(value: str | None) -> list[str]:
    """A textarea with one reason per line (the CLI's repeated --worked/--failed)."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class QAForm:
    """The QA form's fields, checked like the CLI's flags; ``parse`` never supplies a verdict."""

    verdict: str
    worked: list[str]
    failed: list[str]
    rerun_stage: str | None
    issues: list[str]
    reviewer: str | None
    notes: str | None

    @classmethod
    def parse(cls, form: Mapping[str, Any], issues: Sequence[str] = ()) -> QAForm:
        verdict = str(form.get("verdict") or "").strip()
        if not verdict:
            raise SchemaValidationError("QA record", [FieldIssue("verdict", "choose approved, revise or reject")],
                                        hint="pick a verdict; no QA record was written")
        stage = str(form.get("rerun_stage") or "").strip() or None
        return cls(verdict=verdict, worked=_lines(form.get("worked")), failed=_lines(form.get("failed")),
                   rerun_stage=stage, issues=[str(i) for i in issues if str(i).strip()],
                   reviewer=str(form.get("reviewer") or "").strip() or None,
                   notes=str(form.get("notes") or "").strip() or None)


def submit_qa(workspace: Workspace | Path, job_id: str, form: QAForm) -> dict[str, Any]:
    """Write the record `reelforge qa record JOB --verdict ...` writes (qa/<id>.json + the manifest history)."""
    ws = _ws(workspace)
    with confine(ws.root):
        return record_qa(job_id, verdict=form.verdict, worked=form.worked, failed=form.failed,
                         rerun_stage=form.rerun_stage, issues=form.issues, reviewer=form.reviewer,
                         notes=form.notes, workspace=ws)


QA_CHOICES = {"verdicts": VERDICTS, "rerunStages": RERUN_STAGES, "issueCategories": ISSUE_CATEGORIES}
