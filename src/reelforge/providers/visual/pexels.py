"""Pexels stock photos and videos (https://www.pexels.com/api/documentation/).

The key comes only from ``PEXELS_API_KEY`` and goes only to the API host, in the ``Authorization`` header;
it is never logged or put in an error. Media downloads go to the CDN links without it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx

from reelforge.config import environ_value
from reelforge.errors import AuthRequiredError, DownloadError, ProviderCallError, ProviderUnavailableError
from reelforge.providers import http as vendor_http
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import run_relative

PROVIDER_ID = "pexels"
ENV_KEY = "PEXELS_API_KEY"
ENV_BASE_URL = "REELFORGE_PEXELS_BASE_URL"
DEFAULT_BASE_URL = "https://api.pexels.com"
HEADROOM = 1.2  # photos are fetched this much larger than the frame so Ken Burns never upscales
MAX_RETRY_AFTER_SEC = 30.0
MAX_DOWNLOAD_BYTES = 500 * 1024 * 1024

Orientation = Literal["portrait", "landscape", "square"]
MediaKind = Literal["photo", "video"]


def orientation_for(width: int, height: int) -> Orientation:
    if width == height:
        return "square"
    return "portrait" if height > width else "landscape"


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int
    label: str


def _fit(w: int, h: int, box_w: int, box_h: int) -> tuple[int, int]:
    s = min(box_w / w, box_h / h, 1.0)
    return max(round(w * s), 1), max(round(h * s), 1)


def photo_renditions(photo: Mapping[str, Any], width: int, height: int) -> list[Rendition]:
    """The sizes Pexels serves for a photo (its documented ``src`` presets), plus a frame-sized crop of
    the original (Pexels' image CDN takes ``w``/``h``/``fit=crop``)."""
    w0, h0 = int(photo["width"]), int(photo["height"])
    src = photo.get("src") or {}
    out: list[Rendition] = []
    presets = {"original": (w0, h0), "large2x": _fit(w0, h0, 1880, 1300), "large": _fit(w0, h0, 940, 650),
               "medium": _fit(w0, h0, 10**6, 350), "portrait": (800, 1200), "landscape": (1200, 627)}
    for label, (w, h) in presets.items():
        if src.get(label):
            out.append(Rendition(str(src[label]), w, h, label))
    want_w, want_h = math.ceil(width * HEADROOM), math.ceil(height * HEADROOM)
    if src.get("original") and w0 >= want_w and h0 >= want_h:
        sep = "&" if "?" in str(src["original"]) else "?"
        url = f"{src['original']}{sep}auto=compress&cs=tinysrgb&fit=crop&w={want_w}&h={want_h}"
        out.append(Rendition(url, want_w, want_h, "frame-crop"))
    return out


def video_renditions(video: Mapping[str, Any]) -> list[Rendition]:
    out = []
    for f in video.get("video_files") or []:
        if f.get("width") and f.get("height") and f.get("link") and str(f.get("file_type", "")).endswith("mp4"):
            out.append(Rendition(str(f["link"]), int(f["width"]), int(f["height"]), str(f.get("quality") or "")))
    return out


def best_rendition(options: list[Rendition], width: int, height: int) -> Rendition | None:
    """The smallest rendition that covers the frame; if none does, the largest."""
    if not options:
        return None
    covering = [r for r in options if r.width >= width and r.height >= height]
    if covering:
        return min(covering, key=lambda r: (r.width * r.height, r.label))
    return max(options, key=lambda r: (r.width * r.height, r.label))


class PexelsClient(vendor_http.OwnsClient):
    """Minimal Pexels API client over the one HTTP module (its client, error mapping and download), with
    bounded retries on 429 (honouring Retry-After) and 5xx; a context manager that closes its client."""

    def __init__(self, api_key: str, *, base_url: str | None = None, http: httpx.Client | None = None,
                 max_retries: int = 4, sleep: Callable[[float], None] = time.sleep,
                 deadlines: vendor_http.Deadlines | None = None) -> None:
        if not api_key:
            raise AuthRequiredError(f"{ENV_KEY} is empty", hint=f"export {ENV_KEY}=<your key> (free at pexels.com/api)")
        self._key = api_key
        self.base_url = (base_url or environ_value(ENV_BASE_URL) or DEFAULT_BASE_URL).rstrip("/")
        self._deadlines = deadlines or vendor_http.default_deadlines()
        self._client = http or vendor_http.client(self._deadlines)
        self._max_retries = max_retries
        self._sleep = sleep

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **kwargs: Any) -> PexelsClient | None:
        if env is None:
            key, url = environ_value(ENV_KEY) or "", environ_value(ENV_BASE_URL)
        else:
            key, url = env.get(ENV_KEY, "").strip(), env.get(ENV_BASE_URL) or None
        if not key:
            return None
        return cls(key, base_url=url, **kwargs)

    def _get_json(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.base_url}{path}"
        for attempt in range(self._max_retries + 1):
            try:
                resp = vendor_http.send(self._client, "GET", url, what=f"pexels {path}", params=params,
                                        headers={"Authorization": self._key})
            except ProviderCallError as exc:
                if attempt == self._max_retries:
                    raise ProviderUnavailableError(f"pexels: {path} unreachable ({exc.call_kind})",
                                                   hint="check the network or REELFORGE_PEXELS_BASE_URL") from None
                self._sleep(min(2.0 ** attempt, MAX_RETRY_AFTER_SEC))
                continue
            if resp.status_code in (401, 403):
                raise AuthRequiredError(f"pexels refused the API key (HTTP {resp.status_code}) on {path}",
                                        hint=f"check {ENV_KEY}; get a key at https://www.pexels.com/api/")
            if resp.status_code == 429 or resp.status_code >= 500:
                if attempt == self._max_retries:
                    raise ProviderUnavailableError(
                        f"pexels: {path} still failing after {attempt + 1} tries (HTTP {resp.status_code})",
                        hint="wait for the rate limit to reset (Pexels allows 200 requests/hour) and re-run")
                self._sleep(_retry_delay(resp, attempt))
                continue
            if resp.status_code != 200:
                raise ProviderUnavailableError(f"pexels: {path} answered HTTP {resp.status_code}",
                                               hint="report the query; try another --visual mode")
            try:
                data: dict[str, Any] = resp.json()
            except ValueError:
                raise ProviderUnavailableError(f"pexels: {path} returned a body that is not JSON",
                                               hint="check REELFORGE_PEXELS_BASE_URL") from None
            return data
        raise AssertionError("unreachable")

    def search_photos(self, query: str, orientation: Orientation, per_page: int = 5) -> list[dict[str, Any]]:
        data = self._get_json("/v1/search", {"query": query, "orientation": orientation, "per_page": per_page})
        return list(data.get("photos") or [])

    def search_videos(self, query: str, orientation: Orientation, per_page: int = 5) -> list[dict[str, Any]]:
        data = self._get_json("/videos/search", {"query": query, "orientation": orientation, "per_page": per_page})
        return list(data.get("videos") or [])

    def download(self, url: str, dest: Path) -> None:
        """The shared download (resume, deadline, atomic rename) into ``dest``; no Authorization header:
        media links are public, and the key only ever goes to the API host."""
        try:
            vendor_http.download(url, dest, deadlines=self._deadlines, max_bytes=MAX_DOWNLOAD_BYTES)
        except DownloadError as exc:
            raise ProviderUnavailableError(f"pexels: {exc.message}",
                                           hint="re-run; the media may have been removed") from None


