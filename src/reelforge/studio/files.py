"""Serving files of the workspace, and only those: every path resolved (symlinks too) and checked inside it.

A refused path is a 404, never a 500 and never a hint about what exists outside. Hidden components
(``.reelforge/`` with its tokens, ``.env``) are refused as well, and only media and text types are served.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from reelforge.errors import ReelforgeError
from reelforge.workspace.contain import inside

MEDIA_TYPES = {
    ".mp4": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime", ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg", ".wav": "audio/wav", ".ogg": "audio/ogg", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".webp": "image/webp", ".gif": "image/gif", ".json": "application/json",
    ".jsonl": "text/plain; charset=utf-8", ".ass": "text/plain; charset=utf-8", ".srt": "text/plain; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8",
}


def _not_found() -> HTTPException:
    return HTTPException(404, "no such file in the workspace")


def resolve_inside(workspace: Path, rel: str) -> Path:
    """The file ``rel`` (workspace-relative, POSIX) resolved inside ``workspace``; 404 for anything else."""
    if not rel or "\x00" in rel or "\\" in rel or rel.startswith("/"):
        raise _not_found()
    parts = PurePosixPath(rel).parts
    if any(part in ("..", ".") or part.startswith(".") for part in parts):
        raise _not_found()
    try:
        resolved = inside(workspace / Path(*parts), workspace, what="file")
    except (ReelforgeError, OSError, ValueError):
        raise _not_found() from None
    if not resolved.is_file():
        raise _not_found()
    return resolved


def set_aside_copy(rel: str) -> str:
    """``a/b.mp4`` -> ``a/b.previous.mp4``: where ``video render`` keeps the earlier output while it renders."""
    path = PurePosixPath(rel)
    return path.with_name(f"{path.stem}.previous{path.suffix}").as_posix()


def resolve_served(workspace: Path, rel: str) -> Path:
    """Like ``resolve_inside``, but a video being re-rendered (moved aside for the moment) is served from its
    set-aside copy: the bytes a viewer is watching stay reachable until the new file is in place."""
    try:
        return resolve_inside(workspace, rel)
    except HTTPException:
        if PurePosixPath(rel).suffix.lower() not in (".mp4", ".webm", ".mov"):
            raise
        return resolve_inside(workspace, set_aside_copy(rel))


def file_response(path: Path, *, download_name: str | None = None) -> Response:
    """The file with HTTP Range support (a ``<video>`` seeks with byte ranges); unknown types are refused."""
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise _not_found()
    return FileResponse(path, media_type=media_type, filename=download_name,
                        content_disposition_type="attachment" if download_name else "inline")


def workspace_file_url(workspace: Path, path: Path) -> str:
    """The ``/files/...`` URL of a file inside the workspace (for templates)."""
    return "/files/" + path.resolve().relative_to(workspace.resolve()).as_posix()


async def _serve(request: Request) -> Response:
    workspace: Path = request.app.state.config.workspace
    return file_response(resolve_served(workspace, request.path_params["rel"]))


routes: list[BaseRoute] = [Route("/files/{rel:path}", _serve, methods=["GET", "HEAD"])]
