"""The check report: one result per check, each pass / warn / fail / skip with the measured value and the fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["pass", "warn", "fail", "skip"]
_RANK: dict[str, int] = {"skip": 0, "pass": 1, "warn": 2, "fail": 3}


@dataclass(frozen=True)
class CheckResult:
    """``id`` names the check (``loudness``, ``captions.safeArea``); ``fix`` says what to change when not passing."""

    id: str
    status: Status
    message: str
    fix: str = ""
    value: Any = None
    limit: Any = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "status": self.status, "message": self.message}
        if self.fix and self.status in ("warn", "fail"):
            data["fix"] = self.fix
        if self.value is not None:
            data["value"] = self.value
        if self.limit is not None:
            data["limit"] = self.limit
        if self.details:
            data["details"] = self.details
        return data


def worst(statuses: list[Status]) -> Status:
    return max(statuses, key=lambda s: _RANK[s], default="pass") if statuses else "pass"


@dataclass
class CheckReport:
    video: str
    platform: str
    results: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def status(self) -> Status:
        overall = worst([r.status for r in self.results])
        return "pass" if overall == "skip" else overall

    @property
    def exit_code(self) -> int:
        """0 on pass or warn, 1 on any fail."""
        return 1 if self.status == "fail" else 0

    @property
    def failed(self) -> list[str]:
        return [r.id for r in self.results if r.status == "fail"]

    def get(self, check_id: str) -> CheckResult:
        for result in self.results:
            if result.id == check_id:
                return result
        raise KeyError(check_id)

    def to_json(self) -> dict[str, Any]:
        counts = {s: sum(1 for r in self.results if r.status == s) for s in ("pass", "warn", "fail", "skip")}
        return {"video": self.video, "platform": self.platform, "status": self.status, "counts": counts,
                "failed": self.failed, "seconds": round(self.seconds, 2),
                "results": [r.to_json() for r in self.results]}

    def lines(self) -> list[str]:
        out = [f"check {self.video} for {self.platform}: {self.status.upper()}"]
        for r in self.results:
            out.append(f"  {r.status:<4}  {r.id:<18} {r.message}")
            if r.fix and r.status in ("warn", "fail"):
                out.append(f"        {'':<18} fix: {r.fix}")
        counts = self.to_json()["counts"]
        out.append(f"{counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail, {counts['skip']} skipped "
                   f"in {self.seconds:.1f} s")
        return out
