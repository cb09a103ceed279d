"""The one error tree of reelforge.

Every error knows its exit code (never renumbered; see ARCHITECTURE.md) and a one-line hint that
names the fix. The CLI maps errors to exit codes in exactly one place (``cli/main.py``).

    ReelforgeError (1)
    ├── SafetyError (2)               a path outside the workspace, refused content
    ├── NotFoundError (3)             a missing asset or file, capture required, no voice for a locale
    │   └── CaptureRequiredError (3)
    ├── InvalidInputError (4)         bad flags, under-specified requests
    │   ├── SchemaValidationError (4) a JSON document failed its schema; lists every failing field
    │   └── HashMismatchError (4)     a file named by a spec no longer has the recorded sha256
    ├── ProviderError (5)             auth required, provider or binary unavailable
    │   ├── AuthRequiredError (5)
    │   ├── ProviderUnavailableError (5)
    │   │   └── DownloadError (5)    a finished output could not be fetched or is not what it claims
    │   └── ProviderCallError (5|6)  one failed vendor call, classified for the job kernel's retries
    ├── StageTimeoutError (6)
    ├── JobBusyError (1)              another live process is submitting the same job right now
    ├── RenderError (1)               ffmpeg failed; carries argv and the tail of stderr
    ├── DiskFullError (1)             no space left (ENOSPC/EDQUOT); names the folder and its free space
    └── InterruptedRunError (130)     Ctrl-C / SIGTERM
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

EXIT_OK = 0
EXIT_GENERIC = 1
EXIT_SAFETY = 2
EXIT_NOT_FOUND = 3
EXIT_INVALID_INPUT = 4
EXIT_PROVIDER = 5
EXIT_TIMEOUT = 6
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class FieldIssue:
    """One failing field of a document, by dotted path."""

    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class ReelforgeError(Exception):
    """Base of every error reelforge raises on purpose. Exit code 1."""

    exit_code: int = EXIT_GENERIC
    kind: str = "error"
    default_hint: str = "re-run with --format json for details; report a bug if it persists"

    def __init__(self, message: str, *, hint: str | None = None, file: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint or self.default_hint
        self.file = file
        self.run_dir: str | None = None  # set when the error ended a run that kept its manifest

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "message": self.message, "hint": self.hint}
        if self.file:
            data["file"] = self.file
        return data

    def __str__(self) -> str:
        return self.message


class SafetyError(ReelforgeError):
    """Raised when a path would leave the workspace or content is refused."""

    exit_code = EXIT_SAFETY
    kind = "safety"
    default_hint = "keep outputs inside the workspace, or pass --allow-external-out on purpose"


class NotFoundError(ReelforgeError):
    """Raised when a file, asset, model or voice that the run needs does not exist."""

    exit_code = EXIT_NOT_FOUND
    kind = "not-found"
    default_hint = "check the path; run `reelforge video doctor` for missing components"


class CaptureRequiredError(NotFoundError):
    """Raised when demo mode has no footage; the message is the guided protocol."""

    kind = "capture-required"
    default_hint = "record the screen, then pass --capture PATH"


class InvalidInputError(ReelforgeError):
    """Raised for bad flags, bad values and under-specified requests."""

    exit_code = EXIT_INVALID_INPUT
    kind = "invalid-input"
    default_hint = "fix the named flag or field and run again"


class SchemaValidationError(InvalidInputError):
    """Raised when a JSON document fails its schema. Lists every failing field, not only the first."""

    kind = "schema-validation"

    def __init__(self, document: str, issues: list[FieldIssue], *, file: str | None = None,
                 hint: str | None = None) -> None:
        self.document = document
        self.issues = issues
        lines = "; ".join(f"{i.path}: {i.message}" for i in issues)
        super().__init__(
            f"{document} is invalid ({len(issues)} field{'s' if len(issues) != 1 else ''}): {lines}",
            hint=hint or f"fix the listed fields in {file or document} and run again",
            file=file,
        )

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data["document"] = self.document
        data["fields"] = [i.to_json() for i in self.issues]
        return data


class HashMismatchError(InvalidInputError):
    """Raised when a file named by a render-spec or manifest no longer matches its recorded sha256."""

    kind = "hash-mismatch"
    default_hint = "re-run the stage that produced the file (never edit assets by hand), then render again"


class ProviderError(ReelforgeError):
    """Raised when a provider or a required binary is unavailable. Exit code 5."""

    exit_code = EXIT_PROVIDER
    kind = "provider-unavailable"
    default_hint = "run `reelforge video doctor` and follow its remediation lines"


class AuthRequiredError(ProviderError):
    """Raised when a hosted provider needs a key that is missing or was refused (401/403)."""

    kind = "auth-required"


class ProviderUnavailableError(ProviderError):
    """Raised when every provider of a capability's chain failed or none is installed."""


