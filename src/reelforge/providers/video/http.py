"""One JSON call over httpx, classified into ``ProviderCallError`` the way the runner's retry loop expects."""

from __future__ import annotations

import json
from typing import Any

import httpx

from reelforge.providers.image.base import ProviderCallError, retry_after_seconds


def call_json(client: httpx.Client, method: str, url: str, *, headers: dict[str, str], what: str,
              body: dict[str, Any] | None = None, ok_statuses: tuple[int, ...] = ()) -> tuple[int, Any, str]:
    """Return (status, parsed body, raw text). 429/5xx/4xx raise unless the status is in ``ok_statuses``."""
    try:
        response = client.request(method, url, headers=headers, json=body)
    except httpx.TimeoutException:
        raise ProviderCallError("timeout", f"{what} timed out") from None
    except httpx.TransportError:
        raise ProviderCallError("connection", f"could not reach {what}") from None
    if response.status_code >= 400 and response.status_code not in ok_statuses:
        raise ProviderCallError("http", f"{what} answered HTTP {response.status_code}", status=response.status_code,
                                raw_body=response.text,
                                retry_after=retry_after_seconds(response.headers.get("retry-after")))
    try:
        parsed = json.loads(response.text) if response.text.strip() else {}
    except json.JSONDecodeError:
        raise ProviderCallError("malformed", f"{what} returned a body that is not JSON",
                                raw_body=response.text) from None
    if not isinstance(parsed, dict):
        raise ProviderCallError("malformed", f"{what} returned JSON that is not an object", raw_body=response.text)
    return response.status_code, parsed, response.text
