"""Retries with exponential backoff and full jitter, Retry-After, and a per-vendor gate for batches.

429, 5xx, timeouts and connection errors are retried; 401/403 and other 4xx stop at once. A 429 with
Retry-After closes the vendor's gate for that long, so every worker of the batch waits, not only the one
that was told.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from reelforge.providers.image.base import ProviderCallError

T = TypeVar("T")
DEFAULT_CONCURRENCY = {"openai": 4, "gemini": 4, "ark": 8, "local": 2}


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # total tries, first one included
    base_s: float = 0.5
    cap_s: float = 30.0
    max_retry_after_s: float = 120.0

    @classmethod
    def from_env(cls) -> RetryPolicy:
        return cls(attempts=max(1, int(_env_float("REELFORGE_RETRY_ATTEMPTS", 5))),
                   base_s=_env_float("REELFORGE_RETRY_BASE_S", 0.5), cap_s=_env_float("REELFORGE_RETRY_CAP_S", 30.0))

    def delay(self, try_no: int, retry_after: float | None, rng: random.Random) -> float:
        backoff = rng.uniform(0, min(self.cap_s, self.base_s * (2 ** try_no)))
        if retry_after is not None:
            # honour the server, plus a little jitter so a batch does not come back all at once
            return min(retry_after, self.max_retry_after_s) + rng.uniform(0, self.base_s / 4)
        return backoff


@dataclass
class Gate:
    """Concurrency limit plus a shared cool-down for one vendor."""

    limit: int
    not_before: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    sem: threading.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.sem = threading.Semaphore(max(1, self.limit))

    def cool_down(self, seconds: float) -> None:
        with self.lock:
            self.not_before = max(self.not_before, time.monotonic() + seconds)

    def wait_open(self, sleep: Callable[[float], None]) -> None:
        while True:
            with self.lock:
                remaining = self.not_before - time.monotonic()
            if remaining <= 0:
                return
            sleep(remaining)


class Gates:
    def __init__(self, concurrency: dict[str, int] | None = None) -> None:
        self._limits = {**DEFAULT_CONCURRENCY, **(concurrency or {})}
        self._gates: dict[str, Gate] = {}
        self._lock = threading.Lock()

    def get(self, vendor: str) -> Gate:
        with self._lock:
            if vendor not in self._gates:
                env = os.environ.get(f"REELFORGE_{vendor.upper()}_CONCURRENCY")
                limit = int(env) if env and env.isdigit() else self._limits.get(vendor, 2)
                self._gates[vendor] = Gate(limit)
            return self._gates[vendor]


def call_with_retries(call: Callable[[], T], *, gate: Gate, policy: RetryPolicy,
                      on_retry: Callable[[ProviderCallError, float], None] | None = None,
                      sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None) -> T:
    rng = rng or random.Random()
    for try_no in range(policy.attempts):
        gate.wait_open(sleep)
        with gate.sem:
            try:
                return call()
            except ProviderCallError as exc:
                if not exc.retryable or try_no == policy.attempts - 1:
                    raise
                failure = exc
                delay = policy.delay(try_no, exc.retry_after, rng)
                if exc.status == 429:
                    gate.cool_down(delay)  # the next loop waits at the gate, with every other worker
        if on_retry:
            on_retry(failure, delay)
        if failure.status != 429:
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
