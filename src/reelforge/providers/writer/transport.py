"""One POST with the retry policy every writer call shares: 429 and 5xx, timeouts and refused connections
are retried with exponential backoff and full jitter (Retry-After honoured); 401/403 stop at once.
The client comes from the one HTTP module (providers/http.py): one overall deadline per call, so a
server that drips its answer cannot hang the run."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from reelforge.providers.http import Deadlines
from reelforge.providers.http import client as vendor_client
from reelforge.providers.writer.base import ModelInfo, WriterCallError


def _env_float(env: Mapping[str, str], name: str, default: float) -> float:
    try:
        return float(env.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Retry:
    attempts: int = 4
    base_s: float = 0.5
    cap_s: float = 20.0
    max_retry_after_s: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Retry:
        return cls(attempts=max(1, int(_env_float(env, "REELFORGE_RETRY_ATTEMPTS", 4))),
                   base_s=_env_float(env, "REELFORGE_RETRY_BASE_S", 0.5),
                   cap_s=_env_float(env, "REELFORGE_RETRY_CAP_S", 20.0))

    def delay(self, try_no: int, retry_after: float | None, rng: random.Random) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after_s) + rng.uniform(0, self.base_s / 4)
        return rng.uniform(0, min(self.cap_s, self.base_s * (2 ** try_no)))


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def post_json(url: str, body: dict[str, Any], *, headers: dict[str, str], vendor: str, retry: Retry,
              timeout: float, auth_hint: str, transport: httpx.BaseTransport | None = None,
              sleep: Callable[[float], None] = time.sleep, is_auth: Callable[[int, str], bool] | None = None,
              ) -> tuple[dict[str, Any], str, int]:
    """POST ``body``; return (parsed JSON, raw text, tries). Never puts ``headers`` (the key) in a message."""
    rng = random.Random()
    last = ""
    for try_no in range(retry.attempts):
        wait: float | None = None
        try:
            with vendor_client(Deadlines(connect_s=min(10.0, timeout), call_s=timeout),
                               transport=transport) as client:
                response = client.post(url, json=body, headers=headers)
        except httpx.TimeoutException:
            last = f"{vendor} timed out after {timeout:.0f} s"
        except httpx.TransportError as exc:
            last = f"could not reach {vendor} at {_origin(url)} ({type(exc).__name__})"
        else:
            text = response.text
            status = response.status_code
            if status in (401, 403) or (is_auth is not None and is_auth(status, text)):
                raise WriterCallError("auth", f"{vendor} refused the key (HTTP {status})", status=status,
                                      raw_body=text, attempts=try_no + 1)
            if status == 429 or status >= 500:
                last = f"{vendor} answered HTTP {status}"
                wait = _retry_after(response.headers.get("retry-after"))
            elif status >= 400:
                raise WriterCallError("unavailable", f"{vendor} answered HTTP {status}: {_error_text(text)}",
                                      status=status, raw_body=text, attempts=try_no + 1)
            else:
                try:
                    parsed = json.loads(text)
                    if not isinstance(parsed, dict):
                        raise ValueError
                except ValueError:
                    raise WriterCallError("malformed", f"{vendor} returned a body that is not a JSON object",
                                          status=status, raw_body=text, attempts=try_no + 1) from None
                return parsed, text, try_no + 1
        if try_no + 1 < retry.attempts:
            sleep(retry.delay(try_no, wait, rng))
    raise WriterCallError("unavailable", f"{last} ({retry.attempts} tries)", attempts=retry.attempts)


def _origin(url: str) -> str:
    parsed = httpx.URL(url)
    return f"{parsed.scheme}://{parsed.host}" + (f":{parsed.port}" if parsed.port else "")


def _error_text(text: str) -> str:
    try:
        data = json.loads(text)
        message = data.get("error", {}).get("message") if isinstance(data, dict) else None
    except (ValueError, AttributeError):
        message = None
    return (message or text)[:200]


class HttpTextModel:
    """What every HTTP text model holds: its model info, key, retry policy, timeout and an injectable
    transport and sleep (tests drive both)."""

    def __init__(self, info: ModelInfo, *, key: str | None, retry: Retry, timeout: float = 120.0,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] | None = None) -> None:
        self.info = info
        self._key = key
        self.retry = retry
        self.timeout = timeout
        self.transport = transport
        self.sleep = sleep
