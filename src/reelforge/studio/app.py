"""The Starlette application: configuration, the routes of every page module, the security middleware."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from reelforge.errors import InvalidInputError, NotFoundError, ReelforgeError, SafetyError
from reelforge.studio import files, pages_assets, pages_new, pages_renders, pages_runs, pages_trace, tasks, thumbs
from reelforge.studio.security import SecurityMiddleware

STATIC_DIR = Path(__file__).parent / "static"
LOOPBACK = "127.0.0.1"
MAX_BODY_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class StudioConfig:
    """Where the studio looks and how it is reached. ``port`` 0 lets ``serve`` pick a free port."""

    workspace: Path
    host: str = LOOPBACK
    port: int = 8770
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    max_body_bytes: int = MAX_BODY_BYTES


async def _home(request: Request) -> Response:
    return RedirectResponse("/runs", status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    from reelforge.studio.templating import render

    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    return render(request, "error.html", {"title": f"{status}", "status": status, "detail": detail},
                  status_code=status)


def _status_of(exc: ReelforgeError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, SafetyError | InvalidInputError):
        return 400
    return 500


async def _reelforge_error(request: Request, exc: Exception) -> Response:
    """A library error reaching a page (a bad reelforge.toml, say): its message and fix, never a bare 500."""
    from reelforge.studio.templating import render

    assert isinstance(exc, ReelforgeError)
    status = _status_of(exc)
    return render(request, "error.html", {"title": f"{status}", "status": status, "detail": exc.message,
                                          "fix": exc.hint}, status_code=status)


def all_routes() -> list[BaseRoute]:
    return [Route("/", _home), *tasks.routes, *files.routes, *thumbs.routes, *pages_runs.routes, *pages_assets.routes,
            *pages_renders.routes, *pages_trace.routes, *pages_new.routes,
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static")]


def create_app(config: StudioConfig) -> Starlette:
    app = Starlette(routes=all_routes(), middleware=[Middleware(SecurityMiddleware, config=config)],
                    exception_handlers={HTTPException: _http_error, ReelforgeError: _reelforge_error})
    app.state.config = config
    app.state.tasks = tasks.TaskRegistry()
    return app
