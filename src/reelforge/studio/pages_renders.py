"""The Renders and QA page: every render job, and per job the video, its inputs and the QA form.

The form has no preselected verdict; a render stays ``review_pending`` until a person submits one, and the
record written is `reelforge qa record`'s (qa/<id>.json plus the manifest's history).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from reelforge.errors import ReelforgeError
from reelforge.studio.problems import NOT_FOUND, Problem, error_page, is_plain_id, problem_of
from reelforge.studio.tasks import serialized
from reelforge.studio.templating import render
from reelforge.studio.views_renders import QA_CHOICES, QAForm, render_rows, render_view, submit_qa

TEXT_MAX_CHARS = 4000


def _workspace(request: Request) -> Path:
    return Path(request.app.state.config.workspace)


async def renders_index(request: Request) -> Response:
    rows = await run_in_threadpool(render_rows, _workspace(request))
    status = request.query_params.get("status") or ""
    shown = [r for r in rows if not status or r.status == status]
    return render(request, "renders.html", {"title": "Renders & QA", "rows": shown, "status": status,
                                            "statuses": sorted({r.status for r in rows if r.status})})


async def _job_page(request: Request, job_id: str, *, problem: Problem | None = None,
                    entered: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    if not is_plain_id(job_id):
        return error_page(request, NOT_FOUND)
    try:
        view = await run_in_threadpool(render_view, _workspace(request), job_id)
    except ReelforgeError as exc:
        return error_page(request, problem_of(exc))
    return render(request, "render.html", {"title": f"Render {job_id}", "job": view, "choices": QA_CHOICES,
                                           "problem": problem, "entered": entered or {},
                                           "recorded": request.query_params.get("qa")}, status_code=status_code)


async def render_page(request: Request) -> Response:
    return await _job_page(request, request.path_params["job_id"])


async def qa_submit(request: Request) -> Response:
    job_id = request.path_params["job_id"]
    if not is_plain_id(job_id):
        return error_page(request, NOT_FOUND)
    form = await request.form()
    fields = {k: str(form.get(k) or "")[:TEXT_MAX_CHARS] for k in ("verdict", "worked", "failed", "rerun_stage",
                                                                   "reviewer", "notes")}
    issues = [str(v) for v in form.getlist("issue")]
    workspace = _workspace(request)

    def act() -> dict[str, Any]:
        qa = QAForm.parse(fields, issues)
        with serialized(request.app, f"render:{job_id}"):
            return submit_qa(workspace, job_id, qa)

    try:
        report = await run_in_threadpool(act)
    except ReelforgeError as exc:
        problem = problem_of(exc)
        return await _job_page(request, job_id, problem=problem, entered={**fields, "issues": issues},
                               status_code=problem.status)
    return RedirectResponse(f"/renders/{quote(job_id)}?qa={quote(str(report['qaReportId']))}#qa", status_code=303)


routes: list[BaseRoute] = [
    Route("/renders", renders_index, methods=["GET"]),
    Route("/renders/{job_id}", render_page, methods=["GET"]),
    Route("/renders/{job_id}/qa", qa_submit, methods=["POST"]),
]
