"""The total deadline of one hosted job: every submit retry, status check and wait of it together.

Per-call limits (``vendor_deadline``) bound one request; this bounds the job, so a vendor that keeps answering
503 or "processing" cannot hold a command for the sum of every retry and poll. No retry or poll starts that
could not finish before it, and a call in flight gets only the time the job has left (providers/http.py
``job_ends_at``): a hung vendor ends at the job deadline when that comes before the call's own.
Downloads of finished outputs keep their own ``download_deadline``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from reelforge.config import Settings
from reelforge.errors import StageTimeoutError

SETTING = "job_deadline"
ENV = "REELFORGE_JOB_DEADLINE"


@dataclass(frozen=True)
class JobDeadline:
    seconds: float
    origin: str = "default"
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=-1.0)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Callable[[], float] = time.monotonic) -> JobDeadline:
        return cls(float(settings[SETTING]), settings.origin(SETTING), clock)

    def start(self) -> JobDeadline:
        """A running copy: the clock starts now (each job gets its own)."""
        return JobDeadline(self.seconds, self.origin, self.clock, self.clock())

    def remaining(self) -> float:
        started = self.started if self.started >= 0 else self.clock()
        return self.seconds - (self.clock() - started)

    def allows(self, wait_s: float) -> bool:
        """True when a wait of ``wait_s`` seconds (then another call) still starts inside the deadline."""
        return wait_s < self.remaining()

    @property
    def named(self) -> str:
        return f"{SETTING} ({self.seconds:g} s, from {self.origin})"

    def error(self, label: str, doing: str, hint: str) -> StageTimeoutError:
        return StageTimeoutError(f"{label} reached the total job deadline {self.named} while {doing}",
                                 hint=f"{hint}; a slow vendor may need a longer one: {ENV}=<seconds> or "
                                      f"{SETTING} in reelforge.toml")
