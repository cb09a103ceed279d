"""Run the render: verify the inputs' hashes, render the segments and the audio side by side (the audio
task also measures the encoded audio's loudness), join them, publish atomically, check the frame count."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reelforge.compose.audio_mix import mix_to_target
from reelforge.compose.ffmpeg_args import (
    build_audio_args,
    build_measure_args,
    build_mux_args,
    build_segment_args,
    concat_list,
)
from reelforge.compose.frame_feeds import StillCache, run_segment
from reelforge.compose.loudness import LoudnessMeasure, measure_output
from reelforge.compose.processes import FrameProgress, ProcessGroup, default_jobs, run_all
from reelforge.compose.segment_cache import RenderCache, render_key
from reelforge.compose.stale import sweep_stale_render_files
from reelforge.compose.thumbnails import SegmentThumbnails
from reelforge.compose.timeline import Segment, plan_segments
from reelforge.errors import HashMismatchError, NotFoundError, RenderError
from reelforge.media.bs1770 import METER_VERSION
from reelforge.media.probe import count_video_packets
from reelforge.models.render_spec import RenderSpec
from reelforge.workspace.diskspace import from_os_error
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import resolve_in_run

Progress = Callable[[float], None]


@dataclass(frozen=True)
class RenderResult:
    output: Path
    sha256: str
    frames: int
    duration_sec: float
    integrated_lufs: float | None
    true_peak_db: float | None
    seconds: float
    argv: list[str] = field(repr=False)  # the joining ffmpeg's
    segments: int = 1
    loudness_pass1: dict[str, float] | None = None
    reuse: dict[str, Any] | None = None  # the segment cache's hit/made record, when a cache was given
    # scene index -> its contact-sheet thumbnail (PNG), made per segment when render() is given a thumb_width
    thumbnails: dict[int, bytes] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"output": str(self.output), "sha256": self.sha256, "frames": self.frames,
                "durationSec": self.duration_sec, "integratedLufs": self.integrated_lufs,
                "truePeakDb": self.true_peak_db, "seconds": round(self.seconds, 3)}


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def verify_files(spec: RenderSpec, run_dir: Path) -> None:
    """Refuse to render when a file the spec names is missing or no longer has its recorded sha256."""
    for ref in spec.files():
        path = resolve_in_run(run_dir, ref.src)
        if not path.is_file():
            raise NotFoundError(f"render-spec names {ref.src}, which does not exist in {run_dir}",
                                hint="re-run `reelforge video generate` for this run, or restore the file",
                                file=str(path))
        actual = sha256_file(path)
        if actual != ref.sha256:
            raise HashMismatchError(
                f"{ref.src} has sha256 {actual[:12]}…, but render-spec.json records {ref.sha256[:12]}…",
                file=str(path))


def render_segment(group: ProcessGroup, spec: RenderSpec, segment: Segment, run_dir: Path, out: Path,
                   stills: StillCache, ffmpeg: str, *, what: str, on_frame: FrameProgress | None = None) -> None:
    """One segment's video to ``out``: the one way a segment is made, here and on batch/Ray workers."""
    argv = build_segment_args(spec, segment, run_dir, out, ffmpeg)
    run_segment(group, spec, segment, run_dir, argv, stills, what=what, on_frame=on_frame)


