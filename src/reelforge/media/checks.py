"""Is a vendor's output what it claims to be? Checked before anything is recorded as a result.

An image must decode with Pillow (every pixel, not only the header) in the format its MIME type names;
a video must open with PyAV and hold a video stream with at least one decodable frame. A failure is a
``DownloadError`` naming what the bytes really are, so an HTML error page served with status 200 or a
base64 body that is not an image never becomes ``images/candidates/*.png``.
"""

from __future__ import annotations

import io
from pathlib import Path

from reelforge.errors import DownloadError

_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/jpg": "JPEG", "image/webp": "WEBP"}


def image_format(data: bytes) -> str | None:
    """Pillow's name for the format of ``data`` if it fully decodes, else None."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            img.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return fmt


def check_image_bytes(data: bytes, mime: str, *, what: str) -> None:
    fmt = image_format(data)
    want = _FORMATS.get(mime.lower())
    if fmt is None:
        raise DownloadError(f"{what} is not an image ({_describe(data)}, {len(data)} bytes)",
                            hint="the raw bytes are kept beside the attempt; the vendor answered something else")
    if want is not None and fmt != want:
        raise DownloadError(f"{what} is a {fmt} image but was announced as {mime}",
                            hint="the raw bytes are kept beside the attempt; report it to the vendor")


def check_image_file(path: Path, mime: str, *, what: str) -> None:
    check_image_bytes(path.read_bytes(), mime, what=what)


def check_video_file(path: Path, *, what: str) -> None:
    import av

    try:
        with av.open(str(path)) as container:
            stream = next((s for s in container.streams if s.type == "video"), None)
            if stream is None:
                raise DownloadError(f"{what} has no video stream", hint="the raw bytes are kept for review")
            for _frame in container.decode(stream):
                return
    except DownloadError:
        raise
    except (av.error.FFmpegError, OSError, ValueError, StopIteration):
        pass
    with path.open("rb") as handle:
        head = handle.read(256)
    raise DownloadError(f"{what} is not a playable video ({_describe(head)})", hint="the raw bytes are kept for review")


def check_audio_file(path: Path, *, what: str) -> None:
    import av

    try:
        with av.open(str(path)) as container:
            stream = next((s for s in container.streams if s.type == "audio"), None)
            if stream is not None:
                for _frame in container.decode(stream):
                    return
    except (av.error.FFmpegError, OSError, ValueError):
        pass
    with path.open("rb") as handle:
        head = handle.read(256)
    raise DownloadError(f"{what} is not playable audio ({_describe(head)})", hint="pass a wav, mp3, m4a or flac file")


def check_media_file(path: Path, kind: str, *, what: str) -> None:
    """``kind`` image | audio | video: the file must really be one (images in the format their suffix names)."""
    if kind == "image":
        fmt = image_format(path.read_bytes())
        if fmt is None:
            raise DownloadError(f"{what} is not an image", hint="pass a png, jpeg or webp file")
    elif kind == "audio":
        check_audio_file(path, what=what)
    else:
        check_video_file(path, what=what)


def _describe(data: bytes) -> str:
    head = data[:64].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if head.startswith((b"{", b"[")):
        return "a JSON document"
    return "unrecognized bytes"
