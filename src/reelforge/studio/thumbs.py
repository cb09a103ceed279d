"""Small JPEG previews of workspace images and videos (``/thumbs/<workspace-relative>?w=160[&t=1.5]``).

A run's 1080x1920 scene card is ~2 MB of PNG; a list of runs shows a 120 px JPEG of a few KB instead.
Previews are made on first request (Pillow for images; for videos, via PyAV, the frame shown at ``t``
seconds, 0.5 by default) and kept in memory, keyed by the file's size and mtime so a re-rendered video gets
a fresh one.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from reelforge.studio.files import VIDEO_SUFFIXES, resolve_inside, retrying

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})
_CACHE_SIZE = 256
_cache: OrderedDict[tuple[str, int, int, int, float], bytes] = OrderedDict()
_cache_lock = threading.Lock()


def _video_frame(path: Path, at: float) -> object:
    """The first frame shown at or after ``at`` seconds (the frame a viewer sees then, captions burned in)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if at > 1.0 and stream.time_base is not None:
            container.seek(int((at - 1.0) / stream.time_base), stream=stream, backward=True)
        last = None
        for frame in container.decode(stream):
            last = frame
            if frame.time is None or frame.time >= at:
                return frame.to_image()
        if last is None:
            raise ValueError("no video frame")
        return last.to_image()


def make_thumbnail(path: Path, width: int, at: float = 0.5) -> bytes:
    from PIL import Image

    if path.suffix.lower() in VIDEO_SUFFIXES:
        image = _video_frame(path, at)
    else:
        image = Image.open(path)
        image.draft("RGB", (width * 2, width * 8))  # JPEG: decode at a reduced scale
    assert isinstance(image, Image.Image)
    image = image.convert("RGB")
    height = max(1, round(image.height * width / max(image.width, 1)))
    image.thumbnail((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def cached_thumbnail(path: Path, width: int, at: float = 0.5) -> bytes:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, width, round(at, 2))
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    data = make_thumbnail(path, width, at)
    with _cache_lock:
        _cache[key] = data
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return data


async def _thumb(request: Request) -> Response:
    workspace: Path = request.app.state.config.workspace
    rel = request.path_params["rel"]
    if Path(rel).suffix.lower() not in IMAGE_SUFFIXES | VIDEO_SUFFIXES:
        resolve_inside(workspace, rel)  # the same 404 for a path outside as for a missing file
        raise HTTPException(404, "no preview for this kind of file")
    try:
        width = min(640, max(32, int(request.query_params.get("w", "160"))))
    except ValueError:
        width = 160
    try:
        at = min(3600.0, max(0.0, float(request.query_params.get("t", "0.5"))))
    except ValueError:
        at = 0.5
    try:
        data = await run_in_threadpool(retrying, workspace, rel, lambda path: cached_thumbnail(path, width, at))
    except HTTPException:
        raise
    except Exception:  # a half-written or broken file: no preview, not an error page
        raise HTTPException(404, "this file cannot be previewed (broken or still being written)") from None
    return Response(data, media_type="image/jpeg")


routes: list[BaseRoute] = [Route("/thumbs/{rel:path}", _thumb)]
