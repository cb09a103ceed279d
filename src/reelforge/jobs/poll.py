"""The one poll loop: call ``step`` every ``interval`` seconds while ``pending`` says so, up to a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from reelforge.jobs.deadline import JobDeadline

T = TypeVar("T")


def poll_until(first: T, step: Callable[[T], T], *, pending: Callable[[T], bool], interval: float,
               deadline_s: float, sleep: Callable[[float], None] = time.sleep,
               clock: Callable[[], float] = time.monotonic, job: JobDeadline | None = None) -> tuple[T, bool]:
    """Return ``(last result, timed_out)``. The loop never sleeps past the deadline, nor past the job's total
    deadline ``job``: when the next poll could not happen before either, it stops and says so (the job stays
    pollable at the vendor); ``job.allows(interval)`` then tells the caller which one ended it."""
    give_up = clock() + deadline_s
    current = first
    while pending(current):
        if clock() + interval > give_up or (job is not None and not job.allows(interval)):
            return current, True
        sleep(interval)
        current = step(current)
    return current, False
