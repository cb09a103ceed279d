"""`video generate --mode demo`: the capture stage and the raw output.

Runs right after the script stage. Produces capture.mp4 (hashed asset) and, unless ``--polish``,
copies it through as ``demo-<aspect>-<slug>.mp4`` (the footage's own frame, e.g. ``demo-16x9-…``;
compositor ``raw-capture``). With ``--polish`` it stops
after the capture: the pipeline then runs narration and captions, builds the spec with
``capture_visuals`` + ``build_polish_spec`` (reelforge.capture.polish) and renders it.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

from reelforge.capture.guide import capture_required
from reelforge.capture.ingest import ingest_file
from reelforge.capture.mask import mask_url
from reelforge.capture.options import MAX_CAPTURE_SEC, WebCaptureOptions, parse_stop, viewport_for
from reelforge.capture.polish import ZoomPoint, build_polish_spec, parse_zoom
from reelforge.capture.result import CAPTURE_FILE, CaptureAsset
from reelforge.capture.web import capture_web
from reelforge.errors import CaptureRequiredError, HashMismatchError, InvalidInputError
from reelforge.models.manifest import Manifest, Outputs
from reelforge.models.script import Script
from reelforge.pipeline.progress import Reporter, SilentReporter
from reelforge.pipeline.recorder import RunRecorder, StageOutcome
from reelforge.pipeline.spec_builder import VisualAsset
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace, aspect_of, resolve_in_run, slugify, video_file_name

RAW_COMPOSITOR = "raw-capture"
__all__ = ["DemoRequest", "DemoResult", "build_polish_spec", "capture_visuals", "reproduce_raw_demo", "run_demo"]


@dataclass(frozen=True)
class DemoRequest:
    """The demo flags, as given on the command line (parsed and checked by ``run_demo``)."""

    source: Literal["file", "web"] = "file"
    capture: Path | None = None
    url: str | None = None
    capture_stop: str | None = None
    device: str | None = None
    ready_selector: str | None = None
    allow_external_input: bool = False
    polish: bool = False
    zoom: tuple[str, ...] = ()
    brief: str = ""
    show_cursor: bool = False
    capture_timeout: float | None = None

    def __repr__(self) -> str:  # the raw URL must never reach a log or a traceback
        return f"DemoRequest(source={self.source!r}, polish={self.polish})"


@dataclass(frozen=True)
class DemoResult:
    capture: CaptureAsset
    video: Path | None  # demo-<slug>.mp4 when raw; None when --polish (the pipeline renders)
    zooms: tuple[ZoomPoint, ...] = ()


def check_request(request: DemoRequest) -> tuple[ZoomPoint, ...]:
    """Refuse flag combinations that cannot work, before anything is recorded (exit 4)."""
    if request.source == "web" and not (request.url or "").strip():
        raise InvalidInputError("--source web needs --url", hint="pass --url https://… (or use --source file)")
    if request.source == "file":
        for flag, value in (("--url", request.url), ("--capture-stop", request.capture_stop),
                            ("--ready-selector", request.ready_selector), ("--device", request.device),
                            ("--show-cursor", request.show_cursor), ("--capture-timeout", request.capture_timeout)):
            if value:
                raise InvalidInputError(f"{flag} only applies to --source web", hint=f"add --source web or drop {flag}")
    elif request.capture is not None:
        raise InvalidInputError("--capture only applies to --source file", hint="drop --capture or use --source file")
    parse_stop(request.capture_stop)
    if request.capture_timeout is not None and not 0 < request.capture_timeout <= MAX_CAPTURE_SEC:
        raise InvalidInputError(f"--capture-timeout {request.capture_timeout:g} must be in (0, {MAX_CAPTURE_SEC:g}] "
                                "seconds", hint="pass --capture-timeout 60")
    zooms = tuple(parse_zoom(z) for z in request.zoom)
    if zooms and not request.polish:
        raise InvalidInputError("--zoom needs --polish (the raw output is the footage as recorded)",
                                hint="add --polish or drop --zoom")
    return zooms


def run_demo(request: DemoRequest, script: Script, run_dir: Path, workspace: Workspace, recorder: RunRecorder,
             report: Reporter | None = None, *, dry_run: bool = False, stdin: TextIO | None = None,
             prompt: TextIO | None = None) -> DemoResult:
    """Capture (or ingest) the footage, record it in the manifest, and copy it out unless polishing."""
    report = report or SilentReporter()
    zooms = check_request(request)
    capture = _capture_stage(request, script, run_dir, workspace, recorder, report, stdin=stdin, prompt=prompt)
    if request.polish:
        return DemoResult(capture=capture, video=None, zooms=zooms)
    if dry_run:
        recorder.warn("dry run: the footage was captured; demo output was not written")
        return DemoResult(capture=capture, video=None)
    return DemoResult(capture=capture, video=_raw_output(capture, script, run_dir, recorder, report))


def capture_visuals(script: Script, capture: CaptureAsset) -> list[VisualAsset]:
    """--polish: every scene's visual is the capture (pass these to SpecInputs instead of running visuals)."""
    return [VisualAsset(scene_id=s.id, src=CAPTURE_FILE, sha256=capture.sha256, type="video", provider="capture")
            for s in script.scenes]


