"""The render cut into tasks any worker can run, and the join on the driver.

A worker gets the render-spec (as JSON) and the run dir on a path it shares with the driver; it first checks
every input against the sha256 the spec records (the inputs travel by content hash), renders one segment (or
the audio mix) into its own temp folder and returns the bytes with their sha256. The driver checks each
result's hash on arrival, joins by stream copy and publishes atomically. A segment's worker also makes the
contact-sheet thumbnails of the scenes whose middle frame it holds (compose/thumbnails.py), sent with their
sha256 like the segment. The argv are the local runner's
(compose.ffmpeg_args), so the bytes equal a local render's whatever ran where.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from reelforge.compose.audio_mix import mix_to_target
from reelforge.compose.ffmpeg_args import build_mux_args, concat_list
from reelforge.compose.frame_feeds import StillCache
from reelforge.compose.loudness import LoudnessMeasure, measure_output
from reelforge.compose.processes import ProcessGroup, run_all
from reelforge.compose.runner import (
    Progress,
    RenderResult,
    ffmpeg_exe,
    finished_render,
    render_segment,
    verify_files,
)
from reelforge.compose.thumbnails import THUMB_WIDTH, SegmentThumbnails
from reelforge.compose.timeline import plan_segments
from reelforge.errors import HashMismatchError, ReelforgeError, RenderError
from reelforge.models.render_spec import RenderSpec
from reelforge.workspace.paths import resolve_in_run


@dataclass(frozen=True)
class Part:
    """One task's result: its bytes and the sha256 the worker computed."""

    name: str
    data: bytes
    sha256: str
    seconds: float
    extra: dict[str, Any] | None = None

    def checked(self) -> bytes:
        if self.extra and "error" in self.extra:  # the worker's failure, sent as data (exceptions may not unpickle)
            error = self.extra["error"]
            failure = RenderError(error["message"], hint=error.get("hint"), file=error.get("file"))
            failure.stderr_tail = error.get("stderrTail", "")
            raise failure
        actual = hashlib.sha256(self.data).hexdigest()
        if actual != self.sha256:
            raise HashMismatchError(f"{self.name} arrived with sha256 {actual[:12]}…; the worker sent "
                                    f"{self.sha256[:12]}…", hint="render again; the transfer was corrupted")
        return self.data

    def thumbnails(self) -> dict[int, bytes]:
        """The segment's scene thumbnails (scene index -> PNG), each checked against the worker's sha256."""
        sent: dict[int, tuple[bytes, str]] = (self.extra or {}).get("thumbnails", {})
        for scene, (png, sha) in sent.items():
            if hashlib.sha256(png).hexdigest() != sha:
                raise HashMismatchError(f"{self.name}'s thumbnail of scene {scene + 1} arrived corrupted",
                                        hint="render again; the transfer was corrupted")
        return {scene: png for scene, (png, _) in sent.items()}


def _one(argv: list[str], what: str) -> None:
    run_all([lambda group: group.run(argv, what=what)], 1)


def _as_data(name: str, started: float, exc: ReelforgeError) -> Part:
    return Part(name, b"", "", time.monotonic() - started, {"error": exc.to_json()})


def segment_part(spec_json: dict[str, Any], run_dir: str, index: int) -> Part:
    """Render segment ``index`` of the spec (runs on a worker)."""
    started = time.monotonic()
    try:
        return _segment(spec_json, run_dir, index, started)
    except ReelforgeError as exc:
        return _as_data(f"segment {index + 1}", started, exc)


def audio_part(spec_json: dict[str, Any], run_dir: str) -> Part:
    """The loudness-measured audio mix (runs on a worker)."""
    started = time.monotonic()
    try:
        return _audio(spec_json, run_dir, started)
    except ReelforgeError as exc:
        return _as_data("audio", started, exc)


