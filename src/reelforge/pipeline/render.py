"""The render stage and `video render <runDir>`: spec -> mp4, checked by probing, recorded in the manifest.

A re-render never overwrites a different earlier output: when the run already has a video whose
hash differs from the new one, the new one is kept beside it and the difference is reported.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from reelforge.compose.contact_sheet import make_contact_sheet
from reelforge.compose.runner import render
from reelforge.errors import InterruptedRunError, ReelforgeError, RenderError
from reelforge.media.probe import probe
from reelforge.models.common import load_document
from reelforge.models.manifest import AudioMeasure, Manifest, Outputs
from reelforge.models.render_spec import RenderSpec
from reelforge.pipeline.demo import RAW_COMPOSITOR, reproduce_raw_demo
from reelforge.pipeline.progress import Reporter, SilentReporter
from reelforge.pipeline.recorder import RunRecorder, StageOutcome
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import resolve_in_run

CONTACT_SHEET = "contact-sheet.png"


@dataclass(frozen=True)
class RerenderResult:
    video: Path
    sha256: str
    duration_sec: float
    recorded_sha256: str | None
    identical: bool | None


def _check_output(video: Path, spec: RenderSpec) -> tuple[int, float]:
    """Probe the mp4 and refuse it when it does not match the plan (frames, size, streams)."""
    info = probe(video)
    problems = []
    if info.frames != spec.duration_in_frames:
        problems.append(f"{info.frames} frames, planned {spec.duration_in_frames}")
    if (info.width, info.height) != (spec.dimensions.width, spec.dimensions.height):
        problems.append(f"size {info.width}x{info.height}, planned {spec.dimensions.width}x{spec.dimensions.height}")
    if not info.has_audio:
        problems.append("no audio stream")
    if problems:
        raise RenderError(f"rendered {video.name} does not match render-spec.json: {'; '.join(problems)}",
                          file=str(video))
    return info.frames, info.duration_sec


def render_into_run(run_dir: Path, spec: RenderSpec, recorder: RunRecorder, report: Reporter,
                    out: Path | None = None) -> Path:
    target = out or resolve_in_run(run_dir, spec.output)
    report.stage_started("render")
    started = time.perf_counter()
    with recorder.stage("render") as stage:
        result = render(spec, run_dir, out=target, progress=lambda f: report.progress("render", f))
        frames, duration = _check_output(result.output, spec)
        sheet = make_contact_sheet(result.output, spec, run_dir / CONTACT_SHEET)
        m = recorder.manifest
        m.outputs = Outputs(video=result.output.relative_to(run_dir).as_posix(), durationSec=round(duration, 4),
                            sha256=result.sha256, frames=frames, contactSheet=sheet.relative_to(run_dir).as_posix())
        m.audio = AudioMeasure(integratedLufs=result.integrated_lufs, truePeakDb=result.true_peak_db)
        recorder.set_provider("compositor", "ffmpeg")
        recorder.add_asset(sheet)
        stage.append(StageOutcome(provider="ffmpeg", path_taken="real", params={
            "preset": spec.encoder.preset, "crf": spec.encoder.crf, "threads": spec.encoder.threads,
            "frames": frames, "xRealtime": round(duration / max(time.perf_counter() - started, 1e-6), 2)}))
    report.stage_finished("render", time.perf_counter() - started, f"{frames} frames")
    return result.output


def _reproduce_raw(run_dir: Path, manifest: Manifest) -> RerenderResult:
    """A raw demo run has no render-spec: its output is the ingested footage, copied out again."""
    video = reproduce_raw_demo(run_dir, manifest)
    sha = sha256_file(video)
    recorded = manifest.outputs.sha256
    return RerenderResult(video=video, sha256=sha, duration_sec=manifest.outputs.duration_sec or 0.0,
                          recorded_sha256=recorded, identical=(recorded == sha) if recorded else None)


def rerender(run_dir: Path, reporter: Reporter | None = None) -> RerenderResult:
    """Render a run again from its render-spec.json and update its manifest."""
    report = reporter or SilentReporter()
    manifest = load_document(Manifest, run_dir / "manifest.json", document="manifest.json")
    if manifest.providers.get("compositor") == RAW_COMPOSITOR:
        return _reproduce_raw(run_dir, manifest)
    spec = load_document(RenderSpec, run_dir / "render-spec.json", document="render-spec.json")
    recorder = RunRecorder.resume(run_dir, manifest)
    recorded = manifest.outputs.sha256
    final = resolve_in_run(run_dir, spec.output)
    target = final
    if final.exists():
        target = final.with_name(f"{final.stem}.rerender{final.suffix}")
        target.unlink(missing_ok=True)
    previous_outputs = manifest.outputs
    try:
        render_into_run(run_dir, spec, recorder, report, out=target)
    except KeyboardInterrupt:
        error = InterruptedRunError("render interrupted; ffmpeg was stopped", file=str(run_dir))
        recorder.manifest.outputs = previous_outputs
        recorder.fail(error)
        raise error from None
    except ReelforgeError as error:
        recorder.manifest.outputs = previous_outputs
        recorder.fail(error)
        raise
    new_sha = sha256_file(target)
    identical: bool | None = None
    if target != final:
        if sha256_file(final) == new_sha:
            target.replace(final)  # same bytes: nothing is lost by replacing
            target = final
            identical = True
        else:
            identical = False
            recorder.warn(f"re-render differs from the earlier {final.name}; kept both (new: {target.name})")
    elif recorded:
        identical = recorded == new_sha
    recorder.manifest.outputs.video = target.relative_to(run_dir).as_posix()
    if recorded and identical is False:
        recorder.warn(f"re-render sha256 {new_sha} differs from the recorded {recorded}")
    recorder.succeed()
    return RerenderResult(video=target, sha256=new_sha, duration_sec=recorder.manifest.outputs.duration_sec or 0.0,
                          recorded_sha256=recorded, identical=identical)
