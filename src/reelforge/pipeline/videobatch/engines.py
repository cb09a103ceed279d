"""The engines a batch runs on, behind one small interface.

Both run a line as tasks (tasks_engine.py): its stages up to render-spec.json as one task, its segments and
audio mix as more, joined on the driver. ``local``: the tasks of every video share one process pool sized to
the machine. ``ray`` (ray_engine.py): they are Ray tasks across a cluster.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from reelforge.compose.processes import default_jobs
from reelforge.compose.runner import Progress, RenderResult
from reelforge.errors import InvalidInputError
from reelforge.models.render_spec import RenderSpec
from reelforge.pipeline.videobatch.line import EventSink, LineOutcome, LineTask, make_video
from reelforge.pipeline.videobatch.tasks_engine import TasksEngine


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


class LocalEngine(TasksEngine):
    """A process pool of ``workers`` (default: the CPUs): lines prepared and segments rendered in it."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        super().__init__()
        self.workers = workers or default_jobs()
        self._pids: set[int] = set()
        self._pool: ProcessPoolExecutor | None = None
        self._channel: Any = None
        self._events: EventSink = lambda event: None
        self._reader: threading.Thread | None = None

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._channel = context.Queue()
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                             initializer=_init_worker, initargs=(self._channel,))
            self._reader = threading.Thread(target=self._forward, daemon=True, name="batch-events")
            self._reader.start()
        return self._pool

    def _forward(self) -> None:
        while self._pool is not None:
            try:
                event = self._channel.get(timeout=0.2)
            except (queue.Empty, OSError, ValueError):
                continue
            if event[0] == "worker":
                self._pids.add(event[2])
            else:
                self._events(event)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return self._ensure_pool().submit(fn, *args)

    def prepare(self, task: LineTask) -> Future[LineOutcome]:
        return self._ensure_pool().submit(_make_video_in_worker, task)

    def run(self, tasks: list[LineTask], events: EventSink) -> Iterator[LineOutcome]:
        self._events = events
        self._spawn_all()
        yield from super().run(tasks, events)

    def _spawn_all(self) -> None:
        """Start every worker from this (the main) thread: a worker's kill-with-parent signal follows the
        thread that spawned it, and the pool would otherwise spawn from whichever line thread submits first."""
        pool = self._ensure_pool()
        for warm in [pool.submit(os.getpid) for _ in range(self.workers)]:
            warm.result()

    def cancel_all(self) -> None:
        for pid in list(self._pids):  # a worker mid-run ends it as interrupted (SIGTERM -> KeyboardInterrupt)
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if self._reader is not None:
            self._reader.join(timeout=2)


def engine_for(name: str, *, ray_address: str = "", workers: int | None = None) -> Engine:
    if name == "local":
        return LocalEngine(workers)
    if name == "ray":
        from reelforge.pipeline.videobatch.ray_engine import RayEngine

        return RayEngine(ray_address or None)
    raise InvalidInputError(f"--engine {name!r} is not an engine", hint="use --engine local or --engine ray")
