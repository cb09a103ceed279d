"""User media: a scene's ``visual.ref`` or a ``--media DIR`` file, validated by content, copied into the run."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reelforge.errors import InvalidInputError, NotFoundError
from reelforge.media.probe import MediaInfo, probe
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import ensure_inside, run_relative

PROVIDER_ID = "user-media"
MIN_SIDE = 64

_IMAGE_EXT = {"png": ".png", "mjpeg": ".jpg", "jpegls": ".jpg", "webp": ".webp", "bmp": ".bmp",
              "tiff": ".tiff", "qoi": ".qoi", "jpeg2000": ".jp2"}
_CONTAINER_EXT = {"mov,mp4,m4a,3gp,3g2,mj2": ".mp4", "matroska,webm": ".mkv", "avi": ".avi", "gif": ".gif",
                  "mpegts": ".ts", "flv": ".flv", "ogg": ".ogv"}


@dataclass(frozen=True)
class ImportedMedia:
    src: str
    sha256: str
    type: Literal["image", "video"]
    origin: str
    width: int
    height: int
    duration_sec: float | None


def classify(path: Path) -> tuple[Literal["image", "video"], str, MediaInfo]:
    """(type, extension for the copy, probe) from the file's content, never from its name."""
    info = probe(path)
    video = info.video
    if video is None:
        raise InvalidInputError(f"{path} has no picture (found: {', '.join(info.streams) or 'nothing'})",
                                hint="use an image (PNG/JPEG/WebP) or a video clip (MP4/MOV/WebM)",
                                file=str(path))
    if min(video.width, video.height) < MIN_SIDE:
        raise InvalidInputError(f"{path} is only {video.width}x{video.height}",
                                hint=f"use media at least {MIN_SIDE} px on each side", file=str(path))
    if info.is_image and video.codec in _IMAGE_EXT:
        return "image", _IMAGE_EXT[video.codec], info
    ext = _CONTAINER_EXT.get(info.format)
    if ext is None:
        raise InvalidInputError(f"{path} is a {info.format} file, which reelforge does not take as a clip",
                                hint="convert it to MP4 (H.264) first", file=str(path))
    if ext == ".mkv" and video.codec in ("vp8", "vp9", "av1"):
        ext = ".webm"
    return "video", ext, info


def import_media(source: Path, run_dir: Path, index: int) -> ImportedMedia:
    """Copy ``source`` to ``visuals/scene-NN.<ext>`` in the run (atomically) and hash the copy."""
    kind, ext, info = classify(source)
    dest = run_dir / "visuals" / f"scene-{index + 1:02d}{ext}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    assert info.video is not None
    return ImportedMedia(src=run_relative(dest, run_dir), sha256=sha256_file(dest), type=kind,
                         origin=str(source), width=info.video.width, height=info.video.height,
                         duration_sec=info.duration_sec if kind == "video" else None)


def resolve_ref(ref: str, workspace: Path) -> Path:
    """A script's workspace-relative ``visual.ref`` as a file path; refuses paths outside the workspace."""
    path = ensure_inside(workspace / ref, workspace, what="visual.ref", flag="a path inside the workspace")
    if not path.is_file():
        raise NotFoundError(f"visual.ref {ref!r} does not exist in the workspace {workspace}",
                            hint="fix visual.ref in script.json (paths are relative to the workspace)",
                            file=str(path))
    return path


def media_dir_files(directory: Path) -> list[Path]:
    """Files of ``--media DIR`` in name order (hidden files skipped); scene i takes file i."""
    if not directory.is_dir():
        raise NotFoundError(f"--media {directory} is not a directory", hint="pass a folder of images/clips",
                            file=str(directory))
    return sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
