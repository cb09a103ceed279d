"""run_batch: validate -> price (one guardrail) -> skip what an earlier run made -> run the rest on an engine,
keeping the summary manifest current. Ctrl-C/SIGTERM stop every worker; unfinished lines say interrupted."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reelforge.config import Settings
from reelforge.errors import InterruptedRunError
from reelforge.models.manifest import Manifest
from reelforge.pipeline.recorder import RunRecorder
from reelforge.pipeline.signals import interrupts_as_keyboard
from reelforge.pipeline.videobatch.engines import Engine, engine_for
from reelforge.pipeline.videobatch.jobs import load_jobs
from reelforge.pipeline.videobatch.line import Event, LineOutcome, LineTask
from reelforge.pipeline.videobatch.plan import find_previous, guard, plan_lines
from reelforge.pipeline.videobatch.summary import FINAL, BatchSummary, LineState
from reelforge.workspace.contain import confine
from reelforge.workspace.paths import Workspace, slugify

SUMMARY = "batch-summary.json"
# called with the summary after every change (a progress display)
Watcher = Callable[[BatchSummary], None]


@dataclass(frozen=True)
class BatchRequest:
    jobs: Path
    workspace: Workspace
    settings: Settings  # the batch's own: out (where the summary goes), max_usd, engine, ray_address
    yes: bool = False
    engine: Engine | None = None  # None: engine_for(settings["engine"])
    workers: int | None = None


@dataclass(frozen=True)
class BatchResult:
    summary_path: Path
    lines: list[LineState] = field(default_factory=list)
    estimated_usd: float = 0.0

    @property
    def failed(self) -> list[LineState]:
        return [s for s in self.lines if s.status == "failed"]


def batch_dir(request: BatchRequest) -> Path:
    out = Path(request.settings["out"])
    base = out if out.is_absolute() else request.workspace.root / out
    return base / slugify(request.jobs.stem)


def run_batch(request: BatchRequest, watch: Watcher | None = None) -> BatchResult:
    """Make every line's video. Raises SchemaValidationError (exit 4) before anything runs when a line is
    invalid, the guardrail's error when the batch's total cost needs --yes, InterruptedRunError (130) on
    Ctrl-C. A line that fails is recorded and the others go on."""
    workspace = request.workspace
    lines = load_jobs(request.jobs, workspace_root=workspace.root)
    name = slugify(request.jobs.stem)
    planned = plan_lines(lines, workspace, name)
    total = guard(planned, max_usd=request.settings["max_usd"], yes=request.yes)
    engine = request.engine or engine_for(request.settings["engine"], ray_address=request.settings["ray_address"],
                                          workers=request.workers)
    with confine(workspace.root):
        summary = BatchSummary(batch_dir(request) / SUMMARY, jobs=str(request.jobs), engine=engine.name,
                               estimated_usd=total.usd)
        tasks = []
        for p in planned:
            state = summary.lines[p.number] = LineState(p.number, p.fingerprint)
            previous = find_previous(p)
            if previous is not None:
                state.status, state.run_dir = "skipped", str(previous.run_dir)
                state.video, state.sha256 = str(previous.video), previous.sha256
                continue
            tasks.append(LineTask(p.number, p.brief, p.script_path, p.settings, p.fingerprint, workspace.root,
                                  yes=request.yes))
        return _drive(engine, tasks, summary, watch)


def _drive(engine: Engine, tasks: list[LineTask], summary: BatchSummary, watch: Watcher | None) -> BatchResult:
    lock = threading.Lock()

    def changed() -> None:
        summary.save()
        if watch is not None:
            watch(summary)

    def on_event(event: Event) -> None:
        kind, number, payload = event
        with lock:
            state = summary.lines[number]
            if kind == "run_dir":
                state.run_dir, state.status = payload, "running"
            elif kind == "stage":
                state.stage, state.fraction = payload, 0.0
            elif kind == "progress":
                state.fraction = payload
            changed()

    with lock:
        changed()
    try:
        with interrupts_as_keyboard():
            for outcome in engine.run(tasks, on_event):
                with lock:
                    _apply(summary.lines[outcome.number], outcome)
                    changed()
    except KeyboardInterrupt:
        engine.stop()
        with lock:
            _mark_interrupted(summary)
            changed()
        raise InterruptedRunError(f"batch interrupted; every unfinished line is marked interrupted in "
                                  f"{summary.path}", file=str(summary.path),
                                  hint="run the same batch again: finished lines are skipped") from None
    finally:
        engine.close()
    with lock:
        summary.status = "failed" if any(s.status == "failed" for s in summary.lines.values()) else "succeeded"
        changed()
    return BatchResult(summary.path, sorted(summary.lines.values(), key=lambda s: s.line), summary.estimated_usd)


def _apply(state: LineState, outcome: LineOutcome) -> None:
    state.status = outcome.status
    if outcome.run_dir is not None:
        state.run_dir = str(outcome.run_dir)
    state.video = str(outcome.video) if outcome.video else None
    state.sha256, state.cost_usd, state.error = outcome.sha256, outcome.cost_usd, outcome.error
    state.fraction = 1.0 if outcome.status == "succeeded" else state.fraction


def _mark_interrupted(summary: BatchSummary) -> None:
    summary.status = "interrupted"
    for state in summary.lines.values():
        if state.status in FINAL and state.status != "interrupted":
            continue
        state.status = "interrupted"
        state.error = {"kind": "interrupted", "message": "the batch was interrupted before this line finished"}
        if state.run_dir:
            _mark_run_interrupted(Path(state.run_dir))


def _mark_run_interrupted(run_dir: Path) -> None:
    """A worker stopped before it could write its own manifest's end: say interrupted there too."""
    try:
        manifest = Manifest.model_validate_json((run_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if manifest.status in ("running", "failed"):
        RunRecorder.resume(run_dir, manifest).fail(InterruptedRunError("batch interrupted", file=str(run_dir)))
