"""The one poll loop: call ``step`` every ``interval`` seconds while ``pending`` says so, up to a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll_until(first: T, step: Callable[[T], T], *, pending: Callable[[T], bool], interval: float,
               deadline_s: float, sleep: Callable[[float], None] = time.sleep,
               clock: Callable[[], float] = time.monotonic) -> tuple[T, bool]:
    """Return ``(last result, timed_out)``. The loop never sleeps past the deadline: when the next poll
    could not happen before it, it stops and says so (the job stays pollable at the vendor)."""
    give_up = clock() + deadline_s
    current = first
    while pending(current):
        if clock() + interval > give_up:
            return current, True
        sleep(interval)
        current = step(current)
    return current, False
