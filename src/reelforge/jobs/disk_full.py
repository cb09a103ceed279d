"""A job that runs out of disk still records why: its attempt and manifest say "disk full".

The job holds a small reserve (workspace/reserve.py) beside its attempt log while it runs; on ENOSPC it
frees the reserve and writes the failure into the blocks it gave back, then lets the DiskFullError go on
(exit 1). What the failure means for the attempt depends on how far it got:

- before the submit call: ``not_submitted`` (nothing was sent, nothing charged, the same command may run again);
- after the call, before the answer was stored: ``in_doubt`` (the vendor may have charged; the answer is lost);
- while writing the outputs: ``materialization_failed`` (poll again once there is room);
- any other state stays as it is (a poll is free to repeat), with the error recorded beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from reelforge.errors import DiskFullError
from reelforge.jobs.attempts import AttemptLog
from reelforge.jobs.states import MATERIALIZATION_FAILED, NOT_SUBMITTED, PROVIDER_COMPLETED, SUBMITTING
from reelforge.workspace.diskspace import from_os_error
from reelforge.workspace.reserve import SpaceReserve

WriteManifest = Callable[[dict[str, Any]], object]  # the runner's manifest writer, given the fields to record


class DiskFullGuard:
    def __init__(self, log: AttemptLog, attempt: dict[str, Any], write_manifest: WriteManifest) -> None:
        self.log = log
        self.attempt = attempt
        self.write_manifest = write_manifest
        self.submitting_becomes = NOT_SUBMITTED  # the caller moves this to in_doubt just before the vendor call
        self.reserve = SpaceReserve(log.run_dir, "attempt")

    @contextmanager
    def held(self) -> Iterator[DiskFullGuard]:
        self.reserve.hold()
        try:
            yield self
        except DiskFullError as exc:
            self.record(exc)
            raise
        except OSError as exc:
            full = from_os_error(exc)
            if full is None:
                raise
            self.record(full)
            raise full from None
        finally:
            self.reserve.release()

    def record(self, exc: DiskFullError) -> None:
        self.reserve.release()
        error = {"kind": exc.kind, "message": exc.message, "hint": exc.hint}
        state = self.attempt["state"]
        fields: dict[str, Any] = {"error": error}
        if state == SUBMITTING:
            fields["state"] = self.submitting_becomes
        elif state in (PROVIDER_COMPLETED, MATERIALIZATION_FAILED):
            fields["state"] = MATERIALIZATION_FAILED
            fields["materializationError"] = {"code": "disk_full", "layer": "write", "recoverable": True, **error}
        try:
            self.log.update(self.attempt, sync=False, **fields)
            self.write_manifest({k: v for k, v in fields.items() if k != "state"})
        except (DiskFullError, OSError):
            pass  # not even the reserve was enough: the error itself still reaches the user (exit 1)
