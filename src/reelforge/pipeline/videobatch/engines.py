"""The engines a batch runs on, behind one small interface.

``local``: a process pool sized to the machine; each worker makes whole videos (its render uses the
segment-parallel runner). ``ray`` (ray_engine.py): lines are prepared as Ray tasks and their segments
rendered as Ray tasks across the cluster, joined on the driver.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, Protocol

from reelforge.compose.processes import default_jobs
from reelforge.compose.runner import Progress, RenderResult
from reelforge.errors import InvalidInputError
from reelforge.models.render_spec import RenderSpec
from reelforge.pipeline.videobatch.line import EventSink, LineOutcome, LineTask, make_video


class Engine(Protocol):
    name: str

    def run(self, tasks: list[LineTask], events: EventSink) -> Iterator[LineOutcome]:
        """Make every line's video, yielding each outcome as it finishes. On KeyboardInterrupt the caller
        calls stop(), which ends every worker's run (they mark themselves interrupted)."""
        ...

    def render(self, spec: RenderSpec, run_dir: Path, progress: Progress) -> RenderResult:
        """Render one spec into run_dir (the segments spread over the engine's workers)."""
        ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


# --- local: a process pool --------------------------------------------------------------------------------

_events: Any = None  # the worker's end of the event queue


def _init_worker(events: Any) -> None:
    global _events
    _events = events
    from reelforge.compose.processes import die_with_parent

    preexec = die_with_parent(os.getppid())  # a kill -9 of the driver takes its workers (and their ffmpeg) along
    if preexec is not None:
        preexec()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver turns Ctrl-C into a SIGTERM per worker
    events.put(("worker", 0, os.getpid()))


def _make_video_in_worker(task: LineTask) -> LineOutcome:
    return make_video(task, _events.put)


class LocalEngine:
    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_jobs()
        self._pids: set[int] = set()
        self._pool: ProcessPoolExecutor | None = None

    def run(self, tasks: list[LineTask], events: EventSink) -> Iterator[LineOutcome]:
        if not tasks:
            return
        context = multiprocessing.get_context("spawn")
        channel = context.Queue()
        self._pool = ProcessPoolExecutor(max_workers=min(self.workers, len(tasks)), mp_context=context,
                                         initializer=_init_worker, initargs=(channel,))
        done_reading = threading.Event()

        def forward() -> None:
            while not done_reading.is_set():
                try:
                    event = channel.get(timeout=0.2)
                except queue.Empty:
                    continue
                if event[0] == "worker":
                    self._pids.add(event[2])
                else:
                    events(event)

        reader = threading.Thread(target=forward, daemon=True, name="batch-events")
        reader.start()
        try:
            futures: dict[Future[LineOutcome], LineTask] = {
                self._pool.submit(_make_video_in_worker, t): t for t in tasks}
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                for future in finished:
                    task = futures[future]
                    try:
                        yield future.result()
                    except Exception as exc:
                        yield LineOutcome(task.number, "failed", error={
                            "kind": "error", "message": f"worker process failed: {type(exc).__name__}: {exc}",
                            "hint": "see the run's manifest.json; run the batch again to retry this line"},
                            exit_code=1)
        finally:
            done_reading.set()
            reader.join(timeout=2)

    def render(self, spec: RenderSpec, run_dir: Path, progress: Progress) -> RenderResult:
        from reelforge.compose.runner import render

        return render(spec, run_dir, progress=progress, jobs=self.workers)

    def stop(self) -> None:
        for pid in list(self._pids):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def engine_for(name: str, *, ray_address: str = "", workers: int | None = None) -> Engine:
    if name == "local":
        return LocalEngine(workers)
    if name == "ray":
        from reelforge.pipeline.videobatch.ray_engine import RayEngine

        return RayEngine(ray_address or None)
    raise InvalidInputError(f"--engine {name!r} is not an engine", hint="use --engine local or --engine ray")
