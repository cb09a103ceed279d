"""Run ffmpeg children side by side: frame progress from ``-progress pipe:1``, the stderr tail kept for
errors, and one stop() that ends every child (Ctrl-C, SIGTERM, or a sibling's failure).

On Linux every child also asks the kernel for SIGKILL when its parent dies (PR_SET_PDEATHSIG), so a
``kill -9`` of reelforge takes its ffmpeg processes with it instead of leaving them encoding for seconds.
And its memory stays in 4 KiB pages (PR_SET_THP_DISABLE): x264 asks for transparent huge pages, and on
a VM each fresh 2 MiB page can cost a host fault per page touched; bench/RESULTS.md, "Huge pages".
"""

from __future__ import annotations

import collections
import contextvars
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import IO

from reelforge.config import render_jobs
from reelforge.errors import InterruptedRunError, RenderError
from reelforge.workspace.diskspace import FFMPEG_ENOSPC_EXIT, disk_full

GRACE_SEC = 5.0
FrameProgress = Callable[[int], None]


def default_jobs() -> int:
    """Children to run at once: REELFORGE_RENDER_JOBS, else the CPUs this process may use."""
    jobs = render_jobs()
    if jobs is not None:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_PR_SET_PDEATHSIG = 1
_PR_SET_THP_DISABLE = 41
PIPE_BYTES = 1 << 20  # Linux's default ceiling for an unprivileged pipe (/proc/sys/fs/pipe-max-size)


def wide_pipe() -> tuple[int, int]:
    """os.pipe() with a 1 MiB buffer where the OS allows it. A raw 1080x1920 frame is 3 MB: through a 64 KiB
    pipe it took ~48 writes and as many reader wake-ups, and the feeds' compositing CPU fell by a fifth with
    the wider pipe (measured on the bench short's solo segments, encoder replaced by null)."""
    read_fd, write_fd = os.pipe()
    try:
        import fcntl

        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):  # not Linux, or a lower limit: the default pipe works
        pass
    return read_fd, write_fd


def _libc_prctl() -> object | None:
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux / no prctl
        return None


_PRCTL = _libc_prctl()


def die_with_parent(parent_pid: int | None = None) -> Callable[[], None] | None:
    """A preexec_fn that makes the child receive SIGKILL when the process that started it dies.

    The death signal follows the *thread* that forked the child; ProcessGroup waits for each child in the
    thread that started it, so that thread outlives the child. If the parent is already gone by the time
    the child runs this, the child kills itself at once."""
    if _PRCTL is None:
        return None
    parent = parent_pid if parent_pid is not None else os.getpid()
    prctl = _PRCTL

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # type: ignore[operator]
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


def encoder_child() -> Callable[[], None] | None:
    """The preexec_fn of every ffmpeg child: die_with_parent(), and no transparent huge pages.

    x264 madvises its frame buffers for huge pages. On the 2-core VM measured, one 90-frame segment's
    encode took 1.16-1.31 s in five runs of eight and 1.66-2.25 s in three (up to a second of kernel time
    zeroing and backing fresh 2 MiB pages); in 4 KiB pages 1.28-1.34 s in all eight. The setting is
    inherited through exec, changes no output byte, and is ignored by kernels without it (< 3.15)."""
    dies = die_with_parent()
    if dies is None or _PRCTL is None:
        return dies
    prctl = _PRCTL

    def preexec() -> None:
        dies()
        prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0)  # type: ignore[operator]  # -1/EINVAL on old kernels: fine

    return preexec


def _output_folder(argv: Sequence[str]) -> Path:
    return Path(argv[-1]).parent if argv else Path.cwd()


def _disk_full(code: int, tail: str) -> bool:
    return code == FFMPEG_ENOSPC_EXIT or "No space left on device" in tail


class _Terminated(Exception):
    pass


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into an exception while children run (only possible from the main thread)."""
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


def _drain(stream: IO[str], tail: collections.deque[str]) -> None:
    for line in stream:
        tail.append(line)


class ProcessGroup:
    """The live ffmpeg children of one render."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen[str]] = set()
        self.stopped = False

    def run(self, argv: list[str], *, what: str, on_frame: FrameProgress | None = None,
            pass_fds: Sequence[int] = (), on_start: Callable[[], None] | None = None) -> str:
        """Run one ffmpeg to the end; return its stderr tail. RenderError names ``what`` on failure.
        ``pass_fds`` are handed to the child; ``on_start`` runs once it has started (e.g. to feed it)."""
        full = [*argv[:1], "-progress", "pipe:1", "-nostats", *argv[1:]]
        tail: collections.deque[str] = collections.deque(maxlen=80)
        with self._lock:
            if self.stopped:
                raise InterruptedRunError("render stopped")
            proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, text=True, bufsize=1, preexec_fn=encoder_child(),
                                    pass_fds=tuple(pass_fds))
            self._live.add(proc)
        if on_start is not None:
            on_start()
        assert proc.stdout is not None and proc.stderr is not None
        drainer = threading.Thread(target=_drain, args=(proc.stderr, tail), daemon=True)
        drainer.start()
        try:
            for line in proc.stdout:
                if line.startswith("frame=") and on_frame is not None:
                    on_frame(int(line.split("=", 1)[1].strip() or 0))
            code = proc.wait()
        finally:
            drainer.join(timeout=GRACE_SEC)
            with self._lock:
                self._live.discard(proc)
        if self.stopped:
            raise InterruptedRunError("render stopped")
        if code != 0 and _disk_full(code, "".join(tail)):
            raise disk_full(_output_folder(full), what=f"ffmpeg output ({what})")
        if code != 0:
            raise RenderError(f"ffmpeg failed on {what} with exit code {code}", argv=full,
                              stderr_tail="".join(tail))
        return "".join(tail)

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            live = list(self._live)
        for proc in live:
            if proc.poll() is None:
                proc.terminate()
        for proc in live:
            try:
                proc.wait(GRACE_SEC)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_all(tasks: Sequence[Callable[[ProcessGroup], object]], jobs: int) -> None:
    """Run ``tasks`` (each may start children through the group) ``jobs`` at a time, in order. The first
    failure, Ctrl-C or SIGTERM stops every child and is raised; an interrupt as InterruptedRunError."""
    group = ProcessGroup()
    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="render")
    futures: list[Future[object]] = []
    try:
        with sigterm_raises():
            # under a copy of the caller's context: the workspace confinement (workspace/contain.py) comes along
            futures = [pool.submit(contextvars.copy_context().run, task, group) for task in tasks]
            pending: set[Future[object]] = set(futures)
            while pending:
                # a timeout keeps the main thread responsive to Ctrl-C and SIGTERM
                _, pending = wait(pending, timeout=0.25, return_when=FIRST_EXCEPTION)
                for f in futures:
                    if f.done() and not f.cancelled() and (exc := f.exception()) is not None:
                        raise exc
    except (KeyboardInterrupt, _Terminated):
        group.stop()
        raise InterruptedRunError("render interrupted; ffmpeg was stopped and the partial output removed") from None
    finally:
        group.stop()
        for f in futures:
            f.cancel()
        pool.shutdown(wait=True)