def web_options(request: DemoRequest, aspect: str) -> WebCaptureOptions:
    """The browser capture's options from the demo flags (--capture-timeout is the hard ceiling)."""
    return WebCaptureOptions(url=request.url or "", stop=parse_stop(request.capture_stop),
                             viewport=viewport_for(request.device, aspect), ready_selector=request.ready_selector,
                             max_seconds=request.capture_timeout or MAX_CAPTURE_SEC, show_cursor=request.show_cursor)


def _capture_stage(request: DemoRequest, script: Script, run_dir: Path, workspace: Workspace,
                   recorder: RunRecorder, report: Reporter, *, stdin: TextIO | None,
                   prompt: TextIO | None) -> CaptureAsset:
    provider = "playwright-web" if request.source == "web" else "file"
    report.stage_started("capture")
    started = time.perf_counter()
    with recorder.stage("capture") as out:
        try:
            if request.source == "web":
                options = web_options(request, script.aspect)
                recorder.manifest.capture_url_masked = mask_url(options.url)
                capture = capture_web(options, run_dir, brief=request.brief, stdin=stdin, prompt=prompt)
            else:
                capture = ingest_file(request.capture, run_dir, workspace.root,
                                      allow_external_input=request.allow_external_input, brief=request.brief)
        except CaptureRequiredError as error:
            recorder.set_provider("capture", "guided")
            out.append(StageOutcome(provider="guided", path_taken="fallback",
                                    params={"source": request.source}, warnings=[error.message.splitlines()[0]]))
            raise
        recorder.set_provider("capture", provider)
        recorder.add_asset(capture.path)
        if capture.nondeterministic:
            recorder.manifest.nondeterministic = True
        out.append(StageOutcome(provider=provider, path_taken="real", params=capture.params,
                                warnings=list(capture.warnings)))
    for warning in capture.warnings:
        report.warning(warning)
    report.stage_finished("capture", time.perf_counter() - started,
                          f"{provider} {capture.width}x{capture.height} {capture.duration_sec:.1f}s")
    return capture


def _raw_output(capture: CaptureAsset, script: Script, run_dir: Path, recorder: RunRecorder,
                report: Reporter) -> Path:
    report.stage_started("render")
    started = time.perf_counter()
    with recorder.stage("render") as out:
        target = run_dir / video_file_name("demo", aspect_of(capture.width, capture.height), slugify(script.title))
        _copy_atomic(capture.path, target)
        sha = sha256_file(target)
        recorder.manifest.outputs = Outputs(video=target.name, durationSec=round(capture.duration_sec, 4),
                                            sha256=sha, frames=capture.frames)
        recorder.set_provider("compositor", RAW_COMPOSITOR)
        out.append(StageOutcome(provider=RAW_COMPOSITOR, path_taken="real", params={"source": CAPTURE_FILE}))
    report.stage_finished("render", time.perf_counter() - started, f"raw footage {target.name}")
    return target


def _copy_atomic(source: Path, target: Path) -> None:
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(source, partial)
    partial.replace(target)


def reproduce_raw_demo(run_dir: Path, manifest: Manifest) -> Path:
    """`video render <runDir>` for a raw demo run: copy capture.mp4 out again (no compositor), checking hashes."""
    if manifest.providers.get("compositor") != RAW_COMPOSITOR or not manifest.outputs.video:
        raise InvalidInputError(f"{run_dir} is not a raw demo run", hint="render it with its render-spec.json")
    capture = resolve_in_run(run_dir, CAPTURE_FILE)
    recorded = next((a.sha256 for a in manifest.assets if a.path == CAPTURE_FILE), None)
    if not capture.is_file():
        raise capture_required(f"{capture} is missing from the run", source="file")
    if recorded is None or sha256_file(capture) != recorded:
        raise HashMismatchError(f"{CAPTURE_FILE} no longer has the recorded sha256", file=str(capture))
    target = resolve_in_run(run_dir, manifest.outputs.video)
    _copy_atomic(capture, target)
    return target
