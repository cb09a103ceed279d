"""Attempts of one run: append-only, written before any network call, so nothing is ever paid twice.

    runs/<type>/<run-id>/attempts/index.json
    runs/<type>/<run-id>/attempts/attempt-NNN/{request.json, attempt.json, submit-response.json,
                                               poll-response-NNN.json, manifest.json, *-error.json}

An attempt is created in state ``submitting`` before the provider is called. If the process dies during
the call, the attempt stays ``submitting``: we cannot know whether the vendor charged, so it blocks a
resubmit like any submitted attempt (the original runner let it through and could charge twice). Only
``not_submitted`` (the vendor refused before doing work: 4xx, retries exhausted on 429/5xx) is safe to
resubmit without ``--new-attempt``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reelforge.assets.lock import locked
from reelforge.assets.store import now_iso, read_json
from reelforge.errors import InvalidInputError
from reelforge.providers.image.base import ProviderCallError
from reelforge.workspace.atomic import write_json_atomic

NEXT_ACTION = {
    "submitting": "in doubt (the process stopped during submit): check the vendor console; "
                  "pass --new-attempt to pay for a new try",
    "not_submitted": "submit new attempt",
    "submitted_processing": "poll existing attempt",
    "provider_completed": "resume materialization (reelforge image poll)",
    "provider_completed_without_outputs": "review provider response",
    "provider_failed": "review provider failure; pass --new-attempt to try again",
    "provider_response_malformed": "review the saved raw body; pass --new-attempt to try again",
    "materialization_failed": "resume materialization (reelforge image poll)",
    "materialized": "done",
}
_SUMMARY = ("attemptId", "sequence", "state", "submitted", "nextAction", "generationHandle", "providerStatus",
            "providerOutputUrls", "attemptPath", "materializationError", "createdAt", "updatedAt")


class AttemptLog:
    def __init__(self, run_dir: Path, *, asset_id: str, run_id: str, media: str = "image") -> None:
        self.run_dir = run_dir
        self.asset_id = asset_id
        self.run_id = run_id
        self.media = media

    @property
    def dir(self) -> Path:
        return self.run_dir / "attempts"

    @property
    def index_path(self) -> Path:
        return self.dir / "index.json"

    def attempt_dir(self, attempt_id: str) -> Path:
        return self.dir / attempt_id

    def read_index(self) -> dict[str, Any]:
        return read_json(self.index_path, None) or {
            "schemaVersion": 1, "assetId": self.asset_id, "runId": self.run_id, "mediaType": self.media,
            "activeAttemptId": None, "attempts": []}

    def latest(self) -> dict[str, Any] | None:
        """The newest attempt's summary. update() writes attempt.json before index.json, so after a kill
        between the two the attempt record is ahead: it wins, and the index is repaired."""
        attempts = self.read_index()["attempts"]
        if not attempts:
            return None
        last: dict[str, Any] = attempts[-1]
        record = read_json(self.attempt_dir(last["attemptId"]) / "attempt.json", None)
        if record is None or _summary(record) == last:
            return last
        with locked(self.run_dir / ".run.lock"):
            index = self.read_index()
            index["attempts"] = [_summary(record) if a["attemptId"] == record["attemptId"] else a
                                 for a in index["attempts"]]
            write_json_atomic(self.index_path, index)
        return _summary(record)

    def read_attempt(self, attempt_id: str) -> dict[str, Any]:
        data = read_json(self.attempt_dir(attempt_id) / "attempt.json", None)
        if data is None:
            raise InvalidInputError(f"attempt {attempt_id} of run {self.run_id} does not exist",
                                    hint=f"see {self.index_path}", file=str(self.index_path))
        return data

    def blocking(self) -> dict[str, Any] | None:
        latest = self.latest()
        return latest if latest and latest["state"] != "not_submitted" else None

    def create(self, request: dict[str, Any], *, operation: str, new_attempt: bool) -> dict[str, Any]:
        """Check idempotency and append a ``submitting`` attempt, under the run's lock."""
        with locked(self.run_dir / ".run.lock"):
            blocking = self.blocking()
            if blocking and not new_attempt:
                raise InvalidInputError(
                    f"run {self.run_id} of asset {self.asset_id} was already submitted: {blocking['attemptId']} is "
                    f"{blocking['state']} (handle {blocking.get('generationHandle') or 'none'}); next: "
                    f"{blocking['nextAction']}",
                    hint="run `reelforge image poll --request ...` to finish it, or pass --new-attempt to pay "
                         "for another try", file=str(self.index_path))
            index = self.read_index()
            sequence = max((a["sequence"] for a in index["attempts"]), default=0) + 1
            attempt_id = f"attempt-{sequence:03d}"
            stamp = now_iso()
            adir = self.attempt_dir(attempt_id)
            write_json_atomic(adir / "request.json", request)
            attempt = {"attemptId": attempt_id, "sequence": sequence, "assetId": self.asset_id, "runId": self.run_id,
                       "operation": operation, "model": request.get("model"), "mode": request.get("mode"),
                       "state": "submitting", "submitted": False, "nextAction": NEXT_ACTION["submitting"],
                       "generationHandle": None, "providerStatus": None, "providerOutputUrls": [],
                       "attemptPath": str(adir), "tries": [], "responseHistory": [], "createdAt": stamp,
                       "updatedAt": stamp}
            write_json_atomic(adir / "attempt.json", attempt)
            index["attempts"].append(_summary(attempt))
            index["activeAttemptId"] = attempt_id
            index["updatedAt"] = stamp
            write_json_atomic(self.index_path, index)
            return attempt

    def update(self, attempt: dict[str, Any], **fields: Any) -> dict[str, Any]:
        attempt.update(fields)
        if "state" in fields:
            attempt["nextAction"] = NEXT_ACTION.get(fields["state"], "review")
            attempt["submitted"] = fields["state"] not in ("submitting", "not_submitted")
        attempt["updatedAt"] = now_iso()
        with locked(self.run_dir / ".run.lock"):
            write_json_atomic(self.attempt_dir(attempt["attemptId"]) / "attempt.json", attempt)
            index = self.read_index()
            index["attempts"] = [_summary(attempt) if a["attemptId"] == attempt["attemptId"] else a
                                 for a in index["attempts"]]
            index["updatedAt"] = attempt["updatedAt"]
            write_json_atomic(self.index_path, index)
        return attempt

    def retry_recorder(self, attempt: dict[str, Any]) -> Callable[[ProviderCallError, float], None]:
        """An ``on_retry`` for call_with_retries that appends each retried try to the attempt record."""

        def on_retry(exc: ProviderCallError, delay: float) -> None:
            attempt["tries"].append({"kind": exc.kind, "status": exc.status, "retryAfter": exc.retry_after,
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


def _summary(attempt: dict[str, Any]) -> dict[str, Any]:
    return {k: attempt.get(k) for k in _SUMMARY}
