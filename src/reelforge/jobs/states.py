"""The one state machine of every paid or async job (image jobs, render jobs, generated stills).

    prepared ──submit──> submitted ──poll──> provider_completed ──download──> materialized
        │                    │                     │
        └─> in_doubt         └─> failed            └─> (materialization_failed: still provider_completed)
        └─> failed (refused before any work: resubmitting is safe)

An attempt record carries a detailed ``state`` (the words the attempt log has always used) and the
``phase`` it belongs to. The phase is what every surface shows and what decides a resubmit:

- ``prepared``: the attempt is written and the submit call is in flight. If the process that made the
  call is gone (kill -9, power loss), the outcome is unknown: the attempt is ``in_doubt``.
- ``in_doubt``: the vendor may have taken (and charged) the job: a timeout or a dropped connection after
  the request was sent, a malformed answer to the submit, or a dead submitter. Never resubmitted without
  ``--new-attempt``.
- ``failed`` with ``resubmittable``: the vendor refused before doing any work (4xx, 429/5xx retries
  exhausted, connection refused before sending): the only state a plain rerun submits again.
"""

from __future__ import annotations

from typing import Literal

Phase = Literal["prepared", "submitted", "provider_completed", "materialized", "failed", "in_doubt"]

SUBMITTING = "submitting"
NOT_SUBMITTED = "not_submitted"
IN_DOUBT = "in_doubt"
PROCESSING = "submitted_processing"
PROVIDER_COMPLETED = "provider_completed"
MATERIALIZATION_FAILED = "materialization_failed"
MATERIALIZED = "materialized"
PROVIDER_FAILED = "provider_failed"

PHASE: dict[str, Phase] = {
    SUBMITTING: "prepared",
    NOT_SUBMITTED: "failed",
    IN_DOUBT: "in_doubt",
    "provider_response_malformed": "in_doubt",  # the word image attempts used before the kernel (read-only)
    PROCESSING: "submitted",
    PROVIDER_COMPLETED: "provider_completed",
    MATERIALIZATION_FAILED: "provider_completed",
    "provider_completed_without_outputs": "failed",
    PROVIDER_FAILED: "failed",
    MATERIALIZED: "materialized",
}

# Which detailed state may follow which; anything else is a bug in a runner, refused loudly.
TRANSITIONS: dict[str, frozenset[str]] = {
    SUBMITTING: frozenset({SUBMITTING, NOT_SUBMITTED, IN_DOUBT, PROCESSING, PROVIDER_COMPLETED, PROVIDER_FAILED,
                           "provider_completed_without_outputs"}),
    PROCESSING: frozenset({PROCESSING, PROVIDER_COMPLETED, PROVIDER_FAILED, "provider_completed_without_outputs"}),
    PROVIDER_COMPLETED: frozenset({PROVIDER_COMPLETED, MATERIALIZED, MATERIALIZATION_FAILED}),
    MATERIALIZATION_FAILED: frozenset({MATERIALIZATION_FAILED, MATERIALIZED}),
}


def phase_of(state: str) -> Phase:
    return PHASE.get(state, "failed")


def resubmittable(state: str) -> bool:
    """Only a refusal before any work may be submitted again without --new-attempt."""
    return state == NOT_SUBMITTED


def check_transition(old: str, new: str) -> None:
    allowed = TRANSITIONS.get(old, frozenset({old}))
    if new not in allowed:
        raise ValueError(f"attempt state {old} cannot become {new}")


def next_action(state: str, *, poll_command: str, new_attempt_flag: str = "--new-attempt") -> str:
    """The one sentence every record and message uses for what to do next."""
    return {
        SUBMITTING: "being submitted right now: wait for it to finish",
        NOT_SUBMITTED: "refused before any work (nothing was charged): fix the cause and run the same command",
        IN_DOUBT: f"in doubt (the vendor may have charged): check the vendor console; pass {new_attempt_flag} to "
                  "pay for a new try",
        "provider_response_malformed": f"in doubt (malformed answer to the submit): review the saved raw body; "
                                       f"pass {new_attempt_flag} to pay for a new try",
        PROCESSING: f"poll existing attempt ({poll_command})",
        PROVIDER_COMPLETED: f"resume materialization ({poll_command})",
        "provider_completed_without_outputs": "review provider response",
        PROVIDER_FAILED: f"review provider failure; pass {new_attempt_flag} to try again",
        MATERIALIZATION_FAILED: f"resume materialization ({poll_command})",
        MATERIALIZED: "done",
    }.get(state, "review")