def _retry_delay(resp: httpx.Response, attempt: int) -> float:
    seconds = vendor_http.retry_after_seconds(resp.headers.get("Retry-After"))
    return min(seconds if seconds is not None else 2.0 ** attempt, MAX_RETRY_AFTER_SEC)


@dataclass(frozen=True)
class StockMedia:
    src: str
    sha256: str
    type: Literal["image", "video"]
    attribution: dict[str, Any]


def fetch_stock(client: PexelsClient, query: str, run_dir: Path, index: int, *, width: int, height: int,
                kind: MediaKind = "photo") -> StockMedia:
    """Search, pick the first result with a usable rendition, download it to ``visuals/scene-NN-pexels.*``."""
    orientation = orientation_for(width, height)
    if kind == "video":
        for video in client.search_videos(query, orientation):
            pick = best_rendition(video_renditions(video), width, height)
            if pick is None:
                continue
            dest = run_dir / "visuals" / f"scene-{index + 1:02d}-pexels.mp4"
            client.download(pick.url, dest)
            user = video.get("user") or {}
            return StockMedia(run_relative(dest, run_dir), sha256_file(dest), "video", {
                "provider": PROVIDER_ID, "id": video.get("id"), "url": video.get("url"),
                "author": user.get("name"), "authorUrl": user.get("url"), "rendition": pick.label,
                "width": pick.width, "height": pick.height, "license": "Pexels License", "query": query})
    else:
        for photo in client.search_photos(query, orientation):
            pick = best_rendition(photo_renditions(photo, width, height), width, height)
            if pick is None:
                continue
            dest = run_dir / "visuals" / f"scene-{index + 1:02d}-pexels.jpg"
            client.download(pick.url, dest)
            return StockMedia(run_relative(dest, run_dir), sha256_file(dest), "image", {
                "provider": PROVIDER_ID, "id": photo.get("id"), "url": photo.get("url"),
                "author": photo.get("photographer"), "authorUrl": photo.get("photographer_url"),
                "rendition": pick.label, "width": pick.width, "height": pick.height,
                "license": "Pexels License", "query": query})
    raise ProviderUnavailableError(f"pexels: no {kind} found for {query!r}",
                                   hint="give the scene a visual.prompt with concrete nouns")
