"""What a failed submit means, decided once for every job kind.

- the request provably never left (``connect``), or the vendor refused it (4xx, 429/5xx after the last
  retry): ``not_submitted``, nothing was charged, the same command may run again;
- anything else (a timeout or dropped connection after sending, a malformed answer): ``in_doubt``, the
  vendor may have charged, only ``--new-attempt`` submits again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reelforge.errors import (
    AuthRequiredError,
    InvalidInputError,
    ProviderCallError,
    ProviderError,
    ProviderUnavailableError,
    ReelforgeError,
    StageTimeoutError,
)
from reelforge.jobs.states import IN_DOUBT, NOT_SUBMITTED

NEW_TRY = "check the vendor console; pass --new-attempt to pay for a new try"


@dataclass(frozen=True)
class SubmitFailure:
    state: str  # not_submitted | in_doubt
    error: ReelforgeError


def classify(exc: ProviderCallError, *, vendor: str, key_env: str | None, label: str, tries: int,
             saved: Path, body_excerpt: str) -> SubmitFailure:
    """``label`` names the job (``asset/run`` or ``render job X``); ``saved`` is the redacted answer on disk."""
    if exc.job_deadline:  # only a retry that was safe (nothing taken) is cut short: nothing was charged
        what = f"HTTP {exc.status}" if exc.status else exc.message
        return SubmitFailure(NOT_SUBMITTED, StageTimeoutError(
            f"{vendor}: {label} reached the total job deadline {exc.job_deadline} retrying the submit (last "
            f"answer: {what})",
            hint="nothing was charged: run the same command again later, or raise REELFORGE_JOB_DEADLINE "
                 "(job_deadline in reelforge.toml)", file=str(saved)))
    if exc.call_kind == "malformed":
        return SubmitFailure(IN_DOUBT, ProviderError(
            f"{vendor} returned a malformed answer to the submit of {label}: {exc.message}",
            hint=f"the raw body is saved in {saved}; the vendor may have charged: {NEW_TRY}", file=str(saved)))
    if exc.sent and exc.call_kind in ("timeout", "connection"):
        cls = StageTimeoutError if exc.call_kind == "timeout" else ProviderUnavailableError
        return SubmitFailure(IN_DOUBT, cls(f"{vendor}: {exc.message} while submitting {label}; the outcome is "
                                           "unknown (in doubt)", hint=NEW_TRY, file=str(saved)))
    env = key_env or "the key"
    if exc.auth:
        return SubmitFailure(NOT_SUBMITTED, AuthRequiredError(
            f"{vendor} refused the key in {env} (HTTP {exc.status})",
            hint=f"set a valid {env} (export {env}=...) and run again"))
    if exc.call_kind == "connect" or exc.retryable:
        what = f"HTTP {exc.status}" if exc.status else exc.message
        return SubmitFailure(NOT_SUBMITTED, ProviderUnavailableError(
            f"{vendor}: {what} after {tries} tries ({label})",
            hint="wait and run the same command again (nothing was charged)"))
    return SubmitFailure(NOT_SUBMITTED, InvalidInputError(
        f"{vendor} refused {label} with HTTP {exc.status}: {body_excerpt}",
        hint=f"fix the request; the full answer is in {saved}", file=str(saved)))


def poll_error(exc: ProviderCallError, *, vendor: str, key_env: str | None, label: str,
               poll_command: str) -> ReelforgeError:
    """A failed status check never changes the attempt (polling is free and repeatable): say how to retry."""
    if exc.auth:
        return AuthRequiredError(f"{vendor} refused the key in {key_env} (HTTP {exc.status})",
                                 hint=f"set a valid {key_env} and poll again")
    if exc.job_deadline:
        return StageTimeoutError(f"polling {label} reached the total job deadline {exc.job_deadline}: "
                                 f"{exc.message}", hint=f"poll again later: {poll_command} (nothing new was charged)")
    cls = StageTimeoutError if exc.call_kind == "timeout" else ProviderUnavailableError
    return cls(f"polling {label} failed: {exc.message}",
               hint=f"poll again later: {poll_command} (nothing new was charged)")