def _segment(spec_json: dict[str, Any], run_dir: str, index: int, started: float) -> Part:
    spec = RenderSpec.model_validate(spec_json)
    verify_files(spec, Path(run_dir))
    segment = plan_segments(spec)[index]
    exe = ffmpeg_exe()
    with tempfile.TemporaryDirectory(prefix="reelforge-seg-") as tmp:
        out = Path(tmp) / f"segment-{index:03d}.mp4"
        stills = StillCache(spec, Path(run_dir), Path(tmp), exe)
        what = f"segment {index + 1} (frames {segment.start}-{segment.end - 1})"
        run_all([lambda group: render_segment(group, spec, segment, Path(run_dir), out, stills, exe, what=what)], 1)
        data = out.read_bytes()
        thumbs = SegmentThumbnails.plan(spec, segment, Path(tmp), THUMB_WIDTH)
        thumbs.make(out)
        sent = {scene: (png, hashlib.sha256(png).hexdigest()) for scene, png in thumbs.read().items()}
    return Part(f"segment {index + 1}", data, hashlib.sha256(data).hexdigest(), time.monotonic() - started,
                {"thumbnails": sent})


def _audio(spec_json: dict[str, Any], run_dir: str, started: float) -> Part:
    spec = RenderSpec.model_validate(spec_json)
    verify_files(spec, Path(run_dir))
    exe = ffmpeg_exe()
    group = ProcessGroup()
    with tempfile.TemporaryDirectory(prefix="reelforge-audio-") as tmp:
        out = Path(tmp) / "audio.mp4"
        pass1 = mix_to_target(spec, Path(run_dir), out, exe, group)
        loud = measure_output(out, exe, group) if pass1 is not None else None
        data = out.read_bytes()
    return Part("audio", data, hashlib.sha256(data).hexdigest(), time.monotonic() - started,
                {"pass1": pass1, "loud": asdict(loud) if loud else None})


# submit(segment indexes) -> the finished pieces in any order, as (index or -1 for audio, part)
Dispatch = Callable[[RenderSpec, Path, list[int]], Iterable[tuple[int, Part]]]


def render_with(dispatch: Dispatch, spec: RenderSpec, run_dir: Path, progress: Progress | None = None,
                timings: list[tuple[str, float]] | None = None) -> RenderResult:
    """Render ``spec`` with the segments and the audio made by ``dispatch``; join and publish here."""
    started = time.monotonic()
    verify_files(spec, run_dir)
    exe = ffmpeg_exe()
    out = resolve_in_run(run_dir, spec.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    segments = plan_segments(spec)
    work = Path(tempfile.mkdtemp(prefix=f".render-{os.getpid()}-", dir=run_dir))
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    seg_files = [work / f"segment-{s.index:03d}.mp4" for s in segments]
    audio = work / "audio.mp4"
    pass1: dict[str, float] | None = None
    loud: LoudnessMeasure | None = None
    thumbnails: dict[int, bytes] = {}
    done_frames = 0
    order = sorted(range(len(segments)), key=lambda k: (-segments[k].frames, k))  # longest first
    try:
        for index, part in dispatch(spec, run_dir, order):
            target = audio if index < 0 else seg_files[index]
            target.write_bytes(part.checked())
            if index < 0:
                pass1 = (part.extra or {}).get("pass1")
                loud = LoudnessMeasure(**part.extra["loud"]) if part.extra and part.extra.get("loud") else None
            else:
                done_frames += segments[index].frames
                thumbnails.update(part.thumbnails())
            if timings is not None:
                timings.append((part.name, part.seconds))
            if progress is not None:
                progress(0.98 * done_frames / spec.duration_in_frames)
        missing = [p.name for p in [*seg_files, audio] if not p.is_file()]
        if missing:
            raise RenderError(f"the render's workers returned no {', '.join(missing)}")
        (work / "segments.txt").write_text(concat_list(seg_files), encoding="utf-8")
        join_started = time.monotonic()
        mux = build_mux_args(spec, work / "segments.txt", audio, tmp, exe)
        _one(mux, "joining the segments")
        os.replace(tmp, out)
        if timings is not None:
            timings.append(("join", time.monotonic() - join_started))
    finally:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    if progress is not None:
        progress(1.0)
    return finished_render(spec, out, exe, mux, started=started, segments=len(segments), pass1=pass1, loud=loud,
                           thumbnails=thumbnails)
