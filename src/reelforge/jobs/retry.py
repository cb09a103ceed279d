"""The one retry policy: exponential backoff with full jitter, Retry-After, caps, and a per-vendor gate.

429, 5xx and connection failures before the request was sent are retried; 401/403 and other 4xx stop at
once. A dropped connection after sending is retried only for idempotent calls (poll, download): at submit
it is an unknown outcome, and retrying it could pay twice, so it goes up to the runner as ``in_doubt``.
A timeout is never retried: the call already had its whole deadline (``vendor_deadline``).
A 429 with Retry-After closes the vendor's gate for that long, so every worker of
the batch waits, not only the one that was told.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from reelforge.config import Settings, environ_value
from reelforge.errors import ProviderCallError
from reelforge.jobs.deadline import JobDeadline

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # total tries, first one included
    base_s: float = 0.5
    cap_s: float = 30.0
    max_retry_after_s: float = 120.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(attempts=max(1, int(settings["retry_attempts"])), base_s=float(settings["retry_base_s"]),
                   cap_s=float(settings["retry_cap_s"]))

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
    """One gate per vendor; the limit comes from the registry row, ``REELFORGE_<VENDOR>_CONCURRENCY`` wins."""

    def __init__(self, concurrency: dict[str, int] | None = None) -> None:
        self._limits = dict(concurrency or {})
        self._gates: dict[str, Gate] = {}
        self._lock = threading.Lock()

    def get(self, vendor: str) -> Gate:
        from reelforge.providers.registry import default_concurrency

        with self._lock:
            if vendor not in self._gates:
                env = environ_value(f"REELFORGE_{vendor.upper()}_CONCURRENCY")
                limit = int(env) if env and env.isdigit() else self._limits.get(vendor, default_concurrency(vendor))
                self._gates[vendor] = Gate(limit)
            return self._gates[vendor]


def call_with_retries(call: Callable[[], T], *, gate: Gate, policy: RetryPolicy, idempotent: bool = True,
                      on_retry: Callable[[ProviderCallError, float], None] | None = None,
                      sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None,
                      deadline: JobDeadline | None = None) -> T:
    """Run ``call`` under the vendor's gate; ``idempotent=False`` (a submit) never retries a sent request.

    A retry that could not start before the job's total ``deadline`` is not made: the last failure is raised
    with ``job_deadline`` set, so the caller reports exit 6 naming the setting."""
    rng = rng or random.Random()
    for try_no in range(policy.attempts):
        gate.wait_open(sleep)
        with gate.sem:
            try:
                if deadline is None:
                    return call()
                from reelforge.providers.http import job_ends_at  # httpx: only a hosted call needs it

                with job_ends_at(time.monotonic() + deadline.remaining(), deadline.named):
                    return call()
            except ProviderCallError as exc:
                # a timeout already used the call's whole deadline: another try would double the wait of a
                # hung vendor (exit 6 must come well under a minute), so it ends the call at once
                safe = exc.retryable and exc.call_kind != "timeout" and (
                    idempotent or not exc.sent or exc.call_kind == "http")
                if not safe or try_no == policy.attempts - 1:
                    raise
                failure = exc
                delay = policy.delay(try_no, exc.retry_after, rng)
                if deadline is not None and not deadline.allows(delay):
                    exc.job_deadline = deadline.named
                    raise
                if exc.status == 429:
                    gate.cool_down(delay)  # the next loop waits at the gate, with every other worker
        if on_retry:
            on_retry(failure, delay)
        if failure.status != 429:
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover

