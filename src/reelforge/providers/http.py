"""The one HTTP module for vendors: client factory, deadlines, error mapping, JSON calls and downloads.

Every vendor call goes through a client from ``client()``:

- the transport is injectable (``transport=``, e.g. ``httpx.MockTransport``), the rest is ours;
- ``Deadlines``: a connect timeout plus ONE overall deadline per call covering connect, send and the whole
  answer. httpx's own timeouts fire only when no byte arrives for a while, so a server dripping one byte
  every 3 s would hang forever; ``DeadlineTransport`` reads the answer in a worker thread and gives up at
  the deadline (a ``ReadTimeout``: exit 6, and at submit an unknown outcome, ``in_doubt``);
- ``map_error`` turns every httpx failure into ``errors.ProviderCallError``: ``connect`` (never sent, safe
  to retry), ``timeout`` / ``connection`` (maybe sent), ``http`` (status + Retry-After), ``malformed``.

``download`` streams an output to ``<dest>.part`` under the download deadline, resumes a broken transfer
with a Range request, checks the length, hands the file to a content check (``media.checks``) and only then
renames it into place, returning its size and sha256.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self, TypeVar

import httpx

from reelforge.config import Settings
from reelforge.errors import DownloadError, ProviderCallError
from reelforge.workspace import contain

T = TypeVar("T")
MAX_REDIRECTS = 5
RESUME_TRIES = 3


@dataclass(frozen=True)
class Deadlines:
    """Defaults (README "Vendor deadlines"): a hung or dripping vendor reaches exit 6 in 45 s."""

    connect_s: float = 10.0
    call_s: float = 45.0
    download_s: float = 300.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Deadlines:
        return cls(float(settings["vendor_connect_timeout"]), float(settings["vendor_deadline"]),
                   float(settings["download_deadline"]))

    def timeout(self, total: float | None = None) -> httpx.Timeout:
        total = self.call_s if total is None else total
        return httpx.Timeout(total, connect=min(self.connect_s, total))


DEFAULT_DEADLINES = Deadlines()
_lock = threading.Lock()
# (monotonic end, setting name) of the job the current call belongs to; set by jobs.retry for each try
_JOB_END: ContextVar[tuple[float, str] | None] = ContextVar("reelforge_job_end", default=None)


@contextmanager
def job_ends_at(end: float, named: str) -> Iterator[None]:
    """Calls below this block get no more than the time left of their job (``job_deadline``)."""
    token = _JOB_END.set((end, named))
    try:
        yield
    finally:
        _JOB_END.reset(token)


def call_budget(call_s: float) -> tuple[float, str | None]:
    """The deadline of one call: its own, or the job's time left when shorter (then the job's setting name)."""
    job = _JOB_END.get()
    if job is None:
        return call_s, None
    left = max(0.05, job[0] - time.monotonic())
    return (left, job[1]) if left < call_s else (call_s, None)


def default_deadlines() -> Deadlines:
    """What an adapter built without deadlines uses; the runners always pass theirs (from Settings)."""
    return DEFAULT_DEADLINES


def run_with_deadline(work: Callable[[threading.Event], T], seconds: float, what: str) -> T:
    """Run ``work(cancel)`` in a worker thread; past ``seconds`` set ``cancel`` and raise ``httpx.ReadTimeout``.

    The worker checks ``cancel`` between chunks, so a dripping server is dropped at its next byte and a
    silent one at httpx's own read timeout (which is never longer than the deadline).
    """
    box: dict[str, Any] = {}
    cancel = threading.Event()

    def run() -> None:
        try:
            box["value"] = work(cancel)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=run, name=f"reelforge-deadline-{what}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        cancel.set()
        raise httpx.ReadTimeout(f"{what}: no complete answer within the {seconds:.3g} s deadline")
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


class DeadlineTransport(httpx.BaseTransport):
    """Wraps a transport so one request, answer included, finishes within ``deadline_s`` or times out."""

    def __init__(self, inner: httpx.BaseTransport, deadline_s: float) -> None:
        self.inner = inner
        self.deadline_s = deadline_s

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        def work(cancel: threading.Event) -> httpx.Response:
            response = self.inner.handle_request(request)
            chunks: list[bytes] = []
            try:
                for chunk in response.stream:  # type: ignore[union-attr]
                    if cancel.is_set():
                        raise httpx.ReadTimeout("deadline passed", request=request)
                    chunks.append(chunk)
            finally:
                response.close()
            return httpx.Response(response.status_code, headers=response.headers, content=b"".join(chunks),
                                  extensions=response.extensions, request=request)

        seconds, job = call_budget(self.deadline_s)
        what = request.url.host if job is None else f"{request.url.host} (the job's total deadline, {job})"
        return run_with_deadline(work, seconds, what)

    def close(self) -> None:
        self.inner.close()


class OwnsClient:
    """An adapter holding one HTTP (or SDK) client in ``_client``: ``close()`` releases its connections and the
    adapter is a context manager. The runners close every adapter they built when they are done."""

    _client: Any = None

    def close(self) -> None:
        client = self._client
        if client is not None and callable(getattr(client, "close", None)):
            client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def client(deadlines: Deadlines | None = None, *, transport: httpx.BaseTransport | None = None,
           follow_redirects: bool = False, **kwargs: Any) -> httpx.Client:
    """The one way to build a vendor client (thread-safe; share one per adapter)."""
    d = deadlines or default_deadlines()
    inner = transport or httpx.HTTPTransport()
    return httpx.Client(transport=DeadlineTransport(inner, d.call_s), timeout=d.timeout(),
                        follow_redirects=follow_redirects, **kwargs)


def map_error(exc: httpx.HTTPError, what: str) -> ProviderCallError:
    """The most specific ProviderCallError for an httpx failure (the cause is dropped: it may hold a URL)."""
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol)):
        return ProviderCallError("connect", f"could not connect to {what} ({type(exc).__name__})")
    if isinstance(exc, httpx.TimeoutException):
        return ProviderCallError("timeout", f"{what} timed out ({exc})" if "deadline" in str(exc)
                                 else f"{what} timed out")
    return ProviderCallError("connection", f"the connection to {what} failed ({type(exc).__name__})")


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def raise_for_status(response: httpx.Response, what: str, ok_statuses: tuple[int, ...] = ()) -> None:
    if response.status_code >= 400 and response.status_code not in ok_statuses:
        raise ProviderCallError("http", f"{what} answered HTTP {response.status_code}", status=response.status_code,
                                raw_body=response.text,
                                retry_after=retry_after_seconds(response.headers.get("retry-after")))


def send(http: httpx.Client, method: str, url: str, *, what: str, **kwargs: Any) -> httpx.Response:
    try:
        return http.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise map_error(exc, what) from None


def call_json(http: httpx.Client, method: str, url: str, *, headers: dict[str, str], what: str,
              body: dict[str, Any] | None = None, ok_statuses: tuple[int, ...] = ()) -> tuple[int, Any, str]:
    """Return (status, parsed body, raw text). 429/5xx/4xx raise unless the status is in ``ok_statuses``."""
    response = send(http, method, url, what=what, headers=headers, json=body)
    raise_for_status(response, what, ok_statuses)
    try:
        parsed = json.loads(response.text) if response.text.strip() else {}
    except json.JSONDecodeError:
        raise ProviderCallError("malformed", f"{what} returned a body that is not JSON",
                                raw_body=response.text) from None
    if not isinstance(parsed, dict):
        raise ProviderCallError("malformed", f"{what} returned JSON that is not an object", raw_body=response.text)
    return response.status_code, parsed, response.text


# ---- downloads

def redact_url(url: str) -> str:
    """Scheme, host and path only: query strings carry signatures and keys."""
    return url.split("?", 1)[0].split("#", 1)[0] + ("?<redacted>" if "?" in url else "")


@dataclass(frozen=True)
class Downloaded:
    path: Path
    bytes: int
    sha256: str


_download_clients: dict[tuple[float, float], httpx.Client] = {}


def _download_client(connect_s: float, read_s: float) -> httpx.Client:
    key = (connect_s, read_s)
    with _lock:
        http = _download_clients.get(key)
        if http is None:  # building a client costs an SSL context; share one per timeout pair
            http = httpx.Client(timeout=httpx.Timeout(read_s, connect=connect_s), follow_redirects=False)
            _download_clients[key] = http
        return http


def download(url: str, dest: Path, *, deadlines: Deadlines | None = None, http: httpx.Client | None = None,
             check: Callable[[Path], None] | None = None, max_bytes: int | None = None) -> Downloaded:
    """Fetch ``url`` into ``dest`` (atomically), resuming a broken transfer; ``check`` vets the bytes first,
    and a transfer growing past ``max_bytes`` is dropped as it streams.

    A failed check raises DownloadError and leaves the raw bytes at ``<dest>.rejected`` for review.
    Nothing in an error message carries the URL's query string.
    """
    d = deadlines or default_deadlines()
    http = http or _download_client(d.connect_s, min(d.call_s, d.download_s))
    part = contain.target(dest.with_name(f".{dest.name}.part"), what="download")  # inside the workspace

    def work(cancel: threading.Event) -> None:
        for attempt in range(RESUME_TRIES):
            try:
                _fetch(http, url, part, cancel, max_bytes)
                return
            except DownloadError as exc:
                if not exc.message.startswith("download broke") or attempt == RESUME_TRIES - 1:
                    raise

    try:
        run_with_deadline(work, d.download_s, "download")
    except httpx.ReadTimeout:
        part.unlink(missing_ok=True)
        raise DownloadError(f"download of {redact_url(url)} did not finish within {d.download_s:g} s",
                            hint="raise download_deadline (REELFORGE_DOWNLOAD_DEADLINE) or poll again later") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    if check is not None:
        try:
            check(part)
        except DownloadError:
            contain.replace(part, dest.with_name(dest.name + ".rejected"), what="rejected download")
            raise
    digest = hashlib.sha256()
    with part.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
        os.fsync(handle.fileno())
    size = part.stat().st_size
    contain.replace(part, dest, what="download")
    return Downloaded(dest, size, digest.hexdigest())


def _fetch(http: httpx.Client, url: str, part: Path, cancel: threading.Event, max_bytes: int | None = None) -> None:
    have = part.stat().st_size if part.exists() else 0
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        headers = {"Range": f"bytes={have}-"} if have else {}
        try:
            with http.stream("GET", current, headers=headers) as response:
                if response.is_redirect:
                    nxt = str(response.next_request.url) if response.next_request else ""
                    if current.startswith("https://") and not nxt.startswith("https://"):
                        raise DownloadError(f"refused a redirect from https to {redact_url(nxt)}")
                    current = nxt
                    continue
                if response.status_code >= 400:
                    raise DownloadError(f"download of {redact_url(current)} answered HTTP {response.status_code}")
                identity = "content-encoding" not in response.headers
                resumed = response.status_code == 206 and have > 0 and identity
                expected = _expected_total(response, have if resumed else 0)
                received = have if resumed else 0
                with part.open("ab" if resumed else "wb") as handle:
                    for chunk in response.iter_bytes(1 << 16):
                        if cancel.is_set():
                            raise httpx.ReadTimeout("deadline passed")
                        handle.write(chunk)
                        received += len(chunk)
                        if max_bytes is not None and received > max_bytes:
                            raise DownloadError(f"download of {redact_url(url)} is larger than {max_bytes} bytes; "
                                                "refused")
                if expected is not None and received != expected:
                    raise DownloadError(f"download broke: {redact_url(url)} stopped at {received} of {expected} "
                                        "bytes")
                if received == 0:
                    raise DownloadError(f"download of {redact_url(url)} was empty")
                return
        except httpx.ReadTimeout:
            raise
        except httpx.HTTPError as exc:
            raise DownloadError(f"download broke: {redact_url(current)} failed ({type(exc).__name__})") from None
    raise DownloadError(f"download of {redact_url(url)} redirected more than {MAX_REDIRECTS} times")


def _expected_total(response: httpx.Response, offset: int) -> int | None:
    length = response.headers.get("content-length")
    if length and length.isdigit() and "content-encoding" not in response.headers:  # else decoded != sent
        return offset + int(length)
    return None

