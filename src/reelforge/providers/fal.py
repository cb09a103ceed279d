"""fal.ai's queue protocol (https://queue.fal.run), shared by the image (FLUX) and video (InfiniteTalk, Kling)
adapters, which only map its answers to their own result types.

    POST {base}/{model_id}        -> {request_id, response_url, status_url, cancel_url}
    GET  {response_url}/status    -> 202 {status: IN_QUEUE|IN_PROGRESS}, 200 {status: COMPLETED, error?}
    GET  {response_url}           -> 200 the model's output; 4xx/5xx {detail, error_type?} when it failed

Authorization is ``Key $FAL_KEY``. The handle is the ``response_url`` fal returned (fal asks clients to use
the URLs it returns); it must share scheme and host with the base URL, so the key is never sent elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from reelforge.errors import ProviderCallError
from reelforge.providers import http
from reelforge.providers.image.base import api_key, base_url

DEFAULT_BASE_URL = "https://queue.fal.run"
KEY_ENV = "FAL_KEY"
PENDING = ("IN_QUEUE", "IN_PROGRESS")


@dataclass(frozen=True)
class Submitted:
    request_id: str
    response_url: str
    body: dict[str, Any]


class FalQueueClient(http.OwnsClient):
    """One fal queue conversation: submit, status, result; every URL checked against the base host."""

    vendor = "fal"
    key_env: str | None = KEY_ENV

    def __init__(self, *, deadlines: http.Deadlines | None = None) -> None:
        self._client = http.client(deadlines)

    @property
    def base(self) -> str:
        return base_url("fal", DEFAULT_BASE_URL).rstrip("/")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Key {api_key(KEY_ENV) or ''}", "Content-Type": "application/json"}

    def queue_submit(self, model: str, body: dict[str, Any]) -> Submitted:
        _, parsed, text = http.call_json(self._client, "POST", f"{self.base}/{model}", headers=self._headers(),
                                         body=body, what="fal queue submit")
        request_id, response_url = parsed.get("request_id"), parsed.get("response_url")
        if not isinstance(request_id, str) or not isinstance(response_url, str):
            raise ProviderCallError("malformed", "fal answered the submit without request_id/response_url",
                                    raw_body=text)
        self.check_same_host(response_url, text)
        return Submitted(request_id, response_url, parsed)

    def queue_status(self, handle: str) -> tuple[str, dict[str, Any]]:
        """The status word (IN_QUEUE, IN_PROGRESS or COMPLETED) and the status body."""
        self.check_same_host(handle, "")
        _, status, text = http.call_json(self._client, "GET", f"{handle}/status", headers=self._headers(),
                                         what="fal queue status")
        word = status.get("status")
        if word not in (*PENDING, "COMPLETED"):
            raise ProviderCallError("malformed", f"fal status {word!r} is not one of IN_QUEUE, IN_PROGRESS, "
                                    "COMPLETED", raw_body=text)
        return str(word), status

    def queue_result(self, handle: str, *, ok_statuses: tuple[int, ...]) -> tuple[int, dict[str, Any], str]:
        return http.call_json(self._client, "GET", handle, headers=self._headers(), what="fal queue result",
                              ok_statuses=ok_statuses)

    def check_same_host(self, url: str, text: str) -> None:
        ours, theirs = urlsplit(self.base), urlsplit(url)
        if (ours.scheme, ours.netloc) != (theirs.scheme, theirs.netloc):
            raise ProviderCallError("malformed", "fal returned a response_url on another host; refusing to send the "
                                    "key there", raw_body=text)
