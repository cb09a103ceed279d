"""Attempts of one job: append-only, written before any network call, so nothing is ever paid twice.

    <job dir>/attempts/index.json
    <job dir>/attempts/attempt-NNN/{request.json, attempt.json, submit-response.json,
                                    poll-response-NNN.json, manifest.json, *-error.json, .submitting.lock}

Image jobs keep the job dir under ``assets/<id>/runs/image/<run-id>/``, render jobs under
``.reelforge/renders/<job-id>/``; both use this one log and the one state machine of ``jobs.states``.

An attempt is created in state ``submitting`` while its submitter holds a live lock (``jobs.owner``).
Whoever finds a ``submitting`` attempt whose lock is free knows its submitter died mid-call: the attempt
becomes ``in_doubt`` (recorded, so the manifest follows) and blocks a resubmit like any submitted attempt.
One held by a live process raises ``JobBusyError``: wait, never pay again.

Every change goes through ``update``, which calls the job's ``on_change`` (the runner's manifest writer),
so the manifest and the attempt log never disagree about where an attempt stands.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reelforge.assets.lock import locked
from reelforge.assets.store import now_iso, read_json
from reelforge.errors import InvalidInputError, JobBusyError, ProviderCallError
from reelforge.jobs import owner
from reelforge.jobs.states import (
    IN_DOUBT,
    NOT_SUBMITTED,
    SUBMITTING,
    check_transition,
    next_action,
    phase_of,
    resubmittable,
)
from reelforge.workspace.atomic import write_json_atomic

_SUMMARY = ("attemptId", "sequence", "state", "phase", "submitted", "nextAction", "generationHandle",
            "providerStatus", "providerOutputUrls", "attemptPath", "materializationError", "createdAt", "updatedAt")
OnChange = Callable[[dict[str, Any]], None]


class AttemptLog:
    def __init__(self, run_dir: Path, *, asset_id: str, run_id: str, media: str = "image",
                 poll_command: str = "reelforge image poll --request ...", label: str | None = None,
                 on_change: OnChange | None = None) -> None:
        self.run_dir = run_dir
        self.asset_id = asset_id
        self.run_id = run_id
        self.media = media
        self.poll_command = poll_command
        self.label = label or f"run {run_id} of asset {asset_id}"
        self.on_change = on_change

    @property
    def dir(self) -> Path:
        return self.run_dir / "attempts"

    @property
    def index_path(self) -> Path:
        return self.dir / "index.json"

    def attempt_dir(self, attempt_id: str) -> Path:
        return self.dir / attempt_id

    def next_action(self, state: str) -> str:
        return next_action(state, poll_command=self.poll_command)

    def read_index(self) -> dict[str, Any]:
        return read_json(self.index_path, None) or {
            "schemaVersion": 1, "assetId": self.asset_id, "runId": self.run_id, "mediaType": self.media,
            "activeAttemptId": None, "attempts": []}

    def latest(self) -> dict[str, Any] | None:
        """The newest attempt's summary, with two repairs: update() writes attempt.json before index.json, so
        after a kill between the two the attempt record wins; and a ``submitting`` attempt whose submitter
        is dead becomes ``in_doubt``."""
        attempts = self.read_index()["attempts"]
        if not attempts:
            return None
        last: dict[str, Any] = attempts[-1]
        record = read_json(self.attempt_dir(last["attemptId"]) / "attempt.json", None)
        if record is None:
            return last
        if record["state"] == SUBMITTING and not owner.is_live(self.attempt_dir(record["attemptId"])):
            return _summary(self._mark_dead(record["attemptId"]))
        if _summary(record) == last:
            return last
        with locked(self.run_dir / ".run.lock"):
            self._write_index(record)
        return _summary(record)

    def _mark_dead(self, attempt_id: str) -> dict[str, Any]:
        with locked(self.run_dir / ".run.lock"):
            record = self.read_attempt(attempt_id)
            if record["state"] != SUBMITTING or owner.is_live(self.attempt_dir(attempt_id)):
                return record
            self._apply(record, state=IN_DOUBT, error=_gone(record))
        if self.on_change:
            self.on_change(record)
        return record

    def read_attempt(self, attempt_id: str) -> dict[str, Any]:
        data = read_json(self.attempt_dir(attempt_id) / "attempt.json", None)
        if data is None:
            raise InvalidInputError(f"attempt {attempt_id} of {self.label} does not exist",
                                    hint=f"see {self.index_path}", file=str(self.index_path))
        data.setdefault("phase", phase_of(data["state"]))
        return data

    def blocking(self) -> dict[str, Any] | None:
        latest = self.latest()
        return latest if latest and not resubmittable(latest["state"]) else None

    def create(self, request: dict[str, Any], *, operation: str, new_attempt: bool) -> dict[str, Any]:
        """Check idempotency and append a ``submitting`` attempt, under the job's lock; the caller then holds
        the attempt's live lock until the attempt leaves ``submitting``."""
        error: Exception | None = None
        attempt: dict[str, Any] = {}
        with locked(self.run_dir / ".run.lock"):
            blocking = self._blocking_locked()
            if blocking and blocking["state"] == SUBMITTING:
                who = (self.read_attempt(blocking["attemptId"]).get("owner") or {}).get("pid")
                error = JobBusyError(f"{self.label} is being submitted right now by another process (pid {who}): "
                                     f"{blocking['attemptId']} is waiting for the vendor's answer",
                                     hint=f"wait for it to finish, then {self.poll_command}; do not pass "
                                          "--new-attempt (that would pay twice)", file=str(self.index_path))
            elif blocking and not new_attempt:
                error = InvalidInputError(
                    f"{self.label} was already submitted: {blocking['attemptId']} is {blocking['state']} "
                    f"(handle {blocking.get('generationHandle') or 'none'}); next: {blocking['nextAction']}",
                    hint=f"run `{self.poll_command}` to finish it, or pass --new-attempt to pay for another try",
                    file=str(self.index_path))
            else:
                attempt = self._append(request, operation)
        if blocking and blocking.get("_justMarked") and self.on_change:
            self.on_change(self.read_attempt(blocking["attemptId"]))  # the manifest learns it is in doubt
        if error is not None:
            raise error
        return attempt

    def _append(self, request: dict[str, Any], operation: str) -> dict[str, Any]:
        index = self.read_index()
        sequence = max((a["sequence"] for a in index["attempts"]), default=0) + 1
        attempt_id = f"attempt-{sequence:03d}"
        stamp = now_iso()
        adir = self.attempt_dir(attempt_id)
        owner.hold(adir)
        write_json_atomic(adir / "request.json", request)
        attempt = {"attemptId": attempt_id, "sequence": sequence, "assetId": self.asset_id, "runId": self.run_id,
                   "operation": operation, "model": request.get("model"), "mode": request.get("mode"),
                   "state": SUBMITTING, "phase": phase_of(SUBMITTING), "submitted": False,
                   "nextAction": self.next_action(SUBMITTING), "owner": owner.owner_record(),
                   "generationHandle": None, "providerStatus": None, "providerOutputUrls": [],
                   "attemptPath": str(adir), "tries": [], "responseHistory": [], "createdAt": stamp,
                   "updatedAt": stamp}
        write_json_atomic(adir / "attempt.json", attempt)
        index["attempts"].append(_summary(attempt))
        index["activeAttemptId"] = attempt_id
        index["updatedAt"] = stamp
        write_json_atomic(self.index_path, index)
        return attempt

    def _blocking_locked(self) -> dict[str, Any] | None:
        """``blocking()`` for a caller that already holds the run lock (flock is not re-entrant across fds):
        a dead submitter is recorded in doubt right here."""
        attempts = self.read_index()["attempts"]
        if not attempts:
            return None
        record = read_json(self.attempt_dir(attempts[-1]["attemptId"]) / "attempt.json", None)
        if record is None:
            latest = attempts[-1]
        else:
            record.setdefault("phase", phase_of(record["state"]))
            if record["state"] == SUBMITTING and not owner.is_live(self.attempt_dir(record["attemptId"])):
                self._apply(record, state=IN_DOUBT, error=_gone(record))
                latest = {**_summary(record), "_justMarked": True}
            else:
                latest = _summary(record)
        return latest if not resubmittable(latest["state"]) else None

    def update(self, attempt: dict[str, Any], *, sync: bool = True, **fields: Any) -> dict[str, Any]:
        """Apply ``fields``; a state change reaches ``on_change`` unless the caller writes the manifest itself
        right after (``sync=False``), so the manifest always follows the attempt."""
        with locked(self.run_dir / ".run.lock"):
            self._apply(attempt, **fields)
        if attempt["state"] != SUBMITTING:
            owner.release(self.attempt_dir(attempt["attemptId"]))
        if self.on_change and sync and "state" in fields:
            self.on_change(attempt)
        return attempt

    def release(self, attempt: dict[str, Any]) -> None:
        """Give up the live lock without a state change (the process stops waiting; the outcome is unknown)."""
        owner.release(self.attempt_dir(attempt["attemptId"]))

    def _apply(self, attempt: dict[str, Any], **fields: Any) -> None:
        if "state" in fields:
            check_transition(attempt["state"], fields["state"])
        attempt.update(fields)
        state = attempt["state"]
        attempt["phase"] = phase_of(state)
        attempt["nextAction"] = self.next_action(state)
        attempt["submitted"] = state not in (SUBMITTING, NOT_SUBMITTED)
        attempt["updatedAt"] = now_iso()
        write_json_atomic(self.attempt_dir(attempt["attemptId"]) / "attempt.json", attempt)
        self._write_index(attempt)

    def _write_index(self, attempt: dict[str, Any]) -> None:
        index = self.read_index()
        index["attempts"] = [_summary(attempt) if a["attemptId"] == attempt["attemptId"] else a
                             for a in index["attempts"]]
        index["updatedAt"] = attempt.get("updatedAt") or now_iso()
        write_json_atomic(self.index_path, index)

    def retry_recorder(self, attempt: dict[str, Any]) -> Callable[[ProviderCallError, float], None]:
        """An ``on_retry`` for call_with_retries that appends each retried try to the attempt record."""

        def on_retry(exc: ProviderCallError, delay: float) -> None:
            attempt["tries"].append({"kind": exc.call_kind, "status": exc.status, "retryAfter": exc.retry_after,
                                     "waitedSeconds": round(delay, 3)})
            self.update(attempt)

        return on_retry

    def save_response(self, attempt: dict[str, Any], kind: str, body: Any) -> Path:
        adir = self.attempt_dir(attempt["attemptId"])
        if kind == "submit":
            path = adir / "submit-response.json"
        else:
            n = sum(1 for h in attempt["responseHistory"] if h["kind"] == "poll") + 1
            path = adir / f"poll-response-{n:03d}.json"
        write_json_atomic(path, body)
        attempt["responseHistory"].append({"kind": kind, "path": path.name, "recordedAt": now_iso()})
        write_json_atomic(self.run_dir / "response.json", body)  # run-level convenience copy of the latest
        return path


def _gone(record: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "submitter_gone", "message": "the process that was submitting stopped before the vendor "
            f"answered (pid {(record.get('owner') or {}).get('pid')}); the vendor may have charged"}


def _summary(attempt: dict[str, Any]) -> dict[str, Any]:
    data = {k: attempt.get(k) for k in _SUMMARY}
    data["phase"] = phase_of(attempt["state"])
    return data
