"""Where a render job lives.

    <localOutputDir>/ (e.g. renders/<job-id>/)  request.json response.json manifest.json renders/ qa/
    .reelforge/renders/<job-id>/                job.json (pointer to localOutputDir) + attempts/ (AttemptLog)

The user-facing folder holds the normalized request, the latest raw response (redacted), the manifest,
the downloaded videos and the QA records. Attempts, every poll response and the signed-URL vault are
internal execution state.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.assets.store import now_iso, read_json
from reelforge.errors import NotFoundError
from reelforge.jobs.attempts import AttemptLog
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.contain import inside, resolve_request_dir
from reelforge.workspace.paths import Workspace, sanitize_id


@dataclass(frozen=True)
class JobPaths:
    workspace: Workspace
    job_id: str
    out_dir: Path

    @property
    def internal(self) -> Path:
        return self.workspace.internal / "renders" / self.job_id

    @property
    def pointer(self) -> Path:
        return self.internal / "job.json"

    @property
    def request(self) -> Path:
        return self.out_dir / "request.json"

    @property
    def response(self) -> Path:
        return self.out_dir / "response.json"

    @property
    def manifest(self) -> Path:
        return self.out_dir / "manifest.json"

    @property
    def renders(self) -> Path:
        return self.out_dir / "renders"

    @property
    def qa(self) -> Path:
        return self.out_dir / "qa"

    @property
    def log(self) -> AttemptLog:
        """The job's attempt log; a change of state the runner does not record itself (a dead submitter
        found in doubt) still reaches the manifest."""
        return AttemptLog(self.internal, asset_id=self.job_id, run_id=self.job_id, media="video",
                          poll_command=f"reelforge render poll {self.job_id}", label=f"render job {self.job_id}",
                          on_change=self._sync)

    def _sync(self, attempt: dict[str, Any]) -> None:
        from reelforge.renders.manifest import STATUS_OF_STATE, write_manifest

        if self.manifest.is_file() and attempt["state"] in STATUS_OF_STATE:
            write_manifest(self, {}, attempt, status=STATUS_OF_STATE[attempt["state"]])

    def rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.workspace.root.resolve()).as_posix()

    def recorded_file(self, entry: dict[str, Any]) -> Path:
        """A file a record names: by its workspace-relative path when it has one (records keep finding their
        files in a moved or copied workspace); an absolute ``localPath`` only for records without one."""
        rel = entry.get("relativePath")
        if isinstance(rel, str) and rel:
            return self.workspace.root / rel
        return Path(str(entry.get("localPath") or entry.get("path") or ""))

    def qa_file(self, entry: dict[str, Any]) -> Path:
        """A QA entry of the manifest: its record lives in qa/<qaReportId>.json of this job's folder."""
        return self.qa / f"{entry['qaReportId']}.json"

    def read_manifest(self) -> dict[str, Any]:
        return read_json(self.manifest, {}) or {}

    def write_pointer(self) -> None:
        """Workspace-relative, so a workspace that is moved or copied keeps finding its jobs."""
        current = read_json(self.pointer, {}) or {}
        write_json_atomic(self.pointer, {"jobId": self.job_id, "localOutputDir": self.rel(self.out_dir),
                                         "createdAt": current.get("createdAt", now_iso())})


def job_paths(ws: Workspace, job_id: str, out_dir: str | Path) -> JobPaths:
    path = resolve_request_dir(ws.root, str(out_dir), field="localOutputDir")
    for sub in ("renders", "qa"):  # refused now, before any provider call, not after paying for the render
        inside(path / sub, path, what=f"localOutputDir/{sub}")
    return JobPaths(ws, job_id, path)


def _pointed_dir(ws: Workspace, job_id: str, stored: str) -> str:
    """The job's folder. Pointers written before they were workspace-relative hold the absolute path of
    the workspace they were made in: when that is outside this workspace (it was moved or copied), the
    longest tail of it under this workspace that holds this job's manifest is the job's folder."""
    path = Path(stored)
    if not path.is_absolute() or path.resolve().is_relative_to(ws.root.resolve()):
        return stored
    parts = path.parts[1:]
    for start in range(len(parts)):
        candidate = ws.root.joinpath(*parts[start:])
        if (read_json(candidate / "manifest.json", {}) or {}).get("jobId") == job_id:
            return str(candidate)
    return stored  # refused by job_paths with the path named


def find_job(ws: Workspace, job_id: str) -> JobPaths:
    safe = sanitize_id(job_id)
    pointer = read_json(ws.internal / "renders" / safe / "job.json", None)
    if pointer:
        return job_paths(ws, safe, _pointed_dir(ws, safe, pointer["localOutputDir"]))
    default = ws.root / "renders" / safe
    if (default / "manifest.json").is_file():
        return JobPaths(ws, safe, default)
    raise NotFoundError(f"no render job {job_id} in {ws.root}", hint="list jobs with `reelforge render list`")


def all_jobs(ws: Workspace) -> list[JobPaths]:
    jobs = []
    for pointer in sorted((ws.internal / "renders").glob("*/job.json")):
        data = read_json(pointer, {}) or {}
        if data.get("jobId") and data.get("localOutputDir"):
            jobs.append(job_paths(ws, data["jobId"], _pointed_dir(ws, data["jobId"], data["localOutputDir"])))
    return jobs
