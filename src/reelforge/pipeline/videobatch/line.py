"""Make one line's video (in whatever process or Ray worker the engine chose) and report what happened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.config import Settings
from reelforge.errors import ReelforgeError
from reelforge.pipeline.videobatch.plan import LINE_RECORD
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.paths import Workspace

# (kind, line number, payload): ("run_dir", n, path) | ("stage", n, name) | ("progress", n, fraction)
Event = tuple[str, int, Any]
EventSink = Callable[[Event], None]


@dataclass(frozen=True)
class LineTask:
    """Everything a worker needs for one line; picklable (it crosses process and Ray boundaries)."""

    number: int
    brief: str
    script_path: Path | None
    settings: Settings
    fingerprint: str
    workspace_root: Path
    yes: bool
    render: bool = True  # False: stop after render-spec.json (the Ray engine renders segments itself)


@dataclass
class LineOutcome:
    number: int
    status: str  # succeeded | failed | interrupted | prepared
    run_dir: Path | None = None
    video: Path | None = None
    sha256: str | None = None
    cost_usd: float = 0.0
    error: dict[str, Any] | None = None
    exit_code: int = 0
    spec_files: dict[str, str] = field(default_factory=dict)  # src -> sha256 the worker saw (prepared lines)


class SinkReporter:
    """A generate Reporter that forwards stage names and render progress as events."""

    def __init__(self, number: int, sink: EventSink) -> None:
        self.number, self.sink = number, sink

    def stage_started(self, name: str) -> None:
        self.sink(("stage", self.number, name))

    def stage_finished(self, name: str, seconds: float, detail: str) -> None:
        pass

    def progress(self, name: str, fraction: float) -> None:
        self.sink(("progress", self.number, round(fraction, 2)))

    def warning(self, message: str) -> None:
        pass


def make_video(task: LineTask, sink: EventSink) -> LineOutcome:
    """generate() for one line. Its run dir gets batch-line.json (the fingerprint) the moment it exists, so a
    later run of the batch can find it even if this driver is killed before it hears back."""
    from reelforge.pipeline.generate import GenerateRequest, generate

    def on_run_dir(run_dir: Path) -> None:
        write_json_atomic(run_dir / LINE_RECORD, {"line": task.number, "fingerprint": task.fingerprint})
        sink(("run_dir", task.number, str(run_dir)))

    request = GenerateRequest(brief=task.brief, settings=task.settings, workspace=Workspace(task.workspace_root),
                              script_path=task.script_path, yes=task.yes, on_run_dir=on_run_dir,
                              render=task.render)
    try:
        result = generate(request, SinkReporter(task.number, sink))
    except ReelforgeError as error:
        return LineOutcome(task.number, "interrupted" if error.exit_code == 130 else "failed",
                           run_dir=Path(error.run_dir) if error.run_dir else None, error=error.to_json(),
                           exit_code=error.exit_code)
    manifest = result.manifest
    if not task.render:
        from reelforge.models.common import load_document
        from reelforge.models.render_spec import RenderSpec

        spec = load_document(RenderSpec, result.run_dir / "render-spec.json", document="render-spec.json")
        return LineOutcome(task.number, "prepared", run_dir=result.run_dir, cost_usd=manifest.cost.usd,
                           spec_files={ref.src: ref.sha256 for ref in spec.files()})
    return LineOutcome(task.number, "succeeded", run_dir=result.run_dir, video=result.video,
                       sha256=manifest.outputs.sha256, cost_usd=manifest.cost.usd)