def render(spec: RenderSpec, run_dir: Path, *, progress: Progress | None = None,
           ffmpeg: str | None = None, measure: bool = True, jobs: int | None = None,
           cache: RenderCache | None = None, thumb_width: int | None = None) -> RenderResult:
    """Render ``spec`` to ``run_dir/spec.output``. The final name appears only when the file is complete.

    The segments (timeline.plan_segments) and the audio mix run ``jobs`` at a time (default: the CPUs
    this process may use); the output bytes do not depend on ``jobs``. With a ``cache``, a segment or
    audio mix whose key (compose/segment_cache.py) was made before is copied from it, not encoded. With a
    ``thumb_width``, each segment task also makes the contact-sheet thumbnails of the scenes whose middle
    frame it holds (compose/thumbnails.py), kept in the cache with the segment."""
    started = time.monotonic()
    verify_files(spec, run_dir)
    exe = ffmpeg or ffmpeg_exe()
    out = resolve_in_run(run_dir, spec.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    segments = plan_segments(spec)
    sweep_stale_render_files(run_dir)
    work = Path(tempfile.mkdtemp(prefix=f".render-{os.getpid()}-", dir=run_dir))
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    seg_files = [work / f"segment-{s.index:03d}.mp4" for s in segments]
    audio = work / "audio.mp4"
    done = [0] * len(segments)
    lock = threading.Lock()
    pass1: dict[str, float] | None = None
    loud: LoudnessMeasure | None = None
    thumbs = [SegmentThumbnails.plan(spec, s, work, thumb_width) for s in segments] if thumb_width else []
    thumbnails: dict[int, bytes] = {}

    def report(k: int, frame: int) -> None:
        if progress is None:
            return
        with lock:
            done[k] = min(frame, segments[k].frames)
            # the last 2 % is the join
            progress(0.98 * sum(done) / spec.duration_in_frames)

    def audio_task(group: ProcessGroup) -> None:
        nonlocal pass1, loud
        key = ""
        if cache is not None:
            # the mix's argv (its gain comes from the measurements, so the measuring argv and meter count too)
            argv = [*build_audio_args(spec, run_dir, audio, exe, measured=None), "--measured-by--",
                    *(build_measure_args(spec, run_dir, exe) or []), METER_VERSION]
            key = render_key(argv, spec=spec, run_dir=run_dir, out=audio, kind="audio")[0]
            meta = cache.fetch("audio", key, {"audio.mp4": audio})
            if meta is not None and "output" in meta:
                pass1 = meta.get("loudnessPass1")
                loud = LoudnessMeasure(**meta["output"]) if meta["output"] else None
                return
        pass1 = mix_to_target(spec, run_dir, audio, exe, group)
        loud = measure_output(audio, exe, group) if pass1 is not None else None
        if cache is not None:
            cache.keep("audio", key, {"audio.mp4": audio},
                       {"loudnessPass1": pass1, "output": asdict(loud) if loud else None})

    stills = StillCache(spec, run_dir, work, exe)

    def segment_task(k: int) -> Callable[[ProcessGroup], None]:
        def task(group: ProcessGroup) -> None:
            name, key = f"segment-{k:03d}", ""
            thumb = thumbs[k] if thumbs else None
            files = {"segment.mp4": seg_files[k], **(thumb.files() if thumb else {})}
            if cache is not None:
                window = (segments[k].start / spec.fps, (segments[k].end - 1) / spec.fps)  # first, last frame
                argv = build_segment_args(spec, segments[k], run_dir, seg_files[k], exe)
                key = render_key(argv, spec=spec, run_dir=run_dir, out=seg_files[k], kind="segment",
                                 window=window, segment=segments[k],
                                 thumbnails=thumb.key() if thumb else None)[0]
                if cache.fetch(name, key, files) is not None:
                    report(k, segments[k].frames)
                    if thumb:
                        thumbnails.update(thumb.read())
                        cache.thumbnails_hit.extend(spec.scenes[i].id for i in thumb.frames)
                    return
            render_segment(group, spec, segments[k], run_dir, seg_files[k], stills, exe,
                           what=f"segment {k + 1} of {len(segments)} (frames {segments[k].start}-"
                                f"{segments[k].end - 1})", on_frame=lambda f: report(k, f))
            if thumb:
                thumb.make(seg_files[k])
                thumbnails.update(thumb.read())
            if cache is not None:
                cache.keep(name, key, files)
                if thumb:
                    cache.thumbnails_made.extend(spec.scenes[i].id for i in thumb.frames)
        return task

    mux = build_mux_args(spec, work / "segments.txt", audio, tmp, exe)
    try:
        (work / "segments.txt").write_text(concat_list(seg_files), encoding="utf-8")
        # longest first, so the last process to finish is a short one (the bytes do not depend on order)
        order = sorted(range(len(segments)), key=lambda k: (-segments[k].frames, k))
        run_all([audio_task, *(segment_task(k) for k in order)], jobs or default_jobs())
        run_all([lambda group: group.run(mux, what="joining the segments")], 1)
        os.replace(tmp, out)
    except OSError as exc:  # our own small writes (the concat list): a full disk says so, like ffmpeg's
        full = from_os_error(exc, work)
        if full is None:
            raise
        raise full from None
    finally:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    if progress is not None:
        progress(1.0)
    return finished_render(spec, out, exe, mux, started=started, segments=len(segments), pass1=pass1,
                           measure=measure, loud=loud, reuse=cache.to_json() if cache is not None else None,
                           thumbnails=thumbnails)


def finished_render(spec: RenderSpec, out: Path, exe: str, mux: list[str], *, started: float, segments: int,
                    pass1: dict[str, float] | None, measure: bool = True, loud: LoudnessMeasure | None = None,
                    reuse: dict[str, Any] | None = None, thumbnails: dict[int, bytes] | None = None,
                    ) -> RenderResult:
    """Check the joined file has every frame of the timeline and describe it. ``loud``: its audio's
    loudness when already measured (on the audio.mp4 the join copied in); else measured here."""
    frames = count_video_packets(out)
    if frames != spec.duration_in_frames:
        raise RenderError(f"{out.name} has {frames} frames; the timeline has {spec.duration_in_frames}",
                          argv=mux, file=str(out), hint="report a bug with render-spec.json attached")
    if measure and loud is None:
        loud = measure_output(out, exe)
    return RenderResult(
        output=out, sha256=sha256_file(out), frames=frames,
        duration_sec=spec.duration_in_frames / spec.fps,
        integrated_lufs=loud.integrated_lufs if loud else None,
        true_peak_db=loud.true_peak_db if loud else None,
        seconds=time.monotonic() - started, argv=mux, segments=segments, loudness_pass1=pass1, reuse=reuse,
        thumbnails=dict(sorted((thumbnails or {}).items())))
