"""Background video runs started by MCP tools: one thread per run, progress kept for get_run / wait_run."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reelforge.errors import ReelforgeError
from reelforge.pipeline.generate import GenerateRequest, GenerateResult, generate

# Rough share of a run's wall time per stage; render reports its own fraction.
STAGE_WEIGHTS = {"script": 0.05, "narration": 0.25, "visuals": 0.15, "captions": 0.05, "render": 0.5}


@dataclass
class RunJob:
    job_id: str
    run_dir: Path | None = None
    status: str = "starting"  # starting | running | succeeded | failed
    stage: str | None = None
    finished_stages: list[str] = field(default_factory=list)
    stage_fraction: float = 0.0
    warnings: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    video: Path | None = None
    located: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    _high_water: float = 0.0

    @property
    def progress(self) -> float:
        """0..1, never moving backwards (a client draws it as a bar); 1.0 only once the run succeeded."""
        if self.status == "succeeded":
            return 1.0
        finished = sum(STAGE_WEIGHTS.get(s, 0.0) for s in set(self.finished_stages))
        running = self.stage is not None and self.stage not in self.finished_stages
        current = STAGE_WEIGHTS.get(self.stage or "", 0.0) * self.stage_fraction if running else 0.0
        self._high_water = max(self._high_water, round(min(0.99, finished + current), 3))
        return self._high_water

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "progress": self.progress, "stage": self.stage,
                "finishedStages": list(self.finished_stages), "warnings": list(self.warnings),
                "error": self.error}


class JobReporter:
    """A pipeline Reporter that writes into a RunJob (read from the server's event loop)."""

    def __init__(self, job: RunJob) -> None:
        self.job = job

    def stage_started(self, name: str) -> None:
        self.job.stage, self.job.stage_fraction = name, 0.0

    def stage_finished(self, name: str, seconds: float, detail: str) -> None:
        self.job.finished_stages.append(name)
        self.job.stage_fraction = 1.0

    def progress(self, name: str, fraction: float) -> None:
        self.job.stage, self.job.stage_fraction = name, min(1.0, max(0.0, fraction))

    def warning(self, message: str) -> None:
        self.job.warnings.append(message)


class JobBoard:
    """Runs started in this server process, by run id."""

    def __init__(self) -> None:
        self._jobs: dict[str, RunJob] = {}
        self._lock = threading.Lock()

    def get(self, run_id: str) -> RunJob | None:
        with self._lock:
            return self._jobs.get(run_id)

    def start(self, request: GenerateRequest) -> RunJob:
        """Start generate() in a thread; return once the run dir exists (or the run already failed)."""
        job = RunJob(job_id=uuid.uuid4().hex)

        def located(run_dir: Path) -> None:
            job.run_dir, job.status = run_dir, "running"
            with self._lock:
                self._jobs[run_dir.name] = job
            job.located.set()

        def work() -> None:
            try:
                result: GenerateResult = generate(
                    replace(request, on_run_dir=located), JobReporter(job))
                job.video = result.video
                job.status = "succeeded"
            except ReelforgeError as exc:
                job.status = "failed"
                job.error = error_json(exc)
            except Exception as exc:  # a bug: still report it rather than leave the run "running"
                job.status = "failed"
                job.error = {"kind": "error", "message": f"{type(exc).__name__}: {exc}", "exitCode": 1}
            finally:
                job.located.set()
                job.done.set()

        threading.Thread(target=work, name=f"reelforge-run-{job.job_id[:8]}", daemon=True).start()
        job.located.wait()
        return job


def error_json(exc: ReelforgeError) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": exc.kind, "message": exc.message, "hint": exc.hint, "exitCode": exc.exit_code}
    if exc.file:
        body["file"] = exc.file
    issues = getattr(exc, "issues", None)
    if issues:
        body["fields"] = [i.to_json() for i in issues]
    return body
