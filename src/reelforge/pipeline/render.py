"""The render stage and `video render <runDir>`: spec -> mp4, checked by probing, recorded in the manifest.

A re-render never overwrites a different earlier output: when the run already has a video whose
hash differs from the new one, the new one is kept beside it and the difference is reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reelforge.compose.contact_sheet import make_contact_sheet
from reelforge.compose.runner import Progress, RenderResult, render, verify_files
from reelforge.compose.segment_cache import RenderCache
from reelforge.compose.thumbnails import THUMB_WIDTH
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

# spec, run dir, progress -> the published output: compose.runner.render, or a batch engine's (Ray) render
Renderer = Callable[[RenderSpec, Path, Progress], RenderResult]


def _local_render(spec: RenderSpec, run_dir: Path, progress: Progress) -> RenderResult:
    return render(spec, run_dir, progress=progress)


@dataclass(frozen=True)
class RerenderResult:
    video: Path
    sha256: str
    duration_sec: float
    recorded_sha256: str | None
    identical: bool | None


def _check_output(video: Path, spec: RenderSpec) -> None:
    """Refuse an mp4 whose size or streams do not match the plan (the runner already checked frames)."""
    info = probe(video)
    problems = []
    if info.video is None or (info.video.width, info.video.height) != (spec.dimensions.width,
                                                                         spec.dimensions.height):
        problems.append(f"video size is not {spec.dimensions.width}x{spec.dimensions.height}")
    if info.audio is None:
        problems.append("no audio stream")
    if problems:
        raise RenderError(f"rendered {video.name} does not match render-spec.json: {'; '.join(problems)}",
                          file=str(video))


def render_into_run(run_dir: Path, spec: RenderSpec, recorder: RunRecorder, report: Reporter,
                    renderer: Renderer | None = None, cache: RenderCache | None = None) -> Path:
    report.stage_started("render")
    started = time.perf_counter()
    with recorder.stage("render") as stage:
        progress = lambda f: report.progress("render", f)  # noqa: E731
        result = (renderer(spec, run_dir, progress) if renderer is not None
                  else render(spec, run_dir, progress=progress, cache=cache, thumb_width=THUMB_WIDTH))
        _check_output(result.output, spec)
        sheet = make_contact_sheet(result.output, spec, run_dir, thumbnails=result.thumbnails)
        m = recorder.manifest
        m.outputs = Outputs(video=result.output.relative_to(run_dir).as_posix(),
                            durationSec=round(result.duration_sec, 4), sha256=result.sha256, frames=result.frames,
                            contactSheet=sheet.relative_to(run_dir).as_posix())
        if result.integrated_lufs is not None and result.true_peak_db is not None:
            m.audio = AudioMeasure(integratedLufs=result.integrated_lufs, truePeakDb=result.true_peak_db)
        recorder.set_provider("compositor", "ffmpeg")
        recorder.add_asset(sheet)
        stage.append(StageOutcome(provider="ffmpeg", path_taken="real", params={
            "preset": spec.encoder.preset, "crf": spec.encoder.crf, "threads": spec.encoder.threads,
            "segments": result.segments, "frames": result.frames,
            "xRealtime": round(result.duration_sec / max(result.seconds, 1e-6), 2),
            **({"reuse": result.reuse} if result.reuse is not None else {})},
            reused=bool(result.reuse) and not result.reuse["made"]))
    report.stage_finished("render", time.perf_counter() - started, f"{result.frames} frames")
    return result.output


def _reproduce_raw(run_dir: Path, manifest: Manifest) -> RerenderResult:
    """A raw demo run has no render-spec: its output is the ingested footage, copied out again."""
    video = reproduce_raw_demo(run_dir, manifest)
    sha = sha256_file(video)
    recorded = manifest.outputs.sha256
    return RerenderResult(video=video, sha256=sha, duration_sec=manifest.outputs.duration_sec or 0.0,
                          recorded_sha256=recorded, identical=(recorded == sha) if recorded else None)


def rerender(run_dir: Path, reporter: Reporter | None = None, renderer: Renderer | None = None) -> RerenderResult:
    """Render a run again from its render-spec.json and update its manifest.

    An existing output is moved aside first; when the new bytes equal it, the old copy is dropped,
    otherwise both are kept and the difference is reported (nothing earlier is lost).
    """
    report = reporter or SilentReporter()
    manifest = load_document(Manifest, run_dir / "manifest.json", document="manifest.json")
    if manifest.providers.get("compositor") == RAW_COMPOSITOR:
        return _reproduce_raw(run_dir, manifest)
    spec = load_document(RenderSpec, run_dir / "render-spec.json", document="render-spec.json")
    verify_files(spec, run_dir)  # refuse a changed input before touching anything
    recorder = RunRecorder.resume(run_dir, manifest)
    recorded = manifest.outputs.sha256
    final = resolve_in_run(run_dir, spec.output)
    previous = final.with_name(f"{final.stem}.previous{final.suffix}")
    if final.exists():
        final.replace(previous)
    previous_outputs = manifest.outputs.model_copy()
    try:
        render_into_run(run_dir, spec, recorder, report, renderer)
    except (KeyboardInterrupt, ReelforgeError) as exc:
        if previous.exists():
            previous.replace(final)
        recorder.manifest.outputs = previous_outputs
        error = exc if isinstance(exc, ReelforgeError) else InterruptedRunError(
            "render interrupted; ffmpeg was stopped", file=str(run_dir))
        recorder.fail(error)
        if error is exc:
            raise
        raise error from None
    new_sha = sha256_file(final)
    identical = (recorded == new_sha) if recorded else None
    if previous.exists():
        if sha256_file(previous) == new_sha:
            previous.unlink()
        else:
            recorder.warn(f"re-render differs from the earlier output; the earlier one is kept as {previous.name}")
    if identical is False:
        recorder.warn(f"re-render sha256 {new_sha} differs from the recorded {recorded}")
    if manifest.credentials is not None:  # a signed run is signed again
        from reelforge.pipeline.credentials_stage import resign_after_rerender

        resign_after_rerender(run_dir, recorder, report)
    recorder.succeed()
    return RerenderResult(video=final, sha256=new_sha, duration_sec=recorder.manifest.outputs.duration_sec or 0.0,
                          recorded_sha256=recorded, identical=identical)
