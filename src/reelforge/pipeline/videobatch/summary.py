"""The batch's summary manifest: one row per line (run dir, status, sha256, cost, error), rewritten
atomically after every change so a killed driver leaves the last true state behind."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.workspace.atomic import write_json_atomic

FINAL = ("succeeded", "skipped", "failed", "interrupted")


@dataclass
class LineState:
    line: int
    fingerprint: str
    status: str = "pending"  # pending | running | succeeded | skipped | failed | interrupted
    run_dir: str | None = None
    video: str | None = None
    sha256: str | None = None
    cost_usd: float = 0.0
    error: dict[str, Any] | None = None
    stage: str | None = None
    fraction: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "fingerprint": self.fingerprint, "status": self.status, "runDir": self.run_dir,
                "video": self.video, "sha256": self.sha256, "costUsd": self.cost_usd, "error": self.error}


@dataclass
class BatchSummary:
    path: Path
    jobs: str
    engine: str
    lines: dict[int, LineState] = field(default_factory=dict)
    status: str = "running"
    estimated_usd: float = 0.0
    started: float = field(default_factory=time.time)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for state in self.lines.values():
            out[state.status] = out.get(state.status, 0) + 1
        return out

    def save(self) -> None:
        write_json_atomic(self.path, {
            "kind": "video-batch", "jobs": self.jobs, "engine": self.engine, "status": self.status,
            "estimatedUsd": self.estimated_usd, "costUsd": round(sum(s.cost_usd for s in self.lines.values()), 4),
            "counts": self.counts(), "seconds": round(time.time() - self.started, 2),
            "lines": [s.to_json() for s in sorted(self.lines.values(), key=lambda s: s.line)],
        })
