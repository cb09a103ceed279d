"""The Trace page: pick a render job or an asset, see its lineage chain as links with changed files flagged."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from reelforge.errors import ReelforgeError
from reelforge.studio.problems import NOT_FOUND, error_page, is_plain_id, problem_of
from reelforge.studio.templating import render
from reelforge.studio.views_assets import asset_rows
from reelforge.studio.views_renders import render_rows
from reelforge.studio.views_trace import trace_view


def _workspace(request: Request) -> Path:
    return Path(request.app.state.config.workspace)


async def trace_index(request: Request) -> Response:
    ident = (request.query_params.get("id") or "").strip()
    if ident:
        return RedirectResponse(f"/trace/{quote(ident, safe='')}", status_code=303)
    workspace = _workspace(request)
    jobs = await run_in_threadpool(render_rows, workspace)
    assets = await run_in_threadpool(asset_rows, workspace)
    return render(request, "trace_index.html", {"title": "Trace", "jobs": jobs, "assets": assets})


async def trace_page(request: Request) -> Response:
    ident = request.path_params["ident"]
    if not is_plain_id(ident):
        return error_page(request, NOT_FOUND)
    try:
        view = await run_in_threadpool(trace_view, _workspace(request), ident)
    except ReelforgeError as exc:
        return error_page(request, problem_of(exc))
    return render(request, "trace.html", {"title": f"Trace {ident}", "trace": view})


routes: list[BaseRoute] = [
    Route("/trace", trace_index, methods=["GET"]),
    Route("/trace/{ident}", trace_page, methods=["GET"]),
]
