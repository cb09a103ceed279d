"""Serving files of the workspace, and only those: every path resolved (symlinks too) and checked inside it.

A refused path is a 404, never a 500 and never a hint about what exists outside. Hidden components
(``.reelforge/`` with its tokens, ``.env``) are refused as well, and only media and text types are served.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from reelforge.errors import ReelforgeError
from reelforge.workspace.contain import inside

MEDIA_TYPES = {
    ".mp4": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime", ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg", ".wav": "audio/wav", ".ogg": "audio/ogg", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".webp": "image/webp", ".gif": "image/gif", ".json": "application/json",
    ".jsonl": "text/plain; charset=utf-8", ".ass": "text/plain; charset=utf-8", ".srt": "text/plain; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8",
}


VIDEO_SUFFIXES = frozenset({".mp4", ".webm", ".mov"})
T = TypeVar("T")


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
    if not resolved.is_file() or _hidden_inside(resolved, workspace):
        raise _not_found()
    return resolved


def _hidden_inside(resolved: Path, workspace: Path) -> bool:
    """True when the real file lies in a hidden folder of the workspace (a symlink into .reelforge/, say)."""
    try:
        parts = resolved.relative_to(Path(os.path.realpath(workspace))).parts
    except ValueError:
        return True
    return any(part.startswith(".") for part in parts)


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
        if PurePosixPath(rel).suffix.lower() not in VIDEO_SUFFIXES:
            raise
        return resolve_inside(workspace, set_aside_copy(rel))


class _PinnedFile(FileResponse):
    """A FileResponse over a file opened before the response starts (Linux: via /proc/self/fd), so a rename or
    a re-render replacing the file in between cannot turn a found file into a broken response."""

    def __init__(self, fd: int, path: Path, **kwargs: Any) -> None:
        self._fd = fd
        pinned = Path(f"/proc/self/fd/{fd}")
        super().__init__(pinned if pinned.exists() else path, stat_result=os.fstat(fd), **kwargs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            os.close(self._fd)


def file_response(path: Path, *, download_name: str | None = None) -> Response:
    """The file with HTTP Range support (a ``<video>`` seeks with byte ranges); unknown types are refused."""
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise _not_found()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        raise _not_found() from None
    return _PinnedFile(fd, path, media_type=media_type, filename=download_name,
                       content_disposition_type="attachment" if download_name else "inline")


def workspace_file_url(workspace: Path, path: Path) -> str:
    """The ``/files/...`` URL of a file inside the workspace (for templates)."""
    return "/files/" + path.resolve().relative_to(workspace.resolve()).as_posix()


def retrying(workspace: Path, rel: str, use: Callable[[Path], T], *, tries: int = 3) -> T:
    """``use(resolve_served(...))``, asked again when a video moved between the check and its use (a re-render
    swaps the video and its set-aside copy: for a moment neither name may exist). Call it in a thread."""
    for attempt in range(tries):
        try:
            return use(resolve_served(workspace, rel))
        except (HTTPException, FileNotFoundError):
            if attempt == tries - 1 or PurePosixPath(rel).suffix.lower() not in VIDEO_SUFFIXES:
                raise
            time.sleep(0.05)
    raise _not_found()


async def _serve(request: Request) -> Response:
    workspace: Path = request.app.state.config.workspace
    return await run_in_threadpool(retrying, workspace, request.path_params["rel"], file_response)


routes: list[BaseRoute] = [Route("/files/{rel:path}", _serve, methods=["GET", "HEAD"])]
