"""Run the render: verify the inputs' hashes, measure loudness, run ONE ffmpeg with progress, publish atomically."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any

from reelforge.compose.ffmpeg_args import build_ffmpeg_args
from reelforge.compose.loudness import measure_loudness, measure_output
from reelforge.errors import HashMismatchError, InterruptedRunError, NotFoundError, RenderError
from reelforge.media.probe import count_video_packets
from reelforge.models.render_spec import RenderSpec
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import resolve_in_run

Progress = Callable[[float], None]
GRACE_SEC = 5.0


@dataclass(frozen=True)
class RenderResult:
    output: Path
    sha256: str
    frames: int
    duration_sec: float
    integrated_lufs: float | None
    true_peak_db: float | None
    seconds: float
    argv: list[str] = field(repr=False)
    loudnorm_pass1: dict[str, Any] | None = None

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


class _Terminated(Exception):
    pass


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into an exception while the child runs (only possible from the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(GRACE_SEC)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _drain(stream: IO[str], tail: collections.deque[str]) -> None:
    for line in stream:
        tail.append(line)


def run_ffmpeg(argv: list[str], total_frames: int, progress: Progress | None) -> None:
    """Run ffmpeg with ``-progress pipe:1``; raise RenderError with the stderr tail on failure."""
    full = [*argv[:1], "-progress", "pipe:1", "-nostats", *argv[1:]]
    tail: collections.deque[str] = collections.deque(maxlen=60)
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            text=True, bufsize=1)
    assert proc.stdout is not None and proc.stderr is not None
    drainer = threading.Thread(target=_drain, args=(proc.stderr, tail), daemon=True)
    drainer.start()
    try:
        with _sigterm_raises():
            for line in proc.stdout:
                if line.startswith("frame=") and progress is not None:
                    frame = int(line.split("=", 1)[1].strip() or 0)
                    progress(min(frame / max(total_frames, 1), 1.0))
            code = proc.wait()
    except (KeyboardInterrupt, _Terminated):
        _stop(proc)
        raise InterruptedRunError("render interrupted; ffmpeg was stopped and the partial output removed") from None
    finally:
        _stop(proc)
        drainer.join(timeout=GRACE_SEC)
    if code != 0:
        raise RenderError(f"ffmpeg failed with exit code {code}", argv=full, stderr_tail="".join(tail))


def render(spec: RenderSpec, run_dir: Path, *, progress: Progress | None = None,
           ffmpeg: str | None = None, measure: bool = True) -> RenderResult:
    """Render ``spec`` to ``run_dir/spec.output``. The final name appears only when the file is complete."""
    started = time.monotonic()
    verify_files(spec, run_dir)
    exe = ffmpeg or ffmpeg_exe()
    out = resolve_in_run(run_dir, spec.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    pass1 = measure_loudness(spec, run_dir, exe)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    argv = build_ffmpeg_args(spec, run_dir, tmp, exe, loudnorm=pass1)
    try:
        run_ffmpeg(argv, spec.duration_in_frames, progress)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    if progress is not None:
        progress(1.0)
    frames = count_video_packets(out)
    if frames != spec.duration_in_frames:
        raise RenderError(f"{out.name} has {frames} frames; the timeline has {spec.duration_in_frames}",
                          argv=argv, file=str(out), hint="report a bug with render-spec.json attached")
    loud = measure_output(out, exe) if measure else None
    return RenderResult(
        output=out, sha256=sha256_file(out), frames=frames,
        duration_sec=spec.duration_in_frames / spec.fps,
        integrated_lufs=loud.integrated_lufs if loud else None,
        true_peak_db=loud.true_peak_db if loud else None,
        seconds=time.monotonic() - started, argv=argv, loudnorm_pass1=pass1)
