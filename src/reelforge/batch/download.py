"""Download one output: stream to a temp file beside the target, check the length, rename atomically.

A download that breaks halfway leaves no partial file behind and no signed URL in the error message.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import httpx

from reelforge.providers.image.base import redact_url

MAX_REDIRECTS = 5
_CLIENTS: dict[float, httpx.Client] = {}


class DownloadFailed(Exception):
    pass


def download(url: str, dest: Path, *, timeout: float = 120.0) -> int:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            received, expected = _stream(url, handle, timeout)
            if expected is not None and received != expected:
                raise DownloadFailed(f"download of {redact_url(url)} stopped at {received} of {expected} bytes")
            if received == 0:
                raise DownloadFailed(f"download of {redact_url(url)} was empty")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
        return received
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _stream(url: str, handle: object, timeout: float) -> tuple[int, int | None]:
    current = url
    client = _CLIENTS.get(timeout)
    if client is None:  # building a client costs an SSL context; share one per timeout (thread-safe)
        client = _CLIENTS.setdefault(timeout, httpx.Client(timeout=timeout, follow_redirects=False))
    for _ in range(MAX_REDIRECTS + 1):
        try:
            with client.stream("GET", current) as response:
                if response.is_redirect:
                    nxt = str(response.next_request.url) if response.next_request else ""
                    if current.startswith("https://") and not nxt.startswith("https://"):
                        raise DownloadFailed(f"refused a redirect from https to {redact_url(nxt)}")
                    current = nxt
                    continue
                if response.status_code >= 400:
                    raise DownloadFailed(f"download of {redact_url(current)} answered HTTP "
                                         f"{response.status_code}")
                length = response.headers.get("content-length")
                received = 0
                for chunk in response.iter_bytes(1 << 16):
                    handle.write(chunk)  # type: ignore[attr-defined]
                    received += len(chunk)
                return received, int(length) if length and length.isdigit() else None
        except httpx.HTTPError as exc:
            raise DownloadFailed(f"download of {redact_url(current)} failed: {type(exc).__name__}") from None
    raise DownloadFailed(f"download of {redact_url(url)} redirected more than {MAX_REDIRECTS} times")
