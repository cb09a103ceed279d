"""The New video page: the form, the plan (mode checkpoint + cost estimate against the guardrail, asking for the
confirmation of a paid plan), then `video generate` as a task whose progress streams over server-sent events."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from reelforge.errors import ReelforgeError
from reelforge.studio.problems import problem_of
from reelforge.studio.tasks import ProgressSink, start_task
from reelforge.studio.templating import render
from reelforge.studio.views_new import CHOICES, NewVideoForm, VideoPlan, plan_video, run_video, voice_choices
from reelforge.workspace.paths import Workspace

FIELDS = ("brief", "script", "mode", "aspect", "captions", "voice", "music", "visual", "dry_run")


def _workspace(request: Request) -> Workspace:
    return Workspace.at(Path(request.app.state.config.workspace))


def _entered(form: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(form.get(k) or "") for k in FIELDS}


async def _page(request: Request, *, entered: dict[str, str] | None = None, plan: VideoPlan | None = None,
                problem: Any = None, status_code: int = 200) -> Response:
    voices = await run_in_threadpool(voice_choices, _workspace(request))
    return render(request, "new_video.html", {"title": "New video", "choices": CHOICES, "voices": voices,
                                              "entered": entered or {}, "plan": plan, "problem": problem},
                  status_code=status_code)


async def new_page(request: Request) -> Response:
    return await _page(request)


async def plan_page(request: Request) -> Response:
    """POST the form: the plan to confirm (nothing is written but a pasted script under .reelforge/studio/)."""
    form = await request.form()
    entered = _entered(form)
    try:
        parsed = NewVideoForm.parse(form)
        plan = await run_in_threadpool(plan_video, _workspace(request), parsed)
    except ReelforgeError as exc:
        problem = problem_of(exc)
        return await _page(request, entered=entered, problem=problem, status_code=problem.status)
    return await _page(request, entered=entered, plan=plan)


async def start_generate(request: Request) -> Response:
    """POST the form again (from the plan): JSON ``{"taskId"}``; the server plans again before anything runs."""
    form = await request.form()
    workspace = _workspace(request)
    try:
        parsed = NewVideoForm.parse(form)
        plan = await run_in_threadpool(plan_video, workspace, parsed)
    except ReelforgeError as exc:
        problem = problem_of(exc)
        return JSONResponse({"error": problem.to_json()}, status_code=problem.status)
    if not plan.confirmed:
        return JSONResponse({"error": {"message": plan.cost.describe() + "; confirm it on the plan first",
                                       "fix": "tick the cost confirmation, or choose key-free providers",
                                       "fields": [{"path": "confirm_cost", "message": "required for this plan"}]}},
                            status_code=400)

    def work(sink: ProgressSink) -> dict[str, Any]:
        def emit(event: dict[str, Any]) -> None:
            sink.line(str(event.get("message", "")), stage=event.get("stage"), fraction=event.get("progress"))

        result = run_video(workspace, parsed, emit)
        verb = "planned (dry run)" if result["dryRun"] else "made"
        return {**result, "summary": f"run {result['runId']} {verb}", "href": f"/runs/{result['runId']}"}

    task_id = start_task(request.app, "generate", work)
    return JSONResponse({"taskId": task_id, "plan": plan.to_json()})


routes: list[BaseRoute] = [
    Route("/new", new_page, methods=["GET"]),
    Route("/new/plan", plan_page, methods=["POST"]),
    Route("/new/start", start_generate, methods=["POST"]),
]
