"""The end of a line whose stages ran elsewhere (a Ray worker): check what arrived, render with the engine's
renderer, sign and check like generate does, and close the run's manifest."""

from __future__ import annotations

from pathlib import Path

from reelforge.errors import HashMismatchError, ReelforgeError
from reelforge.models.common import load_document
from reelforge.models.manifest import Manifest
from reelforge.models.render_spec import RenderSpec
from reelforge.pipeline.progress import Reporter
from reelforge.pipeline.recorder import RunRecorder
from reelforge.pipeline.render import Renderer, render_into_run
from reelforge.pipeline.videobatch.line import LineOutcome, LineTask
from reelforge.workspace.contain import confine
from reelforge.workspace.paths import Workspace


def check_arrival(spec: RenderSpec, prepared: LineOutcome) -> None:
    """The spec on the shared path names exactly the files (and hashes) the worker reported."""
    have = {ref.src: ref.sha256 for ref in spec.files()}
    if have != prepared.spec_files:
        changed = sorted(k for k in have.keys() | prepared.spec_files.keys()
                         if have.get(k) != prepared.spec_files.get(k))
        raise HashMismatchError(f"render-spec.json differs from what the worker reported: {', '.join(changed)}",
                                file=str(prepared.run_dir))


def finish_prepared(task: LineTask, prepared: LineOutcome, renderer: Renderer, report: Reporter) -> LineOutcome:
    run_dir = prepared.run_dir
    assert run_dir is not None
    workspace = Workspace(task.workspace_root)
    with confine(workspace.root):
        recorder = RunRecorder.resume(run_dir, load_document(Manifest, run_dir / "manifest.json",
                                                             document="manifest.json"))
        try:
            spec = load_document(RenderSpec, run_dir / "render-spec.json", document="render-spec.json")
            check_arrival(spec, prepared)
            video = render_into_run(run_dir, spec, recorder, report, renderer)
            from reelforge.pipeline.credentials_stage import run_credentials_stage

            run_credentials_stage(run_dir, task.settings, workspace.internal, recorder, report)
            if task.settings["check"]:
                from reelforge.pipeline.check_stage import check_platform, run_check_stage

                platform = check_platform(task.settings["platform"], mode=recorder.manifest.mode,
                                          chosen=task.settings.origin("platform") != "default")
                run_check_stage(run_dir, platform, recorder, report)
            recorder.succeed()
        except ReelforgeError as error:
            error.run_dir = str(run_dir)
            recorder.fail(error)
            return LineOutcome(task.number, "interrupted" if error.exit_code == 130 else "failed", run_dir=run_dir,
                               error=error.to_json(), exit_code=error.exit_code, cost_usd=prepared.cost_usd)
    return LineOutcome(task.number, "succeeded", run_dir=run_dir, video=Path(video),
                       sha256=recorder.manifest.outputs.sha256, cost_usd=recorder.manifest.cost.usd)