class DownloadError(ProviderUnavailableError):
    """Raised when an output URL cannot be fetched, or the bytes are not the media the vendor claimed."""

    kind = "download-failed"


CallKind = Literal["http", "connect", "timeout", "connection", "malformed"]


class ProviderCallError(ProviderError):
    """Raised by the HTTP layer and the adapters for one failed vendor call, classified for the job kernel.

    ``connect`` means the request never left this machine (safe to retry, nothing charged); ``timeout`` and
    ``connection`` mean it may have reached the vendor (an unknown outcome at submit); ``malformed`` keeps
    the raw body; ``http`` carries the status and Retry-After.
    """

    kind = "provider-call"

    def __init__(self, call_kind: CallKind, message: str, *, status: int | None = None,
                 retry_after: float | None = None, raw_body: str | None = None) -> None:
        super().__init__(message)
        self.call_kind: CallKind = call_kind
        self.status = status
        self.retry_after = retry_after
        self.raw_body = raw_body
        self.job_deadline: str | None = None  # set when the job's total deadline stopped the retries
        if call_kind == "timeout":
            self.exit_code = EXIT_TIMEOUT

    @property
    def sent(self) -> bool:
        """False only when the request provably never reached the vendor."""
        return self.call_kind != "connect"

    @property
    def retryable(self) -> bool:
        """Worth another try for an idempotent call (poll, download); a submit also needs ``not sent``."""
        if self.call_kind in ("timeout", "connection", "connect"):
            return True
        return self.call_kind == "http" and self.status is not None and (self.status == 429 or self.status >= 500)

    @property
    def auth(self) -> bool:
        return self.call_kind == "http" and self.status in (401, 403)


class JobBusyError(ReelforgeError):
    """Raised when another live process is mid-submit on the same job: wait for it, never pay twice."""

    exit_code = EXIT_GENERIC
    kind = "job-busy"
    default_hint = "wait for the other process to finish, then poll; do not pass --new-attempt"


class StageTimeoutError(ReelforgeError):
    """Raised when a stage or the whole run passes its deadline."""

    exit_code = EXIT_TIMEOUT
    kind = "timeout"
    default_hint = "raise --timeout, or re-run: finished stages are reused"


class RenderError(ReelforgeError):
    """Raised when ffmpeg fails; carries the argv and the tail of its stderr."""

    kind = "render-failed"
    default_hint = "see the ffmpeg message above; run `reelforge video doctor`"

    def __init__(self, message: str, *, argv: list[str] | None = None, stderr_tail: str = "",
                 file: str | None = None, hint: str | None = None) -> None:
        detail = f"{message}: {stderr_tail.strip().splitlines()[-1]}" if stderr_tail.strip() else message
        super().__init__(detail, hint=hint, file=file)
        self.argv = argv or []
        self.stderr_tail = stderr_tail

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        if self.stderr_tail:
            data["stderrTail"] = self.stderr_tail[-2000:]
        return data


class DiskFullError(ReelforgeError):
    """Raised when a write (ours or ffmpeg's) runs out of space; names the folder and what is free there."""

    kind = "disk-full"
    default_hint = "free some space on that disk (or choose another --workspace / --out), then run again"

    def __init__(self, folder: str, *, free_bytes: int | None = None, what: str | None = None,
                 hint: str | None = None) -> None:
        free = "unknown" if free_bytes is None else _human_bytes(free_bytes)
        subject = f" while writing {what}" if what else ""
        super().__init__(f"disk full{subject}: no space left in {folder} ({free} free)", hint=hint, file=folder)
        self.folder = folder
        self.free_bytes = free_bytes

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data["folder"] = self.folder
        data["freeBytes"] = self.free_bytes
        return data


def _human_bytes(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover


class InterruptedRunError(ReelforgeError):
    """Raised when the run is interrupted by Ctrl-C or SIGTERM; child processes are stopped first."""

    exit_code = EXIT_INTERRUPTED
    kind = "interrupted"
    default_hint = "re-run the same command; finished stages are reused"
