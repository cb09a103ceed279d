"""The Runs page (every video run) and the Run page (player, scenes, manifest, verify, re-render)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from reelforge.pipeline.render import rerender
from reelforge.pipeline.verify import verify_run
from reelforge.studio.runs_data import MODES, STATUSES, list_runs, run_detail, run_dir_of
from reelforge.studio.tasks import ProgressSink, start_task
from reelforge.studio.templating import render


def _workspace(request: Request) -> Path:
    workspace: Path = request.app.state.config.workspace
    return workspace


def _run_dir(request: Request) -> Path:
    run_dir = run_dir_of(_workspace(request), request.path_params["run_id"])
    if run_dir is None:
        raise HTTPException(404, "no such run in this workspace")
    return run_dir


def rel_url(workspace: Path, run_dir: Path, rel: str | None) -> str | None:
    """The workspace URL path of a run-relative file (None when it is not inside the workspace)."""
    if not rel:
        return None
    try:
        return (run_dir / rel).relative_to(workspace).as_posix()
    except ValueError:
        return None


async def runs_page(request: Request) -> Response:
    status = request.query_params.get("status") or None
    mode = request.query_params.get("mode") or None
    workspace = _workspace(request)
    rows = list_runs(workspace, status=status if status in STATUSES else None, mode=mode if mode in MODES else None)
    return render(request, "runs.html", {"title": "Runs", "rows": rows, "statuses": STATUSES, "modes": MODES,
                                         "status": status, "mode": mode, "workspace": workspace,
                                         "rel_url": rel_url})


async def run_page(request: Request) -> Response:
    workspace = _workspace(request)
    detail = run_detail(workspace, _run_dir(request))
    return render(request, "run.html", {"title": f"Run {detail.row.run_id}", "d": detail, "workspace": workspace,
                                        "rel_url": rel_url})


def verify_summary(run_dir: Path) -> dict[str, Any]:
    report = verify_run(run_dir)
    problems = [p.to_json() for p in report.problems]
    summary = (f"verified: all {report.checked} recorded hashes match" if report.ok else
               f"{len(problems)} problem(s) in {report.checked} checked: "
               + "; ".join(f"{p['path']} {p['status']}" for p in problems))
    return {"ok": report.ok, "checked": report.checked, "problems": problems, "summary": summary}


def rerender_summary(run_dir: Path, sink: ProgressSink) -> dict[str, Any]:
    result = rerender(run_dir, sink)
    if result.identical is True:
        summary = f"identical: the new video has the recorded sha256 {result.sha256}"
    elif result.identical is False:
        summary = (f"different: the new video's sha256 {result.sha256} differs from the recorded "
                   f"{result.recorded_sha256} (the earlier file is kept)")
    else:
        summary = f"rendered: sha256 {result.sha256} (no earlier video was recorded to compare)"
    return {"identical": result.identical, "sha256": result.sha256, "recordedSha256": result.recorded_sha256,
            "durationSec": result.duration_sec, "summary": summary}


async def verify_action(request: Request) -> Response:
    run_dir = _run_dir(request)
    task_id = start_task(request.app, "verify", lambda sink: verify_summary(run_dir))
    return JSONResponse({"taskId": task_id}, status_code=202)


async def rerender_action(request: Request) -> Response:
    run_dir = _run_dir(request)
    task_id = start_task(request.app, "rerender", lambda sink: rerender_summary(run_dir, sink),
                         lock_key=f"run:{run_dir.name}")
    return JSONResponse({"taskId": task_id}, status_code=202)


routes: list[BaseRoute] = [
    Route("/runs", runs_page),
    Route("/runs/{run_id}", run_page),
    Route("/runs/{run_id}/verify", verify_action, methods=["POST"]),
    Route("/runs/{run_id}/rerender", rerender_action, methods=["POST"]),
]
