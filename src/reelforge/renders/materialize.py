"""Put the render on disk: download the video (and last frame) from the vault URLs, or adopt the local file.

``renders/render-NNN.mp4`` (NNN = attempt sequence) is written atomically by ``providers.http.download``
after PyAV opened it and decoded a frame; a file that is already there is kept (resume).
The asset entries carry sha256, size and ``review_pending``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelforge.assets.store import now_iso
from reelforge.errors import DownloadError, ProviderUnavailableError
from reelforge.media.checks import check_image_file, check_video_file
from reelforge.providers.http import Deadlines, download, redact_url
from reelforge.renders.jobs import JobPaths
from reelforge.workspace import contain
from reelforge.workspace.contain import own_file
from reelforge.workspace.hashing import sha256_file


def _check(dest: Path, mime: str, job_id: str) -> None:
    what = f"render job {job_id}: {dest.name}"
    if mime == "video/mp4":
        check_video_file(dest, what=what)
    else:
        check_image_file(dest, mime, what=what)


def materialize(paths: JobPaths, data: dict[str, Any], attempt: dict[str, Any], urls: dict[int, str], *,
                deadlines: Deadlines | None = None) -> list[dict[str, Any]]:
    seq = int(attempt["sequence"])
    video = paths.renders / f"render-{seq:03d}.mp4"
    frame = paths.renders / f"last-frame-{seq:03d}.png"
    wanted: list[tuple[Path, str, str | None]] = [(video, "video/mp4", urls.get(0))]
    if 1 in urls:
        wanted.append((frame, "image/png", urls[1]))
    contain.mkdir(paths.renders, what="renders folder")  # checked inside the workspace before any byte lands
    local = attempt.get("localResult")
    if local and Path(local).is_file() and not own_file(video):
        contain.replace(Path(local), video, what=video.name)
    for dest, mime, url in wanted:
        if own_file(dest):  # a symlink planted under this name is replaced by the download, never followed
            continue
        if not url:
            raise ProviderUnavailableError(f"render job {paths.job_id}: the output URL is no longer saved",
                                           hint="submit again with --new-attempt", file=str(paths.manifest))
        try:
            download(url, dest, deadlines=deadlines, check=lambda p, m=mime: _check(p, m, paths.job_id))
        except DownloadError as exc:
            raise DownloadError(f"render job {paths.job_id} finished but the download failed: {exc.message}",
                                hint=f"the URL is saved; retry with: reelforge render poll {paths.job_id}",
                                file=str(paths.manifest)) from None
    try:
        _check(video, "video/mp4", paths.job_id)  # a local render, or a file kept from an earlier try
    except DownloadError as exc:
        contain.replace(video, video.with_name(video.name + ".rejected"), what=video.name)
        raise DownloadError(exc.message, hint=f"see {paths.response}; poll again or submit with --new-attempt",
                            file=str(paths.manifest)) from None
    entries = []
    for dest, mime, url in wanted:
        entries.append({"assetId": f"{paths.job_id}-{dest.stem}", "kind": "video" if mime == "video/mp4" else
                        "last_frame", "localPath": str(dest), "relativePath": paths.rel(dest),
                        "remoteUrl": redact_url(url) if url else None, "mimeType": mime,
                        "sha256": sha256_file(dest), "bytes": dest.stat().st_size, "status": "review_pending",
                        "attemptId": attempt["attemptId"], "pathTaken": data.get("pathTaken"),
                        "createdAt": now_iso()})
    return entries
