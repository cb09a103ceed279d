"""The Assets page: every asset, and per asset its candidates side by side with approve/reject buttons."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from reelforge.errors import ReelforgeError
from reelforge.studio.problems import NOT_FOUND, error_page, is_plain_id, problem_of
from reelforge.studio.tasks import serialized
from reelforge.studio.templating import render
from reelforge.studio.views_assets import asset_rows, asset_view, review_candidate

NOTE_MAX_CHARS = 2000


def _workspace(request: Request) -> Path:
    return Path(request.app.state.config.workspace)


async def assets_index(request: Request) -> Response:
    rows = await run_in_threadpool(asset_rows, _workspace(request))
    return render(request, "assets.html", {"title": "Assets", "rows": rows})


async def asset_page(request: Request) -> Response:
    asset_id = request.path_params["asset_id"]
    if not is_plain_id(asset_id):
        return error_page(request, NOT_FOUND)
    try:
        view = await run_in_threadpool(asset_view, _workspace(request), asset_id)
    except ReelforgeError as exc:
        return error_page(request, problem_of(exc))
    return render(request, "asset.html", {"title": f"Asset {asset_id}", "asset": view,
                                          "done": request.query_params.get("done"),
                                          "file": request.query_params.get("file")})


async def asset_review(request: Request) -> Response:
    """POST file + decision (+ note): `asset approve|reject`, one writer per asset at a time."""
    asset_id = request.path_params["asset_id"]
    if not is_plain_id(asset_id):
        return error_page(request, NOT_FOUND)
    form = await request.form()
    file, decision = str(form.get("file") or ""), str(form.get("decision") or "")
    note = str(form.get("note") or "")[:NOTE_MAX_CHARS]
    workspace = _workspace(request)

    def act() -> dict[str, object]:
        with serialized(request.app, f"asset:{asset_id}"):
            return review_candidate(workspace, asset_id, file, decision, note)

    try:
        result = await run_in_threadpool(act)
    except ReelforgeError as exc:
        problem = problem_of(exc)
        view = None
        try:
            view = await run_in_threadpool(asset_view, workspace, asset_id)
        except ReelforgeError:
            pass
        if view is None:
            return error_page(request, problem)
        return render(request, "asset.html", {"title": f"Asset {asset_id}", "asset": view, "problem": problem},
                      status_code=problem.status)
    query = urlencode({"done": result["state"], "file": result["path"]})
    return RedirectResponse(f"/assets/{quote(asset_id)}?{query}", status_code=303)


routes: list[BaseRoute] = [
    Route("/assets", assets_index, methods=["GET"]),
    Route("/assets/{asset_id}", asset_page, methods=["GET"]),
    Route("/assets/{asset_id}/review", asset_review, methods=["POST"]),
]
